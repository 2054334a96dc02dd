//! A sweep's output directory: `sweep.json` (the manifest), `runs.csv`, and for a whole sweep
//! `points.csv`, the Parquet tables (with the `parquet` feature) and, for a sensitivity analysis,
//! `sensitivity.csv` and `sensitivity.json`. The directory is what makes a sweep resumable and
//! shardable.
//!
//! Resumable from any state an interruption can leave: the manifest is written first and
//! atomically, so a directory holds either no manifest (and no runs: [`run`] with `resume`
//! starts afresh) or a whole one; `runs.csv` holds a prefix of the shard's rows plus at most one
//! torn row ([`RunsCsv::resume`] cuts it off); every other file is written atomically, and the
//! temporary files of a killed process are removed when the sweep starts again. On resume the
//! rows already on disk are read back and handed to the aggregating sinks, so the finished files
//! are the same bytes as those of a sweep that never stopped.
//!
//! Mergeable: a shard's manifest also carries the scenario and the kind of analysis, so [`merge`]
//! rebuilds the sweep, deals the shards' rows back into run order and feeds them to the same
//! sinks a whole sweep uses: the merged directory is file for file what one process writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::points::{POINTS_FILE, PointsCsv};
use super::runs::{RUNS_FILE, RunsCsv, RunsReader};
use super::sensitivity::{Analysis, SensitivityIndices};
use crate::analysis::points::PointSummary;
use crate::analysis::sensitivity::Indices;
use crate::atomic::AtomicFile;
use crate::error::{Error, InputError};
use crate::experiment::Experiment;
use crate::experiment::sweep::{
    BlockRunner, Fanout, OutcomeSink, Row, Shard, Sweep, SweepOptions, SweepReport, sweep,
};
use crate::scenario::Scenario;

/// File name of the manifest.
pub const MANIFEST_FILE: &str = "sweep.json";

/// Rows handed to the sinks at a time by a merge.
const MERGE_BLOCK: usize = 512;

/// What `sweep.json` records: enough to check that a resumed or merged sweep is the same sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    /// Version of followership that wrote it.
    pub version: String,
    /// Fingerprint of what determines the runs ([`Sweep::fingerprint`]).
    pub fingerprint: String,
    /// Swept key paths.
    pub keys: Vec<String>,
    /// Number of points.
    pub points: u64,
    /// Replicates per point.
    pub replicates: u64,
    /// The shard this directory holds.
    pub shard: Shard,
    /// Whether every run of the shard is in `runs.csv`.
    pub complete: bool,
    /// For one shard of several: what a merge needs to write what one process writes. (A
    /// whole sweep's directory already holds everything, and its manifest stays as it was.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ShardSource>,
}

/// What a shard's manifest carries for the merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardSource {
    /// Which command ran: `sweep` or `sensitivity`.
    pub kind: Kind,
    /// The scenario, every default written out.
    pub scenario: String,
}

/// The kind of sweep a directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A parameter sweep (the `[sweep]` section).
    Sweep,
    /// A sensitivity analysis (the `[sensitivity]` section).
    Sensitivity,
}

impl Kind {
    /// What the kind is called in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sweep => "a sweep",
            Kind::Sensitivity => "a sensitivity analysis",
        }
    }
}

/// How a sweep is run into its directory (none of it changes the results).
pub struct DirOptions<'a> {
    /// The share of the runs to do here.
    pub shard: Shard,
    /// Continue the sweep already in the directory (a directory without one starts afresh).
    pub resume: bool,
    /// Runs per block (rows are appended and flushed after each block).
    pub block: usize,
    /// Called with the number of runs of this shard done so far, after each block.
    pub on_progress: Option<&'a dyn Fn(u64)>,
    /// Called with the name of each stage as it is reached (`start`, `manifest-partial`,
    /// `manifest`, `runs-header`, `block-N` after the N-th block of this process, `rows-done`,
    /// `finished`, `complete`), so that a test can stop the process at an exact moment, as a
    /// kill would, without depending on timing.
    pub checkpoint: Option<&'a dyn Fn(&str)>,
    /// Where the blocks are run (see [`SweepOptions::runner`]): `None` here.
    pub runner: Option<&'a dyn BlockRunner>,
}

impl Default for DirOptions<'_> {
    fn default() -> Self {
        DirOptions {
            shard: Shard::WHOLE,
            resume: false,
            block: 512,
            on_progress: None,
            checkpoint: None,
            runner: None,
        }
    }
}

/// What a sweep in a directory did, and what it found.
#[derive(Debug)]
pub struct DirReport {
    /// Runs, and how many were done before this process started.
    pub sweep: SweepReport,
    /// The point summaries (a whole sweep's, as in `points.csv`; empty for a shard).
    pub points: Vec<PointSummary>,
    /// The sensitivity indices of each outcome (a whole sensitivity analysis's; else empty).
    pub indices: Vec<(String, Indices)>,
}

/// Runs `sweep` (the shard `options.shard` of it) into `dir`; `analysis`, when given, makes it a
/// sensitivity analysis whose indices are computed at the end.
pub fn run(
    sweep_: &Sweep,
    analysis: Option<&Analysis>,
    dir: &Path,
    options: &DirOptions<'_>,
) -> Result<DirReport, Error> {
    let stage = |name: &str| {
        if let Some(c) = options.checkpoint {
            c(name);
        }
    };
    stage("start");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    remove_partial_files(dir)?;
    let shard = options.shard;
    let kind = if analysis.is_some() {
        Kind::Sensitivity
    } else {
        Kind::Sweep
    };
    let manifest = manifest_of(sweep_, shard, kind, false);
    let manifest_path = dir.join(MANIFEST_FILE);
    let runs_path = dir.join(RUNS_FILE);

    let found = if manifest_path.exists() {
        if !options.resume {
            return Err(InputError::new(
                dir.display().to_string(),
                "this directory already holds a sweep; add --resume to continue it, or choose \
                 another --out directory",
            )
            .into());
        }
        Some(read_manifest(&manifest_path)?)
    } else if runs_path.exists() {
        // The manifest is written before any row, so rows without it are not this tool's sweep.
        return Err(InputError::new(
            dir.display().to_string(),
            "this directory holds a runs.csv but no sweep.json; it was not written by a sweep \
             (or sweep.json was deleted); choose another --out directory",
        )
        .into());
    } else {
        None
    };
    if let Some(found) = &found {
        if let Some(what) = differences(found, &manifest) {
            return Err(InputError::new(
                dir.display().to_string(),
                format!(
                    "this directory holds a different sweep ({what}); resume with the same \
                     command, or start afresh in another --out directory"
                ),
            )
            .into());
        }
    } else {
        write_json(&manifest_path, &manifest, &|_| stage("manifest-partial"))?;
        stage("manifest");
    }

    // The sinks of a whole sweep, after runs.csv: they need every row, in run order.
    let whole = shard == Shard::WHOLE;
    let keys = sweep_.keys();
    let mut points = if whole {
        Some(PointsCsv::create(&dir.join(POINTS_FILE), &keys)?)
    } else {
        None
    };
    let mut indices = match analysis {
        Some(a) if whole => Some(SensitivityIndices::new(dir, a.clone())?),
        _ => None,
    };
    #[cfg(feature = "parquet")]
    let mut parquet = if whole {
        Some((
            super::parquet::RunsParquet::create(&dir.join(super::parquet::RUNS_PARQUET), &keys)?,
            super::parquet::PointsParquet::create(
                &dir.join(super::parquet::POINTS_PARQUET),
                &keys,
            )?,
        ))
    } else {
        None
    };
    let mut aggregates: Vec<&mut dyn OutcomeSink> = Vec::new();
    if let Some(p) = points.as_mut() {
        aggregates.push(p);
    }
    #[cfg(feature = "parquet")]
    if let Some((r, p)) = parquet.as_mut() {
        aggregates.push(r);
        aggregates.push(p);
    }
    if let Some(s) = indices.as_mut() {
        aggregates.push(s);
    }
    let mut aggregates = Fanout(aggregates);
    let (mut runs, done) = match found {
        Some(_) => RunsCsv::resume(&runs_path, sweep_, shard, &mut aggregates)?,
        None => {
            let sink = RunsCsv::create(&runs_path, sweep_)?;
            stage("runs-header");
            (sink, 0)
        }
    };
    let mut stages = Stage::new(&stage);
    let mut all = Fanout(vec![&mut runs, &mut stages, &mut aggregates]);
    let sweep_options = SweepOptions {
        shard,
        block: options.block,
        skip: done,
        on_progress: options.on_progress,
        runner: options.runner,
    };
    let report = sweep(sweep_, &sweep_options, &mut all)?;
    stage("finished");
    let complete = manifest_of(sweep_, shard, kind, true);
    write_json(&manifest_path, &complete, &|_| stage("complete-partial"))?;
    stage("complete");
    Ok(DirReport {
        sweep: report,
        points: points.map(PointsCsv::into_summaries).unwrap_or_default(),
        indices: indices
            .map(SensitivityIndices::into_results)
            .unwrap_or_default(),
    })
}

/// A sink that names the stages between the others: `block-N` after each block is on disk,
/// `rows-done` once every row is.
struct Stage<'a> {
    stage: &'a dyn Fn(&str),
    blocks: u64,
}

impl<'a> Stage<'a> {
    fn new(stage: &'a dyn Fn(&str)) -> Self {
        Stage { stage, blocks: 0 }
    }
}

impl OutcomeSink for Stage<'_> {
    fn accept(&mut self, _: &[Row]) -> Result<(), Error> {
        self.blocks += 1;
        (self.stage)(&format!("block-{}", self.blocks));
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        (self.stage)("rows-done");
        Ok(())
    }
}

fn manifest_of(sweep: &Sweep, shard: Shard, kind: Kind, complete: bool) -> SweepManifest {
    SweepManifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        fingerprint: sweep.fingerprint(),
        keys: sweep.keys(),
        points: sweep.points().len() as u64,
        replicates: sweep.replicates(),
        shard,
        complete,
        source: (shard.count > 1).then(|| ShardSource {
            kind,
            scenario: sweep.base().scenario().to_toml(),
        }),
    }
}

/// What makes the sweep of `found` another than that of `wanted`, in words ("X instead of Y"
/// for what `found` has); `None` when they are the same sweep (the same runs: only the analysis
/// of finished runs may differ).
fn differences(found: &SweepManifest, wanted: &SweepManifest) -> Option<String> {
    let mut what = Vec::new();
    if found.shard.count != wanted.shard.count {
        what.push(format!(
            "one of {} shards instead of {}",
            found.shard.count, wanted.shard.count
        ));
    } else if found.shard != wanted.shard {
        what.push(format!(
            "shard {}/{} instead of {}/{}",
            found.shard.index + 1,
            found.shard.count,
            wanted.shard.index + 1,
            wanted.shard.count
        ));
    }
    if found.keys != wanted.keys {
        what.push(format!(
            "it sweeps {} instead of {}",
            found.keys.join(", "),
            wanted.keys.join(", ")
        ));
    }
    if found.points != wanted.points {
        what.push(format!(
            "{} points instead of {}",
            found.points, wanted.points
        ));
    }
    if found.replicates != wanted.replicates {
        what.push(format!(
            "{} replicates per point instead of {}",
            found.replicates, wanted.replicates
        ));
    }
    if what.is_empty() && found.fingerprint != wanted.fingerprint {
        let scenarios = found.source.as_ref().zip(wanted.source.as_ref());
        let line = scenarios.and_then(|(a, b)| first_difference(&a.scenario, &b.scenario));
        what.push(format!(
            "the base scenario or the swept values differ{}",
            line.map_or(String::new(), |l| format!(" ({l})"))
        ));
        if found.version != wanted.version {
            what.push(format!(
                "written by followership {} instead of {}",
                found.version, wanted.version
            ));
        }
    }
    (!what.is_empty()).then(|| what.join("; "))
}

/// The first line where two scenario texts differ, as `a` against `b`.
fn first_difference(a: &str, b: &str) -> Option<String> {
    let (mut la, mut lb) = (a.lines(), b.lines());
    loop {
        match (la.next(), lb.next()) {
            (None, None) => return None,
            (x, y) if x == y => continue,
            (x, y) => {
                return Some(format!(
                    "`{}` instead of `{}`",
                    x.unwrap_or("(end)").trim(),
                    y.unwrap_or("(end)").trim()
                ));
            }
        }
    }
}

/// Writes `value` as pretty JSON, atomically; calls `partial` when the content is in the
/// temporary file but not yet in place (a stage a kill can leave behind).
fn write_json<T: Serialize>(path: &Path, value: &T, partial: &dyn Fn(&str)) -> Result<(), Error> {
    let mut f = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(f.writer(), value).map_err(|e| Error::io(path, e.into()))?;
    f.write_all(b"\n").map_err(|e| Error::io(path, e))?;
    f.flush().map_err(|e| Error::io(path, e))?;
    partial("partial");
    f.commit()
}

/// Reads the manifest of a sweep's directory.
pub fn read_manifest(path: &Path) -> Result<SweepManifest, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(
            path.display().to_string(),
            format!(
                "cannot read the sweep's manifest ({e}); is this the output directory of a sweep?"
            ),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        InputError::new(
            path.display().to_string(),
            format!("the sweep's manifest is damaged: {e}"),
        )
        .into()
    })
}

/// Removes the temporary files (`.NAME.PID.partial`) that a killed process left in `dir`.
fn remove_partial_files(dir: &Path) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        if crate::atomic::is_temporary(&name.to_string_lossy()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// What a merge wrote, and what the report of the merged sweep needs.
#[derive(Debug)]
pub struct MergeReport {
    /// The scenario of the sweep.
    pub scenario: Scenario,
    /// Sweep or sensitivity analysis.
    pub kind: Kind,
    /// The swept keys.
    pub keys: Vec<String>,
    /// Runs merged.
    pub runs: u64,
    /// The point summaries, as in `points.csv`.
    pub points: Vec<PointSummary>,
    /// The sensitivity indices of each outcome (for a sensitivity analysis; else empty).
    pub indices: Vec<(String, Indices)>,
}

/// Merges the shard directories of one sweep into `out`: exactly the files one process would
/// have written (but the plots and the report, which are drawn from the [`MergeReport`]).
pub fn merge(out: &Path, shards: &[PathBuf]) -> Result<MergeReport, Error> {
    if shards.is_empty() {
        return Err(InputError::new("merge", "give the shard directories to merge").into());
    }
    let manifests: Vec<SweepManifest> = shards
        .iter()
        .map(|d| read_manifest(&d.join(MANIFEST_FILE)))
        .collect::<Result<_, _>>()?;
    let mut sources = Vec::new();
    for (m, d) in manifests.iter().zip(shards) {
        let place = d.display().to_string();
        let Some(source) = &m.source else {
            return Err(InputError::new(
                place,
                if m.shard.count == 1 {
                    "this directory holds a whole sweep, not a shard: it already is what merge \
                     would write"
                } else {
                    "this shard's sweep.json does not carry its scenario (it was written by an \
                     older followership); run the shard again with this version"
                },
            )
            .into());
        };
        sources.push(source);
    }
    let (first, source) = (&manifests[0], sources[0]);
    let count = first.shard.count;
    let mut seen: Vec<Option<usize>> = vec![None; count as usize];
    for (k, (m, d)) in manifests.iter().zip(shards).enumerate() {
        let place = d.display().to_string();
        let mut what = Vec::new();
        if m.shard.count != count {
            what.push(format!("{} shards instead of {count}", m.shard.count));
        }
        if sources[k].kind != source.kind {
            what.push(format!(
                "{} instead of {}",
                sources[k].kind.name(),
                source.kind.name()
            ));
        }
        // Its own index may differ from the first's; nothing else may.
        let same_index = SweepManifest {
            shard: Shard {
                index: first.shard.index,
                ..m.shard
            },
            ..m.clone()
        };
        if let Some(d) = differences(&same_index, first) {
            what.push(d);
        }
        if !what.is_empty() {
            return Err(InputError::new(
                place,
                format!(
                    "this shard belongs to a different sweep than {}: {}; run every shard from \
                     the same scenario with the same options (only the shard differs)",
                    shards[0].display(),
                    what.join("; ")
                ),
            )
            .into());
        }
        if !m.complete {
            return Err(InputError::new(
                place,
                "this shard is not finished; finish it with --resume first",
            )
            .into());
        }
        if let Some(j) = seen[m.shard.index as usize].replace(k) {
            return Err(InputError::new(
                place,
                format!(
                    "shard {}/{count} is given twice (also as {})",
                    m.shard.index + 1,
                    shards[j].display()
                ),
            )
            .into());
        }
    }
    if let Some(missing) = seen.iter().position(Option::is_none) {
        return Err(
            InputError::new("merge", format!("shard {}/{count} is missing", missing + 1)).into(),
        );
    }

    // The sweep again, from the scenario the shards ran: the same points and values.
    let base = Experiment::from_toml(&source.scenario).map_err(|e| {
        InputError::new(
            shards[0].join(MANIFEST_FILE).display().to_string(),
            format!("the scenario in the manifest does not read: {e}"),
        )
    })?;
    let scenario = base.scenario().clone();
    let (sweep_, analysis) = match source.kind {
        Kind::Sweep => (Sweep::from_section(base, first.replicates)?, None),
        Kind::Sensitivity => {
            let (s, a) = Analysis::of(base, first.replicates)?;
            (s, Some(a))
        }
    };
    if sweep_.fingerprint() != first.fingerprint {
        return Err(InputError::new(
            shards[0].join(MANIFEST_FILE).display().to_string(),
            "the scenario in the manifest does not give the sweep its fingerprint names; the \
             manifest was edited",
        )
        .into());
    }

    // A merge writes its manifest last: a directory with one holds a finished sweep (or a
    // shard), whose files a merge must neither overwrite nor leave mixed with its own.
    if out.join(MANIFEST_FILE).exists() {
        return Err(InputError::new(
            out.display().to_string(),
            "this directory already holds a sweep; merge into a new --out directory",
        )
        .into());
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    remove_partial_files(out)?;
    let keys = sweep_.keys();
    let mut runs = RunsCsv::atomic(&out.join(RUNS_FILE), &sweep_)?;
    let mut points = PointsCsv::create(&out.join(POINTS_FILE), &keys)?;
    let mut indices = match &analysis {
        Some(a) => Some(SensitivityIndices::new(out, a.clone())?),
        None => None,
    };
    #[cfg(feature = "parquet")]
    let mut parquet = (
        super::parquet::RunsParquet::create(&out.join(super::parquet::RUNS_PARQUET), &keys)?,
        super::parquet::PointsParquet::create(&out.join(super::parquet::POINTS_PARQUET), &keys)?,
    );
    {
        let mut sinks: Vec<&mut dyn OutcomeSink> = vec![&mut runs, &mut points];
        #[cfg(feature = "parquet")]
        {
            sinks.push(&mut parquet.0);
            sinks.push(&mut parquet.1);
        }
        if let Some(s) = indices.as_mut() {
            sinks.push(s);
        }
        let mut sinks = Fanout(sinks);
        let mut readers = Vec::new();
        for k in 0..count {
            let i = seen[k as usize].expect("every shard is there");
            let shard = Shard { index: k, count };
            readers.push(RunsReader::open(
                &shards[i].join(RUNS_FILE),
                &sweep_,
                shard,
            )?);
        }
        // Run r is in shard r % count, and each shard's rows are in run order: deal them back.
        let mut block = Vec::with_capacity(MERGE_BLOCK);
        for run in 0..sweep_.run_count() {
            let k = (run % count) as usize;
            let (row, _) = readers[k].next_row()?.ok_or_else(|| {
                InputError::new(
                    shards[seen[k].expect("there")].display().to_string(),
                    "this shard's runs.csv has fewer rows than its runs; finish it with --resume",
                )
            })?;
            block.push(row);
            if block.len() == MERGE_BLOCK {
                sinks.accept(&block)?;
                block.clear();
            }
        }
        sinks.accept(&block)?;
        for (k, r) in readers.iter_mut().enumerate() {
            if r.next_row()?.is_some() {
                return Err(InputError::new(
                    shards[seen[k].expect("there")].display().to_string(),
                    "this shard's runs.csv has more rows than its runs",
                )
                .into());
            }
        }
        sinks.finish()?;
    }
    write_json(
        &out.join(MANIFEST_FILE),
        &manifest_of(&sweep_, Shard::WHOLE, source.kind, true),
        &|_: &str| {},
    )?;
    Ok(MergeReport {
        scenario,
        kind: source.kind,
        keys,
        runs: sweep_.run_count(),
        points: points.into_summaries(),
        indices: indices
            .map(SensitivityIndices::into_results)
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::ParameterSpec;

    fn quoted_sweep() -> Sweep {
        let base = Experiment::from_toml(
            r#"
name = "cut"
seed = 5
replicates = 3
[network]
kind = "erdos-renyi"
nodes = 150
mean_degree = 4.0
[people]
threshold = { distribution = "constant", value = 0.2 }
[initial]
placement = "ids"
ids = [0]
"#,
        )
        .unwrap();
        let ids = ParameterSpec {
            key: "initial.ids".into(),
            choices: Some(vec!["[1, 2]".into(), "[3, 4, 5]".into()]),
            ..Default::default()
        };
        let degree = ParameterSpec::list("network.mean_degree", vec![3.0, 6.0]);
        let points = vec![
            vec![0.0, 3.0],
            vec![1.0, 3.0],
            vec![0.0, 6.0],
            vec![1.0, 6.0],
        ];
        Sweep::new(base, vec![ids, degree], points, 3).unwrap()
    }

    #[test]
    fn a_runs_csv_cut_anywhere_resumes_to_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let s = quoted_sweep();
        let whole = dir.path().join("whole");
        let options = DirOptions {
            block: 2,
            ..Default::default()
        };
        let report = run(&s, None, &whole, &options).unwrap();
        assert_eq!(report.points.len(), 4);
        let runs = std::fs::read(whole.join(RUNS_FILE)).unwrap();
        let points = std::fs::read(whole.join(POINTS_FILE)).unwrap();
        assert!(String::from_utf8_lossy(&runs).contains("\"[1, 2]\""));
        let mut manifest = read_manifest(&whole.join(MANIFEST_FILE)).unwrap();
        manifest.complete = false;
        let resume = DirOptions {
            resume: true,
            ..options
        };
        // The cuts a kill can leave: in the header, every byte of the first two rows (inside
        // quotes, numbers and line ends alike), then every 11th byte to the whole file.
        let line_end = |n: usize| {
            runs.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .nth(n)
                .unwrap()
                .0
        };
        let (header, third) = (line_end(0), line_end(2));
        let cuts = [0, 1, header / 2, header]
            .into_iter()
            .chain(header + 1..=third + 1)
            .chain((third + 1..=runs.len()).step_by(11))
            .chain([runs.len()]);
        for cut in cuts {
            let d = dir.path().join(format!("cut-{cut}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(RUNS_FILE), &runs[..cut]).unwrap();
            write_json(&d.join(MANIFEST_FILE), &manifest, &|_| {}).unwrap();
            let again = run(&s, None, &d, &resume).unwrap();
            assert!(again.sweep.resumed_from <= 12, "cut at {cut}");
            assert_eq!(
                std::fs::read(d.join(RUNS_FILE)).unwrap(),
                runs,
                "cut at {cut}"
            );
            assert_eq!(
                std::fs::read(d.join(POINTS_FILE)).unwrap(),
                points,
                "cut at {cut}"
            );
            // (Debug, since a moment that never came has a NaN mean, unequal to itself.)
            assert_eq!(
                format!("{:?}", again.points),
                format!("{:?}", report.points),
                "cut at {cut}"
            );
            std::fs::remove_dir_all(&d).unwrap();
        }
    }

    #[test]
    fn an_edited_row_is_an_error_naming_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let s = quoted_sweep();
        let out = dir.path().join("out");
        run(&s, None, &out, &DirOptions::default()).unwrap();
        let path = out.join(RUNS_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"[3, 4, 5]\"", "\"[3, 4]\"", 1)).unwrap();
        let resume = DirOptions {
            resume: true,
            ..Default::default()
        };
        let e = run(&s, None, &out, &resume).unwrap_err().to_string();
        assert!(e.contains("runs.csv:5") && e.contains("initial.ids"), "{e}");
    }
}
