//! The pictures every command leaves in its output directory: SVG plots and a self-contained
//! `report.html`, the same bytes for the same scenario and seed, and none with `--no-plots`.

mod common;

use common::{followership, ok, read};

/// An SVG written by the report crate: a document with text and shapes and no broken numbers.
fn assert_svg(svg: &str, expect: &[&str]) {
    assert!(svg.trim_start().starts_with("<svg"), "not an SVG");
    assert!(svg.trim_end().ends_with("</svg>"), "an SVG cut short");
    for word in ["NaN", "inf"] {
        assert!(
            !svg.contains(&format!("\"{word}")),
            "{word} in a coordinate"
        );
    }
    for text in expect {
        assert!(svg.contains(text), "the SVG lacks {text:?}");
    }
}

/// A report that opens without a network: nothing it loads comes from elsewhere.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for link in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "url(http",
        "@import",
    ] {
        assert!(!html.contains(link), "report.html loads something: {link}");
    }
}

#[test]
fn run_writes_plots_and_a_report_with_a_replay_the_same_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, threads: &str| {
        let out = dir.path().join(name);
        ok(&followership(&[
            "run",
            "--replicates",
            "12",
            "--set",
            "network.nodes=600",
            "--threads",
            threads,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]));
        out
    };
    let a = run("a", "1");
    let b = run("b", "2");
    assert_svg(&read(&a, "adoption.svg"), &["tick", "median"]);
    assert_svg(&read(&a, "final-size.svg"), &["cascade cutoff"]);
    assert_svg(&read(&a, "network.svg"), &["tick 0"]);
    let html = read(&a, "report.html");
    assert_self_contained(&html);
    for part in [
        "id=\"replay-data\"",
        "id=\"replay-play\"",
        "FollowershipPeople",
        "The story of a run",
        "[network]",
    ] {
        assert!(html.contains(part), "report.html lacks {part}");
    }
    for file in [
        "adoption.svg",
        "final-size.svg",
        "network.svg",
        "report.html",
    ] {
        assert_eq!(
            read(&a, file),
            read(&b, file),
            "{file} differs with threads"
        );
    }
}

#[test]
fn no_plots_leaves_only_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(&followership(&[
        "run",
        "--replicates",
        "3",
        "--set",
        "network.nodes=300",
        "--no-plots",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(out.join("summary.csv").exists());
    for file in [
        "report.html",
        "adoption.svg",
        "final-size.svg",
        "network.svg",
    ] {
        assert!(!out.join(file).exists(), "{file} written with --no-plots");
    }
}

#[test]
fn a_two_parameter_sweep_draws_phase_diagrams() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("sweep.toml");
    std::fs::write(
        &scenario,
        r#"
name = "two-knobs"
seed = 3
replicates = 4
[network]
kind = "watts-strogatz"
nodes = 300
k = 6
p = 0.1
[people]
threshold = { distribution = "constant", value = 0.2 }
[initial]
placement = "random"
count = 3
[sweep]
[[sweep.parameters]]
key = "people.threshold.value"
values = [0.1, 0.2, 0.3]
[[sweep.parameters]]
key = "initial.count"
values = [1, 5]
integer = true
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    ok(&followership(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]));
    for file in ["phase-cascade.svg", "phase-final-size.svg"] {
        assert_svg(
            &read(&out, file),
            &["people.threshold.value", "initial.count"],
        );
    }
    let html = read(&out, "report.html");
    assert_self_contained(&html);
    assert!(html.contains("id=\"figure-phase-cascade\""));
    assert!(!html.contains("<script"), "a sweep report has no replay");
}

#[test]
fn seed_draws_the_strategies_and_speaks_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = followership(&[
        "seed",
        "--builtin",
        "independent-cascade",
        "--set",
        "network.nodes=300",
        "--k",
        "3",
        "--runs",
        "20",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let first = &json["strategies"][0];
    assert_eq!(first["seeds"].as_array().unwrap().len(), 3);
    assert!(first["expected_final_size"].as_f64().unwrap() >= 3.0);
    assert_svg(&read(&out, "strategies.svg"), &["opim"]);
    assert_self_contained(&read(&out, "report.html"));
}

/// The first follower everywhere: the terminal says when they came and what followed, the
/// network panels ring them and are titled by their moments, and the adoption plot marks their
/// tick.
#[test]
fn the_first_follower_is_in_the_summary_and_the_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h");
    let o = followership(&[
        "run",
        "--replicates",
        "6",
        "--set",
        "network.nodes=600",
        "--set",
        "dynamics.spontaneous=0.002",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("hillside: 6 runs on 600 people"), "{text}");
    for line in [
        "first follower       in ",
        "a movement followed  in ",
        "half of final size   by tick ",
        "90% of final size    by tick ",
        "a run lasted ",
    ] {
        assert!(text.contains(line), "no {line:?} in\n{text}");
    }
    assert_svg(
        &read(&out, "network.svg"),
        &[
            "first follower",
            "the first follower joins",
            "the start",
            "the end",
        ],
    );
    assert_svg(
        &read(&out, "adoption.svg"),
        &["first follower (median tick"],
    );
    let json = read(&out, "run.json");
    for key in [
        "\"first_follower\"",
        "\"movement_after_first_follower\"",
        "\"final_50\"",
    ] {
        assert!(json.contains(key), "run.json lacks {key}");
    }
    // One run reads as one run.
    let o = followership(&[
        "run",
        "--builtin",
        "granovetter-riot",
        "--replicates",
        "1",
        "--no-plots",
        "--out",
        dir.path().join("g").to_str().unwrap(),
    ]);
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("granovetter-riot: 1 run on 100 people"),
        "{text}"
    );
    assert!(!text.contains("1 runs"), "{text}");
    // No leader, no first-follower lines.
    assert!(!text.contains("first follower"), "{text}");
}
