//! Priors of the fitted parameters and the perturbation kernel of ABC-SMC.
//!
//! Continuous parameters live in an internal coordinate where their prior is simple: the
//! logarithm for log-uniform priors (so the kernel moves them by factors, not by amounts), the
//! value itself otherwise. The multivariate normal kernel and the importance weights are both
//! computed in those coordinates, so the weights stay consistent. Parameters with `choices` are
//! discrete: they keep their choice with a fixed probability and otherwise move to another one.

use rand::Rng;

use crate::experiment::Value;
use crate::random::{Stream, unit_f64};

use super::{FitParameter, PriorKind};

/// The probability that the kernel keeps a discrete parameter's choice; the rest is spread
/// evenly over the other choices (as pyabc's discrete random-walk kernel does, roughly).
const KEEP_CHOICE: f64 = 0.7;

/// One fitted parameter's prior, resolved from its `[[fit.parameters]]` entry.
#[derive(Debug, Clone)]
pub(crate) struct Prior {
    pub key: String,
    pub kind: PriorKind,
    pub low: f64,
    pub high: f64,
    pub mean: f64,
    pub sd: f64,
    pub choices: Vec<Value>,
    pub integer: bool,
}

impl Prior {
    pub fn new(p: &FitParameter) -> Prior {
        let choices = p
            .values
            .iter()
            .flatten()
            .map(json_to_value)
            .collect::<Vec<_>>();
        let mean = p.mean.unwrap_or(0.0);
        let sd = p.sd.unwrap_or(1.0);
        Prior {
            key: p.key.clone(),
            kind: p.prior,
            // A normal prior without bounds is cut at four standard deviations (a mass of
            // 6e-5 lost), so that the keys it sets can be checked over its whole range.
            low: p.low.unwrap_or(mean - 4.0 * sd),
            high: p.high.unwrap_or(mean + 4.0 * sd),
            mean,
            sd,
            choices,
            integer: p.integer,
        }
    }

    /// Whether the parameter is discrete (a choice among listed values).
    pub fn is_discrete(&self) -> bool {
        self.kind == PriorKind::Choices
    }

    /// A draw from the prior, as a stored value (the choice's index for choices).
    pub fn sample(&self, rng: &mut Stream) -> f64 {
        match self.kind {
            PriorKind::Uniform => self.low + (self.high - self.low) * unit_f64(rng),
            PriorKind::LogUniform => {
                (self.low.ln() + (self.high.ln() - self.low.ln()) * unit_f64(rng)).exp()
            }
            PriorKind::Normal => loop {
                // Truncation by rejection: the bounds are checked to keep most of the mass.
                let x = self.mean + self.sd * normal(rng);
                if x >= self.low && x <= self.high {
                    break x;
                }
            },
            PriorKind::Choices => (rng.next_u64() % self.choices.len() as u64) as f64,
        }
    }

    /// The internal coordinate of a stored value (continuous parameters).
    pub fn internal(&self, x: f64) -> f64 {
        match self.kind {
            PriorKind::LogUniform => x.ln(),
            _ => x,
        }
    }

    /// The stored value of an internal coordinate.
    pub fn external(&self, y: f64) -> f64 {
        match self.kind {
            PriorKind::LogUniform => y.exp(),
            _ => y,
        }
    }

    /// The prior density of the internal coordinate `y` up to a constant factor (0 outside the
    /// support).
    pub fn density(&self, y: f64) -> f64 {
        match self.kind {
            PriorKind::Uniform => f64::from(u8::from(y >= self.low && y <= self.high)),
            PriorKind::LogUniform => f64::from(u8::from(y >= self.low.ln() && y <= self.high.ln())),
            PriorKind::Normal => {
                if y < self.low || y > self.high {
                    0.0
                } else {
                    (-0.5 * ((y - self.mean) / self.sd).powi(2)).exp()
                }
            }
            PriorKind::Choices => {
                let k = self.choices.len() as f64;
                if y >= 0.0 && y < k { 1.0 / k } else { 0.0 }
            }
        }
    }

    /// The value the scenario key is set to for the stored value `x`.
    pub fn setting(&self, x: f64) -> Value {
        match self.kind {
            PriorKind::Choices => self.choices[x as usize].clone(),
            _ if self.integer => Value::Integer(x.round() as i64),
            _ => Value::Float(x),
        }
    }

    /// The stored value as people read it in the outputs (a choice by its value).
    pub fn text(&self, x: f64) -> String {
        match self.kind {
            PriorKind::Choices => self.setting(x).to_string(),
            _ => format!("{x}"),
        }
    }
}

/// A JSON value of a `choices` list as a scenario value.
pub(crate) fn json_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(json_to_value).collect()),
        other => Value::Text(other.to_string()),
    }
}

/// A standard normal draw (Box-Muller), from the stream's own numbers only.
pub(crate) fn normal(rng: &mut Stream) -> f64 {
    let u1 = 1.0 - unit_f64(rng); // in (0, 1]: the logarithm stays finite
    let u2 = unit_f64(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The perturbation kernel of one generation: a multivariate normal on the continuous
/// parameters' internal coordinates with twice the weighted sample covariance of the previous
/// population, and a keep-or-move kernel on each discrete parameter.
pub(crate) struct Kernel {
    /// Indices of the continuous parameters.
    continuous: Vec<usize>,
    /// The lower Cholesky factor of the covariance (row-major, continuous x continuous).
    chol: Vec<f64>,
    /// For each parameter: the number of choices (0 for continuous).
    choices: Vec<usize>,
}

impl Kernel {
    /// The kernel built from the weighted population `points` (internal coordinates).
    pub fn new(priors: &[Prior], points: &[Vec<f64>], weights: &[f64]) -> Kernel {
        let continuous: Vec<usize> = (0..priors.len())
            .filter(|&i| !priors[i].is_discrete())
            .collect();
        let d = continuous.len();
        let total: f64 = weights.iter().sum();
        let mut mean = vec![0.0; d];
        for (p, w) in points.iter().zip(weights) {
            for (a, &i) in continuous.iter().enumerate() {
                mean[a] += w * p[i] / total;
            }
        }
        let mut cov = vec![0.0; d * d];
        for (p, w) in points.iter().zip(weights) {
            for a in 0..d {
                for b in 0..d {
                    cov[a * d + b] +=
                        w / total * (p[continuous[a]] - mean[a]) * (p[continuous[b]] - mean[b]);
                }
            }
        }
        for c in &mut cov {
            *c *= 2.0;
        }
        // A population collapsed on one value in some direction would give a kernel that
        // cannot move; a floor relative to the prior's width (or the value) keeps it moving.
        for a in 0..d {
            let prior = &priors[continuous[a]];
            let width = match prior.kind {
                PriorKind::LogUniform => prior.high.ln() - prior.low.ln(),
                PriorKind::Normal => prior.sd,
                _ => prior.high - prior.low,
            };
            let floor = (1e-6 * width).powi(2).max(1e-300);
            if cov[a * d + a] < floor {
                cov[a * d + a] = floor;
            }
        }
        let chol = cholesky(&mut cov, d);
        Kernel {
            continuous,
            chol,
            choices: priors
                .iter()
                .map(|p| if p.is_discrete() { p.choices.len() } else { 0 })
                .collect(),
        }
    }

    /// A perturbation of `from` (internal coordinates).
    pub fn perturb(&self, from: &[f64], rng: &mut Stream) -> Vec<f64> {
        let d = self.continuous.len();
        let z: Vec<f64> = (0..d).map(|_| normal(rng)).collect();
        let mut out = from.to_vec();
        for a in 0..d {
            let step: f64 = (0..=a).map(|b| self.chol[a * d + b] * z[b]).sum();
            out[self.continuous[a]] += step;
        }
        for (i, &k) in self.choices.iter().enumerate() {
            if k > 1 && unit_f64(rng) >= KEEP_CHOICE {
                // Another choice, uniformly among the k - 1 others.
                let other = (rng.next_u64() % (k as u64 - 1)) as f64;
                out[i] = if other >= from[i] { other + 1.0 } else { other };
            }
        }
        out
    }

    /// The kernel density of moving from `from` to `to`, up to a factor common to all pairs.
    pub fn density(&self, from: &[f64], to: &[f64]) -> f64 {
        let d = self.continuous.len();
        // Solve L u = (to - from) by forward substitution; the density is exp(-|u|^2 / 2).
        let mut u = vec![0.0; d];
        let mut q = 0.0;
        for a in 0..d {
            let diff = to[self.continuous[a]] - from[self.continuous[a]];
            let s: f64 = (0..a).map(|b| self.chol[a * d + b] * u[b]).sum();
            u[a] = (diff - s) / self.chol[a * d + a];
            q += u[a] * u[a];
        }
        let mut density = (-0.5 * q).exp();
        for (i, &k) in self.choices.iter().enumerate() {
            if k > 1 {
                density *= if to[i] == from[i] {
                    KEEP_CHOICE
                } else {
                    (1.0 - KEEP_CHOICE) / (k as f64 - 1.0)
                };
            }
        }
        density
    }
}

/// The lower Cholesky factor of the symmetric matrix `a` (d x d, row-major); a matrix that is
/// not positive definite (parameters moving in lockstep) gets its diagonal raised until it is.
fn cholesky(a: &mut [f64], d: usize) -> Vec<f64> {
    let mut jitter = 0.0;
    loop {
        let mut l = vec![0.0; d * d];
        let mut ok = true;
        'rows: for i in 0..d {
            for j in 0..=i {
                let mut s = a[i * d + j] + if i == j { jitter } else { 0.0 };
                for k in 0..j {
                    s -= l[i * d + k] * l[j * d + k];
                }
                if i == j {
                    if s <= 0.0 || !s.is_finite() {
                        ok = false;
                        break 'rows;
                    }
                    l[i * d + i] = s.sqrt();
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
        if ok {
            return l;
        }
        let diag = (0..d).map(|i| a[i * d + i].abs()).fold(0.0, f64::max);
        jitter = if jitter == 0.0 {
            1e-10 * diag.max(1e-300)
        } else {
            jitter * 10.0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&mut a, 2);
        let back = [
            l[0] * l[0],
            l[0] * l[2],
            l[2] * l[0],
            l[2] * l[2] + l[3] * l[3],
        ];
        for (x, y) in back.iter().zip(&a) {
            assert!((x - y).abs() < 1e-12);
        }
    }
}
