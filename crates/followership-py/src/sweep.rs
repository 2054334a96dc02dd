//! Sweeps from Python: a plan (the base experiment, the design's points, the replicates) whose
//! runs are computed in blocks of run numbers, each block returned as the rows `runs.csv` has
//! for it.
//!
//! This is the one place that stands on the engine's sweep API (`experiment::sweep::Sweep`
//! for checking the points and running blocks of runs into typed rows, `output::runs` and
//! `output::points` for the text of `runs.csv` and `points.csv`); the Python layer only joins
//! blocks in run-number order, so a sweep run locally, in several calls, or as Dask tasks on
//! any number of workers gives the same bytes. Run `r` is replicate `r % replicates` of point
//! `r / replicates`, with the random streams of (seed, point, replicate), as in
//! `followership sweep`.

use followership::design::SweepSpec;
use followership::experiment::Experiment as Engine;
use followership::experiment::sweep::Sweep;
use followership::output::{points, runs};
use pyo3::prelude::*;

use crate::errors::{bad_input, scenario_error};
use crate::experiment::Experiment;
use crate::pool::{in_blocks, pool};

/// A sweep ready to run: the experiment at every point of a design, with replicates.
#[pyclass(module = "followership._native", frozen)]
pub struct SweepPlan {
    sweep: Sweep,
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
            Ok(SweepPlan { sweep })
        })
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
