//! `run.json`: how the run was made and its headline numbers, for scripts.

use std::io::Write;

use super::{Exporter, Report};

/// `run.json`: version, seed, threads, wall time, network size, and the ensemble summary.
pub struct RunJson;

impl Exporter for RunJson {
    fn file_name(&self) -> &'static str {
        "run.json"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let value = serde_json::json!({
            "scenario": report.scenario.name,
            "run": report.info,
            "summary": report.summary,
        });
        serde_json::to_writer_pretty(&mut *out, &value)?;
        out.write_all(b"\n")
    }
}
