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

/// How a watcher decides to join, with the parameters of the rule: a rule cannot exist without
/// them, so a run never meets a rule it cannot play.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Rule {
    /// Join when social proof reaches one's threshold (Granovetter, Watts, linear threshold);
    /// plus a spontaneous per-tick rate of joining (courage).
    #[default]
    Threshold,
    /// Join with probability `1 / (1 + exp(-(stimulus - threshold) / temperature))`.
    Logit {
        /// How noisy the decision is (> 0): near 0 it is the threshold rule.
        temperature: f64,
    },
    /// Join with probability `spontaneous + imitation * stimulus` per tick (Bass).
    Hazard {
        /// Bass's imitation coefficient (>= 0).
        imitation: f64,
    },
    /// Independent cascade: each new follower gets one chance to recruit each person who sees
    /// them.
    Cascade {
        /// The recruiting probability of an edge.
        probability: EdgeProbability,
    },
}

/// The rule without its parameters: what the engine branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// See [`Rule::Threshold`].
    Threshold,
    /// See [`Rule::Logit`].
    Logit,
    /// See [`Rule::Hazard`].
    Hazard,
    /// See [`Rule::Cascade`].
    Cascade,
}

impl Rule {
    /// The rule without its parameters.
    pub fn kind(&self) -> RuleKind {
        match self {
            Rule::Threshold => RuleKind::Threshold,
            Rule::Logit { .. } => RuleKind::Logit,
            Rule::Hazard { .. } => RuleKind::Hazard,
            Rule::Cascade { .. } => RuleKind::Cascade,
        }
    }

    /// The rule's name in scenario files.
    pub fn name(&self) -> &'static str {
        match self.kind() {
            RuleKind::Threshold => "threshold",
            RuleKind::Logit => "logit",
            RuleKind::Hazard => "hazard",
            RuleKind::Cascade => "cascade",
        }
    }

    /// The recruiting probability of an edge, for the cascade rule.
    pub fn edge_probability(&self) -> Option<EdgeProbability> {
        match self {
            Rule::Cascade { probability } => Some(*probability),
            _ => None,
        }
    }
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
///
/// Read from the flat form of scenario files (`rule = "logit"` beside `temperature = 0.3`) and
/// checked as it is read, so a [`Dynamics`] value always holds a valid rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDynamics", into = "RawDynamics")]
pub struct Dynamics {
    /// The decision rule and its parameters.
    pub rule: Rule,
    /// Synchronous or asynchronous updates.
    pub update: Update,
    /// Social proof as a fraction (thresholds in [0, 1]) or a count (thresholds in people).
    pub social_proof: SocialProof,
    /// Weight of what the whole crowd shows against what one's own contacts show, in [0, 1]:
    /// 0 is purely local, 1 is everyone seeing everyone.
    pub visibility: f64,
    /// Per-tick probability that a watcher joins on their own (courage; Bass's innovation).
    pub spontaneous: f64,
}

/// `[dynamics]` as written in a scenario file: the rule's name, and its parameters beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawDynamics {
    /// The decision rule: threshold, logit, hazard (Bass) or cascade (independent cascade).
    #[serde(default = "default_rule")]
    rule: RuleKind,
    /// Synchronous or asynchronous updates.
    #[serde(default)]
    update: Update,
    /// Social proof as a fraction (thresholds in [0, 1]) or a count (thresholds in people).
    #[serde(default)]
    social_proof: SocialProof,
    /// Weight of what the whole crowd shows against what one's own contacts show, in [0, 1]:
    /// 0 is purely local, 1 is everyone seeing everyone.
    #[serde(default)]
    visibility: f64,
    /// Per-tick probability that a watcher joins on their own (courage; Bass's innovation).
    #[serde(default)]
    spontaneous: f64,
    /// Temperature of the `logit` rule (> 0); only with `rule = "logit"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    /// Imitation coefficient of the `hazard` rule (>= 0); only with `rule = "hazard"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imitation: Option<f64>,
    /// Recruiting probability of an edge under `rule = "cascade"`: a number in [0, 1],
    /// `"in-degree"` for 1 / in-degree of the recruit, or `"weight"` for the edge weight.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "edge_probability_serde"
    )]
    #[schemars(with = "Option<EdgeProbabilitySchema>")]
    probability: Option<EdgeProbability>,
}

fn default_rule() -> RuleKind {
    RuleKind::Threshold
}

impl JsonSchema for Dynamics {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Dynamics".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawDynamics::json_schema(generator)
    }
}

impl From<Dynamics> for RawDynamics {
    fn from(d: Dynamics) -> Self {
        let (mut temperature, mut imitation, mut probability) = (None, None, None);
        match d.rule {
            Rule::Threshold => {}
            Rule::Logit { temperature: t } => temperature = Some(t),
            Rule::Hazard { imitation: b } => imitation = Some(b),
            Rule::Cascade { probability: p } => probability = Some(p),
        }
        RawDynamics {
            rule: d.rule.kind(),
            update: d.update,
            social_proof: d.social_proof,
            visibility: d.visibility,
            spontaneous: d.spontaneous,
            temperature,
            imitation,
            probability,
        }
    }
}

impl TryFrom<RawDynamics> for Dynamics {
    type Error = String;

    /// Checks that each rule-specific parameter is given with its rule only, and in range.
    /// Messages start with "key `NAME`" so that the error points at that key's line.
    fn try_from(raw: RawDynamics) -> Result<Self, String> {
        let rule_name = Rule::name(&match raw.rule {
            RuleKind::Threshold => Rule::Threshold,
            RuleKind::Logit => Rule::Logit { temperature: 1.0 },
            RuleKind::Hazard => Rule::Hazard { imitation: 0.0 },
            RuleKind::Cascade => Rule::Cascade {
                probability: EdgeProbability::Weight,
            },
        });
        let only = |name: &str, given: bool, kind: RuleKind, wanted: &str| match (
            given,
            raw.rule == kind,
        ) {
            (true, false) => Err(format!(
                "key `{name}` applies only to rule = \"{wanted}\", but rule = \"{rule_name}\"; remove it or change the rule"
            )),
            (false, true) => Err(format!(
                "key `{name}` is missing: rule = \"{wanted}\" needs `{name}`; add it to [dynamics]"
            )),
            _ => Ok(()),
        };
        only(
            "temperature",
            raw.temperature.is_some(),
            RuleKind::Logit,
            "logit",
        )?;
        only(
            "imitation",
            raw.imitation.is_some(),
            RuleKind::Hazard,
            "hazard",
        )?;
        only(
            "probability",
            raw.probability.is_some(),
            RuleKind::Cascade,
            "cascade",
        )?;
        let rule = match raw.rule {
            RuleKind::Threshold => Rule::Threshold,
            RuleKind::Logit => {
                let t = raw.temperature.unwrap_or_default();
                if !(t > 0.0 && t.is_finite()) {
                    return Err(format!(
                        "key `temperature`: temperature = {t} must be a positive number"
                    ));
                }
                Rule::Logit { temperature: t }
            }
            RuleKind::Hazard => {
                let b = raw.imitation.unwrap_or_default();
                if !(b >= 0.0 && b.is_finite()) {
                    return Err(format!(
                        "key `imitation`: imitation = {b} must be zero or positive"
                    ));
                }
                Rule::Hazard { imitation: b }
            }
            RuleKind::Cascade => {
                let p = raw.probability.unwrap_or(EdgeProbability::Weight);
                if let EdgeProbability::Uniform(p) = p
                    && !(0.0..=1.0).contains(&p)
                {
                    return Err(format!(
                        "key `probability`: probability = {p} is out of range; give a number between 0 and 1"
                    ));
                }
                Rule::Cascade { probability: p }
            }
        };
        Ok(Dynamics {
            rule,
            update: raw.update,
            social_proof: raw.social_proof,
            visibility: raw.visibility,
            spontaneous: raw.spontaneous,
        })
    }
}

impl Default for Dynamics {
    fn default() -> Self {
        Dynamics {
            rule: Rule::Threshold,
            update: Update::Synchronous,
            social_proof: SocialProof::Fraction,
            visibility: 0.0,
            spontaneous: 0.0,
        }
    }
}

impl Dynamics {
    /// Checks the ranges the rule's own checks do not cover; errors carry the key path.
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
        if self.rule.kind() == RuleKind::Cascade && self.visibility != 0.0 {
            return Err(InputError::new(
                "dynamics.visibility",
                "the cascade rule recruits along edges only; set visibility = 0",
            ));
        }
        Ok(())
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
