//! Reproducers of issue 12 ("Nothing breaks it"), engine side: numbers beyond what the machine
//! can do are refused with their limit, loops that depended on user numbers end, and inputs
//! that used to be accepted without a word are errors naming their place. None of these tests
//! depends on the machine's speed: each input is either refused before any work, or small.

mod common;

use std::path::Path;

use common::{followership, ok, read, stderr};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Runs the arguments and checks: exit status 2, no panic, and every expected part in the
/// message.
fn refused(args: &[&str], expect: &[&str]) {
    let o = followership(args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "args {args:?}: {e}");
    assert!(!e.contains("panicked"), "{e}");
    for part in expect {
        assert!(e.contains(part), "message {e:?} lacks {part:?}");
    }
}

#[test]
fn numbers_beyond_the_limits_are_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    for (set, key, limit) in [
        ("leaders.weight=1e308", "leaders.weight", "1e9"),
        ("influence.follower=1e308", "influence.follower", "1e9"),
        ("network.nodes=1000000000", "network.", "1,000,000,000"),
        (
            "people.threshold.mean=1e16",
            "people.threshold.mean",
            "1e15",
        ),
    ] {
        refused(
            &["run", "--builtin", "hillside", "--set", set, "--out", out],
            &[key, limit],
        );
    }
    refused(
        &[
            "run",
            "--builtin",
            "granovetter-riot",
            "--set",
            "network.nodes=1000000000",
        ],
        &["network.nodes", "4,000,000,000"],
    );
    refused(
        &["run", "--replicates", "1000000000000000", "--out", out],
        &["replicates", "100,000,000"],
    );
    refused(
        &["run", "--threads", "100000", "--out", out],
        &["--threads", "1,024"],
    );
    for bootstrap in ["9223372036854775000", "4294967296"] {
        refused(
            &[
                "sensitivity",
                "--builtin",
                "hackman",
                "--set",
                &format!("sensitivity.bootstrap={bootstrap}"),
                "--out",
                out,
            ],
            &["sensitivity.bootstrap", "100,000"],
        );
    }
    let sweep = write(
        dir.path(),
        "sweep.toml",
        "name = \"x\"\n[network]\nkind = \"complete\"\nnodes = 5\n\
         [sweep]\n[[sweep.parameters]]\nkey = \"dynamics.visibility\"\nvalues = [0.0, 0.5]\n",
    );
    refused(
        &[
            "sweep",
            &sweep,
            "--replicates",
            "1000000000000000",
            "--out",
            out,
        ],
        &["--replicates", "100,000,000"],
    );
    assert!(
        !Path::new(out).exists(),
        "nothing is written for refused input"
    );
}

#[test]
fn inputs_once_accepted_without_a_word_are_errors_naming_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let events = write(
        d,
        "events.toml",
        "name = \"x\"\nmax_ticks = 50\n[network]\nkind = \"complete\"\nnodes = 5\n\
         [leaders]\nplacement = \"random\"\n[trust]\n\
         [[events]]\ntick = 60\nkind = \"kept-promise\"\n",
    );
    refused(
        &["run", &events],
        &["events.toml:10:1", "events[0].tick", "max_ticks = 50"],
    );

    write(d, "net.txt", "1 2 0.5\n2 3 -0.5\n");
    let weights = write(
        d,
        "weights.toml",
        "name = \"x\"\n[network]\nkind = \"file\"\npath = \"net.txt\"\ncache = false\n",
    );
    refused(&["run", &weights], &["net.txt:2", "zero or more"]);

    write(d, "t.txt", "1 0.2\n2 0.3\n3 0.4\n2 0.5\n");
    write(d, "ring.txt", "1 2\n2 3\n3 1\n");
    let twice = write(
        d,
        "twice.toml",
        "name = \"x\"\n[network]\nkind = \"file\"\npath = \"ring.txt\"\ncache = false\n\
         [people]\nthreshold = { distribution = \"file\", path = \"t.txt\" }\n",
    );
    refused(&["run", &twice], &["t.txt:4", "node 2", "line 2"]);

    let sensitivity = write(
        d,
        "sa.toml",
        "name = \"x\"\n[network]\nkind = \"complete\"\nnodes = 5\n\
         [sensitivity]\nbase_samples = 4\n\
         [[sensitivity.parameters]]\nkey = \"dynamics.visibility\"\nlow = 0.5\nhigh = 0.5\n",
    );
    refused(
        &[
            "sensitivity",
            &sensitivity,
            "--out",
            d.join("sa").to_str().unwrap(),
        ],
        &["sensitivity.parameters[0].high", "does not vary"],
    );
}

#[test]
fn truncated_normals_with_almost_no_mass_in_the_window_are_drawn_at_once() {
    // Both used to redraw without end: a window holding one part in 10^9 of the mass, and a
    // window of a single point.
    let dir = tempfile::tempdir().unwrap();
    for (i, sets) in [
        ["people.threshold.sd=1e9", "people.threshold.low=1.65"],
        ["people.threshold.low=2.5", "people.threshold.high=2.5"],
    ]
    .iter()
    .enumerate()
    {
        let out = dir.path().join(format!("o{i}"));
        let mut args = vec![
            "run",
            "--builtin",
            "hillside",
            "--replicates",
            "2",
            "--set",
            "network.nodes=200",
            "--set",
            "max_ticks=50",
            "--out",
            out.to_str().unwrap(),
        ];
        for s in sets {
            args.extend(["--set", s]);
        }
        ok(&followership(&args));
    }
}

/// Three people taking turns for ever: the engine's test scenario (see the file's comment).
const TAKING_TURNS: &str = include_str!("../../followership/tests/scenarios/taking-turns.toml");

#[test]
fn people_who_join_and_leave_for_ever_end_in_a_cycle_and_are_told_so() {
    // Used to run to max_ticks (10^7 ticks of the same two moves); now it ends at tick 5.
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "turns.toml", TAKING_TURNS);
    let out = dir.path().join("out");
    let o = followership(&["run", &scenario, "--out", out.to_str().unwrap()]);
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(
            "  endless cycle        4 of 4 runs joined and left in a repeating cycle, every 2 \
             ticks from tick 3; each was ended there (final size as at that tick; 50.0% \
             following at every tick of the cycles)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("a run lasted         5 ticks (median)"),
        "{text}"
    );
    let story = read(&out, "story.md");
    assert!(
        story.contains("- **Tick 5.** The crowd is back where it stood at tick 3"),
        "{story}"
    );
    assert!(story.contains("in an endless cycle."), "{story}");
    let json: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    let cycles = &json["summary"]["cycles"];
    assert_eq!(cycles["runs"], 4);
    assert_eq!(cycles["periods"][0]["period"], 2);
    // Per-run files keep their columns: the last tick is the tick the cycle was found.
    let rows = read(&out, "summary.csv");
    let (_header, body) = rows.split_once('\n').expect("a header line");
    assert!(
        body.lines().all(|l| l.split(',').nth(4) == Some("5")),
        "{rows}"
    );
}

#[test]
fn the_command_line_names_its_options_where_the_engine_names_the_input() {
    // The engine says "built-in scenario `hilside`" and "shard 5/4"; the CLI says which option.
    refused(
        &["run", "--builtin", "hilside"],
        &[
            "--builtin hilside: no built-in scenario has this name; did you mean `hillside`?",
            "run `followership scenarios` to read what each is",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    refused(
        &[
            "sweep",
            "--builtin",
            "hillside",
            "--shard",
            "5/4",
            "--out",
            dir.path().join("s").to_str().unwrap(),
        ],
        &["--shard 5/4: expected I/N, shard I of N shards with 1 <= I <= N, for example 2/4"],
    );
    let missing = dir.path().join("missing.toml");
    refused(
        &["run", missing.to_str().unwrap()],
        &["cannot read the scenario file", "`--builtin NAME`"],
    );
}
