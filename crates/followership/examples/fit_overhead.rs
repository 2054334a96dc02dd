//! What the fitting machinery costs on top of the simulations: simulations per second of a fit
//! of the Bass example against a plain sweep of the same scenario over the same parameter
//! values, both on one thread in this process (so neither process start-up nor file output is
//! counted).
//!
//! The sweep's points are exactly the values the fit proposed and simulated
//! ([`Fit::proposals`]), generation by generation, so both sides run the same parameter values
//! (the work of a run depends on them: a run in which everyone has joined stops early). Its
//! runs stop at the last observation, as the fit's do.
//!
//! Times are the process's CPU time (user and system, from `/proc/self/stat` on Linux; wall
//! time elsewhere), so other work on a shared machine slows neither side's figure.
//!
//! `cargo run --release -p followership --example fit_overhead [REPEATS] [fit|sweep]` (a
//! second argument runs only that side, for a profiler).

use std::path::Path;
use std::time::Instant;

use followership::design::ParameterSpec;
use followership::experiment::Experiment;
use followership::experiment::sweep::{Row, Sweep, SweepOptions, sweep};
use followership::fit::{Fit, FitOptions};

/// Seconds of CPU this process has used, or of wall time where that cannot be read.
fn cpu_seconds(wall: &Instant) -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return wall.elapsed().as_secs_f64();
    };
    // Fields after the command name (which is in parentheses and may hold spaces): utime and
    // stime are the 12th and 13th, in clock ticks of 1/100 s.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => wall.elapsed().as_secs_f64(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock = Instant::now();
    let now = || cpu_seconds(&clock);
    let repeats: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(3);
    let only = std::env::args().nth(2);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/fit");
    let experiment = Experiment::from_file(root.join("bass.toml"))?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let fit = Fit::new(&experiment, None)?;

    let mut fit_times = Vec::new();
    let mut sweep_times = Vec::new();
    let mut sweep_setup_times = Vec::new();
    let mut simulations = 0u64;
    for _ in 0..repeats {
        // The fit, timed from its first proposal to its posterior.
        let (posterior, seconds) = pool.install(|| {
            if only.as_deref() == Some("sweep") {
                // The sweep's points come from the fit: run it, but do not count it.
                return (fit.run(&FitOptions::default(), &mut |_| {}), 0.0);
            }
            let started = now();
            let posterior = fit.run(&FitOptions::default(), &mut |_| {});
            (posterior, now() - started)
        });
        let posterior = posterior?;
        simulations = posterior.generations.iter().map(|g| g.attempts).sum();
        fit_times.push(seconds);

        if only.as_deref() == Some("fit") {
            continue;
        }
        // The sweep over the same values.
        let mut points: Vec<Vec<f64>> = Vec::new();
        for (i, g) in posterior.generations.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| &posterior.generations[p]);
            points.extend(fit.proposals(previous, 0..g.attempts));
        }
        let parameters = fit
            .parameters()
            .into_iter()
            .map(|key| ParameterSpec {
                key,
                ..ParameterSpec::default()
            })
            .collect();
        let base = experiment.clone().set("max_ticks", 11)?;
        let (result, setup, seconds) = pool.install(|| {
            let started = now();
            let design = match Sweep::new(base, parameters, points, 1) {
                Ok(d) => d,
                Err(e) => return (Err(e), 0.0, 0.0),
            };
            let setup = now() - started;
            let started = now();
            let mut rows: Vec<Row> = Vec::new();
            let result = sweep(&design, &SweepOptions::default(), &mut rows);
            (result, setup, now() - started)
        });
        result?;
        sweep_times.push(seconds);
        sweep_setup_times.push(setup);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (fit_s, sweep_s, setup_s) = (
        median(&mut fit_times),
        median(&mut sweep_times),
        median(&mut sweep_setup_times),
    );
    let per = |s: f64| s / simulations as f64 * 1e3;
    println!("{simulations} simulations each, one thread, CPU seconds, median of {repeats}");
    println!(
        "fit:   {fit_s:.3} s, {:.0} simulations/s, {:.3} ms each",
        simulations as f64 / fit_s,
        per(fit_s)
    );
    println!(
        "sweep: {sweep_s:.3} s, {:.0} simulations/s, {:.3} ms each (+ {setup_s:.3} s checking its points)",
        simulations as f64 / sweep_s,
        per(sweep_s)
    );
    println!(
        "the fit costs {:+.1}% per simulation against the sweep's runs ({:+.1}% with its checks)",
        100.0 * (fit_s / sweep_s - 1.0),
        100.0 * (fit_s / (sweep_s + setup_s) - 1.0)
    );
    Ok(())
}
