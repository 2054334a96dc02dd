//! Tests of the replay: sampling, ties, changes, the curve, trust frames, and real runs.

use followership::experiment::Experiment;
use followership::graph::{Graph, GraphBuilder};
use followership::simulation::{Change, Recording, RunRecord, TickRecord, TrustSnapshot};

use super::*;

fn path(n: u32) -> Graph {
    let mut b = GraphBuilder::new(n as usize, false);
    for i in 1..n {
        b.add_edge(i - 1, i);
    }
    b.build().0
}

fn tick(tick: u32, following: u32) -> TickRecord {
    TickRecord {
        tick,
        following,
        joined: 0,
        left: 0,
        leaders_dancing: 1,
        mean_trust: 1.0,
        mean_trust_followers: None,
    }
}

fn change(tick: u32, person: u32, joined: bool) -> Change {
    Change {
        tick,
        person,
        joined,
    }
}

/// A leader (person 0) and two followers on a path of five.
fn small_run() -> RunRecord {
    RunRecord {
        leaders: vec![0],
        changes: vec![
            change(0, 0, true),
            change(2, 1, true),
            change(3, 2, true),
            change(5, 2, false),
        ],
        timeseries: vec![tick(0, 0), tick(1, 0), tick(2, 1), tick(3, 2), tick(5, 1)],
        first_follower: Some(1),
        second_follower: Some(2),
        ..RunRecord::default()
    }
}

#[test]
fn a_small_network_is_shown_whole() {
    let graph = path(5);
    let r = Replay::new(&small_run(), &graph, None, &ReplayOptions::default());
    assert_eq!(
        (r.nodes, r.crowd, r.stride, r.sampled, r.shown),
        (5, 4, 1, 5, 5)
    );
    assert!(r.extra_ids.is_empty() && r.notes.is_empty() && r.note.is_none());
    assert_eq!(r.positions.len(), 10);
    assert_eq!(r.layout, "force");
    assert_eq!(r.edges, vec![0, 1, 1, 2, 2, 3, 3, 4]);
    assert_eq!(r.edges_among_shown, 4);
    assert_eq!(r.leaders, vec![0]);
    assert_eq!((r.first_follower, r.second_follower), (Some(1), Some(2)));
    assert_eq!(r.changes.person, vec![0, 1, 2, 2]);
    assert_eq!(r.changes.joined, vec![1, 1, 1, 0]);
    assert_eq!(r.last_tick, 5);
    // Tick 4 is missing from the time series: it carries tick 3's value.
    assert_eq!(r.curve, vec![0.0, 0.0, 0.25, 0.5, 0.5, 0.25]);
    assert_eq!(r.mean_trust, None);
    assert_eq!(r.trust, None);
    assert_eq!(r.dense_id(4), Some(4));
    assert_eq!(r.dense_id(5), None);
}

#[test]
fn a_large_network_is_sampled_with_the_leader_added() {
    let graph = path(12_001);
    let mut record = small_run();
    record.leaders = vec![7];
    record.changes = vec![change(0, 7, true), change(4, 4, true), change(4, 6, true)];
    let options = ReplayOptions {
        max_people: 5_000,
        ..ReplayOptions::default()
    };
    let r = Replay::new(&record, &graph, None, &options);
    assert_eq!(stride(12_001, 5_000).get(), 3);
    assert_eq!((r.stride, r.sampled), (3, 4_001));
    assert_eq!(r.extra_ids, vec![7]);
    assert_eq!(r.shown, 4_002);
    assert_eq!(r.leaders, vec![4_001]);
    assert_eq!(r.dense_id(4_001), Some(7));
    assert_eq!(r.dense_id(2), Some(6));
    // Person 4 is not shown; person 6 is index 2.
    assert_eq!(r.changes.person, vec![4_001, 2]);
    assert_eq!(
        r.note.as_deref(),
        Some("showing 4,002 of 12,001 people (every 3rd person, and the leaders)")
    );
    // No two sampled people are next to each other on the path; the only tie shown is the
    // leader's (7) with person 6.
    assert_eq!(r.edges, vec![2, 4_001]);
    assert_eq!(r.positions.len(), 2 * 4_002);
    assert!(r.positions.iter().all(|c| (0.0..=1.0).contains(c)));
}

#[test]
fn ties_are_capped_evenly_and_positions_of_the_network_are_used() {
    let n = 200;
    let mut b = GraphBuilder::new(n, false);
    for i in 0..n as u32 {
        for j in i + 1..n as u32 {
            b.add_edge(i, j);
        }
    }
    let positions: Vec<[f32; 2]> = (0..n).map(|i| [i as f32 / n as f32, 0.5]).collect();
    let graph = b.positions(positions).build().0;
    let options = ReplayOptions {
        max_edges: 100,
        ..ReplayOptions::default()
    };
    let r = Replay::new(&RunRecord::default(), &graph, None, &options);
    assert_eq!(r.edges_among_shown, 19_900);
    assert_eq!(r.edges.len(), 200);
    // An even selection reaches the last people too, not only the first one's ties.
    assert!(r.edges.iter().any(|&p| p > 150));
    assert_eq!(r.layout, "network");
    assert_eq!(&r.positions[..4], &[0.0, 0.5, 0.005, 0.5]);
    assert_eq!(
        r.notes,
        vec!["drawing 100 of the 19,900 ties between the people shown"]
    );
    // Nothing recorded: one tick, nobody following.
    assert_eq!((r.last_tick, r.curve.clone()), (0, vec![0.0]));
}

#[test]
fn the_curve_is_counted_from_changes_without_a_time_series() {
    let mut record = small_run();
    record.timeseries.clear();
    let r = Replay::new(&record, &path(5), None, &ReplayOptions::default());
    assert_eq!(r.curve, vec![0.0, 0.0, 0.25, 0.5, 0.5, 0.25]);
}

#[test]
fn trust_is_quantised_deduplicated_and_thinned() {
    let mut record = small_run();
    record.timeseries[3].mean_trust = 0.5;
    let frame = |tick, t: f32| TrustSnapshot {
        tick,
        trust: vec![t; 5],
    };
    record.trust_snapshots = vec![
        frame(0, 1.0),
        frame(1, 1.0),
        frame(2, 0.5),
        frame(3, 0.25),
        frame(4, f32::NAN),
        frame(5, 0.0),
    ];
    let options = ReplayOptions {
        max_trust_frames: 3,
        ..ReplayOptions::default()
    };
    let r = Replay::new(&record, &path(5), Some(0.1), &options);
    let trust = r.trust.expect("trust frames");
    // Tick 1 repeats tick 0, and tick 5 repeats tick 4 (a NaN counts as no trust). Four
    // distinct frames (ticks 0, 2, 3, 4) are thinned to three, the first and the last kept.
    assert_eq!(trust.tick, vec![0, 2, 4]);
    assert_eq!(trust.values[0], vec![255; 5]);
    assert_eq!(trust.values[1], vec![128; 5]);
    assert_eq!(trust.values[2], vec![0; 5]);
    assert_eq!(r.critical_mass, Some(0.1));
    assert_eq!(
        r.mean_trust,
        Some(vec![1.0, 1.0, 1.0, 0.5, 0.5, 1.0]),
        "mean trust per tick, gaps carried forward"
    );
}

#[test]
fn trust_of_another_sample_is_left_out_with_a_note() {
    let mut record = small_run();
    record.trust_snapshots = vec![TrustSnapshot {
        tick: 0,
        trust: vec![1.0; 3],
    }];
    let r = Replay::new(&record, &path(5), None, &ReplayOptions::default());
    assert_eq!(r.trust, None);
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0].contains("different sample"));
}

#[test]
fn an_empty_network_gives_an_empty_replay() {
    let graph = GraphBuilder::new(0, false).build().0;
    let r = Replay::new(
        &RunRecord::default(),
        &graph,
        None,
        &ReplayOptions::default(),
    );
    assert_eq!((r.shown, r.crowd, r.curve.clone()), (0, 0, vec![0.0]));
    assert!(r.positions.is_empty());
}

#[test]
fn numbers_are_written_for_people() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_200_000), "1,200,000");
    assert_eq!(ordinal(2), "2nd");
    assert_eq!(ordinal(11), "11th");
    assert_eq!(ordinal(21), "21st");
    assert_eq!(ordinal(240), "240th");
    assert_eq!(ordinal(1_003), "1,003rd");
}

#[test]
fn a_hillside_run_replays_with_its_own_positions() {
    let experiment = Experiment::builtin("hillside").expect("builtin");
    let options = ReplayOptions::default();
    let recording =
        Recording::everything().with_trust_stride(Some(stride(3000, options.max_people)));
    let run = experiment.replicate(0, recording).expect("run");
    let r = Replay::new(&run.record, &run.graph, Some(0.1), &options);
    assert_eq!((r.shown, r.layout.as_str()), (3000, "network"));
    assert_eq!(r.critical_mass, Some(0.1));
    assert_eq!(r.leaders.len(), 1);
    assert_eq!(r.curve.len(), r.last_tick as usize + 1);
    assert!(r.changes.tick.windows(2).all(|w| w[0] <= w[1]));
    assert!(r.trust.is_none(), "the hillside has no [trust]");
    let json = serde_json::to_string(&r).expect("serialises");
    let back: Replay = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, r);
}

#[test]
fn a_sampled_run_with_trust_lines_up_with_the_engine() {
    // Broken promise on a smaller hillside, shown as a sample of every 2nd person.
    let experiment = Experiment::builtin("broken-promise")
        .and_then(|e| e.set("network.nodes", 800)?.set("max_ticks", 700))
        .expect("builtin");
    let options = ReplayOptions {
        max_people: 400,
        ..ReplayOptions::default()
    };
    let s = stride(800, options.max_people);
    let run = experiment
        .replicate(0, Recording::everything().with_trust_stride(Some(s)))
        .expect("run");
    let r = Replay::new(&run.record, &run.graph, None, &options);
    assert_eq!((r.stride, r.sampled), (2, 400));
    let trust = r.trust.expect("broken-promise records trust");
    assert_eq!(trust.tick[0], 0);
    assert!(trust.values.iter().all(|v| v.len() == 400));
    assert!(r.mean_trust.is_some());
    assert!(r.note.expect("sampled").starts_with("showing 40"));
}

#[test]
fn trust_rows_travel_as_base64() {
    for bytes in [
        &b""[..],
        b"f",
        b"fo",
        b"foo",
        b"foob",
        b"fooba",
        b"foobar",
        &[0, 255, 128, 7],
    ] {
        let text = base64_rows::encode(bytes);
        assert_eq!(base64_rows::decode(&text).as_deref(), Some(bytes), "{text}");
    }
    assert_eq!(base64_rows::encode(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64_rows::encode(b"fo"), "Zm8=");
    assert_eq!(base64_rows::decode("Z"), None);
    assert_eq!(base64_rows::decode("Zm9*"), None);
    let frames = TrustFrames {
        tick: vec![0, 5],
        values: vec![vec![255, 0, 64], vec![1, 2, 3]],
    };
    let json = serde_json::to_string(&frames).expect("json");
    assert_eq!(json, r#"{"tick":[0,5],"values":["/wBA","AQID"]}"#);
    assert_eq!(
        serde_json::from_str::<TrustFrames>(&json).expect("back"),
        frames
    );
}

#[test]
fn chapters_are_the_key_moments_in_order_and_the_run_settles_after_the_last() {
    use followership::model::movement::LeaderEventKind;
    use followership::simulation::TrustEvent;
    let mut record = small_run();
    let o = &mut record.outcome;
    o.first_follower_tick = Some(2);
    o.second_follower_tick = Some(3);
    o.critical_mass_tick = Some(3);
    o.leader_quit_tick = Some(40);
    record.trust_events = vec![TrustEvent {
        tick: 20,
        kind: LeaderEventKind::FailureDenied,
        observers: 3,
        mean_trust_before: 0.9,
        mean_trust_after: 0.6,
    }];
    // The share rises to a half by tick 10, then stays within a point of its end.
    let curve: Vec<f32> = (0..=100)
        .map(|t| {
            if t < 10 {
                t as f32 / 20.0
            } else {
                0.5 + (t % 2) as f32 * 0.005
            }
        })
        .collect();
    let (found, settled) = super::chapters(&record, &curve);
    let kinds: Vec<(&str, u32)> = found.iter().map(|c| (c.kind.as_str(), c.tick)).collect();
    assert_eq!(
        kinds,
        [
            ("first-follower", 2),
            ("second-follower", 3),
            ("critical-mass", 3),
            ("event", 20),
            ("leader-quit", 40),
            ("settled", 40),
        ]
    );
    assert_eq!(settled, 40, "nothing changes after the leader quits");
    assert_eq!(found[3].label, "Denied failure");
    assert_eq!(
        found[3].caption,
        "Tick 20: the leader failed and denied it."
    );

    // A run that changes until its last tick never settles early: no settled chapter.
    let rising: Vec<f32> = (0..=50).map(|t| t as f32 / 50.0).collect();
    let (found, settled) = super::chapters(&RunRecord::default(), &rising);
    assert!(found.is_empty());
    assert_eq!(settled, 50);
}

#[test]
fn an_organisation_replays_with_the_block_of_everyone_shown() {
    let experiment = Experiment::builtin("middle-out").expect("builtin");
    let run = experiment
        .replicate(0, Recording::everything())
        .expect("run");
    let r = Replay::new(&run.record, &run.graph, None, &ReplayOptions::default());
    let blocks = r.blocks.as_ref().expect("a block model has blocks");
    assert_eq!(blocks.len(), r.shown as usize);
    // Ten executives, ninety managers and nine hundred on the front line, in id order.
    let count = |b: u32| blocks.iter().filter(|&&x| x == b).count();
    assert_eq!((count(0), count(1), count(2)), (10, 90, 900));
    assert!(
        Replay::new(&small_run(), &path(5), None, &ReplayOptions::default())
            .blocks
            .is_none(),
        "a network without blocks has none"
    );
}
