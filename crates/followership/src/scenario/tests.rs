//! Strictness of scenario files: every mistake is named with its place and a way out.

use super::*;

fn parse(text: &str) -> Result<Scenario, InputError> {
    Scenario::from_toml(text, "s.toml", &[])
}

const MINIMAL: &str = "name = \"t\"\n[network]\nkind = \"ring-lattice\"\nnodes = 10\nk = 2\n";

#[test]
fn every_builtin_scenario_loads_and_round_trips_through_its_resolved_form() {
    for b in builtin::BUILTINS {
        let s = Scenario::load_builtin(b.name, &[]).unwrap().scenario;
        assert_eq!(s.name, b.name);
        assert!(!s.summary().is_empty(), "{} needs a description", b.name);
        let again = Scenario::from_toml(&s.to_toml(), "resolved", &[]).unwrap();
        assert_eq!(again, s, "{}", b.name);
    }
}

#[test]
fn defaults_fill_a_minimal_scenario() {
    let s = parse(MINIMAL).unwrap();
    assert_eq!(s.replicates, 100);
    assert_eq!(s.dynamics, Dynamics::default());
}

#[test]
fn unknown_key_names_its_line_and_suggests_the_nearest_key() {
    let e =
        parse("name = \"t\"\n[network]\nkind = \"ring-lattice\"\nnodez = 10\nk = 2\n").unwrap_err();
    assert!(e.place.starts_with("s.toml:"), "{e}");
    assert!(e.message.contains("unknown key `nodez`"), "{e}");
    assert!(e.message.contains("did you mean `nodes`"), "{e}");
    let e = parse(&format!("{MINIMAL}[dynamics]\nvisibilty = 0.2\n")).unwrap_err();
    assert_eq!(e.place, "s.toml:7:1", "{e}");
    assert!(e.message.contains("did you mean `visibility`"), "{e}");
}

#[test]
fn unknown_variant_suggests_the_nearest_value() {
    let e =
        parse("name = \"t\"\n[network]\nkind = \"ring-latice\"\nnodes = 10\nk = 2\n").unwrap_err();
    assert!(e.message.contains("did you mean `ring-lattice`"), "{e}");
}

#[test]
fn out_of_range_values_name_their_key_and_position() {
    let e = parse(&format!("{MINIMAL}[dynamics]\nvisibility = 1.5\n")).unwrap_err();
    assert_eq!(e.place, "s.toml:7:1");
    assert!(e.message.starts_with("dynamics.visibility:"), "{e}");
    assert!(e.message.contains("between 0 and 1"), "{e}");
    let e = parse(&format!("replicates = 0\n{MINIMAL}")).unwrap_err();
    assert_eq!(e.place, "s.toml:1:1");
}

#[test]
fn rule_parameters_must_match_their_rule() {
    let e = parse(&format!("{MINIMAL}[dynamics]\nrule = \"logit\"\n")).unwrap_err();
    assert!(e.message.contains("needs `temperature`"), "{e}");
    let e = parse(&format!("{MINIMAL}[dynamics]\nimitation = 0.3\n")).unwrap_err();
    assert!(
        e.message.contains("applies only to rule = \"hazard\""),
        "{e}"
    );
    // A rule's parameter out of range is found as the table is read, at its own line.
    let e = parse(&format!(
        "{MINIMAL}[dynamics]\nrule = \"logit\"\nvisibility = 0.0\ntemperature = -1\n"
    ))
    .unwrap_err();
    assert_eq!(e.place, "s.toml:9:1", "{e}");
    assert!(e.message.contains("must be a positive number"), "{e}");
    // The rule carries its parameter: nothing to look up, nothing to expect.
    let s = parse(&format!(
        "{MINIMAL}[dynamics]\nrule = \"cascade\"\nprobability = \"in-degree\"\n"
    ))
    .unwrap();
    assert_eq!(
        s.dynamics.rule,
        crate::model::Rule::Cascade {
            probability: crate::model::EdgeProbability::InverseInDegree
        }
    );
    let back = Scenario::from_toml(&s.to_toml(), "back.toml", &[]).unwrap();
    assert_eq!(back, s, "the flat form reads back");
}

#[test]
fn syntax_errors_name_line_and_column() {
    let e = parse("name = \"t\"\n[network\n").unwrap_err();
    assert!(e.place.starts_with("s.toml:2:"), "{e}");
}

#[test]
fn overrides_set_values_and_go_through_the_same_checks() {
    let set = |s: &str| s.parse::<Override>().unwrap();
    let s = Scenario::from_toml(
        MINIMAL,
        "s.toml",
        &[set("dynamics.visibility=0.25"), set("seed=9")],
    )
    .unwrap();
    assert_eq!(s.dynamics.visibility, 0.25);
    assert_eq!(s.seed, 9);
    let e = Scenario::from_toml(MINIMAL, "s.toml", &[set("dynamics.visibility=2")]).unwrap_err();
    assert!(e.message.contains("visibility"), "{e}");
    let e = Scenario::from_toml(MINIMAL, "s.toml", &[set("name.x=1")]).unwrap_err();
    assert!(e.message.contains("not a table"), "{e}");
    assert!("novalue".parse::<Override>().is_err());
}

#[test]
fn unknown_builtin_suggests_a_name() {
    let e = Scenario::load_builtin("watts-cascde", &[]).unwrap_err();
    assert!(e.message.contains("did you mean `watts-cascade`"), "{e}");
}

#[test]
fn schema_describes_the_top_level_keys() {
    let schema = json_schema();
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "name",
        "network",
        "people",
        "dynamics",
        "initial",
        "seed",
        "replicates",
    ] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
}

#[test]
fn the_example_scenario_in_the_readme_is_valid() {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("```toml\n")
        .expect("the README shows a scenario")
        + 8;
    let end = start + readme[start..].find("```").expect("closed block");
    let s = Scenario::from_toml(&readme[start..end], "README.md", &[]).unwrap();
    assert_eq!(s.name, "my-cascade");
    assert!(s.leaders.is_some() && s.trust.is_some() && s.events.len() == 1);
}

#[test]
fn snapshot_ticks_are_checked_against_the_run_length() {
    let ok = parse(&format!(
        "max_ticks = 50\n{MINIMAL}[output]\nsnapshot_ticks = [0, 50]\n"
    ));
    assert_eq!(ok.unwrap().output.snapshot_ticks, Some(vec![0, 50]));
    for (ticks, says) in [("[]", "give 1 to 12 ticks"), ("[0, 51]", "tick 51 is past")] {
        let e = parse(&format!(
            "max_ticks = 50\n{MINIMAL}[output]\nsnapshot_ticks = {ticks}\n"
        ))
        .unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("s.toml:8:1"), "{e}");
        assert!(
            text.contains("output.snapshot_ticks") && text.contains(says),
            "{e}"
        );
    }
}

/// The whole error, place and message, as the user reads it.
fn refused(text: &str) -> String {
    parse(text).expect_err("should be refused").to_string()
}

#[test]
fn numbers_beyond_the_machine_are_refused_with_their_limit() {
    let m = refused(&format!(
        "{MINIMAL}[leaders]\nplacement = \"random\"\nweight = 1e308\n"
    ));
    assert!(m.contains(" leaders.weight: ") && m.contains("1e9"), "{m}");
    let m = refused(&format!("{MINIMAL}[influence]\nfollower = 1e308\n"));
    assert!(
        m.contains(" influence.follower: ") && m.contains("1e9"),
        "{m}"
    );
    let m = refused(&format!("{MINIMAL}[influence]\nfirst_follower = 1e10\n"));
    assert!(m.contains(" influence.first_follower: "), "{m}");
    let m = refused(&format!("replicates = 1000000000000000\n{MINIMAL}"));
    assert!(
        m.contains(" replicates: ") && m.contains("100,000,000"),
        "{m}"
    );
    let m = refused(&format!("max_ticks = 4000000000\n{MINIMAL}"));
    assert!(
        m.contains(" max_ticks: ") && m.contains("10,000,000"),
        "{m}"
    );
    let m = refused(&format!(
        "replicates = 1000000\nmax_ticks = 1000\n{MINIMAL}"
    ));
    assert!(m.contains(" output.timeseries: "), "{m}");
    parse(&format!(
        "replicates = 1000000\nmax_ticks = 1000\n{MINIMAL}[output]\ntimeseries = false\n"
    ))
    .unwrap();
    let m = refused(&format!(
        "{MINIMAL}[people]\nthreshold = {{ distribution = \"constant\", value = 1e16 }}\n"
    ));
    assert!(
        m.contains(" people.threshold.value: ") && m.contains("1e15"),
        "{m}"
    );
    let m = refused("name = \"t\"\n[network]\nkind = \"complete\"\nnodes = 1000000000\n");
    assert!(
        m.contains(" network.nodes: ") && m.contains("4,000,000,000"),
        "{m}"
    );
}

#[test]
fn an_event_after_the_last_tick_is_refused() {
    let text = format!(
        "max_ticks = 100\n{MINIMAL}[leaders]\nplacement = \"random\"\n[trust]\n\
         [[events]]\ntick = 101\nkind = \"kept-promise\"\n"
    );
    let e = parse(&text).unwrap_err();
    assert!(e.message.starts_with("events[0].tick:"), "{e}");
    assert!(e.message.contains("max_ticks = 100"), "{e}");
    assert!(e.place.starts_with("s.toml:"), "{e}");
    parse(&text.replace("tick = 101", "tick = 100")).unwrap();
}

/// Reproducers of issue 12: messages name no Rust type, and say where the value came from.
#[test]
fn type_errors_are_in_the_users_words_not_rust_types() {
    let set = |s: &str| s.parse::<Override>().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "replicates=\"x\"",
            "--set replicates=\"x\"",
            "expected a whole number from 0 to",
        ),
        (
            "replicates=9223372036854775808",
            "--set replicates=9223372036854775808",
            "is too large",
        ),
        (
            "max_ticks=5000000000",
            "--set max_ticks=5000000000",
            "from 0 to 4294967295",
        ),
        (
            "network=3",
            "--set network=3",
            "a table with `kind = ...` naming one of: `complete`",
        ),
        (
            "network.nodes=1.5",
            "--set network.nodes=1.5",
            "network.nodes: expected a whole number",
        ),
        (
            "people.threshold=3",
            "--set people.threshold=3",
            "`distribution = ...` naming one of",
        ),
        (
            "dynamics.rule=3",
            "--set dynamics.rule=3",
            "expected one of `threshold`",
        ),
        (
            "dynamics.visibility=\"x\"",
            "--set dynamics.visibility=\"x\"",
            "expected a number",
        ),
        (
            "regenerate_network=yes",
            "--set regenerate_network=yes",
            "true or false",
        ),
        (
            "output.snapshot_ticks=4",
            "--set output.snapshot_ticks=4",
            "a list in square brackets",
        ),
    ];
    for (o, place, says) in cases {
        let e = Scenario::from_toml(MINIMAL, "s.toml", &[set(o)]).unwrap_err();
        assert_eq!(e.place, *place, "{e}");
        assert!(e.message.contains(says), "{o}: {e}");
        for rust in [
            "u64",
            "u32",
            "usize",
            "f64",
            "internally tagged",
            "NetworkSpec",
            "wanted",
        ] {
            assert!(!e.message.contains(rust), "{o}: {e}");
        }
    }
}

#[test]
fn a_bad_value_inside_a_tagged_table_is_pointed_at_itself() {
    let e = parse(&MINIMAL.replace("nodes = 10", "nodes = 1.5")).unwrap_err();
    assert!(
        e.message
            .starts_with("network.nodes: expected a whole number"),
        "{e}"
    );
    let line = MINIMAL.lines().position(|l| l.contains("nodes")).unwrap() + 1;
    assert!(e.place.starts_with(&format!("s.toml:{line}:")), "{e}");
}

#[test]
fn duplicate_keys_are_named() {
    let e = parse(&format!("name = \"again\"\n{MINIMAL}")).unwrap_err();
    assert!(e.message.contains("`name` is given twice"), "{e}");
    let e = parse(&format!("{MINIMAL}[network]\nnodes = 3\n")).unwrap_err();
    assert!(e.message.contains("`network` is given twice"), "{e}");
}

/// An override of a key the file leaves out adds a line to the edited text; messages about
/// other keys still point at the file's own lines.
#[test]
fn places_are_lines_of_the_file_as_written_even_with_overrides() {
    let set = |s: &str| s.parse::<Override>().unwrap();
    let text = format!("{MINIMAL}[dynamics]\nvisibility = 7\n");
    let line = text.lines().position(|l| l.contains("visibility")).unwrap() + 1;
    let plain = Scenario::from_toml(&text, "s.toml", &[]).unwrap_err();
    assert!(
        plain.place.starts_with(&format!("s.toml:{line}:")),
        "{plain}"
    );
    let seed = set("seed=5").given_as("--seed 5");
    let e = Scenario::from_toml(&text, "s.toml", &[seed, set("description=\"d\"")]).unwrap_err();
    assert_eq!(e, plain);
    let e = Scenario::from_toml(MINIMAL, "s.toml", &[set("seed=-1").given_as("--seed -1")])
        .unwrap_err();
    assert_eq!(e.place, "--seed -1", "{e}");
}

#[test]
fn an_empty_generated_network_is_blamed_on_its_size() {
    let e = parse(&MINIMAL.replace("nodes = 10", "nodes = 0")).unwrap_err();
    assert!(e.message.starts_with("network.nodes: nodes = 0"), "{e}");
    assert!(e.message.contains("give at least 1"), "{e}");
}

#[test]
fn a_normal_threshold_window_follows_the_proofs_scale() {
    use crate::model::Distribution;
    // Count proof: thresholds of mean 3 people are not clipped to [0, 1].
    let s = parse(&format!(
        "{MINIMAL}[dynamics]\nsocial_proof = \"count\"\n[people]\nthreshold = {{ distribution = \"normal\", mean = 3.0, sd = 1.0 }}\n"
    ))
    .unwrap();
    assert_eq!(
        s.people.threshold,
        Distribution::Normal {
            mean: 3.0,
            sd: 1.0,
            low: Some(0.0),
            high: None
        }
    );
    // The resolved form says so, and reads back the same.
    let again = Scenario::from_toml(&s.to_toml(), "resolved", &[]).unwrap();
    assert_eq!(again, s);
    // Fraction proof: [0, 1], which holds all but a sliver of Normal(0.2, 0.05).
    let s = parse(&format!(
        "{MINIMAL}[people]\nthreshold = {{ distribution = \"normal\", mean = 0.2, sd = 0.05 }}\n"
    ))
    .unwrap();
    assert!(matches!(
        s.people.threshold,
        Distribution::Normal {
            low: Some(0.0),
            high: Some(1.0),
            ..
        }
    ));
}

#[test]
fn a_default_window_cutting_off_much_of_the_distribution_is_an_error() {
    // Thresholds of mean 3 as shares: [0, 1] would keep 2.1% of the distribution.
    let e = parse(&format!(
        "{MINIMAL}[people]\nthreshold = {{ distribution = \"normal\", mean = 3.0, sd = 1.0 }}\n"
    ))
    .unwrap_err();
    assert!(e.message.starts_with("people.threshold:"), "{e}");
    assert!(e.message.contains("cuts off 97.9%"), "{e}");
    assert!(e.message.contains("high = 1"), "{e}");
    assert!(e.message.contains("give `low` and `high`"), "{e}");
    // Count proof: 0 cuts off 16% of Normal(1, 1).
    let e = parse(&format!(
        "{MINIMAL}[dynamics]\nsocial_proof = \"count\"\n[people]\nthreshold = {{ distribution = \"normal\", mean = 1.0, sd = 1.0 }}\n"
    ))
    .unwrap_err();
    assert!(e.message.contains("cuts off 15.9%"), "{e}");
    assert!(e.message.contains("no upper end"), "{e}");
    // A window written out is a choice, kept as given (the hillside cuts 11% below 1.65).
    parse(&format!(
        "{MINIMAL}[dynamics]\nsocial_proof = \"count\"\n[people]\nthreshold = {{ distribution = \"normal\", mean = 1.0, sd = 1.0, low = 0.0 }}\n"
    ))
    .unwrap();
    // Trust is a share: Normal(0.9, 0.2) loses 31% above 1.
    let e = parse(&format!(
        "{MINIMAL}[trust]\ninitial = {{ distribution = \"normal\", mean = 0.9, sd = 0.2 }}\n"
    ))
    .unwrap_err();
    assert!(e.message.starts_with("trust.initial:"), "{e}");
}

#[test]
fn leaders_without_an_initial_section_start_alone() {
    let leaders = "[leaders]\nplacement = \"random\"\n";
    let s = parse(&format!("{MINIMAL}{leaders}")).unwrap();
    assert_eq!(s.initial, InitialFollowers::None);
    // Asked for, an initial follower is kept.
    let s = parse(&format!(
        "{MINIMAL}{leaders}[initial]\nplacement = \"random\"\ncount = 2\n"
    ))
    .unwrap();
    assert_eq!(s.initial, InitialFollowers::Random { count: 2 });
    // Without leaders, the classic default: one random initial follower.
    assert_eq!(
        parse(MINIMAL).unwrap().initial,
        InitialFollowers::Random { count: 1 }
    );
}

#[test]
fn a_key_the_file_leaves_out_is_named_once_in_a_message() {
    // `[output]` is not in the hillside's file: the place falls back to `origin: key`, and the
    // message used to name the key a second time.
    let loaded = Scenario::load_builtin("hillside", &[]).unwrap();
    let e = loaded.locate(InputError::new(
        "output.timeseries",
        "expected true or false",
    ));
    assert_eq!(
        e.to_string(),
        "builtin:hillside: output.timeseries: expected true or false"
    );
    // Set by an option, or written in the file: the place is the option or the line, and the
    // message names the key (an option or a line may hold several).
    let set: Override = "output.timeseries=true".parse().unwrap();
    let loaded = Scenario::load_builtin("hillside", &[set]).unwrap();
    let e = loaded.locate(InputError::new(
        "output.timeseries",
        "expected true or false",
    ));
    assert_eq!(
        e.to_string(),
        "--set output.timeseries=true: output.timeseries: expected true or false"
    );
    let e = loaded.locate(InputError::new("network.nodes", "too many"));
    assert_eq!(
        e.to_string(),
        "builtin:hillside:23:1: network.nodes: too many"
    );
}

#[test]
fn library_errors_name_the_built_in_scenario_not_a_command_line_option() {
    let e = Scenario::load_builtin("hilside", &[]).unwrap_err();
    assert_eq!(e.place, "built-in scenario `hilside`");
    assert!(e.message.contains("did you mean `hillside`?"), "{e}");
    assert!(e.message.contains("granovetter-riot, watts-cascade"), "{e}");
    let e = Scenario::load_file(Path::new("no/such/file.toml"), &[]).unwrap_err();
    assert!(!e.to_string().contains("--"), "{e}");
    let e = crate::experiment::sweep::Shard::parse("5/4").unwrap_err();
    assert_eq!(
        e.to_string(),
        "shard 5/4: expected I/N, shard I of N shards with 1 <= I <= N, for example 2/4"
    );
}
