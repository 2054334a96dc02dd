//! Per-person values (thresholds, later trust): constant, drawn from a distribution, listed, or
//! read from a file in the network's own ids.

use std::path::{Path, PathBuf};

use rand_distr::{Beta, Distribution as _, StandardNormal};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::graph::Graph;
use crate::limits;
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
    /// Normal with the given mean and standard deviation, truncated to `[low, high]` (by
    /// sampling inside the window, not clamping, so no mass piles up at the bounds).
    ///
    /// A bound left out of a scenario file follows the scale of the value
    /// ([`Distribution::resolve_window`]): `low` is 0, and `high` is 1 for shares (fraction
    /// proof, trust) and no bound at all for thresholds counted in people.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
        /// Lower bound of the truncation; `None` is no lower bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        low: Option<f64>,
        /// Upper bound of the truncation; `None` is no upper bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        high: Option<f64>,
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

/// What a per-person value measures, which sets the window of a normal distribution whose
/// bounds are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A share in [0, 1]: thresholds with fraction proof, trust.
    Share,
    /// A number of people (weighted): thresholds with count proof; from 0 up, no upper end.
    Count,
}

/// The largest share of a normal distribution's mass that a window the user did not write may
/// cut off. Beyond it the draws are no longer the distribution asked for (a class with count
/// thresholds of mean 3 clipped to [0, 1] all join at tick 1), and the scenario says so.
pub const MAX_DEFAULT_WINDOW_CUT: f64 = 0.05;

impl Distribution {
    /// Fills in the bounds of a normal distribution left out of the file from the value's
    /// `scale`, and refuses a default window that would cut off more than
    /// [`MAX_DEFAULT_WINDOW_CUT`] of the mass (a window written out is the user's choice and is
    /// kept as given). `key` is the key path used in messages.
    pub fn resolve_window(&mut self, scale: Scale, key: &str) -> Result<(), InputError> {
        let Distribution::Normal {
            mean,
            sd,
            low,
            high,
        } = self
        else {
            return Ok(());
        };
        let (mean, sd) = (*mean, *sd);
        let mut defaulted = Vec::new();
        if low.is_none() {
            *low = Some(0.0);
            defaulted.push("low = 0");
        }
        if high.is_none() && scale == Scale::Share {
            *high = Some(1.0);
            defaulted.push("high = 1");
        }
        if defaulted.is_empty() || !(sd > 0.0 && mean.is_finite() && sd.is_finite()) {
            return Ok(());
        }
        let (lo, hi) = (
            low.unwrap_or(f64::NEG_INFINITY),
            high.unwrap_or(f64::INFINITY),
        );
        let kept = normal_cdf((hi - mean) / sd) - normal_cdf((lo - mean) / sd);
        let cut = 1.0 - kept;
        if cut <= MAX_DEFAULT_WINDOW_CUT {
            return Ok(());
        }
        let what = match scale {
            Scale::Share => "shares (between 0 and 1)",
            Scale::Count => "numbers of people (from 0 up, social_proof = \"count\")",
        };
        let window = match *high {
            Some(h) => format!("[{}, {}]", limits::show(lo), limits::show(h)),
            None => format!("[{}, no upper end)", limits::show(lo)),
        };
        Err(InputError::new(
            key.to_string(),
            format!(
                "these values are {what}, so the window left out ({}) is {window}; it cuts off \
                 {:.1}% of normal(mean {}, sd {}), and cutting more than {}% changes what the \
                 scenario asks for; give `low` and `high` to truncate on purpose, or a mean and \
                 sd that fit the window",
                defaulted.join(", "),
                100.0 * cut,
                limits::show(mean),
                limits::show(sd),
                100.0 * MAX_DEFAULT_WINDOW_CUT
            ),
        ))
    }

    /// Checks the parameters; `key` is the key path used in messages.
    pub fn validate(&self, key: &str) -> Result<(), InputError> {
        let finite = |name: &str, v: f64| bounded(&format!("{key}.{name}"), v);
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
                for (n, v) in [("mean", mean), ("sd", sd)] {
                    finite(n, v)?;
                }
                for (n, v) in [("low", low), ("high", high)] {
                    if let Some(v) = v {
                        finite(n, v)?;
                    }
                }
                let (low, high) = (
                    low.unwrap_or(f64::NEG_INFINITY),
                    high.unwrap_or(f64::INFINITY),
                );
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
                // A window far out in a tail is more likely a slip than a model (and the
                // samplers below are accurate within these bounds).
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
                    bounded(&format!("{key}.values[{i}]"), v)?;
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
                // The values run from `start` to `last`; both are checked, the rest lie between.
                let last = start + n.saturating_sub(1) as f64 * step;
                bounded(&format!("{key}.step"), last).map_err(|_| {
                    InputError::new(
                        format!("{key}.step"),
                        format!(
                            "with {n} people the sequence reaches {last:e}, beyond the limit of \
                             {:e} in size; give a smaller step",
                            limits::MAX_VALUE
                        ),
                    )
                })?;
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
            } => {
                let sampler = TruncatedNormal::new(
                    mean,
                    sd,
                    low.unwrap_or(f64::NEG_INFINITY),
                    high.unwrap_or(f64::INFINITY),
                );
                out.extend((0..n).map(|_| sampler.sample(rng)));
            }
            Distribution::Beta { alpha, beta, scale } => {
                let d = Beta::new(alpha, beta).expect("parameters validated");
                out.extend((0..n).map(|_| scale * d.sample(rng)));
            }
            _ => unreachable!("fixed distributions are resolved once, not sampled"),
        }
    }
}

/// Checks that a per-person value (or a parameter of one) is a finite number no larger in size
/// than [`limits::MAX_VALUE`]; `place` is its key path or `file:line`.
fn bounded(place: &str, v: f64) -> Result<(), InputError> {
    if !v.is_finite() {
        return Err(InputError::new(
            place,
            format!("{v} is not a finite number; give a number such as 0.5"),
        ));
    }
    if v.abs() > limits::MAX_VALUE {
        return Err(InputError::new(
            place,
            format!(
                "{} is beyond the limit of {:e} in size; give a number between -{:e} and {:e}",
                limits::show(v),
                limits::MAX_VALUE,
                limits::MAX_VALUE,
                limits::MAX_VALUE
            ),
        ));
    }
    Ok(())
}

/// Below this share of the normal's mass in the window, redrawing until a draw falls inside
/// would take more than five draws on average, and without bound as the window narrows; the
/// other samplers of [`TruncatedNormal`] take over. At or above it, redrawing is kept, so
/// scenarios whose windows hold most of the mass give exactly the draws they always gave.
const REDRAW_MIN_MASS: f64 = 0.2;

/// A normal distribution truncated to a window, sampled in O(1) draws whatever the window.
#[derive(Debug, Clone, Copy)]
enum TruncatedNormal {
    /// No spread (sd = 0, or a window of one point): always this value.
    Point(f64),
    /// Redraw until inside: exact, and cheap since the window holds most of the mass.
    Redraw {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// A window at most one sd wide (in standard units `[a, b]`): a uniform draw kept with
    /// probability density / largest density in the window. Within 3 sd of the mean (as
    /// validated), the density changes at most e^3.5-fold over such a window, and more than a
    /// quarter of the draws are kept; unlike the inverse below, this stays accurate however
    /// narrow the window is.
    Flat {
        mean: f64,
        sd: f64,
        a: f64,
        b: f64,
        /// Square of the point of `[a, b]` nearest 0, where the density is largest.
        peak2: f64,
        low: f64,
        high: f64,
    },
    /// Inverse of the distribution function: `z = Phi^-1(Phi(a) + u (Phi(b) - Phi(a)))`, one
    /// draw each. The window is mirrored into the lower half (`sign = -1`) when it lies above
    /// the mean, so the probabilities involved are small rather than close to 1, where they
    /// would lose digits.
    Inverse {
        mean: f64,
        sd: f64,
        sign: f64,
        cdf_a: f64,
        mass: f64,
        low: f64,
        high: f64,
    },
}

impl TruncatedNormal {
    /// The sampler for a validated window (`low <= high`, `sd >= 0`, the window within 3 sd).
    fn new(mean: f64, sd: f64, low: f64, high: f64) -> Self {
        if sd == 0.0 {
            // Validation put the mean inside the window.
            return TruncatedNormal::Point(mean);
        }
        if low == high {
            return TruncatedNormal::Point(low);
        }
        let (a, b) = ((low - mean) / sd, (high - mean) / sd);
        let mass = normal_cdf(b) - normal_cdf(a);
        if mass >= REDRAW_MIN_MASS {
            return TruncatedNormal::Redraw {
                mean,
                sd,
                low,
                high,
            };
        }
        if b - a <= 1.0 {
            let nearest = 0.0f64.clamp(a, b);
            return TruncatedNormal::Flat {
                mean,
                sd,
                a,
                b,
                peak2: nearest * nearest,
                low,
                high,
            };
        }
        let (sign, a, b) = if a > 0.0 { (-1.0, -b, -a) } else { (1.0, a, b) };
        let cdf_a = normal_cdf(a);
        TruncatedNormal::Inverse {
            mean,
            sd,
            sign,
            cdf_a,
            mass: normal_cdf(b) - cdf_a,
            low,
            high,
        }
    }

    fn sample(&self, rng: &mut Stream) -> f64 {
        match *self {
            TruncatedNormal::Point(x) => x,
            TruncatedNormal::Redraw {
                mean,
                sd,
                low,
                high,
            } => loop {
                let z: f64 = StandardNormal.sample(rng);
                let x = mean + sd * z;
                if (low..=high).contains(&x) {
                    break x;
                }
            },
            TruncatedNormal::Flat {
                mean,
                sd,
                a,
                b,
                peak2,
                low,
                high,
            } => loop {
                // The acceptance probability is at least e^-3.5 (see the variant), so this
                // ends after a handful of draws.
                let z = a + (b - a) * unit_f64(rng);
                if unit_f64(rng) < (-(z * z - peak2) / 2.0).exp() {
                    // Rounding may step just outside the window.
                    break (mean + sd * z).clamp(low, high);
                }
            },
            TruncatedNormal::Inverse {
                mean,
                sd,
                sign,
                cdf_a,
                mass,
                low,
                high,
            } => {
                let z = normal_quantile(cdf_a + mass * unit_f64(rng));
                (mean + sign * sd * z).clamp(low, high)
            }
        }
    }
}

/// The standard normal distribution function, accurate to a few units in the last place in the
/// lower tail (through `erfc`, which does not lose the small values there).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// The inverse of the standard normal distribution function: Wichura's algorithm AS 241
/// (PPND16), accurate to about 1e-16 relative. `p` outside (0, 1) gives an infinity.
// The coefficients are the published ones (to the digits a 64-bit float holds), so they can be
// checked against the paper.
#[allow(clippy::excessive_precision)]
pub(crate) fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2.509_080_928_730_122_7e3 * r + 3.343_057_558_358_813e4) * r
                + 6.726_577_092_700_87e4)
                * r
                + 4.592_195_393_154_987e4)
                * r
                + 1.373_169_376_550_946e4)
                * r
                + 1.971_590_950_306_551_3e3)
                * r
                + 1.331_416_678_917_843_8e2)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((5.226_495_278_852_545e3 * r + 2.872_908_573_572_194_3e4) * r
                + 3.930_789_580_009_271e4)
                * r
                + 2.121_379_430_158_659_7e4)
                * r
                + 5.394_196_021_424_751e3)
                * r
                + 6.871_870_074_920_579e2)
                * r
                + 4.231_333_070_160_091e1)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        r -= 1.6;
        (((((((7.745_450_142_783_414e-4 * r + 2.272_384_498_926_918_4e-2) * r
            + 2.417_807_251_774_506e-1)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_545)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((1.050_750_071_644_416_8e-9 * r + 5.475_938_084_995_345e-4) * r
                + 1.519_866_656_361_645_7e-2)
                * r
                + 1.481_039_764_274_800_8e-1)
                * r
                + 6.897_673_349_851e-1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_758_8)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 1.242_660_947_388_078_4e-3)
            * r
            + 2.653_218_952_657_612_4e-2)
            * r
            + 2.965_605_718_285_048_7e-1)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103)
            / (((((((2.044_263_103_389_939_7e-15 * r + 1.421_511_758_316_445_9e-7) * r
                + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_133e-4)
                * r
                + 1.487_536_129_085_061_5e-2)
                * r
                + 1.369_298_809_227_358e-1)
                * r
                + 5.998_322_065_558_88e-1)
                * r
                + 1.0)
    };
    if q < 0.0 { -z } else { z }
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
    // The line each person got their value on, for a message about a second one.
    let mut first_line = std::collections::HashMap::new();
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
        bounded(&place(), value)?;
        let Some(v) = graph.node_of_label(id) else {
            return Err(InputError::new(
                place(),
                format!("node {id} is not in the network"),
            ));
        };
        if let Some(&line) = first_line.get(&v) {
            return Err(InputError::new(
                place(),
                format!("node {id} already has a value on line {line}; give each person one value"),
            ));
        }
        first_line.insert(v, lineno + 1);
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
            low: Some(0.0),
            high: Some(1.0),
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
    fn normal_quantile_matches_known_values_and_inverts_the_cdf() {
        // Reference values of the standard normal quantile (computed to 40 digits with mpmath).
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.841_344_746_068_542_9, 1.0),
            (0.001, -3.090_232_306_167_813_5),
            (1e-10, -6.361_340_902_404_056),
            (1e-300, -37.047_096_299_361_2),
        ] {
            let q = normal_quantile(p);
            assert!(
                (q - z).abs() <= 1e-14 * z.abs().max(1.0),
                "p {p}: {q} vs {z}"
            );
        }
        assert!((normal_cdf(-1.0) - 0.158_655_253_931_457_05).abs() < 1e-16);
        assert!((normal_cdf(-8.0) / 6.220_960_574_271_785e-16 - 1.0).abs() < 1e-14);
        // Round trips across the lower tail and the middle.
        for i in 1..1000 {
            let p = f64::from(i) / 2000.0 * 10f64.powi(-(i % 30));
            let back = normal_cdf(normal_quantile(p));
            assert!((back / p - 1.0).abs() < 1e-13, "p {p}: {back}");
        }
    }

    /// Mean of `n` draws of the truncated normal.
    fn sample_mean(d: &Distribution, n: usize) -> (Vec<f64>, f64) {
        d.validate("t").unwrap();
        let mut out = Vec::new();
        d.sample_into(&mut stream(2, 0, 0, Purpose::People), &mut out, n);
        let mean = out.iter().sum::<f64>() / n as f64;
        (out, mean)
    }

    #[test]
    fn narrow_and_far_windows_are_sampled_in_a_few_draws() {
        // A window holding one part in 10^9 of the mass (redrawing would take 10^9 draws per
        // person): the density is flat across it, so draws are uniform.
        let d = Distribution::Normal {
            mean: 0.5,
            sd: 1e9,
            low: Some(0.0),
            high: Some(1.0),
        };
        let (out, mean) = sample_mean(&d, 20_000);
        assert!(out.iter().all(|&x| (0.0..=1.0).contains(&x)));
        // Uniform on [0, 1]: sd 0.29, standard error 0.002.
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        // A window of one point.
        for (low, high) in [(2.5, 2.5), (0.3, 0.3)] {
            let d = Distribution::Normal {
                mean: 2.5,
                sd: 0.7,
                low: Some(low),
                high: Some(high),
            };
            if d.validate("t").is_ok() {
                let (out, _) = sample_mean(&d, 10);
                assert!(out.iter().all(|&x| x == low));
            }
        }
        // A tail window [2 sd, 3 sd]: the mean of the truncated normal is
        // (phi(2) - phi(3)) / (Phi(3) - Phi(2)) = 2.3158 sd above the mean.
        let d = Distribution::Normal {
            mean: 0.0,
            sd: 1.0,
            low: Some(2.0),
            high: Some(3.0),
        };
        let (out, mean) = sample_mean(&d, 50_000);
        assert!(out.iter().all(|&x| (2.0..=3.0).contains(&x)));
        assert!((mean - 2.3158).abs() < 0.005, "mean {mean}");
        // A wide tail window [1.5 sd, 3 sd] below the mean, through the inverse distribution
        // function: mean -(phi(1.5) - phi(3)) / (Phi(3) - Phi(1.5)) = -1.9110.
        let d = Distribution::Normal {
            mean: 0.0,
            sd: 1.0,
            low: Some(-3.0),
            high: Some(-1.5),
        };
        let (out, mean) = sample_mean(&d, 50_000);
        assert!(out.iter().all(|&x| (-3.0..=-1.5).contains(&x)));
        assert!((mean + 1.9110).abs() < 0.005, "mean {mean}");
    }

    #[test]
    fn values_beyond_the_limit_are_errors_naming_it() {
        let e = Distribution::Constant { value: 1e16 }
            .validate("people.threshold")
            .unwrap_err();
        assert_eq!(e.place, "people.threshold.value");
        assert!(e.message.contains("1e15"), "{}", e.message);
    }

    #[test]
    fn a_values_file_giving_a_person_two_values_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt");
        std::fs::write(&path, "0 0.1\n1 0.2\n0 0.3\n").unwrap();
        let graph = crate::graph::generators::complete(2).unwrap();
        let e = read_values_file(&path, &graph).unwrap_err();
        assert!(e.place.ends_with("t.txt:3"), "{}", e.place);
        assert!(e.message.contains("line 1"), "{}", e.message);
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
                low: Some(0.0),
                high: Some(1.0)
            }
            .validate("p")
            .is_err()
        );
    }
}
