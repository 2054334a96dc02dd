//! `points.csv`: each point of a sweep summarised over its replicates — mean, standard deviation
//! and 95% interval of every outcome, and the cascade probability with its Wilson interval.
//!
//! A sink of a whole sweep's rows ([`PointsCsv`]): a point's line is written when its last run
//! arrives, so memory holds one point's runs, never the sweep's. The summaries are kept (a few
//! numbers a point) for the plots, the report and the table the CLI prints.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::points::{PointAggregator, PointSummary};
use crate::atomic::AtomicFile;
use crate::error::Error;
use crate::experiment::sweep::{OutcomeSink, Row};
use crate::simulation::RunOutcome;

/// File name of the per-point aggregates.
pub const POINTS_FILE: &str = "points.csv";

/// The `points.csv` sink (rows must come a point at a time, as a whole sweep gives them).
pub struct PointsCsv {
    path: PathBuf,
    file: Option<AtomicFile>,
    aggregator: PointAggregator,
    summaries: Vec<PointSummary>,
}

impl PointsCsv {
    /// Starts `path` for a sweep of the parameters `keys`; it appears when the sink finishes.
    pub fn create(path: &Path, keys: &[String]) -> Result<PointsCsv, Error> {
        let head = header(keys);
        let mut file = AtomicFile::create(path)?;
        let bytes = super::csv_bytes(|w| w.write_record(&head)).map_err(|e| Error::io(path, e))?;
        file.write_all(&bytes).map_err(|e| Error::io(path, e))?;
        Ok(PointsCsv {
            path: path.to_path_buf(),
            file: Some(file),
            aggregator: PointAggregator::default(),
            summaries: Vec::new(),
        })
    }

    /// The summaries of the points written so far (every point once finished).
    pub fn summaries(&self) -> &[PointSummary] {
        &self.summaries
    }

    /// Takes the summaries out of the sink.
    pub fn into_summaries(self) -> Vec<PointSummary> {
        self.summaries
    }

    fn write(&mut self, s: PointSummary) -> Result<(), Error> {
        let path = &self.path;
        let bytes = super::csv_bytes(|w| write_point(w, &s)).map_err(|e| Error::io(path, e))?;
        self.summaries.push(s);
        self.file
            .as_mut()
            .expect("written until finished")
            .write_all(&bytes)
            .map_err(|e| Error::io(path, e))
    }
}

/// The columns of `points.csv` for the swept parameters `keys`.
fn header(keys: &[String]) -> Vec<String> {
    let mut head = vec!["point".to_string()];
    head.extend(keys.iter().cloned());
    head.push("runs".into());
    for o in RunOutcome::COLUMNS {
        for stat in ["mean", "sd", "low", "high"] {
            head.push(format!("{o}_{stat}"));
        }
    }
    head.extend(["cascade_probability", "cascade_low", "cascade_high"].map(String::from));
    head
}

/// `points.csv` as text for the rows of a whole sweep of the parameters `keys` (in run order):
/// for a caller that holds the rows and writes or shows the table itself.
pub fn points_text(keys: &[String], rows: &[Row]) -> Result<String, Error> {
    let mut aggregator = PointAggregator::default();
    let mut points = Vec::new();
    for row in rows {
        points.extend(aggregator.push(row)?);
    }
    points.extend(aggregator.finish()?);
    let bytes = super::csv_bytes(|w| {
        w.write_record(header(keys))?;
        points.iter().try_for_each(|p| write_point(w, p))
    })
    .map_err(|e| Error::io(POINTS_FILE, e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes `s` as a record of `points.csv`.
fn write_point(w: &mut csv::Writer<Vec<u8>>, s: &PointSummary) -> csv::Result<()> {
    w.write_field(s.point.to_string())?;
    for label in &s.values.labels {
        w.write_field(label)?;
    }
    w.write_field(s.runs.to_string())?;
    for m in &s.outcomes {
        for x in [m.mean, m.sd, m.low, m.high] {
            // A moment that never came at this point has no mean: an empty cell.
            w.write_field(if x.is_finite() {
                x.to_string()
            } else {
                String::new()
            })?;
        }
    }
    let p = s.cascade;
    for x in [p.estimate, p.low, p.high] {
        w.write_field(x.to_string())?;
    }
    w.write_record(None::<&[u8]>)
}

impl OutcomeSink for PointsCsv {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        for row in rows {
            if let Some(done) = self.aggregator.push(row)? {
                self.write(done)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        if let Some(last) = self.aggregator.finish()? {
            self.write(last)?;
        }
        self.file.take().map_or(Ok(()), AtomicFile::commit)
    }
}
