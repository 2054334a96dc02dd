//! Every replicate of one scenario, streamed: runs go in blocks, and each block's records reach
//! the sinks in replicate order, as a sweep's rows do ([`super::sweep`]).
//!
//! [`Experiment::ensemble`] runs the replicates `block` at a time on the caller's rayon pool.
//! Each finished block goes, in replicate order, to the ensemble's own aggregates
//! ([`RunAggregates`]: the compact columns, curves and shares the summaries and pictures read)
//! and to the caller's [`RunSink`] (the files `summary.csv` and `timeseries.csv`, a `Vec` in
//! memory, ...); then it is dropped. Only the recorded replicate's whole record is kept (for its
//! replay and story). Memory thus holds one block of records, the aggregates (8 bytes a run and
//! what is bounded by ticks and people: see [`RunAggregates`]) and that one record, however
//! many replicates run; and since a replicate's result depends only on its streams, the sinks
//! receive the same records in the same order whatever the thread count and block size.

use std::time::Instant;

use rayon::prelude::*;

use super::Experiment;
use crate::analysis::ensemble::RunAggregates;
use crate::error::Error;
use crate::graph::Graph;
use crate::simulation::{Recording, RunRecord, sample_stride};

/// Replicates per block unless [`EnsembleOptions::block`] says otherwise: enough to keep many
/// threads busy, few enough that a block of long time series stays small.
pub const DEFAULT_BLOCK: usize = 256;

/// What an ensemble produced besides what its sinks took: the shared network, the recorded
/// replicate's whole record, and the aggregates of every run.
pub struct Ensemble {
    /// The shared network (the first replicate's when each replicate draws its own).
    pub graph: Graph,
    /// Seconds of wall time the runs took (network building included).
    pub wall_seconds: f64,
    /// Seconds of wall time of the runs alone: what is left of `wall_seconds` without building
    /// the network and reading per-person values (what simulation benchmarks compare).
    pub simulation_seconds: f64,
    /// Things the user should hear about the input (edges dropped from a network file, say).
    pub notes: Vec<String>,
    /// The replicate whose changes and leader events were recorded
    /// ([`EnsembleOptions::changes_for`]), when it was one of the replicates run.
    pub recorded: Option<u64>,
    /// The recorded replicate's record: outcome, time series, every change and leader event.
    pub recorded_record: Option<RunRecord>,
    /// The network of the recorded replicate when it is not [`Ensemble::graph`] (each replicate
    /// draws its own network and the recorded one is not replicate 0).
    pub recorded_graph: Option<Graph>,
    /// What the summaries, tables and pictures need of every run, in compact form.
    pub aggregates: RunAggregates,
}

impl Ensemble {
    /// The recorded replicate: its index, its record and the network it ran on.
    pub fn recorded_run(&self) -> Option<(u64, &RunRecord, &Graph)> {
        Some((
            self.recorded?,
            self.recorded_record.as_ref()?,
            self.recorded_graph.as_ref().unwrap_or(&self.graph),
        ))
    }

    /// How many replicates ran.
    pub fn replicates(&self) -> usize {
        self.aggregates.outcomes.len()
    }
}

/// Settings of how an ensemble is run (they never change its results).
pub struct EnsembleOptions<'a> {
    /// The one replicate whose every join, leave and leader event is recorded (for stories and
    /// replays), with its time series even when the scenario records none; `None` records
    /// changes for no replicate. Recording one replicate keeps memory independent of the
    /// number of replicates.
    pub changes_for: Option<u64>,
    /// Called once per finished replicate, from any thread.
    pub on_replicate_done: Option<&'a (dyn Fn() + Sync)>,
    /// The recorded replicate also keeps the trust of at most this many people whenever it
    /// changed, every [`sample_stride`]-th person (see [`Recording::trust_stride`]): what a
    /// replay needs.
    pub trust_sample: Option<usize>,
    /// Replicates per block (at least 1): the sinks receive a block's records at once, and
    /// memory holds one block of records at a time.
    pub block: usize,
}

impl Default for EnsembleOptions<'_> {
    fn default() -> Self {
        EnsembleOptions {
            changes_for: None,
            on_replicate_done: None,
            trust_sample: None,
            block: DEFAULT_BLOCK,
        }
    }
}

/// One finished block of an ensemble: consecutive replicates from `first`, in order.
pub struct RunBlock<'a> {
    /// The first replicate of the block.
    pub first: u64,
    /// Their records: the outcome, and the time series when the scenario records one.
    pub runs: &'a [RunRecord],
    /// The ensemble's shared network (replicate 0's when each replicate draws its own): files
    /// count people and blocks on it.
    pub graph: &'a Graph,
}

impl RunBlock<'_> {
    /// The block's records with their replicate numbers.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &RunRecord)> {
        (self.first..).zip(self.runs)
    }
}

/// Where an ensemble's records go: a file, an aggregate, memory.
///
/// An ensemble calls [`RunSink::start`] once with its shared network, [`RunSink::accept`] once
/// per finished block (blocks in replicate order), and [`RunSink::finish`] once after the last
/// block, only when every run succeeded: a file sink completes its file there, so an
/// interrupted ensemble leaves no file that looks complete.
pub trait RunSink {
    /// Called before the first block with the shared network (to write a header, say).
    fn start(&mut self, _graph: &Graph) -> Result<(), Error> {
        Ok(())
    }

    /// Takes the records of one block.
    fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error>;

    /// Called once after the last block.
    fn finish(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// Every record, kept in replicate order: for tests and small ensembles (memory grows with the
/// number of replicates and the length of their time series).
impl RunSink for Vec<RunRecord> {
    fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error> {
        self.extend_from_slice(block.runs);
        Ok(())
    }
}

/// Several sinks fed the same blocks, in order.
impl RunSink for Vec<Box<dyn RunSink>> {
    fn start(&mut self, graph: &Graph) -> Result<(), Error> {
        self.iter_mut().try_for_each(|s| s.start(graph))
    }

    fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error> {
        self.iter_mut().try_for_each(|s| s.accept(block))
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.iter_mut().try_for_each(|s| s.finish())
    }
}

/// No sink: the ensemble keeps only its aggregates.
impl RunSink for () {
    fn accept(&mut self, _block: &RunBlock<'_>) -> Result<(), Error> {
        Ok(())
    }
}

/// Runs every replicate of `experiment` in blocks, handing each block to `sink`.
pub(super) fn run_ensemble(
    experiment: &Experiment,
    options: &EnsembleOptions<'_>,
    sink: &mut dyn RunSink,
) -> Result<Ensemble, Error> {
    let started = Instant::now();
    let s = experiment.scenario();
    let mut notes = Vec::new();
    let graph = experiment.network_noting(0, &mut notes)?;
    let runner = experiment.runner(&graph)?;
    let simulation_started = Instant::now();
    let recording = |r: u64| {
        let recorded = options.changes_for == Some(r);
        Recording {
            trust_stride: options
                .trust_sample
                .filter(|_| recorded)
                .map(|max| sample_stride(graph.node_count(), max)),
            ..runner.setup.recording(recorded)
        }
    };
    let done = || {
        if let Some(done) = options.on_replicate_done {
            done();
        }
    };
    let regenerates = experiment.regenerates_network();
    let mut aggregates = RunAggregates::new(&graph, s.trust.is_some());
    let mut recorded_record = None;
    let mut recorded_graph = None;
    sink.start(&graph)?;
    let size = options.block.max(1) as u64;
    let mut first = 0;
    while first < s.replicates {
        let end = first.saturating_add(size).min(s.replicates);
        let results = (first..end)
            .into_par_iter()
            .map(|r| {
                let result = if r == 0 || !regenerates {
                    (runner.run(r, recording(r)), None)
                } else {
                    let own = experiment.network(r)?;
                    let record = experiment.runner(&own)?.run(r, recording(r));
                    // The recorded replicate's network is kept for its story.
                    (record, (options.changes_for == Some(r)).then_some(own))
                };
                done();
                Ok(result)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut runs = Vec::with_capacity(results.len());
        for (record, own) in results {
            if own.is_some() {
                recorded_graph = own;
            }
            runs.push(record);
        }
        let block = RunBlock {
            first,
            runs: &runs,
            graph: &graph,
        };
        aggregates.accept(&block)?;
        sink.accept(&block)?;
        if let Some(r) = options.changes_for.filter(|r| (first..end).contains(r)) {
            recorded_record = Some(runs.swap_remove((r - first) as usize));
        }
        first = end;
    }
    sink.finish()?;
    drop(runner);
    Ok(Ensemble {
        graph,
        wall_seconds: started.elapsed().as_secs_f64(),
        simulation_seconds: simulation_started.elapsed().as_secs_f64(),
        notes,
        recorded: options.changes_for.filter(|&r| r < s.replicates),
        recorded_record,
        recorded_graph,
        aggregates,
    })
}
