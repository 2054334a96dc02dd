//! Setting a particle's values on the typed scenario: the fast way for the number keys fits
//! usually vary.
//!
//! A fit simulates thousands of particles, each a copy of the scenario with a few numbers
//! changed. Going through the generic key paths (a TOML tree, deserialised and checked again)
//! costs about as much as a small run itself, so each fitted key is resolved once, when the fit
//! is made, to the field it names ([`field`]); a particle then writes its numbers straight into
//! a copy of the scenario and checks it once. Keys without a field here (whole numbers,
//! choices, network sizes, sections a scenario lacks) keep the generic way.
//!
//! The fast way is only used when it gives exactly the scenarios the generic way gives at the
//! edges and the middle of every prior (checked by the fit when it is made). The checks a
//! section does only as it is read (such as `imitation >= 0`) bound one value at a time, so a
//! value between two accepted edges of a prior is accepted too; [`Scenario::validate`] checks
//! the rest for every particle.

use crate::model::Rule;
use crate::scenario::Scenario;

/// Where a fitted number lives in the typed scenario: `None` when the scenario lacks it (no
/// `[leaders]` section, or another rule than the key's).
pub(crate) type Field = fn(&mut Scenario) -> Option<&mut f64>;

/// The field a key path names, for the number keys this knows; `None` for any other key.
pub(crate) fn field(key: &str) -> Option<Field> {
    let f: Field = match key {
        "cascade_cutoff" => |s| Some(&mut s.cascade_cutoff),
        "dynamics.visibility" => |s| Some(&mut s.dynamics.visibility),
        "dynamics.spontaneous" => |s| Some(&mut s.dynamics.spontaneous),
        "dynamics.imitation" => |s| match &mut s.dynamics.rule {
            Rule::Hazard { imitation } => Some(imitation),
            _ => None,
        },
        "dynamics.temperature" => |s| match &mut s.dynamics.rule {
            Rule::Logit { temperature } => Some(temperature),
            _ => None,
        },
        "leaders.weight" => |s| s.leaders.as_mut().map(|l| &mut l.weight),
        "leaders.character" => |s| s.leaders.as_mut().map(|l| &mut l.character),
        "leaders.competency" => |s| s.leaders.as_mut().map(|l| &mut l.competency),
        "leaders.candor" => |s| s.leaders.as_mut().map(|l| &mut l.candor),
        "leaders.event_rate" => |s| s.leaders.as_mut().map(|l| &mut l.event_rate),
        "influence.follower" => |s| Some(&mut s.influence.follower),
        "influence.first_follower" => |s| Some(&mut s.influence.first_follower),
        "momentum.critical_mass" => |s| s.momentum.as_mut().map(|m| &mut m.critical_mass),
        "momentum.pressure" => |s| s.momentum.as_mut().map(|m| &mut m.pressure),
        "leaving.hysteresis" => |s| s.leaving.as_mut().map(|l| &mut l.hysteresis),
        "trust.floor" => |s| s.trust.as_mut().map(|t| &mut t.floor),
        "trust.distrust_penalty" => |s| s.trust.as_mut().map(|t| &mut t.distrust_penalty),
        "trust.gain" => |s| s.trust.as_mut().map(|t| &mut t.gain),
        "trust.loss_admitted" => |s| s.trust.as_mut().map(|t| &mut t.loss_admitted),
        "trust.loss_denied" => |s| s.trust.as_mut().map(|t| &mut t.loss_denied),
        "trust.loss_character" => |s| s.trust.as_mut().map(|t| &mut t.loss_character),
        "trust.observe_followers" => |s| s.trust.as_mut().map(|t| &mut t.observe_followers),
        "trust.observe_contacts" => |s| s.trust.as_mut().map(|t| &mut t.observe_contacts),
        "trust.observe_crowd" => |s| s.trust.as_mut().map(|t| &mut t.observe_crowd),
        "trust.perception_noise" => |s| s.trust.as_mut().map(|t| &mut t.perception_noise),
        "trust.word_of_mouth" => |s| s.trust.as_mut().map(|t| &mut t.word_of_mouth),
        _ => return None,
    };
    Some(f)
}

/// Writes `values` into `scenario` through `fields` (a `None` field is a value set elsewhere,
/// such as the time mapping); `false` when the scenario lacks one of the fields.
pub(crate) fn write(scenario: &mut Scenario, fields: &[Option<Field>], values: &[f64]) -> bool {
    for (field, &x) in fields.iter().zip(values) {
        if let Some(field) = field {
            match field(scenario) {
                Some(v) => *v = x,
                None => return false,
            }
        }
    }
    true
}
