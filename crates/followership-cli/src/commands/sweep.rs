//! `followership sweep`, `sensitivity` and `merge`: parameter sweeps, resumable and shardable.
//!
//! The engine runs the sweep into its directory ([`sweep_dir`]) and hands back the typed point
//! summaries and indices; this module adds the progress bar, the plots and report (through
//! `followership-report`) and the table printed at the end. A merge draws the same plots and
//! report from the merged rows, so its directory is file for file what one process writes.
//!
//! For tests only, the environment variable `FOLLOWERSHIP_STOP_AT` names a stage of the sweep
//! (see [`DirOptions::checkpoint`]: `start`, `manifest-partial`, `manifest`, `runs-header`,
//! `block-N`, `rows-done`, `finished`, `complete-partial`, `complete`) at which the process ends
//! at once with status 137, leaving its files as a kill there would: a test can thus interrupt a
//! sweep at an exact moment, on any machine at any speed.

use std::path::{Path, PathBuf};

use followership::analysis::points::PointSummary;
use followership::error::{Error, InputError};
use followership::experiment::Experiment;
use followership::experiment::sweep::{BlockRunner, Shard, Sweep};
use followership::output::sensitivity::Analysis;
use followership::output::sweep_dir::{self, DirOptions, DirReport, Kind};
use followership_report::sweep::Points;
use indicatif::{ProgressBar, ProgressStyle};

use super::{load_scenario, prepare_out, usage, use_threads};
use crate::cli::{MergeArgs, SweepArgs};

/// The environment variable that stops a sweep at a named stage (for tests).
const STOP_AT: &str = "FOLLOWERSHIP_STOP_AT";

/// Runs the sweep of the scenario's `[sweep]` section.
pub fn execute(args: &SweepArgs) -> Result<(), Error> {
    distributed(
        args,
        |args| {
            let (_, experiment, replicates) = prepare(args)?;
            Sweep::from_section(experiment, replicates)
        },
        |runner| run_sweep(args, runner),
    )
}

/// Runs the sensitivity analysis of the scenario's `[sensitivity]` section.
pub fn sensitivity(args: &SweepArgs) -> Result<(), Error> {
    distributed(
        args,
        |args| {
            let (_, experiment, replicates) = prepare(args)?;
            Ok(Analysis::of(experiment, replicates)?.0)
        },
        |runner| run_sensitivity(args, runner),
    )
}

/// Runs `command` here, or, with `--mpi`, as rank 0 of an MPI job whose other ranks run the
/// blocks of the sweep that `sweep_of` builds (the same on every rank). Rank 0 reports any
/// error, once, and ends the whole job; what was written resumes.
fn distributed(
    args: &SweepArgs,
    sweep_of: impl Fn(&SweepArgs) -> Result<Sweep, Error>,
    command: impl FnOnce(Option<&dyn BlockRunner>) -> Result<(), Error>,
) -> Result<(), Error> {
    if !args.mpi {
        return command(None);
    }
    #[cfg(not(feature = "mpi"))]
    {
        let _ = sweep_of;
        Err(usage(
            "--mpi",
            "this followership was built without MPI; build it with `cargo build --release -p \
             followership-cli --features mpi` (it needs an MPI library, such as Debian's \
             libopenmpi-dev), or run shards with --shard I/N and `followership merge` them",
        ))
    }
    #[cfg(feature = "mpi")]
    {
        let job = followership_mpi::Job::init()?;
        if job.size() == 1 {
            if !args.quiet {
                eprintln!(
                    "note: --mpi in a job of one rank: running here (start it with `mpirun -n N`)"
                );
            }
            return command(None);
        }
        if !job.is_coordinator() {
            // Rank 0 reads the same scenario and reports any error in it, once.
            let sweep = sweep_of(args).map_err(|e| e.to_string());
            job.serve(&|runs| match &sweep {
                Ok(s) => s.rows(runs).map_err(|e| e.to_string()),
                Err(why) => Err(why.clone()),
            });
            return Ok(());
        }
        let coordinator = job.coordinator();
        match command(Some(&coordinator)) {
            Ok(()) => {
                coordinator.stop();
                Ok(())
            }
            Err(e) => {
                eprintln!("error: {e}");
                job.abort(if e.is_input_error() { 2 } else { 1 })
            }
        }
    }
}

/// The sweep of `[sweep]`, its blocks run by `runner` (`None`: here).
fn run_sweep(args: &SweepArgs, runner: Option<&dyn BlockRunner>) -> Result<(), Error> {
    let (shard, experiment, replicates) = prepare(args)?;
    if experiment.scenario().sweep.is_none() {
        return Err(usage(
            "sweep",
            format!(
                "{} has no [sweep] section; add one naming the parameters to vary (see README)",
                experiment.loaded().origin
            ),
        ));
    }
    let name = experiment.scenario().name.clone();
    let scenario = experiment.scenario().clone();
    // Before the points are checked, which takes a while for a large design.
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("sweeps").join(&name));
    prepare_out(&out)?;
    let sweep = Sweep::from_section(experiment, replicates)?;
    let report = run_with_progress(&sweep, None, args, shard, &out, &name, runner)?;
    if shard == Shard::WHOLE {
        let keys = sweep.keys();
        if !args.no_plots {
            let points = Points::from_summaries(&keys, &report.points);
            followership_report::sweep::write(&out, &scenario, &points)?;
        }
        if !args.quiet {
            print_points_table(&keys, &report.points);
        }
    }
    if !args.quiet {
        outln!("  results in {}", out.display());
    }
    Ok(())
}

/// The sensitivity analysis of `[sensitivity]`, its blocks run by `runner` (`None`: here).
fn run_sensitivity(args: &SweepArgs, runner: Option<&dyn BlockRunner>) -> Result<(), Error> {
    let (shard, experiment, replicates) = prepare(args)?;
    if experiment.scenario().sensitivity.is_none() {
        return Err(usage(
            "sensitivity",
            format!(
                "{} has no [sensitivity] section; add one with the parameters and their bounds (see README)",
                experiment.loaded().origin
            ),
        ));
    }
    let name = experiment.scenario().name.clone();
    let scenario = experiment.scenario().clone();
    // Before the points are checked, which takes a while for a large design.
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("sensitivity").join(&name));
    prepare_out(&out)?;
    let (sweep, analysis) = Analysis::of(experiment, replicates)?;
    let report = run_with_progress(&sweep, Some(&analysis), args, shard, &out, &name, runner)?;
    if shard != Shard::WHOLE {
        if !args.quiet {
            outln!(
                "  shard done; merge the shards with `followership merge --out DIR SHARD_DIR...`, \
                 which computes the indices"
            );
        }
        return Ok(());
    }
    if !args.no_plots {
        followership_report::sensitivity::write(&out, &scenario, &report.indices)?;
    }
    if !args.quiet {
        print_indices(&report.indices);
        outln!("  results in {}", out.display());
    }
    Ok(())
}

/// Checks the common options, sets the thread pool and loads the scenario; returns the shard,
/// the experiment and the replicates per point.
fn prepare(args: &SweepArgs) -> Result<(Shard, Experiment, u64), Error> {
    if args.block == 0 {
        return Err(usage("--block", "give at least 1 run per block"));
    }
    if args.replicates == Some(0) {
        return Err(usage("--replicates", "give at least 1 replicate per point"));
    }
    if let Some(r) = args.replicates
        && r > followership::limits::MAX_REPLICATES
    {
        use followership::limits::{MAX_REPLICATES, grouped};
        return Err(usage(
            "--replicates",
            format!(
                "{} replicates per point is above the limit of {}; give fewer",
                grouped(r),
                grouped(MAX_REPLICATES)
            ),
        ));
    }
    use_threads(args.threads)?;
    let shard = match &args.shard {
        // The engine names the shard; the command line names its option.
        Some(text) => {
            Shard::parse(text).map_err(|e| InputError::new(format!("--shard {text}"), e.message))?
        }
        None => Shard::WHOLE,
    };
    let experiment = Experiment::from_loaded(load_scenario(&args.scenario, &[])?);
    let replicates = args.replicates.unwrap_or(experiment.scenario().replicates);
    Ok((shard, experiment, replicates))
}

/// Runs `sweep` into `out` with a progress bar, and prints a line about what was done.
fn run_with_progress(
    sweep: &Sweep,
    analysis: Option<&Analysis>,
    args: &SweepArgs,
    shard: Shard,
    out: &Path,
    name: &str,
    runner: Option<&dyn BlockRunner>,
) -> Result<DirReport, Error> {
    let total = shard.run_count(sweep.run_count());
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
    let stop = std::env::var(STOP_AT).ok();
    let checkpoint = |stage: &str| {
        if stop.as_deref() == Some(stage) {
            // As a kill: no destructor runs, temporary files stay where they are.
            std::process::exit(137);
        }
    };
    let options = DirOptions {
        shard,
        resume: args.resume,
        block: args.block,
        on_progress: Some(&progress),
        checkpoint: Some(&checkpoint),
        runner,
    };
    let report = sweep_dir::run(sweep, analysis, out, &options)?;
    bar.finish_and_clear();
    if !args.quiet {
        let runs = &report.sweep;
        outln!(
            "{name}: {} points x {} replicates = {} runs{}, {:.2} s{}",
            sweep.points().len(),
            sweep.replicates(),
            sweep.run_count(),
            if shard == Shard::WHOLE {
                String::new()
            } else {
                format!(
                    " (shard {}/{}: {} runs)",
                    shard.index + 1,
                    shard.count,
                    runs.runs
                )
            },
            runs.wall_seconds,
            if runs.resumed_from > 0 {
                format!(", resumed after {} runs", runs.resumed_from)
            } else {
                String::new()
            }
        );
    }
    Ok(report)
}

/// Merges shard directories into what one process writes: the tables, the manifest, the
/// sensitivity indices of an analysis, the plots and the report.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    prepare_out(&args.out)?;
    let report = sweep_dir::merge(&args.out, &args.shards)?;
    match report.kind {
        Kind::Sweep => {
            let points = Points::from_summaries(&report.keys, &report.points);
            followership_report::sweep::write(&args.out, &report.scenario, &points)?;
        }
        Kind::Sensitivity => {
            followership_report::sensitivity::write(&args.out, &report.scenario, &report.indices)?;
        }
    }
    outln!(
        "merged {} shards, {} runs, into {}",
        args.shards.len(),
        report.runs,
        args.out.display()
    );
    Ok(())
}

/// The indices of each outcome, with their intervals.
fn print_indices(results: &[(String, followership::analysis::sensitivity::Indices)]) {
    for (outcome, ix) in results {
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
}

/// The summary table: the swept values, mean final fraction and cascade probability of each
/// point (the first and last ten when there are many).
fn print_points_table(keys: &[String], points: &[PointSummary]) {
    outln!(
        "  {:>5}  {}  {:>22}  {:>7}",
        "point",
        keys.iter()
            .map(|p| format!("{p:>14}"))
            .collect::<Vec<_>>()
            .join(" "),
        "final fraction [95% CI]",
        "cascade"
    );
    let show = |s: &PointSummary| {
        // As points.csv holds them: a value that is not finite is an empty cell there.
        let finite = |x: f64| if x.is_finite() { x } else { f64::NAN };
        let m = s.outcome("final_fraction").copied();
        let [mean, low, high] = m.map_or([f64::NAN; 3], |m| [m.mean, m.low, m.high].map(finite));
        outln!(
            "  {:>5}  {}  {:>6.3} [{:.3}, {:.3}]  {:>7.3}",
            s.point,
            s.values
                .labels
                .iter()
                .map(|p| format!("{p:>14}"))
                .collect::<Vec<_>>()
                .join(" "),
            mean,
            low,
            high,
            s.cascade.estimate
        );
    };
    if points.len() <= 20 {
        points.iter().for_each(show);
    } else {
        points[..10].iter().for_each(show);
        outln!("  ... {} more points ...", points.len() - 20);
        points[points.len() - 10..].iter().for_each(show);
    }
}
