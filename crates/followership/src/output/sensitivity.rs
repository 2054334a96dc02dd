//! `sensitivity.csv` and `sensitivity.json`: first-order and total Sobol indices of each outcome,
//! per parameter and per group, with bootstrap intervals, computed from the rows of a sweep over
//! a Saltelli design.
//!
//! A sink ([`SensitivityIndices`]): it averages each point's runs as they arrive (the mean of
//! `points.csv`), keeps one mean per point and outcome, and computes and writes the indices when
//! the sweep finishes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::points::{PointAggregator, PointSummary};
use crate::analysis::sensitivity::{Indices, SaltelliDesign, indices, saltelli_points};
use crate::atomic::AtomicFile;
use crate::error::{Error, InputError};
use crate::experiment::Experiment;
use crate::experiment::sweep::{OutcomeSink, Row, Sweep};
use crate::simulation::RunOutcome;

/// The outcomes analysed when the scenario names none: the final size, and how often a movement
/// forms (the mean of `cascaded` over a point's replicates is its cascade probability).
pub const DEFAULT_OUTCOMES: &[&str] = &["final_fraction", "cascaded"];

/// File name of the indices as a table.
pub const CSV_FILE: &str = "sensitivity.csv";
/// File name of the indices as JSON.
pub const JSON_FILE: &str = "sensitivity.json";

/// A sensitivity analysis ready to run: the sweep over its Saltelli design and what to compute
/// from the runs.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The design (which points, and how their values become indices).
    pub design: SaltelliDesign,
    /// The outcomes analysed, by name.
    pub outcomes: Vec<String>,
}

impl Analysis {
    /// The analysis of the experiment's `[sensitivity]` section, with `replicates` runs a point,
    /// and the sweep that runs it.
    pub fn of(base: Experiment, replicates: u64) -> Result<(Sweep, Analysis), Error> {
        let Some(spec) = base.scenario().sensitivity.clone() else {
            return Err(InputError::new(
                "sensitivity",
                "the scenario has no [sensitivity] section; add one with the parameters and \
                 their bounds",
            )
            .into());
        };
        let design = saltelli_points(&spec, base.scenario().seed);
        let outcomes = spec
            .outcomes
            .clone()
            .unwrap_or_else(|| DEFAULT_OUTCOMES.iter().map(|s| s.to_string()).collect());
        let sweep = Sweep::listed_in(
            base,
            "sensitivity.parameters",
            spec.parameters,
            design.points(),
            replicates,
        )?;
        Ok((sweep, Analysis { design, outcomes }))
    }
}

/// The sensitivity sink: takes a whole sweep's rows over `analysis.design`, and writes the
/// indices into a directory when it finishes.
pub struct SensitivityIndices {
    dir: PathBuf,
    analysis: Analysis,
    /// Per analysed outcome, its index in [`RunOutcome::COLUMNS`].
    columns: Vec<usize>,
    /// Per analysed outcome, the mean of each point so far.
    means: Vec<Vec<f64>>,
    aggregator: PointAggregator,
    results: Vec<(String, Indices)>,
}

impl SensitivityIndices {
    /// A sink writing `sensitivity.csv` and `sensitivity.json` into `dir`; every outcome must
    /// be one of [`RunOutcome::COLUMNS`].
    pub fn new(dir: &Path, analysis: Analysis) -> Result<SensitivityIndices, Error> {
        let columns = analysis
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| {
                RunOutcome::COLUMNS
                    .iter()
                    .position(|c| c == o)
                    .ok_or_else(|| {
                        InputError::new(
                            format!("sensitivity.outcomes[{i}]"),
                            format!(
                                "no outcome named `{o}`; the outcomes are {}",
                                RunOutcome::COLUMNS.join(", ")
                            ),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SensitivityIndices {
            dir: dir.to_path_buf(),
            means: vec![Vec::new(); columns.len()],
            columns,
            analysis,
            aggregator: PointAggregator::default(),
            results: Vec::new(),
        })
    }

    /// The indices of each outcome, once the sink has finished.
    pub fn results(&self) -> &[(String, Indices)] {
        &self.results
    }

    /// Takes the indices out of the sink.
    pub fn into_results(self) -> Vec<(String, Indices)> {
        self.results
    }

    fn take(&mut self, point: PointSummary) {
        for (means, &c) in self.means.iter_mut().zip(&self.columns) {
            means.push(point.outcomes[c].mean);
        }
    }
}

impl OutcomeSink for SensitivityIndices {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        for row in rows {
            if let Some(point) = self.aggregator.push(row)? {
                self.take(point);
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        if let Some(point) = self.aggregator.finish()? {
            self.take(point);
        }
        let design = &self.analysis.design;
        let found = self.means.first().map_or(0, Vec::len);
        if found != design.point_count() {
            return Err(InputError::new(
                self.dir.display().to_string(),
                format!(
                    "{found} points, but the design has {}; is the sweep finished?",
                    design.point_count()
                ),
            )
            .into());
        }
        let mut results = Vec::new();
        for (outcome, values) in self.analysis.outcomes.iter().zip(&self.means) {
            if let Some(p) = values.iter().position(|v| !v.is_finite()) {
                return Err(InputError::new(
                    format!("sensitivity.outcomes: {outcome}"),
                    format!(
                        "point {p} has no value for it (the moment never came in any \
                         replicate); analyse an outcome every run has, such as final_fraction"
                    ),
                )
                .into());
            }
            results.push((outcome.clone(), indices(design, values)));
        }
        write_csv(&self.dir.join(CSV_FILE), &results)?;
        write_json(&self.dir.join(JSON_FILE), &results)?;
        self.results = results;
        Ok(())
    }
}

fn write_csv(path: &Path, results: &[(String, Indices)]) -> Result<(), Error> {
    // An index without a value (an outcome that does not vary) is an empty cell.
    let cell = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    let bytes = super::csv_bytes(|w| {
        w.write_record([
            "outcome",
            "kind",
            "name",
            "first",
            "first_low",
            "first_high",
            "total",
            "total_low",
            "total_high",
        ])?;
        for (outcome, ix) in results {
            for (kind, list) in [("parameter", &ix.parameters), ("group", &ix.groups)] {
                for f in list.iter() {
                    let [fl, fh] = f.first_ci.unwrap_or([f64::NAN; 2]);
                    let [tl, th] = f.total_ci.unwrap_or([f64::NAN; 2]);
                    w.write_record([
                        outcome.clone(),
                        kind.to_string(),
                        f.name.clone(),
                        cell(f.first),
                        cell(fl),
                        cell(fh),
                        cell(f.total),
                        cell(tl),
                        cell(th),
                    ])?;
                }
            }
        }
        Ok(())
    })
    .map_err(|e| Error::io(path, e))?;
    let mut file = AtomicFile::create(path)?;
    file.write_all(&bytes).map_err(|e| Error::io(path, e))?;
    file.commit()
}

fn write_json(path: &Path, results: &[(String, Indices)]) -> Result<(), Error> {
    let mut json = AtomicFile::create(path)?;
    let value: serde_json::Map<String, serde_json::Value> = results
        .iter()
        .map(|(o, ix)| {
            (
                o.clone(),
                serde_json::to_value(ix).expect("indices serialise"),
            )
        })
        .collect();
    serde_json::to_writer_pretty(json.writer(), &value).map_err(|e| Error::io(path, e.into()))?;
    json.commit()
}
