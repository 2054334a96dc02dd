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
    /// the network and reading per-person values (what simulation benchmarks compare). Since
    /// runs stream, it includes handing each block to the sinks (writing summary.csv and
    /// timeseries.csv rows as they come), about a tenth of it on the hillside while the whole
    /// process got a little faster than collecting the runs first (docs/benchmarks.md).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::ensemble::EnsembleSummary;
    use crate::analysis::summary::quantile;
    use crate::analysis::ticks::ValueCounts;

    /// A small crowd in two blocks, with trust and a scripted violation: every aggregate has
    /// something to hold.
    fn experiment(replicates: u64, extra: &str) -> Experiment {
        Experiment::from_toml(&format!(
            r#"
name = "small-blocks"
seed = 3
replicates = {replicates}
max_ticks = 60
{extra}
[network]
kind = "stochastic-block"
blocks = [20, 20]
p_in = 0.3
p_out = 0.05
[people]
threshold = {{ distribution = "normal", mean = 2.0, sd = 0.6, low = 1.0, high = 10.0 }}
[dynamics]
social_proof = "count"
spontaneous = 0.01
[leaders]
weight = 1.5
persistence = 30
[leaving]
hysteresis = 0.5
[trust]
floor = 0.3
[[events]]
tick = 20
kind = "character-violation"
"#
        ))
        .unwrap()
    }

    fn run(e: &Experiment, threads: usize, block: usize) -> (Ensemble, Vec<RunRecord>) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let options = EnsembleOptions {
            changes_for: Some(0),
            block,
            ..EnsembleOptions::default()
        };
        let mut runs = Vec::new();
        let ensemble = pool.install(|| e.ensemble_into(&options, &mut runs).unwrap());
        (ensemble, runs)
    }

    /// The values at `tick` over the runs, computed from the records as a whole: the last
    /// recorded at or before the tick.
    fn column(
        runs: &[RunRecord],
        tick: u32,
        value: impl Fn(&RunRecord, usize) -> Option<f64>,
    ) -> Vec<f64> {
        let mut v: Vec<f64> = runs
            .iter()
            .filter(|r| !r.timeseries.is_empty())
            .filter_map(|r| {
                let i = r
                    .timeseries
                    .iter()
                    .rposition(|t| t.tick <= tick)
                    .unwrap_or(0);
                value(r, i)
            })
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }

    fn same_quantiles(counts: &ValueCounts, sorted: &[f64], what: &str) {
        assert_eq!(counts.len(), sorted.len() as u64, "{what}");
        for q in [0.1, 0.5, 0.9] {
            assert_eq!(
                counts.quantile(q).to_bits(),
                quantile(sorted, q).to_bits(),
                "{what}, q = {q}"
            );
        }
    }

    #[test]
    fn streamed_aggregates_equal_those_of_every_record_for_any_threads_and_blocks() {
        for extra in ["", "regenerate_network = true"] {
            let e = experiment(40, extra);
            let (reference, runs) = run(&e, 1, 40);
            let outcomes: Vec<_> = runs.iter().map(|r| r.outcome).collect();
            let whole = serde_json::to_string(&EnsembleSummary::new(&outcomes)).unwrap();
            let people = reference.graph.node_count();
            for (threads, block) in [(1, 1), (2, 3), (3, 7), (2, 256)] {
                let (ensemble, again) = run(&e, threads, block);
                let kept = &ensemble.aggregates;
                assert_eq!(again.len(), 40);
                for (a, b) in again.iter().zip(&runs) {
                    assert_eq!((a.outcome, &a.timeseries), (b.outcome, &b.timeseries));
                }
                let streamed = serde_json::to_string(&kept.outcomes.summary()).unwrap();
                assert_eq!(
                    streamed, whole,
                    "{extra} {threads} threads, blocks of {block}"
                );
                assert_eq!(kept.outcomes.final_fractions().len(), 40);
                same_run(ensemble.recorded_run().unwrap().1, &runs[0]);
                // Shares by block: the mean adds them in replicate order.
                let blocks = ensemble.graph.blocks().unwrap();
                let shares: Vec<Vec<f64>> =
                    runs.iter().map(|r| r.final_block_shares(blocks)).collect();
                assert_eq!(kept.blocks.len(), 2);
                for b in 0..2 {
                    let mut values: Vec<f64> = shares.iter().map(|s| s[b]).collect();
                    let mean = values.iter().sum::<f64>() / values.len() as f64;
                    assert_eq!(kept.blocks.mean(b).to_bits(), mean.to_bits());
                    values.sort_by(f64::total_cmp);
                    same_quantiles(kept.blocks.shares(b).unwrap(), &values, "block share");
                }
                // Every tick's values over the runs, a finished run keeping its last.
                let series = &kept.series;
                assert_eq!(series.runs(), 40);
                let last = runs.iter().map(|r| r.timeseries.last().unwrap().tick).max();
                assert_eq!(series.following.last_tick(), last);
                let ticks: Vec<u32> = (0..=last.unwrap() + 2).collect();
                let crowd = |r: &RunRecord| people.saturating_sub(r.leaders.len()).max(1) as f64;
                series.following.at_ticks(&ticks, |tick, counts| {
                    let all = column(&runs, tick, |r, i| {
                        Some(f64::from(r.timeseries[i].following) / crowd(r))
                    });
                    same_quantiles(counts, &all, "following");
                });
                series.trust_followers.at_ticks(&ticks, |tick, counts| {
                    let all = column(&runs, tick, |r, i| r.timeseries[i].mean_trust_followers);
                    same_quantiles(counts, &all, "followers' trust");
                });
                series.trust_crowd.at_ticks(&ticks, |tick, counts| {
                    let all = column(&runs, tick, |r, i| Some(r.timeseries[i].mean_trust));
                    same_quantiles(counts, &all, "crowd's trust");
                });
            }
        }
    }

    fn same_run(a: &RunRecord, b: &RunRecord) {
        assert_eq!(a.outcome, b.outcome);
        assert_eq!(a.timeseries, b.timeseries);
        assert_eq!(a.changes, b.changes);
    }

    #[test]
    fn what_is_kept_per_replicate_is_a_final_fraction_and_the_rest_is_bounded() {
        // Without trust (whose means are real numbers, kept per run and tick), on 40 people
        // and at most 61 ticks: ten times the replicates may not need ten times the entries.
        let small = Experiment::from_toml(&no_trust(&experiment(100, ""))).unwrap();
        let large = Experiment::from_toml(&no_trust(&experiment(2_000, ""))).unwrap();
        let (small, _) = run(&small, 2, 64);
        let (large, _) = {
            let mut nothing = ();
            let ensemble = large
                .ensemble_into(&EnsembleOptions::default(), &mut nothing)
                .unwrap();
            (ensemble, ())
        };
        let (ticks, people) = (61, 40);
        for kept in [&small.aggregates, &large.aggregates] {
            // One 8-byte final fraction a run ...
            assert_eq!(
                kept.outcomes.final_fractions().len(),
                kept.outcomes.len(),
                "one final fraction a run"
            );
            // ... and counted ticks: at most one entry per tick and column.
            assert!(kept.outcomes.counted_values() <= 7 * ticks + 1);
            // Curves: at most two entries per tick and share of the crowd (41 shares).
            assert!(kept.series.following.entries() <= 2 * ticks * (people + 1));
            assert_eq!(
                kept.series.trust_crowd.entries(),
                0,
                "no trust, no trust curves"
            );
            // Block shares: one entry per share a block's people can take.
            for b in 0..kept.blocks.len() {
                assert!(kept.blocks.shares(b).unwrap().distinct() <= people + 1);
            }
        }
        assert_eq!(large.replicates(), 2_000);
        // Runs that cascade take the same paths again: twenty times the runs, far fewer than
        // twenty times the entries.
        let (s, l) = (
            small.aggregates.series.entries(),
            large.aggregates.series.entries(),
        );
        assert!(l < 20 * s / 2, "{s} entries for 100 runs, {l} for 2,000");
    }

    /// The scenario of `e` without its trust section and events.
    fn no_trust(e: &Experiment) -> String {
        let mut s = e.scenario().clone();
        s.trust = None;
        s.events.clear();
        s.to_toml()
    }

    #[test]
    fn an_ensemble_that_fails_leaves_no_file_that_looks_complete() {
        struct FailAt(u64);
        impl RunSink for FailAt {
            fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error> {
                if block.first >= self.0 {
                    return Err(Error::io("test", std::io::Error::other("interrupted")));
                }
                Ok(())
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let e = experiment(20, "");
        let mut sinks = crate::output::run_sinks(dir.path(), e.scenario()).unwrap();
        sinks.push(Box::new(FailAt(10)));
        let options = EnsembleOptions {
            block: 5,
            ..EnsembleOptions::default()
        };
        assert!(e.ensemble_into(&options, &mut sinks).is_err());
        drop(sinks);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        // Uninterrupted, both files are there, with a row per replicate.
        let mut sinks = crate::output::run_sinks(dir.path(), e.scenario()).unwrap();
        e.ensemble_into(&options, &mut sinks).unwrap();
        let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
        assert_eq!(summary.lines().count(), 21);
        assert!(
            summary
                .lines()
                .next()
                .unwrap()
                .ends_with("final_fraction_block_1")
        );
        let timeseries = std::fs::read_to_string(dir.path().join("timeseries.csv")).unwrap();
        assert!(timeseries.lines().nth(1).unwrap().starts_with("0,0,"));
        assert!(timeseries.lines().last().unwrap().starts_with("19,"));
    }
}
