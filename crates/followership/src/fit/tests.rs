//! Tests of fitting: recovery of known Bass parameters, agreement with an independent
//! least-squares fit of the Bass recurrence, determinism over threads, resuming, bad input.

use std::path::{Path, PathBuf};

use super::output::{predict, summarise};
use super::*;
use crate::simulation::Recording;

/// A Bass crowd of `nodes` people who all see each other, with a `[fit]` section fitting
/// p (spontaneous) and q (imitation) with `particles` particles for `generations`.
fn scenario(nodes: u32, particles: usize, generations: u32) -> String {
    format!(
        r#"
name = "bass-fit"
seed = 5
replicates = 1
max_ticks = 40

[network]
kind = "erdos-renyi"
nodes = {nodes}
edges = 0

[dynamics]
rule = "hazard"
visibility = 1.0
spontaneous = 0.01
imitation = 0.4

[initial]
placement = "none"

[fit]
particles = {particles}
generations = {generations}

[[fit.parameters]]
key = "dynamics.spontaneous"
prior = "uniform"
low = 0.001
high = 0.1

[[fit.parameters]]
key = "dynamics.imitation"
prior = "uniform"
low = 0.0
high = 1.5
"#
    )
}

/// One run of the Bass scenario with p and q, observed every `every` ticks up to `until`,
/// written as `tick,count` to `dir/observed.csv`; returns the path and the shares.
fn observe(
    nodes: u32,
    p: f64,
    q: f64,
    every: usize,
    until: usize,
    dir: &Path,
) -> (PathBuf, Vec<(f64, f64)>) {
    let e = Experiment::from_toml(&scenario(nodes, 10, 1))
        .unwrap()
        .set("dynamics.spontaneous", p)
        .unwrap()
        .set("dynamics.imitation", q)
        .unwrap()
        .with_seed(99)
        .unwrap();
    let run = e
        .replicate(
            0,
            Recording {
                timeseries: true,
                ..Recording::default()
            },
        )
        .unwrap();
    let mut text = String::from("tick,count\n");
    let mut shares = Vec::new();
    for t in (0..=until).step_by(every) {
        let following = run
            .record
            .timeseries
            .iter()
            .take_while(|r| r.tick as usize <= t)
            .last()
            .map_or(0, |r| r.following);
        text.push_str(&format!("{t},{following}\n"));
        shares.push((t as f64, f64::from(following) / f64::from(nodes)));
    }
    let path = dir.join("observed.csv");
    std::fs::write(&path, text).unwrap();
    (path, shares)
}

/// The least-squares fit of the discrete Bass recurrence F(t+1) = F + (1 - F)(p + q F),
/// F(0) = 0, to the observed shares: a grid search refined around its best point, computed
/// here without the engine.
fn least_squares(observed: &[(f64, f64)]) -> (f64, f64) {
    let sse = |p: f64, q: f64| {
        let last = observed.last().unwrap().0 as usize;
        let mut f = 0.0;
        let mut curve = vec![0.0];
        for _ in 0..last {
            f += (1.0 - f) * (p + q * f);
            curve.push(f);
        }
        observed
            .iter()
            .map(|&(t, s)| (curve[t as usize] - s).powi(2))
            .sum::<f64>()
    };
    let (mut best, mut p_step, mut q_step) = ((0.05, 0.75), 0.01, 0.1);
    for _ in 0..6 {
        let (p0, q0) = best;
        let mut best_sse = f64::INFINITY;
        for i in -10..=10 {
            for j in -10..=10 {
                let p = (p0 + f64::from(i) * p_step).max(1e-6);
                let q = (q0 + f64::from(j) * q_step).max(0.0);
                let s = sse(p, q);
                if s < best_sse {
                    best_sse = s;
                    best = (p, q);
                }
            }
        }
        p_step /= 5.0;
        q_step /= 5.0;
    }
    best
}

fn quietly(_: &Progress) {}

#[test]
fn a_shorter_tick_limit_leaves_the_earlier_ticks_of_a_run_alone() {
    // Fits stop their runs at the last observation; this is why that changes nothing.
    let e = Experiment::from_toml(&scenario(500, 10, 1)).unwrap();
    let recording = Recording {
        timeseries: true,
        ..Recording::default()
    };
    let long = e.replicate(3, recording).unwrap().record.timeseries;
    let short = e.clone().set("max_ticks", 11).unwrap();
    let short = short.replicate(3, recording).unwrap().record.timeseries;
    assert_eq!(short.len(), 12);
    assert_eq!(short[..], long[..12]);
}

#[test]
fn bass_parameters_are_recovered_and_agree_with_least_squares() {
    let dir = tempfile::tempdir().unwrap();
    let (p, q) = (0.02, 0.5);
    let (data, shares) = observe(1000, p, q, 2, 30, dir.path());
    let e = Experiment::from_toml(&scenario(1000, 100, 5)).unwrap();
    let fit = Fit::new(&e, Some(&data)).unwrap();
    assert!(
        fit.groups[0].tree.is_some(),
        "particles are set the fast way"
    );
    let posterior = fit.run(&FitOptions::default(), &mut quietly).unwrap();
    let summary = summarise(&fit, &posterior);
    let (sp, sq) = (&summary[0].interval, &summary[1].interval);
    assert!(sp.contains(p), "p = {p} outside {sp:?}");
    assert!(sq.contains(q), "q = {q} outside {sq:?}");
    // The tolerance fell, generation after generation.
    let tolerances: Vec<f64> = posterior.generations.iter().map(|g| g.tolerance).collect();
    assert!(
        tolerances.windows(2).all(|w| w[1] <= w[0]),
        "{tolerances:?}"
    );
    let (lp, lq) = least_squares(&shares);
    assert!(
        sp.contains(lp) && sq.contains(lq),
        "least squares ({lp}, {lq}) vs {sp:?} {sq:?}"
    );
    // Agreement within the posterior's own uncertainty: the means sit within a quarter of the
    // 95% interval's width of the least-squares estimates.
    for (i, ls) in [(sp, lp), (sq, lq)] {
        assert!(
            (i.mean - ls).abs() < 0.25 * (i.high - i.low),
            "posterior mean {} vs least squares {ls} ({i:?})",
            i.mean
        );
    }
    // The forecast covers the data's own future: the crowd is nearly all in by tick 60.
    let forecast = predict(&fit, &posterior, Some(60.0), 100).unwrap();
    let g = &forecast.groups[0];
    assert!(g.final_size.low > 0.9, "{:?}", g.final_size);
    assert!(g.tipped > 0.95);
    assert!(
        g.time_to_tipping.low > 5.0 && g.time_to_tipping.high < 20.0,
        "{:?}",
        g.time_to_tipping
    );
    let seen: Vec<&output::BandRow> = g.band.iter().filter(|r| r.observed.is_some()).collect();
    assert_eq!(seen.len(), shares.len());
}

/// A small, quick fit for the tests of determinism and resuming.
fn small_fit(dir: &Path) -> Fit {
    let (data, _) = observe(300, 0.02, 0.5, 3, 24, dir);
    let e = Experiment::from_toml(&scenario(300, 40, 3)).unwrap();
    Fit::new(&e, Some(&data)).unwrap()
}

#[test]
fn a_fit_is_the_same_on_one_thread_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let fit = small_fit(dir.path());
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| fit.run(&FitOptions::default(), &mut quietly).unwrap())
    };
    let one = on(1);
    assert_eq!(one.generations.len(), 3);
    assert_eq!(one, on(2));
}

#[test]
fn a_resumed_fit_ends_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let fit = small_fit(dir.path());
    let state = dir.path().join("out");
    let options = FitOptions {
        state_dir: Some(state.clone()),
        ..FitOptions::default()
    };
    let whole = fit.run(&options, &mut quietly).unwrap();
    // An interruption during generation 2: only generations 0 and 1 were written.
    let generations = state.join("generations");
    std::fs::remove_file(generations.join("generation-002.csv")).unwrap();
    let mut calls = Vec::new();
    let resumed = fit
        .run(
            &FitOptions {
                resume: true,
                ..options.clone()
            },
            &mut |p: &Progress| calls.push(p.generation),
        )
        .unwrap();
    assert_eq!(whole, resumed);
    assert!(
        calls.iter().all(|&g| g == 2),
        "only generation 2 runs again: {calls:?}"
    );
    // The files of another fit are refused, naming --resume.
    let other = Experiment::from_toml(&scenario(300, 40, 4)).unwrap();
    let other = Fit::new(&other, Some(&dir.path().join("observed.csv"))).unwrap();
    let e = other
        .run(
            &FitOptions {
                resume: true,
                ..options
            },
            &mut quietly,
        )
        .unwrap_err();
    assert!(e.to_string().starts_with("--resume:"), "{e}");
}

#[test]
fn bad_fit_sections_and_parameters_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = observe(100, 0.02, 0.5, 5, 20, dir.path());
    let path = dir.path().join("s.toml");
    let cases = [
        (
            "low = 0.001\nhigh = 0.1",
            "low = 0.2\nhigh = 0.1",
            "fit.parameters[0].high",
            "above low",
        ),
        (
            "low = 0.001\nhigh = 0.1",
            "low = 0.001\nhigh = 2.5",
            "s.toml:26:",
            "cannot be set",
        ),
        (
            "prior = \"uniform\"\nlow = 0.001",
            "prior = \"normal\"\nlow = 0.001",
            "fit.parameters[0].mean",
            "needs mean",
        ),
        (
            "key = \"dynamics.spontaneous\"",
            "key = \"dynamics.spontaneus\"",
            "s.toml:26:",
            "spontaneous",
        ),
    ];
    for (from, to, place, what) in cases {
        let text = scenario(100, 10, 1).replacen(from, to, 1);
        assert_ne!(text, scenario(100, 10, 1), "{from}");
        std::fs::write(&path, text).unwrap();
        let e = Experiment::from_file(&path).and_then(|e| Fit::new(&e, Some(&data)).map(|_| ()));
        let e = e.unwrap_err();
        assert!(e.is_input_error());
        let text = e.to_string();
        assert!(text.contains(place) && text.contains(what), "{to}: {text}");
    }
    // No [fit] section, or no data.
    let plain = Experiment::builtin("bass").unwrap();
    assert!(
        Fit::new(&plain, Some(&data))
            .err()
            .unwrap()
            .to_string()
            .starts_with("fit:")
    );
    let e = Experiment::from_toml(&scenario(100, 10, 1)).unwrap();
    let missing = Fit::new(&e, None).err().unwrap().to_string();
    assert!(missing.starts_with("fit.data.path:"), "{missing}");
}

#[test]
fn hillside_courage_and_thresholds_are_recovered() {
    // The festival hillside, small and quick: 400 people, the leader persisting, a curve
    // observed every 5 ticks. The fit looks for the courage to go first (spontaneous, log
    // scale) and the mean threshold.
    let text = format!(
        "{}\n{}",
        crate::scenario::builtin::text("hillside").unwrap(),
        r#"
[fit]
particles = 100
generations = 5

[[fit.parameters]]
key = "dynamics.spontaneous"
prior = "log-uniform"
low = 0.0003
high = 0.03

[[fit.parameters]]
key = "people.threshold.mean"
prior = "uniform"
low = 1.8
high = 3.5
"#
    );
    let base = Experiment::from_toml(&text)
        .unwrap()
        .set("network.nodes", 400)
        .unwrap()
        .set("max_ticks", 150)
        .unwrap();
    let (p, mean) = (0.003, 2.5);
    let truth = base
        .clone()
        .set("dynamics.spontaneous", p)
        .unwrap()
        .set("people.threshold.mean", mean)
        .unwrap()
        .with_seed(4)
        .unwrap();
    let run = truth
        .replicate(
            0,
            Recording {
                timeseries: true,
                ..Recording::default()
            },
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("tick,share\n");
    let crowd = f64::from(400 - 1);
    for t in (0..=150).step_by(5) {
        let following = run
            .record
            .timeseries
            .iter()
            .take_while(|r| r.tick <= t)
            .last()
            .map_or(0, |r| r.following);
        csv.push_str(&format!("{t},{}\n", f64::from(following) / crowd));
    }
    let data = dir.path().join("hillside.csv");
    std::fs::write(&data, csv).unwrap();
    let fit = Fit::new(&base, Some(&data)).unwrap();
    let posterior = fit.run(&FitOptions::default(), &mut quietly).unwrap();
    let summary = summarise(&fit, &posterior);
    assert!(summary[0].interval.contains(p), "{summary:?}");
    assert!(summary[1].interval.contains(mean), "{:?}", summary[1]);
}

/// The Bass scenario for three levels of an organisation fitted together: one imitation q for
/// everyone, each level with its own size and its own courage to go first (set in
/// `[fit.groups.LEVEL]`). `extra` is appended to the text.
fn levels_scenario(extra: &str) -> String {
    format!(
        "{}\n{}{extra}",
        scenario(600, 80, 4).replace(
            "high = 1.5\n",
            "high = 1.5\n\n[fit.data]\ngroup = \"level\"\ntime = \"week\"\ncount = \"joined\"\n"
        ),
        r#"
[fit.groups.top]
network.nodes = 60
dynamics.spontaneous = 0.05

[fit.groups.middle]
network.nodes = 200
dynamics = { spontaneous = 0.02 }

[fit.groups.front-line]
dynamics.spontaneous = 0.004
"#
    )
    // Only q is fitted here: p is each level's own.
    .replacen(
        "[[fit.parameters]]\nkey = \"dynamics.spontaneous\"\nprior = \"uniform\"\nlow = 0.001\nhigh = 0.1\n",
        "",
        1,
    )
}

#[test]
fn several_groups_are_fitted_together_and_their_settings_apply() {
    let dir = tempfile::tempdir().unwrap();
    let q = 0.6;
    // Each level's curve: one run of its own size and courage with the true q, observed every
    // week up to week 8 (the middle level skips week 5), as counts of its own people.
    let levels = [
        ("top", 60, 0.05),
        ("middle", 200, 0.02),
        ("front-line", 600, 0.004),
    ];
    let mut csv = String::from("week,level,joined\n");
    let mut finals = Vec::new();
    for (k, &(level, nodes, p)) in levels.iter().enumerate() {
        let e = Experiment::from_toml(&scenario(nodes, 10, 1))
            .unwrap()
            .set("dynamics.spontaneous", p)
            .unwrap()
            .set("dynamics.imitation", q)
            .unwrap()
            .with_seed(40 + k as u64)
            .unwrap();
        let run = e
            .replicate(
                0,
                Recording {
                    timeseries: true,
                    ..Recording::default()
                },
            )
            .unwrap();
        let mut last = 0;
        for t in 0..=8 {
            if level == "middle" && t == 5 {
                continue;
            }
            last = run
                .record
                .timeseries
                .iter()
                .take_while(|r| r.tick <= t)
                .last()
                .map_or(0, |r| r.following);
            csv.push_str(&format!("{t},{level},{last}\n"));
        }
        finals.push(f64::from(last) / f64::from(nodes));
    }
    let data = dir.path().join("levels.csv");
    std::fs::write(&data, csv).unwrap();
    let e = Experiment::from_toml(&levels_scenario("")).unwrap();
    let fit = Fit::new(&e, Some(&data)).unwrap();
    // The data is read as three series, each compared with its own level's scenario.
    let names: Vec<&str> = fit.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["top", "middle", "front-line"]);
    assert_eq!(fit.groups[1].series.times.len(), 8, "week 5 is missing");
    let nodes: Vec<usize> = fit
        .groups
        .iter()
        .map(|g| g.graph.as_ref().unwrap().node_count())
        .collect();
    assert_eq!(nodes, [60, 200, 600]);
    let courage: Vec<f64> = fit
        .groups
        .iter()
        .map(|g| g.experiment.scenario().dynamics.spontaneous)
        .collect();
    assert_eq!(courage, [0.05, 0.02, 0.004]);
    // The group's other settings of a section it changes are the scenario's own.
    assert!(
        fit.groups
            .iter()
            .all(|g| g.experiment.scenario().dynamics.visibility == 1.0)
    );
    let posterior = fit.run(&FitOptions::default(), &mut quietly).unwrap();
    let summary = summarise(&fit, &posterior);
    assert!(
        summary[0].interval.contains(q),
        "q = {q} outside {:?}",
        summary[0]
    );
    // The predictive of each level follows that level's own curve, not a pooled one.
    let forecast = predict(&fit, &posterior, None, 60).unwrap();
    assert_eq!(forecast.groups.len(), 3);
    for (g, observed) in forecast.groups.iter().zip(&finals) {
        let end = g.band.last().unwrap();
        assert!(
            end.band.low - 0.05 <= *observed && *observed <= end.band.high + 0.05,
            "{}: observed {observed} outside {:?}",
            g.group,
            end.band
        );
    }
    assert!(finals[0] > finals[2] + 0.2, "the levels differ: {finals:?}");
    // The best-fitting particle's run is told for each level.
    let best = output::best_runs(&fit, &posterior, None).unwrap();
    assert_eq!(best.len(), 3);
    assert_eq!(best[0].graph.node_count(), 60);
}

#[test]
fn bad_group_names_and_group_keys_are_errors_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("levels.csv");
    std::fs::write(&data, "week,level,joined\n0,top,0\n2,top,5\n0,middle,0\n2,middle,9\n0,front-line,0\n2,front-line,3\n")
        .unwrap();
    let path = dir.path().join("levels.toml");
    let fails = |text: String| {
        std::fs::write(&path, text).unwrap();
        let e = Experiment::from_file(&path)
            .and_then(|e| Fit::new(&e, Some(&data)).map(|_| ()))
            .unwrap_err();
        assert!(e.is_input_error(), "{e}");
        e.to_string()
    };
    // A group the data does not have: its table is named, with the data's groups.
    let e = fails(levels_scenario(
        "\n[fit.groups.midle]\nnetwork.nodes = 100\n",
    ));
    assert!(
        e.contains("levels.toml:")
            && e.contains("`midle`")
            && e.contains("did you mean `middle`")
            && e.contains("top, middle, front-line"),
        "{e}"
    );
    // A key the scenario does not have, inside a group's settings: the key and its line.
    let e = fails(
        levels_scenario("").replace("dynamics.spontaneous = 0.05", "dynamics.spontanous = 0.05"),
    );
    assert!(
        e.contains("levels.toml:") && e.contains("spontanous") && e.contains("group `top`"),
        "{e}"
    );
    // A value out of its key's range.
    let e = fails(levels_scenario("").replace("network.nodes = 200", "network.nodes = -5"));
    assert!(
        e.contains("levels.toml:") && e.contains("nodes") && e.contains("group `middle`"),
        "{e}"
    );
    // Groups given when the data has one series.
    let one = dir.path().join("one.csv");
    std::fs::write(&one, "week,joined\n0,0\n2,4\n").unwrap();
    std::fs::write(
        &path,
        levels_scenario("").replace("group = \"level\"\n", ""),
    )
    .unwrap();
    let e = Experiment::from_file(&path)
        .and_then(|e| Fit::new(&e, Some(&one)).map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fit.data.group") && e.contains("one series"),
        "{e}"
    );
}

#[test]
fn particles_are_set_on_the_typed_scenario_exactly_as_key_paths_set_them() {
    let dir = tempfile::tempdir().unwrap();
    let fit = small_fit(dir.path());
    let g = &fit.groups[0];
    assert!(g.fields.is_some(), "both keys have typed fields");
    for theta in [[0.001, 0.0], [0.0173, 0.8125], [0.1, 1.5]] {
        let fast = fit.particle(g, &theta, Some(40)).unwrap();
        let slow = set_by_overrides(&g.experiment, &fit.settings(&theta, Some(40))).unwrap();
        assert_eq!(fast.scenario(), slow.scenario(), "{theta:?}");
    }
    // A whole-number key has no typed field: the particles go through key paths.
    let text = scenario(300, 40, 3).replace(
        "[[fit.parameters]]\nkey = \"dynamics.imitation\"",
        "[[fit.parameters]]\nkey = \"max_ticks\"\nprior = \"uniform\"\nlow = 20\nhigh = 30\ninteger = true\n\n[[fit.parameters]]\nkey = \"dynamics.imitation\"",
    );
    let data = dir.path().join("observed.csv");
    let slow = Fit::new(&Experiment::from_toml(&text).unwrap(), Some(&data)).unwrap();
    assert!(slow.groups[0].fields.is_none());
    // The proposals the fit reports are the ones it simulated: generation 0 accepts them all.
    let posterior = fit.run(&FitOptions::default(), &mut quietly).unwrap();
    let first: Vec<Vec<f64>> = posterior.generations[0]
        .particles
        .iter()
        .map(|p| p.values.clone())
        .collect();
    assert_eq!(fit.proposals(None, 0..first.len() as u64), first);
}
