//! `followership view`: the live view, a local web app that draws a scenario's people and re-runs
//! it as sliders move (see the `followership-view` crate).

use std::net::IpAddr;

use clap::Args;
use followership::error::Error;
use followership::scenario::builtin;
use followership_view::{ScenarioChoice, ViewOptions};

use crate::cli::ScenarioArgs;

/// Options of `followership view`.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// The scenario (its `--set` values and `--seed` are where the sliders start).
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Address to listen on; the default keeps the view to this machine.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub host: IpAddr,
    /// Port to listen on; 0 (the default) lets the system pick a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// For a class on a projector: large people, big type, and a button for each key moment
    /// (first follower, second follower, critical mass, leader events, the leader quitting).
    #[arg(long)]
    pub classroom: bool,
}

/// Serves the live view of the scenario until Ctrl-C, after printing its address.
pub fn execute(args: &ViewArgs) -> Result<(), Error> {
    let scenario = match (&args.scenario.file, &args.scenario.builtin) {
        (Some(path), _) => ScenarioChoice::File(path.clone()),
        (None, Some(name)) => ScenarioChoice::Builtin(name.clone()),
        (None, None) => ScenarioChoice::Builtin(builtin::DEFAULT.to_string()),
    };
    // The same order as every other command: `--set` values, then `--seed`.
    let mut overrides = args.scenario.overrides.clone();
    if let Some(seed) = args.scenario.seed {
        overrides.push(format!("seed={seed}"));
    }
    followership_view::serve(ViewOptions {
        overrides,
        host: args.host,
        port: args.port,
        classroom: args.classroom,
        ..ViewOptions::new(scenario)
    })
}
