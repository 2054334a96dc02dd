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
        m.contains(" replicates: ") && m.contains("10,000,000"),
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
