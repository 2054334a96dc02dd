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
    if threads == Some(0) {
        return Err(usage(
            "--threads",
            "give at least 1 thread (or leave it out for one per core)",
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build_global()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))
}

/// An input error about a command-line option.
pub fn usage(option: &str, message: impl Into<String>) -> Error {
    InputError::new(option, message).into()
}
