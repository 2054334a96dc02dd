//! `followership animate`: the replay of one run as an animated GIF, for slides.

use std::path::PathBuf;

use followership::atomic::AtomicFile;
use followership::error::Error;
use followership::fmt::counted;
use followership::simulation::Recording;
use followership_report::animate::{AnimateOptions, animate};
use followership_report::replay::{Replay, ReplayOptions, stride};

use super::{experiment, prepare_out};
use crate::cli::AnimateArgs;

/// Runs the chosen replicate alone, records everything the replay needs and writes the GIF.
pub fn execute(args: &AnimateArgs) -> Result<(), Error> {
    let experiment = experiment(&args.scenario, &[])?;
    let scenario = experiment.scenario();
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("runs")
            .join(&scenario.name)
            .join("replay.gif")
    });
    // The file's directory must take it before the run, as with `run --out`.
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    prepare_out(&dir)?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;

    let options = ReplayOptions::default();
    let mut notes = Vec::new();
    let graph = experiment.network_noting(args.replicate, &mut notes)?;
    let sample = stride(graph.node_count(), options.max_people);
    let record = experiment.runner(&graph)?.run(
        args.replicate,
        Recording::everything().with_trust_stride(Some(sample)),
    );
    if !args.quiet {
        for note in &notes {
            eprintln!("note: {note}");
        }
    }
    let mut replay = Replay::new(
        &record,
        &graph,
        scenario.momentum.as_ref().map(|m| m.critical_mass),
        &options,
    );
    replay.trust_floor = scenario.trust.as_ref().map(|t| t.floor);
    let animation = animate(
        &replay,
        &AnimateOptions {
            size: args.size,
            title: args.title.clone().unwrap_or_else(|| scenario.name.clone()),
            ..AnimateOptions::default()
        },
    )?;
    let mut file = AtomicFile::create(&out)?;
    file.writer()
        .write_all(&animation.bytes)
        .map_err(|e| Error::io(&out, e))?;
    file.commit()?;
    if !args.quiet {
        outln!(
            "wrote {} ({}, {} KB): replicate {} of {}",
            out.display(),
            counted(animation.frames as u64, "frame", "frames"),
            animation.bytes.len().div_ceil(1000),
            args.replicate,
            scenario.name
        );
    }
    Ok(())
}
