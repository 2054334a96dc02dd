//! Sweeps from Python: a plan (the base experiment, the design's points, the replicates; for a
//! sensitivity analysis, its Saltelli design and outcomes too) whose runs are computed in
//! blocks of run numbers, each block returned as the rows `runs.csv` has for it, or run into an
//! output directory by the engine.
//!
//! This is the one place that stands on the engine's sweep API (`experiment::sweep::Sweep`
//! for checking the points and running blocks of runs into typed rows, `output::runs` and
//! `output::points` for the text of `runs.csv` and `points.csv`, `output::sweep_dir` for the
//! directory, `output::sensitivity` for the indices). A sweep with a directory is the engine's
//! own: the same `sweep.json`, `runs.csv`, `points.csv` (and `sensitivity.csv`/`.json`) as
//! `followership sweep` or `sensitivity` write, so either resumes what the other started; its
//! blocks run here on a thread pool or, through a Python callable, on a Dask cluster. Run `r` is
//! replicate `r % replicates` of point `r / replicates`, with the random streams of (seed,
//! point, replicate), whoever runs it, so every way of running a sweep gives the same bytes.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use followership::design::SweepSpec;
use followership::error::{Error, InputError};
use followership::experiment::Experiment as Engine;
use followership::experiment::sweep::{BlockRunner, Row, Shard, Sweep};
use followership::output::sensitivity::Analysis;
use followership::output::sweep_dir::{self, DirOptions};
use followership::output::{points, runs};
use followership::scenario::Override;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{bad_input, scenario_error};
use crate::experiment::Experiment;
use crate::pool::{Blocks, in_blocks, pool};

/// A sweep ready to run: the experiment at every point of a design, with replicates; for a
/// sensitivity analysis, what to compute from the runs.
#[pyclass(module = "followership._native", frozen)]
pub struct SweepPlan {
    sweep: Sweep,
    analysis: Option<Analysis>,
}

impl SweepPlan {
    /// The rows of runs `runs` (consecutive run numbers), in run-number order, as `runs.csv`
    /// lines.
    fn rows_of(&self, runs: std::ops::Range<u64>) -> followership::error::Result<String> {
        let numbers: Vec<u64> = runs.collect();
        runs::rows_text(&self.sweep.rows(&numbers)?)
    }
}

#[pymethods]
impl SweepPlan {
    /// A sweep of `experiment` over the design `spec` (the JSON of a scenario's `[sweep]`
    /// section: `design`, `samples`, `parameters`), `replicates` runs per point. Every point's
    /// scenario is checked now: an unknown key or an out-of-range value is a `ScenarioError`
    /// naming the point.
    #[new]
    fn new(py: Python<'_>, experiment: &Experiment, spec: &str, replicates: u64) -> PyResult<Self> {
        let spec: SweepSpec = serde_json::from_str(spec)
            .map_err(|e| bad_input("sweep", format!("not a valid design: {e}")))?;
        spec.validate().map_err(|e| scenario_error(e.into()))?;
        let base = Engine::clone(&experiment.inner);
        let seed = base.scenario().seed;
        py.detach(|| {
            let points = spec.points(seed);
            let sweep =
                Sweep::new(base, spec.parameters, points, replicates).map_err(scenario_error)?;
            Ok(SweepPlan {
                sweep,
                analysis: None,
            })
        })
    }

    /// The sensitivity analysis of `experiment`: its `[sensitivity]` section replaced by `spec`
    /// (the JSON of one: `base_samples`, `bootstrap`, `outcomes`, `per_parameter`,
    /// `parameters`) when given, checked as strictly as a scenario file; `replicates` runs per
    /// point of its Saltelli design.
    #[staticmethod]
    #[pyo3(signature = (experiment, spec, replicates))]
    fn sensitivity(
        py: Python<'_>,
        experiment: &Experiment,
        spec: Option<&str>,
        replicates: u64,
    ) -> PyResult<Self> {
        let mut base = Engine::clone(&experiment.inner);
        if let Some(spec) = spec {
            let value: serde_json::Value = serde_json::from_str(spec)
                .map_err(|e| bad_input("sensitivity", format!("not a valid section: {e}")))?;
            let text = format!("sensitivity={}", inline_toml(&value, "sensitivity")?);
            let o = text
                .parse::<Override>()
                .map_err(|e| scenario_error(e.into()))?
                .given_as("sensitivity");
            base = base.with_overrides(&[o]).map_err(scenario_error)?;
        }
        py.detach(|| {
            let (sweep, analysis) = Analysis::of(base, replicates).map_err(scenario_error)?;
            Ok(SweepPlan {
                sweep,
                analysis: Some(analysis),
            })
        })
    }

    /// Whether the plan is a sensitivity analysis.
    #[getter]
    fn is_sensitivity(&self) -> bool {
        self.analysis.is_some()
    }

    /// The outcomes a sensitivity analysis measures (empty for a plain sweep).
    #[getter]
    fn outcomes(&self) -> Vec<String> {
        self.analysis
            .as_ref()
            .map(|a| a.outcomes.clone())
            .unwrap_or_default()
    }

    /// Runs the sweep into the directory `dir` by the engine (`followership sweep` and
    /// `sensitivity` write the same files: either resumes what the other started), `block` runs
    /// per block appended and synced to `runs.csv`; `resume` continues the sweep already there.
    /// Blocks run here on `threads` threads with the GIL released, or, when `remote` is given,
    /// wherever it runs them: `remote(ranges)` takes the list of `(start, stop)` run-number
    /// ranges still to do and returns an iterator of their `runs.csv` rows (text), in order.
    /// Between blocks: Ctrl-C (KeyboardInterrupt; what was written stays resumable) and
    /// `progress(done, total)`. Returns `resumed_from`, `runs`, `wall_seconds` and, for a
    /// sensitivity analysis, `indices` (rows of `sensitivity.csv`) and `moments` (`outcome,
    /// mean, variance`).
    #[pyo3(signature = (dir, resume=false, block=512, threads=None, progress=None, remote=None))]
    #[allow(clippy::too_many_arguments)]
    fn run_into<'py>(
        &self,
        py: Python<'py>,
        dir: PathBuf,
        resume: bool,
        block: usize,
        threads: Option<usize>,
        progress: Option<Py<PyAny>>,
        remote: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        if block == 0 {
            return Err(bad_input("block", "give at least 1 run per block"));
        }
        let pool = pool(threads)?;
        let done = AtomicU64::new(0);
        let runner = PyRunner {
            pool: &pool,
            progress: progress.as_ref(),
            remote: remote.as_ref(),
            total: self.sweep.run_count(),
            done: &done,
            sizes: Mutex::new(Blocks::new(0, 0, pool.current_num_threads())),
            error: Mutex::new(None),
        };
        let result = py.detach(|| {
            let on_progress = |d: u64| done.store(d, Ordering::Relaxed);
            let options = DirOptions {
                shard: Shard::WHOLE,
                resume,
                block,
                on_progress: Some(&on_progress),
                checkpoint: None,
                runner: Some(&runner),
            };
            sweep_dir::run(&self.sweep, self.analysis.as_ref(), &dir, &options)
        });
        if let Some(e) = runner
            .error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            return Err(e);
        }
        let report = result.map_err(|e| scenario_error(pythonic(e)))?;
        let d = PyDict::new(py);
        d.set_item("resumed_from", report.sweep.resumed_from)?;
        d.set_item("runs", report.sweep.runs)?;
        d.set_item("wall_seconds", report.sweep.wall_seconds)?;
        let mut indices = Vec::new();
        let mut moments = Vec::new();
        let ci = |c: Option<[f64; 2]>| c.unwrap_or([f64::NAN; 2]);
        for (outcome, ix) in &report.indices {
            moments.push((outcome.clone(), ix.mean, ix.variance));
            for (kind, list) in [("parameter", &ix.parameters), ("group", &ix.groups)] {
                for f in list {
                    let [fl, fh] = ci(f.first_ci);
                    let [tl, th] = ci(f.total_ci);
                    indices.push((
                        outcome.clone(),
                        kind,
                        f.name.clone(),
                        (f.first, fl, fh),
                        (f.total, tl, th),
                    ));
                }
            }
        }
        d.set_item("indices", indices)?;
        d.set_item("moments", moments)?;
        Ok(d)
    }

    /// The header of `runs.csv` (with its newline).
    fn header(&self) -> PyResult<String> {
        runs::header_text(&self.sweep).map_err(scenario_error)
    }

    /// Number of runs: points times replicates.
    #[getter]
    fn run_count(&self) -> u64 {
        self.sweep.run_count()
    }

    /// Replicates per point.
    #[getter]
    fn replicates(&self) -> u64 {
        self.sweep.replicates()
    }

    /// The swept key paths.
    #[getter]
    fn keys(&self) -> Vec<String> {
        self.sweep.keys()
    }

    /// The points: one value per key each (as numbers; choices are indices).
    #[getter]
    fn points(&self) -> Vec<Vec<f64>> {
        self.sweep.points().to_vec()
    }

    /// `key = value, ...` of point `point`.
    fn describe(&self, point: usize) -> PyResult<String> {
        if point >= self.sweep.points().len() {
            return Err(bad_input(
                "point",
                format!("the sweep has {} points", self.sweep.points().len()),
            ));
        }
        Ok(self.sweep.describe(point))
    }

    /// The `runs.csv` rows of runs `start..stop` on `threads` threads (None: one per core),
    /// with the GIL released, checking for Ctrl-C between blocks and calling
    /// `progress(done, total)` after each.
    #[pyo3(signature = (start, stop, threads=None, progress=None))]
    fn rows(
        &self,
        py: Python<'_>,
        start: u64,
        stop: u64,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        if start > stop || stop > self.sweep.run_count() {
            return Err(bad_input(
                "runs",
                format!(
                    "{start}..{stop} is not within the sweep's {} runs",
                    self.sweep.run_count()
                ),
            ));
        }
        let pool = pool(threads)?;
        let blocks = in_blocks(
            py,
            &pool,
            start as usize,
            stop as usize,
            progress.as_ref(),
            |b| self.rows_of(b.start as u64..b.end as u64),
        )?;
        let mut text = String::new();
        for b in blocks {
            text.push_str(&b.map_err(scenario_error)?);
        }
        Ok(text)
    }
}

/// Runs a sweep's blocks for `sweep_dir::run`: here, on a thread pool in sub-blocks of about
/// [`crate::pool::BLOCK_TIME`] each, or through a Python callable (a Dask cluster); back in
/// Python between them for Ctrl-C and the progress bar.
struct PyRunner<'a> {
    pool: &'a rayon::ThreadPool,
    progress: Option<&'a Py<PyAny>>,
    remote: Option<&'a Py<PyAny>>,
    /// Runs of the sweep.
    total: u64,
    /// Runs done so far (the engine counts them, resumed ones included).
    done: &'a AtomicU64,
    /// The size of the next sub-block, learnt from the time the last one took.
    sizes: Mutex<Blocks>,
    /// What stopped the sweep from Python (KeyboardInterrupt, an error in a callback): the
    /// engine hears `Error::Interrupted`, the caller gets this.
    error: Mutex<Option<PyErr>>,
}

impl PyRunner<'_> {
    /// Keeps `e` for the caller and tells the engine to stop.
    fn fail(&self, e: PyErr) -> Error {
        *self.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
        Error::Interrupted
    }

    /// Ctrl-C and the progress bar, with the GIL held.
    fn between(&self, py: Python<'_>) -> PyResult<()> {
        py.check_signals()?;
        if let Some(p) = self.progress {
            p.call1(py, (self.done.load(Ordering::Relaxed), self.total))?;
        }
        Ok(())
    }

    /// Runs every block here, each in sub-blocks delivered as they finish (a sink takes rows
    /// in any grouping: only their order matters).
    fn run_here(
        &self,
        sweep: &Sweep,
        blocks: &mut dyn Iterator<Item = Vec<u64>>,
        deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut sizes = self.sizes.lock().unwrap_or_else(|e| e.into_inner());
        for runs in blocks {
            sizes.restart(0, runs.len());
            while let Some(part) = sizes.next_block() {
                let started = Instant::now();
                let rows = self.pool.install(|| sweep.rows(&runs[part]))?;
                sizes.took(started.elapsed());
                deliver(rows)?;
                Python::attach(|py| self.between(py)).map_err(|e| self.fail(e))?;
            }
        }
        Ok(())
    }

    /// Hands the blocks to `remote` and delivers the rows it returns, block after block.
    fn run_remote(
        &self,
        remote: &Py<PyAny>,
        sweep: &Sweep,
        blocks: &mut dyn Iterator<Item = Vec<u64>>,
        deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut ranges = Vec::new();
        for runs in blocks {
            let (Some(&first), Some(&last)) = (runs.first(), runs.last()) else {
                continue;
            };
            if last - first + 1 != runs.len() as u64 {
                return Err(InputError::new("runs", "a block of runs is not consecutive").into());
            }
            ranges.push((first, last + 1));
        }
        let header = runs::header_text(sweep)?;
        let keys = sweep.keys().len();
        Python::attach(|py| -> PyResult<()> {
            let texts = remote.call1(py, (ranges,))?.into_bound(py).try_iter()?;
            for text in texts {
                let text: String = text?.extract()?;
                let mut whole = header.clone();
                whole.push_str(&text);
                let (_, rows) = py
                    .detach(|| runs::read_rows(whole.as_bytes(), keys))
                    .map_err(scenario_error)?;
                deliver(rows).map_err(scenario_error)?;
                self.between(py)?;
            }
            Ok(())
        })
        .map_err(|e| self.fail(e))
    }
}

impl BlockRunner for PyRunner<'_> {
    fn run_blocks(
        &self,
        sweep: &Sweep,
        blocks: &mut dyn Iterator<Item = Vec<u64>>,
        deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match self.remote {
            None => self.run_here(sweep, blocks, deliver),
            Some(remote) => self.run_remote(remote, sweep, blocks, deliver),
        }
    }
}

/// The engine's message for the command line made to speak Python: `--resume` is the
/// `resume=True` argument, `--out` the `out` argument.
fn pythonic(e: Error) -> Error {
    match e {
        Error::Input(i) => InputError::new(
            i.place,
            i.message
                .replace("--resume", "resume=True")
                .replace("another --out directory", "another out directory")
                .replace("--out", "out"),
        )
        .into(),
        other => other,
    }
}

/// A JSON value as an inline TOML value (the text a `--set` override takes).
fn inline_toml(v: &serde_json::Value, place: &str) -> PyResult<String> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => {
            return Err(bad_input(
                place,
                "None is not a scenario value; leave the key out instead",
            ));
        }
        J::Bool(b) => b.to_string(),
        J::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                // TOML floats need a fraction or an exponent: 1e300, 0.5; Rust's `{:?}` has one.
                format!("{x:?}")
            }
        },
        // A JSON string's escapes (\", \\, \n, \uXXXX) are those of a TOML basic string.
        J::String(s) => serde_json::to_string(s).expect("a string serialises"),
        J::Array(a) => {
            let items = a
                .iter()
                .enumerate()
                .map(|(i, x)| inline_toml(x, &format!("{place}[{i}]")))
                .collect::<PyResult<Vec<_>>>()?;
            format!("[{}]", items.join(", "))
        }
        J::Object(o) => {
            let items = o
                .iter()
                .map(|(k, x)| {
                    let key = serde_json::to_string(k).expect("a string serialises");
                    Ok(format!(
                        "{key} = {}",
                        inline_toml(x, &format!("{place}.{k}"))?
                    ))
                })
                .collect::<PyResult<Vec<_>>>()?;
            format!("{{ {} }}", items.join(", "))
        }
    })
}

/// `points.csv` for the text of a whole `runs.csv` with `keys` swept parameters: the engine's
/// per-point aggregates (mean, standard deviation and interval of every outcome, cascade
/// probability), from the rows read with the `csv` crate.
#[pyfunction]
pub fn points_table(py: Python<'_>, runs: &str, keys: usize) -> PyResult<String> {
    py.detach(|| {
        let (names, rows) = runs::read_rows(runs.as_bytes(), keys).map_err(scenario_error)?;
        points::points_text(&names, &rows).map_err(scenario_error)
    })
}
