//! Means with confidence intervals, proportions with Wilson intervals, and quantiles.

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanInterval {
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator); 0 for a single value.
    pub sd: f64,
    /// Lower end of the 95% interval of the mean (Student t).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Mean, standard deviation and the 95% Student-t interval of the mean.
pub fn mean_interval(values: &[f64]) -> MeanInterval {
    mean_interval_by(values.len(), || values.iter().copied())
}

/// [`mean_interval`] of `n` values that `values` reads twice (once for the mean, once for the
/// spread around it): the same arithmetic in the same order, for more values than memory holds.
pub fn mean_interval_by<I: Iterator<Item = f64>>(
    n: usize,
    mut values: impl FnMut() -> I,
) -> MeanInterval {
    if n == 0 {
        return MeanInterval {
            mean: f64::NAN,
            sd: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let mean = values().sum::<f64>() / n as f64;
    if n == 1 {
        return MeanInterval {
            mean,
            sd: 0.0,
            low: mean,
            high: mean,
        };
    }
    let var = values().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t_975(n - 1) * sd / (n as f64).sqrt();
    MeanInterval {
        mean,
        sd,
        low: mean - half,
        high: mean + half,
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t_975(df: usize) -> f64 {
    const SMALL: [f64; 5] = [12.706, 4.303, 3.182, 2.776, 2.571];
    if df == 0 {
        return f64::NAN;
    }
    if df <= SMALL.len() {
        return SMALL[df - 1];
    }
    // Cornish-Fisher expansion around the normal quantile; error below 1e-3 from df = 6.
    let z: f64 = 1.959_963_984_540_054;
    let d = df as f64;
    z + (z.powi(3) + z) / (4.0 * d)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * d.powi(3))
}

/// A proportion with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    /// Successes over trials.
    pub estimate: f64,
    /// Lower end of the Wilson interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The Wilson score interval (95%) of `successes` out of `trials`; well behaved at 0 and 1.
pub fn wilson(successes: u64, trials: u64) -> Proportion {
    if trials == 0 {
        return Proportion {
            estimate: f64::NAN,
            low: 0.0,
            high: 1.0,
        };
    }
    let z = 1.959_963_984_540_054f64;
    let n = trials as f64;
    let p = successes as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    Proportion {
        estimate: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// The `q`-quantile of sorted values, interpolating linearly between order statistics.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    if i + 1 < sorted.len() {
        sorted[i] + frac * (sorted[i + 1] - sorted[i])
    } else {
        sorted[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Reference values from standard tables.
        for (df, t) in [
            (1, 12.706),
            (6, 2.447),
            (10, 2.228),
            (30, 2.042),
            (120, 1.980),
        ] {
            assert!((t_975(df) - t).abs() < 2e-3, "df {df}: {}", t_975(df));
        }
    }

    #[test]
    fn wilson_matches_a_worked_example_and_stays_in_unit_interval() {
        // 8 of 10: Wilson 95% interval (0.490, 0.943).
        let p = wilson(8, 10);
        assert!(
            (p.low - 0.490).abs() < 1e-3 && (p.high - 0.943).abs() < 1e-3,
            "{p:?}"
        );
        let p = wilson(0, 50);
        assert!(p.low.abs() < 1e-12, "{p:?}");
        assert!(p.high > 0.0 && p.high < 0.1);
    }

    #[test]
    fn mean_interval_and_quantiles() {
        let m = mean_interval(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m.mean, 2.5);
        // sd = 1.291, t(3) = 3.182: half width 2.054.
        assert!((m.high - 4.554).abs() < 1e-3, "{m:?}");
        assert_eq!(quantile(&[0.0, 10.0], 0.5), 5.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 1.0), 3.0);
    }
}
