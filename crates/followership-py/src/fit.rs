//! Fitting from Python: the engine's ABC-SMC calibration (`followership::fit`) of a scenario's
//! `[fit]` section to an observed adoption curve, with the GIL released, Ctrl-C and a progress
//! callback between batches of proposals.
//!
//! Only calls the engine's typed API (`Fit::new`, `Fit::run`, `fit::output::summarise`), as
//! `followership fit` does.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use followership::fit::output::summarise;
use followership::fit::{Fit, FitOptions, Progress};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::scenario_error;
use crate::experiment::Experiment;
use crate::pool::pool;

/// What a progress callback unwinds with to stop the fit after Ctrl-C.
struct Cancelled;

/// How often the waiting thread comes back to Python.
const POLL: Duration = Duration::from_millis(100);

/// Where the fit is: generation, tolerance, accepted, particles, proposals simulated.
type Stage = (u32, f64, usize, usize, u64);

/// Fits `experiment`'s `[fit]` section to the data at `data` (None: the section's own path),
/// on `threads` threads with the GIL released. With `state_dir`, each finished generation is
/// written there, and `resume` continues from them. Between batches of proposals: Ctrl-C
/// (KeyboardInterrupt; the fit stops at its next batch) and `progress(generation, tolerance,
/// accepted, particles, attempts)`.
/// Returns `parameters` (keys), `particles` (one `(values, weight, distance)` per particle of
/// the last generation, values as the scenario takes them), `summary` (`key, mean, median,
/// low, high`), `generations` (`index, tolerance, attempts, ess, accepted`) and `stop`.
#[pyfunction]
#[pyo3(signature = (experiment, data=None, state_dir=None, resume=false, threads=None, progress=None))]
pub fn fit<'py>(
    py: Python<'py>,
    experiment: &Experiment,
    data: Option<PathBuf>,
    state_dir: Option<PathBuf>,
    resume: bool,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
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
            let result = catch_unwind(AssertUnwindSafe(|| {
                pool.install(|| fit.run(&options, &mut report))
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
    let posterior = match outcome {
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
    Ok(d)
}
