//! The `followership` binary run as a user would: outputs, determinism, classic results and
//! error messages.

mod common;

use std::path::Path;
use std::process::Command;

use common::{followership, read, stderr};

/// Column `name` of every row of a CSV file.
fn column(csv: &str, name: &str) -> Vec<f64> {
    cells(csv, name)
        .iter()
        .map(|c| c.parse().unwrap())
        .collect()
}

#[test]
fn run_writes_every_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = followership(&[
        "run",
        "--replicates",
        "5",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = [
        "scenario.toml",
        "timeseries.csv",
        "summary.csv",
        "run.json",
        "story.md",
        "followers.csv",
        "adoption.svg",
        "final-size.svg",
        "network.svg",
        "report.html",
    ];
    for f in files {
        assert!(out.join(f).exists(), "{f} missing");
    }
    assert_eq!(
        column(&read(&out, "summary.csv"), "final_fraction").len(),
        5
    );
    let run: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(run["summary"]["replicates"], 5);
    assert!(read(&out, "story.md").starts_with("# The story of a run: hillside, replicate 0"));
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), files.len());
    // The final set of replicate 0 has as many people as its summary row says, plus the leader.
    let followers = read(&out, "followers.csv");
    let final_following = column(&read(&out, "summary.csv"), "final_following")[0];
    let leaders = column(&followers, "leader")
        .iter()
        .filter(|&&l| l == 1.0)
        .count();
    assert_eq!(
        followers.lines().count() - 1 - leaders,
        final_following as usize
    );
    // The resolved scenario repeats the run.
    let again = dir.path().join("again");
    let o = followership(&[
        "run",
        out.join("scenario.toml").to_str().unwrap(),
        "--quiet",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&out, "summary.csv"), read(&again, "summary.csv"));
}

#[test]
fn same_seed_gives_identical_bytes_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, threads: &str, seed: &str| {
        let out = dir.path().join(name);
        let o = followership(&[
            "run",
            "--builtin",
            "linear-threshold",
            "--replicates",
            "24",
            "--seed",
            seed,
            "--threads",
            threads,
            "--quiet",
            "--set",
            "network.nodes=3000",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let a = run("a", "1", "7");
    let b = run("b", "4", "7");
    let c = run("c", "1", "8");
    for f in ["scenario.toml", "timeseries.csv", "summary.csv"] {
        assert_eq!(
            read(&a, f),
            read(&b, f),
            "{f} differs between 1 and 4 threads"
        );
    }
    assert_ne!(read(&a, "summary.csv"), read(&c, "summary.csv"));
}

#[test]
fn granovetter_riot_all_join_and_one_changed_threshold_stops_it_at_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("riot");
    let o = followership(&[
        "run",
        "--builtin",
        "granovetter-riot",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        column(&read(&out, "summary.csv"), "final_following"),
        vec![100.0]
    );

    let mut values: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    values[1] = "2".into();
    let set = format!(
        "people.threshold={{ distribution = \"values\", values = [{}] }}",
        values.join(", ")
    );
    let out = dir.path().join("broken");
    let o = followership(&[
        "run",
        "--builtin",
        "granovetter-riot",
        "--quiet",
        "--set",
        &set,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        column(&read(&out, "summary.csv"), "final_following"),
        vec![1.0]
    );
}

#[test]
fn complex_contagion_spreads_on_the_lattice_and_stalls_when_fully_rewired() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, p: &str| {
        let out = dir.path().join(name);
        let o = followership(&[
            "run",
            "--builtin",
            "complex-contagion",
            "--quiet",
            "--replicates",
            "10",
            "--set",
            &format!("network.p={p}"),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        column(&read(&out, "summary.csv"), "final_fraction")
    };
    assert!(run("lattice", "0.0").iter().all(|&f| f == 1.0));
    // With every tie rewired, the three seeds rarely share a contact: spread stops at once.
    let rewired = run("rewired", "1.0");
    assert!(rewired.iter().all(|&f| f < 0.01), "{rewired:?}");
}

#[test]
fn json_summary_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    let o = followership(&[
        "run",
        "--builtin",
        "bass",
        "--replicates",
        "3",
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scenario"], "bass");
    assert!(v["summary"]["final_fraction_mean"].as_f64().unwrap() > 0.9);
}

#[test]
fn scenarios_and_schema_describe_themselves() {
    let o = followership(&["scenarios"]);
    let text = String::from_utf8(o.stdout).unwrap();
    for name in [
        "granovetter-riot",
        "watts-cascade",
        "linear-threshold",
        "independent-cascade",
        "complex-contagion",
        "bass",
    ] {
        assert!(text.contains(name), "{name} not listed");
    }
    let o = followership(&["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(schema["properties"]["network"].is_object());
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn fails_with_input_error(args: &[&str], expect: &[&str]) {
    let o = followership(args);
    assert_eq!(o.status.code(), Some(2), "args {args:?}: {}", stderr(&o));
    let e = stderr(&o);
    for part in expect {
        assert!(e.contains(part), "message {e:?} lacks {part:?}");
    }
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn bad_input_exits_with_status_two_and_names_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let unknown = write(
        d,
        "unknown.toml",
        "name = \"x\"\n[network]\nkind = \"complete\"\nnodez = 5\n",
    );
    fails_with_input_error(
        &["run", &unknown],
        &["unknown.toml:4:1", "did you mean `nodes`"],
    );

    let range = write(
        d,
        "range.toml",
        "name = \"x\"\n[network]\nkind = \"complete\"\nnodes = 5\n[dynamics]\nvisibility = 3\n",
    );
    fails_with_input_error(&["run", &range], &["range.toml:6:1", "dynamics.visibility"]);

    let generator = write(
        d,
        "ring.toml",
        "name = \"x\"\n[network]\nkind = \"ring-lattice\"\nnodes = 10\nk = 3\n",
    );
    fails_with_input_error(
        &["run", &generator],
        &["ring.toml:5:1", "network.k", "even"],
    );

    write(d, "edges.txt", "# a comment\n1 2\n2 3\n3 x4\n");
    let file = write(
        d,
        "file.toml",
        "name = \"x\"\n[network]\nkind = \"file\"\npath = \"edges.txt\"\n",
    );
    fails_with_input_error(&["run", &file], &["edges.txt:4", "x4"]);

    let missing = write(
        d,
        "missing.toml",
        "name = \"x\"\n[network]\nkind = \"file\"\npath = \"nowhere.txt\"\n",
    );
    fails_with_input_error(&["run", &missing], &["nowhere.txt"]);

    fails_with_input_error(
        &["run", d.join("no-such.toml").to_str().unwrap()],
        &["no-such.toml", "cannot read"],
    );
    fails_with_input_error(&["run", "--builtin", "hilside"], &["no built-in scenario"]);
    fails_with_input_error(&["run", "--set", "novalue"], &["key.path=value"]);
    fails_with_input_error(&["run", "--threads", "0"], &["--threads"]);
    fails_with_input_error(&["run", "--bogus"], &["--bogus"]);
}

#[test]
fn a_network_file_speaks_its_own_ids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A path 1000 -> 2000 -> 3000 -> 4000, and an unreachable 9000.
    write(
        d,
        "path.txt",
        "1000 2000\n2000 3000\n3000 4000\n9000 9001\n",
    );
    let scenario = write(
        d,
        "path.toml",
        "name = \"path\"\nreplicates = 1\n[network]\nkind = \"file\"\npath = \"path.txt\"\ndirected = true\ncache = false\n\
         [people]\nthreshold = { distribution = \"constant\", value = 0.5 }\n[initial]\nplacement = \"ids\"\nids = [1000]\n",
    );
    let out = d.join("out");
    let o = followership(&["run", &scenario, "--quiet", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        column(&read(&out, "summary.csv"), "final_following"),
        vec![4.0]
    );
    // The final set, in the file's own ids.
    assert_eq!(
        column(&read(&out, "followers.csv"), "id"),
        vec![1000.0, 2000.0, 3000.0, 4000.0]
    );
    let bad = write(
        d,
        "bad.toml",
        &std::fs::read_to_string(&scenario)
            .unwrap()
            .replace("[1000]", "[5]"),
    );
    fails_with_input_error(
        &["run", &bad, "--quiet"],
        &["initial.ids[0]", "node 5 is not in the network"],
    );
}

#[test]
fn thresholds_can_be_read_per_person_from_a_file_in_the_networks_own_ids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A star 10 -> 20, 10 -> 30, 10 -> 40: the centre starts; only low thresholds follow.
    write(d, "star.txt", "10 20\n10 30\n10 40\n");
    write(
        d,
        "thresholds.csv",
        "id,threshold\n10,0.9\n20,0.5\n30,1.5\n40,0.2\n",
    );
    let scenario = write(
        d,
        "star.toml",
        "name = \"star\"\nreplicates = 1\n[network]\nkind = \"file\"\npath = \"star.txt\"\ndirected = true\ncache = false\n\
         [people]\nthreshold = { distribution = \"file\", path = \"thresholds.csv\" }\n[initial]\nplacement = \"ids\"\nids = [10]\n",
    );
    let out = d.join("out");
    let o = followership(&["run", &scenario, "--quiet", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // 20 and 40 join (their one contact is 100% proof); 30 needs more than everything.
    assert_eq!(
        column(&read(&out, "summary.csv"), "final_following"),
        vec![3.0]
    );

    write(
        d,
        "thresholds.csv",
        "id,threshold\n10,0.9\n20,0.5\n30,1.0\n",
    );
    fails_with_input_error(
        &["run", &scenario, "--quiet"],
        &["thresholds.csv", "no value for node 40"],
    );
}

/// The cells of column `name` of a CSV file, as text (a moment that never came is empty).
fn cells(text: &str, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let i = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[i].to_string())
        .collect()
}

/// The tick and the id of the first follower a story names, if it names one.
fn first_follower(story: &str) -> Option<(String, String)> {
    let line = story
        .lines()
        .find(|l| l.contains("gets a first follower: person "))?;
    let tick = line
        .strip_prefix("- **Tick ")
        .and_then(|l| l.split('.').next())
        .unwrap_or_else(|| panic!("no tick in {line:?}"));
    let id = line
        .split("gets a first follower: person ")
        .nth(1)
        .and_then(|l| l.split(' ').next())
        .unwrap();
    Some((tick.to_string(), id.to_string()))
}

#[test]
fn story_tells_the_same_run_as_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hillside");
    let o = followership(&[
        "run",
        "--builtin",
        "hillside",
        "--replicates",
        "4",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = read(&out, "summary.csv");

    let o = followership(&["story", "--builtin", "hillside", "--replicate", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let story = String::from_utf8(o.stdout).unwrap();
    assert!(
        story.starts_with("# The story of a run: hillside, replicate 3\n"),
        "{story}"
    );
    let expected_tick = &cells(&summary, "first_follower_tick")[3];
    match first_follower(&story) {
        Some((tick, id)) => {
            assert_eq!(&tick, expected_tick, "{story}");
            let id: u64 = id.parse().unwrap();
            assert!(id < 3000, "{story}");
        }
        None => {
            assert!(expected_tick.is_empty(), "{story}");
            assert!(story.contains("never got a first follower"), "{story}");
        }
    }
    let final_following = column(&summary, "final_following")[3];
    assert!(
        story.contains(&format!(
            "{} of the 2,999 people",
            separated(final_following as u64)
        )),
        "{story}"
    );

    // Replicate 0 is the story `run` wrote, word for word.
    let o = followership(&["story", "--builtin", "hillside"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), read(&out, "story.md"));
}

/// A count with thousands separators, as stories write them.
fn separated(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn story_takes_any_replicate_overrides_and_seed() {
    // A replicate beyond the scenario's count is just another run.
    let o = followership(&[
        "story",
        "--builtin",
        "watts-cascade",
        "--replicate",
        "500",
        "--set",
        "network.nodes=500",
        "--seed",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let story = String::from_utf8(o.stdout).unwrap();
    assert!(story.starts_with("# The story of a run: watts-cascade, replicate 500\n"));
    assert!(
        story.contains("500 people on an erdos-renyi network (seed 3)."),
        "{story}"
    );
    assert!(
        story.contains("- **Tick 0.** 1 person starts dancing: person "),
        "{story}"
    );
    assert!(story.contains("## The end"), "{story}");

    fails_with_input_error(
        &["story", "--builtin", "hilside"],
        &["no built-in scenario"],
    );
    fails_with_input_error(&["story", "--replicate", "three"], &["--replicate"]);
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let bin = env!("CARGO_BIN_EXE_followership");
    // `head` closes the pipe after one line; the rest of the listing hits a closed pipe.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{bin}' scenarios | head -n 1 >/dev/null; '{bin}' schema | head -c 10 >/dev/null"
        ))
        .output()
        .expect("sh runs");
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "{e}");
    assert!(o.status.success(), "{e}");
}

/// Without the `mpi` feature, `--mpi` says how to get it (exit 2) instead of running alone.
#[cfg(not(feature = "mpi"))]
#[test]
fn mpi_on_a_build_without_it_says_how_to_build_it() {
    let o = followership(&["sweep", "--builtin", "hackman", "--mpi"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--features mpi"), "{}", stderr(&o));
}
