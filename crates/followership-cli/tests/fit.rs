//! `followership fit` as a user runs it: the shipped example (made small), its files, the
//! same posterior on one thread or two and after `--resume`, and bad input with exit status 2.

mod common;

use std::path::{Path, PathBuf};

use common::{followership, ok, read, stderr};

/// The shipped Bass example, made quick: fewer people, particles and generations.
fn small(dir: &Path, extra: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/fit");
    let mut args: Vec<String> = [
        "fit",
        root.join("bass.toml").to_str().unwrap(),
        "--set",
        "fit.particles=40",
        "--set",
        "fit.generations=3",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run(args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    followership(&args)
}

#[test]
fn the_example_fits_and_writes_its_files_the_same_on_any_thread_count_and_after_resume() {
    let dir = tempfile::tempdir().unwrap();
    let one: PathBuf = dir.path().join("one");
    let two: PathBuf = dir.path().join("two");
    ok(&run(&small(&one, &["--threads", "1", "--forecast", "30"])));
    ok(&run(&small(&two, &["--threads", "2", "--forecast", "30"])));
    for file in [
        "posterior.csv",
        "generations.csv",
        "summary.csv",
        "summary.json",
        "predictive.csv",
        "forecast.csv",
        "predictive.svg",
        "posterior-dynamics.spontaneous.svg",
        "posterior-dynamics.imitation.svg",
        "pairs.svg",
        "generations.svg",
        "report.html",
    ] {
        assert_eq!(read(&one, file), read(&two, file), "{file}");
    }
    let report = read(&one, "report.html");
    for section in [
        "Posterior",
        "Forecast at 30",
        "Generations",
        "Story of the best-fitting run",
    ] {
        assert!(report.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
    assert!(report.contains("<figure id=\"figure-pairs\""));
    // --no-plots: the numbers, and no picture or page.
    let bare = dir.path().join("bare");
    ok(&run(&small(&bare, &["--no-plots"])));
    assert!(bare.join("posterior.csv").is_file());
    let drawn: Vec<String> = std::fs::read_dir(&bare)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg") || n.ends_with(".html"))
        .collect();
    assert!(drawn.is_empty(), "{drawn:?}");
    assert_eq!(read(&one, "generations.csv").lines().count(), 4);
    // Interrupted after generation 1: resuming ends as the whole fit did.
    std::fs::remove_file(one.join("generations/generation-002.csv")).unwrap();
    std::fs::remove_file(one.join("posterior.csv")).unwrap();
    ok(&run(&small(&one, &["--resume", "--forecast", "30"])));
    assert_eq!(read(&one, "posterior.csv"), read(&two, "posterior.csv"));
}

#[test]
fn bad_data_and_priors_are_input_errors_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.csv");
    std::fs::write(&data, "week,signups\n0,0\n1,10\n1,20\n").unwrap();
    let o = run(&small(
        &dir.path().join("o"),
        &["--data", data.to_str().unwrap()],
    ));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.csv:4:"), "{}", stderr(&o));
    std::fs::write(&data, "week,signups\n0,0\n1,-10\n").unwrap();
    let o = run(&small(
        &dir.path().join("o"),
        &["--data", data.to_str().unwrap()],
    ));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.csv:3:") && stderr(&o).contains("negative"),
        "{}",
        stderr(&o)
    );
    // A prior reaching values its key does not take: the key and its line are named.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/fit");
    let text = std::fs::read_to_string(root.join("bass.toml")).unwrap();
    let text = text.replacen("low = 0.001\nhigh = 0.1", "low = 0.001\nhigh = 2.0", 1);
    let scenario = dir.path().join("bass.toml");
    std::fs::write(&scenario, text).unwrap();
    std::fs::copy(
        root.join("bass-launch.csv"),
        dir.path().join("bass-launch.csv"),
    )
    .unwrap();
    let o = followership(&["fit", scenario.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("bass.toml:")
            && e.contains("dynamics.spontaneous")
            && e.contains("cannot be set"),
        "{e}"
    );
}

#[test]
fn several_groups_give_one_predictive_picture_each() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/fit");
    let text = std::fs::read_to_string(root.join("bass.toml")).unwrap();
    let text = text.replace(
        "path = \"bass-launch.csv\"\n",
        "path = \"levels.csv\"\ngroup = \"level\"\n",
    ) + "\n[fit.groups.top]\nnetwork.nodes = 500\n\n[fit.groups.front-line]\ndynamics.visibility = 1.0\n";
    let scenario = dir.path().join("levels.toml");
    std::fs::write(&scenario, &text).unwrap();
    let mut csv = String::from("week,level,signups\n");
    for (week, top, front) in [(0, 0, 0), (2, 30, 120), (4, 110, 380), (6, 250, 900)] {
        csv.push_str(&format!("{week},top,{top}\n{week},front-line,{front}\n"));
    }
    std::fs::write(dir.path().join("levels.csv"), csv).unwrap();
    let out = dir.path().join("out");
    let o = followership(&[
        "fit",
        scenario.to_str().unwrap(),
        "--set",
        "fit.particles=30",
        "--set",
        "fit.generations=2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    for file in [
        "predictive-top.svg",
        "predictive-front-line.svg",
        "report.html",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    assert!(!out.join("predictive.svg").exists());
    let report = read(&out, "report.html");
    assert!(report.contains("Story of the best-fitting run: top"));
    assert!(report.contains("Story of the best-fitting run: front-line"));
    // A group the data does not have: exit 2, naming the table and the data's groups.
    std::fs::write(
        &scenario,
        text + "\n[fit.groups.middle]\nnetwork.nodes = 50\n",
    )
    .unwrap();
    let o = followership(&[
        "fit",
        scenario.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("levels.toml:") && e.contains("`middle`") && e.contains("top, front-line"),
        "{e}"
    );
}
