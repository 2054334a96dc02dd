//! One module per subcommand.

pub mod run;
pub mod scenarios;
pub mod schema;
pub mod seed;
pub mod story;
pub mod sweep;
pub mod view;

use followership::error::{Error, InputError};
use followership::experiment::Experiment;
use followership::scenario::{LoadedScenario, Override, Scenario, builtin};

use crate::cli::ScenarioArgs;

/// Loads the scenario the arguments name, with `extra` overrides applied after `--set`.
pub fn load_scenario(args: &ScenarioArgs, extra: &[String]) -> Result<LoadedScenario, Error> {
    let mut overrides = Vec::new();
    for text in args.overrides.iter().chain(extra) {
        overrides.push(text.parse::<Override>()?);
    }
    if let Some(seed) = args.seed {
        overrides.push(format!("seed={seed}").parse()?);
    }
    let loaded = match (&args.file, &args.builtin) {
        (Some(path), _) => Scenario::load_file(path, &overrides)?,
        (None, Some(name)) => Scenario::load_builtin(name, &overrides)?,
        (None, None) => Scenario::load_builtin(builtin::DEFAULT, &overrides)?,
    };
    Ok(loaded)
}

/// The experiment the arguments name, with `extra` overrides applied after `--set`.
pub fn experiment(args: &ScenarioArgs, extra: &[String]) -> Result<Experiment, Error> {
    Ok(Experiment::from_loaded(load_scenario(args, extra)?))
}

/// Sets the number of worker threads of every parallel part of the engine (`None`: one per
/// core), once per process: the engine runs on the caller's thread pool.
pub fn use_threads(threads: Option<usize>) -> Result<(), Error> {
    check_threads(threads)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build_global()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))
}

/// An input error about a command-line option.
pub fn usage(option: &str, message: impl Into<String>) -> Error {
    InputError::new(option, message).into()
}

/// Checks `--threads`: at least 1, at most [`limits::MAX_THREADS`] (each thread has a stack and
/// its share of the work; far more threads than cores only slow a run down, and tens of
/// thousands of them exhaust the machine).
///
/// [`limits::MAX_THREADS`]: followership::limits::MAX_THREADS
pub fn check_threads(threads: Option<usize>) -> Result<(), Error> {
    use followership::limits::{MAX_THREADS, grouped};
    match threads {
        Some(0) => Err(usage(
            "--threads",
            "give at least 1 thread (or leave it out for one per core)",
        )),
        Some(t) if t > MAX_THREADS => Err(usage(
            "--threads",
            format!(
                "{} threads is above the limit of {}; give at most {} (one per core is \
                 fastest, and the default)",
                grouped(t as u64),
                grouped(MAX_THREADS as u64),
                grouped(MAX_THREADS as u64)
            ),
        )),
        _ => Ok(()),
    }
}
