//! The engine's errors as Python exceptions that keep its message and key path.
//!
//! An input error (a scenario key, a value, a file) becomes `ScenarioError`, a `ValueError`;
//! one about the network (its spec, its file, a graph given from Python) becomes
//! `NetworkError`, a `ScenarioError`. Both carry `place` (a key path such as
//! `leaders.persistence`, or `file:line:column`) and `message`. A file that cannot be read or
//! written is an `OSError` (`FileNotFoundError` when missing); an interrupted run is a
//! `KeyboardInterrupt`.

use followership::error::{Error, InputError};
use pyo3::exceptions::{PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    followership,
    ScenarioError,
    PyValueError,
    "A scenario, a value or an input file is wrong: `place` says where (a key path such as \
     `leaders.persistence`, or `file:line:column`) and `message` what is wrong and how to fix it."
);

pyo3::create_exception!(
    followership,
    NetworkError,
    ScenarioError,
    "The network is wrong: its section of the scenario, its file, or a graph given from Python \
     (ids out of range, no people, leaders that do not fit it). A `ScenarioError`."
);

/// Whether an input error is about the network: its place or, for an error located in a
/// file, the key path its message starts with.
fn about_network(e: &InputError) -> bool {
    e.place.starts_with("network") || e.message.starts_with("network")
}

/// An input error as the exception `kind` (with `place` and `message` attributes).
fn input_error<E: pyo3::PyTypeInfo>(e: &InputError) -> PyErr {
    let err = PyErr::new::<E, _>(e.to_string());
    Python::attach(|py| {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail.
        let _ = value.setattr("place", &e.place);
        let _ = value.setattr("message", &e.message);
    });
    err
}

/// Any engine error as a Python exception, input errors about the network as `NetworkError`.
pub fn scenario_error(e: Error) -> PyErr {
    match e {
        Error::Input(i) if about_network(&i) => input_error::<NetworkError>(&i),
        other => convert(other, false),
    }
}

/// Any engine error met while building or checking a network: input errors are
/// `NetworkError`.
pub fn network_error(e: Error) -> PyErr {
    convert(e, true)
}

fn convert(e: Error, network: bool) -> PyErr {
    match e {
        Error::Input(i) if network => input_error::<NetworkError>(&i),
        Error::Input(i) => input_error::<ScenarioError>(&i),
        Error::Io { path, source } => {
            let text = format!("{}: {source}", path.display());
            if source.kind() == std::io::ErrorKind::NotFound {
                PyFileNotFoundError::new_err(text)
            } else {
                PyOSError::new_err(text)
            }
        }
        Error::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
    }
}

/// A `ScenarioError` made here (a bad argument), at `place`.
pub fn bad_input(place: impl Into<String>, message: impl Into<String>) -> PyErr {
    input_error::<ScenarioError>(&InputError::new(place, message))
}

/// A `NetworkError` made here (a bad graph), at `place`.
pub fn bad_network(place: impl Into<String>, message: impl Into<String>) -> PyErr {
    input_error::<NetworkError>(&InputError::new(place, message))
}
