//! Per-person values (thresholds, later trust): constant, drawn from a distribution, listed, or
//! read from a file in the network's own ids.

use std::path::{Path, PathBuf};

use rand_distr::{Beta, Distribution as _, StandardNormal};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::graph::Graph;
use crate::random::{Stream, unit_f64};

/// How a per-person value is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Distribution {
    /// Everyone has the same value.
    Constant {
        /// The value.
        value: f64,
    },
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound (inclusive).
        low: f64,
        /// Upper bound (exclusive).
        high: f64,
    },
    /// Normal with the given mean and standard deviation, truncated to `[low, high]` by
    /// redrawing (not clamping, so no mass piles up at the bounds).
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
        /// Lower bound of the truncation (default 0).
        #[serde(default)]
        low: f64,
        /// Upper bound of the truncation (default 1).
        #[serde(default = "one")]
        high: f64,
    },
    /// Beta(alpha, beta), multiplied by `scale`.
    Beta {
        /// First shape parameter.
        alpha: f64,
        /// Second shape parameter.
        beta: f64,
        /// Factor applied to every draw (default 1).
        #[serde(default = "one")]
        scale: f64,
    },
    /// Person `i` (dense id) gets `start + i * step`: Granovetter's evenly spread thresholds.
    Sequence {
        /// Value of person 0.
        start: f64,
        /// Increment from one person to the next.
        step: f64,
    },
    /// One value per person, in dense id order.
    Values {
        /// The values; as many as there are people.
        values: Vec<f64>,
    },
    /// Read from a file of `id value` lines (whitespace or comma separated, `#` comments), ids
    /// in the network's own ids; every person must appear.
    File {
        /// Path, relative to the scenario file.
        path: PathBuf,
    },
}

fn one() -> f64 {
    1.0
}

impl Distribution {
    /// Checks the parameters; `key` is the key path used in messages.
    pub fn validate(&self, key: &str) -> Result<(), InputError> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(InputError::new(
                    format!("{key}.{name}"),
                    format!("{v} is not a finite number; give a number such as 0.5"),
                ))
            }
        };
        match *self {
            Distribution::Constant { value } => finite("value", value),
            Distribution::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if low > high {
                    return Err(InputError::new(
                        format!("{key}.low"),
                        format!("low = {low} is above high = {high}; swap them"),
                    ));
                }
                Ok(())
            }
            Distribution::Normal {
                mean,
                sd,
                low,
                high,
            } => {
                for (n, v) in [("mean", mean), ("sd", sd), ("low", low), ("high", high)] {
                    finite(n, v)?;
                }
                if sd < 0.0 {
                    return Err(InputError::new(
                        format!("{key}.sd"),
                        format!("sd = {sd} must be zero or positive"),
                    ));
                }
                if low > high {
                    return Err(InputError::new(
                        format!("{key}.low"),
                        format!("low = {low} is above high = {high}; swap them"),
                    ));
                }
                // Redrawing is only efficient when the window holds real probability mass.
                if high < mean - 3.0 * sd || low > mean + 3.0 * sd {
                    return Err(InputError::new(
                        key.to_string(),
                        format!(
                            "the truncation window [{low}, {high}] lies more than 3 sd from the mean {mean}; \
                             move the mean into the window or widen it"
                        ),
                    ));
                }
                Ok(())
            }
            Distribution::Beta { alpha, beta, scale } => {
                for (n, v) in [("alpha", alpha), ("beta", beta)] {
                    finite(n, v)?;
                    if v <= 0.0 {
                        return Err(InputError::new(
                            format!("{key}.{n}"),
                            format!("{n} = {v} must be positive"),
                        ));
                    }
                }
                finite("scale", scale)
            }
            Distribution::Sequence { start, step } => {
                finite("start", start)?;
                finite("step", step)
            }
            Distribution::Values { ref values } => {
                for (i, &v) in values.iter().enumerate() {
                    if !v.is_finite() {
                        return Err(InputError::new(
                            format!("{key}.values[{i}]"),
                            format!("{v} is not a finite number"),
                        ));
                    }
                }
                Ok(())
            }
            Distribution::File { .. } => Ok(()),
        }
    }

    /// Whether every run draws fresh values (as opposed to values fixed by the scenario).
    pub fn is_random(&self) -> bool {
        matches!(
            self,
            Distribution::Uniform { .. } | Distribution::Normal { .. } | Distribution::Beta { .. }
        )
    }

    /// Values fixed by the scenario (constant, sequence, list, file), or `None` for a random
    /// distribution. `base` is the directory relative paths start from.
    pub fn fixed_values(
        &self,
        graph: &Graph,
        key: &str,
        base: &Path,
    ) -> Result<Option<Vec<f64>>, InputError> {
        let n = graph.node_count();
        Ok(Some(match self {
            Distribution::Constant { value } => vec![*value; n],
            Distribution::Sequence { start, step } => {
                (0..n).map(|i| start + i as f64 * step).collect()
            }
            Distribution::Values { values } => {
                if values.len() != n {
                    return Err(InputError::new(
                        format!("{key}.values"),
                        format!(
                            "{} values given for {n} people; give exactly one value per person",
                            values.len()
                        ),
                    ));
                }
                values.clone()
            }
            Distribution::File { path } => read_values_file(&base.join(path), graph)?,
            _ => return Ok(None),
        }))
    }

    /// Draws one value per person into `out` (random distributions only).
    pub fn sample_into(&self, rng: &mut Stream, out: &mut Vec<f64>, n: usize) {
        out.clear();
        match *self {
            Distribution::Uniform { low, high } => {
                out.extend((0..n).map(|_| low + (high - low) * unit_f64(rng)));
            }
            Distribution::Normal {
                mean,
                sd,
                low,
                high,
            } => out.extend((0..n).map(|_| {
                loop {
                    let z: f64 = StandardNormal.sample(rng);
                    let x = mean + sd * z;
                    if (low..=high).contains(&x) {
                        break x;
                    }
                }
            })),
            Distribution::Beta { alpha, beta, scale } => {
                let d = Beta::new(alpha, beta).expect("parameters validated");
                out.extend((0..n).map(|_| scale * d.sample(rng)));
            }
            _ => unreachable!("fixed distributions are resolved once, not sampled"),
        }
    }
}

/// Reads `id value` lines; every person of the graph must get exactly one value.
fn read_values_file(path: &Path, graph: &Graph) -> Result<Vec<f64>, InputError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(
            shown.to_string(),
            format!("cannot read the values file: {e}; check the path (relative paths start at the scenario file)"),
        )
    })?;
    let n = graph.node_count();
    let mut values = vec![f64::NAN; n];
    for (lineno, line) in text.lines().enumerate() {
        // Formatted only for a message: most files are all good lines.
        let place = || format!("{shown}:{}", lineno + 1);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty());
        let (Some(id), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(InputError::new(
                place(),
                format!("expected `id value`, found {line:?}"),
            ));
        };
        let Ok(id) = id.parse::<u64>() else {
            if lineno == 0 {
                continue; // a header line such as `id,threshold`
            }
            return Err(InputError::new(
                place(),
                format!("{id:?} is not a node id (a non-negative integer)"),
            ));
        };
        let value: f64 = value
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| InputError::new(place(), format!("{value:?} is not a finite number")))?;
        let Some(v) = graph.node_of_label(id) else {
            return Err(InputError::new(
                place(),
                format!("node {id} is not in the network"),
            ));
        };
        values[v as usize] = value;
    }
    if let Some(missing) = values.iter().position(|v| v.is_nan()) {
        return Err(InputError::new(
            shown.to_string(),
            format!(
                "no value for node {} (and possibly others); give every person a value",
                graph.label(missing as u32)
            ),
        ));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Purpose, stream};

    #[test]
    fn truncated_normal_stays_in_window_with_the_right_mean() {
        let d = Distribution::Normal {
            mean: 0.3,
            sd: 0.1,
            low: 0.0,
            high: 1.0,
        };
        d.validate("t").unwrap();
        let mut out = Vec::new();
        d.sample_into(&mut stream(1, 0, 0, Purpose::People), &mut out, 50_000);
        assert!(out.iter().all(|&x| (0.0..=1.0).contains(&x)));
        let mean = out.iter().sum::<f64>() / out.len() as f64;
        // Truncation at 3 sd barely moves the mean; the standard error is 0.1 / sqrt(5e4) ~ 5e-4.
        assert!((mean - 0.3).abs() < 0.003, "mean {mean}");
    }

    #[test]
    fn bad_parameters_name_their_key() {
        let e = Distribution::Uniform {
            low: 1.0,
            high: 0.0,
        }
        .validate("people.threshold")
        .unwrap_err();
        assert_eq!(e.place, "people.threshold.low");
        let e = Distribution::Beta {
            alpha: 0.0,
            beta: 1.0,
            scale: 1.0,
        }
        .validate("p")
        .unwrap_err();
        assert_eq!(e.place, "p.alpha");
        assert!(
            Distribution::Normal {
                mean: 5.0,
                sd: 0.1,
                low: 0.0,
                high: 1.0
            }
            .validate("p")
            .is_err()
        );
    }
}
