//! `followership run`: all replicates of a scenario, their files, and a short summary.

use std::path::PathBuf;

use followership::analysis::ensemble::EnsembleSummary;
use followership::error::Error;
use followership::experiment::EnsembleOptions;
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
    };
    let ensemble = experiment.ensemble(&options)?;
    progress.finish_and_clear();
    if !args.quiet {
        for note in &ensemble.notes {
            eprintln!("note: {note}");
        }
    }

    let outcomes: Vec<_> = ensemble.runs.iter().map(|r| r.outcome).collect();
    let summary = EnsembleSummary::new(&outcomes);
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
    output::write_all(&out_dir, &report, &output::run_exporters(&scenario))?;
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
        print_summary(&scenario.name, &summary, &info, &out_dir);
    }
    Ok(())
}

fn print_summary(name: &str, s: &EnsembleSummary, info: &RunInfo, out_dir: &std::path::Path) {
    let pct = followership::fmt::percent;
    outln!(
        "{name}: {} runs on {} people, {:.2} s",
        s.replicates,
        info.nodes,
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
    outln!("  median ticks         {}", s.median_ticks);
    outln!("  results in           {}", out_dir.display());
}
