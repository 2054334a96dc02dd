//! `followership run`: all replicates of a scenario, their files, and a short summary.

use std::path::PathBuf;

use followership::analysis::ensemble::{EnsembleSummary, TickSpan};
use followership::error::Error;
use followership::experiment::EnsembleOptions;
use followership::fmt::{counted as plural, people};
use followership::output::{self, Report, RunInfo};
use followership_report::replay::ReplayOptions;
use indicatif::{ProgressBar, ProgressStyle};

use super::{experiment, option, prepare_out, use_threads};
use crate::cli::RunArgs;

/// Runs the scenario, writes the output directory and prints the summary.
pub fn execute(args: &RunArgs) -> Result<(), Error> {
    use_threads(args.threads)?;
    let extra = match args.replicates {
        Some(r) => vec![option("replicates", "--replicates", r)?],
        None => Vec::new(),
    };
    let experiment = experiment(&args.scenario, &extra)?;
    let scenario = experiment
        .scenario()
        .clone()
        .with_absolute_paths(&experiment.loaded().base_dir);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("runs").join(&scenario.name));
    prepare_out(&out_dir)?;

    let progress = if args.quiet || args.json {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(scenario.replicates);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {pos}/{len} runs [{bar:30}] {per_sec} eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    };
    let tick = || progress.inc(1);
    let options = EnsembleOptions {
        changes_for: Some(0),
        on_replicate_done: Some(&tick),
        trust_sample: (!args.no_plots).then_some(ReplayOptions::default().max_people),
        ..EnsembleOptions::default()
    };
    // The files with a row per replicate are written as the runs finish.
    let mut sinks = output::run_sinks(&out_dir, &scenario)?;
    let ensemble = experiment.ensemble_into(&options, &mut sinks)?;
    progress.finish_and_clear();
    if !args.quiet {
        for note in &ensemble.notes {
            eprintln!("note: {note}");
        }
    }

    let summary = ensemble.aggregates.outcomes.summary();
    let info = RunInfo {
        version: env!("CARGO_PKG_VERSION"),
        seed: scenario.seed,
        threads: rayon::current_num_threads(),
        wall_seconds: ensemble.wall_seconds,
        simulation_seconds: ensemble.simulation_seconds,
        nodes: ensemble.graph.node_count(),
        edges: ensemble.graph.edge_count(),
    };
    let report = Report {
        scenario: &scenario,
        ensemble: &ensemble,
        summary: &summary,
        info: &info,
    };
    output::write_all(&out_dir, &report, &output::run_exporters())?;
    if !args.no_plots {
        followership_report::run::write(&out_dir, &report)?;
    }

    if args.json {
        let value = serde_json::json!({
            "scenario": scenario.name,
            "output": out_dir,
            "run": info,
            "summary": summary,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).expect("summary serialises")
        );
    } else if !args.quiet {
        let by_block = ensemble.graph.blocks().map(|_| {
            let shares = &ensemble.aggregates.blocks;
            (0..shares.len())
                .map(|b| format!("block {b} {}", followership::fmt::percent(shares.mean(b))))
                .collect::<Vec<_>>()
                .join(", ")
        });
        print_summary(
            &scenario.name,
            &summary,
            &info,
            &out_dir,
            scenario.leaders.is_some(),
            by_block.as_deref().filter(|b| !b.is_empty()),
        );
    }
    Ok(())
}

/// The summary for a class as much as for a paper: the first follower (when there is a leader),
/// what followed, and how fast the movement grew, besides the final size and the cascade
/// probability. Every number comes from the engine's [`EnsembleSummary`].
fn print_summary(
    name: &str,
    s: &EnsembleSummary,
    info: &RunInfo,
    out_dir: &std::path::Path,
    has_leaders: bool,
    by_block: Option<&str>,
) {
    let pct = followership::fmt::percent;
    let runs = |n: usize| plural(n as u64, "run", "runs");
    let span = |t: &TickSpan| {
        if t.first == t.last {
            format!("tick {}", t.first)
        } else {
            format!(
                "tick {} (median; from {} to {})",
                tick(t.median),
                t.first,
                t.last
            )
        }
    };
    outln!(
        "{name}: {} on {}, {:.2} s",
        runs(s.replicates),
        people(info.nodes as u64),
        info.wall_seconds
    );
    outln!(
        "  final size           {} (95% CI {} to {}); middle 95% of runs {} to {}",
        pct(s.final_fraction_mean),
        pct(s.final_fraction_ci[0]),
        pct(s.final_fraction_ci[1]),
        pct(s.final_fraction_range95[0]),
        pct(s.final_fraction_range95[1]),
    );
    outln!(
        "  cascade probability  {} (95% CI {} to {})",
        pct(s.cascade_probability),
        pct(s.cascade_probability_ci[0]),
        pct(s.cascade_probability_ci[1]),
    );
    if has_leaders {
        match &s.first_follower {
            Some(ff) => outln!(
                "  first follower       in {} of {}, at {}",
                ff.runs,
                runs(s.replicates),
                span(ff)
            ),
            None => outln!(
                "  first follower       in none of the {}",
                runs(s.replicates)
            ),
        }
        if let Some(m) = &s.movement_after_first_follower {
            outln!(
                "  a movement followed  in {} of those {} ({}, 95% CI {} to {})",
                m.count,
                runs(m.of as usize),
                pct(m.estimate),
                pct(m.ci[0]),
                pct(m.ci[1])
            );
        }
    }
    for (label, moment) in [
        ("half of final size  ", &s.final_50),
        ("90% of final size   ", &s.final_90),
    ] {
        if let Some(t) = moment {
            outln!(
                "  {label} by {}, over the {} that cascaded",
                span(t),
                runs(t.runs)
            );
        }
    }
    outln!(
        "  a run lasted         {} ticks (median)",
        tick(s.median_ticks)
    );
    if let Some(c) = &s.cycles {
        outln!("  endless cycle        {}", c.in_words(s.replicates));
    }
    if let Some(line) = by_block {
        outln!("  final size by block  {line} (mean over runs)");
    }
    outln!("  results in           {}", out_dir.display());
}

/// A median tick: a whole number, or one decimal when it falls between two ticks.
fn tick(t: f64) -> String {
    if t.fract() == 0.0 {
        format!("{t:.0}")
    } else {
        format!("{t:.1}")
    }
}
