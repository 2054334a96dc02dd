//! `sensitivity.csv` and `sensitivity.json`: first-order and total Sobol indices of each outcome,
//! per parameter and per group, with bootstrap intervals, computed from a finished sweep over a
//! Saltelli design (its `points.csv`).

use std::path::Path;

use crate::analysis::sensitivity::{Indices, SaltelliDesign, indices};
use crate::atomic::AtomicFile;
use crate::error::{Error, InputError};

/// The outcomes analysed when the scenario names none: the final size, and how often a movement
/// forms (the mean of `cascaded` over a point's replicates is its cascade probability).
pub const DEFAULT_OUTCOMES: &[&str] = &["final_fraction", "cascaded"];

/// Computes the indices of each of `outcomes` from `dir/points.csv` (the per-point means) and
/// writes `sensitivity.csv` and `sensitivity.json` into `dir`.
pub fn write_sensitivity(
    dir: &Path,
    design: &SaltelliDesign,
    outcomes: &[String],
) -> Result<Vec<(String, Indices)>, Error> {
    let points_path = dir.join("points.csv");
    let text = std::fs::read_to_string(&points_path).map_err(|e| Error::io(&points_path, e))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    if rows.len() != design.point_count() {
        return Err(InputError::new(
            points_path.display().to_string(),
            format!(
                "{} points, but the design has {}; is the sweep finished?",
                rows.len(),
                design.point_count()
            ),
        )
        .into());
    }
    let mut results = Vec::new();
    for outcome in outcomes {
        let column = format!("{outcome}_mean");
        let Some(c) = header.iter().position(|h| *h == column) else {
            return Err(InputError::new(
                "sensitivity.outcomes",
                format!("no outcome named `{outcome}`"),
            )
            .into());
        };
        let values: Vec<f64> = rows
            .iter()
            .map(|r| r[c].parse().unwrap_or(f64::NAN))
            .collect();
        if let Some(p) = values.iter().position(|v| !v.is_finite()) {
            return Err(InputError::new(
                format!("sensitivity.outcomes: {outcome}"),
                format!(
                    "point {p} has no value for it (the moment never came in any replicate); \
                     analyse an outcome every run has, such as final_fraction"
                ),
            )
            .into());
        }
        results.push((outcome.clone(), indices(design, &values)));
    }

    let csv_path = dir.join("sensitivity.csv");
    let mut csv = AtomicFile::create(&csv_path)?;
    let io = |e| Error::io(&csv_path, e);
    writeln!(
        csv.writer(),
        "outcome,kind,name,first,first_low,first_high,total,total_low,total_high"
    )
    .map_err(io)?;
    let cell = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    for (outcome, ix) in &results {
        for (kind, list) in [("parameter", &ix.parameters), ("group", &ix.groups)] {
            for f in list.iter() {
                let [fl, fh] = f.first_ci.unwrap_or([f64::NAN; 2]);
                let [tl, th] = f.total_ci.unwrap_or([f64::NAN; 2]);
                writeln!(
                    csv.writer(),
                    "{outcome},{kind},{},{},{},{},{},{},{}",
                    f.name,
                    cell(f.first),
                    cell(fl),
                    cell(fh),
                    cell(f.total),
                    cell(tl),
                    cell(th)
                )
                .map_err(io)?;
            }
        }
    }
    csv.commit()?;

    let json_path = dir.join("sensitivity.json");
    let mut json = AtomicFile::create(&json_path)?;
    let value: serde_json::Map<String, serde_json::Value> = results
        .iter()
        .map(|(o, ix)| {
            (
                o.clone(),
                serde_json::to_value(ix).expect("indices serialise"),
            )
        })
        .collect();
    serde_json::to_writer_pretty(json.writer(), &value)
        .map_err(|e| Error::io(&json_path, e.into()))?;
    json.commit()?;
    Ok(results)
}
