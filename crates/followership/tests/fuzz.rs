//! The fuzzing harness: property tests of everything that reads user input.
//!
//! Edge lists and CSV files, `--set` values, scenario files (the built-ins, mutated line by line)
//! and binary graph caches (bytes flipped, truncated) must never panic: every input is either
//! accepted or refused with a clear message that names its place and no Rust type. Round trips
//! hold where they exist (a scenario's `to_toml` reads back to the same scenario).
//!
//! The default run is short, so the test command stays fast. Run it longer with, for example,
//! `PROPTEST_CASES=100000 cargo test -p followership --test fuzz --release`; a failure is shrunk
//! to a small input and saved under `tests/fuzz.proptest-regressions`, replayed by every later
//! run until fixed.

use followership::graph::Graph;
use followership::graph::cache::{cache_path, read_cache};
use followership::graph::load::{LoadOptions, load_graph};
use followership::scenario::{Override, Scenario, builtin};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// Rust type names and parser jargon that a message must never show.
const LEAKS: &[&str] = &[
    "expected u64",
    "expected u32",
    "expected usize",
    "expected f64",
    "expected f32",
    "internally tagged",
    "wanted string or table",
    "(with --set)",
];

/// Asserts that `message` is in the user's words.
fn assert_plain(message: &str) {
    for leak in LEAKS {
        assert!(!message.contains(leak), "{message:?} shows {leak:?}");
    }
}

/// Bytes that look like an edge list or a CSV file more often than not.
fn edge_text() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        8 => (0u64..40).prop_map(|v| v.to_string().into_bytes()),
        2 => Just(b" ".to_vec()),
        2 => Just(b"\t".to_vec()),
        3 => Just(b"\n".to_vec()),
        1 => Just(b"\r\n".to_vec()),
        1 => Just(b",".to_vec()),
        1 => Just(b"# comment\n".to_vec()),
        1 => Just(b"source,target,weight\n".to_vec()),
        1 => prop_oneof![Just("0.5"), Just("-1"), Just("1e308"), Just("nan"), Just("x"), Just("-")]
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => Just(b"18446744073709551616".to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    proptest::collection::vec(token, 0..80).prop_map(|t| t.concat())
}

/// Every edge of `g` by dense ids, for comparing graphs.
fn edges(g: &Graph) -> Vec<(u32, u32)> {
    (0..g.node_count() as u32)
        .flat_map(|v| g.out_neighbors(v).iter().map(move |&t| (v, t)))
        .collect()
}

/// Asserts that every neighbour of `g` is one of its people, so no lookup can go out of bounds.
fn assert_consistent(g: &Graph) {
    let n = g.node_count() as u32;
    for v in 0..n {
        assert!(
            g.out_neighbors(v)
                .iter()
                .chain(g.in_neighbors(v))
                .all(|&t| t < n)
        );
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// The loaders never panic: they load, or say which file and line is wrong.
    #[test]
    fn edge_lists_and_csv_files_load_or_say_where(
        text in edge_text(),
        csv in any::<bool>(),
        directed in any::<bool>(),
        weighted in prop_oneof![Just(None), Just(Some(true)), Just(Some(false))],
        keep in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if csv { "net.csv" } else { "net.txt" });
        std::fs::write(&path, &text).unwrap();
        let opts = LoadOptions {
            directed,
            weighted,
            keep_duplicates: keep,
            keep_self_loops: keep,
            ..LoadOptions::default()
        };
        match load_graph(&path, &opts) {
            Ok(l) => assert_consistent(&l.graph),
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.contains("net."), "{message}");
                assert_plain(&message);
            }
        }
    }

    /// A cached load gives the same graph as a text load, and so does the load after the cache
    /// was damaged: a damaged cache is never trusted, and never panics.
    #[test]
    fn damaged_caches_are_rebuilt_never_trusted(
        text in edge_text(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        std::fs::write(&path, &text).unwrap();
        let plain = LoadOptions { directed: true, ..LoadOptions::default() };
        let Ok(reference) = load_graph(&path, &plain) else { return Ok(()) };
        let cached = LoadOptions { cache: true, ..plain };
        load_graph(&path, &cached).unwrap();
        let cache = cache_path(&path);
        let Ok(mut bytes) = std::fs::read(&cache) else { return Ok(()) };
        let good = bytes.clone();
        for (at, xor) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= xor;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        std::fs::write(&cache, &bytes).unwrap();
        if let Ok(g) = read_cache(&cache) {
            prop_assert_eq!(&bytes, &good, "a changed cache was read");
            assert_consistent(&g);
        }
        let loaded = load_graph(&path, &cached).unwrap();
        prop_assert_eq!(edges(&loaded.graph), edges(&reference.graph));
        prop_assert_eq!(loaded.graph.labels(), reference.graph.labels());
        if bytes != good {
            prop_assert!(!loaded.report.from_cache);
        }
    }

    /// `--set key=value` with any value: accepted, or refused at the option in plain words.
    #[test]
    fn set_values_are_accepted_or_refused_at_the_option(
        name in prop::sample::select(builtin::BUILTINS.iter().map(|b| b.name).collect::<Vec<_>>()),
        key in prop::sample::select(vec![
            "seed", "replicates", "max_ticks", "cascade_cutoff", "regenerate_network", "name",
            "network", "network.kind", "network.nodes", "network.mean_degree", "network.k",
            "people.threshold", "people.threshold.mean", "people.threshold.distribution",
            "dynamics.rule", "dynamics.visibility", "dynamics.spontaneous", "leaders.count",
            "leaders.weight", "leaders.placement", "influence.follower", "influence.embrace",
            "momentum.critical_mass", "trust.floor", "initial", "initial.placement", "events",
            "output.snapshot_ticks", "sweep.parameters", "nosuchkey", "network.nodez",
        ]),
        value in prop_oneof![
            Just("0".to_string()), Just("-1".to_string()), Just("1.5".to_string()),
            Just("1e308".to_string()), Just("nan".to_string()), Just("inf".to_string()),
            Just("true".to_string()), Just("\"x\"".to_string()), Just("[]".to_string()),
            Just("[1, 2]".to_string()), Just("{}".to_string()), Just("{ a = 1 }".to_string()),
            Just("9223372036854775808".to_string()), Just("99999999999999999999".to_string()),
            Just("".to_string()), Just("=".to_string()),
            "[ -~]{0,12}",
        ],
    ) {
        let text = format!("{key}={value}");
        let o = match text.parse::<Override>() {
            Ok(o) => o,
            Err(e) => {
                prop_assert!(e.place.starts_with("--set"), "{e}");
                return Ok(());
            }
        };
        match Scenario::load_builtin(name, &[o]) {
            Ok(loaded) => {
                // Compared as text: a NaN (which reads back as NaN) is not equal to itself.
                let toml = loaded.scenario.to_toml();
                let again = Scenario::from_toml(&toml, "resolved", &[]);
                prop_assert_eq!(again.map(|s| s.to_toml()), Ok(toml));
            }
            Err(e) => {
                prop_assert!(
                    e.place.starts_with("--set") || e.place.starts_with("builtin:"),
                    "{e}"
                );
                prop_assert!(!e.message.is_empty());
                assert_plain(&e.message);
            }
        }
    }

    /// Built-in scenarios with lines dropped, doubled, swapped or given other values: accepted
    /// (and then round-tripping through `to_toml`), or refused at a `file:line:column`.
    #[test]
    fn mutated_scenarios_load_or_name_the_line(
        name in prop::sample::select(builtin::BUILTINS.iter().map(|b| b.name).collect::<Vec<_>>()),
        edits in proptest::collection::vec(
            (0u8..4, any::<prop::sample::Index>(), any::<prop::sample::Index>(), value()),
            1..4,
        ),
    ) {
        let mut lines: Vec<String> =
            builtin::text(name).unwrap().lines().map(str::to_string).collect();
        for (kind, a, b, v) in edits {
            if lines.is_empty() {
                break;
            }
            let i = a.index(lines.len());
            match kind {
                0 => {
                    lines.remove(i);
                }
                1 => lines.insert(i, lines[i].clone()),
                2 => {
                    let j = b.index(lines.len());
                    lines.swap(i, j);
                }
                _ => {
                    if let Some((k, _)) = lines[i].split_once('=') {
                        lines[i] = format!("{k}= {v}");
                    }
                }
            }
        }
        let text = lines.join("\n") + "\n";
        match Scenario::from_toml(&text, "m.toml", &[]) {
            Ok(s) => {
                let toml = s.to_toml();
                let again = Scenario::from_toml(&toml, "resolved", &[]);
                prop_assert_eq!(again.map(|s| s.to_toml()), Ok(toml));
            }
            Err(e) => {
                prop_assert!(e.place.starts_with("m.toml"), "{e}");
                assert_plain(&e.message);
            }
        }
    }
}

/// A value of any TOML type, in or out of the usual ranges.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        (-3i64..5000).prop_map(|v| v.to_string()),
        prop_oneof![
            Just(-1.0),
            Just(0.0),
            Just(0.5),
            Just(1.0),
            Just(2.5),
            Just(1e308)
        ]
        .prop_map(|v: f64| format!("{v:?}")),
        Just("true".to_string()),
        Just("\"x\"".to_string()),
        Just("\"threshold\"".to_string()),
        Just("[0, 1]".to_string()),
        Just("{ distribution = \"constant\", value = 2.0 }".to_string()),
        Just("9223372036854775807".to_string()),
    ]
}

/// Issue 12's reproducers of unclear messages, each with what the message must now say.
#[test]
fn the_reproducers_of_issue_12_have_clear_messages() {
    let cases: &[(&str, &[&str])] = &[
        (
            "replicates=\"x\"",
            &["--set replicates=\"x\"", "expected a whole number"],
        ),
        (
            "seed=\"9223372036854775808\"",
            &["--set seed", "whole number"],
        ),
        ("seed=9223372036854775808", &["too large", "2^63 - 1"]),
        ("network=3", &["`kind = ...` naming one of", "`complete`"]),
        ("network.nodes=1.5", &["network.nodes", "whole number"]),
        (
            "network.nodes=0",
            &["network.nodes", "no people", "give at least 1"],
        ),
        (
            "people.threshold=3",
            &["`distribution = ...` naming one of"],
        ),
        (
            "leaders.count=-2",
            &["leaders.count", "whole number", "found -2"],
        ),
    ];
    for (set, says) in cases {
        let e = Scenario::load_builtin("hillside", &[set.parse().unwrap()]).unwrap_err();
        let text = e.to_string();
        for part in *says {
            assert!(text.contains(part), "{set}: {text:?} lacks {part:?}");
        }
        assert_plain(&text);
    }
    let e = Scenario::from_toml("name = \"a\"\nname = \"b\"\n", "d.toml", &[]).unwrap_err();
    assert_eq!(e.place, "d.toml:2:1");
    assert!(e.message.contains("`name` is given twice"), "{e}");
}

/// Issue 12's cache reproducers are unit tests next to the format (graph::cache); this checks
/// the public promise on a file: a cache of another file's contents is never used.
#[test]
fn a_cache_copied_from_another_file_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, "1 2\n2 3\n").unwrap();
    std::fs::write(&b, "1 3\n3 2\n").unwrap();
    let opts = LoadOptions {
        cache: true,
        directed: true,
        ..LoadOptions::default()
    };
    load_graph(&a, &opts).unwrap();
    load_graph(&b, &opts).unwrap();
    // Same length; give b the cache of a and a's modification time.
    std::fs::copy(cache_path(&a), cache_path(&b)).unwrap();
    let mtime = std::fs::metadata(&a).unwrap().modified().unwrap();
    std::fs::File::options()
        .write(true)
        .open(&b)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let l = load_graph(&b, &opts).unwrap();
    assert!(!l.report.from_cache);
    assert!(labelled_edges(&l.graph).contains(&(1, 3)));
}

/// The edges of `g` by the file's own ids.
fn labelled_edges(g: &Graph) -> Vec<(u64, u64)> {
    let labels = g.labels().unwrap();
    edges(g)
        .into_iter()
        .map(|(s, t)| (labels[s as usize], labels[t as usize]))
        .collect()
}

/// A small deterministic crowd with leaving, written as a scenario: who sees whom (a complete
/// network or a ring), thresholds, weights of halves (sums of halves are exact in binary, so a
/// state that comes back comes back bit for bit), hysteresis and who starts.
fn small_crowd() -> impl Strategy<Value = String> {
    (
        2u32..=7,
        any::<bool>(),
        any::<bool>(),
        (1u32..=8, 1u32..=8),
        (1u32..=6, 1u32..=6, 0u32..=4),
        any::<bool>(),
        proptest::collection::vec(0u32..7, 1..4),
    )
        .prop_map(
            |(n, ring, fraction, (low, spread), (follower, leader, hysteresis), lead, starts)| {
                let network = if ring {
                    format!("kind = \"ring-lattice\"\nnodes = {}\nk = 2", n.max(3))
                } else {
                    format!("kind = \"complete\"\nnodes = {n}")
                };
                let (proof, scale) = if fraction {
                    ("fraction", 8.0)
                } else {
                    ("count", 2.0)
                };
                let low = f64::from(low) / scale;
                let high = low + f64::from(spread) / scale;
                let mut ids: Vec<u32> = starts.iter().map(|&i| i % n).collect();
                ids.sort_unstable();
                ids.dedup();
                let leaders = if lead && n > 2 {
                    ids.retain(|&i| i != 0);
                    format!("[leaders]\nplacement = \"ids\"\nids = [0]\nweight = {}\n", f64::from(leader) / 2.0)
                } else {
                    String::new()
                };
                let initial = if ids.is_empty() {
                    "placement = \"none\"".to_string()
                } else {
                    format!("placement = \"ids\"\nids = {ids:?}")
                };
                format!(
                    "name = \"small\"\nseed = 3\nreplicates = 1\nmax_ticks = 1000000\n\
                     [network]\n{network}\n\
                     [people]\nthreshold = {{ distribution = \"uniform\", low = {low}, high = {high} }}\n\
                     [dynamics]\nrule = \"threshold\"\nsocial_proof = \"{proof}\"\n\
                     {leaders}\
                     [influence]\nfollower = {}\n\
                     [leaving]\nhysteresis = {}\n\
                     [initial]\n{initial}\n",
                    f64::from(follower) / 2.0,
                    f64::from(hysteresis) / 4.0,
                )
            },
        )
}

proptest! {
    #![proptest_config(config(64))]

    /// Deterministic crowds with leaving end: at a fixed point, or at the tick their state
    /// repeats, never at `max_ticks`. The networks are symmetric (everyone who sees someone is
    /// seen by them, with the same weight, and everyone has as many contacts), the leader a
    /// fixed input, and hysteresis a tie to one's own state: Goles' theorem allows no period
    /// but 1 or 2 for such synchronous threshold networks. (Before every decision of a tick was
    /// made on the previous tick's state, waves of period 7 went round rings of 7.)
    #[test]
    fn small_deterministic_crowds_with_leaving_end_or_cycle(text in small_crowd()) {
        let experiment = followership::experiment::Experiment::from_toml(&text)
            .unwrap_or_else(|e| panic!("{text}\n{e}"));
        let o = experiment
            .replicate(0, followership::simulation::Recording::default())
            .unwrap()
            .record
            .outcome;
        prop_assert!(o.ticks < 1_000, "{text}\n{o:?}");
        if let Some(c) = o.cycle {
            prop_assert!(c.period <= 2, "{text}\n{o:?}");
            prop_assert_eq!(o.ticks, c.from_tick + c.period);
            prop_assert!(c.low_fraction <= o.final_fraction && o.final_fraction <= c.high_fraction);
        }
    }
}
