//! The sliders of the page: which scenario keys a page may change, within which bounds, and how
//! the values it sends become `--set` overrides.
//!
//! A slider is offered only when its section is in the scenario (the trust sliders only with
//! `[trust]`, the leader's only with `[leaders]`), since setting a key of a missing section would
//! create the section and change the model, not a parameter of it. Every value a page sends is
//! checked here against its slider before the scenario is loaded, so a page can ask for nothing
//! the command line did not offer, and for no network above [`crate::Limits::max_nodes`].

use std::collections::BTreeMap;

use followership::experiment::Value;
use followership::graph::spec::NetworkSpec;
use followership::model::RuleKind;
use followership::scenario::LoadedScenario;
use serde::Serialize;

use crate::Limits;

/// One slider (or switch) of the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slider {
    /// The scenario key it sets, as for `--set` (`leaders.persistence`).
    pub key: &'static str,
    /// A short name for the label.
    pub name: &'static str,
    /// What it does, in a sentence (the label's tooltip).
    pub description: &'static str,
    /// `"range"` for a number, `"toggle"` for true or false.
    pub kind: &'static str,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Step between values (1 for whole numbers).
    pub step: f64,
    /// Whether the value is a whole number.
    pub integer: bool,
    /// The scenario's value (1 or 0 for a switch).
    pub value: f64,
}

/// The sliders for `loaded`, in the order the page shows them.
pub fn sliders_for(loaded: &LoadedScenario, limits: &Limits) -> Vec<Slider> {
    let s = &loaded.scenario;
    // Which tables the scenario text has, for sections that have defaults and so are always
    // present in the parsed scenario.
    let tables: Vec<String> = loaded
        .source
        .parse::<toml::Table>()
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    let has_table = |name: &str| tables.iter().any(|t| t == name);
    let mut out = Vec::new();
    let mut range =
        |key: &'static str, name, description, (min, max, step): (f64, f64, f64), value: f64| {
            out.push(Slider {
                key,
                name,
                description,
                kind: "range",
                min: min.min(value),
                max: max.max(value),
                step,
                // The keys whose values are counts.
                integer: matches!(
                    key,
                    "network.nodes" | "leaders.persistence" | "leaders.block"
                ),
                value,
            });
        };

    if let Some(nodes) = generated_nodes(&s.network) {
        let max = (nodes.saturating_mul(10)).clamp(1_000, limits.max_nodes.max(10));
        let step = if max > 20_000 { 100.0 } else { 10.0 };
        range(
            "network.nodes",
            "People",
            "How many people the network has (it is drawn anew)",
            (10.0, max as f64, step),
            nodes as f64,
        );
    }
    if let Some(l) = &s.leaders {
        let max_ticks = f64::from(s.max_ticks.max(1));
        range(
            "leaders.persistence",
            "Persistence",
            "Ticks the leader keeps dancing without a single follower before giving up (the \
             largest value: never gives up in this run)",
            (1.0, max_ticks.max(1.0), 1.0),
            l.persistence.map_or(max_ticks, f64::from),
        );
        range(
            "leaders.weight",
            "Leader's weight",
            "How much the leader counts in the social proof of those who see them",
            (0.0, 5.0, 0.05),
            l.weight,
        );
        // Where in the organisation the leader starts: the champion in the middle or the
        // mandate from the top, and every level between, on one slider.
        if let (Some(block), NetworkSpec::StochasticBlock { blocks, .. }) = (l.block, &s.network)
            && blocks.len() > 1
        {
            range(
                "leaders.block",
                "Leader's level",
                "The block (level or department) the leader starts in: 0 is the first block of \
                 the network, e.g. the executives",
                (0.0, (blocks.len() - 1) as f64, 1.0),
                f64::from(block),
            );
        }
    }
    if s.leaders.is_some() || has_table("influence") {
        range(
            "influence.follower",
            "Follower's weight",
            "How much each follower counts in the social proof of those who see them",
            (0.0, 5.0, 0.05),
            s.influence.follower,
        );
        range(
            "influence.first_follower",
            "First follower's weight",
            "How much the first follower counts when the leader embraces them",
            (0.0, 5.0, 0.05),
            s.influence.first_follower,
        );
    }
    if s.dynamics.rule.kind() != RuleKind::Cascade {
        range(
            "dynamics.visibility",
            "Visibility",
            "How much people see the whole crowd rather than only their own contacts",
            (0.0, 1.0, 0.01),
            s.dynamics.visibility,
        );
        let spontaneous = s.dynamics.spontaneous;
        range(
            "dynamics.spontaneous",
            "Courage",
            "Chance per tick that someone joins on their own",
            (0.0, (2.0 * spontaneous).max(0.01), 0.0001),
            spontaneous,
        );
    }
    if let Some(m) = &s.momentum {
        range(
            "momentum.critical_mass",
            "Critical mass",
            "Share of the crowd following above which it becomes riskier not to join",
            (0.0, 0.95, 0.01),
            m.critical_mass,
        );
    }
    if let (Some(l), Some(_)) = (&s.leaders, &s.trust) {
        range(
            "leaders.character",
            "Character",
            "The leader's integrity and intent: how rarely they break a promise on purpose",
            (0.0, 1.0, 0.01),
            l.character,
        );
        range(
            "leaders.competency",
            "Competency",
            "The leader's capability: how rarely they fail",
            (0.0, 1.0, 0.01),
            l.competency,
        );
    }
    if s.leaders.is_some() {
        // A switch, placed after the weights it changes the meaning of.
        let at = out
            .iter()
            .position(|x| x.key == "influence.first_follower")
            .map_or(out.len(), |i| i + 1);
        out.insert(
            at,
            Slider {
                key: "influence.embrace",
                name: "Embrace",
                description: "Whether the leader embraces the first follower as an equal",
                kind: "toggle",
                min: 0.0,
                max: 1.0,
                step: 1.0,
                integer: true,
                value: f64::from(u8::from(s.influence.embrace)),
            },
        );
        // Whether the embrace also keeps the first follower dancing: switching it off shows a
        // class the first follower who sits down again when the leader alone cannot hold them.
        out.insert(
            at + 1,
            Slider {
                key: "influence.embrace_holds",
                name: "Embrace holds",
                description: "Whether the leader's embrace keeps the first follower following",
                kind: "toggle",
                min: 0.0,
                max: 1.0,
                step: 1.0,
                integer: true,
                value: f64::from(u8::from(s.influence.embrace_holds)),
            },
        );
    }
    out
}

/// The number of people of a generated network whose size is one `nodes` key (the only networks
/// whose size the page may change).
fn generated_nodes(spec: &NetworkSpec) -> Option<usize> {
    match spec {
        NetworkSpec::RingLattice { nodes, .. }
        | NetworkSpec::WattsStrogatz { nodes, .. }
        | NetworkSpec::ErdosRenyi { nodes, .. }
        | NetworkSpec::BarabasiAlbert { nodes, .. }
        | NetworkSpec::PowerLaw { nodes, .. }
        | NetworkSpec::RandomGeometric { nodes, .. } => Some(*nodes),
        // A complete network has nodes^2 ties: its size stays the command line's.
        _ => None,
    }
}

/// A problem with what a page asked for: which key, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The key the problem is about (`seed`, `leaders.persistence`, or `request`).
    pub key: String,
    /// What is wrong and what to send instead.
    pub message: String,
}

impl Refusal {
    fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Refusal {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// At most this many values in one request (there are never more sliders).
const MAX_VALUES: usize = 32;

/// One key path set to a value, as a page asks.
pub type Setting = (String, Value);

/// Turns the values a page sent (`key -> JSON value`) and its seed into `--set` overrides,
/// checking each against its slider; the overrides come sorted by key, so that equal requests
/// give equal lists.
pub fn overrides(
    sliders: &[Slider],
    values: &BTreeMap<String, serde_json::Value>,
    seed: Option<&serde_json::Value>,
    limits: &Limits,
) -> Result<Vec<Setting>, Refusal> {
    if values.len() > MAX_VALUES {
        return Err(Refusal::new(
            "values",
            format!(
                "{} values is more than this view takes (at most {MAX_VALUES})",
                values.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(values.len() + 1);
    for (key, value) in values {
        let Some(slider) = sliders.iter().find(|s| s.key == key) else {
            let known: Vec<&str> = sliders.iter().map(|s| s.key).collect();
            return Err(Refusal::new(
                key.as_str(),
                format!(
                    "`{}` is not a parameter this view can change; it can change {}",
                    shorten(key),
                    known.join(", ")
                ),
            ));
        };
        out.push((key.clone(), slider_value(slider, value, limits)?));
    }
    if let Some(seed) = seed.filter(|s| !s.is_null()) {
        match seed.as_u64() {
            Some(n) if n <= i64::MAX as u64 => out.push(("seed".to_string(), Value::from(n))),
            _ => {
                return Err(Refusal::new(
                    "seed",
                    format!(
                        "seed = {} is not a seed; give a whole number from 0 to 2^63 - 1",
                        shorten(&seed.to_string())
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// The typed value of `value` for `slider`, or why it cannot be.
fn slider_value(
    slider: &Slider,
    value: &serde_json::Value,
    limits: &Limits,
) -> Result<Value, Refusal> {
    let key = slider.key;
    let shown = shorten(&value.to_string());
    if slider.kind == "toggle" {
        return match value {
            serde_json::Value::Bool(b) => Ok(Value::Bool(*b)),
            v if v.as_f64() == Some(0.0) => Ok(Value::Bool(false)),
            v if v.as_f64() == Some(1.0) => Ok(Value::Bool(true)),
            _ => Err(Refusal::new(
                key,
                format!("{key} = {shown} is not a switch value; give true or false"),
            )),
        };
    }
    let Some(x) = value.as_f64().filter(|x| x.is_finite()) else {
        return Err(Refusal::new(
            key,
            format!(
                "{key} = {shown} is not a number; give a number from {} to {}",
                slider.min, slider.max
            ),
        ));
    };
    // The command line may have asked for more; a page may keep that, but not ask for more.
    if key == "network.nodes" && x > limits.max_nodes as f64 && x != slider.value {
        return Err(Refusal::new(
            key,
            format!(
                "{key} = {shown} is more people than this view runs (at most {})",
                limits.max_nodes
            ),
        ));
    }
    if !(slider.min..=slider.max).contains(&x) {
        return Err(Refusal::new(
            key,
            format!(
                "{key} = {shown} is out of range; give a number from {} to {}",
                slider.min, slider.max
            ),
        ));
    }
    if slider.integer {
        if x.fract() != 0.0 {
            return Err(Refusal::new(
                key,
                format!("{key} = {shown} must be a whole number"),
            ));
        }
        Ok(Value::Integer(x as i64))
    } else {
        Ok(Value::Float(x))
    }
}

/// The first 40 characters of `text`, for messages about what a page sent.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use followership::scenario::Scenario;
    use serde_json::json;

    fn sliders(name: &str) -> Vec<Slider> {
        let loaded = Scenario::load_builtin(name, &[]).expect("builtin");
        sliders_for(&loaded, &Limits::default())
    }

    fn keys(s: &[Slider]) -> Vec<&str> {
        s.iter().map(|s| s.key).collect()
    }

    #[test]
    fn the_hillside_has_the_movement_sliders_but_no_trust() {
        let s = sliders("hillside");
        assert_eq!(
            keys(&s),
            vec![
                "network.nodes",
                "leaders.persistence",
                "leaders.weight",
                "influence.follower",
                "influence.first_follower",
                "influence.embrace",
                "influence.embrace_holds",
                "dynamics.visibility",
                "dynamics.spontaneous",
                "momentum.critical_mass",
            ]
        );
        let p = &s[1];
        assert_eq!(
            (p.min, p.max, p.value, p.integer),
            (1.0, 1000.0, 300.0, true)
        );
        let embrace = &s[5];
        assert_eq!((embrace.kind, embrace.value), ("toggle", 1.0));
        let holds = &s[6];
        assert_eq!((holds.kind, holds.value), ("toggle", 1.0));
        assert_eq!(s[0].max, 30_000.0);
    }

    #[test]
    fn trust_sliders_come_with_trust_and_classic_models_get_few() {
        let trust = sliders("broken-promise");
        assert!(keys(&trust).contains(&"leaders.character"));
        assert!(keys(&trust).contains(&"leaders.competency"));
        let riot = sliders("granovetter-riot");
        assert_eq!(
            keys(&riot),
            vec!["dynamics.visibility", "dynamics.spontaneous"]
        );
        let ic = sliders("independent-cascade");
        assert_eq!(keys(&ic), vec!["network.nodes"]);
        for name in ["bass", "middle-out", "network-marketing", "hackman"] {
            for s in sliders(name) {
                assert!(s.min <= s.value && s.value <= s.max, "{name}: {s:?}");
            }
        }
    }

    #[test]
    fn an_organisation_lets_the_leader_start_at_any_level() {
        let s = sliders("middle-out");
        let level = s
            .iter()
            .find(|s| s.key == "leaders.block")
            .expect("a level slider for a leader placed in a block");
        assert_eq!(
            (level.min, level.max, level.value, level.integer),
            (0.0, 2.0, 1.0, true)
        );
        let ask = |v: serde_json::Value| {
            let values: BTreeMap<String, serde_json::Value> =
                [("leaders.block".to_string(), v)].into();
            overrides(&s, &values, None, &Limits::default())
        };
        let top = ask(json!(0)).expect("the executives");
        assert_eq!(top, vec![("leaders.block".to_string(), Value::Integer(0))]);
        let at_the_top = followership::experiment::Experiment::builtin("middle-out")
            .and_then(|e| e.set("leaders.block", Value::Integer(0)))
            .expect("the leader among the executives is a valid scenario");
        assert_eq!(
            at_the_top.scenario().leaders.as_ref().and_then(|l| l.block),
            Some(0)
        );
        assert!(ask(json!(3)).unwrap_err().message.contains("out of range"));
        assert!(!keys(&sliders("hillside")).contains(&"leaders.block"));
    }

    #[test]
    fn values_become_sorted_overrides() {
        let s = sliders("hillside");
        let values: BTreeMap<String, serde_json::Value> = [
            ("leaders.persistence".to_string(), json!(120)),
            ("influence.embrace".to_string(), json!(false)),
            ("dynamics.visibility".to_string(), json!(1)),
        ]
        .into();
        let o = overrides(&s, &values, Some(&json!(7)), &Limits::default()).expect("valid");
        let shown: Vec<String> = o.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            shown,
            vec![
                "dynamics.visibility=1.0",
                "influence.embrace=false",
                "leaders.persistence=120",
                "seed=7"
            ]
        );
    }

    #[test]
    fn bad_values_are_refused_with_the_key() {
        let s = sliders("hillside");
        let limits = Limits::default();
        let one = |key: &str, v: serde_json::Value| {
            let values: BTreeMap<String, serde_json::Value> = [(key.to_string(), v)].into();
            overrides(&s, &values, None, &limits).expect_err("refused")
        };
        let r = one("leaders.persistence", json!(-5));
        assert_eq!(r.key, "leaders.persistence");
        assert!(r.message.contains("out of range"), "{}", r.message);
        assert!(
            one("leaders.persistence", json!(2.5))
                .message
                .contains("whole number")
        );
        assert!(
            one("dynamics.visibility", json!("lots"))
                .message
                .contains("not a number")
        );
        assert!(
            one("influence.embrace", json!("yes"))
                .message
                .contains("true or false")
        );
        let r = one("network.nodes", json!(5_000_000));
        assert!(r.message.contains("at most 200000"), "{}", r.message);
        let r = one("network.kind", json!(1));
        assert_eq!(r.key, "network.kind");
        assert!(r.message.contains("not a parameter"), "{}", r.message);
        let r = overrides(&s, &BTreeMap::new(), Some(&json!(-1)), &limits).expect_err("seed");
        assert_eq!(r.key, "seed");
        let r = overrides(&s, &BTreeMap::new(), Some(&json!(1.5)), &limits).expect_err("seed");
        assert!(r.message.contains("whole number"));
        let many: BTreeMap<String, serde_json::Value> =
            (0..40).map(|i| (format!("k{i}"), json!(1))).collect();
        assert_eq!(
            overrides(&s, &many, None, &limits).expect_err("many").key,
            "values"
        );
    }

    #[test]
    fn long_input_is_shortened_in_messages() {
        let long = "x".repeat(500);
        assert_eq!(shorten(&long).chars().count(), 41);
        assert_eq!(shorten("short"), "short");
    }
}
