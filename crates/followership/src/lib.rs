//! # followership
//!
//! The engine behind the `followership` tool: it simulates how movements start on a network of
//! people, from a lone leader and a first follower to a crowd that tips, and it reproduces the
//! classic contagion models (Granovetter thresholds, Watts cascades, linear threshold, independent
//! cascade, complex contagion, Bass diffusion) as exact special cases.
//!
//! ## Start here
//!
//! [`Experiment`](experiment::Experiment) is the one entry point: a scenario ready to run,
//! changed key by key with typed values, bound to a network, run many times in parallel or one
//! tick at a time. Every front end (the command line, the live view, the Python package, the
//! cluster back ends) stands on it.
//!
//! ```
//! use followership::experiment::Experiment;
//!
//! # fn main() -> Result<(), followership::error::Error> {
//! // The festival hillside, smaller, with a leader who gives up after 100 lonely ticks.
//! let experiment = Experiment::builtin("hillside")?
//!     .set("network.nodes", 800)?
//!     .set("leaders.persistence", 100)?;
//! let network = experiment.network(0)?;
//! let runner = experiment.runner(&network)?;
//!
//! // 100 runs in parallel (on the caller's rayon pool), then their final sizes.
//! let outcomes = runner.outcomes(0..100);
//! let sizes: Vec<f64> = outcomes.iter().map(|o| o.final_fraction).collect();
//! let movements = outcomes.iter().filter(|o| o.cascaded).count();
//! println!("{movements} of 100 runs became a movement; first run's size {:.2}", sizes[0]);
//! assert!(sizes.iter().all(|s| (0.0..=1.0).contains(s)));
//! # Ok(())
//! # }
//! ```
//!
//! `cargo run --example hillside_ensemble`, `sweep_in_memory` and `step_one_run` show more.
//!
//! ## Data flow
//!
//! Data flows one way through the modules; none reaches back up the chain:
//!
//! - [`scenario`]: a strict TOML description of one experiment, and the built-in scenarios;
//! - [`graph`]: where people live (generators, loaders, the CSR graph);
//! - [`model`]: what people do (thresholds, decision rules, initial followers) and the movement
//!   mechanisms (leaders, embrace, momentum, leaving, trust);
//! - [`simulation`]: one run, tick by tick, event-driven;
//! - [`design`]: the `[sweep]` section: which points a sweep runs (grid, random, Latin hypercube,
//!   Sobol);
//! - [`experiment`]: the entry point: many runs in parallel with reproducible random streams,
//!   ensembles that stream their runs' records to sinks block by block, and sweeps that hand
//!   typed rows to sinks, shard by shard (scenario, graph, model and simulation come together
//!   here);
//! - [`fit`]: the `[fit]` section: calibration of a scenario to an observed adoption curve by
//!   ABC-SMC, on experiments (posterior, summaries, forecasts);
//! - [`analysis`]: what the runs mean (intervals, probabilities, Sobol sensitivity indices, and
//!   the compact aggregates an ensemble keeps instead of its runs);
//! - [`seeding`]: whom to recruit first (IMM, CELF and heuristics), on experiments;
//! - [`output`]: the files people read (CSV, JSON, the story of a run, the resolved scenario,
//!   seed sets), the streamed files of an ensemble (`summary.csv`, `timeseries.csv`) and the
//!   sinks of a sweep's rows (`runs.csv`, `points.csv`, Parquet, sensitivity
//!   indices, a `Vec`) in a directory that resumes and merges, from what the stages above
//!   produced.
//!
//! Beside the chain, used by all: [`random`] (the reproducible random streams every part draws
//! from), [`error`] (errors that say what is wrong, where, and how to fix it), [`limits`] (the
//! largest inputs the engine accepts), [`fmt`] (numbers as people read them) and [`atomic`]
//! (files that appear complete or not at all).

#![warn(missing_docs)]

pub mod analysis;
pub mod atomic;
pub mod design;
pub mod error;
pub mod experiment;
pub mod fit;
pub mod fmt;
pub mod graph;
pub mod limits;
pub mod model;
pub mod output;
mod prefetch;
pub mod random;
pub mod scenario;
pub mod seeding;
pub mod simulation;
