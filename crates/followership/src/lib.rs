//! # followership
//!
//! The engine behind the `followership` tool: it simulates how movements start on a network of
//! people, from a lone leader and a first follower to a crowd that tips, and it reproduces the
//! classic contagion models (Granovetter thresholds, Watts cascades, linear threshold, independent
//! cascade, complex contagion, Bass diffusion) as exact special cases.
//!
//! Data flows one way through the modules:
//!
//! - [`scenario`]: a strict TOML description of one experiment, and the built-in scenarios;
//! - [`graph`]: where people live (generators, loaders, the CSR graph);
//! - [`model`]: what people do (thresholds, decision rules, initial followers) and the movement
//!   mechanisms (leaders, embrace, momentum, leaving, trust);
//! - [`simulation`]: one run, tick by tick, event-driven;
//! - [`design`]: the `[sweep]` section: which points a sweep runs (grid, random, Latin hypercube,
//!   Sobol);
//! - [`experiment`]: many runs in parallel with reproducible random streams, sweeps that resume
//!   and shard;
//! - [`output`]: the files people read (CSV, JSON, the story of a run, the resolved scenario,
//!   sweep aggregates, sensitivity indices), written atomically;
//! - [`analysis`]: what the runs mean (intervals, probabilities, Sobol sensitivity indices);
//! - [`seeding`]: whom to recruit first (IMM, CELF and heuristics for choosing seed sets);
//! - [`random`]: the reproducible random streams every part draws from;
//! - [`error`]: errors that say what is wrong, where, and how to fix it;
//! - [`limits`]: the largest numbers the engine accepts.

#![warn(missing_docs)]

pub mod analysis;
pub mod atomic;
pub mod design;
pub mod error;
pub mod experiment;
pub mod fmt;
pub mod graph;
pub mod limits;
pub mod model;
pub mod output;
pub mod random;
pub mod scenario;
pub mod seeding;
pub mod simulation;
