//! `points.csv`: each point of a sweep summarised over its replicates — mean, standard deviation
//! and 95% interval of every outcome, and the cascade probability with its Wilson interval.
//!
//! It is computed from `runs.csv` by streaming it once, a point at a time, so memory does not
//! grow with the number of runs.

use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::analysis::summary::{mean_interval, wilson};
use crate::atomic::AtomicFile;
use crate::error::{Error, InputError};

/// Reads `runs` (rows grouped by point, as sweeps write them) and writes `points`; the first
/// `keys` columns after `point, replicate` are the swept parameters.
pub fn write_points(runs: &Path, points: &Path, keys: usize) -> Result<(), Error> {
    let file = std::fs::File::open(runs).map_err(|e| Error::io(runs, e))?;
    let mut lines = BufReader::new(file).lines();
    let header = lines
        .next()
        .transpose()
        .map_err(|e| Error::io(runs, e))?
        .ok_or_else(|| InputError::new(runs.display().to_string(), "runs.csv is empty"))?;
    let columns: Vec<String> = header.split(',').map(str::to_string).collect();
    let outcomes = &columns[2 + keys..];
    let cascaded = outcomes.iter().position(|c| c == "cascaded");

    let mut out = AtomicFile::create(points)?;
    let mut head = vec!["point".to_string()];
    head.extend(columns[2..2 + keys].iter().cloned());
    head.push("runs".into());
    for o in outcomes {
        for stat in ["mean", "sd", "low", "high"] {
            head.push(format!("{o}_{stat}"));
        }
    }
    head.extend(["cascade_probability", "cascade_low", "cascade_high"].map(String::from));
    let io = |e| Error::io(points, e);
    writeln!(out.writer(), "{}", head.join(",")).map_err(io)?;

    let mut group: Option<(String, Vec<String>, Vec<Vec<f64>>)> = None;
    let flush =
        |g: (String, Vec<String>, Vec<Vec<f64>>), out: &mut AtomicFile| -> Result<(), Error> {
            let (point, params, values) = g;
            let runs_in_point = values.first().map_or(0, Vec::len);
            let mut row = vec![point];
            row.extend(params);
            row.push(runs_in_point.to_string());
            for v in &values {
                let m = mean_interval(v);
                for x in [m.mean, m.sd, m.low, m.high] {
                    row.push(if x.is_finite() {
                        x.to_string()
                    } else {
                        String::new()
                    });
                }
            }
            match cascaded {
                Some(c) => {
                    let n = values[c].len() as u64;
                    let hits = values[c].iter().filter(|&&x| x > 0.5).count() as u64;
                    let p = wilson(hits, n);
                    row.extend([p.estimate, p.low, p.high].map(|x| x.to_string()));
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            }
            writeln!(out.writer(), "{}", row.join(",")).map_err(|e| Error::io(points, e))
        };
    for (i, line) in lines.enumerate() {
        let line = line.map_err(|e| Error::io(runs, e))?;
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != columns.len() {
            return Err(InputError::new(
                format!("{}:{}", runs.display(), i + 2),
                format!("expected {} columns, found {}", columns.len(), cells.len()),
            )
            .into());
        }
        let point = cells[0].to_string();
        if group.as_ref().is_some_and(|g| g.0 != point) {
            flush(group.take().expect("checked"), &mut out)?;
        }
        let g = group.get_or_insert_with(|| {
            (
                point.clone(),
                cells[2..2 + keys].iter().map(|s| s.to_string()).collect(),
                vec![Vec::new(); outcomes.len()],
            )
        });
        for (k, cell) in cells[2 + keys..].iter().enumerate() {
            // An empty cell is a moment that never came in that run: left out of the mean.
            if let Ok(v) = cell.parse::<f64>() {
                g.2[k].push(v);
            }
        }
    }
    if let Some(g) = group.take() {
        flush(g, &mut out)?;
    }
    out.commit()
}
