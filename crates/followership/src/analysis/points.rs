//! Each point of a sweep summarised over its replicates: the mean, standard deviation and 95%
//! interval of every outcome, and the cascade probability with its Wilson interval.
//!
//! [`PointAggregator`] takes a sweep's rows in run order (a point's rows together, as a whole
//! sweep hands them out) and gives a [`PointSummary`] each time a point is complete, so only one
//! point's values are held at a time; and of those, at most [`IN_MEMORY`] per outcome: the
//! standard deviation needs a second pass over the values after the mean, so a point with more
//! replicates than that keeps the rest in a temporary file and reads it twice. Memory thus does
//! not grow with the number of replicates, and the numbers are the very bits of
//! [`mean_interval`] over all values in memory.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

use super::summary::{MeanInterval, Proportion, mean_interval, mean_interval_by, wilson};
use crate::error::Error;
use crate::experiment::Point;
use crate::experiment::sweep::{PointValues, Row};
use crate::simulation::RunOutcome;

/// One point of a sweep, summarised over its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSummary {
    /// The point.
    pub point: Point,
    /// The swept values at the point.
    pub values: Arc<PointValues>,
    /// Number of runs at the point.
    pub runs: u64,
    /// Per outcome of [`RunOutcome::COLUMNS`], in that order: the mean with its 95% interval
    /// over the runs in which the outcome has a value (a moment that never came is left out;
    /// all NaN when it never came at all).
    pub outcomes: Vec<MeanInterval>,
    /// How often the runs cascaded, with its Wilson interval.
    pub cascade: Proportion,
}

impl PointSummary {
    /// The summary of outcome `name` (one of [`RunOutcome::COLUMNS`]).
    pub fn outcome(&self, name: &str) -> Option<&MeanInterval> {
        let i = RunOutcome::COLUMNS.iter().position(|c| *c == name)?;
        self.outcomes.get(i)
    }
}

/// Turns rows grouped by point into one [`PointSummary`] per point.
#[derive(Debug, Default)]
pub struct PointAggregator {
    current: Option<Current>,
}

/// Values of one outcome held in memory at a point before they go to a temporary file (2 MB).
pub const IN_MEMORY: usize = 1 << 18;

#[derive(Debug)]
struct Current {
    point: Point,
    values: Arc<PointValues>,
    /// Per outcome, the values of the point's runs (those that have one), in run order.
    columns: Vec<Column>,
    runs: u64,
    cascades: u64,
}

/// The values of one outcome at a point: the last ones in memory, the earlier ones (when there
/// are more than [`IN_MEMORY`]) in a temporary file, in order.
#[derive(Debug, Default)]
struct Column {
    memory: Vec<f64>,
    spilled: Option<(BufWriter<File>, usize)>,
}

impl Column {
    fn push(&mut self, v: f64) -> Result<(), Error> {
        self.memory.push(v);
        if self.memory.len() == IN_MEMORY {
            self.spill()?;
        }
        Ok(())
    }

    /// Moves the values in memory to the end of the temporary file.
    fn spill(&mut self) -> Result<(), Error> {
        let io = |e| Error::io("a temporary file of point summaries", e);
        if self.spilled.is_none() {
            self.spilled = Some((BufWriter::new(tempfile::tempfile().map_err(io)?), 0));
        }
        let (file, count) = self.spilled.as_mut().expect("just made");
        *count += self.memory.len();
        for v in self.memory.drain(..) {
            file.write_all(&v.to_le_bytes()).map_err(io)?;
        }
        Ok(())
    }

    fn summary(mut self) -> Result<MeanInterval, Error> {
        if self.spilled.is_none() {
            return Ok(mean_interval(&self.memory));
        }
        let n = self.memory.len() + self.spilled.as_ref().map_or(0, |s| s.1);
        self.spill()?;
        let io = |e| Error::io("a temporary file of point summaries", e);
        let (file, _) = self.spilled.take().expect("spilled");
        let file = file.into_inner().map_err(|e| io(e.into_error()))?;
        let failed: RefCell<Option<std::io::Error>> = RefCell::new(None);
        let (f, fail) = (&file, &failed);
        let summary = mean_interval_by(n, move || {
            let failed = fail;
            let mut f = f;
            let start = f.seek(SeekFrom::Start(0));
            if let Err(e) = start {
                failed.borrow_mut().get_or_insert(e);
            }
            let mut reader = BufReader::new(f);
            std::iter::from_fn(move || {
                let mut b = [0u8; 8];
                match reader.read_exact(&mut b) {
                    Ok(()) => Some(f64::from_le_bytes(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => None,
                    Err(e) => {
                        failed.borrow_mut().get_or_insert(e);
                        None
                    }
                }
            })
        });
        match failed.into_inner() {
            Some(e) => Err(io(e)),
            None => Ok(summary),
        }
    }
}

impl Current {
    fn summary(self) -> Result<PointSummary, Error> {
        Ok(PointSummary {
            point: self.point,
            values: self.values,
            runs: self.runs,
            outcomes: self
                .columns
                .into_iter()
                .map(Column::summary)
                .collect::<Result<_, _>>()?,
            cascade: wilson(self.cascades, self.runs),
        })
    }
}

impl PointAggregator {
    /// Adds one run; when it is the first of a new point, returns the summary of the point
    /// before. Fails only when a temporary file cannot be written or read.
    pub fn push(&mut self, row: &Row) -> Result<Option<PointSummary>, Error> {
        let done = match &self.current {
            Some(c) if c.point != row.point => self.current.take().map(Current::summary),
            _ => None,
        }
        .transpose()?;
        let c = self.current.get_or_insert_with(|| Current {
            point: row.point,
            values: Arc::clone(&row.values),
            columns: (0..RunOutcome::COLUMNS.len())
                .map(|_| Column::default())
                .collect(),
            runs: 0,
            cascades: 0,
        });
        for (column, value) in c.columns.iter_mut().zip(row.outcome.values()) {
            if let Some(v) = value {
                column.push(v)?;
            }
        }
        c.runs += 1;
        c.cascades += u64::from(row.outcome.cascaded);
        Ok(done)
    }

    /// The summary of the last point, once every row has been pushed.
    pub fn finish(&mut self) -> Result<Option<PointSummary>, Error> {
        self.current.take().map(Current::summary).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(point: Point, final_fraction: f64, cascaded: bool, first: Option<u32>) -> Row {
        Row {
            point,
            replicate: 0,
            values: Arc::new(PointValues {
                values: vec![],
                labels: vec![],
            }),
            outcome: RunOutcome {
                final_fraction,
                cascaded,
                first_follower_tick: first,
                ..Default::default()
            },
        }
    }

    #[test]
    fn points_are_summarised_when_the_next_begins() {
        let mut a = PointAggregator::default();
        assert!(a.push(&row(0, 0.2, false, Some(3))).unwrap().is_none());
        assert!(a.push(&row(0, 0.4, true, None)).unwrap().is_none());
        let p0 = a.push(&row(1, 1.0, true, None)).unwrap().unwrap();
        assert_eq!(p0.point, 0);
        assert_eq!(p0.runs, 2);
        assert!((p0.outcome("final_fraction").unwrap().mean - 0.3).abs() < 1e-12);
        // A moment that never came is left out of the mean.
        assert_eq!(p0.outcome("first_follower_tick").unwrap().mean, 3.0);
        assert_eq!(p0.cascade.estimate, 0.5);
        let p1 = a.finish().unwrap().unwrap();
        assert_eq!((p1.point, p1.runs), (1, 1));
        assert!(p1.outcome("first_follower_tick").unwrap().mean.is_nan());
        assert!(a.finish().unwrap().is_none());
    }

    #[test]
    fn many_replicates_go_through_a_file_and_give_the_same_bits() {
        // Values whose sums round differently in every order: only the same order gives the
        // same bits.
        let n = 2 * IN_MEMORY + 1234;
        let value = |i: usize| ((i * 7919) % 1000) as f64 / 997.0 + 1e-9 * i as f64;
        let mut a = PointAggregator::default();
        for i in 0..n {
            let first = (i % 3 == 0).then_some(i as u32 % 50);
            assert!(
                a.push(&row(0, value(i), i % 2 == 0, first))
                    .unwrap()
                    .is_none()
            );
        }
        let p = a.finish().unwrap().unwrap();
        let all: Vec<f64> = (0..n).map(value).collect();
        let expect = mean_interval(&all);
        let got = p.outcome("final_fraction").unwrap();
        assert_eq!(got.mean.to_bits(), expect.mean.to_bits());
        assert_eq!(got.sd.to_bits(), expect.sd.to_bits());
        assert_eq!(got.low.to_bits(), expect.low.to_bits());
        let firsts: Vec<f64> = (0..n)
            .filter(|i| i % 3 == 0)
            .map(|i| f64::from(i as u32 % 50))
            .collect();
        assert_eq!(
            p.outcome("first_follower_tick").unwrap().sd.to_bits(),
            mean_interval(&firsts).sd.to_bits()
        );
        assert_eq!(p.runs, n as u64);
    }
}
