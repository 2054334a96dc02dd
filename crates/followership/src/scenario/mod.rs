//! Scenario files: one strict TOML document describes a whole experiment.
//!
//! A scenario names the network, the people, the dynamics, who starts, how long and how many
//! times to run, and the seed. Loading is strict: unknown keys are rejected with the nearest valid
//! key suggested, values are range-checked, and every error names `file:line:column` and the key
//! path, and says how to fix it. `--set key.path=value` overrides are applied to the document
//! before it is read, so they go through exactly the same checks.

pub mod builtin;
mod errors;
mod overrides;

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::graph::spec::NetworkSpec;
use crate::limits;
use crate::model::movement::ScriptedEvent;
use crate::model::{
    Dynamics, Influence, InitialFollowers, Leaders, Leaving, Momentum, Movement, People, Trust,
};

pub use overrides::Override;

/// A complete description of one experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used for the default output directory.
    pub name: String,
    /// What the scenario shows, in a sentence or a paragraph; the first line is its summary.
    #[serde(default)]
    pub description: String,
    /// Seed of every random stream of the experiment (0 to 2^63 - 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Number of independent runs.
    #[serde(default = "default_replicates")]
    pub replicates: u64,
    /// Tick limit of a run; a run also stops as soon as nothing can change any more.
    #[serde(default = "default_max_ticks")]
    pub max_ticks: u32,
    /// A run counts as a cascade when its final fraction reaches this, in (0, 1].
    #[serde(default = "default_cascade_cutoff")]
    pub cascade_cutoff: f64,
    /// Whether every replicate gets its own network drawn from the generator (otherwise all
    /// replicates share one network).
    #[serde(default)]
    pub regenerate_network: bool,
    /// The network people live on.
    pub network: NetworkSpec,
    /// Per-person attributes.
    #[serde(default)]
    pub people: People,
    /// The decision rule and its parameters.
    #[serde(default)]
    pub dynamics: Dynamics,
    /// Who dances at tick 0 besides the leaders. Left out of a file: one person at random when
    /// there are no leaders (the classic models need someone to start), and nobody when there
    /// are (the leader starts alone; a first follower must come by themselves).
    #[serde(default)]
    pub initial: InitialFollowers,
    /// The leaders, dancing alone at tick 0 (no leaders when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaders: Option<Leaders>,
    /// Influence weights of followers and of the first follower, and the leader's embrace.
    #[serde(default)]
    pub influence: Influence,
    /// Critical mass and pressure (off when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub momentum: Option<Momentum>,
    /// Voluntary following: followers may leave (off when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaving: Option<Leaving>,
    /// Trust in the leader (off when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Trust>,
    /// Scripted leader events (`[[events]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<ScriptedEvent>,
    /// A parameter sweep, run by `followership sweep` (ignored by `run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<crate::design::SweepSpec>,
    /// A variance-based sensitivity analysis, run by `followership sensitivity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<crate::analysis::sensitivity::SensitivitySpec>,
    /// Calibration to an observed adoption curve, run by `followership fit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<crate::fit::FitSpec>,
    /// What to record.
    #[serde(default)]
    pub output: OutputSpec,
}

/// The `[output]` section: what runs record besides their summaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// Write `timeseries.csv`, one row per replicate and tick.
    #[serde(default = "yes")]
    pub timeseries: bool,
    /// The ticks at which `network.svg` shows everyone's state (networks with positions);
    /// left out, the start, the first follower, the critical mass (or the peak) and the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_ticks: Option<Vec<u32>>,
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            timeseries: true,
            snapshot_ticks: None,
        }
    }
}

fn yes() -> bool {
    true
}
fn default_seed() -> u64 {
    1
}
fn default_replicates() -> u64 {
    100
}
fn default_max_ticks() -> u32 {
    1000
}
fn default_cascade_cutoff() -> f64 {
    0.5
}

/// A scenario with the place it came from, which relative paths in it start from.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The scenario, with every default filled in.
    pub scenario: Scenario,
    /// Directory that relative paths (network files, threshold files) start from.
    pub base_dir: PathBuf,
    /// Where it came from: a file path or `builtin:NAME`.
    pub origin: String,
    /// The TOML text it was read from, after `--set` overrides.
    pub source: String,
    /// The TOML text as written (the file or built-in, before any override): where
    /// `file:line:column` in messages point.
    pub written: String,
    /// The overrides that turned `written` into `source`, in order: messages about a value one
    /// of them set name the option instead of a line.
    pub overrides: Vec<Override>,
}

impl LoadedScenario {
    /// Adds the place to an error found after loading (for example by a generator) that names
    /// a key path: `file:line:column`, or the option that set the value.
    pub fn locate(&self, e: InputError) -> InputError {
        errors::locate(&self.sources(), e)
    }

    /// Where the value at `key_path` (`a.b[2].c`) was given: the option that set it, or its
    /// `file:line:column`.
    pub fn place_of(&self, key_path: &str) -> String {
        self.sources().place_of(key_path)
    }

    /// The texts errors point into.
    fn sources(&self) -> errors::Sources<'_> {
        errors::Sources {
            origin: &self.origin,
            written: &self.written,
            edited: &self.source,
            overrides: &self.overrides,
        }
    }

    /// The scenario `self` with `more` overrides applied after its own, read and checked again;
    /// errors name the override that set a bad value.
    pub fn with_overrides(&self, more: &[Override]) -> Result<LoadedScenario, InputError> {
        let overrides: Vec<Override> = self.overrides.iter().chain(more).cloned().collect();
        let (scenario, source) = Scenario::parse(&self.written, &self.origin, &overrides)?;
        Ok(LoadedScenario {
            scenario,
            source,
            overrides,
            ..self.clone()
        })
    }
}

impl Scenario {
    /// Reads a scenario from TOML text; `origin` names the text in error messages.
    pub fn from_toml(
        text: &str,
        origin: &str,
        overrides: &[Override],
    ) -> Result<Scenario, InputError> {
        Self::parse(text, origin, overrides).map(|(s, _)| s)
    }

    /// Reads a scenario and returns it with the text it was finally read from.
    fn parse(
        text: &str,
        origin: &str,
        overrides: &[Override],
    ) -> Result<(Scenario, String), InputError> {
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| errors::syntax_error(origin, text, &e))?;
        for o in overrides {
            o.apply(&mut doc)?;
        }
        let edited = doc.to_string();
        let src = errors::Sources {
            origin,
            written: text,
            edited: &edited,
            overrides,
        };
        let mut scenario: Scenario =
            toml::from_str(&edited).map_err(|e| errors::deserialize_error(&src, &e))?;
        scenario
            .resolve_defaults(doc.contains_key("initial"))
            .and_then(|()| scenario.validate())
            .map_err(|e| errors::locate(&src, e))?;
        Ok((scenario, edited))
    }

    /// Reads a scenario file.
    pub fn load_file(path: &Path, overrides: &[Override]) -> Result<LoadedScenario, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            InputError::new(
                path.display().to_string(),
                format!("cannot read the scenario file: {e}; check the path, or choose a built-in scenario by name instead"),
            )
        })?;
        let origin = path.display().to_string();
        let (scenario, source) = Scenario::parse(&text, &origin, overrides)?;
        let base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(LoadedScenario {
            scenario,
            base_dir,
            origin,
            source,
            written: text,
            overrides: overrides.to_vec(),
        })
    }

    /// Reads a built-in scenario by name.
    pub fn load_builtin(name: &str, overrides: &[Override]) -> Result<LoadedScenario, InputError> {
        let text = builtin::text(name).ok_or_else(|| {
            let names: Vec<&str> = builtin::BUILTINS.iter().map(|b| b.name).collect();
            let hint = errors::nearest(name, &names)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            InputError::new(
                format!("built-in scenario `{name}`"),
                format!(
                    "no built-in scenario has this name; {hint}the built-in scenarios are {}",
                    names.join(", ")
                ),
            )
        })?;
        let origin = format!("builtin:{name}");
        let (scenario, source) = Scenario::parse(text, &origin, overrides)?;
        Ok(LoadedScenario {
            scenario,
            base_dir: PathBuf::from("."),
            origin,
            source,
            written: text.to_string(),
            overrides: overrides.to_vec(),
        })
    }

    /// Fills in the defaults that depend on other sections, as read from a file whose
    /// `[initial]` section was there or not (`has_initial`):
    ///
    /// - with leaders and no `[initial]`, nobody dances at tick 0 but the leaders (a hidden
    ///   random initial follower would tell a story in which the leader never danced alone);
    /// - the window of a normal threshold follows the proof's scale ([0, 1] with fraction proof,
    ///   from 0 up with count proof), that of initial trust is [0, 1], and a window left out
    ///   that would cut off more than a few per cent of the distribution is an error
    ///   ([`Distribution::resolve_window`](crate::model::Distribution::resolve_window)).
    pub fn resolve_defaults(&mut self, has_initial: bool) -> Result<(), InputError> {
        use crate::model::distribution::Scale;
        use crate::model::{Rule, SocialProof};
        if self.leaders.is_some() && !has_initial {
            self.initial = InitialFollowers::None;
        }
        let scale = match self.dynamics.social_proof {
            SocialProof::Fraction => Scale::Share,
            SocialProof::Count => Scale::Count,
        };
        let window = self
            .people
            .threshold
            .resolve_window(scale, "people.threshold");
        // Rules that never compare proof with a threshold get the default window without the
        // check: a threshold they do not read cannot mislead.
        if matches!(self.dynamics.rule, Rule::Threshold | Rule::Logit { .. }) {
            window?;
        }
        if let Some(t) = &mut self.trust {
            t.initial.resolve_window(Scale::Share, "trust.initial")?;
        }
        Ok(())
    }

    /// Range checks that the types alone do not express; errors carry the key path.
    pub fn validate(&self) -> Result<(), InputError> {
        if self.name.trim().is_empty() {
            return Err(InputError::new(
                "name",
                "the scenario needs a non-empty name",
            ));
        }
        if self.seed > i64::MAX as u64 {
            return Err(InputError::new("seed", "seed must be at most 2^63 - 1"));
        }
        if self.replicates == 0 {
            return Err(InputError::new(
                "replicates",
                "replicates = 0: give at least 1",
            ));
        }
        if self.replicates > limits::MAX_REPLICATES {
            return Err(InputError::new(
                "replicates",
                format!(
                    "replicates = {} is above the limit of {}; give fewer, or run several \
                     seeds and combine their results",
                    limits::grouped(self.replicates),
                    limits::grouped(limits::MAX_REPLICATES)
                ),
            ));
        }
        if self.max_ticks == 0 {
            return Err(InputError::new(
                "max_ticks",
                "max_ticks = 0: give at least 1",
            ));
        }
        if self.max_ticks > limits::MAX_TICKS {
            return Err(InputError::new(
                "max_ticks",
                format!(
                    "max_ticks = {} is above the limit of {}; give fewer ticks",
                    limits::grouped(self.max_ticks.into()),
                    limits::grouped(limits::MAX_TICKS.into())
                ),
            ));
        }
        // The time series is a file of a row per replicate and tick, and the trust curves keep
        // what changed of it (see `limits::MAX_TIMESERIES_ROWS`).
        let rows = self.replicates.saturating_mul(self.max_ticks.into());
        if self.output.timeseries && rows > limits::MAX_TIMESERIES_ROWS {
            return Err(InputError::new(
                "output.timeseries",
                format!(
                    "replicates x max_ticks = {} time-series rows is above the limit of {}; \
                     set [output] timeseries = false, or give fewer replicates or ticks",
                    limits::grouped(rows),
                    limits::grouped(limits::MAX_TIMESERIES_ROWS)
                ),
            ));
        }
        if !(self.cascade_cutoff > 0.0 && self.cascade_cutoff <= 1.0) {
            return Err(InputError::new(
                "cascade_cutoff",
                format!(
                    "cascade_cutoff = {} is out of range; give a fraction in (0, 1]",
                    self.cascade_cutoff
                ),
            ));
        }
        self.network.validate()?;
        self.people.threshold.validate("people.threshold")?;
        self.dynamics.validate()?;
        if let Some(l) = &self.leaders {
            l.validate()?;
        }
        self.influence.validate()?;
        if let Some(m) = &self.momentum {
            m.validate()?;
        }
        if let Some(l) = &self.leaving
            && !(l.hysteresis >= 0.0 && l.hysteresis.is_finite())
        {
            return Err(InputError::new(
                "leaving.hysteresis",
                format!("hysteresis = {} must be zero or more", l.hysteresis),
            ));
        }
        if let Some(t) = &self.trust {
            t.validate()?;
        }
        if let Some(ticks) = &self.output.snapshot_ticks {
            if ticks.is_empty() || ticks.len() > 12 {
                return Err(InputError::new(
                    "output.snapshot_ticks",
                    format!(
                        "{} ticks given; give 1 to 12 ticks, e.g. [0, 100, 200, 400]",
                        ticks.len()
                    ),
                ));
            }
            if let Some(&t) = ticks.iter().find(|&&t| t > self.max_ticks) {
                return Err(InputError::new(
                    "output.snapshot_ticks",
                    format!(
                        "tick {t} is past max_ticks = {}; give ticks up to it",
                        self.max_ticks
                    ),
                ));
            }
        }
        if let Some(sweep) = &self.sweep {
            sweep.validate()?;
        }
        if let Some(fit) = &self.fit {
            fit.validate()?;
        }
        if let Some(sa) = &self.sensitivity {
            sa.validate()?;
            for (i, o) in sa.outcomes.iter().flatten().enumerate() {
                if !crate::simulation::RunOutcome::COLUMNS.contains(&o.as_str()) {
                    let names = crate::simulation::RunOutcome::COLUMNS;
                    let hint = errors::nearest(o, names)
                        .map(|n| format!("did you mean `{n}`? "))
                        .unwrap_or_default();
                    return Err(InputError::new(
                        format!("sensitivity.outcomes[{i}]"),
                        format!(
                            "no outcome named `{o}`; {hint}outcomes are {}",
                            names.join(", ")
                        ),
                    ));
                }
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            if e.tick == 0 {
                return Err(InputError::new(
                    format!("events[{i}].tick"),
                    "events happen from tick 1 on; the leader starts dancing at tick 0",
                ));
            }
            if e.tick > self.max_ticks {
                return Err(InputError::new(
                    format!("events[{i}].tick"),
                    format!(
                        "tick {} is past max_ticks = {}, so the event would never happen; \
                         give a tick up to max_ticks, or raise max_ticks",
                        e.tick, self.max_ticks
                    ),
                ));
            }
        }
        let drawn_events = self.leaders.as_ref().is_some_and(|l| l.event_rate > 0.0);
        if (drawn_events || !self.events.is_empty()) && self.trust.is_none() {
            return Err(InputError::new(
                if self.events.is_empty() {
                    "leaders.event_rate"
                } else {
                    "events"
                },
                "leader events change trust, so they need a [trust] section; add one (the defaults are fine)",
            ));
        }
        if (!self.events.is_empty() || drawn_events) && self.leaders.is_none() {
            return Err(InputError::new(
                "events",
                "leader events need a leader; add a [leaders] section",
            ));
        }
        if self.dynamics.rule.kind() == crate::model::RuleKind::Cascade {
            for (key, on) in [
                ("momentum", self.momentum.is_some()),
                ("leaving", self.leaving.is_some()),
                ("trust", self.trust.is_some()),
            ] {
                if on {
                    return Err(InputError::new(
                        key,
                        format!(
                            "[{key}] acts on thresholds, which the cascade rule does not have; use rule = \"threshold\", \"logit\" or \"hazard\""
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The movement mechanisms of the scenario, as the engine takes them.
    pub fn movement(&self) -> Movement {
        Movement {
            leaders: self.leaders.clone(),
            influence: self.influence.clone(),
            momentum: self.momentum.clone(),
            leaving: self.leaving.clone(),
            trust: self.trust.clone(),
            events: self.events.clone(),
        }
    }

    /// The scenario with every relative file path made absolute from `base`, so its resolved
    /// form can be run from anywhere.
    pub fn with_absolute_paths(mut self, base: &Path) -> Scenario {
        let absolute = |p: &mut PathBuf| {
            let joined = base.join(&*p);
            *p = std::path::absolute(&joined).unwrap_or(joined);
        };
        if let NetworkSpec::File { path, .. } = &mut self.network {
            absolute(path);
        }
        if let crate::model::Distribution::File { path } = &mut self.people.threshold {
            absolute(path);
        }
        if let Some(crate::model::Trust {
            initial: crate::model::Distribution::File { path },
            ..
        }) = &mut self.trust
        {
            absolute(path);
        }
        self
    }

    /// The scenario as TOML, every default written out: enough to repeat the run.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a validated scenario serialises")
    }

    /// The first line of the description.
    pub fn summary(&self) -> &str {
        self.description.lines().next().unwrap_or("").trim()
    }
}

/// The JSON Schema of scenario files, for editors.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Scenario)).expect("schema serialises")
}

#[cfg(test)]
mod tests;
