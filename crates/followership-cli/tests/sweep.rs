//! `followership sweep` and `merge` run as a user would: determinism across threads and shards,
//! resuming after the process is killed, and bad sweep specifications.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{bin, followership as run, read, stderr};

const SCENARIO: &str = r#"
name = "window"
seed = 7
replicates = 12
[network]
kind = "erdos-renyi"
nodes = 3000
mean_degree = 4.0
[people]
threshold = { distribution = "constant", value = 0.18 }
[initial]
placement = "random"
count = 1
[sweep]
design = "grid"
[[sweep.parameters]]
key = "network.mean_degree"
start = 1.0
stop = 8.0
step = 1.0
[[sweep.parameters]]
key = "people.threshold.value"
values = [0.15, 0.2]
"#;

fn scenario(dir: &Path, text: &str) -> String {
    let p = dir.join("sweep.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn sweep(file: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["sweep", file, "--quiet", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

#[test]
fn grid_points_are_the_product_in_order_and_every_run_has_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), SCENARIO);
    let out = dir.path().join("out");
    sweep(&file, &out, &[]);
    let points = read(&out, "points.csv");
    let rows: Vec<&str> = points.lines().skip(1).collect();
    assert_eq!(rows.len(), 16);
    // The first parameter varies slowest.
    assert!(rows[0].starts_with("0,1,0.15,12,"), "{}", rows[0]);
    assert!(rows[1].starts_with("1,1,0.2,12,"), "{}", rows[1]);
    assert!(rows[15].starts_with("15,8,0.2,12,"), "{}", rows[15]);
    assert_eq!(read(&out, "runs.csv").lines().count(), 1 + 16 * 12);
}

#[test]
fn results_do_not_depend_on_threads_or_shards() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), SCENARIO);
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    sweep(&file, &one, &["--threads", "1"]);
    sweep(&file, &two, &["--threads", "2", "--block", "5"]);
    assert_eq!(read(&one, "runs.csv"), read(&two, "runs.csv"));
    assert_eq!(read(&one, "points.csv"), read(&two, "points.csv"));

    let shards: Vec<PathBuf> = (1..=3)
        .map(|i| dir.path().join(format!("shard{i}")))
        .collect();
    for (i, s) in shards.iter().enumerate() {
        sweep(&file, s, &["--shard", &format!("{}/3", i + 1)]);
    }
    let merged = dir.path().join("merged");
    let o = run(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[2].to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // File for file what one process writes: the tables, the manifest, the plots, the report.
    same_files(&one, &merged, "merged");
    assert!(merged.join("report.html").exists());

    // A missing shard is an input error.
    let o = run(&[
        "merge",
        "--out",
        dir.path().join("bad").to_str().unwrap(),
        shards[0].to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shard 2/3 is missing"),
        "{}",
        stderr(&o)
    );
}

/// Every file in `dir` by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Asserts that two directories hold the same files with the same bytes.
fn same_files(expected: &Path, found: &Path, what: &str) {
    let (a, b) = (files(expected), files(found));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: the files differ"
    );
    for (name, bytes) in &a {
        assert!(b[name] == *bytes, "{what}: {name} differs");
    }
}

/// Runs `args` with the sweep told to stop at `stage`, as if killed there.
fn stopped_at(stage: &str, args: &[&str]) -> Output {
    let o = bin()
        .args(args)
        .env("FOLLOWERSHIP_STOP_AT", stage)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(137), "{stage}: {}", stderr(&o));
    o
}

/// A small sweep of 16 points x 4 replicates in blocks of 5 runs: 13 blocks.
fn small_sweep(dir: &Path) -> String {
    scenario(
        dir,
        &SCENARIO
            .replace("replicates = 12", "replicates = 4")
            .replace("nodes = 3000", "nodes = 600"),
    )
}

#[test]
fn a_sweep_killed_at_any_moment_resumes_to_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sweep(dir.path());
    let whole = dir.path().join("whole");
    sweep(&file, &whole, &["--block", "5"]);
    // Every stage a sweep passes, from before its directory exists to its last file; the
    // stages are named by the sweep itself, so no kill depends on how fast the machine is.
    let stages = [
        "start",
        "manifest-partial",
        "manifest",
        "runs-header",
        "block-1",
        "block-7",
        "rows-done",
        "finished",
        "complete-partial",
        "complete",
    ];
    for (i, stage) in stages.iter().enumerate() {
        let out = dir.path().join(format!("killed-{i}"));
        let o = out.to_str().unwrap();
        let args = ["sweep", &file, "--quiet", "--block", "5", "--out", o];
        stopped_at(stage, &args);
        // Killed again, later, while resuming; then resumed to the end.
        let resume = [&args[..], &["--resume"][..]].concat();
        if i + 3 < stages.len() {
            stopped_at(stages[i + 3], &resume);
        }
        let done = run(&resume);
        assert!(done.status.success(), "{stage}: {}", stderr(&done));
        same_files(&whole, &out, &format!("killed at {stage}"));
    }
    // Resuming a finished sweep runs nothing and changes nothing.
    let out = dir.path().join("killed-0");
    sweep(&file, &out, &["--block", "5", "--resume"]);
    same_files(&whole, &out, "resumed when finished");
    // A directory that only holds what the first moments leave is a fresh start, also
    // without --resume.
    let early = dir.path().join("early");
    stopped_at(
        "manifest-partial",
        &["sweep", &file, "--quiet", "--out", early.to_str().unwrap()],
    );
    assert!(files(&early).keys().any(|n| n.ends_with(".partial")));
    sweep(&file, &early, &["--block", "5"]);
    same_files(&whole, &early, "started again");
}

#[test]
fn a_sensitivity_analysis_killed_and_resumed_writes_the_same_indices() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), SENSITIVITY);
    let whole = dir.path().join("whole");
    let w = whole.to_str().unwrap();
    let o = run(&["sensitivity", &file, "--quiet", "--out", w]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (i, stages) in [["block-2", "rows-done"], ["manifest", "complete-partial"]]
        .iter()
        .enumerate()
    {
        let out = dir.path().join(format!("killed-{i}"));
        let o = out.to_str().unwrap();
        let args = ["sensitivity", &file, "--quiet", "--block", "7", "--out", o];
        stopped_at(stages[0], &args);
        let resume = [&args[..], &["--resume"][..]].concat();
        stopped_at(stages[1], &resume);
        let done = run(&resume);
        assert!(done.status.success(), "{}", stderr(&done));
        same_files(&whole, &out, &format!("killed at {stages:?}"));
    }

    // Only the analysis changed (bootstrap, outcomes): the same runs, resumed, new indices.
    let changed = dir.path().join("changed.toml");
    std::fs::write(
        &changed,
        SENSITIVITY.replace(
            "bootstrap = 50",
            "bootstrap = 30\noutcomes = [\"final_fraction\"]",
        ),
    )
    .unwrap();
    let runs = read(&whole, "runs.csv");
    let o = run(&[
        "sensitivity",
        changed.to_str().unwrap(),
        "--quiet",
        "--resume",
        "--out",
        w,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&whole, "runs.csv"), runs);
    let json: serde_json::Value = serde_json::from_str(&read(&whole, "sensitivity.json")).unwrap();
    assert!(json.get("cascaded").is_none(), "{json}");
    assert!(json["final_fraction"]["parameters"].is_array());
}

const CHOICES: &str = r#"
name = "quoted"
seed = 11
replicates = 3
[network]
kind = "erdos-renyi"
nodes = 400
mean_degree = 5.0
[people]
threshold = { distribution = "constant", value = 0.18 }
[initial]
placement = "ids"
ids = [0]
[sweep]
[[sweep.parameters]]
key = "initial.ids"
choices = ["[1, 2]", "[3, 4, 5]", "[7]"]
[[sweep.parameters]]
key = "people.threshold"
choices = ['{ distribution = "constant", value = 0.1 }', '{ distribution = "constant", value = 0.3 }']
"#;

#[test]
fn choices_with_commas_and_quotes_survive_a_sweep_a_resume_and_a_merge() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), CHOICES);
    let whole = dir.path().join("whole");
    sweep(&file, &whole, &["--block", "2"]);
    let mut reader = csv::Reader::from_path(whole.join("runs.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[2], "initial.ids");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6 * 3);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert_eq!(&rows[0][2], "[1, 2]");
    assert_eq!(&rows[0][3], r#"{ distribution = "constant", value = 0.1 }"#);
    assert_eq!(&rows[17][2], "[7]");
    let points = csv::Reader::from_path(whole.join("points.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(points, 6);

    let out = dir.path().join("resumed");
    let o = out.to_str().unwrap();
    let args = ["sweep", &file, "--quiet", "--block", "2", "--out", o];
    stopped_at("block-4", &args);
    let done = run(&[&args[..], &["--resume"][..]].concat());
    assert!(done.status.success(), "{}", stderr(&done));
    same_files(&whole, &out, "resumed");

    let shards: Vec<PathBuf> = (1..=2).map(|i| dir.path().join(format!("s{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        sweep(&file, s, &["--shard", &format!("{}/2", i + 1)]);
    }
    let merged = dir.path().join("merged");
    let o = run(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    same_files(&whole, &merged, "merged");
}

#[test]
fn a_torn_last_row_is_cut_off_on_resume() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), SCENARIO);
    let whole = dir.path().join("whole");
    sweep(&file, &whole, &[]);
    // Simulate a crash mid-write: keep 40 rows and half of the next one.
    let out = dir.path().join("torn");
    std::fs::create_dir_all(&out).unwrap();
    let text = read(&whole, "runs.csv");
    let cut: usize = text.match_indices('\n').nth(40).unwrap().0 + 1;
    let torn = &text[..cut + 7];
    std::fs::write(out.join("runs.csv"), torn).unwrap();
    let manifest = read(&whole, "sweep.json").replace("\"complete\": true", "\"complete\": false");
    std::fs::write(out.join("sweep.json"), manifest).unwrap();
    sweep(&file, &out, &["--resume"]);
    assert_eq!(read(&whole, "runs.csv"), read(&out, "runs.csv"));
}

fn fails(args: &[&str], expect: &[&str]) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    let e = stderr(&o);
    for part in expect {
        assert!(e.contains(part), "message {e:?} lacks {part:?}");
    }
}

#[test]
fn bad_sweep_specifications_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("out");
    let o = out.to_str().unwrap();
    let with = |name: &str, from: &str, to: &str| {
        let p = d.join(name);
        std::fs::write(&p, SCENARIO.replace(from, to)).unwrap();
        p.to_str().unwrap().to_string()
    };
    let unknown = with(
        "unknown.toml",
        "key = \"network.mean_degree\"",
        "key = \"network.mean_degre\"",
    );
    fails(
        &["sweep", &unknown, "--out", o],
        &[
            // The swept parameter's own line (16), not a line of the changed document.
            "unknown.toml:16:1: unknown key `mean_degre`",
            "did you mean `mean_degree`",
            "sweep point 0",
        ],
    );
    let empty = with("empty.toml", "stop = 8.0", "stop = 0.5");
    fails(&["sweep", &empty, "--out", o], &["sweep.parameters[0]"]);
    let bounds = SCENARIO
        .replace("design = \"grid\"", "design = \"random\"\nsamples = 4")
        .replace(
            "start = 1.0\nstop = 8.0\nstep = 1.0",
            "low = 8.0\nhigh = 1.0",
        );
    let bounds = with("bounds.toml", SCENARIO, &bounds);
    fails(
        &["sweep", &bounds, "--out", o],
        &["sweep.parameters[0]", "low"],
    );
    let none = with("none.toml", "[sweep]", "[nosweep]");
    fails(&["sweep", &none, "--out", o], &["unknown key `nosweep`"]);
    let plain = d.join("plain.toml");
    std::fs::write(&plain, &SCENARIO[..SCENARIO.find("[sweep]").unwrap()]).unwrap();
    fails(
        &["sweep", plain.to_str().unwrap(), "--out", o],
        &["no [sweep] section"],
    );
    fails(
        &["sweep", &unknown, "--shard", "4/3", "--out", o],
        &["--shard"],
    );
    // An existing sweep is not overwritten without --resume.
    let file = scenario(d, SCENARIO);
    sweep(&file, &out, &[]);
    fails(
        &["sweep", &file, "--out", o],
        &["already holds a sweep", "--resume"],
    );
    let other = with("other.toml", "replicates = 12", "replicates = 13");
    fails(
        &["sweep", &other, "--resume", "--out", o],
        &["different sweep"],
    );
}

const SENSITIVITY: &str = r#"
name = "sa"
seed = 3
replicates = 2
[network]
kind = "erdos-renyi"
nodes = 1000
mean_degree = 4.0
[people]
threshold = { distribution = "constant", value = 0.18 }
[initial]
placement = "random"
count = 1
[sensitivity]
base_samples = 16
bootstrap = 50
[[sensitivity.parameters]]
key = "network.mean_degree"
low = 1.0
high = 10.0
group = "network"
[[sensitivity.parameters]]
key = "people.threshold.value"
low = 0.1
high = 0.3
group = "people"
[[sensitivity.parameters]]
key = "initial.placement"
choices = ["random", "degree"]
group = "people"
"#;

#[test]
fn sensitivity_writes_indices_per_parameter_and_group() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), SENSITIVITY);
    let out = dir.path().join("sa");
    let o = run(&[
        "sensitivity",
        &file,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = read(&out, "sensitivity.csv");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    // Two outcomes, three parameters and two groups each.
    assert_eq!(rows.len(), 2 * (3 + 2), "{csv}");
    for r in &rows {
        let first: f64 = r[3].parse().unwrap();
        let total: f64 = r[6].parse().unwrap();
        assert!(first.is_finite() && total.is_finite(), "{r:?}");
    }
    // 16 base samples x (3 parameters + 2 groups + 2) points, two replicates each.
    assert_eq!(read(&out, "runs.csv").lines().count(), 1 + 16 * 7 * 2);
    let json: serde_json::Value = serde_json::from_str(&read(&out, "sensitivity.json")).unwrap();
    assert!(json["final_fraction"]["groups"].is_array());

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        SENSITIVITY.replace(
            "bootstrap = 50",
            "bootstrap = 50\noutcomes = [\"final_fracton\"]",
        ),
    )
    .unwrap();
    fails(
        &["sensitivity", bad.to_str().unwrap()],
        &["sensitivity.outcomes[0]", "did you mean `final_fraction`"],
    );
}

fn merge(out: &Path, shards: &[&Path]) -> Output {
    let mut args = vec!["merge", "--out", out.to_str().unwrap()];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    run(&args)
}

#[test]
fn merged_shards_of_a_sensitivity_analysis_are_one_process_file_for_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path(), SENSITIVITY);
    let one = dir.path().join("one");
    let o = run(&[
        "sensitivity",
        &file,
        "--quiet",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shards: Vec<PathBuf> = (1..=3).map(|i| dir.path().join(format!("s{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        let shard = format!("{}/3", i + 1);
        let o = run(&[
            "sensitivity",
            &file,
            "--quiet",
            "--shard",
            &shard,
            "--out",
            s.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !s.join("sensitivity.csv").exists(),
            "a shard has no indices"
        );
    }
    let merged = dir.path().join("merged");
    let o = merge(&merged, &[&shards[1], &shards[2], &shards[0]]);
    assert!(o.status.success(), "{}", stderr(&o));
    same_files(&one, &merged, "merged sensitivity analysis");
    assert!(merged.join("sensitivity.json").exists());
}

#[test]
fn a_merge_of_mismatched_shards_says_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = small_sweep(d);
    let shard = |name: &str, file: &str, which: &str| {
        let out = d.join(name);
        sweep(file, &out, &["--shard", which]);
        out
    };
    let a1 = shard("a1", &file, "1/2");
    let a2 = shard("a2", &file, "2/2");
    let text = std::fs::read_to_string(&file).unwrap();
    let other = |name: &str, from: &str, to: &str| {
        let p = d.join(name);
        std::fs::write(&p, text.replace(from, to)).unwrap();
        p.to_str().unwrap().to_string()
    };
    let seeded = shard("seed", &other("seed.toml", "seed = 7", "seed = 8"), "2/2");
    let reps = shard(
        "reps",
        &other("reps.toml", "replicates = 4", "replicates = 5"),
        "2/2",
    );
    let three = shard("three", &file, "2/3");
    let params = shard(
        "params",
        &other(
            "params.toml",
            "values = [0.15, 0.2]",
            "values = [0.15, 0.2, 0.25]",
        ),
        "2/2",
    );
    let whole = d.join("whole");
    sweep(&file, &whole, &[]);
    let says = |shards: &[&Path], parts: &[&str]| {
        let o = merge(&d.join("merged"), shards);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        for p in parts {
            assert!(e.contains(p), "message {e:?} lacks {p:?}");
        }
    };
    says(
        &[&a1, &seeded],
        &[
            "the base scenario or the swept values differ",
            "`seed = 8` instead of `seed = 7`",
        ],
    );
    says(&[&a1, &reps], &["5 replicates per point instead of 4"]);
    says(&[&a1, &three], &["one of 3 shards instead of 2"]);
    says(&[&a1, &params], &["24 points instead of 16"]);
    says(&[&a1, &a1], &["shard 1/2 is given twice"]);
    says(&[&a2], &["shard 1/2 is missing"]);
    says(&[&whole, &a2], &["whole sweep, not a shard"]);
    // The shards that do belong together merge, once: into a new directory.
    let o = merge(&d.join("merged"), &[&a2, &a1]);
    assert!(o.status.success(), "{}", stderr(&o));
    same_files(&whole, &d.join("merged"), "merged");
    says(&[&a2, &a1], &["already holds a sweep"]);
    let o = merge(&a1, &[&a2, &a1]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
