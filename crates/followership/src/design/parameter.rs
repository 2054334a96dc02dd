//! One swept parameter: the scenario key it sets and the values it takes, either listed for a
//! grid (`values`, `start`/`stop`/`step`, `log`) or as bounds for the sampling designs and the
//! sensitivity analysis (`low`/`high`, optionally on a log scale).
//!
//! The form is a flat struct of optional fields rather than an enum, because serde's
//! `flatten` would switch off `deny_unknown_fields`; [`ParameterSpec::validate_at`] checks that
//! exactly one form is given and says which fields to give when it is not.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;

/// The most values one grid parameter may take (a guard against a step that is too small).
pub const MAX_VALUES: usize = 100_000;

/// The tolerance, as a fraction of `step`, within which `stop` counts as reached by a range.
const RANGE_TOLERANCE: f64 = 1e-9;

/// How one scenario key varies in a sweep or a sensitivity analysis.
///
/// Give exactly one of: `values = [..]`; `start`, `stop` and `step`; `log = { start, stop,
/// count }` (these three are for the grid design); or `low` and `high` with an optional `scale`
/// (for the random, Latin hypercube and Sobol designs and for `[sensitivity]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// The scenario key path the parameter sets, such as `"leaders.persistence"`.
    pub key: String,
    /// Grid: the values to take, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f64>>,
    /// Grid: the first value of an evenly spaced range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// Grid: the last value of the range (included when `start + i * step` reaches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<f64>,
    /// Grid: the distance between neighbouring values of the range (positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    /// Grid: `count` values spaced evenly on a log scale from `start` to `stop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogRange>,
    /// Sampling: the lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Sampling: the upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Sampling: whether values spread evenly (`"linear"`, the default) or evenly in their
    /// logarithm (`"log"`, for bounds that span orders of magnitude; both bounds positive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// Whether the key takes whole numbers (such as persistence or a number of nodes): values
    /// are rounded, and a sampled value is equally likely to be any whole number in the bounds.
    #[serde(default, skip_serializing_if = "is_false")]
    pub integer: bool,
    /// Any design: values that are not numbers (such as `["random", "degree"]` or
    /// `[true, false]`), each written into the scenario as TOML (text that is not valid TOML is
    /// taken as a string). The grid takes each in turn; a sampling design picks one with equal
    /// chances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
    /// Sensitivity analysis: the group this parameter belongs to; a group's indices measure the
    /// effect of all its parameters together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Log-spaced grid values: `count` values from `start` to `stop` whose logarithms are evenly
/// spaced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogRange {
    /// The first value (positive).
    pub start: f64,
    /// The last value (positive, at least `start`).
    pub stop: f64,
    /// How many values, both ends included.
    pub count: usize,
}

/// How sampled values spread between the bounds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scale {
    /// Evenly between `low` and `high`.
    #[default]
    Linear,
    /// Evenly in the logarithm: as many values between 1 and 10 as between 10 and 100.
    Log,
}

/// The form a parameter's values are given in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    List,
    Range,
    Log,
    Bounds,
    Choices,
}

impl Form {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Form::List => &["values"],
            Form::Range => &["start", "stop", "step"],
            Form::Log => &["log"],
            Form::Bounds => &["low", "high"],
            Form::Choices => &["choices"],
        }
    }
}

const HOW: &str = "give exactly one of: `values = [..]`; `start`, `stop` and `step`; \
                   `log = { start, stop, count }` (grid design); or `low` and `high` (sampling \
                   designs and [sensitivity])";

impl ParameterSpec {
    /// A grid parameter taking the listed values.
    pub fn list(key: impl Into<String>, values: Vec<f64>) -> Self {
        ParameterSpec {
            key: key.into(),
            values: Some(values),
            ..Default::default()
        }
    }

    /// A grid parameter taking `start, start + step, ..` up to `stop`.
    pub fn range(key: impl Into<String>, start: f64, stop: f64, step: f64) -> Self {
        ParameterSpec {
            key: key.into(),
            start: Some(start),
            stop: Some(stop),
            step: Some(step),
            ..Default::default()
        }
    }

    /// A grid parameter taking `count` log-spaced values from `start` to `stop`.
    pub fn log_range(key: impl Into<String>, start: f64, stop: f64, count: usize) -> Self {
        ParameterSpec {
            key: key.into(),
            log: Some(LogRange { start, stop, count }),
            ..Default::default()
        }
    }

    /// A sampled parameter between `low` and `high` on a linear scale.
    pub fn bounds(key: impl Into<String>, low: f64, high: f64) -> Self {
        ParameterSpec {
            key: key.into(),
            low: Some(low),
            high: Some(high),
            ..Default::default()
        }
    }

    /// Checks the parameter as `sweep.parameters[index]`; see [`ParameterSpec::validate_at`].
    pub fn validate(&self, index: usize) -> Result<(), InputError> {
        self.validate_at(&format!("sweep.parameters[{index}]"))
    }

    /// Checks that exactly one form is given and that its numbers make sense; `place` is the key
    /// path of the parameter (such as `sensitivity.parameters[2]`), and errors name the field
    /// below it. Whether the form suits the design is checked by the section.
    pub fn validate_at(&self, place: &str) -> Result<(), InputError> {
        let at = |field: &str| format!("{place}.{field}");
        check_key(&self.key, &at("key"))?;
        let form = self.form(place)?;
        let finite = |field: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(InputError::new(
                    at(field),
                    format!("{v} is not a finite number; give a number such as 0.5"),
                ))
            }
        };
        match form {
            Form::List => {
                let values = self.values.as_deref().unwrap_or_default();
                if values.is_empty() {
                    return Err(InputError::new(
                        at("values"),
                        "the list is empty; give at least one value, such as values = [0.1, 0.2]",
                    ));
                }
                if values.len() > MAX_VALUES {
                    return Err(InputError::new(
                        at("values"),
                        format!("{} values; at most {MAX_VALUES} are allowed", values.len()),
                    ));
                }
                for (j, &v) in values.iter().enumerate() {
                    finite(&format!("values[{j}]"), v)?;
                    if let Some(i) = values[..j].iter().position(|&w| w == v) {
                        return Err(InputError::new(
                            at(&format!("values[{j}]")),
                            format!("{v} repeats values[{i}]; give each value once"),
                        ));
                    }
                }
            }
            Form::Range => {
                let (start, stop, step) = (
                    self.start.unwrap_or_default(),
                    self.stop.unwrap_or_default(),
                    self.step.unwrap_or_default(),
                );
                finite("start", start)?;
                finite("stop", stop)?;
                finite("step", step)?;
                if step <= 0.0 {
                    return Err(InputError::new(
                        at("step"),
                        format!(
                            "step = {step} must be positive; to go from a high value to a low \
                             one, swap start and stop"
                        ),
                    ));
                }
                if stop < start {
                    return Err(InputError::new(
                        at("stop"),
                        format!(
                            "stop = {stop} is below start = {start}, so the range is empty; swap \
                             them"
                        ),
                    ));
                }
                let count = ((stop - start) / step + RANGE_TOLERANCE).floor() + 1.0;
                if count > MAX_VALUES as f64 {
                    return Err(InputError::new(
                        at("step"),
                        format!(
                            "step = {step} gives {count} values from {start} to {stop}; at most \
                             {MAX_VALUES} are allowed, so use a larger step"
                        ),
                    ));
                }
            }
            Form::Log => {
                let LogRange { start, stop, count } = self.log.expect("form is log");
                finite("log.start", start)?;
                finite("log.stop", stop)?;
                for (field, v) in [("log.start", start), ("log.stop", stop)] {
                    if v <= 0.0 {
                        return Err(InputError::new(
                            at(field),
                            format!(
                                "{v} is not positive, and a log range needs positive ends; use \
                                 start/stop/step for a range through zero"
                            ),
                        ));
                    }
                }
                if stop < start {
                    return Err(InputError::new(
                        at("log.stop"),
                        format!(
                            "stop = {stop} is below start = {start}, so the range is empty; swap \
                             them"
                        ),
                    ));
                }
                if count == 0 {
                    return Err(InputError::new(
                        at("log.count"),
                        "count = 0 gives no values; give the number of values, at least 2",
                    ));
                }
                if count == 1 && start != stop {
                    return Err(InputError::new(
                        at("log.count"),
                        format!(
                            "count = 1 cannot reach both {start} and {stop}; give count = 2 or \
                             more, or use values = [{start}]"
                        ),
                    ));
                }
                if count > MAX_VALUES {
                    return Err(InputError::new(
                        at("log.count"),
                        format!("count = {count}; at most {MAX_VALUES} values are allowed"),
                    ));
                }
            }
            Form::Choices => {
                let choices = self.choices.as_deref().unwrap_or_default();
                if choices.is_empty() {
                    return Err(InputError::new(
                        at("choices"),
                        "the list is empty; give at least one choice, such as choices = [\"random\", \"degree\"]",
                    ));
                }
                for (j, c) in choices.iter().enumerate() {
                    if let Some(i) = choices[..j].iter().position(|d| d == c) {
                        return Err(InputError::new(
                            at(&format!("choices[{j}]")),
                            format!("{c:?} repeats choices[{i}]; give each choice once"),
                        ));
                    }
                }
            }
            Form::Bounds => {
                let (low, high) = (self.low.unwrap_or_default(), self.high.unwrap_or_default());
                finite("low", low)?;
                finite("high", high)?;
                if low > high {
                    return Err(InputError::new(
                        at("low"),
                        format!("low = {low} is above high = {high}; swap them"),
                    ));
                }
                if self.scale == Some(Scale::Log) && low <= 0.0 {
                    return Err(InputError::new(
                        at("low"),
                        format!(
                            "low = {low} is not positive, and scale = \"log\" needs positive \
                             bounds; raise low or use scale = \"linear\""
                        ),
                    ));
                }
                if self.integer && low.ceil() > high.floor() {
                    return Err(InputError::new(
                        at("integer"),
                        format!(
                            "no whole number lies between low = {low} and high = {high}; widen \
                             the bounds or set integer = false"
                        ),
                    ));
                }
            }
        }
        if let Some(group) = &self.group
            && group.trim().is_empty()
        {
            return Err(InputError::new(
                at("group"),
                "the group name is empty; give a name such as \"network\", or leave group out",
            ));
        }
        Ok(())
    }

    /// Which form the fields give, or an error naming the field that is missing or conflicts.
    fn form(&self, place: &str) -> Result<Form, InputError> {
        let given = |form: Form| -> Vec<&'static str> {
            let present = |field: &str| match field {
                "values" => self.values.is_some(),
                "start" => self.start.is_some(),
                "stop" => self.stop.is_some(),
                "step" => self.step.is_some(),
                "log" => self.log.is_some(),
                "low" => self.low.is_some(),
                "high" => self.high.is_some(),
                "choices" => self.choices.is_some(),
                _ => unreachable!(),
            };
            form.fields()
                .iter()
                .copied()
                .filter(|f| present(f))
                .collect()
        };
        let mut found: Option<(Form, &'static str)> = None;
        for form in [
            Form::List,
            Form::Range,
            Form::Log,
            Form::Bounds,
            Form::Choices,
        ] {
            let fields = given(form);
            let Some(&first) = fields.first() else {
                continue;
            };
            if let Some((_, other)) = found {
                return Err(InputError::new(
                    format!("{place}.{first}"),
                    format!("`{first}` cannot be combined with `{other}`; {HOW}"),
                ));
            }
            if let Some(missing) = form.fields().iter().find(|f| !fields.contains(f)) {
                let needs = match form {
                    Form::Range => {
                        "a range needs `start`, `stop` and `step`, such as start = 0, stop = 1, step = 0.1"
                    }
                    _ => "bounds need both `low` and `high`, such as low = 0, high = 1",
                };
                return Err(InputError::new(
                    format!("{place}.{missing}"),
                    format!("missing: {needs}"),
                ));
            }
            found = Some((form, first));
        }
        let Some((form, _)) = found else {
            return Err(InputError::new(
                place.to_string(),
                format!("no values given for `{}`; {HOW}", self.key),
            ));
        };
        if self.scale.is_some() && form != Form::Bounds {
            return Err(InputError::new(
                format!("{place}.scale"),
                "`scale` applies to `low`/`high` bounds only; remove it (for log-spaced grid \
                 values use log = { start, stop, count })",
            ));
        }
        Ok(form)
    }

    /// Whether the parameter lists its values (`values`, a range or a log range): the form the
    /// grid design needs.
    pub fn is_grid(&self) -> bool {
        self.values.is_some()
            || self.start.is_some()
            || self.stop.is_some()
            || self.step.is_some()
            || self.log.is_some()
    }

    /// Whether the parameter gives `low`/`high` bounds: the form the sampling designs and the
    /// sensitivity analysis need.
    pub fn is_bounds(&self) -> bool {
        self.low.is_some() || self.high.is_some() || self.choices.is_some()
    }

    /// The text written into the scenario for `value`: the choice it indexes for a parameter
    /// with `choices`, the number otherwise (whole numbers without a decimal point).
    pub fn value_text(&self, value: f64) -> String {
        match &self.choices {
            Some(c) => c[(value as usize).min(c.len() - 1)].clone(),
            None => {
                let v = if self.integer { value.round() } else { value };
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", v as i64)
                } else {
                    format!("{v}")
                }
            }
        }
    }

    /// The field that sets the parameter's form (`values`, `start`, `log`, `low` or `high`),
    /// for errors about a form that does not suit its section.
    pub fn form_field(&self) -> &'static str {
        [
            ("values", self.values.is_some()),
            ("start", self.start.is_some()),
            ("stop", self.stop.is_some()),
            ("step", self.step.is_some()),
            ("log", self.log.is_some()),
            ("low", self.low.is_some()),
            ("high", self.high.is_some()),
            ("choices", self.choices.is_some()),
        ]
        .into_iter()
        .find_map(|(field, given)| given.then_some(field))
        .unwrap_or("key")
    }

    /// The values a grid parameter takes, in order.
    ///
    /// A range gives `start + i * step` for `i = 0, 1, ..` while it does not pass `stop` by
    /// more than a billionth of a step, and ends exactly at `stop` when it reaches it; a log
    /// range gives `start * (stop / start)^(i / (count - 1))`, ending exactly at `stop`. Computed
    /// values are rounded to 12 significant digits to remove floating-point noise (so `3 * 0.1`
    /// is `0.3`, not `0.30000000000000004`). Whole-number parameters are then rounded, and a
    /// value that rounding repeats is kept once, where it first appears.
    ///
    /// # Panics
    /// If the parameter gives bounds rather than values (check with [`ParameterSpec::is_grid`]).
    pub fn grid_values(&self) -> Vec<f64> {
        if let Some(c) = &self.choices {
            return (0..c.len()).map(|i| i as f64).collect();
        }
        let values: Vec<f64> = if let Some(values) = &self.values {
            values.clone()
        } else if let (Some(start), Some(stop), Some(step)) = (self.start, self.stop, self.step) {
            range_values(start, stop, step)
        } else if let Some(log) = self.log {
            log_values(log)
        } else {
            panic!("`{}` gives bounds, not grid values", self.key);
        };
        if !self.integer {
            return values;
        }
        let mut out: Vec<f64> = Vec::with_capacity(values.len());
        for v in values {
            let v = v.round();
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The number of values a grid parameter takes (see [`ParameterSpec::grid_values`]).
    pub fn grid_count(&self) -> usize {
        self.grid_values().len()
    }

    /// Maps `u` in [0, 1) to the parameter's value between its bounds: `low + u (high - low)`,
    /// or its logarithmic counterpart for `scale = "log"`.
    ///
    /// A whole-number parameter stretches the interval by half a unit at each end of the whole
    /// numbers it holds and rounds, so each whole number in the bounds covers the same share of
    /// [0, 1) (on the log scale: the share of `n - 1/2 .. n + 1/2` in the logarithm).
    ///
    /// # Panics
    /// If the parameter gives grid values rather than bounds.
    pub fn value_at(&self, u: f64) -> f64 {
        if let Some(c) = &self.choices {
            // The index of a choice, each with the same share of [0, 1).
            return ((u * c.len() as f64).floor() as usize).min(c.len() - 1) as f64;
        }
        let (Some(low), Some(high)) = (self.low, self.high) else {
            panic!("`{}` gives grid values, not bounds", self.key);
        };
        let log = self.scale == Some(Scale::Log);
        if !self.integer {
            return if log {
                (low.ln() + u * (high.ln() - low.ln())).exp()
            } else {
                low + u * (high - low)
            };
        }
        let (lo, hi) = (low.ceil(), high.floor());
        let (a, b) = (lo - 0.5, hi + 0.5);
        let x = if log {
            (a.ln() + u * (b.ln() - a.ln())).exp()
        } else {
            a + u * (b - a)
        };
        x.round().clamp(lo, hi)
    }
}

/// Checks that a key path is a dotted list of names, such as `leaders.persistence`.
fn check_key(key: &str, place: &str) -> Result<(), InputError> {
    if key.trim().is_empty() {
        return Err(InputError::new(
            place,
            "the key is empty; give the scenario key to vary, such as \"leaders.persistence\"",
        ));
    }
    if key.split('.').any(|part| part.is_empty()) || key.chars().any(char::is_whitespace) {
        return Err(InputError::new(
            place,
            format!(
                "{key:?} is not a key path; give dotted names without spaces, such as \
                 \"leaders.persistence\""
            ),
        ));
    }
    Ok(())
}

/// `start + i * step` up to `stop` (see [`ParameterSpec::grid_values`]).
fn range_values(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let count = ((stop - start) / step + RANGE_TOLERANCE).floor() as usize + 1;
    (0..count)
        .map(|i| {
            let v = start + i as f64 * step;
            if (v - stop).abs() <= RANGE_TOLERANCE * step {
                stop
            } else {
                // Only tidy when that moves the value by a negligible part of a step.
                let t = tidy(v);
                if (t - v).abs() <= 1e-6 * step { t } else { v }
            }
        })
        .collect()
}

/// `count` log-spaced values from `start` to `stop`, both ends exact.
fn log_values(LogRange { start, stop, count }: LogRange) -> Vec<f64> {
    if count == 1 {
        return vec![start];
    }
    let (a, b) = (start.ln(), stop.ln());
    (0..count)
        .map(|i| match i {
            0 => start,
            i if i == count - 1 => stop,
            i => tidy((a + (b - a) * i as f64 / (count - 1) as f64).exp()),
        })
        .collect()
}

/// `v` rounded to 12 significant digits.
fn tidy(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(p: &ParameterSpec) -> String {
        p.validate(3).expect_err("should be rejected").place
    }

    #[test]
    fn a_float_range_ends_exactly_at_stop() {
        let p = ParameterSpec::range("k", 0.0, 1.0, 0.1);
        p.validate(0).unwrap();
        let v = p.grid_values();
        assert_eq!(v.len(), 11);
        assert_eq!(
            v,
            [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
            "values are tidied to their decimal form"
        );
        assert_eq!(*v.last().unwrap(), 1.0);
        // A stop that the step does not reach exactly is not passed.
        assert_eq!(
            ParameterSpec::range("k", 0.0, 1.0, 0.3).grid_values(),
            [0.0, 0.3, 0.6, 0.9]
        );
        // 0.7 / 0.1 is 6.999999999999999 in floating point: the tolerance still includes stop.
        assert_eq!(
            ParameterSpec::range("k", 0.0, 0.7, 0.1).grid_values().len(),
            8
        );
        assert_eq!(
            ParameterSpec::range("k", 2.0, 2.0, 0.5).grid_values(),
            [2.0]
        );
    }

    #[test]
    fn log_ranges_are_evenly_spaced_in_the_logarithm() {
        let p = ParameterSpec::log_range("k", 1.0, 10_000.0, 5);
        p.validate(0).unwrap();
        assert_eq!(p.grid_values(), [1.0, 10.0, 100.0, 1000.0, 10_000.0]);
        let v = ParameterSpec::log_range("k", 0.01, 1.0, 3).grid_values();
        assert_eq!(v, [0.01, 0.1, 1.0]);
    }

    #[test]
    fn whole_numbers_are_rounded_and_kept_once() {
        let mut p = ParameterSpec::log_range("network.nodes", 100.0, 10_000.0, 5);
        p.integer = true;
        assert_eq!(p.grid_values(), [100.0, 316.0, 1000.0, 3162.0, 10_000.0]);
        let mut p = ParameterSpec::log_range("k", 1.0, 4.0, 7);
        p.integer = true;
        // 1, 1.26, 1.59, 2, 2.52, 3.17, 4 round to 1, 1, 2, 2, 3, 3, 4.
        assert_eq!(p.grid_values(), [1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn whole_numbers_between_bounds_are_equally_likely() {
        let mut p = ParameterSpec::bounds("leaders.persistence", 1.0, 4.0);
        p.integer = true;
        p.validate(0).unwrap();
        let n = 4000;
        let mut counts = [0usize; 4];
        for i in 0..n {
            let v = p.value_at((i as f64 + 0.5) / n as f64);
            counts[v as usize - 1] += 1;
        }
        assert_eq!(counts, [1000; 4]);
        p.scale = Some(Scale::Log);
        assert_eq!(p.value_at(0.0), 1.0);
        assert_eq!(p.value_at(0.999_999), 4.0);
        let p = ParameterSpec {
            scale: Some(Scale::Log),
            ..ParameterSpec::bounds("k", 1.0, 100.0)
        };
        assert!((p.value_at(0.5) - 10.0).abs() < 1e-12);
    }

    #[test]
    fn unknown_combinations_name_the_field() {
        let mut p = ParameterSpec::list("k", vec![1.0]);
        p.start = Some(0.0);
        assert_eq!(place_of(&p), "sweep.parameters[3].start");
        let mut p = ParameterSpec::bounds("k", 0.0, 1.0);
        p.values = Some(vec![1.0]);
        assert_eq!(place_of(&p), "sweep.parameters[3].low");
        let p = ParameterSpec {
            key: "k".into(),
            ..Default::default()
        };
        assert_eq!(place_of(&p), "sweep.parameters[3]");
        let mut p = ParameterSpec::range("k", 0.0, 1.0, 0.1);
        p.step = None;
        assert_eq!(place_of(&p), "sweep.parameters[3].step");
        let mut p = ParameterSpec::bounds("k", 0.0, 1.0);
        p.high = None;
        assert_eq!(place_of(&p), "sweep.parameters[3].high");
        let mut p = ParameterSpec::list("k", vec![1.0]);
        p.scale = Some(Scale::Log);
        assert_eq!(place_of(&p), "sweep.parameters[3].scale");
        let e = ParameterSpec::list("", vec![1.0]).validate(0).unwrap_err();
        assert_eq!(e.place, "sweep.parameters[0].key");
        let e = ParameterSpec::list("a..b", vec![1.0])
            .validate(0)
            .unwrap_err();
        assert_eq!(e.place, "sweep.parameters[0].key");
    }

    #[test]
    fn empty_or_bad_ranges_name_the_field() {
        assert_eq!(
            place_of(&ParameterSpec::range("k", 1.0, 0.0, 0.1)),
            "sweep.parameters[3].stop"
        );
        assert_eq!(
            place_of(&ParameterSpec::range("k", 0.0, 1.0, 0.0)),
            "sweep.parameters[3].step"
        );
        assert_eq!(
            place_of(&ParameterSpec::range("k", 0.0, 1.0, -0.1)),
            "sweep.parameters[3].step"
        );
        assert_eq!(
            place_of(&ParameterSpec::range("k", 0.0, 1.0, 1e-9)),
            "sweep.parameters[3].step"
        );
        assert_eq!(
            place_of(&ParameterSpec::range("k", 0.0, f64::NAN, 0.1)),
            "sweep.parameters[3].stop"
        );
        assert_eq!(
            place_of(&ParameterSpec::list("k", vec![])),
            "sweep.parameters[3].values"
        );
        assert_eq!(
            place_of(&ParameterSpec::list("k", vec![1.0, 2.0, 1.0])),
            "sweep.parameters[3].values[2]"
        );
        assert_eq!(
            place_of(&ParameterSpec::list("k", vec![1.0, f64::INFINITY])),
            "sweep.parameters[3].values[1]"
        );
        assert_eq!(
            place_of(&ParameterSpec::log_range("k", 1.0, 10.0, 0)),
            "sweep.parameters[3].log.count"
        );
        assert_eq!(
            place_of(&ParameterSpec::log_range("k", 1.0, 10.0, 1)),
            "sweep.parameters[3].log.count"
        );
        assert_eq!(
            place_of(&ParameterSpec::log_range("k", 0.0, 10.0, 3)),
            "sweep.parameters[3].log.start"
        );
        assert_eq!(
            place_of(&ParameterSpec::log_range("k", 1.0, -10.0, 3)),
            "sweep.parameters[3].log.stop"
        );
        assert_eq!(
            place_of(&ParameterSpec::log_range("k", 10.0, 1.0, 3)),
            "sweep.parameters[3].log.stop"
        );
    }

    #[test]
    fn bad_bounds_name_the_field() {
        assert_eq!(
            place_of(&ParameterSpec::bounds("k", 2.0, 1.0)),
            "sweep.parameters[3].low"
        );
        let p = ParameterSpec {
            scale: Some(Scale::Log),
            ..ParameterSpec::bounds("k", 0.0, 1.0)
        };
        assert_eq!(place_of(&p), "sweep.parameters[3].low");
        let p = ParameterSpec {
            integer: true,
            ..ParameterSpec::bounds("k", 0.2, 0.8)
        };
        assert_eq!(place_of(&p), "sweep.parameters[3].integer");
        let p = ParameterSpec {
            group: Some(" ".into()),
            ..ParameterSpec::bounds("k", 0.0, 1.0)
        };
        assert_eq!(place_of(&p), "sweep.parameters[3].group");
        let e = ParameterSpec::bounds("k", 2.0, 1.0)
            .validate_at("sensitivity.parameters[0]")
            .unwrap_err();
        assert_eq!(e.place, "sensitivity.parameters[0].low");
        assert!(e.message.contains("swap"), "{}", e.message);
    }

    #[test]
    fn parameters_read_from_toml_and_reject_unknown_fields() {
        let p: ParameterSpec = toml::from_str(
            "key = \"network.nodes\"\nlog = { start = 100, stop = 10000, count = 3 }\ninteger = true",
        )
        .unwrap();
        p.validate(0).unwrap();
        assert_eq!(p.grid_values(), [100.0, 1000.0, 10_000.0]);
        let p: ParameterSpec =
            toml::from_str("key = \"k\"\nlow = 1\nhigh = 100\nscale = \"log\"").unwrap();
        assert_eq!(p.scale, Some(Scale::Log));
        assert!(toml::from_str::<ParameterSpec>("key = \"k\"\nvalue = [1]").is_err());
        let back = toml::to_string(&p).unwrap();
        assert_eq!(toml::from_str::<ParameterSpec>(&back).unwrap(), p);
        assert!(!back.contains("integer"), "{back}");
    }
}
