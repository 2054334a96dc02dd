//! What people do: the decision rule, how social proof is measured, thresholds, and who starts.
//!
//! These types are both the engine's parameters and the `[dynamics]`, `[people]` and `[initial]`
//! sections of a scenario file, so a parameter has exactly one name everywhere. See
//! `docs/model.md` for the mechanisms and the classic models they reduce to.

pub mod distribution;
pub mod initial;
pub mod movement;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;

pub use distribution::Distribution;
pub use initial::InitialFollowers;
pub use movement::{Influence, Leaders, Leaving, Momentum, Movement, ScriptedEvent, Trust};

/// How a watcher decides to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Join when social proof reaches one's threshold (Granovetter, Watts, linear threshold);
    /// plus a spontaneous per-tick rate of joining (courage).
    #[default]
    Threshold,
    /// Join with probability `1 / (1 + exp(-(stimulus - threshold) / temperature))`.
    Logit,
    /// Join with probability `spontaneous + imitation * stimulus` per tick (Bass).
    Hazard,
    /// Independent cascade: each new follower gets one chance to recruit each person who sees
    /// them.
    Cascade,
}

/// Whether people decide all at once on last tick's state, or one by one in random order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Update {
    /// Everyone decides on the state at the end of the previous tick (Granovetter, Watts).
    #[default]
    Synchronous,
    /// People decide in a fresh random order each tick and see joins made earlier in the tick.
    Asynchronous,
}

/// How social proof is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SocialProof {
    /// The weighted share of one's contacts who dance (and the share of the whole crowd).
    #[default]
    Fraction,
    /// The weighted number of one's contacts who dance (and of the whole crowd).
    Count,
}

/// The recruiting probability of an edge under the cascade rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EdgeProbability {
    /// The same probability on every edge.
    Uniform(f64),
    /// `1 / in-degree` of the person being recruited (the weighted cascade).
    InverseInDegree,
    /// The edge's weight, which must lie in [0, 1].
    Weight,
}

/// The `[dynamics]` section: the decision rule and its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dynamics {
    /// The decision rule.
    #[serde(default)]
    pub rule: Rule,
    /// Synchronous or asynchronous updates.
    #[serde(default)]
    pub update: Update,
    /// Social proof as a fraction (thresholds in [0, 1]) or a count (thresholds in people).
    #[serde(default)]
    pub social_proof: SocialProof,
    /// Weight of what the whole crowd shows against what one's own contacts show, in [0, 1]:
    /// 0 is purely local, 1 is everyone seeing everyone.
    #[serde(default)]
    pub visibility: f64,
    /// Per-tick probability that a watcher joins on their own (courage; Bass's innovation).
    #[serde(default)]
    pub spontaneous: f64,
    /// Temperature of the `logit` rule (> 0); only with `rule = "logit"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Imitation coefficient of the `hazard` rule (>= 0); only with `rule = "hazard"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imitation: Option<f64>,
    /// Recruiting probability of an edge under `rule = "cascade"`: a number in [0, 1],
    /// `"in-degree"` for 1 / in-degree of the recruit, or `"weight"` for the edge weight.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "edge_probability_serde"
    )]
    #[schemars(with = "Option<EdgeProbabilitySchema>")]
    pub probability: Option<EdgeProbability>,
}

impl Default for Dynamics {
    fn default() -> Self {
        Dynamics {
            rule: Rule::Threshold,
            update: Update::Synchronous,
            social_proof: SocialProof::Fraction,
            visibility: 0.0,
            spontaneous: 0.0,
            temperature: None,
            imitation: None,
            probability: None,
        }
    }
}

impl Dynamics {
    /// Checks ranges and that each rule-specific parameter is given with its rule only.
    pub fn validate(&self) -> Result<(), InputError> {
        let unit = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(InputError::new(
                    format!("dynamics.{name}"),
                    format!("{name} = {v} is out of range; give a number between 0 and 1"),
                ))
            }
        };
        unit("visibility", self.visibility)?;
        unit("spontaneous", self.spontaneous)?;
        let only = |name: &str, given: bool, rule: &str| {
            let wanted = self.rule_name() == rule;
            match (given, wanted) {
                (true, false) => Err(InputError::new(
                    format!("dynamics.{name}"),
                    format!(
                        "{name} applies only to rule = \"{rule}\", but rule = \"{}\"; remove it or change the rule",
                        self.rule_name()
                    ),
                )),
                (false, true) => Err(InputError::new(
                    format!("dynamics.{name}"),
                    format!("rule = \"{rule}\" needs `{name}`; add it to [dynamics]"),
                )),
                _ => Ok(()),
            }
        };
        only("temperature", self.temperature.is_some(), "logit")?;
        only("imitation", self.imitation.is_some(), "hazard")?;
        only("probability", self.probability.is_some(), "cascade")?;
        if let Some(t) = self.temperature
            && !(t > 0.0 && t.is_finite())
        {
            return Err(InputError::new(
                "dynamics.temperature",
                format!("temperature = {t} must be a positive number"),
            ));
        }
        if let Some(b) = self.imitation
            && !(b >= 0.0 && b.is_finite())
        {
            return Err(InputError::new(
                "dynamics.imitation",
                format!("imitation = {b} must be zero or positive"),
            ));
        }
        if let Some(EdgeProbability::Uniform(p)) = self.probability {
            unit("probability", p)?;
        }
        if self.rule == Rule::Cascade && self.visibility != 0.0 {
            return Err(InputError::new(
                "dynamics.visibility",
                "the cascade rule recruits along edges only; set visibility = 0",
            ));
        }
        Ok(())
    }

    fn rule_name(&self) -> &'static str {
        match self.rule {
            Rule::Threshold => "threshold",
            Rule::Logit => "logit",
            Rule::Hazard => "hazard",
            Rule::Cascade => "cascade",
        }
    }
}

/// The `[people]` section: per-person attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct People {
    /// Each person's threshold: the social proof they need before they join.
    #[serde(default = "default_threshold")]
    pub threshold: Distribution,
}

fn default_threshold() -> Distribution {
    Distribution::Uniform {
        low: 0.0,
        high: 1.0,
    }
}

impl Default for People {
    fn default() -> Self {
        People {
            threshold: default_threshold(),
        }
    }
}

/// The JSON Schema of [`EdgeProbability`] as written in a scenario.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum EdgeProbabilitySchema {
    /// The same probability on every edge, in [0, 1].
    Uniform(f64),
    /// `"in-degree"` (1 / in-degree of the recruit) or `"weight"` (the edge weight).
    Named(EdgeProbabilityName),
}

#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(rename_all = "kebab-case")]
enum EdgeProbabilityName {
    InDegree,
    Weight,
}

/// Reads and writes [`EdgeProbability`] as a number or one of the names `in-degree`, `weight`.
mod edge_probability_serde {
    use super::EdgeProbability;
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &Option<EdgeProbability>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(EdgeProbability::Uniform(p)) => s.serialize_f64(*p),
            Some(EdgeProbability::InverseInDegree) => s.serialize_str("in-degree"),
            Some(EdgeProbability::Weight) => s.serialize_str("weight"),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<EdgeProbability>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Option<EdgeProbability>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a probability between 0 and 1, \"in-degree\" or \"weight\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Some(EdgeProbability::Uniform(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(EdgeProbability::Uniform(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(EdgeProbability::Uniform(v as f64)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "in-degree" => Ok(Some(EdgeProbability::InverseInDegree)),
                    "weight" => Ok(Some(EdgeProbability::Weight)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}
