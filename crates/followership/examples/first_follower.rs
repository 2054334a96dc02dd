//! The first follower of a scenario's runs: how often one came, when, whether they sat down
//! again the very next tick, and how often a movement followed.
//!
//! `cargo run --release -p followership --example first_follower [BUILTIN] [key=value ...]`
//! (default `hillside`) prints the figures `docs/model.md` quotes for the hillside; the
//! overrides are `--set`-style (`influence.embrace_holds=false`).

use followership::experiment::Experiment;
use followership::simulation::Recording;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "hillside".to_string());
    let overrides = args.map(|s| s.parse()).collect::<Result<Vec<_>, _>>()?;
    let experiment = Experiment::builtin(&name)?.with_overrides(&overrides)?;
    let replicates = experiment.scenario().replicates;
    let (mut first, mut sat_down, mut cascaded, mut movement, mut quit) = (0, 0, 0, 0, 0);
    let mut ticks = Vec::new();
    for r in 0..replicates {
        let record = experiment.replicate(r, Recording::everything())?.record;
        let o = record.outcome;
        cascaded += u32::from(o.cascaded);
        quit += u32::from(o.leader_quit_tick.is_some());
        if let (Some(ff), Some(t)) = (record.first_follower, o.first_follower_tick) {
            first += 1;
            ticks.push(t);
            movement += u32::from(o.cascaded);
            // The first follower's first leave, if it came the tick after they joined.
            let left_next = record
                .changes
                .iter()
                .any(|c| c.person == ff && !c.joined && c.tick == t + 1);
            sat_down += u32::from(left_next);
        }
    }
    ticks.sort_unstable();
    println!("{name}: {replicates} runs");
    println!("  a first follower came        {first}");
    println!("  ... and sat down next tick   {sat_down}");
    println!("  cascaded                     {cascaded}");
    println!("  movement (cascaded, with ff) {movement}");
    println!("  leader quit                  {quit}");
    if !ticks.is_empty() {
        println!(
            "  first follower tick          median {}, range {} to {}",
            ticks[ticks.len() / 2],
            ticks[0],
            ticks[ticks.len() - 1]
        );
    }
    Ok(())
}
