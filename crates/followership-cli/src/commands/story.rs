//! `followership story`: one replicate of a scenario, told in plain language.

use followership::error::Error;
use followership::output::story::story;
use followership::simulation::Recording;

use super::experiment;
use crate::cli::StoryArgs;

/// Runs the chosen replicate alone and prints its story (Markdown) on standard output; notes
/// about the input go to standard error.
pub fn execute(args: &StoryArgs) -> Result<(), Error> {
    let experiment = experiment(&args.scenario, &[])?;
    let run = experiment.replicate(args.replicate, Recording::everything())?;
    for note in &run.notes {
        eprintln!("note: {note}");
    }
    out!(
        "{}",
        story(
            experiment.scenario(),
            &run.graph,
            &run.record,
            run.replicate
        )
    );
    Ok(())
}
