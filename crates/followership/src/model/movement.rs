//! The movement mechanisms: leaders and their persistence, the first follower and the leader's
//! embrace, influence weights, momentum past a critical mass, voluntary following, and trust.
//!
//! Each is a scenario section with a switch; a scenario without them runs the classic models
//! unchanged. The claims of the texts each mechanism expresses are listed in `docs/model.md`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Distribution;
use super::initial::InitialFollowers;
use crate::error::InputError;
use crate::limits;

/// Where leaders are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LeaderPlacement {
    /// Chosen at random in every run.
    #[default]
    Random,
    /// The most central people (highest degree).
    Degree,
    /// Given ids, in the network's own ids.
    Ids,
    /// At random inside one block (department) of a block-model network.
    Block,
}

/// The `[leaders]` section: who starts dancing alone, and how the leader behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Leaders {
    /// How leaders are placed.
    #[serde(default)]
    pub placement: LeaderPlacement,
    /// How many leaders (for `random`, `degree` and `block`).
    #[serde(default = "one_usize")]
    pub count: usize,
    /// The leaders' ids (for `placement = "ids"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<u64>>,
    /// The block to place leaders in (for `placement = "block"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u32>,
    /// Influence weight of a leader (before credibility).
    #[serde(default = "one")]
    pub weight: f64,
    /// Ticks a leader keeps dancing without a single follower before quitting; leave it out for
    /// a leader who never gives up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistence: Option<u32>,
    /// Character: integrity, intent (0 to 1).
    #[serde(default = "one")]
    pub character: f64,
    /// Competency: capability, results (0 to 1).
    #[serde(default = "one")]
    pub competency: f64,
    /// Probability that the leader admits an honest failure (0 to 1).
    #[serde(default = "half")]
    pub candor: f64,
    /// Whether the leader's influence is scaled by credibility = character x competency.
    #[serde(default)]
    pub credibility_scales_influence: bool,
    /// Per-tick probability of a leader event drawn from character, competency and candor.
    #[serde(default)]
    pub event_rate: f64,
}

fn one() -> f64 {
    1.0
}
fn half() -> f64 {
    0.5
}
fn one_usize() -> usize {
    1
}

impl Leaders {
    /// The placement as the shared placement type.
    pub fn placement(&self) -> InitialFollowers {
        match self.placement {
            LeaderPlacement::Random => InitialFollowers::Random { count: self.count },
            LeaderPlacement::Degree => InitialFollowers::Degree { count: self.count },
            LeaderPlacement::Ids => InitialFollowers::Ids {
                ids: self.ids.clone().unwrap_or_default(),
            },
            LeaderPlacement::Block => InitialFollowers::Block {
                block: self.block.unwrap_or(0),
                count: self.count,
            },
        }
    }

    /// The leader's influence weight, scaled by credibility when asked.
    pub fn effective_weight(&self) -> f64 {
        if self.credibility_scales_influence {
            self.weight * self.character * self.competency
        } else {
            self.weight
        }
    }

    /// Checks ranges and that placement options match the placement.
    pub fn validate(&self) -> Result<(), InputError> {
        for (name, v) in [
            ("character", self.character),
            ("competency", self.competency),
            ("candor", self.candor),
            ("event_rate", self.event_rate),
        ] {
            unit(&format!("leaders.{name}"), v)?;
        }
        weight("leaders.weight", self.weight)?;
        if self.count == 0 && self.placement != LeaderPlacement::Ids {
            return Err(InputError::new(
                "leaders.count",
                "count = 0 places no leader; give at least 1, or remove the [leaders] section",
            ));
        }
        if self.placement == LeaderPlacement::Ids && self.ids.as_ref().is_some_and(Vec::is_empty) {
            return Err(InputError::new(
                "leaders.ids",
                "ids = [] places no leader; list at least one id",
            ));
        }
        if self.persistence == Some(0) {
            return Err(InputError::new(
                "leaders.persistence",
                "persistence = 0 would quit before the first tick; give at least 1, or leave it out for a leader who never quits",
            ));
        }
        match (self.placement, &self.ids, self.block) {
            (LeaderPlacement::Ids, None, _) => Err(InputError::new(
                "leaders.ids",
                "placement = \"ids\" needs `ids = [...]`",
            )),
            (LeaderPlacement::Block, _, None) => Err(InputError::new(
                "leaders.block",
                "placement = \"block\" needs `block = N`",
            )),
            (p, Some(_), _) if p != LeaderPlacement::Ids => Err(InputError::new(
                "leaders.ids",
                "`ids` applies only to placement = \"ids\"; remove it or change the placement",
            )),
            (p, _, Some(_)) if p != LeaderPlacement::Block => Err(InputError::new(
                "leaders.block",
                "`block` applies only to placement = \"block\"; remove it or change the placement",
            )),
            _ => Ok(()),
        }
    }
}

/// The `[influence]` section: how much each kind of dancer weighs in others' social proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Influence {
    /// Weight of a follower.
    #[serde(default = "one")]
    pub follower: f64,
    /// Weight of the first follower when the leader embraces them.
    #[serde(default = "one")]
    pub first_follower: f64,
    /// Whether the leader embraces the first follower as an equal: their weight is raised to at
    /// least the leader's. Without it the first follower weighs as any follower.
    #[serde(default)]
    pub embrace: bool,
    /// Whether the embrace also holds the first follower: while a leader they see still dances,
    /// the leader's company counts toward their own staying, so they never sit down for want of
    /// social proof (they still leave when their trust falls below the floor). Only with
    /// `embrace`; on by default, as in the seed, where the first follower keeps dancing.
    #[serde(default = "yes")]
    pub embrace_holds: bool,
}

fn yes() -> bool {
    true
}

impl Default for Influence {
    fn default() -> Self {
        Influence {
            follower: 1.0,
            first_follower: 1.0,
            embrace: false,
            embrace_holds: true,
        }
    }
}

impl Influence {
    /// Checks that weights are not negative and not above [`limits::MAX_WEIGHT`].
    pub fn validate(&self) -> Result<(), InputError> {
        weight("influence.follower", self.follower)?;
        weight("influence.first_follower", self.first_follower)
    }

    /// Whether every dancer weighs exactly 1 (the classic models).
    pub fn is_unit(&self) -> bool {
        self.follower == 1.0 && (!self.embrace || self.first_follower == 1.0)
    }
}

/// The `[momentum]` section: past a critical mass it is riskier not to join.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Momentum {
    /// Fraction of the crowd following above which pressure builds, in [0, 1).
    pub critical_mass: f64,
    /// How far pressure lowers everyone's effective threshold when the whole crowd follows.
    pub pressure: f64,
}

impl Momentum {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), InputError> {
        if !(0.0..1.0).contains(&self.critical_mass) {
            return Err(InputError::new(
                "momentum.critical_mass",
                format!("critical_mass = {} must be in [0, 1)", self.critical_mass),
            ));
        }
        non_negative("momentum.pressure", self.pressure)
    }

    /// The amount pressure lowers thresholds when a fraction `f` of the crowd follows.
    pub fn pressure_at(&self, f: f64) -> f64 {
        self.pressure * (f - self.critical_mass).max(0.0) / (1.0 - self.critical_mass)
    }
}

/// The `[leaving]` section: following is voluntary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Leaving {
    /// A follower leaves when social proof falls below their effective threshold minus this.
    #[serde(default)]
    pub hysteresis: f64,
}

/// Kinds of leader event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LeaderEventKind {
    /// A promise kept: trust grows a little.
    KeptPromise,
    /// An honest competency failure, admitted: a small loss.
    FailureAdmitted,
    /// An honest competency failure, denied: a larger loss.
    FailureDenied,
    /// A character violation (a promise broken on purpose): a large loss.
    CharacterViolation,
}

impl LeaderEventKind {
    /// A plain-language name.
    pub fn describe(self) -> &'static str {
        match self {
            LeaderEventKind::KeptPromise => "kept a promise",
            LeaderEventKind::FailureAdmitted => "failed and admitted it",
            LeaderEventKind::FailureDenied => "failed and denied it",
            LeaderEventKind::CharacterViolation => {
                "broke a promise on purpose (a character violation)"
            }
        }
    }

    /// A short label for pictures: "kept promise", "character violation".
    pub fn label(self) -> &'static str {
        match self {
            LeaderEventKind::KeptPromise => "kept promise",
            LeaderEventKind::FailureAdmitted => "admitted failure",
            LeaderEventKind::FailureDenied => "denied failure",
            LeaderEventKind::CharacterViolation => "character violation",
        }
    }
}

/// One scripted `[[events]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptedEvent {
    /// The tick it happens at (1 or later).
    pub tick: u32,
    /// What the leader does.
    pub kind: LeaderEventKind,
}

/// The `[trust]` section: trust in the leader, how it is built and lost, and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// Initial trust of each person, in [0, 1].
    #[serde(default = "full_trust")]
    pub initial: Distribution,
    /// People with trust below this never join, and followers below it leave.
    #[serde(default)]
    pub floor: f64,
    /// Added to the threshold in proportion to distrust: `theta + penalty * (1 - trust)`.
    #[serde(default)]
    pub distrust_penalty: f64,
    /// Share of the remaining distance to full trust gained from a kept promise.
    #[serde(default = "default_gain")]
    pub gain: f64,
    /// Share of trust lost to an admitted failure.
    #[serde(default = "default_loss_admitted")]
    pub loss_admitted: f64,
    /// Share of trust lost to a denied failure.
    #[serde(default = "default_loss_denied")]
    pub loss_denied: f64,
    /// Share of trust lost to a character violation.
    #[serde(default = "default_loss_character")]
    pub loss_character: f64,
    /// Probability that a follower observes a leader event.
    #[serde(default = "default_observe_followers")]
    pub observe_followers: f64,
    /// Probability that one of the leader's contacts (not following) observes it.
    #[serde(default = "default_observe_contacts")]
    pub observe_contacts: f64,
    /// Probability that anyone else observes it.
    #[serde(default = "default_observe_crowd")]
    pub observe_crowd: f64,
    /// Standard deviation of the relative error with which an event's size is perceived.
    #[serde(default)]
    pub perception_noise: f64,
    /// Word of mouth: each tick, trust moves this share of the way to the mean trust of those
    /// one watches (0 turns it off).
    #[serde(default)]
    pub word_of_mouth: f64,
}

fn full_trust() -> Distribution {
    Distribution::Constant { value: 1.0 }
}
fn default_gain() -> f64 {
    0.05
}
fn default_loss_admitted() -> f64 {
    0.1
}
fn default_loss_denied() -> f64 {
    0.3
}
fn default_loss_character() -> f64 {
    0.6
}
fn default_observe_followers() -> f64 {
    0.9
}
fn default_observe_contacts() -> f64 {
    0.6
}
fn default_observe_crowd() -> f64 {
    0.2
}

impl Default for Trust {
    fn default() -> Self {
        Trust {
            initial: full_trust(),
            floor: 0.0,
            distrust_penalty: 0.0,
            gain: default_gain(),
            loss_admitted: default_loss_admitted(),
            loss_denied: default_loss_denied(),
            loss_character: default_loss_character(),
            observe_followers: default_observe_followers(),
            observe_contacts: default_observe_contacts(),
            observe_crowd: default_observe_crowd(),
            perception_noise: 0.0,
            word_of_mouth: 0.0,
        }
    }
}

impl Trust {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), InputError> {
        self.initial.validate("trust.initial")?;
        for (name, v) in [
            ("floor", self.floor),
            ("gain", self.gain),
            ("loss_admitted", self.loss_admitted),
            ("loss_denied", self.loss_denied),
            ("loss_character", self.loss_character),
            ("observe_followers", self.observe_followers),
            ("observe_contacts", self.observe_contacts),
            ("observe_crowd", self.observe_crowd),
            ("word_of_mouth", self.word_of_mouth),
        ] {
            unit(&format!("trust.{name}"), v)?;
        }
        non_negative("trust.distrust_penalty", self.distrust_penalty)?;
        non_negative("trust.perception_noise", self.perception_noise)
    }

    /// The share of trust an event moves: gained (kept promise) or lost (the others).
    pub fn size(&self, kind: LeaderEventKind) -> f64 {
        match kind {
            LeaderEventKind::KeptPromise => self.gain,
            LeaderEventKind::FailureAdmitted => self.loss_admitted,
            LeaderEventKind::FailureDenied => self.loss_denied,
            LeaderEventKind::CharacterViolation => self.loss_character,
        }
    }

    /// Trust after perceiving an event of `kind` whose size is seen with relative error `e`.
    pub fn update(&self, tau: f64, kind: LeaderEventKind, e: f64) -> f64 {
        let s = (self.size(kind) * (1.0 + e)).clamp(0.0, 1.0);
        match kind {
            LeaderEventKind::KeptPromise => tau + s * (1.0 - tau),
            _ => tau * (1.0 - s),
        }
    }
}

fn unit(key: &str, v: f64) -> Result<(), InputError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(InputError::new(
            key,
            format!("{v} is out of range; give a number between 0 and 1"),
        ))
    }
}

/// An influence weight: zero or more, and small enough that no sum of weights over a crowd
/// overflows (see [`limits::MAX_WEIGHT`]).
fn weight(key: &str, v: f64) -> Result<(), InputError> {
    if v > limits::MAX_WEIGHT {
        return Err(InputError::new(
            key,
            format!(
                "{} is above the limit of {:e} for an influence weight; give a smaller weight \
                 (weights are relative: a weight of 2 counts as two followers)",
                limits::show(v),
                limits::MAX_WEIGHT
            ),
        ));
    }
    non_negative(key, v)
}

/// A number zero or more, no larger than [`limits::MAX_VALUE`].
fn non_negative(key: &str, v: f64) -> Result<(), InputError> {
    if (0.0..=limits::MAX_VALUE).contains(&v) {
        Ok(())
    } else {
        Err(InputError::new(
            key,
            format!(
                "{} must be a number from 0 to {:e}",
                limits::show(v),
                limits::MAX_VALUE
            ),
        ))
    }
}

/// Every movement mechanism of a scenario, as the engine sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Movement {
    /// Leaders, if any.
    pub leaders: Option<Leaders>,
    /// Influence weights.
    pub influence: Influence,
    /// Critical mass and pressure, if on.
    pub momentum: Option<Momentum>,
    /// Voluntary following, if on.
    pub leaving: Option<Leaving>,
    /// Trust, if on.
    pub trust: Option<Trust>,
    /// Scripted leader events, by tick.
    pub events: Vec<ScriptedEvent>,
}

impl Movement {
    /// Whether no mechanism is on: the classic models.
    pub fn is_classic(&self) -> bool {
        self.leaders.is_none()
            && self.influence.is_unit()
            && self.momentum.is_none()
            && self.leaving.is_none()
            && self.trust.is_none()
            && self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_violation_costs_more_than_many_kept_promises_gain() {
        let t = Trust::default();
        let mut tau = 0.5;
        for _ in 0..5 {
            tau = t.update(tau, LeaderEventKind::KeptPromise, 0.0);
        }
        let gained = tau - 0.5;
        let lost = tau - t.update(tau, LeaderEventKind::CharacterViolation, 0.0);
        assert!(
            lost > gained,
            "five promises gained {gained}, one violation lost {lost}"
        );
        assert!(
            t.update(0.8, LeaderEventKind::FailureAdmitted, 0.0)
                > t.update(0.8, LeaderEventKind::FailureDenied, 0.0)
        );
    }

    #[test]
    fn perception_noise_cannot_push_trust_out_of_range() {
        let t = Trust::default();
        for e in [-5.0, -1.0, 0.0, 1.0, 5.0] {
            for kind in [
                LeaderEventKind::KeptPromise,
                LeaderEventKind::CharacterViolation,
            ] {
                let v = t.update(0.7, kind, e);
                assert!((0.0..=1.0).contains(&v), "{kind:?} {e}: {v}");
            }
        }
    }
}
