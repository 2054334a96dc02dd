//! The files people read, one module a format: the files of a run behind the small
//! [`Exporter`] interface (those with a row per replicate as sinks of the ensemble's records,
//! [`crate::experiment::RunSink`], streamed while the runs go: see [`run_sinks`]), and the outputs of a sweep as sinks of its typed rows
//! ([`crate::experiment::sweep::OutcomeSink`]): [`runs`] (`runs.csv`), [`points`] (`points.csv`),
//! `parquet`, [`sensitivity`] (the indices) and [`memory`] (a `Vec`), with [`sweep_dir`] putting
//! them together in a resumable, mergeable directory.
//!
//! Every file is written atomically ([`crate::atomic`]), so an interrupted run never leaves a
//! file that looks complete.

pub mod csv;
pub mod json;
pub mod memory;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod points;
pub mod runs;
pub mod scenario;
pub mod seeds;
pub mod sensitivity;
pub mod story;
pub mod sweep_dir;

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::analysis::ensemble::EnsembleSummary;
use crate::error::Error;
use crate::experiment::{Ensemble, RunSink};
use crate::scenario::Scenario;

use crate::atomic::AtomicFile;

/// Formats records with a CSV writer (quoting a cell only when it holds a comma, a quote or a
/// line end) and returns the bytes, to be written to a file at once.
pub(crate) fn csv_bytes(
    records: impl FnOnce(&mut ::csv::Writer<Vec<u8>>) -> ::csv::Result<()>,
) -> std::io::Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    records(&mut w)?;
    w.into_inner().map_err(|e| e.into_error())
}

/// Facts about how a run was made, for `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Version of followership.
    pub version: &'static str,
    /// The scenario's seed.
    pub seed: u64,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time of the runs, in seconds.
    pub wall_seconds: f64,
    /// Wall time of the runs alone, without building the network and reading per-person
    /// values, in seconds.
    pub simulation_seconds: f64,
    /// People in the network.
    pub nodes: usize,
    /// Directed edges in the network (an undirected edge counts twice).
    pub edges: usize,
}

/// Everything an exporter may draw on.
pub struct Report<'a> {
    /// The resolved scenario.
    pub scenario: &'a Scenario,
    /// The runs.
    pub ensemble: &'a Ensemble,
    /// Headline numbers.
    pub summary: &'a EnsembleSummary,
    /// How the run was made.
    pub info: &'a RunInfo,
}

/// One output file.
pub trait Exporter {
    /// The file's name inside the output directory.
    fn file_name(&self) -> &'static str;
    /// Writes the file's content.
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The files of a plain run written once the runs are done: the resolved scenario, the run
/// facts, the story of the recorded replicate and its final crowd. The files with a row per
/// replicate are streamed while the runs go: see [`run_sinks`].
pub fn run_exporters() -> Vec<Box<dyn Exporter>> {
    let mut list: Vec<Box<dyn Exporter>> = vec![Box::new(scenario::ResolvedScenario)];
    list.push(Box::new(json::RunJson));
    list.push(Box::new(story::Story));
    list.push(Box::new(csv::Followers));
    list
}

/// The files of a plain run with a row per replicate, streamed into `dir` (created if needed)
/// from the ensemble's blocks: the time series (when recorded) and the per-replicate summary.
/// Give them to [`crate::experiment::Experiment::ensemble_into`]; each is renamed into place
/// when the last block is in.
pub fn run_sinks(dir: &Path, scenario: &Scenario) -> Result<Vec<Box<dyn RunSink>>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut sinks: Vec<Box<dyn RunSink>> = Vec::new();
    if scenario.output.timeseries {
        sinks.push(Box::new(csv::TimeseriesCsv::create(dir)?));
    }
    sinks.push(Box::new(csv::SummaryCsv::create(dir)?));
    Ok(sinks)
}

/// Writes every exporter's file into `dir` (created if needed), each atomically.
pub fn write_all(
    dir: &Path,
    report: &Report<'_>,
    exporters: &[Box<dyn Exporter>],
) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for exporter in exporters {
        let path = dir.join(exporter.file_name());
        let mut file = AtomicFile::create(&path)?;
        exporter
            .write(report, file.writer())
            .map_err(|e| Error::io(&path, e))?;
        file.commit()?;
    }
    Ok(())
}
