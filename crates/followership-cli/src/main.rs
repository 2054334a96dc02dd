//! The `followership` command: a thin layer that parses arguments, calls the engine, and prints.
//!
//! Exit status: 0 on success, 2 for usage and input errors (bad arguments, scenario files,
//! network files), 1 for anything else.

/// `print!` that ends the program quietly when standard output is closed (as in
/// `followership scenarios | head`), instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*)) };
}

/// `println!` with the same care as [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Run(run) => commands::run::execute(&run),
        cli::Command::Story(story) => commands::story::execute(&story),
        cli::Command::Sweep(sweep) => commands::sweep::execute(&sweep),
        cli::Command::Sensitivity(args) => commands::sweep::sensitivity(&args),
        cli::Command::Fit(fit) => commands::fit::execute(&fit),
        cli::Command::Merge(merge) => commands::sweep::merge(&merge),
        cli::Command::Seed(seed) => commands::seed::execute(&seed),
        cli::Command::Compare(args) => commands::compare::execute(&args),
        cli::Command::Animate(args) => commands::animate::execute(&args),
        cli::Command::View(view) => commands::view::execute(&view),
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

/// Writes to standard output; a reader that went away (a closed pipe) ends the program with
/// success, since everything it wanted was delivered.
fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}
