//! `runs.csv`: one row per run of a sweep (point, replicate, the swept values, every outcome),
//! as a sink that appends each block and flushes it to disk before the next, and as a reader
//! of a file an earlier process (or another shard) wrote.
//!
//! Cells are written and read by the `csv` crate, so a value holding a comma or a quote (a
//! `choices` value such as `[1, 2]`) is quoted and comes back whole. An interrupted sweep leaves
//! a prefix of its rows plus at most one torn row; [`RunsCsv::resume`] checks the prefix row by
//! row against the sweep, cuts the torn row off, and hands the rows to the other sinks, so that
//! a resumed sweep writes the same bytes as one that never stopped.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::atomic::AtomicFile;
use crate::error::{Error, InputError};
use crate::experiment::Point;
use crate::experiment::sweep::{OutcomeSink, PointValues, Row, Shard, Sweep};
use crate::simulation::RunOutcome;

/// File name of the rows of a sweep.
pub const RUNS_FILE: &str = "runs.csv";

/// Rows handed to other sinks at a time while a file is read back.
const REPLAY_BLOCK: usize = 512;

/// The `runs.csv` sink.
pub struct RunsCsv {
    path: PathBuf,
    target: Target,
}

enum Target {
    /// Appending to a file that already holds the header (and maybe rows): each block is
    /// synced before the next, so a killed sweep keeps every finished block.
    Append(File),
    /// A file that appears whole at the end (a merge).
    Atomic(Option<AtomicFile>),
}

impl RunsCsv {
    /// Starts `path` afresh for `sweep`: the header appears atomically, then rows are appended.
    pub fn create(path: &Path, sweep: &Sweep) -> Result<RunsCsv, Error> {
        let mut header = AtomicFile::create(path)?;
        header
            .write_all(&header_bytes(sweep)?)
            .map_err(|e| Error::io(path, e))?;
        header.commit()?;
        RunsCsv::append(path)
    }

    /// Writes `path` whole, committed when the sink is finished: what a merge writes.
    pub fn atomic(path: &Path, sweep: &Sweep) -> Result<RunsCsv, Error> {
        let mut file = AtomicFile::create(path)?;
        file.write_all(&header_bytes(sweep)?)
            .map_err(|e| Error::io(path, e))?;
        Ok(RunsCsv {
            path: path.to_path_buf(),
            target: Target::Atomic(Some(file)),
        })
    }

    /// Continues the `runs.csv` an interrupted run of this shard of `sweep` left at `path`:
    /// checks that its rows are the shard's first runs in order, cuts off a torn last row,
    /// hands every row to `replay` (the sinks that need all rows, such as `points.csv`) and
    /// returns the sink with the number of runs done. A missing file is started afresh.
    pub fn resume(
        path: &Path,
        sweep: &Sweep,
        shard: Shard,
        replay: &mut dyn OutcomeSink,
    ) -> Result<(RunsCsv, u64), Error> {
        if !path.exists() {
            return Ok((RunsCsv::create(path, sweep)?, 0));
        }
        let io = |e| Error::io(path, e);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let header = header_bytes(sweep)?;
        let mut start = vec![0u8; header.len().min(len as usize)];
        file.read_exact(&mut start).map_err(io)?;
        if start.len() < header.len() && header.starts_with(&start) {
            // Killed while the header was written: nothing else is there.
            drop(file);
            return Ok((RunsCsv::create(path, sweep)?, 0));
        }
        if start != header {
            return Err(InputError::new(
                format!("{}:1", path.display()),
                "the header is not this sweep's (other parameters, or the file was edited); \
                 start afresh in another --out directory",
            )
            .into());
        }
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        // Only the last row can lack its line end: the rows before it were written whole.
        let ends_whole = last_byte(&file, len).map_err(io)? == Some(b'\n');
        let mut reader = RunsReader::new(path, BufReader::new(&file), sweep, shard)?;
        let mut keep = header.len() as u64;
        let mut done = 0u64;
        let mut rows = Vec::with_capacity(REPLAY_BLOCK);
        loop {
            match reader.next_row() {
                Ok(None) => break,
                Ok(Some((row, end))) => {
                    let complete = end < len || ends_whole;
                    if !complete {
                        break;
                    }
                    keep = end;
                    done += 1;
                    rows.push(row);
                    if rows.len() == REPLAY_BLOCK {
                        replay.accept(&rows)?;
                        rows.clear();
                    }
                }
                // The last row may be torn by a kill; anything wrong before it is an error.
                Err(_) if reader.at_end(len) => break,
                Err(e) => return Err(e),
            }
        }
        replay.accept(&rows)?;
        drop(reader);
        file.set_len(keep).map_err(io)?;
        drop(file);
        Ok((RunsCsv::append(path)?, done))
    }

    fn append(path: &Path) -> Result<RunsCsv, Error> {
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        Ok(RunsCsv {
            path: path.to_path_buf(),
            target: Target::Append(file),
        })
    }
}

/// The last of the `len` bytes of `file`, read without moving its position.
fn last_byte(mut file: &File, len: u64) -> std::io::Result<Option<u8>> {
    if len == 0 {
        return Ok(None);
    }
    let at = file.stream_position()?;
    let mut b = [0u8];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut b)?;
    file.seek(SeekFrom::Start(at))?;
    Ok(Some(b[0]))
}

/// The header line of `sweep`'s `runs.csv`.
fn header_bytes(sweep: &Sweep) -> Result<Vec<u8>, Error> {
    super::csv_bytes(|w| w.write_record(sweep.columns())).map_err(|e| Error::io(RUNS_FILE, e))
}

/// The header line of `sweep`'s `runs.csv`, as text (with its line end).
pub fn header_text(sweep: &Sweep) -> Result<String, Error> {
    Ok(String::from_utf8_lossy(&header_bytes(sweep)?).into_owned())
}

/// `rows` as lines of `runs.csv`, as text: for a caller that writes or ships the file itself.
pub fn rows_text(rows: &[Row]) -> Result<String, Error> {
    let bytes = super::csv_bytes(|w| rows.iter().try_for_each(|row| write_row(w, row)))
        .map_err(|e| Error::io(RUNS_FILE, e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The rows of a whole `runs.csv` with `keys` swept parameters that another process assembled,
/// read without the sweep at hand: the swept values are typed as [`crate::experiment::Value::parse`]
/// reads them. Returns the swept keys (from the header) and the rows, in the file's order.
pub fn read_rows(text: &[u8], keys: usize) -> Result<(Vec<String>, Vec<Row>), Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text);
    let header = reader
        .headers()
        .map_err(|e| InputError::new(format!("{RUNS_FILE}:1"), format!("not a header: {e}")))?;
    if header.len() < 2 + keys {
        return Err(InputError::new(
            format!("{RUNS_FILE}:1"),
            format!(
                "{} columns, fewer than {keys} swept keys need",
                header.len()
            ),
        )
        .into());
    }
    let names: Vec<String> = header
        .iter()
        .skip(2)
        .take(keys)
        .map(str::to_string)
        .collect();
    let expected = 2 + keys + RunOutcome::COLUMNS.len();
    let mut rows = Vec::new();
    let mut last: Option<Arc<PointValues>> = None;
    for (i, record) in reader.records().enumerate() {
        let place = format!("{RUNS_FILE}:{}", i + 2);
        let r = record.map_err(|e| InputError::new(&place, format!("not a row: {e}")))?;
        if r.len() != expected {
            return Err(InputError::new(
                place,
                format!("expected {expected} cells, found {}", r.len()),
            )
            .into());
        }
        let number = |c: usize| -> Result<u64, Error> {
            r[c].parse().map_err(|_| {
                InputError::new(&place, format!("{:?} is not a run's number", &r[c])).into()
            })
        };
        let (point, replicate) = (number(0)?, number(1)?);
        let labels: Vec<String> = (2..2 + keys).map(|c| r[c].to_string()).collect();
        let values = match &last {
            Some(v) if v.labels == labels => Arc::clone(v),
            _ => Arc::new(PointValues {
                values: labels
                    .iter()
                    .map(|l| crate::experiment::Value::parse(l))
                    .collect(),
                labels,
            }),
        };
        last = Some(Arc::clone(&values));
        let mut cells = [None; 12];
        for (k, slot) in cells.iter_mut().enumerate() {
            let text = &r[2 + keys + k];
            if !text.is_empty() {
                *slot = Some(text.parse::<f64>().map_err(|_| {
                    InputError::new(
                        &place,
                        format!("{} is {text:?}, not a number", RunOutcome::COLUMNS[k]),
                    )
                })?);
            }
        }
        let outcome = outcome_from(cells)
            .ok_or_else(|| InputError::new(&place, "the outcomes are not those of a run"))?;
        rows.push(Row {
            point,
            replicate,
            values,
            outcome,
        });
    }
    Ok((names, rows))
}

/// Writes `row` as a record of `runs.csv`.
fn write_row(w: &mut csv::Writer<Vec<u8>>, row: &Row) -> csv::Result<()> {
    w.write_field(row.point.to_string())?;
    w.write_field(row.replicate.to_string())?;
    for label in &row.values.labels {
        w.write_field(label)?;
    }
    // A moment that never came (no first follower, say) is an empty cell.
    for v in row.outcome.values() {
        w.write_field(v.map(|v| v.to_string()).unwrap_or_default())?;
    }
    w.write_record(None::<&[u8]>)
}

impl OutcomeSink for RunsCsv {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        let path = &self.path;
        let bytes = super::csv_bytes(|w| rows.iter().try_for_each(|row| write_row(w, row)))
            .map_err(|e| Error::io(path, e))?;
        match &mut self.target {
            Target::Append(file) => {
                file.write_all(&bytes).map_err(|e| Error::io(path, e))?;
                file.sync_data().map_err(|e| Error::io(path, e))
            }
            Target::Atomic(file) => file
                .as_mut()
                .expect("written until finished")
                .write_all(&bytes)
                .map_err(|e| Error::io(path, e)),
        }
    }

    fn finish(&mut self) -> Result<(), Error> {
        match &mut self.target {
            Target::Append(_) => Ok(()),
            Target::Atomic(file) => file.take().map_or(Ok(()), AtomicFile::commit),
        }
    }
}

/// Reads the rows of a `runs.csv` another process wrote for a shard of `sweep`, checking that
/// each is the run expected next (its point, replicate and swept values).
pub struct RunsReader<'s, R: Read> {
    path: PathBuf,
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
    sweep: &'s Sweep,
    shard: Shard,
    /// This shard's runs read so far.
    read: u64,
    /// The swept values of the last point read, shared by its rows.
    values: Option<(Point, Arc<PointValues>)>,
}

impl<'s> RunsReader<'s, BufReader<File>> {
    /// Opens `path`, a shard's `runs.csv`, and checks its header.
    pub fn open(path: &Path, sweep: &'s Sweep, shard: Shard) -> Result<Self, Error> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        RunsReader::new(path, BufReader::new(file), sweep, shard)
    }
}

impl<'s, R: Read> RunsReader<'s, R> {
    fn new(path: &Path, input: R, sweep: &'s Sweep, shard: Shard) -> Result<Self, Error> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut header = csv::StringRecord::new();
        let ok = reader.read_record(&mut header).unwrap_or(false);
        if !ok || header.iter().ne(sweep.columns().iter().map(String::as_str)) {
            return Err(InputError::new(
                format!("{}:1", path.display()),
                "the header is not this sweep's (other parameters, or the file was edited)",
            )
            .into());
        }
        Ok(RunsReader {
            path: path.to_path_buf(),
            reader,
            record: csv::ByteRecord::new(),
            sweep,
            shard,
            read: 0,
            values: None,
        })
    }

    /// Whether the reader has reached byte `len`, the end of the file.
    fn at_end(&self, len: u64) -> bool {
        self.reader.position().byte() >= len
    }

    /// The next row and the byte offset just past it; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<(Row, u64)>, Error> {
        let line = self.reader.position().line();
        let place = || format!("{}:{line}", self.path.display());
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| InputError::new(place(), format!("not a row of runs.csv: {e}")))?;
        if !more {
            return Ok(None);
        }
        let bad = |m: String| -> Error { InputError::new(place(), m).into() };
        let total = self.shard.run_count(self.sweep.run_count());
        if self.read >= total {
            return Err(bad(format!(
                "more rows than the {total} runs of the sweep{}",
                if self.shard == Shard::WHOLE {
                    String::new()
                } else {
                    format!(" shard {}/{}", self.shard.index + 1, self.shard.count)
                }
            )));
        }
        let run = self.shard.run(self.read);
        let replicates = self.sweep.replicates();
        let (point, replicate) = (run / replicates, run % replicates);
        let keys = self.sweep.parameters().len();
        let expected = 2 + keys + RunOutcome::COLUMNS.len();
        let r = &self.record;
        if r.len() != expected {
            return Err(bad(format!("expected {expected} cells, found {}", r.len())));
        }
        let cell = |i: usize| std::str::from_utf8(&r[i]).unwrap_or("\u{fffd}");
        if cell(0) != point.to_string() || cell(1) != replicate.to_string() {
            return Err(bad(format!(
                "found the run of point {}, replicate {} where point {point}, replicate \
                 {replicate} belongs; the file was edited or mixed with another sweep",
                cell(0),
                cell(1)
            )));
        }
        let values = match &self.values {
            Some((p, v)) if *p == point => Arc::clone(v),
            _ => {
                let v = Arc::new(self.sweep.values(point));
                self.values = Some((point, Arc::clone(&v)));
                v
            }
        };
        if let Some(k) = (0..keys).find(|&k| cell(2 + k) != values.labels[k]) {
            return Err(bad(format!(
                "{} is {:?} here but {:?} at point {point} of this sweep; the file was edited \
                 or belongs to another sweep",
                self.sweep.parameters()[k].key,
                cell(2 + k),
                values.labels[k]
            )));
        }
        let mut cells = [None; 12];
        for (i, slot) in cells.iter_mut().enumerate() {
            let text = cell(2 + keys + i);
            if !text.is_empty() {
                *slot = Some(text.parse::<f64>().map_err(|_| {
                    bad(format!(
                        "{} is {text:?}, not a number",
                        RunOutcome::COLUMNS[i]
                    ))
                })?);
            }
        }
        let outcome = outcome_from(cells)
            .ok_or_else(|| bad("the outcomes are not those of a run".to_string()))?;
        self.read += 1;
        Ok(Some((
            Row {
                point,
                replicate,
                values,
                outcome,
            },
            self.reader.position().byte(),
        )))
    }
}

/// The outcome whose [`RunOutcome::values`] are `v`; `None` when they cannot be one (a count
/// that is not a whole number, a missing final size).
fn outcome_from(v: [Option<f64>; 12]) -> Option<RunOutcome> {
    let whole =
        |x: f64| (x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x)).then_some(x as u32);
    let tick = |x: Option<f64>| -> Option<Option<u32>> {
        match x {
            None => Some(None),
            Some(x) => whole(x).map(Some),
        }
    };
    let outcome = RunOutcome {
        final_following: whole(v[0]?)?,
        final_fraction: v[1]?,
        peak_fraction: v[2]?,
        ticks: whole(v[3]?)?,
        cascaded: match v[4]? {
            0.0 => false,
            1.0 => true,
            _ => return None,
        },
        first_follower_tick: tick(v[5])?,
        second_follower_tick: tick(v[6])?,
        critical_mass_tick: tick(v[7])?,
        leader_quit_tick: tick(v[8])?,
        final_mean_trust: v[9]?,
        final_50_tick: tick(v[10])?,
        final_90_tick: tick(v[11])?,
        // `runs.csv` has no cycle columns (see `RunOutcome::cycle`): a row read back does not
        // say whether its run ended in a cycle, and nothing read back from it needs to.
        cycle: None,
    };
    // Written and read by the same order of columns: checked, not assumed.
    (outcome.values() == v).then_some(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_their_values() {
        let o = RunOutcome {
            final_following: 12,
            final_fraction: 0.1234567890123,
            peak_fraction: 0.5,
            ticks: 40,
            cascaded: true,
            first_follower_tick: Some(2),
            second_follower_tick: None,
            critical_mass_tick: Some(9),
            leader_quit_tick: None,
            final_mean_trust: 1.0,
            final_50_tick: Some(20),
            final_90_tick: None,
            cycle: None,
        };
        assert_eq!(outcome_from(o.values()), Some(o));
        let mut v = o.values();
        v[4] = Some(0.5);
        assert_eq!(outcome_from(v), None);
        v[4] = Some(1.0);
        v[0] = None;
        assert_eq!(outcome_from(v), None);
    }
}
