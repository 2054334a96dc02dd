//! Exact and statistical checks of the decision rules on small hand-made networks.

use super::*;
use crate::graph::GraphBuilder;
use crate::model::{Dynamics, EdgeProbability, Rule, SocialProof, Update};
use crate::random::{Purpose, stream};

fn complete(n: u32) -> Graph {
    let mut b = GraphBuilder::new(n as usize, false);
    for i in 0..n {
        for j in i + 1..n {
            b.add_edge(i, j);
        }
    }
    b.build().0
}

fn ring(n: u32, k: u32) -> Graph {
    let mut b = GraphBuilder::new(n as usize, false);
    for i in 0..n {
        for d in 1..=k / 2 {
            b.add_edge(i, (i + d) % n);
        }
    }
    b.build().0
}

fn directed(n: usize, edges: &[(u32, u32)]) -> Graph {
    let mut b = GraphBuilder::new(n, true);
    for &(s, t) in edges {
        b.add_edge(s, t);
    }
    b.build().0
}

fn run_once(
    graph: &Graph,
    dynamics: &Dynamics,
    thresholds: &[f64],
    initial: &[u32],
    seed: u64,
) -> RunRecord {
    let prep = Prepared::new(graph, dynamics, 10_000, 0.5);
    let mut rng = stream(seed, 0, 0, Purpose::Dynamics);
    simulate(
        &prep,
        thresholds,
        initial,
        &mut rng,
        Recording {
            timeseries: true,
            changes: true,
            trust_stride: None,
        },
    )
}

fn granovetter() -> Dynamics {
    Dynamics {
        visibility: 1.0,
        social_proof: SocialProof::Count,
        ..Dynamics::default()
    }
}

#[test]
fn granovetter_riot_everyone_joins_with_thresholds_zero_to_ninety_nine() {
    let g = complete(100);
    let thresholds: Vec<f64> = (0..100).map(f64::from).collect();
    let r = run_once(&g, &granovetter(), &thresholds, &[], 1);
    let o = r.outcome;
    assert_eq!(o.final_following, 100);
    // One person joins per tick: the domino effect.
    assert_eq!(o.ticks, 100);
    assert!(r.timeseries[1..].iter().all(|t| t.joined == 1));
    // So half of the final crowd dances at tick 50 and 90% at tick 90.
    assert_eq!((o.final_50_tick, o.final_90_tick), (Some(50), Some(90)));
}

#[test]
fn a_run_nobody_follows_has_no_time_to_half_its_final_size() {
    let g = complete(10);
    let o = run_once(&g, &granovetter(), &[5.0; 10], &[], 1).outcome;
    assert_eq!(o.final_following, 0);
    assert_eq!((o.final_50_tick, o.final_90_tick), (None, None));
    // One initial follower who stays: all of the final crowd at tick 0.
    let o = run_once(&g, &granovetter(), &[5.0; 10], &[3], 1).outcome;
    assert_eq!((o.final_50_tick, o.final_90_tick), (Some(0), Some(0)));
}

#[test]
fn granovetter_riot_stops_at_one_when_threshold_one_becomes_two() {
    let g = complete(100);
    let mut thresholds: Vec<f64> = (0..100).map(f64::from).collect();
    thresholds[1] = 2.0;
    let o = run_once(&g, &granovetter(), &thresholds, &[], 1).outcome;
    assert_eq!(o.final_following, 1);
    assert_eq!(o.ticks, 1);
}

#[test]
fn complex_contagion_spreads_around_a_ring_from_a_node_and_its_neighbours() {
    let g = ring(60, 6);
    let d = Dynamics {
        social_proof: SocialProof::Count,
        ..Dynamics::default()
    };
    let o = run_once(&g, &d, &[2.0; 60], &[0, 1, 2], 1).outcome;
    assert_eq!(o.final_following, 60);
    // A single seed never has two dancing contacts to offer.
    let o = run_once(&g, &d, &[2.0; 60], &[0], 1).outcome;
    assert_eq!(o.final_following, 1);
}

#[test]
fn fraction_threshold_cascade_follows_the_hand_computed_path() {
    // 0 -> 1, 0 -> 2, 1 -> 2, 2 -> 3, 1 -> 3, 4 -> 3.
    let g = directed(5, &[(0, 1), (0, 2), (1, 2), (2, 3), (1, 3), (4, 3)]);
    // Person 3 watches 1, 2 and 4: with 1 and 2 dancing its proof is 2/3.
    let d = Dynamics::default();
    let r = run_once(&g, &d, &[1.0, 1.0, 1.0, 0.66, 1.0], &[0], 1);
    let joins: Vec<(u32, u32)> = r.changes.iter().map(|j| (j.tick, j.person)).collect();
    assert_eq!(joins, vec![(0, 0), (1, 1), (2, 2), (3, 3)]);
    // At 0.67 the share 2/3 = 0.666... is short of the threshold.
    let r = run_once(&g, &d, &[1.0, 1.0, 1.0, 0.67, 1.0], &[0], 1);
    assert_eq!(r.outcome.final_following, 3);
}

#[test]
fn linear_threshold_with_weights_sums_normalised_in_weights() {
    // Person 2 watches 0 (weight 3) and 1 (weight 1): 0 alone gives 3/4.
    let mut b = GraphBuilder::new(3, true);
    b.add_weighted_edge(0, 2, 3.0);
    b.add_weighted_edge(1, 2, 1.0);
    let g = b.build().0;
    let d = Dynamics::default();
    assert_eq!(
        run_once(&g, &d, &[1.0, 1.0, 0.75], &[0], 1)
            .outcome
            .final_following,
        2
    );
    assert_eq!(
        run_once(&g, &d, &[1.0, 1.0, 0.76], &[0], 1)
            .outcome
            .final_following,
        1
    );
    assert_eq!(
        run_once(&g, &d, &[1.0, 1.0, 0.76], &[1], 1)
            .outcome
            .final_following,
        1
    );
    assert_eq!(
        run_once(&g, &d, &[1.0, 1.0, 0.25], &[1], 1)
            .outcome
            .final_following,
        2
    );
}

fn cascade(p: EdgeProbability) -> Dynamics {
    Dynamics {
        rule: Rule::Cascade { probability: p },
        ..Dynamics::default()
    }
}

#[test]
fn independent_cascade_with_certain_edges_reaches_exactly_the_reachable_set() {
    let g = directed(6, &[(0, 1), (1, 2), (2, 0), (3, 4), (2, 5)]);
    let r = run_once(
        &g,
        &cascade(EdgeProbability::Uniform(1.0)),
        &[0.0; 6],
        &[0],
        1,
    );
    let joins: Vec<(u32, u32)> = r.changes.iter().map(|j| (j.tick, j.person)).collect();
    assert_eq!(joins, vec![(0, 0), (1, 1), (2, 2), (3, 5)]);
    let r = run_once(
        &g,
        &cascade(EdgeProbability::Uniform(0.0)),
        &[0.0; 6],
        &[0],
        1,
    );
    assert_eq!(r.outcome.final_following, 1);
    // In-degree probabilities: 4 has in-degree 1, so 3 always recruits it.
    let r = run_once(
        &g,
        &cascade(EdgeProbability::InverseInDegree),
        &[0.0; 6],
        &[3],
        1,
    );
    assert_eq!(r.outcome.final_following, 2);
}

#[test]
fn independent_cascade_recruits_each_leaf_of_a_star_with_probability_p() {
    let leaves = 200u32;
    let edges: Vec<(u32, u32)> = (1..=leaves).map(|v| (0, v)).collect();
    let g = directed(leaves as usize + 1, &edges);
    let prep = Prepared::new(&g, &cascade(EdgeProbability::Uniform(0.3)), 100, 0.5);
    let runs = 2000;
    let mut total = 0u64;
    for r in 0..runs {
        let mut rng = stream(5, 0, r, Purpose::Dynamics);
        total += u64::from(
            simulate(&prep, &[0.0; 201], &[0], &mut rng, Recording::default())
                .outcome
                .final_following
                - 1,
        );
    }
    let mean = total as f64 / runs as f64;
    // Binomial(200, 0.3): mean 60, sd 6.5; over 2000 runs the standard error is 0.145.
    assert!((mean - 60.0).abs() < 0.75, "mean recruits {mean}");
}

#[test]
fn asynchronous_updates_reach_the_same_final_set_as_synchronous_ones() {
    let g = ring(200, 4);
    let mut rng = stream(9, 0, 0, Purpose::People);
    let thresholds: Vec<f64> = (0..200).map(|_| unit_f64(&mut rng) * 0.6).collect();
    let sync = run_once(&g, &Dynamics::default(), &thresholds, &[0, 100], 3);
    let d = Dynamics {
        update: Update::Asynchronous,
        ..Dynamics::default()
    };
    let asyn = run_once(&g, &d, &thresholds, &[0, 100], 3);
    let set = |r: &RunRecord| {
        let mut v: Vec<u32> = r.changes.iter().map(|j| j.person).collect();
        v.sort_unstable();
        v
    };
    assert_eq!(set(&sync), set(&asyn));
    // Asynchronous runs can only be as slow or faster: joins cascade within a tick.
    assert!(asyn.outcome.ticks <= sync.outcome.ticks);
}

#[test]
fn spontaneous_courage_alone_gives_the_geometric_adoption_curve() {
    // With no social proof at all (thresholds above 1), each watcher joins at rate s per tick:
    // after t ticks the expected fraction is 1 - (1 - s)^t.
    let g = ring(1000, 2);
    let d = Dynamics {
        spontaneous: 0.05,
        ..Dynamics::default()
    };
    let prep = Prepared::new(&g, &d, 10, 1.0);
    let mut total = 0.0;
    let runs = 100;
    for r in 0..runs {
        let mut rng = stream(2, 0, r, Purpose::Dynamics);
        total += simulate(&prep, &[2.0; 1000], &[], &mut rng, Recording::default())
            .outcome
            .final_fraction;
    }
    let expected = 1.0 - 0.95f64.powi(10);
    // sd of one run's fraction ~ sqrt(0.4 * 0.6 / 1000) = 0.015; standard error over 100 runs 0.0015.
    assert!(
        (total / runs as f64 - expected).abs() < 0.006,
        "{}",
        total / runs as f64
    );
}

#[test]
fn bass_hazard_on_a_complete_crowd_follows_the_difference_equation() {
    // Synchronous Bass: F(t+1) = F + (1 - F)(p + q F), p = 0.01, q = 0.4.
    let n = 2000u32;
    let g = GraphBuilder::new(n as usize, false).build().0; // visibility 1 needs no edges
    let d = Dynamics {
        rule: Rule::Hazard { imitation: 0.4 },
        visibility: 1.0,
        spontaneous: 0.01,
        ..Dynamics::default()
    };
    let prep = Prepared::new(&g, &d, 15, 0.5);
    let runs = 50;
    let mut mean = [0.0; 16];
    for r in 0..runs {
        let mut rng = stream(4, 0, r, Purpose::Dynamics);
        let rec = simulate(
            &prep,
            &vec![0.0; n as usize],
            &[],
            &mut rng,
            Recording {
                timeseries: true,
                ..Recording::default()
            },
        );
        for t in &rec.timeseries {
            mean[t.tick as usize] += f64::from(t.following) / f64::from(n) / runs as f64;
        }
    }
    let mut f = 0.0;
    for (t, m) in mean.iter().enumerate().skip(1) {
        f += (1.0 - f) * (0.01 + 0.4 * f);
        // Early ticks have small binomial noise; the mean-field recursion differs from the
        // stochastic mean by a few per cent around the inflection point.
        assert!(
            (m - f).abs() < 0.03 + 0.05 * f,
            "tick {t}: simulated {m}, Bass {f}"
        );
    }
}

#[test]
fn same_stream_gives_the_same_run_and_another_stream_a_different_one() {
    let g = ring(500, 4);
    let d = Dynamics {
        spontaneous: 0.01,
        ..Dynamics::default()
    };
    let thresholds = vec![0.5; 500];
    let a = run_once(&g, &d, &thresholds, &[0], 1).changes;
    let b = run_once(&g, &d, &thresholds, &[0], 1).changes;
    let c = run_once(&g, &d, &thresholds, &[0], 2).changes;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn frontiers_of_every_size_come_out_in_id_order() {
    let mut rng = stream(12, 0, 0, Purpose::Dynamics);
    for (len, n) in [(10usize, 1000usize), (300, 100_000), (5000, 20_000)] {
        let mut ids = crate::model::initial::sample_distinct(n, len, &mut rng);
        let mut expected = ids.clone();
        expected.sort_unstable();
        sort_ids(&mut ids);
        assert_eq!(ids, expected, "len {len}, n {n}");
    }
}

#[test]
fn a_sample_stride_never_shows_more_than_asked() {
    assert_eq!(sample_stride(3000, 5000).get(), 1);
    assert_eq!(sample_stride(0, 5000).get(), 1);
    assert_eq!(sample_stride(10, 0).get(), 10);
    for (n, max) in [
        (12_000, 5000),
        (1_200_000, 5000),
        (5001, 5000),
        (5000, 5000),
    ] {
        let stride = sample_stride(n, max).get() as usize;
        assert!(n.div_ceil(stride) <= max, "{n} people, at most {max}");
        assert!(
            stride == 1 || n.div_ceil(stride - 1) > max,
            "the smallest stride"
        );
    }
}

#[test]
fn pulling_and_pushing_play_the_same_cascade() {
    use crate::graph::generators;
    let graphs = [
        (
            "undirected BA",
            generators::barabasi_albert(4000, 4, &mut stream(3, 0, 0, Purpose::Network)).unwrap(),
        ),
        (
            "directed ER",
            generators::erdos_renyi_gnp(
                3000,
                8.0 / 3000.0,
                true,
                &mut stream(4, 0, 0, Purpose::Network),
            )
            .unwrap(),
        ),
    ];
    for (name, graph) in &graphs {
        let n = graph.node_count();
        for social_proof in [SocialProof::Fraction, SocialProof::Count] {
            let dynamics = Dynamics {
                social_proof,
                ..Dynamics::default()
            };
            // Spread out, with one person in ten who never joins: a partial cascade.
            let thresholds: Vec<f64> = (0..n)
                .map(|v| match (v % 10, social_proof) {
                    (0, _) => 1e9,
                    (_, SocialProof::Fraction) => 0.05 + 0.3 * ((v * 7919) % 100) as f64 / 100.0,
                    (_, SocialProof::Count) => 1.0 + ((v * 7919) % 3) as f64,
                })
                .collect();
            let seeds: Vec<u32> = (0..n as u32).step_by(97).collect();
            let record = |pull| {
                let prep = Prepared::new(graph, &dynamics, 10_000, 0.5).with_pull(pull);
                let mut rng = stream(1, 0, 0, Purpose::Dynamics);
                let recording = Recording {
                    timeseries: true,
                    changes: true,
                    trust_stride: None,
                };
                simulate(&prep, &thresholds, &seeds, &mut rng, recording)
            };
            let pushed = record(Pull::Never);
            let pulled = record(Pull::Always);
            let what = format!("{name}, {social_proof:?}");
            let reached = pushed.outcome.final_fraction;
            assert!(
                reached > 0.2 && reached < 1.0,
                "{what}: a partial cascade, {reached}"
            );
            assert_eq!(pushed.outcome, pulled.outcome, "{what}");
            assert_eq!(pushed.timeseries, pulled.timeseries, "{what}");
            assert_eq!(pushed.changes, pulled.changes, "{what}");
        }
    }
}

/// Three people who all see each other: a leader who never sits down, and two whose thresholds
/// the leader alone does not meet but the leader and one dancer do. The one dancing sees only
/// the leader and leaves; the one watching sees both and joins: they take turns for ever.
const TAKING_TURNS: &str = r#"
name = "taking-turns"
seed = 1
replicates = 3
max_ticks = 10000000
[network]
kind = "complete"
nodes = 3
[people]
threshold = { distribution = "constant", value = 2.0 }
[dynamics]
rule = "threshold"
social_proof = "count"
[leaders]
placement = "ids"
ids = [0]
weight = 1.0
[influence]
follower = 1e9
[leaving]
hysteresis = 0.5
[initial]
placement = "ids"
ids = [1]
"#;

#[test]
fn people_taking_turns_for_ever_end_in_a_cycle_of_period_2() {
    use crate::experiment::Experiment;
    let experiment = Experiment::from_toml(TAKING_TURNS).unwrap();
    let run = experiment.replicate(0, Recording::everything()).unwrap();
    let o = run.record.outcome;
    let cycle = o.cycle.expect("a cycle");
    assert_eq!(cycle.period, 2);
    assert_eq!(
        o.ticks,
        cycle.from_tick + 2,
        "ended where the state came back"
    );
    assert!(
        o.ticks < 20,
        "found within a few ticks, not at max_ticks: {o:?}"
    );
    assert_eq!((cycle.low_fraction, cycle.high_fraction), (0.5, 0.5));
    assert_eq!(o.final_fraction, 0.5);
    // The two take turns: each tick of the cycle one leaves and the other joins.
    let last = &run.record.timeseries[run.record.timeseries.len() - 2..];
    assert!(
        last.iter().all(|t| t.joined == 1 && t.left == 1),
        "{last:?}"
    );
    // A stepper stops at the same tick with the same outcome.
    let graph = experiment.network(0).unwrap();
    let runner = experiment.runner(&graph).unwrap();
    let mut stepper = runner.simulation(0, Recording::default());
    while stepper.step().is_some() {}
    assert!(stepper.is_over());
    assert_eq!(stepper.finish().outcome, o);
}

#[test]
fn a_cycle_is_not_ended_while_chance_or_a_scheduled_event_can_still_break_it() {
    use crate::experiment::Experiment;
    // Joining on a whim draws at every tick: the same people may take turns, but the run is
    // stochastic and is left alone (it runs on to max_ticks).
    let whims = Experiment::from_toml(TAKING_TURNS)
        .unwrap()
        .set("max_ticks", 300)
        .unwrap()
        .set("dynamics.spontaneous", 1e-300)
        .unwrap();
    let o = whims
        .replicate(0, Recording::default())
        .unwrap()
        .record
        .outcome;
    assert_eq!((o.cycle, o.ticks), (None, 300));
    // A scripted leader event at tick 200 may change trust and so the cycle: no cycle is
    // ended before it; after it, the cycle is found.
    let text =
        format!("{TAKING_TURNS}\n[trust]\n[[events]]\ntick = 200\nkind = \"kept-promise\"\n");
    let scripted = Experiment::from_toml(&text).unwrap();
    let o = scripted
        .replicate(0, Recording::default())
        .unwrap()
        .record
        .outcome;
    let cycle = o.cycle.expect("a cycle after the last event");
    assert!(cycle.from_tick >= 200, "{o:?}");
}
