//! `followership story`: one replicate of a scenario, told in plain language.

use followership::error::Error;
use followership::experiment::run_replicate;
use followership::output::story::story;

use super::load_scenario;
use crate::cli::StoryArgs;

/// Runs the chosen replicate alone and prints its story (Markdown) on standard output; notes
/// about the input go to standard error.
pub fn execute(args: &StoryArgs) -> Result<(), Error> {
    let loaded = load_scenario(&args.scenario, &[])?;
    let run = run_replicate(&loaded, 0, args.replicate)?;
    for note in &run.notes {
        eprintln!("note: {note}");
    }
    out!(
        "{}",
        story(&loaded.scenario, &run.graph, &run.record, run.replicate)
    );
    Ok(())
}
