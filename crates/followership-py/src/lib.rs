//! `followership._native`: the compiled half of the `followership` Python package.
//!
//! The package's public classes live in Python (`python/followership/__init__.py`); they wrap
//! the classes of this module, which stand on the engine's one typed entry point,
//! [`followership::experiment::Experiment`]. This module keeps to what must be compiled:
//! running replicates on a thread pool with the GIL released, stepping a simulation, building
//! graphs from numpy arrays without a Python loop, and the blocks of runs of a sweep. Labels of
//! any hashable type, DataFrames, networkx, progress bars and Dask are the Python layer's.
//!
//! Modules: [`errors`] (engine errors as Python exceptions), [`experiment`] (the `Experiment`
//! class and its runs), [`fit`] (calibration to observed data), [`graph`] (the `Graph` class), [`seeding`] (whom to recruit first, on
//! a thread of its own), [`simulation`] (a run tick by tick),
//! [`sweep`] (blocks of sweep runs, as `runs.csv` rows), [`pool`] (thread pools and signal
//! checks between blocks of work).

#![warn(missing_docs)]

pub mod errors;
pub mod experiment;
pub mod fit;
pub mod graph;
pub mod pool;
pub mod seeding;
pub mod simulation;
pub mod sweep;

use pyo3::prelude::*;

/// The built-in scenarios: `(name, first line of the description)` each, in the order
/// `followership scenarios` lists them.
#[pyfunction]
fn scenarios() -> PyResult<Vec<(String, String)>> {
    followership::scenario::builtin::BUILTINS
        .iter()
        .map(|b| {
            let e = followership::experiment::Experiment::builtin(b.name)
                .map_err(errors::scenario_error)?;
            Ok((b.name.to_string(), e.scenario().summary().to_string()))
        })
        .collect()
}

/// The version of the engine the module was built from.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The compiled module `followership._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ScenarioError", py.get_type::<errors::ScenarioError>())?;
    m.add("NetworkError", py.get_type::<errors::NetworkError>())?;
    m.add_class::<experiment::Experiment>()?;
    m.add_class::<graph::Graph>()?;
    m.add_class::<simulation::Simulation>()?;
    m.add_class::<sweep::SweepPlan>()?;
    m.add_class::<fit::FitOutcome>()?;
    m.add_function(wrap_pyfunction!(scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::points_table, m)?)?;
    m.add_function(wrap_pyfunction!(fit::fit, m)?)?;
    Ok(())
}
