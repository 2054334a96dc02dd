//! A sweep into memory: how long the leader dances alone before giving up, against how often a
//! movement starts, without writing a file.
//!
//! `cargo run --release --example sweep_in_memory`

use followership::analysis::points::PointAggregator;
use followership::design::ParameterSpec;
use followership::experiment::Experiment;
use followership::experiment::sweep::{Row, Sweep, SweepOptions, sweep};
use followership::fmt::percent;

fn main() -> Result<(), followership::error::Error> {
    let base = Experiment::builtin("hillside")?
        .set("network.nodes", 1000)?
        .set("max_ticks", 400)?;
    let persistence =
        ParameterSpec::list("leaders.persistence", vec![10.0, 25.0, 50.0, 100.0, 200.0]);
    let points = persistence
        .grid_values()
        .into_iter()
        .map(|v| vec![v])
        .collect();
    let design = Sweep::new(base, vec![persistence], points, 50)?;

    // The rows arrive block by block, in run order; a Vec keeps them all.
    let mut rows: Vec<Row> = Vec::new();
    sweep(&design, &SweepOptions::default(), &mut rows)?;

    println!("persistence  movements  mean final size");
    let mut aggregator = PointAggregator::default();
    let mut summaries = Vec::new();
    for row in &rows {
        summaries.extend(aggregator.push(row)?);
    }
    summaries.extend(aggregator.finish()?);
    for point in summaries {
        let size = point.outcome("final_fraction").map_or(f64::NAN, |m| m.mean);
        println!(
            "{:>11}  {:>9}  {:>15}",
            point.values.labels[0],
            percent(point.cascade.estimate),
            percent(size)
        );
    }
    Ok(())
}
