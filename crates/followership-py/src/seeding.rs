//! Seeding from Python: the engine's `seeding::recruit` run on another thread, so that Ctrl-C
//! and the progress messages reach Python while it works (the engine offers no way to stop it
//! from outside but its progress callback, which is where it is stopped).

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use followership::experiment::Experiment as Engine;
use followership::seeding::{self, RecruitStage, Request, SeedReport};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::scenario_error;

/// How often the waiting thread comes back to Python.
const POLL: Duration = Duration::from_millis(100);

/// What a progress callback unwinds with to stop the work after Ctrl-C.
struct Cancelled;

/// A stage of the work in words, for a progress line.
fn describe(stage: RecruitStage, k: usize) -> String {
    match stage {
        RecruitStage::Choosing(s) => format!("choosing with {}", s.name()),
        RecruitStage::Evaluating(s, runs) => format!("evaluating {} over {runs} runs", s.name()),
        RecruitStage::Sampling {
            strategy,
            sets,
            guarantee,
        } => format!(
            "choosing with {strategy}: {sets} reverse-reachable sets, guarantee {guarantee:.3} so far"
        ),
        RecruitStage::Celf {
            done,
            of,
            seeds,
            evaluations,
        } => {
            if seeds == 0 {
                format!("choosing with celf: {done} of {of} candidates, {evaluations} evaluations")
            } else {
                format!("choosing with celf: {seeds} of {k} seeds, {evaluations} evaluations")
            }
        }
    }
}

/// Runs `seeding::recruit` for `request` on `pool`, on a thread of its own, while this thread
/// (with the GIL released but for a moment every [`POLL`]) checks for Ctrl-C and hands each new
/// stage to `progress(message)`. After Ctrl-C, raises KeyboardInterrupt at once and lets the
/// work stop at its next progress call.
pub fn recruit_interruptibly(
    py: Python<'_>,
    experiment: Arc<Engine>,
    request: Request,
    pool: Arc<rayon::ThreadPool>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<SeedReport> {
    let cancel = Arc::new(AtomicBool::new(false));
    let latest: Arc<Mutex<Option<String>>> = Arc::default();
    let (done_tx, done_rx) = channel();
    let k = request.k;
    {
        let cancel = Arc::clone(&cancel);
        let latest = Arc::clone(&latest);
        std::thread::Builder::new()
            .name("followership-seed".into())
            .spawn(move || {
                let report = pool.install(|| {
                    catch_unwind(AssertUnwindSafe(|| {
                        seeding::recruit(&experiment, &request, &|stage| {
                            if cancel.load(Ordering::Relaxed) {
                                // Without the panic hook: nothing is printed.
                                resume_unwind(Box::new(Cancelled));
                            }
                            *latest.lock().unwrap_or_else(|e| e.into_inner()) =
                                Some(describe(stage, k));
                        })
                    }))
                });
                // The receiver is gone after Ctrl-C: nobody waits for the result.
                let _ = done_tx.send(report);
            })
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    }
    let mut shown: Option<String> = None;
    let mut waiting = done_rx;
    loop {
        // The receiver goes into the closure and back: it may move between threads, not be
        // shared by them.
        let (got, back) = py.detach(move || {
            let got = waiting.recv_timeout(POLL);
            (got, waiting)
        });
        waiting = back;
        match got {
            Ok(Ok(result)) => return result.map_err(scenario_error),
            Ok(Err(panic)) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                return Err(PyRuntimeError::new_err(format!(
                    "the seeding stopped on an internal error: {what}"
                )));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the seeding thread ended without a result",
                ));
            }
        }
        let checked = py.check_signals().and_then(|()| {
            let now = latest.lock().unwrap_or_else(|e| e.into_inner()).clone();
            match (progress, now) {
                (Some(p), Some(m)) if shown.as_ref() != Some(&m) => {
                    p.call1((m.as_str(),))?;
                    shown = Some(m);
                    Ok(())
                }
                _ => Ok(()),
            }
        });
        if let Err(e) = checked {
            cancel.store(true, Ordering::Relaxed);
            return Err(e);
        }
    }
}
