//! Every output of every built-in stays the same bytes: `run` of each built-in, the story of a
//! hillside run, a sweep with a `choices` parameter, a sensitivity analysis and two seed
//! strategies are run small, and the SHA-256 of each file they write is compared with the
//! digests recorded in `tests/golden/digests.txt`.
//!
//! A change that is meant to change results (a new model default, say) records the new digests
//! with `FOLLOWERSHIP_BLESS=1 cargo test -p followership-cli --test golden` and says why in its
//! commit. Timings (the `*_seconds` fields of JSON files, the time column of the seed report's
//! strategy table) are the only bytes left out.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use common::{followership, ok};
use sha2::{Digest, Sha256};

const SWEEP: &str = r#"
name = "golden-sweep"
seed = 5
replicates = 4
[network]
kind = "watts-strogatz"
nodes = 400
k = 6
p = 0.1
[people]
threshold = { distribution = "normal", mean = 0.2, sd = 0.05 }
[initial]
placement = "random"
count = 3
[sweep]
design = "grid"
[[sweep.parameters]]
key = "network.p"
values = [0.01, 0.2]
[[sweep.parameters]]
key = "people.threshold.mean"
start = 0.1
stop = 0.3
step = 0.1
"#;

/// The text of a file with its timing fields left out.
fn without_timings(name: &str, bytes: &[u8]) -> Vec<u8> {
    if !(name.ends_with(".json") || name.ends_with(".html")) {
        return bytes.to_vec();
    }
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .filter(|l| !l.contains("_seconds\"") && !l.contains("seconds</"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .into_bytes()
}

fn digest_dir(label: &str, dir: &Path, into: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            digest_dir(&format!("{label}/{name}"), &path, into);
            continue;
        }
        let mut bytes = without_timings(&name, &std::fs::read(&path).unwrap());
        if label.starts_with("seed") && name == "report.html" {
            // The strategy table's rows carry each strategy's time.
            bytes = String::from_utf8_lossy(&bytes)
                .lines()
                .filter(|l| !l.starts_with("<tr><td>"))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                .into_bytes();
        }
        let hash = Sha256::digest(&bytes);
        let mut hex = String::new();
        for b in hash {
            write!(hex, "{b:02x}").unwrap();
        }
        into.insert(format!("{label}/{name}"), hex);
    }
}

fn run_into(label: &str, args: &[&str], out: &Path, digests: &mut BTreeMap<String, String>) {
    let mut all: Vec<&str> = args.to_vec();
    let out_text = out.to_str().unwrap();
    all.extend(["--out", out_text, "--threads", "2"]);
    let o = followership(&all);
    ok(&o);
    digest_dir(label, out, digests);
}

#[test]
fn every_output_of_every_builtin_keeps_its_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut digests = BTreeMap::new();
    let builtins = [
        "granovetter-riot",
        "watts-cascade",
        "linear-threshold",
        "independent-cascade",
        "complex-contagion",
        "bass",
        "hillside",
        "no-embrace",
        "impatient-leader",
        "broken-promise",
        "admitted-mistake",
        "denied-mistake",
        "middle-out",
        "network-marketing",
        "hackman",
    ];
    for name in builtins {
        let out = tmp.path().join(format!("run-{name}"));
        run_into(
            &format!("run {name}"),
            &["run", "--builtin", name, "--replicates", "12", "--quiet"],
            &out,
            &mut digests,
        );
    }
    let story = followership(&["story", "--builtin", "hillside", "--replicate", "3"]);
    ok(&story);
    let mut hex = String::new();
    for b in Sha256::digest(&story.stdout) {
        write!(hex, "{b:02x}").unwrap();
    }
    digests.insert("story hillside 3".into(), hex);

    let file = tmp.path().join("sweep.toml");
    std::fs::write(&file, SWEEP).unwrap();
    run_into(
        "sweep",
        &["sweep", file.to_str().unwrap(), "--quiet"],
        &tmp.path().join("sweep"),
        &mut digests,
    );
    run_into(
        "sensitivity hackman",
        &[
            "sensitivity",
            "--builtin",
            "hackman",
            "--set",
            "sensitivity.base_samples=16",
            "--set",
            "sensitivity.bootstrap=20",
            "--set",
            "network.nodes=300",
            "--replicates",
            "1",
            "--quiet",
        ],
        &tmp.path().join("sensitivity"),
        &mut digests,
    );
    run_into(
        "seed imm",
        &[
            "seed",
            "--builtin",
            "linear-threshold",
            "--k",
            "3",
            "--strategy",
            "imm",
        ],
        &tmp.path().join("seed-imm"),
        &mut digests,
    );
    run_into(
        "seed celf",
        &[
            "seed",
            "--builtin",
            "hillside",
            "--set",
            "network.nodes=400",
            "--set",
            "max_ticks=200",
            "--k",
            "1",
            "--strategy",
            "celf",
            "--candidates",
            "8",
            "--celf-runs",
            "6",
            "--runs",
            "10",
        ],
        &tmp.path().join("seed-celf"),
        &mut digests,
    );

    let recorded_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/digests.txt");
    let now: String = digests.iter().map(|(k, v)| format!("{v}  {k}\n")).collect();
    if std::env::var_os("FOLLOWERSHIP_BLESS").is_some() {
        std::fs::write(&recorded_path, &now).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&recorded_path)
        .expect("tests/golden/digests.txt holds the recorded digests");
    let differ: Vec<String> = recorded
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("recorded {a}\n     now {b}"))
        .collect();
    assert_eq!(
        recorded.lines().count(),
        now.lines().count(),
        "the set of output files changed:\n{now}"
    );
    assert!(differ.is_empty(), "outputs changed:\n{}", differ.join("\n"));
}
