//! `followership scenarios`: the built-in scenarios with a line each.

use followership::error::Error;
use followership::scenario::{Scenario, builtin};

/// Lists every built-in scenario with the first line of its description.
pub fn execute() -> Result<(), Error> {
    let width = builtin::BUILTINS
        .iter()
        .map(|b| b.name.len())
        .max()
        .unwrap_or(0);
    for b in builtin::BUILTINS {
        let s = Scenario::load_builtin(b.name, &[])?.scenario;
        let mark = if b.name == builtin::DEFAULT {
            " (default)"
        } else {
            ""
        };
        outln!("{:width$}  {}{mark}", b.name, s.summary());
    }
    outln!("\nRun one with `followership run --builtin NAME`.");
    Ok(())
}
