//! Parameter sweeps: many points, many replicates each, streamed to disk, resumable after any
//! interruption, and shardable across processes or machines.
//!
//! Every run is named by (point, replicate) and numbered `point * replicates + replicate`; its
//! random streams come from (seed, point, replicate), so its result never depends on the thread
//! count, the order runs finish in, or the shard that ran it. A shard `I/N` runs the run numbers
//! congruent to `I` modulo `N`. Runs execute in blocks; each block's rows are appended to
//! `runs.csv` in run-number order and flushed before the next block starts. An interrupted sweep
//! therefore leaves a prefix of its rows (plus at most one torn line, which resuming cuts off),
//! and `--resume` continues exactly where it stopped: the finished files are the same bytes as
//! those of an uninterrupted sweep.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Experiment, Point};
use crate::atomic::AtomicFile;
use crate::design::ParameterSpec;
use crate::error::{Error, InputError};
use crate::random::splitmix64;
use crate::scenario::{LoadedScenario, Override};
use crate::simulation::RunOutcome;

/// A sweep: a base scenario and the points of parameter values to run it at.
pub struct Sweep {
    base: LoadedScenario,
    /// Key paths of the swept parameters.
    pub keys: Vec<String>,
    /// The swept parameters (how each value is written into the scenario).
    pub parameters: Vec<ParameterSpec>,
    /// The points: one value per parameter.
    pub points: Vec<Vec<f64>>,
    /// Replicates per point.
    pub replicates: u64,
}

/// Which share of the runs a process takes: `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// The whole sweep in one process.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` with 1 <= I <= N (shards are numbered from 1 on the command line).
    pub fn parse(text: &str) -> Result<Shard, InputError> {
        let bad = || {
            InputError::new(
                format!("--shard {text}"),
                "expected I/N with 1 <= I <= N, for example --shard 2/4",
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (i, n): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || i == 0 || i > n {
            return Err(bad());
        }
        Ok(Shard {
            index: i - 1,
            count: n,
        })
    }

    fn owns(&self, run: u64) -> bool {
        run % self.count == self.index
    }
}

/// How a sweep is run (none of it changes the results).
pub struct SweepOptions<'a> {
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// The share of the runs to do here.
    pub shard: Shard,
    /// Continue the sweep already in the output directory.
    pub resume: bool,
    /// Runs per block (rows are appended and flushed after each block).
    pub block: usize,
    /// Called with the number of runs done so far (this shard), after each block.
    pub on_progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl Default for SweepOptions<'_> {
    fn default() -> Self {
        SweepOptions {
            threads: None,
            shard: Shard::WHOLE,
            resume: false,
            block: 512,
            on_progress: None,
        }
    }
}

/// What `sweep.json` records: enough to check that a resumed or merged sweep is the same sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    /// Version of followership that wrote it.
    pub version: String,
    /// Fingerprint of the base scenario, the parameters, the points and the replicates.
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
}

/// What a finished (or resumed-and-finished) sweep did.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// Runs of this shard.
    pub runs: u64,
    /// Runs that were already done when the sweep (re)started.
    pub resumed_from: u64,
    /// Wall time of this process, in seconds.
    pub wall_seconds: f64,
}

const RUNS_FILE: &str = "runs.csv";
const MANIFEST_FILE: &str = "sweep.json";
/// File name of the per-point aggregates.
pub const POINTS_FILE: &str = "points.csv";

impl Sweep {
    /// A sweep of `base` over `points` of the parameters `keys`; checks every point's scenario
    /// (an unknown key path or an out-of-range value is an input error naming the point).
    pub fn new(
        base: LoadedScenario,
        parameters: Vec<ParameterSpec>,
        points: Vec<Vec<f64>>,
        replicates: u64,
    ) -> Result<Sweep, Error> {
        if replicates == 0 {
            return Err(
                InputError::new("--replicates", "give at least 1 replicate per point").into(),
            );
        }
        // A sweep streams its outcomes, but run numbers (point x replicates) must fit.
        if replicates > crate::limits::MAX_REPLICATES {
            return Err(InputError::new(
                "--replicates",
                format!(
                    "{} replicates per point is above the limit of {}; give fewer",
                    crate::limits::grouped(replicates),
                    crate::limits::grouped(crate::limits::MAX_REPLICATES)
                ),
            )
            .into());
        }
        let sweep = Sweep {
            base,
            keys: parameters.iter().map(|p| p.key.clone()).collect(),
            parameters,
            points,
            replicates,
        };
        for p in 0..sweep.points.len() {
            sweep.scenario_at(p as Point)?;
        }
        Ok(sweep)
    }

    /// Number of runs: points times replicates.
    pub fn run_count(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// The value of parameter `i` at `point` as it is written into the scenario.
    pub fn value_text(&self, point: usize, i: usize) -> String {
        self.parameters[i].value_text(self.points[point][i])
    }

    /// The scenario at `point`: the base with the point's values set.
    pub fn scenario_at(&self, point: Point) -> Result<LoadedScenario, InputError> {
        let overrides: Vec<Override> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                format!("{key}={}", self.value_text(point as usize, i))
                    .parse::<Override>()
                    .expect("a key path and a value make an override")
                    .given_as(self.entry_place(i))
            })
            .collect();
        // A bad value is the sweep entry's doing: messages point at it, not at the base value.
        self.base.with_overrides(&overrides).map_err(|e| {
            InputError::new(
                e.place,
                format!(
                    "{} (at sweep point {point}: {})",
                    e.message,
                    self.describe(point as usize)
                ),
            )
        })
    }

    /// Where parameter `i` is given: its entry in the scenario's `[sweep]` or `[sensitivity]`
    /// section (`file:line:column`), or the option that set it.
    fn entry_place(&self, i: usize) -> String {
        let key = Some(&self.keys[i]);
        let s = &self.base.scenario;
        let section = if s
            .sweep
            .as_ref()
            .is_some_and(|w| w.parameters.get(i).map(|p| &p.key) == key)
        {
            "sweep"
        } else if s
            .sensitivity
            .as_ref()
            .is_some_and(|w| w.parameters.get(i).map(|p| &p.key) == key)
        {
            "sensitivity"
        } else {
            return format!("the swept parameter `{}`", self.keys[i]);
        };
        self.base.place_of(&format!("{section}.parameters[{i}]"))
    }

    /// `key = value, ...` for messages and tables.
    pub fn describe(&self, point: usize) -> String {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = {}", self.value_text(point, i)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn fingerprint(&self) -> String {
        let mut h = splitmix64(0x5EED);
        let mut eat = |bytes: &[u8]| {
            for chunk in bytes.chunks(8) {
                let mut b = [0u8; 8];
                b[..chunk.len()].copy_from_slice(chunk);
                h = splitmix64(h ^ u64::from_le_bytes(b));
            }
            h = splitmix64(h ^ bytes.len() as u64);
        };
        eat(self.base.scenario.to_toml().as_bytes());
        for k in &self.keys {
            eat(k.as_bytes());
        }
        for p in &self.points {
            for v in p {
                eat(&v.to_le_bytes());
            }
        }
        eat(&self.replicates.to_le_bytes());
        format!("{h:016x}")
    }

    fn manifest(&self, shard: Shard, complete: bool) -> SweepManifest {
        SweepManifest {
            version: env!("CARGO_PKG_VERSION").to_string(),
            fingerprint: self.fingerprint(),
            keys: self.keys.clone(),
            points: self.points.len() as u64,
            replicates: self.replicates,
            shard,
            complete,
        }
    }

    /// The header of `runs.csv`.
    pub fn header(&self) -> String {
        let mut cols = vec!["point".to_string(), "replicate".to_string()];
        cols.extend(self.keys.iter().cloned());
        cols.extend(RunOutcome::COLUMNS.iter().map(|c| c.to_string()));
        cols.join(",") + "\n"
    }

    fn row(&self, run: u64, outcome: &RunOutcome) -> String {
        let (point, replicate) = (run / self.replicates, run % self.replicates);
        let mut row = format!("{point},{replicate}");
        for i in 0..self.keys.len() {
            row.push(',');
            row.push_str(&self.value_text(point as usize, i));
        }
        for v in outcome.values() {
            row.push(',');
            if let Some(v) = v {
                row.push_str(&v.to_string());
            }
        }
        row.push('\n');
        row
    }
}

/// Runs the sweep (this shard of it) into `dir`.
pub fn run_sweep(
    sweep: &Sweep,
    dir: &Path,
    options: &SweepOptions<'_>,
) -> Result<SweepReport, Error> {
    let started = Instant::now();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let runs_path = dir.join(RUNS_FILE);
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest = sweep.manifest(options.shard, false);
    let mine: Vec<u64> = (0..sweep.run_count())
        .filter(|&r| options.shard.owns(r))
        .collect();

    let done = if options.resume {
        let found = read_manifest(&manifest_path)?;
        if found.fingerprint != manifest.fingerprint || found.shard != manifest.shard {
            return Err(InputError::new(
                dir.display().to_string(),
                "this directory holds a different sweep (another scenario, parameters, points, replicates or shard); \
                 resume with the same command, or start afresh in another --out directory",
            )
            .into());
        }
        let done = truncate_torn_row(&runs_path, &sweep.header())?;
        check_prefix(&runs_path, sweep, &mine, done)?;
        done
    } else {
        if runs_path.exists() || manifest_path.exists() {
            return Err(InputError::new(
                dir.display().to_string(),
                "this directory already holds a sweep; add --resume to continue it, or choose another --out directory",
            )
            .into());
        }
        write_json(&manifest_path, &manifest)?;
        let mut f = File::create(&runs_path).map_err(|e| Error::io(&runs_path, e))?;
        f.write_all(sweep.header().as_bytes())
            .map_err(|e| Error::io(&runs_path, e))?;
        0
    };

    let mut file = OpenOptions::new()
        .append(true)
        .open(&runs_path)
        .map_err(|e| Error::io(&runs_path, e))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))?;
    let mut finished = done;
    if let Some(progress) = options.on_progress {
        progress(finished);
    }
    for block in mine[done as usize..].chunks(options.block.max(1)) {
        let rows = pool.install(|| run_block(sweep, block))?;
        file.write_all(rows.as_bytes())
            .map_err(|e| Error::io(&runs_path, e))?;
        file.sync_data().map_err(|e| Error::io(&runs_path, e))?;
        finished += block.len() as u64;
        if let Some(progress) = options.on_progress {
            progress(finished);
        }
    }
    drop(file);
    write_json(&manifest_path, &sweep.manifest(options.shard, true))?;
    if options.shard == Shard::WHOLE {
        write_points(dir, &sweep.keys)?;
    }
    Ok(SweepReport {
        runs: mine.len() as u64,
        resumed_from: done,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Runs one block of run numbers (grouped by point, so each point's network is built once) and
/// returns their rows in run-number order.
fn run_block(sweep: &Sweep, block: &[u64]) -> Result<String, Error> {
    let mut groups: Vec<(u64, Vec<u64>)> = Vec::new();
    for &run in block {
        let (point, replicate) = (run / sweep.replicates, run % sweep.replicates);
        match groups.last_mut() {
            Some((p, reps)) if *p == point => reps.push(replicate),
            _ => groups.push((point, vec![replicate])),
        }
    }
    let results: Vec<Vec<RunOutcome>> = groups
        .par_iter()
        .map(|(point, reps)| {
            let loaded = sweep.scenario_at(*point)?;
            Experiment::from_loaded(loaded)
                .at_point(*point)
                .outcomes(reps)
        })
        .collect::<Result<_, Error>>()?;
    let mut rows = String::new();
    for ((point, reps), outcomes) in groups.iter().zip(results) {
        for (r, o) in reps.iter().zip(&outcomes) {
            rows.push_str(&sweep.row(point * sweep.replicates + r, o));
        }
    }
    Ok(rows)
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let mut f = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(f.writer(), value).map_err(|e| Error::io(path, e.into()))?;
    f.writer()
        .write_all(b"\n")
        .map_err(|e| Error::io(path, e))?;
    f.commit()
}

fn read_manifest(path: &Path) -> Result<SweepManifest, Error> {
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

/// Cuts `runs.csv` back to its last complete line and returns the number of rows in it.
fn truncate_torn_row(path: &Path, header: &str) -> Result<u64, Error> {
    let io = |e| Error::io(path, e);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io)?;
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if keep < header.len() || &bytes[..header.len()] != header.as_bytes() {
        // Not even the header survived (or it is another file): start the rows afresh.
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(header.as_bytes()).map_err(io)?;
        return Ok(0);
    }
    file.set_len(keep as u64).map_err(io)?;
    Ok(bytes[header.len()..keep]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64)
}

/// Checks that the rows on disk are the first `done` runs of this shard, in order.
fn check_prefix(path: &Path, sweep: &Sweep, mine: &[u64], done: u64) -> Result<(), Error> {
    if done as usize > mine.len() {
        return Err(InputError::new(
            path.display().to_string(),
            "more rows than the sweep has runs",
        )
        .into());
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    for (i, line) in BufReader::new(file).lines().skip(1).enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        let mut parts = line.split(',');
        let point: Option<u64> = parts.next().and_then(|p| p.parse().ok());
        let replicate: Option<u64> = parts.next().and_then(|p| p.parse().ok());
        let expected = mine[i];
        if point != Some(expected / sweep.replicates)
            || replicate != Some(expected % sweep.replicates)
        {
            return Err(InputError::new(
                format!("{}:{}", path.display(), i + 2),
                "this row is not the run the sweep expects here; the file was edited or mixed with another sweep",
            )
            .into());
        }
    }
    Ok(())
}

/// Merges the shard directories of one sweep into `out`: exactly the `runs.csv` (and
/// `points.csv`) one process would have written.
pub fn merge_shards(out: &Path, shards: &[PathBuf]) -> Result<u64, Error> {
    if shards.is_empty() {
        return Err(InputError::new("merge", "give the shard directories to merge").into());
    }
    let manifests: Vec<SweepManifest> = shards
        .iter()
        .map(|d| read_manifest(&d.join(MANIFEST_FILE)))
        .collect::<Result<_, _>>()?;
    let first = &manifests[0];
    let count = first.shard.count;
    let mut seen = vec![false; count as usize];
    for (m, d) in manifests.iter().zip(shards) {
        let place = d.display().to_string();
        if m.fingerprint != first.fingerprint || m.shard.count != count {
            return Err(InputError::new(
                place,
                format!(
                    "this shard belongs to a different sweep than {}: {}; run every shard from \
                     the same scenario with the same options (only --shard I/N differs)",
                    shards[0].display(),
                    manifest_difference(first, m)
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
        if std::mem::replace(&mut seen[m.shard.index as usize], true) {
            return Err(InputError::new(
                place,
                format!("shard {}/{count} is given twice", m.shard.index + 1),
            )
            .into());
        }
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(
            InputError::new("merge", format!("shard {}/{count} is missing", missing + 1)).into(),
        );
    }
    // Run r is in shard r % count, and each shard's rows are in run order: deal them back.
    let mut readers: Vec<std::io::Lines<BufReader<File>>> = vec![];
    let mut order: Vec<usize> = vec![0; count as usize];
    for (k, (m, d)) in manifests.iter().zip(shards).enumerate() {
        order[m.shard.index as usize] = k;
        let path = d.join(RUNS_FILE);
        readers.push(BufReader::new(File::open(&path).map_err(|e| Error::io(&path, e))?).lines());
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let runs_path = out.join(RUNS_FILE);
    let mut file = AtomicFile::create(&runs_path)?;
    let mut header = None;
    for r in readers.iter_mut() {
        let h = r
            .next()
            .transpose()
            .map_err(|e| Error::io(out, e))?
            .unwrap_or_default();
        if *header.get_or_insert_with(|| h.clone()) != h {
            return Err(InputError::new("merge", "the shards' runs.csv headers differ").into());
        }
    }
    let header = header.unwrap_or_default();
    writeln!(file.writer(), "{header}").map_err(|e| Error::io(&runs_path, e))?;
    let total = first.points * first.replicates;
    for run in 0..total {
        let k = order[(run % count) as usize];
        let line = readers[k]
            .next()
            .transpose()
            .map_err(|e| Error::io(&shards[k], e))?
            .ok_or_else(|| {
                InputError::new(
                    shards[k].display().to_string(),
                    "this shard has fewer rows than its runs",
                )
            })?;
        writeln!(file.writer(), "{line}").map_err(|e| Error::io(&runs_path, e))?;
    }
    file.commit()?;
    write_json(
        &out.join(MANIFEST_FILE),
        &SweepManifest {
            shard: Shard::WHOLE,
            complete: true,
            ..first.clone()
        },
    )?;
    write_points(out, &first.keys)?;
    Ok(total)
}

/// What differs between the manifests of two shards that do not belong together, in words.
fn manifest_difference(first: &SweepManifest, other: &SweepManifest) -> String {
    let mut out = Vec::new();
    if other.shard.count != first.shard.count {
        out.push(format!(
            "it is one of {} shards, the first one of {}",
            other.shard.count, first.shard.count
        ));
    }
    if other.keys != first.keys {
        out.push(format!(
            "it sweeps {} instead of {}",
            other.keys.join(", "),
            first.keys.join(", ")
        ));
    }
    if other.points != first.points {
        out.push(format!(
            "it has {} points instead of {}",
            other.points, first.points
        ));
    }
    if other.replicates != first.replicates {
        out.push(format!(
            "it has {} replicates per point instead of {}",
            other.replicates, first.replicates
        ));
    }
    if other.version != first.version {
        out.push(format!(
            "it was written by followership {} instead of {}",
            other.version, first.version
        ));
    }
    if out.is_empty() {
        // Same shape: the fingerprint covers the scenario itself and the swept values.
        out.push(
            "the base scenario or the swept values differ (a value in the file, the seed, or a \
             --set)"
                .to_string(),
        );
    }
    out.join("; ")
}

/// Aggregates `runs.csv` point by point into `points.csv` (and, with the `parquet` feature,
/// writes both tables as Parquet too).
fn write_points(dir: &Path, keys: &[String]) -> Result<(), Error> {
    crate::output::points::write_points(&dir.join(RUNS_FILE), &dir.join(POINTS_FILE), keys.len())?;
    #[cfg(feature = "parquet")]
    {
        use crate::output::parquet::csv_to_parquet;
        let text: Vec<&str> = keys.iter().map(String::as_str).collect();
        csv_to_parquet(
            &dir.join(RUNS_FILE),
            &dir.join("runs.parquet"),
            &["point", "replicate"],
            &text,
        )?;
        csv_to_parquet(
            &dir.join(POINTS_FILE),
            &dir.join("points.parquet"),
            &["point", "runs"],
            &text,
        )?;
    }
    Ok(())
}
