//! Bad input in the movement sections of a scenario (`[leaders]`, `[influence]`, `[momentum]`,
//! `[leaving]`, `[trust]`, `[[events]]`): every mistake is named with its place (file, line,
//! column and key path) and a way out.

use followership::error::{Error, InputError};
use followership::experiment::{EnsembleOptions, Experiment};
use followership::scenario::{LoadedScenario, Override, Scenario};

/// A valid scenario with every movement section; tests append to it or replace lines of it.
const BASE: &str = r#"name = "t"
replicates = 2
max_ticks = 20
[network]
kind = "ring-lattice"
nodes = 30
k = 4
[people]
threshold = { distribution = "uniform", low = 1.0, high = 3.0 }
[dynamics]
social_proof = "count"
[initial]
placement = "none"
[leaders]
weight = 1.5
persistence = 10
[influence]
first_follower = 1.5
embrace = true
[momentum]
critical_mass = 0.2
pressure = 0.5
[leaving]
hysteresis = 0.5
[trust]
floor = 0.2
[[events]]
tick = 3
kind = "kept-promise"
"#;

fn parse(text: &str) -> Result<Scenario, InputError> {
    Scenario::from_toml(text, "s.toml", &[])
}

/// `BASE` with the line starting with `old` replaced by `new` (an empty `new` removes it).
fn edit(old: &str, new: &str) -> String {
    let mut found = false;
    let lines: Vec<String> = BASE
        .lines()
        .filter_map(|l| {
            if !found && l.starts_with(old) {
                found = true;
                (!new.is_empty()).then(|| new.to_string())
            } else {
                Some(l.to_string())
            }
        })
        .collect();
    assert!(found, "BASE has no line starting with {old:?}");
    lines.join("\n") + "\n"
}

/// `BASE` without the section starting at `[header]` (up to the next header).
fn without_section(header: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for l in BASE.lines() {
        if l.starts_with('[') {
            skipping = l == header;
        }
        if !skipping {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

fn error(text: &str) -> InputError {
    match parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// Runs a scenario that loads but fails once the network is built (placements).
fn run_error(text: &str) -> InputError {
    let scenario = parse(text).unwrap_or_else(|e| panic!("should load: {e}"));
    let loaded = LoadedScenario {
        scenario,
        base_dir: ".".into(),
        origin: "s.toml".into(),
        source: text.into(),
        written: text.into(),
        overrides: Vec::new(),
    };
    match Experiment::from_loaded(loaded).ensemble(&EnsembleOptions::default()) {
        Ok(_) => panic!("expected the run to fail for:\n{text}"),
        Err(Error::Input(e)) => e,
        Err(other) => panic!("expected an input error, got {other}"),
    }
}

/// The 1-based line of the first line of `text` starting with `start`.
fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start:?}"))
        + 1
}

fn assert_at_line(e: &InputError, text: &str, start: &str) {
    let line = line_of(text, start);
    assert!(
        e.place.starts_with(&format!("s.toml:{line}:")),
        "expected the error at line {line} ({start:?}), got {e}"
    );
}

#[test]
fn the_base_scenario_is_valid_and_runs() {
    let s = parse(BASE).unwrap();
    assert!(s.leaders.is_some() && s.momentum.is_some() && s.trust.is_some());
    assert_eq!(s.events.len(), 1);
    let again = parse(&s.to_toml()).unwrap();
    assert_eq!(again, s, "the resolved form round-trips");
}

#[test]
fn unknown_keys_in_movement_sections_suggest_the_nearest_key() {
    for (old, typo, meant) in [
        ("persistence", "persistance = 10", "persistence"),
        ("embrace", "embrase = true", "embrace"),
        ("critical_mass", "critical_mas = 0.2", "critical_mass"),
        ("hysteresis", "hysteresys = 0.5", "hysteresis"),
        ("floor", "flor = 0.2", "floor"),
        ("tick", "tik = 3", "tick"),
    ] {
        let text = edit(old, typo);
        let e = error(&text);
        let word = typo.split(' ').next().unwrap();
        assert!(
            e.message.contains(&format!("unknown key `{word}`")),
            "{typo}: {e}"
        );
        assert!(
            e.message.contains(&format!("did you mean `{meant}`")),
            "{typo}: {e}"
        );
        assert_at_line(&e, &text, word);
    }
    let e = error(&edit("floor", "floor = 0.2\nloss_charakter = 0.5"));
    assert!(e.message.contains("did you mean `loss_character`"), "{e}");
}

#[test]
fn unknown_values_suggest_the_nearest_value() {
    let e = error(&edit("kind = \"kept-promise\"", "kind = \"kept-promis\""));
    assert!(e.message.contains("did you mean `kept-promise`"), "{e}");
    let e = error(&edit("weight", "placement = \"degre\""));
    assert!(e.message.contains("did you mean `degree`"), "{e}");
}

#[test]
fn out_of_range_values_name_their_key_path_and_line() {
    for (old, bad, key) in [
        ("weight", "character = 1.5", "leaders.character"),
        ("weight", "competency = -0.1", "leaders.competency"),
        ("weight", "candor = 2.0", "leaders.candor"),
        ("weight", "event_rate = 1.5", "leaders.event_rate"),
        ("weight", "weight = -1.0", "leaders.weight"),
        ("persistence", "persistence = 0", "leaders.persistence"),
        ("first_follower", "follower = -0.5", "influence.follower"),
        (
            "first_follower",
            "first_follower = -1.0",
            "influence.first_follower",
        ),
        (
            "critical_mass",
            "critical_mass = 1.0",
            "momentum.critical_mass",
        ),
        ("pressure", "pressure = -0.5", "momentum.pressure"),
        ("hysteresis", "hysteresis = -0.1", "leaving.hysteresis"),
        ("floor", "floor = 1.5", "trust.floor"),
        ("floor", "loss_character = 1.2", "trust.loss_character"),
        ("floor", "observe_crowd = -0.2", "trust.observe_crowd"),
        ("floor", "perception_noise = -1.0", "trust.perception_noise"),
        ("floor", "distrust_penalty = -1.0", "trust.distrust_penalty"),
        ("floor", "word_of_mouth = 2.0", "trust.word_of_mouth"),
    ] {
        let text = edit(old, bad);
        let e = error(&text);
        assert!(
            e.message.starts_with(&format!("{key}:")),
            "{bad}: expected the message to name {key}: {e}"
        );
        let word = bad.split(' ').next().unwrap();
        assert_at_line(&e, &text, word);
    }
}

#[test]
fn events_are_named_by_their_index() {
    let e = error(&edit("tick", "tick = 0"));
    assert!(e.message.starts_with("events[0].tick:"), "{e}");
    let text = format!("{BASE}[[events]]\ntick = 0\nkind = \"character-violation\"\n");
    let e = error(&text);
    assert!(e.message.starts_with("events[1].tick:"), "{e}");
    assert!(e.message.contains("from tick 1"), "{e}");
}

#[test]
fn initial_trust_is_checked_as_a_distribution() {
    let text = edit(
        "floor",
        "initial = { distribution = \"uniform\", low = 0.9, high = 0.1 }",
    );
    let e = error(&text);
    assert!(e.message.starts_with("trust.initial"), "{e}");
}

#[test]
fn events_need_trust_and_a_leader() {
    let e = error(&without_section("[trust]"));
    assert!(e.message.starts_with("events:"), "{e}");
    assert!(e.message.contains("need a [trust] section"), "{e}");

    let text = without_section("[trust]")
        .replace("persistence = 10", "persistence = 10\nevent_rate = 0.1");
    let text = text.replace("[[events]]\ntick = 3\nkind = \"kept-promise\"\n", "");
    let e = error(&text);
    assert!(e.message.starts_with("leaders.event_rate:"), "{e}");

    let e = error(&without_section("[leaders]"));
    assert!(e.message.contains("need a leader"), "{e}");
}

#[test]
fn a_momentum_section_needs_both_keys() {
    let e = error(&edit("pressure", ""));
    assert!(e.message.contains("missing key `pressure`"), "{e}");
}

#[test]
fn placement_options_must_match_the_placement() {
    // A missing key has no line of its own: the place is its section, the message names the key.
    let e = error(&edit("weight", "placement = \"block\""));
    assert_eq!(e.place, "s.toml:14:2", "{e}");
    assert!(e.message.starts_with("leaders.block:"), "{e}");
    assert!(e.message.contains("needs `block = N`"), "{e}");

    let e = error(&edit("weight", "placement = \"ids\""));
    assert_eq!(e.place, "s.toml:14:2", "{e}");
    assert!(e.message.starts_with("leaders.ids:"), "{e}");
    assert!(e.message.contains("needs `ids = [...]`"), "{e}");

    let e = error(&edit("weight", "ids = [1, 2]"));
    assert!(e.message.starts_with("leaders.ids:"), "{e}");
    assert!(
        e.message.contains("applies only to placement = \"ids\""),
        "{e}"
    );

    let e = error(&edit("weight", "block = 1"));
    assert!(e.message.starts_with("leaders.block:"), "{e}");
}

#[test]
fn block_placement_needs_a_block_network() {
    let text = edit("weight", "placement = \"block\"\nblock = 0");
    let e = run_error(&text);
    assert!(e.message.starts_with("leaders.block:"), "{e}");
    assert!(e.message.contains("block-model network"), "{e}");
    assert_at_line(&e, &text, "block = 0");
}

#[test]
fn block_placement_checks_the_block_and_its_size() {
    let sbm = |leaders: &str| {
        BASE.replace(
            "kind = \"ring-lattice\"\nnodes = 30\nk = 4",
            "kind = \"stochastic-block\"\nblocks = [10, 10]\np_in = 0.5\np_out = 0.05",
        )
        .replace("weight = 1.5", leaders)
    };
    let e = run_error(&sbm("placement = \"block\"\nblock = 5"));
    assert!(e.message.starts_with("leaders.block:"), "{e}");
    assert!(e.message.contains("does not exist"), "{e}");
    let e = run_error(&sbm("placement = \"block\"\nblock = 1\ncount = 11"));
    assert!(e.message.starts_with("leaders.count:"), "{e}");
    // A valid block placement runs.
    let scenario = parse(&sbm("placement = \"block\"\nblock = 1\ncount = 2")).unwrap();
    let mut runs: Vec<followership::simulation::RunRecord> = Vec::new();
    Experiment::from_scenario(scenario)
        .unwrap()
        .ensemble_into(&EnsembleOptions::default(), &mut runs)
        .unwrap();
    for r in &runs {
        assert_eq!(r.leaders.len(), 2);
        assert!(r.leaders.iter().all(|&v| v >= 10), "leaders in block 1");
    }
}

#[test]
fn leader_ids_and_counts_are_checked_against_the_network() {
    let e = run_error(&edit("weight", "placement = \"ids\"\nids = [999]"));
    assert!(e.message.contains("node 999 is not in the network"), "{e}");
    let e = run_error(&edit("weight", "placement = \"ids\"\nids = [3, 3]"));
    assert!(e.message.starts_with("leaders.ids[1]:"), "{e}");
    assert!(e.message.contains("listed twice"), "{e}");
    let e = run_error(&edit("weight", "count = 31"));
    assert!(e.message.starts_with("leaders.count:"), "{e}");
}

#[test]
fn mechanisms_that_act_on_thresholds_are_refused_with_the_cascade_rule() {
    let text = BASE.replace(
        "social_proof = \"count\"",
        "rule = \"cascade\"\nprobability = 0.1",
    );
    let e = error(&text);
    assert!(e.message.starts_with("momentum:"), "{e}");
    assert!(e.message.contains("cascade rule"), "{e}");
}

#[test]
fn overrides_of_movement_keys_go_through_the_same_checks() {
    let set = |s: &str| s.parse::<Override>().unwrap();
    let s = Scenario::from_toml(BASE, "s.toml", &[set("leaders.persistence=50")]).unwrap();
    assert_eq!(s.leaders.unwrap().persistence, Some(50));
    let e = Scenario::from_toml(BASE, "s.toml", &[set("trust.floor=3")]).unwrap_err();
    assert!(e.message.starts_with("trust.floor:"), "{e}");
    assert_eq!(e.place, "--set trust.floor=3", "{e}");
    let e = Scenario::from_toml(BASE, "s.toml", &[set("leaders.persistense=5")]).unwrap_err();
    assert!(e.message.contains("did you mean `persistence`"), "{e}");
}
