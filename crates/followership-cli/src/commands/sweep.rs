//! `followership sweep` and `followership merge`: parameter sweeps, resumable and shardable.

use std::path::PathBuf;

use followership::error::Error;
use followership::experiment::sweep::{Shard, Sweep, SweepOptions, merge_shards, run_sweep};
use indicatif::{ProgressBar, ProgressStyle};

use super::{load_scenario, usage};
use crate::cli::{MergeArgs, SweepArgs};

/// Runs the sweep of the scenario's `[sweep]` section.
pub fn execute(args: &SweepArgs) -> Result<(), Error> {
    if args.block == 0 {
        return Err(usage("--block", "give at least 1 run per block"));
    }
    if args.threads == Some(0) {
        return Err(usage(
            "--threads",
            "give at least 1 thread (or leave it out for one per core)",
        ));
    }
    let shard = match &args.shard {
        Some(text) => Shard::parse(text)?,
        None => Shard::WHOLE,
    };
    let loaded = load_scenario(&args.scenario, &[])?;
    let Some(spec) = loaded.scenario.sweep.clone() else {
        return Err(usage(
            "sweep",
            format!(
                "{} has no [sweep] section; add one naming the parameters to vary (see README)",
                loaded.origin
            ),
        ));
    };
    let keys = spec.parameters.iter().map(|p| p.key.clone()).collect();
    let integer = spec.parameters.iter().map(|p| p.integer).collect();
    let points = spec.points(loaded.scenario.seed);
    let replicates = args.replicates.unwrap_or(loaded.scenario.replicates);
    let name = loaded.scenario.name.clone();
    let sweep = Sweep::new(loaded, keys, integer, points, replicates)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("sweeps").join(&name));

    let total = (0..sweep.run_count())
        .filter(|r| r % shard.count == shard.index)
        .count() as u64;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {pos}/{len} runs [{bar:30}] {per_sec} eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    };
    let progress = |done: u64| bar.set_position(done);
    let options = SweepOptions {
        threads: args.threads,
        shard,
        resume: args.resume,
        on_progress: Some(&progress),
        block: args.block,
    };
    let report = run_sweep(&sweep, &out, &options)?;
    bar.finish_and_clear();
    if !args.quiet {
        outln!(
            "{name}: {} points x {} replicates = {} runs{}, {:.2} s{}",
            sweep.points.len(),
            sweep.replicates,
            sweep.run_count(),
            if shard == Shard::WHOLE {
                String::new()
            } else {
                format!(
                    " (shard {}/{}: {} runs)",
                    shard.index + 1,
                    shard.count,
                    report.runs
                )
            },
            report.wall_seconds,
            if report.resumed_from > 0 {
                format!(", resumed after {} runs", report.resumed_from)
            } else {
                String::new()
            }
        );
        if shard == Shard::WHOLE {
            print_points_table(&out.join("points.csv"));
        }
        outln!("  results in {}", out.display());
    }
    Ok(())
}

/// Merges shard directories.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let runs = merge_shards(&args.out, &args.shards)?;
    outln!(
        "merged {} shards, {runs} runs, into {}",
        args.shards.len(),
        args.out.display()
    );
    Ok(())
}

/// The summary table: the swept values, mean final fraction and cascade probability of each
/// point (the first and last ten when there are many).
fn print_points_table(path: &std::path::Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let mut lines = text.lines();
    let Some(header) = lines.next() else { return };
    let cols: Vec<&str> = header.split(',').collect();
    let find = |name: &str| cols.iter().position(|c| *c == name);
    let (Some(runs), Some(mean), Some(low), Some(high), Some(p)) = (
        find("runs"),
        find("final_fraction_mean"),
        find("final_fraction_low"),
        find("final_fraction_high"),
        find("cascade_probability"),
    ) else {
        return;
    };
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let params = &cols[1..runs];
    outln!(
        "  {:>5}  {}  {:>22}  {:>7}",
        "point",
        params
            .iter()
            .map(|p| format!("{p:>14}"))
            .collect::<Vec<_>>()
            .join(" "),
        "final fraction [95% CI]",
        "cascade"
    );
    let show = |r: &Vec<&str>| {
        let num = |i: usize| r[i].parse::<f64>().unwrap_or(f64::NAN);
        outln!(
            "  {:>5}  {}  {:>6.3} [{:.3}, {:.3}]  {:>7.3}",
            r[0],
            r[1..runs]
                .iter()
                .map(|p| format!("{p:>14}"))
                .collect::<Vec<_>>()
                .join(" "),
            num(mean),
            num(low),
            num(high),
            num(p)
        );
    };
    if rows.len() <= 20 {
        rows.iter().for_each(show);
    } else {
        rows[..10].iter().for_each(show);
        outln!("  ... {} more points ...", rows.len() - 20);
        rows[rows.len() - 10..].iter().for_each(show);
    }
}
