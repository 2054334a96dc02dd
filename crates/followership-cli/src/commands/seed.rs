//! `followership seed`: whom to recruit first, by one strategy or all of them compared.

use std::path::PathBuf;
use std::time::Instant;

use followership::error::Error;
use followership::output::AtomicFile;
use followership::random::{Purpose, stream};
use followership::seeding::{self, Choice, Diffusion, Estimate, Evaluator, Options, Strategy};

use followership_report::seeding::StrategyResult;
use indicatif::{ProgressBar, ProgressStyle};

use super::{load_scenario, prepare_out, usage};
use crate::cli::SeedArgs;

/// Chooses the seeds, evaluates them, prints them and writes `seeds.csv`.
pub fn execute(args: &SeedArgs) -> Result<(), Error> {
    if args.threads == Some(0) {
        return Err(usage(
            "--threads",
            "give at least 1 thread (or leave it out for one per core)",
        ));
    }
    if args.k == 0 {
        return Err(usage("--k", "k = 0: choose at least one person"));
    }
    if args.runs == Some(0) {
        return Err(usage("--runs", "give at least 1 run"));
    }
    let fixed: Option<Strategy> = args.strategy.as_deref().map(str::parse).transpose()?;
    let loaded = load_scenario(&args.scenario, &[])?;
    let scenario = &loaded.scenario;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("seeds").join(&scenario.name));
    prepare_out(&out_dir)?;
    let started = Instant::now();
    let mut notes = Vec::new();
    let graph = scenario
        .network
        .build(
            &mut stream(scenario.seed, 0, 0, Purpose::Network),
            &loaded.base_dir,
            &mut notes,
        )
        .map_err(|e| match e {
            Error::Input(i) => Error::Input(loaded.locate(i)),
            other => other,
        })?;
    if scenario.regenerate_network && scenario.network.is_random() {
        notes.push(
            "regenerate_network is ignored: seeds are chosen and evaluated on one network (replicate 0's)"
                .into(),
        );
    }
    seeding::check_k(&graph, args.k)?;
    let strategies: Vec<Strategy> = if args.compare {
        Strategy::ALL.to_vec()
    } else {
        vec![fixed.unwrap_or(if Diffusion::of(scenario).is_ok() {
            Strategy::Imm
        } else {
            Strategy::Celf
        })]
    };
    let options = Options {
        epsilon: args.epsilon,
        ell: args.ell,
        celf_runs: args.celf_runs,
        celf_candidates: Some(args.candidates),
        seed: scenario.seed,
    };
    let runs = args.runs.unwrap_or(scenario.replicates);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))?;
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
    let results: Vec<(Choice, Estimate, f64)> = pool.install(|| {
        let evaluator =
            Evaluator::new(&graph, scenario, &loaded.base_dir).map_err(|e| loaded.locate(e))?;
        let mut results = Vec::new();
        for &strategy in &strategies {
            let t = Instant::now();
            progress.set_message(format!("choosing with {}", strategy.name()));
            let choice = match seeding::choose(strategy, &evaluator, scenario, args.k, &options) {
                Ok(c) => c,
                Err(e) if args.compare && strategy == Strategy::Imm => {
                    notes.push(format!("imm skipped: {}", e.message));
                    continue;
                }
                Err(e) => return Err(Error::from(e)),
            };
            let seconds = t.elapsed().as_secs_f64();
            progress.set_message(format!("evaluating {} over {runs} runs", strategy.name()));
            let estimate = evaluator.evaluate(&choice.seeds, runs);
            results.push((choice, estimate, seconds));
        }
        Ok::<_, Error>(results)
    })?;
    progress.finish_and_clear();
    for note in &notes {
        eprintln!("note: {note}");
    }

    let path = out_dir.join("seeds.csv");
    let mut file = AtomicFile::create(&path)?;
    let io = |e| Error::io(&path, e);
    let w = file.writer();
    writeln!(w, "strategy,rank,id,out_degree,in_degree").map_err(io)?;
    for (choice, _, _) in &results {
        for (rank, &v) in choice.seeds.iter().enumerate() {
            writeln!(
                w,
                "{},{},{},{},{}",
                choice.strategy,
                rank + 1,
                graph.label(v),
                graph.out_degree(v),
                graph.in_degree(v)
            )
            .map_err(io)?;
        }
    }
    file.commit()?;
    if args.compare {
        let path = out_dir.join("compare.csv");
        let mut file = AtomicFile::create(&path)?;
        let io = |e| Error::io(&path, e);
        let w = file.writer();
        writeln!(w, "strategy,mean,ci_low,ci_high,runs,own_estimate,seconds").map_err(io)?;
        for (c, e, s) in &results {
            let own = c.estimate.map(|x| format!("{x}")).unwrap_or_default();
            writeln!(
                w,
                "{},{},{},{},{},{own},{s}",
                c.strategy, e.mean, e.ci[0], e.ci[1], e.runs
            )
            .map_err(io)?;
        }
        file.commit()?;
    }

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
        started.elapsed().as_secs_f64()
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
            let from = c
                .rr_sets
                .map(|m| format!("from {m} reverse-reachable sets"))
                .unwrap_or_else(|| format!("from {} runs per evaluation", args.celf_runs));
            outln!("  strategy's estimate  {own:.1} ({from})");
        }
    }
    outln!("  wrote {}", path.display());
    Ok(())
}
