//! `timeseries.csv` (one row per replicate and tick) and `summary.csv` (one row per replicate).

use std::io::Write;

use super::{Exporter, Report};
use crate::simulation::RunOutcome;

/// `timeseries.csv`: replicate, tick, following, joined, left.
pub struct Timeseries;

impl Exporter for Timeseries {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = ::csv::Writer::from_writer(out);
        w.write_record([
            "replicate",
            "tick",
            "following",
            "joined",
            "left",
            "leaders_dancing",
            "mean_trust",
            "mean_trust_followers",
        ])?;
        for (r, run) in report.ensemble.runs.iter().enumerate() {
            for t in &run.timeseries {
                w.write_record(&[
                    r.to_string(),
                    t.tick.to_string(),
                    t.following.to_string(),
                    t.joined.to_string(),
                    t.left.to_string(),
                    t.leaders_dancing.to_string(),
                    t.mean_trust.to_string(),
                    t.mean_trust_followers
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                ])?;
            }
        }
        w.flush()
    }
}

/// `summary.csv`: replicate and every outcome of [`RunOutcome::COLUMNS`].
pub struct Summary;

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = ::csv::Writer::from_writer(out);
        let mut header = vec!["replicate"];
        header.extend_from_slice(RunOutcome::COLUMNS);
        w.write_record(&header)?;
        for (r, run) in report.ensemble.runs.iter().enumerate() {
            let outcome = run.outcome.as_ref().expect("finished runs have outcomes");
            let mut row = vec![r.to_string()];
            // A moment that never came (no first follower, say) is an empty cell.
            row.extend(
                outcome
                    .values()
                    .iter()
                    .map(|v| v.map(|v| v.to_string()).unwrap_or_default()),
            );
            w.write_record(&row)?;
        }
        w.flush()
    }
}
