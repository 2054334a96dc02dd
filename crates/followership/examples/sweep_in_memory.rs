//! A sweep into memory: how long the leader dances alone before giving up, against how often a
//! movement starts, without writing a file.
//!
//! `cargo run --release --example sweep_in_memory`

use followership::experiment::Experiment;
use followership::fmt::percent;

fn main() -> Result<(), followership::error::Error> {
    let base = Experiment::builtin("hillside")?
        .set("network.nodes", 1000)?
        .set("max_ticks", 400)?;
    let replicates: Vec<u64> = (0..50).collect();
    println!("persistence  movements  mean final size");
    for (point, persistence) in [10, 25, 50, 100, 200].into_iter().enumerate() {
        // Each point draws from its own random streams, as a sweep's points do.
        let experiment = base
            .clone()
            .set("leaders.persistence", persistence)?
            .at_point(point as u64);
        let outcomes = experiment.outcomes(&replicates)?;
        let n = outcomes.len() as f64;
        let movements = outcomes.iter().filter(|o| o.cascaded).count() as f64 / n;
        let mean = outcomes.iter().map(|o| o.final_fraction).sum::<f64>() / n;
        println!(
            "{persistence:>11}  {:>9}  {:>15}",
            percent(movements),
            percent(mean)
        );
    }
    Ok(())
}
