//! One module per subcommand.

pub mod run;
pub mod scenarios;
pub mod schema;
pub mod seed;
pub mod story;
pub mod sweep;
pub mod view;

use std::path::Path;

use followership::error::{Error, InputError};
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
        (Some(path), _) => Scenario::load_file(path, &overrides)?,
        (None, Some(name)) => Scenario::load_builtin(name, &overrides)?,
        (None, None) => Scenario::load_builtin(builtin::DEFAULT, &overrides)?,
    };
    Ok(loaded)
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
/// naming `--out` (exit 2), not a failure after the runs (exit 1).
pub fn prepare_out(dir: &Path) -> Result<(), Error> {
    let flag = format!("--out {}", dir.display());
    for above in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match std::fs::metadata(above) {
            Ok(m) if m.is_dir() => break,
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
    let unwritable = |e: std::io::Error| {
        usage(
            &flag,
            format!(
                "cannot write the output directory ({e}); give --out DIR a directory you can \
                 write to"
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    // Permissions alone do not tell (root, read-only mounts, ACLs): try.
    let probe = dir.join(format!(".followership-write-check.{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(unwritable)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// An input error about a command-line option.
pub fn usage(option: &str, message: impl Into<String>) -> Error {
    InputError::new(option, message).into()
}
