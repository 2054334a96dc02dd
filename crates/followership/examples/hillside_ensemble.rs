//! A hillside ensemble: the default scenario run 200 times, and what its final sizes say.
//!
//! `cargo run --release --example hillside_ensemble`

use followership::analysis::ensemble::EnsembleSummary;
use followership::experiment::Experiment;
use followership::fmt::percent;

fn main() -> Result<(), followership::error::Error> {
    let experiment = Experiment::builtin("hillside")?.with_replicates(200)?;
    let network = experiment.network(0)?;
    let runner = experiment.runner(&network)?;
    let outcomes = runner.outcomes(0..200);
    let summary = EnsembleSummary::new(&outcomes);
    println!(
        "{} runs on {} people",
        summary.replicates,
        network.node_count()
    );
    println!(
        "final size  {} (95% CI {} to {})",
        percent(summary.final_fraction_mean),
        percent(summary.final_fraction_ci[0]),
        percent(summary.final_fraction_ci[1])
    );
    println!("movements   {}", percent(summary.cascade_probability));
    let firsts: Vec<u32> = outcomes
        .iter()
        .filter_map(|o| o.first_follower_tick)
        .collect();
    println!(
        "a first follower came in {} of the runs",
        percent(firsts.len() as f64 / outcomes.len() as f64)
    );
    Ok(())
}
