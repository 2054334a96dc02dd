//! Parameter sweeps: one experiment at many points, many replicates each, streamed as typed
//! rows into sinks.
//!
//! A [`Sweep`] is a base [`Experiment`], the swept parameters and their points. Every run is
//! named by (point, replicate) and numbered `point * replicates + replicate`; its random streams
//! come from (seed, point, replicate), so its result never depends on the thread count, the order
//! runs finish in, or the shard that ran it. A shard `I/N` runs the run numbers congruent to `I`
//! modulo `N`.
//!
//! [`sweep`] runs a shard's runs in blocks on the caller's rayon pool and hands each finished
//! block's [`Row`]s, in run-number order, to an [`OutcomeSink`]: a file (`runs.csv`, Parquet),
//! an aggregate (`points.csv`, sensitivity indices) or a `Vec` in memory. Nothing is written as
//! text to be parsed again: a point's values reach the scenario through [`Experiment::set_all`]
//! as typed [`Value`]s, and its outcomes reach the sinks as [`RunOutcome`]s. Memory holds one
//! block at a time, whatever the number of runs; the directory that makes a sweep resumable and
//! mergeable is [`crate::output::sweep_dir`].

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Experiment, Point, Value};
use crate::design::ParameterSpec;
use crate::error::{Error, InputError};
use crate::random::splitmix64;
use crate::scenario::Override;
use crate::simulation::RunOutcome;

/// A sweep: a base experiment and the points of parameter values to run it at.
#[derive(Debug, Clone)]
pub struct Sweep {
    base: Experiment,
    /// Where the parameters are listed, for messages: `sweep.parameters` or
    /// `sensitivity.parameters` in the scenario, `parameters` when given in code.
    section: &'static str,
    parameters: Vec<ParameterSpec>,
    points: Vec<Vec<f64>>,
    replicates: u64,
}

/// The swept parameters' values at one point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointValues {
    /// Typed, as set into the scenario, one per parameter.
    pub values: Vec<Value>,
    /// As tables show them (`runs.csv`, `points.csv`): the number, or the choice as written.
    pub labels: Vec<String>,
}

/// One finished run of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The point.
    pub point: Point,
    /// The replicate within the point.
    pub replicate: u64,
    /// The swept parameters' values at the point (shared by the point's rows).
    pub values: Arc<PointValues>,
    /// What the run produced.
    pub outcome: RunOutcome,
}

/// Where a sweep's rows go: a file, an aggregate, memory.
///
/// A sweep calls [`OutcomeSink::accept`] once per finished block, with the block's rows in
/// run-number order, and [`OutcomeSink::finish`] once after the last block.
pub trait OutcomeSink {
    /// Takes the rows of one block.
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error>;

    /// Called once after the last row: write what is left, compute what needs every row.
    fn finish(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// Several sinks fed the same rows, in order.
pub struct Fanout<'a>(pub Vec<&'a mut dyn OutcomeSink>);

impl OutcomeSink for Fanout<'_> {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        self.0.iter_mut().try_for_each(|s| s.accept(rows))
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.0.iter_mut().try_for_each(|s| s.finish())
    }
}

/// Which share of the runs a process takes: `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// The whole sweep in one process.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` with 1 <= I <= N (shards are numbered from 1 where people write them).
    /// The error's place is `shard I/N` as written: a front end names its own option instead
    /// (the CLI's `--shard`).
    pub fn parse(text: &str) -> Result<Shard, InputError> {
        let bad = || {
            InputError::new(
                format!("shard {text}"),
                "expected I/N, shard I of N shards with 1 <= I <= N, for example 2/4",
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (i, n): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || i == 0 || i > n {
            return Err(bad());
        }
        Ok(Shard {
            index: i - 1,
            count: n,
        })
    }

    /// Whether run number `run` belongs to this shard.
    pub fn owns(&self, run: u64) -> bool {
        run % self.count == self.index
    }

    /// How many of the runs `0..runs` belong to this shard.
    pub fn run_count(&self, runs: u64) -> u64 {
        if runs > self.index {
            (runs - self.index - 1) / self.count + 1
        } else {
            0
        }
    }

    /// The run number of this shard's `k`-th run.
    pub fn run(&self, k: u64) -> u64 {
        self.index + k * self.count
    }
}

/// How a sweep is run (none of it changes the results).
pub struct SweepOptions<'a> {
    /// The share of the runs to do here.
    pub shard: Shard,
    /// Runs per block: the sink receives a block's rows at once.
    pub block: usize,
    /// Runs of this shard already done (by an earlier process whose rows the sinks have been
    /// given): the sweep starts at the shard's run number `skip`.
    pub skip: u64,
    /// Called with the number of runs of this shard done so far, after each block.
    pub on_progress: Option<&'a dyn Fn(u64)>,
    /// Where the blocks are run: `None` in this process, on the caller's thread pool; a
    /// [`BlockRunner`] to hand them to other processes (an MPI job, say).
    pub runner: Option<&'a dyn BlockRunner>,
}

impl Default for SweepOptions<'_> {
    fn default() -> Self {
        SweepOptions {
            shard: Shard::WHOLE,
            block: 512,
            skip: 0,
            on_progress: None,
            runner: None,
        }
    }
}

/// Runs a sweep's blocks somewhere else than in this process: the seam distributed back ends
/// plug into. Whatever runs them, each block's rows must reach `deliver` in block order, so
/// the sinks receive exactly what a local sweep gives them.
pub trait BlockRunner {
    /// Runs every block `blocks` yields (run numbers, in order) and hands each block's rows to
    /// `deliver`, block after block in the order yielded.
    fn run_blocks(
        &self,
        sweep: &Sweep,
        blocks: &mut dyn Iterator<Item = Vec<u64>>,
        deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), Error>,
    ) -> Result<(), Error>;
}

/// What a sweep did.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// Runs of this shard.
    pub runs: u64,
    /// Runs that were already done when the sweep (re)started.
    pub resumed_from: u64,
    /// Wall time of this call, in seconds.
    pub wall_seconds: f64,
}

impl Sweep {
    /// A sweep of `base` over `points` of `parameters` (one value per parameter each, as
    /// [`crate::design::SweepSpec::points`] gives them). Checks every point's scenario: an
    /// unknown key path or an out-of-range value is an input error naming the point.
    pub fn new(
        base: Experiment,
        parameters: Vec<ParameterSpec>,
        points: Vec<Vec<f64>>,
        replicates: u64,
    ) -> Result<Sweep, Error> {
        Sweep::listed_in(base, "parameters", parameters, points, replicates)
    }

    /// [`Sweep::new`] for parameters listed at the key path `section` of the scenario (such as
    /// `sweep.parameters`), which messages about a bad point name with its line.
    pub(crate) fn listed_in(
        base: Experiment,
        section: &'static str,
        parameters: Vec<ParameterSpec>,
        points: Vec<Vec<f64>>,
        replicates: u64,
    ) -> Result<Sweep, Error> {
        if replicates == 0 {
            return Err(
                InputError::new("replicates", "give at least 1 replicate per point").into(),
            );
        }
        // A sweep streams its outcomes, but run numbers (point x replicates) must fit.
        if replicates > crate::limits::MAX_REPLICATES {
            return Err(InputError::new(
                "replicates",
                format!(
                    "{} replicates per point is above the limit of {}; give fewer",
                    crate::limits::grouped(replicates),
                    crate::limits::grouped(crate::limits::MAX_REPLICATES)
                ),
            )
            .into());
        }
        if (points.len() as u64).checked_mul(replicates).is_none() {
            return Err(InputError::new(
                "replicates",
                format!(
                    "{} points x {replicates} replicates is more runs than can be numbered \
                     (2^64); give fewer replicates",
                    points.len()
                ),
            )
            .into());
        }
        if let Some(p) = points.iter().position(|p| p.len() != parameters.len()) {
            return Err(InputError::new(
                format!("points[{p}]"),
                format!(
                    "{} values for {} parameters; give one value per parameter",
                    points[p].len(),
                    parameters.len()
                ),
            )
            .into());
        }
        let sweep = Sweep {
            base,
            section,
            parameters,
            points,
            replicates,
        };
        // Checked in parallel, but the error reported is always the first point's.
        let bad = (0..sweep.points.len() as Point)
            .into_par_iter()
            .map(|p| sweep.experiment_at(p).err())
            .find_first(Option::is_some)
            .flatten();
        match bad {
            Some(e) => Err(e),
            None => Ok(sweep),
        }
    }

    /// The sweep of the experiment's own `[sweep]` section, with `replicates` per point.
    pub fn from_section(base: Experiment, replicates: u64) -> Result<Sweep, Error> {
        let Some(spec) = base.scenario().sweep.clone() else {
            return Err(InputError::new(
                "sweep",
                "the scenario has no [sweep] section; add one naming the parameters to vary",
            )
            .into());
        };
        let points = spec.points(base.scenario().seed);
        Sweep::listed_in(
            base,
            "sweep.parameters",
            spec.parameters,
            points,
            replicates,
        )
    }

    /// The experiment the points change.
    pub fn base(&self) -> &Experiment {
        &self.base
    }

    /// The swept parameters.
    pub fn parameters(&self) -> &[ParameterSpec] {
        &self.parameters
    }

    /// Key paths of the swept parameters.
    pub fn keys(&self) -> Vec<String> {
        self.parameters.iter().map(|p| p.key.clone()).collect()
    }

    /// The points: one number per parameter (for `choices`, the index of the choice).
    pub fn points(&self) -> &[Vec<f64>] {
        &self.points
    }

    /// Replicates per point.
    pub fn replicates(&self) -> u64 {
        self.replicates
    }

    /// Number of runs: points times replicates.
    pub fn run_count(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// The swept values at `point`, typed and as tables show them.
    pub fn values(&self, point: Point) -> PointValues {
        let coordinates = &self.points[point as usize];
        PointValues {
            values: self
                .parameters
                .iter()
                .zip(coordinates)
                .map(|(p, &x)| typed_value(p, x))
                .collect(),
            labels: self
                .parameters
                .iter()
                .zip(coordinates)
                .map(|(p, &x)| p.value_text(x))
                .collect(),
        }
    }

    /// The experiment at `point`: the base with the point's values set, drawing from the
    /// point's random streams.
    pub fn experiment_at(&self, point: Point) -> Result<Experiment, Error> {
        let values = self.values(point).values;
        // A bad value is the sweep entry's doing: messages point at it, not at the base value.
        let overrides = self
            .parameters
            .iter()
            .zip(values)
            .enumerate()
            .map(
                |(i, (p, v))| Ok(Override::new(&p.key, v.to_toml())?.given_as(self.entry_place(i))),
            )
            .collect::<Result<Vec<_>, InputError>>()?;
        match self.base.clone().with_overrides(&overrides) {
            Ok(e) => Ok(e.at_point(point)),
            Err(Error::Input(e)) => Err(InputError::new(
                e.place,
                format!(
                    "{} (at sweep point {point}: {})",
                    e.message,
                    self.describe(point as usize)
                ),
            )
            .into()),
            Err(e) => Err(e),
        }
    }

    /// Where parameter `i` is given: its entry in the scenario's `[sweep]` or `[sensitivity]`
    /// section (`file:line:column`), or, for parameters given in code, its key.
    fn entry_place(&self, i: usize) -> String {
        if self.section.contains('.') {
            self.base
                .loaded()
                .place_of(&format!("{}[{i}]", self.section))
        } else {
            format!("{}[{i}] (`{}`)", self.section, self.parameters[i].key)
        }
    }

    /// `key = value, ...` for messages and tables.
    pub fn describe(&self, point: usize) -> String {
        self.parameters
            .iter()
            .zip(self.values(point as Point).labels)
            .map(|(p, label)| format!("{} = {label}", p.key))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A fingerprint of everything that determines the runs: the base scenario, the swept
    /// keys, the points and the replicates, and the network and per-person values given to the
    /// base experiment, if any. What only the analysis of finished runs reads (the
    /// `[sensitivity]` section's outcomes and bootstrap, say) is left out, so changing it never
    /// makes a finished sweep a different one; the design it generates is in the points.
    pub fn fingerprint(&self) -> String {
        let mut h = splitmix64(0x5EED);
        let mut eat = |bytes: &[u8]| {
            for chunk in bytes.chunks(8) {
                let mut b = [0u8; 8];
                b[..chunk.len()].copy_from_slice(chunk);
                h = splitmix64(h ^ u64::from_le_bytes(b));
            }
            h = splitmix64(h ^ bytes.len() as u64);
        };
        let mut scenario = self.base.scenario().clone();
        scenario.sensitivity = None;
        eat(scenario.to_toml().as_bytes());
        for p in &self.parameters {
            eat(p.key.as_bytes());
        }
        for p in &self.points {
            for v in p {
                eat(&v.to_le_bytes());
            }
        }
        eat(&self.replicates.to_le_bytes());
        // What a caller gave besides the scenario (a network, per-person values: the Python
        // package's `with_network`, say) determines the runs too. A scenario file never holds
        // them, so the fingerprints of the command line's sweeps are the same as without this.
        let base = &self.base;
        let given =
            base.network.is_some() || base.thresholds.is_some() || base.initial_trust.is_some();
        if given {
            let mut words = |tag: u64, values: &mut dyn Iterator<Item = u64>| {
                h = splitmix64(h ^ tag);
                let mut count = 0u64;
                for v in values {
                    h = splitmix64(h ^ v);
                    count += 1;
                }
                h = splitmix64(h ^ count);
            };
            if let Some(g) = &base.network {
                let adj = g.out_adjacency();
                words(
                    1,
                    &mut [g.node_count() as u64, u64::from(g.is_directed())].into_iter(),
                );
                words(2, &mut adj.offsets().iter().copied());
                words(3, &mut adj.targets().iter().map(|&t| u64::from(t)));
                if let Some(w) = adj.all_weights() {
                    words(4, &mut w.iter().map(|w| u64::from(w.to_bits())));
                }
                if let Some(l) = g.labels() {
                    words(5, &mut l.iter().copied());
                }
                if let Some(p) = g.positions() {
                    words(
                        6,
                        &mut p.iter().flat_map(|p| p.map(|c| u64::from(c.to_bits()))),
                    );
                }
                if let Some(b) = g.blocks() {
                    words(7, &mut b.iter().map(|&b| u64::from(b)));
                }
            }
            if let Some(t) = &base.thresholds {
                words(8, &mut t.iter().map(|x| x.to_bits()));
            }
            if let Some(t) = &base.initial_trust {
                words(9, &mut t.iter().map(|x| x.to_bits()));
            }
        }
        format!("{h:016x}")
    }

    /// The column names of a row: `point`, `replicate`, the swept keys, then
    /// [`RunOutcome::COLUMNS`].
    pub fn columns(&self) -> Vec<String> {
        let mut cols = vec!["point".to_string(), "replicate".to_string()];
        cols.extend(self.keys());
        cols.extend(RunOutcome::COLUMNS.iter().map(|c| c.to_string()));
        cols
    }
}

/// The typed value a parameter sets for the number `x`: the choice it indexes (read as
/// [`Value::parse`] reads it), a whole number when the value is whole, a float otherwise.
fn typed_value(p: &ParameterSpec, x: f64) -> Value {
    match &p.choices {
        Some(c) => Value::parse(&c[(x as usize).min(c.len() - 1)]),
        None => {
            let v = if p.integer { x.round() } else { x };
            // Whole numbers are integers, so integer keys (nodes, persistence) accept them;
            // float keys accept integers too.
            if v.fract() == 0.0 && v.abs() < 9.2e18 {
                Value::Integer(v as i64)
            } else {
                Value::Float(v)
            }
        }
    }
}

/// Runs this shard of `sweep` (from its `skip`-th run) in blocks on the caller's rayon pool,
/// handing each block's rows to `sink`, then finishes the sink.
pub fn sweep(
    sweep: &Sweep,
    options: &SweepOptions<'_>,
    sink: &mut dyn OutcomeSink,
) -> Result<SweepReport, Error> {
    let started = Instant::now();
    let shard = options.shard;
    let total = shard.run_count(sweep.run_count());
    if options.skip > total {
        return Err(InputError::new(
            "skip",
            format!(
                "{} runs are said to be done, but the shard has {total}",
                options.skip
            ),
        )
        .into());
    }
    if let Some(progress) = options.on_progress {
        progress(options.skip);
    }
    let block = options.block.max(1) as u64;
    let mut done = options.skip;
    let mut deliver = |rows: Vec<Row>| -> Result<(), Error> {
        sink.accept(&rows)?;
        done += rows.len() as u64;
        if let Some(progress) = options.on_progress {
            progress(done);
        }
        Ok(())
    };
    let mut blocks = (options.skip..total).step_by(block as usize).map(|start| {
        (start..(start + block).min(total))
            .map(|k| shard.run(k))
            .collect::<Vec<u64>>()
    });
    match options.runner {
        None => {
            for runs in blocks {
                deliver(sweep.rows(&runs)?)?;
            }
        }
        Some(runner) => runner.run_blocks(sweep, &mut blocks, &mut deliver)?,
    }
    if done != total {
        return Err(Error::io(
            "sweep",
            std::io::Error::other(format!(
                "the block runner delivered {} of {total} runs",
                done.min(total)
            )),
        ));
    }
    sink.finish()?;
    Ok(SweepReport {
        runs: total,
        resumed_from: options.skip,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

impl Sweep {
    /// Runs the runs numbered `runs` (ascending; consecutive runs of a point share its network,
    /// built once) in parallel on the caller's pool and returns their rows in the same order:
    /// a block of a sweep, for callers that deal runs out themselves (a cluster's tasks).
    pub fn rows(&self, runs: &[u64]) -> Result<Vec<Row>, Error> {
        run_block(self, runs)
    }
}

/// Runs one block of run numbers (grouped by point, so each point's network is built once) and
/// returns their rows in run-number order.
fn run_block(sweep: &Sweep, block: &[u64]) -> Result<Vec<Row>, Error> {
    if let Some(&bad) = block.iter().find(|&&r| r >= sweep.run_count()) {
        return Err(InputError::new(
            "runs",
            format!(
                "run {bad} is not one of the sweep's {} runs",
                sweep.run_count()
            ),
        )
        .into());
    }
    let mut groups: Vec<(Point, Vec<u64>)> = Vec::new();
    for &run in block {
        let (point, replicate) = (run / sweep.replicates, run % sweep.replicates);
        match groups.last_mut() {
            Some((p, reps)) if *p == point => reps.push(replicate),
            _ => groups.push((point, vec![replicate])),
        }
    }
    let results: Vec<Vec<RunOutcome>> = groups
        .par_iter()
        .map(|(point, reps)| sweep.experiment_at(*point)?.outcomes(reps))
        .collect::<Result<_, Error>>()?;
    let mut rows = Vec::with_capacity(block.len());
    for ((point, reps), outcomes) in groups.into_iter().zip(results) {
        let values = Arc::new(sweep.values(point));
        for (replicate, outcome) in reps.into_iter().zip(outcomes) {
            rows.push(Row {
                point,
                replicate,
                values: Arc::clone(&values),
                outcome,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::ParameterSpec;

    fn base() -> Experiment {
        Experiment::from_toml(
            r#"
name = "small"
seed = 3
replicates = 2
[network]
kind = "erdos-renyi"
nodes = 200
mean_degree = 4.0
[people]
threshold = { distribution = "constant", value = 0.18 }
[initial]
placement = "random"
count = 2
"#,
        )
        .unwrap()
    }

    /// A sink that fails on its second block, as a process killed after one block.
    struct StopAfterOne<'a>(&'a mut Vec<Row>);

    impl OutcomeSink for StopAfterOne<'_> {
        fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
            if !self.0.is_empty() {
                return Err(Error::Interrupted);
            }
            self.0.accept(rows)
        }
    }

    fn small_sweep(replicates: u64) -> Sweep {
        let placement = ParameterSpec {
            key: "initial.placement".into(),
            choices: Some(vec!["random".into(), "\"degree\"".into()]),
            ..Default::default()
        };
        Sweep::new(
            base(),
            vec![
                ParameterSpec::list("network.mean_degree", vec![2.0, 5.5]),
                placement,
            ],
            vec![vec![2.0, 0.0], vec![5.5, 1.0], vec![2.0, 1.0]],
            replicates,
        )
        .unwrap()
    }

    #[test]
    fn points_are_set_as_typed_values_and_rows_come_in_run_order() {
        let s = small_sweep(3);
        let v = s.values(1);
        assert_eq!(v.values, vec![Value::Float(5.5), Value::from("degree")]);
        assert_eq!(v.labels, vec!["5.5", "\"degree\""]);
        assert_eq!(s.values(0).values[0], Value::Integer(2));
        let e = s.experiment_at(1).unwrap();
        assert_eq!(e.point(), 1);
        assert!(e.scenario().to_toml().contains("placement = \"degree\""));

        let mut rows: Vec<Row> = Vec::new();
        let options = SweepOptions {
            block: 4,
            ..Default::default()
        };
        let report = sweep(&s, &options, &mut rows).unwrap();
        assert_eq!(report.runs, 9);
        let names: Vec<(u64, u64)> = rows.iter().map(|r| (r.point, r.replicate)).collect();
        assert_eq!(
            names,
            (0..3)
                .flat_map(|p| (0..3).map(move |r| (p, r)))
                .collect::<Vec<_>>()
        );
        // Each row is the run the point's experiment makes alone, whatever the block size.
        for r in &rows {
            let alone = s
                .experiment_at(r.point)
                .unwrap()
                .outcomes(&[r.replicate])
                .unwrap();
            assert_eq!(alone[0], r.outcome);
        }
    }

    #[test]
    fn shards_and_skips_cover_every_run_once() {
        let s = small_sweep(4);
        let mut whole: Vec<Row> = Vec::new();
        sweep(&s, &SweepOptions::default(), &mut whole).unwrap();
        let mut dealt: Vec<Row> = Vec::new();
        for index in 0..3 {
            let shard = Shard { index, count: 3 };
            assert_eq!(shard.run_count(12), 4);
            // Half the shard, then the rest as a resumed process would.
            let mut first: Vec<Row> = Vec::new();
            let mut rest: Vec<Row> = Vec::new();
            let opts = |skip| SweepOptions {
                shard,
                block: 2,
                skip,
                ..Default::default()
            };
            assert!(sweep(&s, &opts(0), &mut StopAfterOne(&mut first)).is_err());
            let done = first.len() as u64;
            assert_eq!(done, 2);
            sweep(&s, &opts(done), &mut rest).unwrap();
            dealt.extend(first.into_iter().chain(rest));
        }
        dealt.sort_by_key(|r| r.point * 4 + r.replicate);
        assert_eq!(dealt, whole);
        assert_eq!(Shard { index: 2, count: 5 }.run_count(2), 0);
        assert_eq!(Shard { index: 1, count: 5 }.run_count(2), 1);
    }

    #[test]
    fn a_bad_point_names_the_point_and_the_fingerprint_ignores_the_analysis() {
        let e = Sweep::new(
            base(),
            vec![ParameterSpec::list("network.mean_degre", vec![2.0])],
            vec![vec![2.0]],
            1,
        )
        .unwrap_err();
        assert!(e.to_string().contains("sweep point 0"), "{e}");
        assert!(
            Sweep::new(base(), vec![], vec![vec![1.0]], 1).is_err(),
            "a point with a value too many is an error, not a panic"
        );
        assert!(Sweep::new(base(), vec![], vec![vec![]], 0).is_err());
        let a = small_sweep(2);
        let analysed = base()
            .set_all([
                ("sensitivity.base_samples", Value::from(4)),
                ("sensitivity.bootstrap", Value::from(7)),
                (
                    "sensitivity.parameters",
                    Value::List(vec![Value::Table(vec![
                        ("key".into(), "network.mean_degree".into()),
                        ("low".into(), 1.0.into()),
                        ("high".into(), 2.0.into()),
                    ])]),
                ),
            ])
            .unwrap();
        let b = Sweep::new(analysed, a.parameters().to_vec(), a.points().to_vec(), 2).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), small_sweep(3).fingerprint());
    }
}
