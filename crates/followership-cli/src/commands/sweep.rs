//! `followership sweep` and `followership merge`: parameter sweeps, resumable and shardable.

use std::path::PathBuf;

use followership::analysis::sensitivity::saltelli_points;
use followership::error::Error;
use followership::experiment::sweep::{Shard, Sweep, SweepOptions, merge_shards, run_sweep};
use followership::output::sensitivity::{DEFAULT_OUTCOMES, write_sensitivity};
use indicatif::{ProgressBar, ProgressStyle};

use super::{load_scenario, prepare_out, usage};
use crate::cli::{MergeArgs, SweepArgs};

/// Runs the sweep of the scenario's `[sweep]` section.
pub fn execute(args: &SweepArgs) -> Result<(), Error> {
    let (shard, loaded) = prepare(args)?;
    let Some(spec) = loaded.scenario.sweep.clone() else {
        return Err(usage(
            "sweep",
            format!(
                "{} has no [sweep] section; add one naming the parameters to vary (see README)",
                loaded.origin
            ),
        ));
    };
    let points = spec.points(loaded.scenario.seed);
    let replicates = args.replicates.unwrap_or(loaded.scenario.replicates);
    let name = loaded.scenario.name.clone();
    // Before the points are checked, which takes a while for a large design.
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("sweeps").join(&name));
    prepare_out(&out)?;
    let scenario = loaded.scenario.clone();
    let sweep = Sweep::new(loaded, spec.parameters, points, replicates)?;
    run_with_progress(&sweep, args, shard, &out, &name)?;
    if shard == Shard::WHOLE && !args.no_plots {
        followership_report::sweep::write(&out, &scenario)?;
    }
    if !args.quiet && shard == Shard::WHOLE {
        print_points_table(&out.join("points.csv"));
    }
    if !args.quiet {
        outln!("  results in {}", out.display());
    }
    Ok(())
}

/// Runs the sensitivity analysis of the scenario's `[sensitivity]` section.
pub fn sensitivity(args: &SweepArgs) -> Result<(), Error> {
    let (shard, loaded) = prepare(args)?;
    let Some(spec) = loaded.scenario.sensitivity.clone() else {
        return Err(usage(
            "sensitivity",
            format!(
                "{} has no [sensitivity] section; add one with the parameters and their bounds (see README)",
                loaded.origin
            ),
        ));
    };
    let design = saltelli_points(&spec, loaded.scenario.seed);
    let replicates = args.replicates.unwrap_or(loaded.scenario.replicates);
    let name = loaded.scenario.name.clone();
    // Before the points are checked, which takes a while for a large design.
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("sensitivity").join(&name));
    prepare_out(&out)?;
    let outcomes: Vec<String> = spec
        .outcomes
        .clone()
        .unwrap_or_else(|| DEFAULT_OUTCOMES.iter().map(|s| s.to_string()).collect());
    let scenario = loaded.scenario.clone();
    let sweep = Sweep::new(loaded, spec.parameters.clone(), design.points(), replicates)?;
    run_with_progress(&sweep, args, shard, &out, &name)?;
    if shard != Shard::WHOLE {
        if !args.quiet {
            outln!(
                "  shard done; merge the shards with `followership merge`, then run this command with \
                 --resume --out MERGED_DIR to compute the indices"
            );
        }
        return Ok(());
    }
    let results = write_sensitivity(&out, &design, &outcomes)?;
    if !args.no_plots {
        followership_report::sensitivity::write(&out, &scenario, &results)?;
    }
    if !args.quiet {
        for (outcome, ix) in &results {
            outln!(
                "  {outcome} (mean {:.4}, variance {:.4}):",
                ix.mean,
                ix.variance
            );
            outln!(
                "    {:<28} {:>22} {:>22}",
                "",
                "first order [95% CI]",
                "total [95% CI]"
            );
            for (label, list) in [("", &ix.parameters), ("group ", &ix.groups)] {
                for f in list.iter() {
                    let ci = |c: Option<[f64; 2]>| {
                        c.map_or(String::new(), |[l, h]| format!("[{l:.3}, {h:.3}]"))
                    };
                    outln!(
                        "    {:<28} {:>7.3} {:>14} {:>7.3} {:>14}",
                        format!("{label}{}", f.name),
                        f.first,
                        ci(f.first_ci),
                        f.total,
                        ci(f.total_ci)
                    );
                }
            }
        }
        outln!("  results in {}", out.display());
    }
    Ok(())
}

/// Checks the common options and loads the scenario.
fn prepare(args: &SweepArgs) -> Result<(Shard, followership::scenario::LoadedScenario), Error> {
    if args.block == 0 {
        return Err(usage("--block", "give at least 1 run per block"));
    }
    super::check_threads(args.threads)?;
    let shard = match &args.shard {
        Some(text) => Shard::parse(text)?,
        None => Shard::WHOLE,
    };
    Ok((shard, load_scenario(&args.scenario, &[])?))
}

/// Runs `sweep` into `out` with a progress bar, and prints a line about what was done.
fn run_with_progress(
    sweep: &Sweep,
    args: &SweepArgs,
    shard: Shard,
    out: &std::path::Path,
    name: &str,
) -> Result<(), Error> {
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
    let report = run_sweep(sweep, out, &options)?;
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
    }
    Ok(())
}

/// Merges shard directories.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    prepare_out(&args.out)?;
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
