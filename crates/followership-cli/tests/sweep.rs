//! `followership sweep` and `merge` run as a user would: determinism across threads and shards,
//! resuming after the process is killed, and bad sweep specifications.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

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
    assert_eq!(read(&one, "runs.csv"), read(&merged, "runs.csv"));
    assert_eq!(read(&one, "points.csv"), read(&merged, "points.csv"));

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

#[test]
fn a_sweep_killed_at_any_moment_resumes_to_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    // Long enough (about a second in a debug build) to be killed several times on the way.
    let file = scenario(
        dir.path(),
        &SCENARIO.replace("replicates = 12", "replicates = 48"),
    );
    let whole = dir.path().join("whole");
    sweep(&file, &whole, &[]);

    let out = dir.path().join("killed");
    let out_s = out.to_str().unwrap().to_string();
    let mut kills = 0;
    let mut rows_seen = Vec::new();
    for (attempt, wait_ms) in [40u64, 90, 150, 260, 420].into_iter().enumerate() {
        let mut args = vec!["sweep", &file, "--quiet", "--block", "3", "--out", &out_s];
        if attempt > 0 {
            args.push("--resume");
        }
        let mut child = bin().args(&args).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL: no chance to clean up
            kills += 1;
        }
        child.wait().unwrap();
        let rows = std::fs::read_to_string(out.join("runs.csv")).map_or(0, |t| t.lines().count());
        rows_seen.push(rows);
    }
    // Finish whatever is left.
    let o = run(&["sweep", &file, "--quiet", "--resume", "--out", &out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        kills > 0,
        "the sweep finished before it could be killed; rows seen {rows_seen:?}"
    );
    assert_eq!(
        read(&whole, "runs.csv"),
        read(&out, "runs.csv"),
        "rows seen {rows_seen:?}"
    );
    assert_eq!(read(&whole, "points.csv"), read(&out, "points.csv"));

    // Resuming a finished sweep runs nothing and changes nothing.
    let o = run(&["sweep", &file, "--quiet", "--resume", "--out", &out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&whole, "runs.csv"), read(&out, "runs.csv"));
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
            "unknown key `mean_degre`",
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
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
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
