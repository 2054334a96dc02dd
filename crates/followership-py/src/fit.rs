//! Fitting from Python: the engine's ABC-SMC calibration (`followership::fit`) of a scenario's
//! `[fit]` section to an observed adoption curve, with the GIL released, Ctrl-C and a progress
//! callback between batches of proposals; then its posterior predictive (and, with a horizon,
//! its forecast), and the directory `followership fit --out` writes.
//!
//! Only calls the engine's typed API (`Fit::new`, `Fit::run`, `fit::output::summarise`,
//! `predict`, `draws`) and the report crate's `fit::write_all`, as `followership fit` does, so
//! the numbers and files are the CLI's for the same scenario, data and seed.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use followership::error::Error;
use followership::experiment::Experiment as Engine;
use followership::fit::output::{Forecast, Interval, draws, predict, summarise};
use followership::fit::{Fit, FitOptions, Posterior, Progress};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{bad_input, scenario_error};
use crate::experiment::Experiment;
use crate::pool::pool;

/// What a progress callback unwinds with to stop the fit after Ctrl-C.
struct Cancelled;

/// How often the waiting thread comes back to Python.
const POLL: Duration = Duration::from_millis(100);

/// Where the fit is: generation, tolerance, accepted, particles, proposals simulated.
type Stage = (u32, f64, usize, usize, u64);

/// A finished fit kept for writing its directory: the scenario, the fit, its posterior and
/// its posterior predictive.
#[pyclass(module = "followership._native", frozen)]
pub struct FitOutcome {
    engine: Arc<Engine>,
    fit: Fit,
    posterior: Posterior,
    forecast: Forecast,
    /// The forecast's horizon when one was asked for.
    horizon: Option<f64>,
}

#[pymethods]
impl FitOutcome {
    /// Writes into `dir` what `followership fit --out DIR` writes once the fit is done (the
    /// files of the posterior, the predictive band and, with a horizon, the forecast; with
    /// `plots`, the figures and `report.html`), with the GIL released.
    #[pyo3(signature = (dir, plots=true))]
    fn write(&self, py: Python<'_>, dir: PathBuf, plots: bool) -> PyResult<()> {
        py.detach(|| {
            followership_report::fit::write_all(
                &dir,
                self.engine.scenario(),
                &self.fit,
                &self.posterior,
                &self.forecast,
                self.horizon,
                plots,
            )
        })
        .map_err(scenario_error)
    }
}

/// A row of `predictive.csv`: group, time, observed share (NaN between observations), the 95%
/// band `(low, median, high)` and the middle 50% `(low, high)`.
type BandRow = (String, f64, f64, (f64, f64, f64), (f64, f64));

/// An interval as `(mean, median, low, high)`.
fn four(i: Interval) -> (f64, f64, f64, f64) {
    (i.mean, i.median, i.low, i.high)
}

/// Fits `experiment`'s `[fit]` section to the data at `data` (None: the section's own path),
/// on `threads` threads with the GIL released, then simulates its posterior predictive up to
/// data time `forecast` (None: the last observation). With `state_dir`, each finished
/// generation is written there, and `resume` continues from them. Between batches of
/// proposals: Ctrl-C (KeyboardInterrupt; the fit stops at its next batch) and
/// `progress(generation, tolerance, accepted, particles, attempts)`.
/// Returns `parameters` (keys), `particles` (one `(values, weight, distance)` per particle of
/// the last generation, values as the scenario takes them), `summary` (`key, mean, median,
/// low, high`), `generations` (`index, tolerance, attempts, ess, accepted`), `stop`,
/// `predictive` (`group, time, observed, low_95, median, high_95, low_50, high_50`: the rows
/// of `predictive.csv`), `forecast` (with a horizon: `group, quantity, mean, median, low_95,
/// high_95`, the rows of `forecast.csv`; else None), `horizon`, `draws` and `outcome` (a
/// [`FitOutcome`], to write the directory).
#[pyfunction]
#[pyo3(signature = (experiment, data=None, state_dir=None, resume=false, threads=None, progress=None, forecast=None))]
#[allow(clippy::too_many_arguments)]
pub fn fit<'py>(
    py: Python<'py>,
    experiment: &Experiment,
    data: Option<PathBuf>,
    state_dir: Option<PathBuf>,
    resume: bool,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
    forecast: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    if let Some(t) = forecast
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(bad_input(
            "forecast",
            format!("{t} is not a time; give a time from 0 up, in the data's unit"),
        ));
    }
    let engine = &*experiment.inner;
    let fit = Fit::new(engine, data.as_deref()).map_err(scenario_error)?;
    let pool = pool(threads)?;
    let options = FitOptions {
        state_dir,
        resume,
        time_budget: None,
    };
    let cancel = AtomicBool::new(false);
    let latest: Mutex<Option<Stage>> = Mutex::new(None);
    let (done_tx, done_rx) = channel();
    // The fit runs on a thread of its own, in the pool; this thread waits with the GIL
    // released and comes back to Python every POLL for Ctrl-C and the progress callback (the
    // engine calls its own progress callback on the fit's thread, where Python cannot be asked
    // about signals).
    let (outcome, stopped) = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut report = |p: &Progress| {
                if cancel.load(Ordering::Relaxed) {
                    // Without the panic hook: nothing is printed. The generations already
                    // written stay, for a resume.
                    resume_unwind(Box::new(Cancelled));
                }
                *latest.lock().unwrap_or_else(|e| e.into_inner()) = Some((
                    p.generation,
                    p.tolerance,
                    p.accepted,
                    p.particles,
                    p.attempts,
                ));
            };
            // The predictive runs after the fit on the same thread: Ctrl-C during it waits for
            // it (it simulates at most `draws` runs, about one generation's worth).
            let result = catch_unwind(AssertUnwindSafe(|| {
                pool.install(|| -> Result<(Posterior, Forecast), Error> {
                    let posterior = fit.run(&options, &mut report)?;
                    let predictive = predict(&fit, &posterior, forecast, draws(&fit))?;
                    Ok((posterior, predictive))
                })
            }));
            let _ = done_tx.send(result);
        });
        let mut waiting = done_rx;
        let mut stopped: Option<PyErr> = None;
        let mut shown: Option<Stage> = None;
        loop {
            // The receiver goes into the closure and back: it may move between threads, not
            // be shared by them.
            let (got, back) = py.detach(move || {
                let got = waiting.recv_timeout(POLL);
                (got, waiting)
            });
            waiting = back;
            match got {
                Ok(result) => return (Some(result), stopped),
                Err(RecvTimeoutError::Disconnected) => return (None, stopped),
                Err(RecvTimeoutError::Timeout) => {}
            }
            if stopped.is_some() {
                continue;
            }
            let now = *latest.lock().unwrap_or_else(|e| e.into_inner());
            let checked = py.check_signals().and_then(|()| match (&progress, now) {
                (Some(f), Some(stage)) if shown != Some(stage) => {
                    shown = Some(stage);
                    f.call1(py, stage).map(drop)
                }
                _ => Ok(()),
            });
            if let Err(e) = checked {
                // Wait for the fit to stop at its next batch, so that nothing runs on after.
                cancel.store(true, Ordering::Relaxed);
                stopped = Some(e);
            }
        }
    });
    if let Some(e) = stopped {
        return Err(e);
    }
    let (posterior, predictive) = match outcome {
        Some(Ok(result)) => result.map_err(scenario_error)?,
        Some(Err(panic)) => resume_unwind(panic),
        None => {
            return Err(PyRuntimeError::new_err(
                "the fit's thread ended without a result",
            ));
        }
    };
    let d = PyDict::new(py);
    d.set_item("parameters", posterior.parameters.clone())?;
    let particles: Vec<(Vec<f64>, f64, f64)> = posterior
        .particles()
        .iter()
        .map(|p| {
            let values = (0..p.values.len())
                .map(|i| fit.value_number(i, p.values[i]))
                .collect();
            (values, p.weight, p.distance)
        })
        .collect();
    d.set_item("particles", particles)?;
    let summary: Vec<(String, f64, f64, f64, f64)> = summarise(&fit, &posterior)
        .into_iter()
        .map(|s| {
            let i = s.interval;
            (s.key, i.mean, i.median, i.low, i.high)
        })
        .collect();
    d.set_item("summary", summary)?;
    let generations: Vec<(u32, f64, u64, f64, usize)> = posterior
        .generations
        .iter()
        .map(|g| (g.index, g.tolerance, g.attempts, g.ess, g.particles.len()))
        .collect();
    d.set_item("generations", generations)?;
    d.set_item("stop", posterior.stop.describe())?;
    let band: Vec<BandRow> = predictive
        .groups
        .iter()
        .flat_map(|g| {
            g.band.iter().map(|r| {
                (
                    g.group.clone(),
                    r.time,
                    r.observed.unwrap_or(f64::NAN),
                    (r.band.low, r.band.median, r.band.high),
                    r.middle,
                )
            })
        })
        .collect();
    d.set_item("predictive", band)?;
    if forecast.is_some() {
        // The rows of forecast.csv: `tipped` is a share, its mean alone.
        let mut rows = Vec::new();
        for g in &predictive.groups {
            rows.push((g.group.clone(), "final_size", four(g.final_size)));
            let nan = f64::NAN;
            rows.push((g.group.clone(), "tipped", (g.tipped, nan, nan, nan)));
            rows.push((g.group.clone(), "time_to_tipping", four(g.time_to_tipping)));
        }
        d.set_item("forecast", rows)?;
    } else {
        d.set_item("forecast", py.None())?;
    }
    d.set_item("horizon", predictive.horizon)?;
    d.set_item("draws", predictive.draws)?;
    let outcome = FitOutcome {
        engine: Arc::clone(&experiment.inner),
        fit,
        posterior,
        forecast: predictive,
        horizon: forecast,
    };
    d.set_item("outcome", Bound::new(py, outcome)?)?;
    Ok(d)
}
