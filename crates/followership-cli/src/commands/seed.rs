//! `followership seed`: whom to recruit first, by one strategy or all of them compared.

use std::path::PathBuf;

use followership::error::{Error, InputError};
use followership::output;
use followership::seeding::{self, Choice, Estimate, Options, RecruitStage, Request, Strategy};

use followership_report::seeding::StrategyResult;
use indicatif::{ProgressBar, ProgressStyle};

use super::{experiment, prepare_out, use_threads};
use crate::cli::SeedArgs;

/// Chooses the seeds, evaluates them, prints them and writes `seeds.csv`.
pub fn execute(args: &SeedArgs) -> Result<(), Error> {
    use_threads(args.threads)?;
    let strategy: Option<Strategy> = args
        .strategy
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(flag)?;
    let experiment = experiment(&args.scenario, &[])?;
    let scenario = experiment.scenario();
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("seeds").join(&scenario.name));
    prepare_out(&out_dir)?;
    let request = Request {
        k: args.k,
        strategies: if args.compare {
            Strategy::ALL.to_vec()
        } else {
            strategy.into_iter().collect()
        },
        options: Options {
            epsilon: args.epsilon,
            ell: args.ell,
            time_budget: args.time_budget,
            memory_budget: args.memory_budget,
            celf_runs: args.celf_runs,
            celf_candidates: Some(args.candidates),
            seed: scenario.seed,
        },
        runs: args.runs,
    };
    let progress = if args.json {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    };
    let celf_started = std::sync::Mutex::new(None);
    let report = seeding::recruit(&experiment, &request, &|stage| match stage {
        RecruitStage::Choosing(s) => progress.set_message(format!("choosing with {}", s.name())),
        RecruitStage::Evaluating(s, runs) => {
            progress.set_message(format!("evaluating {} over {runs} runs", s.name()));
        }
        RecruitStage::Sampling {
            strategy,
            sets,
            guarantee,
        } => progress.set_message(format!(
            "choosing with {strategy}: {sets} reverse-reachable sets, guarantee {guarantee:.3} so far"
        )),
        RecruitStage::Celf {
            done,
            of,
            seeds,
            evaluations,
        } => progress.set_message(if seeds == 0 {
            // The first pass evaluates every candidate once, at about the same cost each, so
            // the time so far per candidate predicts the rest of it.
            let started = *celf_started
                .lock()
                .expect("progress lock")
                .get_or_insert_with(std::time::Instant::now);
            let left = started.elapsed().as_secs_f64() / done.max(1) as f64 * (of - done) as f64;
            format!(
                "choosing with celf: {done} of {of} candidates screened, about {left:.0} s left of the first pass"
            )
        } else {
            format!("choosing with celf: {seeds} of {} seeds, {evaluations} evaluations", args.k)
        }),
    })
    .map_err(flag)?;
    progress.finish_and_clear();
    for note in &report.notes {
        eprintln!("note: {note}");
    }

    output::seeds::write(&out_dir, &report, args.compare)?;
    let path = out_dir.join("seeds.csv");
    let (graph, runs) = (&report.graph, report.runs);
    let results: Vec<(&Choice, &Estimate, f64)> = report
        .results
        .iter()
        .map(|r| (&r.choice, &r.estimate, r.seconds))
        .collect();
    let n = graph.node_count();
    if !args.no_plots {
        let results: Vec<StrategyResult> = results
            .iter()
            .map(|(c, e, seconds)| StrategyResult {
                strategy: c.strategy.name().to_string(),
                seeds: c.seeds.iter().map(|&v| graph.label(v)).collect(),
                mean: e.mean,
                ci: e.ci,
                runs: e.runs,
                seconds: *seconds,
            })
            .collect();
        followership_report::seeding::write(&out_dir, scenario, args.k, n, &results)?;
    }
    if args.json {
        let strategies: Vec<_> = results
            .iter()
            .map(|(c, e, seconds)| {
                serde_json::json!({
                    "strategy": c.strategy.name(),
                    "seeds": c.seeds.iter().map(|&v| graph.label(v)).collect::<Vec<_>>(),
                    "expected_final_size": e.mean,
                    "ci": e.ci,
                    "runs": e.runs,
                    "own_estimate": c.estimate,
                    "rr_sets": c.rr_sets,
                    "rr_selection_sets": c.rr_selection,
                    "guarantee": c.guarantee.map(|(g, _)| g),
                    "stopped": c.guarantee.map(|(_, s)| s.describe()),
                    "evaluations": c.evaluations,
                    "runs_simulated": c.runs_simulated,
                    "seconds": seconds,
                })
            })
            .collect();
        let value = serde_json::json!({
            "scenario": scenario.name,
            "k": args.k,
            "people": n,
            "output": out_dir,
            "strategies": strategies,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).expect("results serialise")
        );
        return Ok(());
    }
    outln!(
        "{}: k = {} of {} people, {:.2} s",
        scenario.name,
        args.k,
        n,
        report.wall_seconds
    );
    if args.compare {
        outln!(
            "  {:<16} {:>12} {:>26} {:>9}",
            "strategy",
            "final size",
            "95% CI",
            "seconds"
        );
        for (c, e, s) in &results {
            outln!(
                "  {:<16} {:>12.1} {:>26} {:>9.2}",
                c.strategy.name(),
                e.mean,
                format!("{:.1} to {:.1}", e.ci[0], e.ci[1]),
                s
            );
        }
        outln!("  (each evaluated on the same {runs} runs)");
    } else if let Some((c, e, _)) = results.first() {
        let ids: Vec<String> = c
            .seeds
            .iter()
            .map(|&v| graph.label(v).to_string())
            .collect();
        outln!("  strategy             {}", c.strategy);
        outln!("  recruit first        {}", ids.join(", "));
        outln!(
            "  expected final size  {:.1} ({:.1}% of the network; 95% CI {:.1} to {:.1}, {} runs)",
            e.mean,
            100.0 * e.mean / n as f64,
            e.ci[0],
            e.ci[1],
            e.runs
        );
        if let Some(own) = c.estimate {
            let from = match (c.rr_sets, c.rr_selection, c.evaluations) {
                (Some(all), Some(sel), _) if c.strategy == Strategy::Opim => format!(
                    "on {sel} validation sets that did not choose; {all} reverse-reachable sets in all"
                ),
                (Some(all), Some(sel), _) => format!(
                    "chosen and measured on {sel} reverse-reachable sets; {all} sampled in all"
                ),
                (_, _, Some(evals)) => {
                    let raced = args.celf_runs >= 2 * seeding::celf::SCREEN_MIN_RUNS;
                    format!(
                        "on the runs it chose with: {evals} evaluations, {} runs in all{}",
                        c.runs_simulated.unwrap_or(0),
                        if raced {
                            format!(
                                "; each candidate screened on an eighth of the {} runs before \
                                 its gain is measured on all",
                                args.celf_runs
                            )
                        } else {
                            String::new()
                        }
                    )
                }
                _ => String::new(),
            };
            outln!("  strategy's estimate  {own:.1} ({from})");
        }
        if let Some((g, stop)) = c.guarantee {
            outln!(
                "  certified            {:.3} of the optimum with probability 1 - 1/n^{} ({}; target {:.3})",
                g,
                args.ell,
                stop.describe(),
                1.0 - (-1f64).exp() - args.epsilon
            );
        }
    }
    outln!("  wrote {}", path.display());
    Ok(())
}

/// The engine names its arguments; on the command line they are flags.
fn flag(e: impl Into<Error>) -> Error {
    match e.into() {
        Error::Input(i) => {
            let place = match i.place.as_str() {
                "k" => "--k",
                "strategy" => "--strategy",
                "epsilon" => "--epsilon",
                "ell" => "--ell",
                "celf_runs" => "--celf-runs",
                "time_budget" => "--time-budget",
                "memory_budget" => "--memory-budget",
                "runs" => "--runs",
                _ => return Error::Input(i),
            };
            InputError::new(place, i.message).into()
        }
        other => other,
    }
}
