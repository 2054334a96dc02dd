//! Each point of a sweep summarised over its replicates: the mean, standard deviation and 95%
//! interval of every outcome, and the cascade probability with its Wilson interval.
//!
//! [`PointAggregator`] takes a sweep's rows in run order (a point's rows together, as a whole
//! sweep hands them out) and gives a [`PointSummary`] each time a point is complete, so only one
//! point's values are held at a time.

use std::sync::Arc;

use super::summary::{MeanInterval, Proportion, mean_interval, wilson};
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

#[derive(Debug)]
struct Current {
    point: Point,
    values: Arc<PointValues>,
    /// Per outcome, the values of the point's runs (those that have one), in run order.
    columns: Vec<Vec<f64>>,
    runs: u64,
    cascades: u64,
}

impl Current {
    fn summary(self) -> PointSummary {
        PointSummary {
            point: self.point,
            values: self.values,
            runs: self.runs,
            outcomes: self.columns.iter().map(|v| mean_interval(v)).collect(),
            cascade: wilson(self.cascades, self.runs),
        }
    }
}

impl PointAggregator {
    /// Adds one run; when it is the first of a new point, returns the summary of the point
    /// before.
    pub fn push(&mut self, row: &Row) -> Option<PointSummary> {
        let done = match &self.current {
            Some(c) if c.point != row.point => self.current.take().map(Current::summary),
            _ => None,
        };
        let c = self.current.get_or_insert_with(|| Current {
            point: row.point,
            values: Arc::clone(&row.values),
            columns: vec![Vec::new(); RunOutcome::COLUMNS.len()],
            runs: 0,
            cascades: 0,
        });
        for (column, value) in c.columns.iter_mut().zip(row.outcome.values()) {
            if let Some(v) = value {
                column.push(v);
            }
        }
        c.runs += 1;
        c.cascades += u64::from(row.outcome.cascaded);
        done
    }

    /// The summary of the last point, once every row has been pushed.
    pub fn finish(&mut self) -> Option<PointSummary> {
        self.current.take().map(Current::summary)
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
        assert!(a.push(&row(0, 0.2, false, Some(3))).is_none());
        assert!(a.push(&row(0, 0.4, true, None)).is_none());
        let p0 = a.push(&row(1, 1.0, true, None)).unwrap();
        assert_eq!(p0.point, 0);
        assert_eq!(p0.runs, 2);
        assert!((p0.outcome("final_fraction").unwrap().mean - 0.3).abs() < 1e-12);
        // A moment that never came is left out of the mean.
        assert_eq!(p0.outcome("first_follower_tick").unwrap().mean, 3.0);
        assert_eq!(p0.cascade.estimate, 0.5);
        let p1 = a.finish().unwrap();
        assert_eq!((p1.point, p1.runs), (1, 1));
        assert!(p1.outcome("first_follower_tick").unwrap().mean.is_nan());
        assert!(a.finish().is_none());
    }
}
