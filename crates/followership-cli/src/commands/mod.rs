//! One module per subcommand.

pub mod animate;
pub mod compare;
pub mod fit;
pub mod run;
pub mod scenarios;
pub mod schema;
pub mod seed;
pub mod story;
pub mod sweep;
pub mod view;

use std::path::Path;

use followership::error::{Error, InputError};
use followership::experiment::Experiment;
use followership::scenario::{LoadedScenario, Override, Scenario, builtin};

use crate::cli::ScenarioArgs;

/// Loads the scenario the arguments name, with `extra` overrides applied after `--set`.
pub fn load_scenario(args: &ScenarioArgs, extra: &[Override]) -> Result<LoadedScenario, Error> {
    let mut overrides = Vec::new();
    for text in &args.overrides {
        overrides.push(text.parse::<Override>()?);
    }
    overrides.extend(extra.iter().cloned());
    if let Some(seed) = args.seed {
        overrides.push(option("seed", "--seed", seed)?);
    }
    let loaded = match (&args.file, &args.builtin) {
        (Some(path), _) => Scenario::load_file(path, &overrides).map_err(|e| {
            // The engine says what a library user can do; here the fix is an option.
            if e.place == path.display().to_string() && e.message.starts_with("cannot read") {
                InputError::new(
                    e.place,
                    format!(
                        "{}: `--builtin NAME` (see `followership scenarios`)",
                        e.message
                    ),
                )
            } else {
                e
            }
        })?,
        (None, Some(name)) => Scenario::load_builtin(name, &overrides).map_err(|e| {
            if e.place == format!("built-in scenario `{name}`") {
                InputError::new(
                    format!("--builtin {name}"),
                    format!(
                        "{}; run `followership scenarios` to read what each is",
                        e.message
                    ),
                )
            } else {
                e
            }
        })?,
        (None, None) => Scenario::load_builtin(builtin::DEFAULT, &overrides)?,
    };
    Ok(loaded)
}

/// The experiment the arguments name, with `extra` overrides applied after `--set`.
pub fn experiment(args: &ScenarioArgs, extra: &[Override]) -> Result<Experiment, Error> {
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

/// The override `key=value` that the option `flag value` stands for, named by the option in
/// messages (so `--seed` is blamed, not a line of the file or a `--set` the user never gave).
pub fn option(key: &str, flag: &str, value: impl std::fmt::Display) -> Result<Override, Error> {
    Ok(format!("{key}={value}")
        .parse::<Override>()?
        .given_as(format!("{flag} {value}")))
}

/// Makes sure `dir` can take the command's files before any work is done: a file where the
/// directory should be, a file above it, or a directory that refuses writes is a usage error
/// naming `--out` (exit 2), not a failure after the runs (exit 1). Nothing is created: a
/// command refused later for its input leaves no trace.
pub fn prepare_out(dir: &Path) -> Result<(), Error> {
    let flag = format!("--out {}", dir.display());
    let mut existing = Path::new(".");
    for above in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match std::fs::metadata(above) {
            Ok(m) if m.is_dir() => {
                existing = above;
                break;
            }
            Ok(_) if above == dir => {
                return Err(usage(
                    &flag,
                    format!(
                        "{} is a file, not a directory; give --out DIR a directory (it is \
                         created if missing)",
                        dir.display()
                    ),
                ));
            }
            Ok(_) => {
                return Err(usage(
                    &flag,
                    format!(
                        "{} is a file, so no directory can be made under it; give --out DIR a \
                         path that is not under a file",
                        above.display()
                    ),
                ));
            }
            Err(_) => {}
        }
    }
    // Permissions alone do not tell (root, read-only mounts, ACLs): try to write where the
    // directory is or will be made.
    let probe = existing.join(format!(".followership-write-check.{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| {
            usage(
                &flag,
                format!(
                    "cannot write the output directory ({e}); give --out DIR a directory you \
                     can write to"
                ),
            )
        })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
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
