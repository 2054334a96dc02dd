//! `scenario.toml`: the fully resolved scenario, every default written out, enough to repeat the
//! run with `followership run scenario.toml`.

use std::io::Write;

use super::{Exporter, Report};

/// `scenario.toml`.
pub struct ResolvedScenario;

impl Exporter for ResolvedScenario {
    fn file_name(&self) -> &'static str {
        "scenario.toml"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(report.scenario.to_toml().as_bytes())
    }
}
