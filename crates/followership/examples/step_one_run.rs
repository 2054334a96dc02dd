//! One run, tick by tick: who dances, and when the first follower comes.
//!
//! `cargo run --release --example step_one_run`

use followership::experiment::Experiment;
use followership::simulation::{PersonState, Recording};

fn main() -> Result<(), followership::error::Error> {
    let experiment = Experiment::builtin("hillside")?.set("network.nodes", 600)?;
    let network = experiment.network(0)?;
    let runner = experiment.runner(&network)?;
    let mut run = runner.simulation(0, Recording::default());
    let mut first_seen = false;
    let mut shown = u32::MAX;
    while let Some(tick) = run.step() {
        if let (Some(first), false) = (run.first_follower(), first_seen) {
            first_seen = true;
            println!("tick {}: person {first} is the first follower", tick.tick);
        }
        // Every 25 ticks while the crowd moves, and the last tick.
        if (tick.tick % 25 == 0 && tick.following != shown) || run.is_over() {
            shown = tick.following;
            let leading = (0..network.node_count() as u32)
                .filter(|&v| run.state(v) == PersonState::Leading)
                .count();
            println!(
                "tick {:>4}: {:>4} follow, {} leader{} dancing",
                tick.tick,
                tick.following,
                leading,
                if leading == 1 { "" } else { "s" }
            );
        }
    }
    let record = run.finish();
    println!(
        "the run ended at tick {} with {} following",
        record.outcome.ticks, record.outcome.final_following
    );
    Ok(())
}
