//! Fitting a scenario to what happened: calibration from an observed adoption curve by
//! approximate Bayesian computation with sequential Monte Carlo (ABC-SMC, as pyabc does it).
//!
//! The scenario's `[fit]` section names the parameters to fit, each with a prior
//! (`[[fit.parameters]]`: a key path such as `dynamics.imitation`, and a uniform, log-uniform,
//! normal or choices prior), the observed data (`[fit.data]`: a CSV file of times and counts or
//! shares, possibly one series per group, with `[fit.groups.NAME]` settings for each group),
//! how model ticks map to the data's time (`[fit.time]`: tick = offset + scale x time, either
//! fixed or fitted through the reserved keys `time.scale` and `time.offset`), and the distance
//! between a simulated and the observed curve (the whole curve, or summary statistics).
//!
//! [`Fit::run`] runs the populations: generation 0 draws from the prior and accepts every
//! particle; each later generation's tolerance is a quantile of the previous generation's
//! distances, its proposals are previous particles (chosen by weight) moved by a multivariate
//! normal kernel with twice their weighted covariance, and its importance weights are the prior
//! over the kernel mixture. Proposals are drawn from streams named by (seed, generation,
//! attempt) and simulated at their own point, in batches in parallel, and accepted in attempt
//! order, so a fit's result depends on its seed only, never on the number of threads. Each
//! finished generation is written atomically, so an interrupted fit resumes from its last
//! complete generation and ends exactly as an uninterrupted one.
//!
//! [`output`] writes the posterior, the summary and the forecast people read.

mod data;
pub mod output;
mod prior;
mod setter;
mod smc;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError};
use crate::experiment::{Experiment, Value};
use crate::graph::Graph;
use crate::limits;
use crate::scenario::Override;
use crate::simulation::Recording;

pub use data::{Observed, Series};
use prior::Prior;
pub use smc::{FitOptions, Generation, Particle, Posterior, Progress, Stop};

/// The reserved key of a fitted time scale (model ticks per unit of the data's time).
pub const TIME_SCALE: &str = "time.scale";
/// The reserved key of a fitted time offset (the model tick of data time 0).
pub const TIME_OFFSET: &str = "time.offset";

/// The `[fit]` section: what to fit, to which data, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitSpec {
    /// The parameters to fit (`[[fit.parameters]]`), each with its prior.
    pub parameters: Vec<FitParameter>,
    /// The observed data (`[fit.data]`).
    #[serde(default)]
    pub data: DataSpec,
    /// How model ticks map to the data's time (`[fit.time]`).
    #[serde(default)]
    pub time: TimeSpec,
    /// The distance between a simulated and the observed curve: `"curve"` (root mean square
    /// difference of the shares at the observed times, the default) or `"summary"` (the
    /// statistics listed in `statistics`).
    #[serde(default)]
    pub distance: DistanceKind,
    /// The summary statistics of `distance = "summary"` (default: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<Vec<Statistic>>,
    /// Particles per generation (the size of the posterior sample).
    #[serde(default = "default_particles")]
    pub particles: usize,
    /// The most generations to run (generation 0 draws from the prior).
    #[serde(default = "default_generations")]
    pub generations: u32,
    /// The quantile of the previous generation's distances that becomes the next tolerance,
    /// in (0, 1); 0.5 (the median) as pyabc.
    #[serde(default = "default_quantile")]
    pub quantile: f64,
    /// Stop once the tolerance is at or below this distance.
    #[serde(default)]
    pub min_tolerance: f64,
    /// Stop once a generation accepts fewer than this share of its proposals (a generation
    /// that would need more proposals than particles / min_acceptance is abandoned).
    #[serde(default = "default_min_acceptance")]
    pub min_acceptance: f64,
    /// Stop after this many seconds, keeping the last complete generation (results then
    /// depend on the machine's speed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_budget: Option<f64>,
    /// Runs per particle: the simulated curve is their mean (1, as in plain ABC, is usually
    /// best; more smooths the curves of small crowds).
    #[serde(default = "default_runs")]
    pub runs: u32,
    /// Settings of each group of the data (`[fit.groups.NAME]`, key path = value): a series
    /// of that group is compared with runs of the scenario with those settings. Each value is
    /// set on its own (`network.nodes = 100` changes the nodes and keeps the network's other
    /// keys; an inline table is merged key by key in the same way).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// The shape of a prior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PriorKind {
    /// Uniform between `low` and `high`.
    Uniform,
    /// Uniform in the logarithm between `low` and `high` (both above 0).
    LogUniform,
    /// Normal with `mean` and `sd`, cut to [`low`, `high`] when given (at four standard
    /// deviations from the mean otherwise).
    Normal,
    /// One of the listed `values`, each equally likely.
    Choices,
}

impl PriorKind {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            PriorKind::Uniform => "uniform",
            PriorKind::LogUniform => "log-uniform",
            PriorKind::Normal => "normal",
            PriorKind::Choices => "choices",
        }
    }
}

/// One fitted parameter (`[[fit.parameters]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitParameter {
    /// The scenario key path, such as `dynamics.imitation`, or `time.scale` / `time.offset`.
    pub key: String,
    /// The prior: `"uniform"`, `"log-uniform"`, `"normal"` or `"choices"`.
    pub prior: PriorKind,
    /// Lower bound (uniform, log-uniform; optional cut of a normal prior).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper bound (uniform, log-uniform; optional cut of a normal prior).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Mean of a normal prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Standard deviation of a normal prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// The values of a choices prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<serde_json::Value>>,
    /// Whether the key takes whole numbers: values are rounded when set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
}

/// The `[fit.data]` section: the observed data file and its columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    /// The CSV file (relative to the scenario file); `--data FILE` replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// The column of times: numbers (ticks, days, weeks) or dates `YYYY-MM-DD`.
    #[serde(default = "default_time_column")]
    pub time: String,
    /// The column of counts of people following (default: `count`, or `share` when the file
    /// has that column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<String>,
    /// The column of shares of the crowd following, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    /// The size of the crowd the counts are of (default: the model's crowd, everyone but the
    /// leaders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<f64>,
    /// The column naming each row's group, for several series in one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            path: None,
            time: default_time_column(),
            count: None,
            share: None,
            population: None,
            group: None,
        }
    }
}

/// The `[fit.time]` section: model tick = offset + scale x data time, unless `time.scale` or
/// `time.offset` is fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeSpec {
    /// Model ticks per unit of the data's time.
    #[serde(default = "one")]
    pub scale: f64,
    /// The model tick of data time 0.
    #[serde(default)]
    pub offset: f64,
}

impl Default for TimeSpec {
    fn default() -> Self {
        TimeSpec {
            scale: 1.0,
            offset: 0.0,
        }
    }
}

/// How far a simulated curve is from the observed one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DistanceKind {
    /// Root mean square difference of the shares following at the observed times.
    #[default]
    Curve,
    /// Root mean square difference of summary statistics (times as shares of the observed
    /// span).
    Summary,
}

/// A summary statistic of a curve, computed alike from the observed and a simulated one at
/// the observed times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Statistic {
    /// The share following at the last observed time.
    Final,
    /// The time at which 10% of the final size follows.
    T10,
    /// The time at which 50% of the final size follows.
    T50,
    /// The time at which 90% of the final size follows.
    T90,
    /// The time of the steepest rise.
    Peak,
}

impl Statistic {
    /// Every statistic, the default of `distance = "summary"`.
    pub const ALL: [Statistic; 5] = [
        Statistic::Final,
        Statistic::T10,
        Statistic::T50,
        Statistic::T90,
        Statistic::Peak,
    ];
}

fn default_particles() -> usize {
    200
}
fn default_generations() -> u32 {
    10
}
fn default_quantile() -> f64 {
    0.5
}
fn default_min_acceptance() -> f64 {
    0.01
}
fn default_runs() -> u32 {
    1
}
fn default_time_column() -> String {
    "tick".into()
}
fn one() -> f64 {
    1.0
}

impl FitSpec {
    /// Checks what the types do not; errors name the key path (`fit.parameters[1].high`).
    pub fn validate(&self) -> Result<(), InputError> {
        let err = |key: String, message: String| Err(InputError::new(key, message));
        if self.parameters.is_empty() {
            return err(
                "fit.parameters".into(),
                "no parameters to fit; add [[fit.parameters]] entries with a key and a prior"
                    .into(),
            );
        }
        for (i, p) in self.parameters.iter().enumerate() {
            let at = |field: &str| format!("fit.parameters[{i}].{field}");
            if p.key.trim().is_empty() {
                return err(
                    at("key"),
                    "give the key path of a scenario value, such as dynamics.imitation".into(),
                );
            }
            if let Some(j) = self.parameters[..i].iter().position(|q| q.key == p.key) {
                return err(
                    at("key"),
                    format!(
                        "`{}` is fitted twice (also fit.parameters[{j}]); keep one",
                        p.key
                    ),
                );
            }
            let given = |field: &str, v: bool| (field.to_string(), v);
            let fields = [
                given("low", p.low.is_some()),
                given("high", p.high.is_some()),
                given("mean", p.mean.is_some()),
                given("sd", p.sd.is_some()),
                given("values", p.values.is_some()),
            ];
            let (needed, allowed): (&[&str], &[&str]) = match p.prior {
                PriorKind::Uniform | PriorKind::LogUniform => (&["low", "high"], &["low", "high"]),
                PriorKind::Normal => (&["mean", "sd"], &["mean", "sd", "low", "high"]),
                PriorKind::Choices => (&["values"], &["values"]),
            };
            for (field, present) in &fields {
                if needed.contains(&field.as_str()) && !present {
                    return err(
                        at(field),
                        format!(
                            "a {} prior needs {}; add {field}",
                            p.prior.name(),
                            needed.join(" and ")
                        ),
                    );
                }
                if *present && !allowed.contains(&field.as_str()) {
                    return err(
                        at(field),
                        format!(
                            "a {} prior takes {}, not {field}; remove it or change the prior",
                            p.prior.name(),
                            allowed.join(", ")
                        ),
                    );
                }
            }
            for (field, v) in [
                ("low", p.low),
                ("high", p.high),
                ("mean", p.mean),
                ("sd", p.sd),
            ] {
                if let Some(v) = v
                    && !v.is_finite()
                {
                    return err(at(field), format!("{field} = {v} must be a finite number"));
                }
            }
            if let (Some(low), Some(high)) = (p.low, p.high)
                && low >= high
            {
                return err(
                    at("high"),
                    format!("high = {high} must be above low = {low}"),
                );
            }
            if p.prior == PriorKind::LogUniform && p.low.is_some_and(|l| l <= 0.0) {
                return err(
                    at("low"),
                    "a log-uniform prior needs low above 0; use a uniform prior to include 0"
                        .into(),
                );
            }
            if p.prior == PriorKind::Normal && p.sd.is_some_and(|s| s <= 0.0) {
                return err(at("sd"), "sd must be above 0".into());
            }
            if p.prior == PriorKind::Normal
                && let (Some(low), Some(high), Some(mean), Some(sd)) = (p.low, p.high, p.mean, p.sd)
                && (mean + 4.0 * sd < low || mean - 4.0 * sd > high)
            {
                return err(
                    at("mean"),
                    format!(
                        "the normal prior (mean {mean}, sd {sd}) has almost no mass in [{low}, {high}]; move the mean or widen the bounds"
                    ),
                );
            }
            if let Some(values) = &p.values {
                if values.is_empty() {
                    return err(
                        at("values"),
                        "give at least one value to choose from".into(),
                    );
                }
                if values.iter().any(|v| v.is_null() || v.is_object()) {
                    return err(
                        at("values"),
                        "choices are numbers, names, flags or lists".into(),
                    );
                }
            }
            if p.key == TIME_SCALE {
                if p.prior == PriorKind::Choices {
                    return err(at("prior"), "time.scale takes a continuous prior".into());
                }
                if p.prior != PriorKind::LogUniform && !p.low.is_some_and(|l| l > 0.0) {
                    return err(
                        at("low"),
                        "time.scale must stay above 0: give low > 0".into(),
                    );
                }
            }
        }
        if !(self.time.scale > 0.0 && self.time.scale.is_finite()) {
            return err(
                "fit.time.scale".into(),
                format!(
                    "scale = {} must be above 0 (model ticks per unit of the data's time)",
                    self.time.scale
                ),
            );
        }
        if !self.time.offset.is_finite() {
            return err(
                "fit.time.offset".into(),
                "offset must be a finite number of ticks".into(),
            );
        }
        if let Some(p) = self.data.population
            && !(p > 0.0 && p.is_finite())
        {
            return err(
                "fit.data.population".into(),
                format!("population = {p} must be above 0"),
            );
        }
        if self.data.count.is_some() && self.data.share.is_some() {
            return err(
                "fit.data.share".into(),
                "give a count column or a share column, not both".into(),
            );
        }
        if !(2..=1_000_000).contains(&self.particles) {
            return err(
                "fit.particles".into(),
                format!(
                    "particles = {} is out of range; give 2 to 1,000,000 (100 to 1,000 is usual)",
                    self.particles
                ),
            );
        }
        if !(1..=1000).contains(&self.generations) {
            return err(
                "fit.generations".into(),
                format!(
                    "generations = {} is out of range; give 1 to 1,000",
                    self.generations
                ),
            );
        }
        if !(self.quantile > 0.0 && self.quantile < 1.0) {
            return err(
                "fit.quantile".into(),
                format!(
                    "quantile = {} must be in (0, 1); 0.5 is the median",
                    self.quantile
                ),
            );
        }
        if !(self.min_tolerance >= 0.0 && self.min_tolerance.is_finite()) {
            return err(
                "fit.min_tolerance".into(),
                "min_tolerance must be zero or more".into(),
            );
        }
        if !(self.min_acceptance > 0.0 && self.min_acceptance < 1.0) {
            return err(
                "fit.min_acceptance".into(),
                format!(
                    "min_acceptance = {} must be in (0, 1), e.g. 0.01",
                    self.min_acceptance
                ),
            );
        }
        if let Some(t) = self.time_budget
            && !(t > 0.0 && t.is_finite())
        {
            return err(
                "fit.time_budget".into(),
                "time_budget is a number of seconds above 0".into(),
            );
        }
        if !(1..=1000).contains(&self.runs) {
            return err(
                "fit.runs".into(),
                format!("runs = {} is out of range; give 1 to 1,000", self.runs),
            );
        }
        match (&self.statistics, self.distance) {
            (Some(_), DistanceKind::Curve) => {
                return err(
                    "fit.statistics".into(),
                    "statistics are used with distance = \"summary\"; set it, or remove statistics"
                        .into(),
                );
            }
            (Some(s), _) if s.is_empty() => {
                return err(
                    "fit.statistics".into(),
                    "give at least one statistic: final, t10, t50, t90, peak".into(),
                );
            }
            _ => {}
        }
        Ok(())
    }
}

/// One series of the data with the experiment it is compared with.
struct Group {
    /// The group's name (empty for a file with one series).
    name: String,
    /// The scenario with the group's settings.
    experiment: Experiment,
    /// The network shared by every particle, when no fitted key changes it.
    graph: Option<Arc<Graph>>,
    /// The observed series.
    series: Series,
    /// The group's scenario as a TOML tree, when setting keys in it gives exactly what
    /// overrides of the text give (checked at the start): a faster way to set a particle.
    tree: Option<toml::Table>,
    /// The typed field of each fitted parameter (`None` for the time mapping), when every
    /// fitted scenario key has one and writing it gives exactly what overrides give (checked
    /// at the start): the fastest way to set a particle, see [`setter`].
    fields: Option<Vec<Option<setter::Field>>>,
}

/// A fit ready to run: the scenario, its priors, and the observed data.
pub struct Fit {
    spec: FitSpec,
    priors: Vec<Prior>,
    groups: Vec<Group>,
    observed: Observed,
    seed: u64,
    cascade_cutoff: f64,
    fingerprint: u64,
    origin: String,
}

impl Fit {
    /// The fit of `experiment`'s `[fit]` section to the data at `data` (or, when `None`, at
    /// `fit.data.path`, relative to the scenario file). Checks that every fitted key can be
    /// set across its prior's range, and the data file, with errors naming the key or
    /// `file:line`.
    pub fn new(experiment: &Experiment, data: Option<&Path>) -> Result<Fit, Error> {
        let loaded = experiment.loaded();
        let Some(spec) = experiment.scenario().fit.clone() else {
            return Err(InputError::new(
                "fit",
                format!(
                    "{} has no [fit] section; add one naming the parameters to fit and their priors (see README, \"Fit to data\")",
                    loaded.origin
                ),
            )
            .into());
        };
        let path = match (data, &spec.data.path) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(p)) => loaded.base_dir.join(p),
            (None, None) => {
                return Err(InputError::new(
                    "fit.data.path",
                    "no data file; give --data FILE, or path = \"FILE\" in [fit.data]",
                )
                .into());
            }
        };
        let observed = Observed::load(&path, &spec.data)?;
        let priors: Vec<Prior> = spec.parameters.iter().map(Prior::new).collect();
        let base = Self::with_ticks_for(experiment, &spec, &priors, observed.last_time())?;
        // Every fitted scenario key must take every value its prior can give.
        for (i, p) in priors.iter().enumerate() {
            if p.key == TIME_SCALE || p.key == TIME_OFFSET {
                continue;
            }
            for x in prior_extremes(p) {
                let o = Override::new(&p.key, p.setting(x).to_toml())
                    .and_then(|o| base.clone().with_overrides(&[o]).map_err(into_input));
                if let Err(e) = o {
                    let place = loaded.place_of(&format!("fit.parameters[{i}].key"));
                    return Err(InputError::new(
                        place,
                        format!(
                            "the prior of `{}` reaches {}, which cannot be set ({}); give a key the scenario has, and a prior within the key's valid range",
                            p.key,
                            p.setting(x),
                            e.message
                        ),
                    )
                    .into());
                }
            }
        }
        let network_fitted = priors.iter().any(|p| p.key.starts_with("network."));
        let mut groups = Vec::new();
        for series in &observed.series {
            // `network.nodes = 100` under [fit.groups.NAME] reads as a table `network` holding
            // `nodes`: each value inside is set on its own, so the group's other keys of that
            // section keep the scenario's values.
            let mut settings = Vec::new();
            for (key, value) in spec.groups.get(&series.group).into_iter().flatten() {
                flatten_setting(key.clone(), value, &mut settings);
            }
            let mut overrides = Vec::new();
            for (key, value) in &settings {
                let place = loaded.place_of(&format!("fit.groups.{}.{key}", series.group));
                let o = Override::new(key, prior::json_to_value(value).to_toml())
                    .map_err(|e| InputError::new(place.clone(), e.message))?;
                overrides.push(o.given_as(place));
            }
            let experiment = base.clone().with_overrides(&overrides).map_err(|e| {
                let e = into_input(e);
                InputError::new(
                    e.place,
                    format!(
                        "{} (in the settings of group `{}`, [fit.groups.{}])",
                        e.message, series.group, series.group
                    ),
                )
            })?;
            let graph = if network_fitted || experiment.regenerates_network() {
                None
            } else {
                Some(Arc::new(experiment.network(0)?))
            };
            groups.push(Group {
                name: series.group.clone(),
                experiment,
                graph,
                series: series.clone(),
                tree: None,
                fields: None,
            });
        }
        if let Some(name) = spec
            .groups
            .keys()
            .find(|g| !observed.series.iter().any(|s| &s.group == *g))
        {
            let groups: Vec<&str> = observed.series.iter().map(|s| s.group.as_str()).collect();
            let message = if spec.data.group.is_none() {
                format!(
                    "the data has one series, so there is no group `{name}`; name the data's \
                     group column with fit.data.group, or remove [fit.groups.{name}]"
                )
            } else {
                let nearest = groups
                    .iter()
                    .filter(|g| strsim::levenshtein(g, name) <= 2.max(name.len() / 3))
                    .min_by_key(|g| strsim::levenshtein(g, name))
                    .map(|g| format!("did you mean `{g}`? "))
                    .unwrap_or_default();
                format!(
                    "no series of the data has group `{name}`; {nearest}the data's groups are {}; \
                     name groups as the data's group column does",
                    groups.join(", ")
                )
            };
            return Err(
                InputError::new(loaded.place_of(&format!("fit.groups.{name}")), message).into(),
            );
        }
        // Setting a particle's values in the scenario's TOML tree skips reading the whole text
        // again for every simulation (most of the cost of a small run); it is used when it
        // gives the same scenarios as overrides at every edge of the priors.
        for g in &mut groups {
            let tree = toml::Table::try_from(g.experiment.scenario()).ok();
            let agrees = tree.as_ref().is_some_and(|tree| {
                priors.iter().all(|p| {
                    p.key == TIME_SCALE
                        || p.key == TIME_OFFSET
                        || prior_extremes(p).into_iter().all(|x| {
                            let one = [(p.key.as_str(), p.setting(x))];
                            match (
                                set_in_tree(&g.experiment, tree, &one),
                                set_by_overrides(&g.experiment, &one),
                            ) {
                                (Ok(a), Ok(b)) => a.scenario() == b.scenario(),
                                _ => false,
                            }
                        })
                })
            });
            if agrees {
                g.tree = tree;
            }
            g.fields = typed_fields(&g.experiment, &priors);
        }
        let fingerprint = {
            let text = format!("{}\n{:?}\n{:?}", loaded.source, observed, spec);
            xxhash_rust::xxh3::xxh3_64(text.as_bytes())
        };
        Ok(Fit {
            priors,
            groups,
            observed,
            seed: experiment.scenario().seed,
            cascade_cutoff: experiment.scenario().cascade_cutoff,
            fingerprint,
            origin: loaded.origin.clone(),
            spec,
        })
    }

    /// `experiment` with `max_ticks` just covering data time `until` at the largest time scale
    /// and offset the priors allow.
    fn with_ticks_for(
        experiment: &Experiment,
        spec: &FitSpec,
        priors: &[Prior],
        until: f64,
    ) -> Result<Experiment, Error> {
        let largest = |key: &str, fixed: f64| {
            priors.iter().find(|p| p.key == key).map_or(fixed, |p| {
                prior_extremes(p).into_iter().fold(fixed.min(0.0), f64::max)
            })
        };
        let scale = largest(TIME_SCALE, spec.time.scale);
        let offset = largest(TIME_OFFSET, spec.time.offset);
        // The runs of a fit stop at the last observation: ticks after it cannot change the
        // distance (a run's random numbers are drawn tick by tick, so its earlier ticks are the
        // same whatever the limit), and a long scenario would otherwise cost most of the fit.
        let needed =
            ((offset + scale * until).ceil() + 1.0).clamp(1.0, f64::from(limits::MAX_TICKS));
        let ticks = needed as u32;
        let max_ticks = experiment.scenario().max_ticks;
        match experiment.clone().set("max_ticks", ticks) {
            Ok(e) => Ok(e),
            // Scripted events or snapshots after the data keep the scenario's own limit.
            Err(_) if ticks < max_ticks => Ok(experiment.clone()),
            Err(e) => Err(e),
        }
    }

    /// The fitted parameters' keys, in the order of a particle's values.
    pub fn parameters(&self) -> Vec<String> {
        self.priors.iter().map(|p| p.key.clone()).collect()
    }

    /// The `[fit]` section.
    pub fn spec(&self) -> &FitSpec {
        &self.spec
    }

    /// The observed data.
    pub fn observed(&self) -> &Observed {
        &self.observed
    }

    /// A particle's value of parameter `i` as people read it (a choice by its value).
    pub fn value_text(&self, i: usize, x: f64) -> String {
        self.priors[i].text(x)
    }

    /// A particle's value of parameter `i` as a number (a choice's value when it is a number,
    /// else its index).
    pub fn value_number(&self, i: usize, x: f64) -> f64 {
        match self.priors[i].setting(x) {
            crate::experiment::Value::Integer(v) if self.priors[i].is_discrete() => v as f64,
            crate::experiment::Value::Float(v) if self.priors[i].is_discrete() => v,
            _ => x,
        }
    }

    /// The prior of parameter `i`: its shape and the range it reaches, in the values
    /// [`Fit::value_number`] gives (a normal prior without bounds reaches four standard
    /// deviations; a choices prior, its smallest and largest choice).
    pub fn prior_range(&self, i: usize) -> (PriorKind, f64, f64) {
        let p = &self.priors[i];
        match p.kind {
            PriorKind::Choices => {
                let numbers = (0..p.choices.len()).map(|k| self.value_number(i, k as f64));
                let (lo, hi) = numbers.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                    (lo.min(x), hi.max(x))
                });
                (p.kind, lo, hi)
            }
            _ => (p.kind, p.low, p.high),
        }
    }

    /// The prior of parameter `i` in words, as the scenario gives it ("log-uniform on
    /// [0.001, 0.1]", "normal (mean 0.2, sd 0.05) on [0, 1]", "one of 2, 4, 8").
    pub fn prior_text(&self, i: usize) -> String {
        let p = &self.priors[i];
        match p.kind {
            PriorKind::Choices => format!(
                "one of {}",
                p.choices
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            PriorKind::Normal => format!(
                "normal (mean {}, sd {}) on [{}, {}]",
                p.mean, p.sd, p.low, p.high
            ),
            kind => format!("{} on [{}, {}]", kind.name(), p.low, p.high),
        }
    }

    /// The time mapping of a particle: (scale, offset).
    fn time_map(&self, theta: &[f64]) -> (f64, f64) {
        let mut scale = self.spec.time.scale;
        let mut offset = self.spec.time.offset;
        for (p, &x) in self.priors.iter().zip(theta) {
            if p.key == TIME_SCALE {
                scale = x;
            } else if p.key == TIME_OFFSET {
                offset = x;
            }
        }
        (scale, offset)
    }

    /// Simulates the particle `theta` at `point`: for each group, the mean share following at
    /// each tick over the fit's runs, and the crowd size. `max_ticks`, when given, replaces
    /// the scenario's (forecasts run past the data).
    fn simulate(
        &self,
        theta: &[f64],
        point: u64,
        max_ticks: Option<u32>,
    ) -> Result<Vec<Curve>, Error> {
        let recording = Recording {
            timeseries: true,
            ..Recording::default()
        };
        let mut curves = Vec::with_capacity(self.groups.len());
        for g in &self.groups {
            let e = self.particle(g, theta, max_ticks)?.at_point(point);
            let mut shares: Vec<f64> = Vec::new();
            let mut crowd = 0.0;
            for r in 0..u64::from(self.spec.runs) {
                let (record, nodes) = match &g.graph {
                    Some(graph) => (e.runner(graph)?.run(r, recording), graph.node_count()),
                    None => {
                        let own = e.network(r)?;
                        (e.runner(&own)?.run(r, recording), own.node_count())
                    }
                };
                let n = (nodes - record.leaders.len()).max(1) as f64;
                crowd += n / f64::from(self.spec.runs);
                let last = record.timeseries.last().map_or(0, |t| t.tick as usize);
                if shares.len() <= last {
                    let fill = shares.last().copied().unwrap_or(0.0);
                    shares.resize(last + 1, fill);
                }
                let mut now = 0.0;
                let mut records = record.timeseries.iter().peekable();
                for (tick, s) in shares.iter_mut().enumerate() {
                    while let Some(t) = records.next_if(|t| t.tick as usize <= tick) {
                        now = f64::from(t.following) / n;
                    }
                    *s += now / f64::from(self.spec.runs);
                }
            }
            curves.push(Curve { shares, crowd });
        }
        Ok(curves)
    }

    /// The scenario keys a particle sets, with their values (the time mapping is no key).
    fn settings(&self, theta: &[f64], max_ticks: Option<u32>) -> Vec<(&str, Value)> {
        let mut out: Vec<(&str, Value)> = self
            .priors
            .iter()
            .zip(theta)
            .filter(|(p, _)| p.key != TIME_SCALE && p.key != TIME_OFFSET)
            .map(|(p, &x)| (p.key.as_str(), p.setting(x)))
            .collect();
        if let Some(t) = max_ticks {
            out.push(("max_ticks", Value::Integer(i64::from(t))));
        }
        out
    }

    /// Group `g`'s experiment with particle `theta`'s values set.
    fn particle(
        &self,
        g: &Group,
        theta: &[f64],
        max_ticks: Option<u32>,
    ) -> Result<Experiment, Error> {
        if let Some(fields) = &g.fields
            && let Some(e) = set_fields(&g.experiment, fields, theta, max_ticks)
        {
            return e;
        }
        let settings = self.settings(theta, max_ticks);
        match &g.tree {
            Some(tree) => set_in_tree(&g.experiment, tree, &settings),
            None => set_by_overrides(&g.experiment, &settings),
        }
    }

    /// The observed shares of group `g` (counts divided by the population, or by the model's
    /// crowd when no population is given).
    fn observed_shares(&self, g: usize, crowd: f64) -> Vec<f64> {
        let s = &self.groups[g].series;
        if !s.counts {
            return s.values.clone();
        }
        let n = self.spec.data.population.unwrap_or(crowd);
        s.values.iter().map(|v| v / n).collect()
    }

    /// The distance between the simulated `curves` of particle `theta` and the data.
    fn distance(&self, theta: &[f64], curves: &[Curve]) -> f64 {
        let (scale, offset) = self.time_map(theta);
        let mut sum = 0.0;
        let mut count = 0usize;
        for (g, curve) in curves.iter().enumerate() {
            let times = &self.groups[g].series.times;
            let observed = self.observed_shares(g, curve.crowd);
            let simulated: Vec<f64> = times.iter().map(|t| curve.at(offset + scale * t)).collect();
            match self.spec.distance {
                DistanceKind::Curve => {
                    for (o, s) in observed.iter().zip(&simulated) {
                        sum += (o - s).powi(2);
                        count += 1;
                    }
                }
                DistanceKind::Summary => {
                    let stats = self.spec.statistics.as_deref().unwrap_or(&Statistic::ALL);
                    let span = (times[times.len() - 1] - times[0]).max(f64::MIN_POSITIVE);
                    for &st in stats {
                        let o = statistic(st, times, &observed);
                        let s = statistic(st, times, &simulated);
                        let d = if st == Statistic::Final {
                            o - s
                        } else {
                            (o - s) / span
                        };
                        sum += d * d;
                        count += 1;
                    }
                }
            }
        }
        (sum / count.max(1) as f64).sqrt()
    }
}

/// The mean share following at each tick of a particle's runs.
#[derive(Debug, Clone)]
struct Curve {
    shares: Vec<f64>,
    crowd: f64,
}

impl Curve {
    /// The share at the (fractional) model tick `tick`: linear between ticks, the last value
    /// after the runs ended, 0 before tick 0.
    fn at(&self, tick: f64) -> f64 {
        if self.shares.is_empty() || tick < 0.0 {
            return 0.0;
        }
        let i = tick.floor() as usize;
        if i + 1 >= self.shares.len() {
            return self.shares[self.shares.len() - 1];
        }
        let f = tick - i as f64;
        self.shares[i] * (1.0 - f) + self.shares[i + 1] * f
    }

    /// The first (fractional) tick at which the share reaches `level`, if it does.
    fn first_reaching(&self, level: f64) -> Option<f64> {
        let i = self.shares.iter().position(|&s| s >= level)?;
        if i == 0 {
            return Some(0.0);
        }
        let (a, b) = (self.shares[i - 1], self.shares[i]);
        Some(i as f64 - 1.0 + (level - a) / (b - a))
    }
}

/// Statistic `st` of a curve sampled at `times`.
fn statistic(st: Statistic, times: &[f64], shares: &[f64]) -> f64 {
    let last = times[times.len() - 1];
    let final_size = shares[shares.len() - 1];
    let reach = |fraction: f64| {
        let level = fraction * final_size;
        if final_size <= 0.0 {
            return last;
        }
        let i = shares
            .iter()
            .position(|&s| s >= level)
            .unwrap_or(shares.len() - 1);
        if i == 0 {
            return times[0];
        }
        let (a, b) = (shares[i - 1], shares[i]);
        times[i - 1] + (times[i] - times[i - 1]) * ((level - a) / (b - a)).clamp(0.0, 1.0)
    };
    match st {
        Statistic::Final => final_size,
        Statistic::T10 => reach(0.1),
        Statistic::T50 => reach(0.5),
        Statistic::T90 => reach(0.9),
        Statistic::Peak => {
            let mut best = (f64::NEG_INFINITY, times[0]);
            for i in 1..times.len() {
                let slope = (shares[i] - shares[i - 1]) / (times[i] - times[i - 1]);
                if slope > best.0 {
                    best = (slope, 0.5 * (times[i] + times[i - 1]));
                }
            }
            best.1
        }
    }
}

/// The values a prior can reach at its edges (for the up-front checks and the tick limit):
/// its bounds (an unbounded normal prior is cut at four standard deviations), every choice.
fn prior_extremes(p: &Prior) -> Vec<f64> {
    match p.kind {
        PriorKind::Choices => (0..p.choices.len()).map(|i| i as f64).collect(),
        _ => vec![p.low, p.high],
    }
}

/// The typed fields of `priors` (see [`setter`]) when every fitted scenario key has one and
/// writing a field gives exactly the scenario an override gives, at both edges and the middle
/// of every prior; `None` otherwise (the particles are then set by key path).
fn typed_fields(experiment: &Experiment, priors: &[Prior]) -> Option<Vec<Option<setter::Field>>> {
    let fields = priors
        .iter()
        .map(|p| {
            if p.key == TIME_SCALE || p.key == TIME_OFFSET {
                Some(None)
            } else if p.is_discrete() || p.integer {
                None
            } else {
                setter::field(&p.key).map(Some)
            }
        })
        .collect::<Option<Vec<_>>>()?;
    for (i, p) in priors.iter().enumerate() {
        if fields[i].is_none() {
            continue;
        }
        for x in [p.low, 0.5 * (p.low + p.high), p.high] {
            let mut theta: Vec<f64> = priors.iter().map(|q| q.low).collect();
            theta[i] = x;
            let one = [(p.key.as_str(), p.setting(x))];
            let mut alone = vec![None; priors.len()];
            alone[i] = fields[i];
            match (
                set_fields(experiment, &alone, &theta, None),
                set_by_overrides(experiment, &one),
            ) {
                (Some(Ok(a)), Ok(b)) if a.scenario() == b.scenario() => {}
                _ => return None,
            }
        }
    }
    Some(fields)
}

/// `experiment` with `theta` written through `fields` (and `max_ticks` when given), checked
/// once; `None` when the scenario lacks one of the fields.
fn set_fields(
    experiment: &Experiment,
    fields: &[Option<setter::Field>],
    theta: &[f64],
    max_ticks: Option<u32>,
) -> Option<Result<Experiment, Error>> {
    let mut e = experiment.clone();
    let scenario = e.scenario_mut();
    if !setter::write(scenario, fields, theta) {
        return None;
    }
    if let Some(t) = max_ticks {
        scenario.max_ticks = t;
    }
    Some(scenario.validate().map(|()| e).map_err(Error::from))
}

/// Adds the setting `key = value` of a group to `out`, a table as one setting per value inside
/// it (`{ nodes = 100 }` at `network` is `network.nodes = 100`).
fn flatten_setting(
    key: String,
    value: &serde_json::Value,
    out: &mut Vec<(String, serde_json::Value)>,
) {
    match value {
        serde_json::Value::Object(entries) => {
            for (k, v) in entries {
                flatten_setting(format!("{key}.{k}"), v, out);
            }
        }
        v => out.push((key, v.clone())),
    }
}

/// `experiment` with `settings` applied as overrides of its text (the way `--set` does).
fn set_by_overrides(
    experiment: &Experiment,
    settings: &[(&str, Value)],
) -> Result<Experiment, Error> {
    let overrides = settings
        .iter()
        .map(|(k, v)| Override::new(k, v.to_toml()))
        .collect::<Result<Vec<_>, _>>()?;
    experiment.clone().with_overrides(&overrides)
}

/// `experiment` with `settings` set in `tree` (its scenario as TOML), read back and checked.
fn set_in_tree(
    experiment: &Experiment,
    tree: &toml::Table,
    settings: &[(&str, Value)],
) -> Result<Experiment, Error> {
    let mut tree = tree.clone();
    for (key, value) in settings {
        let mut table = &mut tree;
        let parts: Vec<&str> = key.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            table = table
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .ok_or_else(|| InputError::new(*key, "not a section of the scenario"))?;
        }
        table.insert(parts[parts.len() - 1].to_string(), to_toml(value));
    }
    let scenario: crate::scenario::Scenario = toml::Value::Table(tree)
        .try_into()
        .map_err(|e: toml::de::Error| InputError::new("fit", e.message().to_string()))?;
    scenario.validate()?;
    let mut loaded = experiment.loaded().clone();
    loaded.scenario = scenario;
    Ok(Experiment::from_loaded(loaded))
}

/// A scenario value as a TOML value.
fn to_toml(v: &Value) -> toml::Value {
    match v {
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Integer(i) => toml::Value::Integer(*i),
        Value::Float(x) => toml::Value::Float(*x),
        Value::Text(t) => toml::Value::String(t.clone()),
        Value::List(items) => toml::Value::Array(items.iter().map(to_toml).collect()),
        Value::Table(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_toml(v)))
                .collect(),
        ),
    }
}

/// The input error inside an engine error (other errors as their text).
fn into_input(e: Error) -> InputError {
    match e {
        Error::Input(i) => i,
        other => InputError::new("fit", other.to_string()),
    }
}
