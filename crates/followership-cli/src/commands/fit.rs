//! `followership fit`: calibrate a scenario to an observed adoption curve (ABC-SMC).

use std::path::PathBuf;
use std::time::Instant;

use followership::error::Error;
use followership::fit::output::{draws, predict, summarise};
use followership::fit::{Fit, FitOptions, Progress};
use followership::fmt::{grouped, percent};
use indicatif::{ProgressBar, ProgressStyle};

use super::{experiment, prepare_out, usage, use_threads};
use crate::cli::FitArgs;

/// Runs the fit of the scenario's `[fit]` section and writes its files.
pub fn execute(args: &FitArgs) -> Result<(), Error> {
    if let Some(t) = args.forecast
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(usage(
            "--forecast",
            format!("{t} is not a time; give a time from 0 up, in the data's unit"),
        ));
    }
    use_threads(args.threads)?;
    let experiment = experiment(&args.scenario, &[])?;
    let fit = Fit::new(&experiment, args.data.as_deref())?;
    let name = experiment.scenario().name.clone();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("fits").join(&name));
    prepare_out(&out)?;
    let particles = fit.spec().particles;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(particles as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} particles")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    };
    let started = Instant::now();
    let mut report = |p: &Progress| {
        let tolerance = if p.tolerance.is_finite() {
            format!("tolerance {:.4}", p.tolerance)
        } else {
            "from the prior".to_string()
        };
        bar.set_message(format!(
            "generation {}: {tolerance}, acceptance {}",
            p.generation,
            percent(p.acceptance_rate())
        ));
        bar.set_position(p.accepted as u64);
        if let Some(ess) = p.ess {
            bar.println(format!(
                "  generation {}: {tolerance}, {} accepted of {} proposals ({}), ESS {:.0}",
                p.generation,
                grouped(p.accepted as u64),
                grouped(p.attempts),
                percent(p.acceptance_rate()),
                ess
            ));
        }
    };
    let options = FitOptions {
        state_dir: Some(out.clone()),
        resume: args.resume,
        time_budget: None,
    };
    let posterior = fit.run(&options, &mut report)?;
    bar.finish_and_clear();
    let forecast = predict(&fit, &posterior, args.forecast, draws(&fit))?;
    followership_report::fit::write_all(
        &out,
        experiment.scenario(),
        &fit,
        &posterior,
        &forecast,
        args.forecast,
        !args.no_plots,
    )?;
    if args.quiet {
        return Ok(());
    }
    let simulations: u64 = posterior.generations.iter().map(|g| g.attempts).sum();
    outln!(
        "{}: {} generations, {} simulations in {:.1} s; stopped because {}",
        name,
        posterior.generations.len(),
        grouped(simulations),
        started.elapsed().as_secs_f64(),
        posterior.stop.describe()
    );
    outln!(
        "  {:<28} {:>10} {:>10} {:>24}",
        "parameter",
        "mean",
        "median",
        "95% credible interval"
    );
    for s in summarise(&fit, &posterior) {
        let i = s.interval;
        outln!(
            "  {:<28} {:>10.4} {:>10.4} {:>24}",
            s.key,
            i.mean,
            i.median,
            format!("[{:.4}, {:.4}]", i.low, i.high)
        );
    }
    if let Some(t) = args.forecast {
        for g in &forecast.groups {
            let label = if g.group.is_empty() {
                String::new()
            } else {
                format!(" ({})", g.group)
            };
            let f = g.final_size;
            outln!(
                "  forecast at {t}{label}: final size {} (95%: {} to {}); tipped in {} of draws",
                percent(f.median),
                percent(f.low),
                percent(f.high),
                percent(g.tipped)
            );
            if g.tipped > 0.0 {
                let tt = g.time_to_tipping;
                outln!(
                    "    time to tipping {:.1} (95%: {:.1} to {:.1})",
                    tt.median,
                    tt.low,
                    tt.high
                );
            }
        }
    }
    outln!("  results in {}", out.display());
    Ok(())
}
