//! Variance-based (Sobol) sensitivity analysis: which parameters, alone and together, drive an
//! outcome such as the cascade probability.
//!
//! The `[sensitivity]` section names parameters with bounds ([`SensitivitySpec`]).
//! [`saltelli_points`] builds the Saltelli design: two matrices A and B of `N` rows (from one
//! Owen-scrambled Sobol sequence of dimension `2k`) and, for every factor (a parameter, or a
//! group of parameters), the matrix `AB_f`: A with the factor's columns taken from B. A runner
//! evaluates the outcome at every point of [`SaltelliDesign::points`], in any order and in
//! parallel, and hands the values back, in the same flat order, to [`indices`], which gives for
//! every factor
//!
//! - the first-order index `S_f`: the share of the outcome's variance explained by the factor
//!   alone (Saltelli et al. 2010: `V_f = mean(f(B) (f(AB_f) - f(A)))`);
//! - the total index `ST_f`: the share that would vanish if the factor were fixed, interactions
//!   included (Jansen 1999: `mean((f(A) - f(AB_f))^2) / 2`);
//!
//! both normalised by the variance of the outcome over A and B together, with 95% bootstrap
//! intervals. A group's first-order index is the closed index of its parameters together (their
//! own effects and their interactions with each other).

use rand::Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::summary::quantile;
use crate::design::sobol::{self, scramble_seed};
use crate::design::{ParameterSpec, design_stream};
use crate::error::InputError;

/// The `[sensitivity]` section: the parameters whose influence is measured, and how precisely.
///
/// The design has `N (m + 2)` points, where `m` is the number of factors: one per parameter
/// (when `per_parameter`, the default) plus one per group named by the parameters' `group`.
/// Per-parameter and grouped indices thus come from one design and share A and B; with
/// `per_parameter = false` only the groups are measured, at a cost of `N (g + 2)` points, which
/// is what makes grouping worthwhile when there are many parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivitySpec {
    /// `N`, the number of rows of the A and B matrices; at least 2, at most 65536, and best a
    /// power of two (such as 1024) so that the Sobol points are evenly spread.
    pub base_samples: usize,
    /// Number of bootstrap resamples for the 95% intervals (default 200; 0 for none).
    #[serde(default = "default_bootstrap")]
    pub bootstrap: usize,
    /// The outcomes to analyse, by name; all of them when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Vec<String>>,
    /// Whether every parameter gets its own indices (default true). Set it to false to measure
    /// only the groups; every parameter then needs a `group`.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub per_parameter: bool,
    /// The parameters (`[[sensitivity.parameters]]`), each with `low` and `high` bounds.
    pub parameters: Vec<ParameterSpec>,
}

fn default_bootstrap() -> usize {
    200
}
fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}

/// What a factor of the design is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactorKind {
    /// One parameter.
    Parameter,
    /// The parameters sharing a `group` name.
    Group,
}

/// A set of columns that the design swaps from B into A together: one parameter or a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Factor {
    /// The parameter's key, or the group's name.
    pub name: String,
    /// Parameter or group.
    pub kind: FactorKind,
    /// The indices of its parameters in [`SensitivitySpec::parameters`], ascending.
    pub columns: Vec<usize>,
}

impl SensitivitySpec {
    /// Checks the section; errors name key paths such as `sensitivity.parameters[1].low`.
    pub fn validate(&self) -> Result<(), InputError> {
        let n = self.base_samples;
        if n < 2 {
            return Err(InputError::new(
                "sensitivity.base_samples",
                format!(
                    "base_samples = {n} cannot estimate a variance; give at least 2, best a \
                     power of two such as 1024"
                ),
            ));
        }
        if n > sobol::MAX_POINTS {
            return Err(InputError::new(
                "sensitivity.base_samples",
                format!(
                    "base_samples = {n}; at most {} are possible",
                    sobol::MAX_POINTS
                ),
            ));
        }
        if self.bootstrap > crate::limits::MAX_BOOTSTRAP {
            return Err(InputError::new(
                "sensitivity.bootstrap",
                format!(
                    "bootstrap = {} is above the limit of {} resamples; give fewer (200 to \
                     2,000 is plenty for 95% intervals)",
                    crate::limits::grouped(self.bootstrap as u64),
                    crate::limits::grouped(crate::limits::MAX_BOOTSTRAP as u64)
                ),
            ));
        }
        if self.parameters.is_empty() {
            return Err(InputError::new(
                "sensitivity.parameters",
                "no parameters; add at least one [[sensitivity.parameters]] with a key, low and \
                 high",
            ));
        }
        let max = sobol::MAX_DIMENSIONS / 2;
        if self.parameters.len() > max {
            return Err(InputError::new(
                "sensitivity.parameters",
                format!(
                    "{} parameters; at most {max} can be analysed at once",
                    self.parameters.len()
                ),
            ));
        }
        for (i, p) in self.parameters.iter().enumerate() {
            let place = format!("sensitivity.parameters[{i}]");
            p.validate_at(&place)?;
            if !p.is_bounds() {
                return Err(InputError::new(
                    format!("{place}.{}", p.form_field()),
                    "sensitivity analysis draws values between bounds; give `low` and `high` \
                     instead of a list or range",
                ));
            }
            if let (Some(low), Some(high)) = (p.low, p.high)
                && low == high
            {
                // A parameter that does not vary has no variance to explain: its indices
                // would be 0 / 0.
                return Err(InputError::new(
                    format!("{place}.high"),
                    format!(
                        "low = high = {low}: the parameter does not vary, so it can explain \
                         nothing; give a higher `high`, or remove the parameter and set its \
                         value in the scenario"
                    ),
                ));
            }
            if let Some(j) = self.parameters[..i].iter().position(|q| q.key == p.key) {
                return Err(InputError::new(
                    format!("{place}.key"),
                    format!(
                        "{:?} is already analysed as sensitivity.parameters[{j}]; give each key \
                         once",
                        p.key
                    ),
                ));
            }
        }
        if !self.per_parameter {
            if self.parameters.iter().all(|p| p.group.is_none()) {
                return Err(InputError::new(
                    "sensitivity.per_parameter",
                    "per_parameter = false measures groups only, but no parameter has a \
                     `group`; give the parameters groups, or remove per_parameter",
                ));
            }
            if let Some(i) = self.parameters.iter().position(|p| p.group.is_none()) {
                return Err(InputError::new(
                    format!("sensitivity.parameters[{i}].group"),
                    "missing: with per_parameter = false every parameter needs a `group` \
                     (a group of one is fine)",
                ));
            }
        }
        if let Some(outcomes) = &self.outcomes {
            if outcomes.is_empty() {
                return Err(InputError::new(
                    "sensitivity.outcomes",
                    "the list is empty; name the outcomes to analyse, or leave `outcomes` out \
                     to analyse all of them",
                ));
            }
            for (i, o) in outcomes.iter().enumerate() {
                if o.trim().is_empty() {
                    return Err(InputError::new(
                        format!("sensitivity.outcomes[{i}]"),
                        "the outcome name is empty",
                    ));
                }
                if let Some(j) = outcomes[..i].iter().position(|p| p == o) {
                    return Err(InputError::new(
                        format!("sensitivity.outcomes[{i}]"),
                        format!("{o:?} repeats outcomes[{j}]; name each outcome once"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The factors of the design, in order: the parameters in their order (when
    /// `per_parameter`), then the groups in the order their names first appear.
    pub fn factors(&self) -> Vec<Factor> {
        let mut factors: Vec<Factor> = Vec::new();
        if self.per_parameter {
            factors.extend(self.parameters.iter().enumerate().map(|(i, p)| Factor {
                name: p.key.clone(),
                kind: FactorKind::Parameter,
                columns: vec![i],
            }));
        }
        let first_group = factors.len();
        for (i, p) in self.parameters.iter().enumerate() {
            let Some(group) = &p.group else { continue };
            match factors[first_group..].iter_mut().find(|f| &f.name == group) {
                Some(f) => f.columns.push(i),
                None => factors.push(Factor {
                    name: group.clone(),
                    kind: FactorKind::Group,
                    columns: vec![i],
                }),
            }
        }
        factors
    }

    /// The number of points of the design: `base_samples * (factors + 2)`.
    pub fn point_count(&self) -> usize {
        self.base_samples * (self.factors().len() + 2)
    }
}

/// The Saltelli design of a sensitivity analysis: what to evaluate, and what [`indices`] needs
/// to turn the values into indices.
///
/// Points are numbered in blocks of `m + 2` (`m` factors), one block per row `j` of A and B:
/// `j (m + 2)` is `A_j`, `j (m + 2) + 1` is `B_j`, and `j (m + 2) + 2 + f` is row `j` of
/// `AB_f` (A with factor `f`'s columns from B). A runner can thus stream a whole block at a
/// time, and [`SaltelliDesign::role`] tells what any point is.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    /// The parameters' keys, in the order of each point's values.
    pub keys: Vec<String>,
    /// The factors whose indices are estimated, in the order of the `AB_f` in a block.
    pub factors: Vec<Factor>,
    /// Matrix A: `N` rows of parameter values (Sobol dimensions `0..k`).
    pub a: Vec<Vec<f64>>,
    /// Matrix B: `N` rows of parameter values (Sobol dimensions `k..2k`).
    pub b: Vec<Vec<f64>>,
    /// Number of bootstrap resamples for the intervals.
    pub bootstrap: usize,
    /// The scenario seed, which also seeds the bootstrap.
    pub seed: u64,
}

/// Which matrix a point of a [`SaltelliDesign`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A row of A.
    A,
    /// A row of B.
    B,
    /// A row of `AB_f` for the factor with this index in [`SaltelliDesign::factors`].
    Ab(usize),
}

impl SaltelliDesign {
    /// `N`, the number of rows of A and B.
    pub fn base_samples(&self) -> usize {
        self.a.len()
    }

    /// The number of points in one block (one row of every matrix): factors + 2.
    pub fn block_len(&self) -> usize {
        self.factors.len() + 2
    }

    /// The number of points: `N (factors + 2)`.
    pub fn point_count(&self) -> usize {
        self.base_samples() * self.block_len()
    }

    /// The row and the matrix of point `index`.
    pub fn role(&self, index: usize) -> (usize, Role) {
        let w = self.block_len();
        let role = match index % w {
            0 => Role::A,
            1 => Role::B,
            f => Role::Ab(f - 2),
        };
        (index / w, role)
    }

    /// The parameter values of point `index` (see the order above).
    ///
    /// # Panics
    /// If `index >= point_count()`.
    pub fn point(&self, index: usize) -> Vec<f64> {
        let (j, role) = self.role(index);
        match role {
            Role::A => self.a[j].clone(),
            Role::B => self.b[j].clone(),
            Role::Ab(f) => {
                let mut p = self.a[j].clone();
                for &c in &self.factors[f].columns {
                    p[c] = self.b[j][c];
                }
                p
            }
        }
    }

    /// Every point, in order.
    pub fn points(&self) -> Vec<Vec<f64>> {
        (0..self.point_count()).map(|i| self.point(i)).collect()
    }
}

/// The Saltelli design of a valid `spec` for a scenario seed.
///
/// A and B are the first `N` points of the `2k`-dimensional Owen-scrambled Sobol sequence with
/// scramble [`scramble_seed`]`(seed, b"saltelli")`: dimensions `0..k` give A and `k..2k` give
/// B, mapped to the parameters' bounds with [`ParameterSpec::value_at`].
///
/// # Panics
/// If the spec is not valid (check with [`SensitivitySpec::validate`] first).
pub fn saltelli_points(spec: &SensitivitySpec, seed: u64) -> SaltelliDesign {
    let k = spec.parameters.len();
    let units = sobol::unit_points(spec.base_samples, 2 * k, scramble_seed(seed, b"saltelli"));
    let map = |u: &[f64]| -> Vec<f64> {
        u.iter()
            .zip(&spec.parameters)
            .map(|(&x, p)| p.value_at(x))
            .collect()
    };
    SaltelliDesign {
        keys: spec.parameters.iter().map(|p| p.key.clone()).collect(),
        factors: spec.factors(),
        a: units.iter().map(|u| map(&u[..k])).collect(),
        b: units.iter().map(|u| map(&u[k..])).collect(),
        bootstrap: spec.bootstrap,
        seed,
    }
}

/// The indices of one factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorIndex {
    /// The parameter's key or the group's name.
    pub name: String,
    /// First-order index: the share of variance the factor explains alone.
    pub first: f64,
    /// 95% bootstrap percentile interval of `first` (`None` without bootstrap).
    pub first_ci: Option<[f64; 2]>,
    /// Total index: the share of variance involving the factor, interactions included.
    pub total: f64,
    /// 95% bootstrap percentile interval of `total` (`None` without bootstrap).
    pub total_ci: Option<[f64; 2]>,
}

/// The sensitivity indices of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indices {
    /// The outcome's mean over the points of A and B.
    pub mean: f64,
    /// The outcome's variance over the points of A and B (the denominator of every index).
    pub variance: f64,
    /// One entry per parameter, in parameter order (empty when `per_parameter = false`).
    pub parameters: Vec<FactorIndex>,
    /// One entry per group, in the order group names first appear.
    pub groups: Vec<FactorIndex>,
}

/// Estimates the indices from the outcome's values at the design's points, given in the
/// design's point order.
///
/// The estimators are those of the module documentation, applied to the values minus their mean
/// over A and B (which changes no expectation but removes the noise a large offset would add to
/// the first-order estimator). Intervals resample the rows `j` (each with its whole block) with
/// replacement, `design.bootstrap` times, from the stream
/// [`design_stream`]`(design.seed, b"bootstrp")`, and take the 2.5% and 97.5% percentiles.
/// An outcome that does not vary gives NaN indices (and no intervals); resamples in which it does
/// not vary are left out of the intervals.
///
/// # Panics
/// If `values.len()` is not `design.point_count()`.
pub fn indices(design: &SaltelliDesign, values: &[f64]) -> Indices {
    assert_eq!(
        values.len(),
        design.point_count(),
        "one value per point of the design"
    );
    let n = design.base_samples();
    let w = design.block_len();
    let m = design.factors.len();
    let mean = values
        .chunks(w)
        .map(|block| block[0] + block[1])
        .sum::<f64>()
        / (2 * n) as f64;
    let centred: Vec<f64> = values.iter().map(|v| v - mean).collect();
    let all: Vec<usize> = (0..n).collect();
    let (variance, first, total) = estimate(&centred, w, m, &all);

    let mut first_boot = vec![Vec::with_capacity(design.bootstrap); m];
    let mut total_boot = vec![Vec::with_capacity(design.bootstrap); m];
    let mut rng = design_stream(design.seed, b"bootstrp");
    let mut rows = vec![0usize; n];
    for _ in 0..design.bootstrap {
        for r in rows.iter_mut() {
            *r = ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize;
        }
        let (_, s, st) = estimate(&centred, w, m, &rows);
        for f in 0..m {
            first_boot[f].push(s[f]);
            total_boot[f].push(st[f]);
        }
    }
    let interval = |mut draws: Vec<f64>| {
        // A resample whose outcome happens not to vary (every row drawn without a rare
        // cascade, say) has no index: 0 / 0. The interval is that of the resamples that have one,
        // so it is never NaN; with none, there is no interval.
        draws.retain(|d| d.is_finite());
        if draws.is_empty() {
            return None;
        }
        draws.sort_by(f64::total_cmp);
        Some([quantile(&draws, 0.025), quantile(&draws, 0.975)])
    };

    let mut out = Indices {
        mean,
        variance,
        parameters: Vec::new(),
        groups: Vec::new(),
    };
    let boots = first_boot.into_iter().zip(total_boot);
    for (f, (factor, (fb, tb))) in design.factors.iter().zip(boots).enumerate() {
        let index = FactorIndex {
            name: factor.name.clone(),
            first: first[f],
            first_ci: interval(fb),
            total: total[f],
            total_ci: interval(tb),
        };
        match factor.kind {
            FactorKind::Parameter => out.parameters.push(index),
            FactorKind::Group => out.groups.push(index),
        }
    }
    out
}

/// Variance and first-order and total indices of every factor from the blocks `rows` of
/// centred values (`w` values a block, `m` factors).
fn estimate(values: &[f64], w: usize, m: usize, rows: &[usize]) -> (f64, Vec<f64>, Vec<f64>) {
    let n = rows.len() as f64;
    let block = |j: usize| &values[j * w..(j + 1) * w];
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let mut first = vec![0.0; m];
    let mut total = vec![0.0; m];
    for &j in rows {
        let b = block(j);
        let (fa, fb) = (b[0], b[1]);
        sum += fa + fb;
        sum_sq += fa * fa + fb * fb;
        for f in 0..m {
            let fab = b[2 + f];
            first[f] += fb * (fab - fa);
            total[f] += (fa - fab) * (fa - fab);
        }
    }
    let mean = sum / (2.0 * n);
    let variance = sum_sq / (2.0 * n) - mean * mean;
    for f in 0..m {
        first[f] /= n * variance;
        total[f] /= 2.0 * n * variance;
    }
    (variance, first, total)
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;

    fn spec(parameters: Vec<ParameterSpec>, n: usize) -> SensitivitySpec {
        SensitivitySpec {
            base_samples: n,
            bootstrap: 200,
            outcomes: None,
            per_parameter: true,
            parameters,
        }
    }

    fn ishigami_spec(n: usize) -> SensitivitySpec {
        spec(
            (1..=3)
                .map(|i| ParameterSpec::bounds(format!("x{i}"), -PI, PI))
                .collect(),
            n,
        )
    }

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Analytic Ishigami indices for a = 7, b = 0.1: (S1, S2, S3, ST1, ST2, ST3).
    fn ishigami_analytic() -> [f64; 6] {
        let (a, b) = (7.0, 0.1);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        [v1 / v, v2 / v, 0.0, (v1 + v13) / v, v2 / v, v13 / v]
    }

    fn evaluate(design: &SaltelliDesign, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        design.points().iter().map(|p| f(p)).collect()
    }

    fn covers(ci: Option<[f64; 2]>, v: f64) -> bool {
        let [low, high] = ci.expect("bootstrap intervals");
        low <= v && v <= high
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let exact = ishigami_analytic();
        assert!((exact[0] - 0.3139).abs() < 1e-4 && (exact[5] - 0.2437).abs() < 1e-4);
        let s = ishigami_spec(8192);
        s.validate().unwrap();
        let design = saltelli_points(&s, 1);
        assert_eq!(design.point_count(), 8192 * 5);
        let ix = indices(&design, &evaluate(&design, ishigami));
        assert!(ix.groups.is_empty());
        // Measured with seed 1: every estimate within 0.001 of the analytic value, intervals
        // 0.02 to 0.06 wide. Over seeds 1 to 40 the largest error was 0.007 and all 240
        // intervals covered the analytic value (scrambled Sobol rows are more even than the
        // independent rows the bootstrap assumes, so the intervals are conservative).
        for (i, p) in ix.parameters.iter().enumerate() {
            assert_eq!(p.name, format!("x{}", i + 1));
            let (s1, st) = (exact[i], exact[3 + i]);
            assert!((p.first - s1).abs() < 0.02, "{p:?} vs S = {s1}");
            assert!((p.total - st).abs() < 0.02, "{p:?} vs ST = {st}");
            assert!(covers(p.first_ci, s1), "{p:?} vs S = {s1}");
            assert!(covers(p.total_ci, st), "{p:?} vs ST = {st}");
            let [l, h] = p.first_ci.unwrap();
            assert!(h - l < 0.15, "interval too wide: {p:?}");
        }
        // The variance of the Ishigami function is 13.845.
        assert!((ix.variance - 13.845).abs() < 0.3, "{}", ix.variance);
    }

    #[test]
    fn grouped_indices_measure_parameters_together() {
        let exact = ishigami_analytic();
        let mut s = ishigami_spec(4096);
        s.parameters[0].group = Some("x1 and x3".into());
        s.parameters[1].group = Some("x2".into());
        s.parameters[2].group = Some("x1 and x3".into());
        s.validate().unwrap();
        let names: Vec<_> = s
            .factors()
            .into_iter()
            .map(|f| (f.name, f.columns))
            .collect();
        assert_eq!(
            names,
            [
                ("x1".to_string(), vec![0]),
                ("x2".to_string(), vec![1]),
                ("x3".to_string(), vec![2]),
                ("x1 and x3".to_string(), vec![0, 2]),
                ("x2".to_string(), vec![1]),
            ]
        );
        let both = saltelli_points(&s, 5);
        assert_eq!(both.point_count(), 4096 * 7);
        let ix = indices(&both, &evaluate(&both, ishigami));
        assert_eq!(ix.parameters.len(), 3);
        assert_eq!(ix.groups.len(), 2);
        // {x1, x3}: S1 + S3 + S13 = 0.5576 first-order, 1 - S2 = 0.5576 total; x2 alone:
        // 0.4424 both (measured with seed 5: 0.5613 and 0.5579; 0.4433 and 0.4409).
        let g13 = exact[0] + exact[5];
        for (g, want) in ix.groups.iter().zip([g13, exact[1]]) {
            assert!((g.first - want).abs() < 0.03, "{g:?} vs {want}");
            assert!((g.total - want).abs() < 0.03, "{g:?} vs {want}");
            assert!(
                covers(g.first_ci, want) && covers(g.total_ci, want),
                "{g:?}"
            );
        }

        // Groups only: N (g + 2) points, and the same group estimates from the same A and B.
        s.per_parameter = false;
        s.validate().unwrap();
        let groups = saltelli_points(&s, 5);
        assert_eq!(groups.point_count(), 4096 * 4);
        assert_eq!(groups.a, both.a);
        let gx = indices(&groups, &evaluate(&groups, ishigami));
        assert!(gx.parameters.is_empty());
        assert_eq!(gx.groups, ix.groups);
    }

    #[test]
    fn a_linear_model_has_indices_a_squared_times_variance() {
        // f = 1 x1 + 2 x2 + 3 x3 + 100, x1, x2 on [0, 1], x3 on [0, 2]: V_i = a_i^2 w_i^2 / 12,
        // so the indices are (1, 4, 36) / 41, first and total alike (no interactions).
        let s = SensitivitySpec {
            bootstrap: 100,
            ..spec(
                vec![
                    ParameterSpec::bounds("a", 0.0, 1.0),
                    ParameterSpec::bounds("b", 0.0, 1.0),
                    ParameterSpec::bounds("c", 0.0, 2.0),
                ],
                1024,
            )
        };
        let design = saltelli_points(&s, 3);
        let values = evaluate(&design, |x| x[0] + 2.0 * x[1] + 3.0 * x[2] + 100.0);
        let ix = indices(&design, &values);
        // Measured with seed 3: errors below 5e-4.
        for (p, want) in ix.parameters.iter().zip([1.0, 4.0, 36.0]) {
            let want = want / 41.0;
            assert!((p.first - want).abs() < 0.01, "{p:?} vs {want}");
            assert!((p.total - want).abs() < 0.01, "{p:?} vs {want}");
            assert!(
                covers(p.first_ci, want) && covers(p.total_ci, want),
                "{p:?}"
            );
        }
        assert!((ix.mean - 104.5).abs() < 0.01, "{}", ix.mean);
    }

    #[test]
    fn points_come_in_documented_blocks() {
        let mut s = spec(
            vec![
                ParameterSpec::bounds("a", 0.0, 1.0),
                ParameterSpec::bounds("b", 10.0, 20.0),
                ParameterSpec::bounds("c", -1.0, 0.0),
            ],
            8,
        );
        s.parameters[0].group = Some("g".into());
        s.parameters[2].group = Some("g".into());
        let d = saltelli_points(&s, 11);
        assert_eq!(d.block_len(), 6);
        assert_eq!(d.point_count(), 48);
        assert_eq!(d.point_count(), s.point_count());
        let pts = d.points();
        for j in 0..8 {
            let (a, b) = (&d.a[j], &d.b[j]);
            assert!((0.0..1.0).contains(&a[0]) && (10.0..20.0).contains(&b[1]));
            assert_eq!(&pts[6 * j], a);
            assert_eq!(&pts[6 * j + 1], b);
            assert_eq!(pts[6 * j + 2], [b[0], a[1], a[2]]);
            assert_eq!(pts[6 * j + 3], [a[0], b[1], a[2]]);
            assert_eq!(pts[6 * j + 4], [a[0], a[1], b[2]]);
            assert_eq!(pts[6 * j + 5], [b[0], a[1], b[2]]);
            assert_eq!(d.role(6 * j + 5), (j, Role::Ab(3)));
            assert_eq!(d.role(6 * j + 1), (j, Role::B));
        }
        assert_eq!(saltelli_points(&s, 11), d);
        assert_ne!(saltelli_points(&s, 12).a, d.a);
    }

    #[test]
    fn without_bootstrap_there_are_no_intervals_and_constants_give_nan() {
        let s = SensitivitySpec {
            bootstrap: 0,
            ..spec(vec![ParameterSpec::bounds("a", 0.0, 1.0)], 64)
        };
        let d = saltelli_points(&s, 1);
        let ix = indices(&d, &evaluate(&d, |x| x[0]));
        assert_eq!(ix.parameters[0].first_ci, None);
        // One parameter explains everything (measured: 0.993 first, 0.991 total).
        assert!((ix.parameters[0].first - 1.0).abs() < 0.05, "{ix:?}");
        assert!((ix.parameters[0].total - 1.0).abs() < 0.05, "{ix:?}");
        let ix = indices(&d, &vec![2.0; d.point_count()]);
        assert!(ix.parameters[0].first.is_nan());
    }

    #[test]
    fn resamples_without_variance_leave_the_intervals_finite() {
        // A rare event: one row of 64 cascades, so about a third of the resamples miss it and
        // have nothing to explain.
        let s = SensitivitySpec {
            bootstrap: 200,
            ..spec(vec![ParameterSpec::bounds("a", 0.0, 1.0)], 64)
        };
        let d = saltelli_points(&s, 1);
        let mut values = vec![0.0; d.point_count()];
        for v in &mut values[..d.block_len()] {
            *v = 1.0;
        }
        values[0] = 0.0;
        let ix = indices(&d, &values);
        let p = &ix.parameters[0];
        assert!(p.first.is_finite() && p.total.is_finite(), "{p:?}");
        for [low, high] in [p.first_ci.unwrap(), p.total_ci.unwrap()] {
            assert!(low.is_finite() && high.is_finite() && low <= high, "{p:?}");
        }
    }

    #[test]
    fn the_section_reads_from_toml_with_defaults() {
        let text = r#"
            base_samples = 512
            [[parameters]]
            key = "leaders.persistence"
            low = 1
            high = 30
            integer = true
        "#;
        let s: SensitivitySpec = toml::from_str(text).unwrap();
        s.validate().unwrap();
        assert_eq!(s.bootstrap, 200);
        assert!(s.per_parameter);
        assert_eq!(s.point_count(), 512 * 3);
        let d = saltelli_points(&s, 2);
        assert!(
            d.points()
                .iter()
                .all(|p| p[0].fract() == 0.0 && (1.0..=30.0).contains(&p[0]))
        );
        assert!(toml::from_str::<SensitivitySpec>(&format!("{text}\nsamples = 3")).is_err());
        let back = toml::to_string(&s).unwrap();
        assert_eq!(toml::from_str::<SensitivitySpec>(&back).unwrap(), s);
        let schema = serde_json::to_string(&schemars::schema_for!(SensitivitySpec)).unwrap();
        assert!(schema.contains("base_samples") && schema.contains("per_parameter"));
    }

    fn place_of(s: &SensitivitySpec) -> String {
        s.validate().expect_err("should be rejected").place
    }

    #[test]
    fn bad_sections_name_the_key_path() {
        let good = ishigami_spec(64);
        good.validate().unwrap();
        let mut s = good.clone();
        s.base_samples = 1;
        assert_eq!(place_of(&s), "sensitivity.base_samples");
        s.base_samples = 1 << 17;
        assert_eq!(place_of(&s), "sensitivity.base_samples");
        let mut s = good.clone();
        s.parameters.clear();
        assert_eq!(place_of(&s), "sensitivity.parameters");
        let mut s = good.clone();
        s.parameters[1] = ParameterSpec::list("x2", vec![1.0, 2.0]);
        assert_eq!(place_of(&s), "sensitivity.parameters[1].values");
        s.parameters[1] = ParameterSpec::log_range("x2", 1.0, 2.0, 2);
        assert_eq!(place_of(&s), "sensitivity.parameters[1].log");
        let mut s = good.clone();
        s.parameters[2].low = Some(9.0);
        assert_eq!(place_of(&s), "sensitivity.parameters[2].low");
        let mut s = good.clone();
        s.parameters[2].low = s.parameters[2].high;
        assert_eq!(place_of(&s), "sensitivity.parameters[2].high");
        let mut s = good.clone();
        s.bootstrap = usize::MAX;
        assert_eq!(place_of(&s), "sensitivity.bootstrap");
        s.bootstrap = 1 << 32;
        assert!(s.validate().unwrap_err().message.contains("100,000"));
        let mut s = good.clone();
        s.parameters[2].key = "x1".into();
        assert_eq!(place_of(&s), "sensitivity.parameters[2].key");
        let mut s = good.clone();
        s.per_parameter = false;
        assert_eq!(place_of(&s), "sensitivity.per_parameter");
        s.parameters[0].group = Some("g".into());
        assert_eq!(place_of(&s), "sensitivity.parameters[1].group");
        let mut s = good.clone();
        s.outcomes = Some(vec![]);
        assert_eq!(place_of(&s), "sensitivity.outcomes");
        s.outcomes = Some(vec![
            "cascade_probability".into(),
            "cascade_probability".into(),
        ]);
        assert_eq!(place_of(&s), "sensitivity.outcomes[1]");
        let mut s = good.clone();
        s.parameters = (0..129)
            .map(|i| ParameterSpec::bounds(format!("k{i}"), 0.0, 1.0))
            .collect();
        assert_eq!(place_of(&s), "sensitivity.parameters");
    }
}
