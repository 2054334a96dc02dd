//! The in-memory sink: a `Vec` of rows, for notebooks, Python and tests.
//!
//! ```
//! use followership::experiment::Experiment;
//! use followership::design::ParameterSpec;
//! use followership::experiment::sweep::{Row, Sweep, SweepOptions, sweep};
//!
//! # fn main() -> Result<(), followership::error::Error> {
//! let experiment = Experiment::builtin("hillside")?.set("network.nodes", 200)?;
//! let persistence = ParameterSpec::list("leaders.persistence", vec![10.0, 40.0]);
//! let points = persistence.grid_values().into_iter().map(|v| vec![v]).collect();
//! let design = Sweep::new(experiment, vec![persistence], points, 3)?;
//! let mut rows: Vec<Row> = Vec::new();
//! sweep(&design, &SweepOptions::default(), &mut rows)?;
//! assert_eq!(rows.len(), 6);
//! let cascades = rows.iter().filter(|r| r.outcome.cascaded).count();
//! println!("{cascades} of 6 runs cascaded");
//! # Ok(())
//! # }
//! ```

use crate::error::Error;
use crate::experiment::sweep::{OutcomeSink, Row};

/// Every row, kept in run order (memory grows with the number of runs).
impl OutcomeSink for Vec<Row> {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        self.extend_from_slice(rows);
        Ok(())
    }
}
