//! The `followership` command: a thin layer that parses arguments, calls the engine, and prints.
//!
//! Exit status: 0 on success, 2 for usage and input errors (bad arguments, scenario files,
//! network files), 1 for anything else.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Run(run) => commands::run::execute(&run),
        cli::Command::Story(story) => commands::story::execute(&story),
        cli::Command::Scenarios => commands::scenarios::execute(),
        cli::Command::Schema => commands::schema::execute(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_input_error() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
