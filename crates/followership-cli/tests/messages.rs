//! Reproducers of issue 12's unclear messages: every message names the place (file:line:column,
//! key path or option) and a fix, in the user's words, and usage errors exit with status 2.

mod common;

use std::path::Path;

use common::{followership, stderr};

/// Runs `followership ARGS`, expects exit status 2 and a message with every part of `expect`
/// and none of the Rust type names serde and clap would show.
fn says(args: &[&str], expect: &[&str]) -> String {
    let o = followership(args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "args {args:?}: {e}");
    for part in expect {
        assert!(
            e.contains(part),
            "args {args:?}: message {e:?} lacks {part:?}"
        );
    }
    for leak in [
        "panicked",
        "expected u64",
        "expected usize",
        "expected u32",
        "expected f64",
        "internally tagged",
        "use '--",
        "(with --set)",
    ] {
        assert!(
            !e.contains(leak),
            "args {args:?}: message {e:?} shows {leak:?}"
        );
    }
    e
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn negative_numbers_for_options_are_refused_in_words() {
    for (args, flag) in [
        (&["run", "--seed", "-1"][..], "--seed"),
        (&["run", "--replicates", "-5"], "--replicates"),
        (&["run", "--threads", "-1"], "--threads"),
        (&["sweep", "--block", "-3"], "--block"),
        (&["story", "--replicate", "-1"], "--replicate"),
        (&["seed", "--k", "-2"], "--k"),
    ] {
        says(args, &[flag, "is negative", "give a whole number"]);
    }
    says(
        &["run", "--seed", "9223372036854775808"],
        &["--seed", "too large", "2^63 - 1"],
    );
    says(
        &["run", "--replicates", "many"],
        &["--replicates", "not a whole number"],
    );
}

#[test]
fn options_that_become_scenario_values_are_blamed_by_name() {
    says(
        &["run", "--replicates", "0", "--out", "unused"],
        &["--replicates 0", "give at least 1"],
    );
    says(
        &["run", "--set", "replicates=\"x\""],
        &[
            "--set replicates=\"x\"",
            "expected a whole number",
            "found the text \"x\"",
        ],
    );
    says(
        &["run", "--set", "network=3"],
        &[
            "--set network=3",
            "`kind = ...` naming one of",
            "`random-geometric`",
        ],
    );
    says(
        &["run", "--set", "dynamics.rule=3"],
        &["dynamics.rule", "expected one of `threshold`"],
    );
}

#[test]
fn file_errors_name_the_line_of_the_file_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // No `seed` in the file: `--seed` adds a line to the text that is read; places must still
    // be the file's own lines.
    let f = write(
        d,
        "v.toml",
        "name = \"x\"\n[network]\nkind = \"complete\"\nnodes = 5\n[dynamics]\nvisibility = 3\n",
    );
    says(
        &["run", &f, "--seed", "4"],
        &["v.toml:6:1", "dynamics.visibility"],
    );
    let f = write(d, "dup.toml", "name = \"x\"\nname = \"y\"\n");
    says(&["run", &f], &["dup.toml:2:1", "`name` is given twice"]);
    let f = write(
        d,
        "n0.toml",
        "name = \"x\"\n[network]\nkind = \"erdos-renyi\"\nnodes = 0\nmean_degree = 3.0\n",
    );
    says(
        &["run", &f],
        &["n0.toml:4:1", "network.nodes", "give at least 1"],
    );
    write(d, "empty.txt", "# nobody here\n");
    let f = write(
        d,
        "empty.toml",
        "name = \"x\"\n[network]\nkind = \"file\"\npath = \"empty.txt\"\n",
    );
    says(
        &["run", &f],
        &["empty.toml:4:1", "empty.txt", "no edges", "source target"],
    );
}

#[test]
fn a_bad_swept_value_points_at_the_sweep_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = write(
        d,
        "sw.toml",
        "name = \"sw\"\nreplicates = 1\nmax_ticks = 5\n[network]\nkind = \"complete\"\nnodes = 5\n\
         [dynamics]\nvisibility = 0.1\n[sweep]\nparameters = [\n  { key = \"dynamics.visibility\", values = [0.2, 3.0] },\n]\n",
    );
    let out = d.join("out");
    says(
        &["sweep", &f, "-q", "--out", out.to_str().unwrap()],
        &["sw.toml:11:3", "dynamics.visibility", "sweep point 1"],
    );
}

#[test]
fn an_output_directory_that_cannot_be_one_names_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = write(d, "a-file", "");
    let under = format!("{file}/sub");
    let sweep = write(
        d,
        "sw.toml",
        "name = \"sw\"\nreplicates = 1\nmax_ticks = 5\n[network]\nkind = \"complete\"\nnodes = 5\n\
         [sweep]\nparameters = [{ key = \"dynamics.visibility\", values = [0.1, 0.2] }]\n",
    );
    for out in [&file, &under] {
        for cmd in [
            &["run", "-q", "--replicates", "1", "--no-plots"][..],
            &["sweep", &sweep, "-q", "--replicates", "1"],
            &[
                "sensitivity",
                "--builtin",
                "hackman",
                "-q",
                "--replicates",
                "1",
            ],
            &[
                "seed",
                "--builtin",
                "independent-cascade",
                "--k",
                "1",
                "--runs",
                "1",
            ],
            &["merge", "nowhere"],
        ] {
            let mut args = cmd.to_vec();
            args.extend(["--out", out]);
            says(&args, &["--out", "a-file is a file", "give --out DIR"]);
        }
    }
}

#[test]
fn an_unwritable_output_directory_names_out() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    // Root writes through permissions; nobody, root included, creates files in /proc.
    let out = if std::fs::write(locked.join("probe"), "").is_ok() {
        std::path::PathBuf::from("/proc/followership-test-out")
    } else {
        locked.join("run")
    };
    says(
        &[
            "run",
            "-q",
            "--replicates",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
        &[
            "--out",
            "cannot write",
            "give --out DIR a directory you can write to",
        ],
    );
}

#[test]
fn mismatched_shards_say_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = write(
        d,
        "sw.toml",
        "name = \"sw\"\nreplicates = 1\nmax_ticks = 5\n[network]\nkind = \"complete\"\nnodes = 5\n\
         [sweep]\nparameters = [{ key = \"dynamics.visibility\", values = [0.1, 0.2] }]\n",
    );
    let s1 = d.join("s1");
    let s2 = d.join("s2");
    let run = |shard: &str, out: &Path, extra: &[&str]| {
        let mut args = vec!["sweep", &f, "-q", "--no-plots", "--shard", shard];
        args.extend(["--out", out.to_str().unwrap()]);
        args.extend(extra);
        common::ok(&followership(&args));
    };
    run("1/2", &s1, &[]);
    run("2/2", &s2, &["--replicates", "2"]);
    let merged = d.join("m");
    says(
        &[
            "merge",
            "--out",
            merged.to_str().unwrap(),
            s1.to_str().unwrap(),
            s2.to_str().unwrap(),
        ],
        &["s2", "2 replicates per point instead of 1"],
    );
    let s3 = d.join("s3");
    run("2/2", &s3, &["--seed", "9"]);
    says(
        &[
            "merge",
            "--out",
            merged.to_str().unwrap(),
            s1.to_str().unwrap(),
            s3.to_str().unwrap(),
        ],
        &["s3", "the base scenario or the swept values differ"],
    );
}
