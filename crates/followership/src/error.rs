//! The engine's error type: every failure says what is wrong, where, and how to fix it.

use std::path::PathBuf;

/// A problem found in a user's input: a scenario key, a value, a file.
///
/// `place` is `file:line:column`, `file:line`, or a key path such as `network.nodes`; the CLI
/// exits with status 2 for these.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct InputError {
    /// Where the problem is.
    pub place: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl InputError {
    /// An input error at a key path or file position.
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            place: place.into(),
            message: message.into(),
        }
    }
}

/// Any failure of the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a scenario, a network file, a parameter (exit status 2).
    #[error(transparent)]
    Input(#[from] InputError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The run was stopped before it finished (for example by Ctrl-C).
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// Whether the error is the user's input (exit status 2) rather than a failure of the tool.
    pub fn is_input_error(&self) -> bool {
        matches!(self, Error::Input(_))
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Shorthand for results of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;
