//! Tests of seeding: brute-force optima against IMM and CELF, RR-set estimates against
//! Monte-Carlo spread, determinism across thread counts, and heuristics on obvious graphs.

use super::*;
use crate::experiment::Experiment;
use crate::graph::GraphBuilder;
use crate::graph::generators::barabasi_albert;
use crate::random::{Purpose, splitmix64, stream};

/// A directed graph of 10 people and 16 edges, drawn from a fixed hash sequence.
fn small_graph() -> Graph {
    let n = 10u32;
    let mut b = GraphBuilder::new(n as usize, true);
    let mut edges = std::collections::BTreeSet::new();
    let mut h = 42u64;
    while edges.len() < 16 {
        h = splitmix64(h);
        let (s, t) = ((h % u64::from(n)) as u32, ((h >> 32) % u64::from(n)) as u32);
        if s != t {
            edges.insert((s, t));
        }
    }
    for (s, t) in edges {
        b.add_edge(s, t);
    }
    b.build().0
}

fn scenario(dynamics: &str) -> Scenario {
    let text = format!(
        "name = \"t\"\nseed = 5\n[network]\nkind = \"complete\"\nnodes = 10\n{dynamics}\n[initial]\nplacement = \"none\"\n"
    );
    Scenario::from_toml(&text, "t.toml", &[]).unwrap()
}

const IC: &str = "[dynamics]\nrule = \"cascade\"\nprobability = 0.3";
const LT: &str = "[people]\nthreshold = { distribution = \"uniform\", low = 0.0, high = 1.0 }\n[dynamics]\nrule = \"threshold\"";

/// Bitmask of who ends up following from `seeds` in the live-edge world `live` (edge list).
fn reach(live: &[(u32, u32)], seeds: u32) -> u32 {
    let mut on = seeds;
    loop {
        let mut next = on;
        for &(s, t) in live {
            if on >> s & 1 == 1 {
                next |= 1 << t;
            }
        }
        if next == on {
            return on;
        }
        on = next;
    }
}

/// Exact expected spread of every pair of seeds, by enumerating live-edge worlds: independent
/// edges with probability `p` (cascade) or one in-edge per person chosen uniformly (linear
/// threshold).
fn exact_pairs(g: &Graph, model: Diffusion) -> Vec<((u32, u32), f64)> {
    let n = g.node_count();
    let edges: Vec<(u32, u32)> = (0..n as u32)
        .flat_map(|s| g.out_neighbors(s).iter().map(move |&t| (s, t)))
        .collect();
    let pairs: Vec<(u32, u32)> = (0..n as u32)
        .flat_map(|a| (a + 1..n as u32).map(move |b| (a, b)))
        .collect();
    let mut total = vec![0.0; pairs.len()];
    let mut add_world = |live: &[(u32, u32)], prob: f64| {
        for (i, &(a, b)) in pairs.iter().enumerate() {
            total[i] += prob * f64::from(reach(live, 1 << a | 1 << b).count_ones());
        }
    };
    match model {
        Diffusion::IndependentCascade(EdgeProbability::Uniform(p)) => {
            for mask in 0u32..1 << edges.len() {
                let live: Vec<(u32, u32)> = edges
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask >> i & 1 == 1)
                    .map(|(_, &e)| e)
                    .collect();
                let on = mask.count_ones() as i32;
                add_world(&live, p.powi(on) * (1.0 - p).powi(edges.len() as i32 - on));
            }
        }
        Diffusion::LinearThreshold => {
            let choices: Vec<&[u32]> = (0..n as u32).map(|v| g.in_neighbors(v)).collect();
            let worlds: usize = choices.iter().map(|c| c.len().max(1)).product();
            for w in 0..worlds {
                let mut rest = w;
                let mut live = Vec::new();
                let mut prob = 1.0;
                for (v, c) in choices.iter().enumerate() {
                    if c.is_empty() {
                        continue;
                    }
                    live.push((c[rest % c.len()], v as u32));
                    prob /= c.len() as f64;
                    rest /= c.len();
                }
                add_world(&live, prob);
            }
        }
        _ => unreachable!(),
    }
    pairs.into_iter().zip(total).collect()
}

fn value(exact: &[((u32, u32), f64)], seeds: &[u32]) -> f64 {
    let (a, b) = (seeds[0].min(seeds[1]), seeds[0].max(seeds[1]));
    exact.iter().find(|(p, _)| *p == (a, b)).unwrap().1
}

#[test]
fn imm_and_celf_are_near_the_brute_force_optimum() {
    let g = small_graph();
    let bound = 1.0 - 1.0 / std::f64::consts::E - 0.1;
    for (dynamics, model) in [
        (
            IC,
            Diffusion::IndependentCascade(EdgeProbability::Uniform(0.3)),
        ),
        (LT, Diffusion::LinearThreshold),
    ] {
        let s = scenario(dynamics);
        assert_eq!(Diffusion::of(&s).unwrap(), model);
        let exact = exact_pairs(&g, model);
        let best = exact.iter().map(|x| x.1).fold(0.0, f64::max);
        let experiment = Experiment::from_scenario(s.clone()).unwrap();
        let evaluator = Evaluator::new(experiment.runner(&g).unwrap());
        let options = Options {
            celf_runs: 1000,
            seed: 5,
            ..Options::default()
        };
        for strategy in [Strategy::Imm, Strategy::Opim, Strategy::Celf] {
            let c = choose(strategy, &evaluator, &s, 2, &options).unwrap();
            let ratio = value(&exact, &c.seeds) / best;
            eprintln!(
                "{model:?} {strategy}: seeds {:?}, exact {:.4}, optimum {best:.4}, ratio {ratio:.4}, own estimate {:.4}",
                c.seeds,
                value(&exact, &c.seeds),
                c.estimate.unwrap()
            );
            assert!(ratio >= bound, "{model:?} {strategy}: ratio {ratio}");
            assert!(ratio >= 0.97, "in practice much closer: {ratio}");
        }
        // The Monte-Carlo evaluator agrees with the exact value of the optimum.
        let (pair, v) = exact.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        let e = evaluator.evaluate(&[pair.0, pair.1], 4000);
        assert!(
            (e.mean - v).abs() < 4.0 * (e.ci[1] - e.ci[0]) / 3.92 + 1e-9,
            "{model:?}: MC {e:?} vs exact {v}"
        );
    }
}

fn medium() -> Graph {
    barabasi_albert(300, 2, &mut stream(9, 0, 0, Purpose::Network)).unwrap()
}

#[test]
fn rr_estimate_matches_monte_carlo_spread() {
    let g = medium();
    let seeds = crate::model::initial::highest_degree(&g, 5);
    for (dynamics, model) in [
        (
            "[dynamics]\nrule = \"cascade\"\nprobability = 0.1",
            Diffusion::IndependentCascade(EdgeProbability::Uniform(0.1)),
        ),
        (
            "[dynamics]\nrule = \"cascade\"\nprobability = \"in-degree\"",
            Diffusion::IndependentCascade(EdgeProbability::InverseInDegree),
        ),
        (LT, Diffusion::LinearThreshold),
    ] {
        let s = scenario(dynamics);
        assert_eq!(Diffusion::of(&s).unwrap(), model);
        let theta = 20_000;
        let rr = rr::estimate_spread(&g, model, &seeds, theta, 3);
        let experiment = Experiment::from_scenario(s.clone()).unwrap();
        let mc = Evaluator::new(experiment.runner(&g).unwrap()).evaluate(&seeds, 2000);
        let rel = (rr - mc.mean).abs() / mc.mean;
        eprintln!(
            "{model:?}: RR {rr:.2} vs MC {:.2} [{:.2}, {:.2}], relative difference {rel:.4}",
            mc.mean, mc.ci[0], mc.ci[1]
        );
        // Both standard errors are about 1% here; 5% is several of them.
        assert!(rel < 0.05, "{model:?}: RR {rr} vs MC {mc:?}");
    }
}

#[test]
fn imm_does_not_depend_on_the_number_of_threads() {
    let g = medium();
    let model = Diffusion::IndependentCascade(EdgeProbability::InverseInDegree);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| rr::imm(&g, model, 5, 0.2, 1.0, 11))
    };
    let (a, b) = (run(1), run(4));
    assert_eq!(a.seeds, b.seeds);
    assert_eq!(a.estimate, b.estimate);
    assert_eq!(a.rr_sets, b.rr_sets);
    assert_eq!(a.rr_entries, b.rr_entries);
}

#[test]
fn celf_does_not_depend_on_the_number_of_threads() {
    let g = small_graph();
    let s = scenario(IC);
    let experiment = Experiment::from_scenario(s.clone()).unwrap();
    let evaluator = Evaluator::new(experiment.runner(&g).unwrap());
    let options = Options {
        celf_runs: 200,
        ..Options::default()
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| choose(Strategy::Celf, &evaluator, &s, 3, &options).unwrap())
    };
    let (a, b) = (run(1), run(4));
    assert_eq!(a.seeds, b.seeds);
    assert_eq!(a.estimate, b.estimate);
}

fn star(directed: bool) -> Graph {
    let mut b = GraphBuilder::new(8, directed);
    for leaf in 1..8 {
        b.add_edge(0, leaf);
    }
    b.build().0
}

fn directed_path() -> Graph {
    let mut b = GraphBuilder::new(6, true);
    for v in 0..5 {
        b.add_edge(v, v + 1);
    }
    b.build().0
}

#[test]
fn heuristics_give_the_obvious_answers() {
    for directed in [false, true] {
        let g = star(directed);
        assert_eq!(heuristics::degree_discount(&g, 1, 0.1), vec![0]);
        assert_eq!(heuristics::pagerank(&g, 1), vec![0]);
        assert_eq!(heuristics::k_core(&g, 1), vec![0]);
        assert_eq!(heuristics::clustered(&g, 3), vec![0, 1, 2]);
        // After the hub, every leaf is discounted alike: the lowest id comes next.
        assert_eq!(heuristics::degree_discount(&g, 2, 0.1), vec![0, 1]);
    }
    let path = directed_path();
    // Person 0 influences everyone downstream; rank decreases along the path.
    assert_eq!(heuristics::pagerank(&path, 3), vec![0, 1, 2]);
    let pr = heuristics::pagerank_scores(&path);
    assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // Degree discount: person 1 is influenced by 0, so after 0 the next undiscounted is 2.
    assert_eq!(heuristics::degree_discount(&path, 2, 0.5), vec![0, 2]);
    assert_eq!(heuristics::core_numbers(&path), vec![1; 6]);
    let r = heuristics::random(&path, 4, 1);
    let distinct: std::collections::HashSet<_> = r.iter().collect();
    assert_eq!(distinct.len(), 4);
}

#[test]
fn core_numbers_of_a_clique_with_a_tail() {
    // A 4-clique (0..4) with a tail 3 - 4 - 5.
    let mut b = GraphBuilder::new(6, false);
    for a in 0..4 {
        for c in a + 1..4 {
            b.add_edge(a, c);
        }
    }
    b.add_edge(3, 4);
    b.add_edge(4, 5);
    let g = b.build().0;
    assert_eq!(heuristics::core_numbers(&g), vec![3, 3, 3, 3, 1, 1]);
    // Highest core, ties by degree: person 3 has the extra tie.
    assert_eq!(heuristics::k_core(&g, 2), vec![3, 0]);
}

#[test]
fn max_coverage_is_greedy_on_flat_sets() {
    let mut sets = rr::RrSets::new();
    let g = medium();
    let sampler = rr::Sampler::new(&g, Diffusion::LinearThreshold);
    sets.extend_to(&sampler, 1, 7, 1000);
    assert_eq!(sets.len(), 1000);
    let (seeds, covered) = rr::max_coverage(&sets, g.node_count(), 3);
    assert_eq!(seeds.len(), 3);
    let mut direct = 0;
    sets.for_each_set(|set| direct += usize::from(set.iter().any(|v| seeds.contains(v))));
    assert_eq!(covered, direct);
    // Extending in two batches gives as many sets, and the same ones again for the same
    // targets, whatever the number of threads.
    let all = |sets: &rr::RrSets| {
        let mut all = Vec::new();
        sets.for_each_set(|set| all.push(set.to_vec()));
        all
    };
    let twice = |threads: usize| {
        let mut twice = rr::RrSets::new();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                twice.extend_to(&sampler, 1, 7, 300);
                twice.extend_to(&sampler, 1, 7, 1000);
            });
        all(&twice)
    };
    assert_eq!(twice(1).len(), 1000);
    assert_eq!(twice(1), twice(3));
    assert_ne!(twice(1), all(&sets));
}

#[test]
fn lazy_greedy_picks_what_a_plain_scan_picks() {
    let g = medium();
    let n = g.node_count();
    let sampler = rr::Sampler::new(
        &g,
        Diffusion::IndependentCascade(EdgeProbability::Uniform(0.1)),
    );
    let mut sets = rr::RrSets::new();
    sets.extend_to(&sampler, 3, 11, 4000);
    // The plain greedy: scan everyone for the largest count of uncovered sets, lower id first.
    let k = 40;
    let mut lists = Vec::new();
    sets.for_each_set(|set| lists.push(set.to_vec()));
    assert!(lists.iter().any(|set| set.len() == 1) && lists.iter().any(|set| set.len() > 1));
    let mut covered = vec![false; sets.len()];
    let mut expected = Vec::new();
    for _ in 0..k {
        let gain = |v: u32| {
            (0..sets.len())
                .filter(|&i| !covered[i] && lists[i].contains(&v))
                .count()
        };
        let best = (0..n as u32)
            .filter(|v| !expected.contains(v))
            .max_by_key(|&v| (gain(v), std::cmp::Reverse(v)))
            .unwrap();
        for (i, c) in covered.iter_mut().enumerate() {
            *c |= lists[i].contains(&best);
        }
        expected.push(best);
    }
    let (seeds, total) = rr::max_coverage(&sets, n, k);
    assert_eq!(seeds, expected);
    assert_eq!(total, covered.iter().filter(|&&c| c).count());
}

#[test]
fn imm_refuses_what_it_cannot_model() {
    for (dynamics, needle) in [
        ("[dynamics]\nrule = \"hazard\"\nimitation = 0.1", "hazard"),
        (
            "[dynamics]\nrule = \"threshold\"\nsocial_proof = \"count\"",
            "linear threshold",
        ),
        (
            "[leaders]\nweight = 1.5\n[dynamics]\nrule = \"threshold\"",
            "movement",
        ),
    ] {
        let e = Diffusion::of(&scenario(dynamics)).unwrap_err();
        assert!(e.message.contains(needle), "{e}");
        assert!(e.message.contains("celf"), "{e}");
    }
    let g = small_graph();
    let s = scenario(IC);
    let experiment = Experiment::from_scenario(s.clone()).unwrap();
    let ev = Evaluator::new(experiment.runner(&g).unwrap());
    let o = Options::default();
    assert!(choose(Strategy::Degree, &ev, &s, 0, &o).is_err());
    assert!(choose(Strategy::Degree, &ev, &s, 11, &o).is_err());
    assert!("nope".parse::<Strategy>().is_err());
    assert_eq!("k-core".parse::<Strategy>().unwrap(), Strategy::KCore);
}

#[test]
fn recruiting_compares_strategies_on_the_same_runs_and_names_its_arguments() {
    let experiment = Experiment::builtin("hillside")
        .and_then(|e| e.set("network.nodes", 300)?.set("max_ticks", 150))
        .unwrap();
    let request = Request {
        k: 2,
        strategies: vec![Strategy::Imm, Strategy::Degree, Strategy::Random],
        options: Options::default(),
        runs: Some(8),
    };
    let stages = std::sync::Mutex::new(Vec::new());
    let report = recruit(&experiment, &request, &|s| stages.lock().unwrap().push(s)).unwrap();
    // IMM does not apply to a movement: skipped with a note when compared.
    assert_eq!(report.results.len(), 2);
    assert!(report.notes.iter().any(|n| n.starts_with("imm skipped")));
    assert_eq!(report.runs, 8);
    let stages = stages.into_inner().unwrap();
    assert_eq!(
        stages,
        vec![
            RecruitStage::Choosing(Strategy::Imm),
            RecruitStage::Choosing(Strategy::Degree),
            RecruitStage::Evaluating(Strategy::Degree, 8),
            RecruitStage::Choosing(Strategy::Random),
            RecruitStage::Evaluating(Strategy::Random, 8),
        ]
    );
    // Each estimate is the evaluator's on replicates 0..8 with the seeds as initial followers.
    let graph = experiment.network(0).unwrap();
    let evaluator = Evaluator::new(experiment.runner(&graph).unwrap());
    for r in &report.results {
        assert_eq!(r.choice.seeds.len(), 2);
        assert_eq!(evaluator.evaluate(&r.choice.seeds, 8), r.estimate);
    }
    // Asked for alone, a strategy that does not apply is an error; so is k = 0.
    let alone = Request {
        strategies: vec![Strategy::Imm],
        ..request.clone()
    };
    let e = recruit(&experiment, &alone, &|_| {}).err().unwrap();
    assert!(e.to_string().starts_with("strategy:"), "{e}");
    let none = Request::new(0);
    let e = recruit(&experiment, &none, &|_| {}).err().unwrap();
    assert!(e.to_string().starts_with("k:"), "{e}");
}

/// A directed BA-like graph of 300 people with edge weights spread over [0, 0.6], some zero,
/// for the weighted cascade of per-edge probabilities.
fn weighted_medium() -> Graph {
    let base = medium();
    let mut b = GraphBuilder::new(base.node_count(), true);
    let mut h = 77u64;
    for v in 0..base.node_count() as u32 {
        for &u in base.out_adjacency().neighbors(v) {
            h = splitmix64(h);
            let w = (h % 7) as f32 * 0.1;
            b.add_weighted_edge(v, u, w);
        }
    }
    b.build().0
}

/// Per-person frequency of membership and mean size of `count` sets drawn by `sampler`.
fn frequencies(sampler: &rr::Sampler<'_>, n: usize, count: usize, seed: u64) -> (Vec<f64>, f64) {
    let mut sets = rr::RrSets::new();
    sets.extend_to(sampler, seed, 1, count);
    let mut freq = vec![0.0; n];
    sets.for_each_set(|set| {
        for &v in set {
            freq[v as usize] += 1.0;
        }
    });
    let mean = sets.entries() as f64 / count as f64;
    (freq.into_iter().map(|f| f / count as f64).collect(), mean)
}

#[test]
fn subset_sampling_draws_the_sets_plain_sampling_draws() {
    // Same law, different random numbers: the mean set size and every person's frequency of
    // membership agree within 5 standard errors of their difference (plus a small floor for
    // people in almost no set), over 40,000 sets of each sampler with fixed seeds.
    let (g, w) = (medium(), weighted_medium());
    let count = 40_000;
    for (graph, model) in [
        (
            &g,
            Diffusion::IndependentCascade(EdgeProbability::Uniform(0.1)),
        ),
        (
            &g,
            Diffusion::IndependentCascade(EdgeProbability::Uniform(0.3)),
        ),
        (
            &g,
            Diffusion::IndependentCascade(EdgeProbability::InverseInDegree),
        ),
        (&w, Diffusion::IndependentCascade(EdgeProbability::Weight)),
    ] {
        let n = graph.node_count();
        let (fp, mp) = frequencies(&rr::Sampler::plain(graph, model), n, count, 21);
        let (fs, ms) = frequencies(&rr::Sampler::new(graph, model), n, count, 22);
        let rel = (mp - ms).abs() / mp;
        eprintln!("{model:?}: mean size plain {mp:.6}, subset {ms:.6} ({rel:.6})");
        for v in 0..n {
            let f = 0.5 * (fp[v] + fs[v]);
            let se = (2.0 * f * (1.0 - f) / count as f64).sqrt();
            assert!(
                (fp[v] - fs[v]).abs() <= 5.0 * se + 2e-4,
                "{model:?}: person {v} in {} of plain sets, {} of subset sets",
                fp[v],
                fs[v]
            );
        }
        // The size is a sum of the frequencies, within about 1% here.
        assert!(rel < 0.03, "{model:?}: mean size {mp} vs {ms}");
    }
}

#[test]
fn opim_does_not_depend_on_the_number_of_threads() {
    let g = medium();
    let model = Diffusion::IndependentCascade(EdgeProbability::InverseInDegree);
    let settings = rr::OpimSettings {
        epsilon: 0.1,
        delta: 1.0 / 300.0,
        time_budget: None,
        memory_budget: None,
        refine: false,
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| rr::opim(&g, model, 5, &settings, 11, &|_| {}))
    };
    let (a, b) = (run(1), run(4));
    assert_eq!(a.seeds, b.seeds);
    assert_eq!(a.estimate, b.estimate);
    assert_eq!(a.guarantee, b.guarantee);
    assert_eq!(a.sampled, b.sampled);
    assert_eq!(a.entries, b.entries);
    assert_eq!(a.stop, rr::OpimStop::Certified);
    assert!(a.guarantee >= 1.0 - 1.0 / std::f64::consts::E - 0.1);
}

#[test]
fn refining_opim_samples_on_while_its_seeds_improve_and_keeps_the_certificate() {
    let g = medium();
    let model = Diffusion::IndependentCascade(EdgeProbability::Uniform(0.05));
    let target = 1.0 - 1.0 / std::f64::consts::E - 0.1;
    let plain = rr::OpimSettings {
        epsilon: 0.1,
        delta: 1.0 / 300.0,
        time_budget: None,
        memory_budget: None,
        refine: false,
    };
    let refined = rr::OpimSettings {
        refine: true,
        ..plain
    };
    let plain_rounds = std::sync::Mutex::new(Vec::new());
    let first = rr::opim(&g, model, 10, &plain, 5, &|p| {
        plain_rounds.lock().unwrap().push(p)
    });
    let rounds = std::sync::Mutex::new(Vec::new());
    let better = rr::opim(&g, model, 10, &refined, 5, &|p| {
        rounds.lock().unwrap().push(p)
    });
    assert_eq!(first.stop, rr::OpimStop::Certified);
    assert_eq!(better.stop, rr::OpimStop::Settled);
    assert!(better.guarantee >= target, "{}", better.guarantee);
    // At least one doubling past the certifying round, to compare its seeds with.
    assert!(
        better.sampled >= 2 * first.sampled,
        "{} vs {}",
        better.sampled,
        first.sampled
    );
    // The same rounds up to the certifying one: refining only adds rounds after it.
    let (rounds, plain_rounds) = (
        rounds.into_inner().unwrap(),
        plain_rounds.into_inner().unwrap(),
    );
    assert!(rounds.len() > plain_rounds.len());
    assert_eq!(rounds[..plain_rounds.len()], plain_rounds[..]);
    // Both seed sets judged on one large fresh collection: the refined ones are no worse
    // beyond the noise of that collection (about 0.3% here).
    let judge = {
        let mut sets = rr::RrSets::new();
        sets.extend_to(&rr::Sampler::new(&g, model), 99, 7, 200_000);
        sets
    };
    let covered = |seeds: &[u32]| {
        let mut covered = 0.0;
        judge.for_each_set(|set| {
            if set.iter().any(|v| seeds.contains(v)) {
                covered += 1.0;
            }
        });
        covered
    };
    assert!(
        covered(&better.seeds) >= 0.99 * covered(&first.seeds),
        "refined {} vs first certified {}",
        covered(&better.seeds),
        covered(&first.seeds)
    );
}

#[test]
fn opim_keeps_its_budgets() {
    // No timing is asserted: a zero budget is spent once the first round is done, whatever the
    // machine's speed, and a zero memory budget leaves no room for a second round.
    let g = medium();
    let model = Diffusion::IndependentCascade(EdgeProbability::Uniform(0.05));
    let target = 1.0 - 1.0 / std::f64::consts::E - 0.01;
    let base = rr::OpimSettings {
        epsilon: 0.01,
        delta: 1.0 / 300.0,
        time_budget: None,
        memory_budget: None,
        refine: false,
    };
    let rounds = |settings: &rr::OpimSettings| {
        let seen = std::sync::Mutex::new(Vec::new());
        let r = rr::opim(&g, model, 10, settings, 3, &|p| {
            seen.lock().unwrap().push(p)
        });
        (r, seen.into_inner().unwrap())
    };
    let (free, free_rounds) = rounds(&base);
    assert!(free_rounds.len() > 1, "epsilon 0.01 takes several rounds");
    assert!(free.guarantee >= target || free.stop == rr::OpimStop::Limit);
    for (settings, why) in [
        (
            rr::OpimSettings {
                time_budget: Some(std::time::Duration::ZERO),
                ..base
            },
            rr::OpimStop::TimeBudget,
        ),
        (
            rr::OpimSettings {
                memory_budget: Some(0),
                ..base
            },
            rr::OpimStop::MemoryBudget,
        ),
    ] {
        let (r, seen) = rounds(&settings);
        assert_eq!(seen.len(), 1, "{why:?}: one round");
        assert_eq!(r.sampled, free_rounds[0].sets);
        assert_eq!(r.guarantee, free_rounds[0].guarantee);
        assert_eq!(r.stop, why);
        assert!(r.guarantee < target);
    }
}

#[test]
fn opim_refuses_bad_budgets_by_name() {
    let g = small_graph();
    let s = scenario(IC);
    let experiment = Experiment::from_scenario(s.clone()).unwrap();
    let evaluator = Evaluator::new(experiment.runner(&g).unwrap());
    for (options, place) in [
        (
            Options {
                time_budget: Some(-1.0),
                ..Options::default()
            },
            "time_budget",
        ),
        (
            Options {
                memory_budget: Some(f64::NAN),
                ..Options::default()
            },
            "memory_budget",
        ),
    ] {
        let e = choose(Strategy::Opim, &evaluator, &s, 2, &options).unwrap_err();
        assert_eq!(e.place, place);
    }
}

#[test]
fn celf_chooses_on_runs_the_evaluation_does_not_use() {
    let g = small_graph();
    let s = scenario(IC);
    let experiment = Experiment::from_scenario(s.clone()).unwrap();
    let evaluator = Evaluator::new(experiment.runner(&g).unwrap());
    let options = Options {
        celf_runs: 50,
        ..Options::default()
    };
    let stages = std::sync::Mutex::new(Vec::new());
    let c = choose_with_progress(Strategy::Celf, &evaluator, &s, 2, &options, &|st| {
        stages.lock().unwrap().push(st)
    })
    .unwrap();
    // Its own estimate is the mean over its own runs, from CELF_REPLICATES on.
    let own = evaluator.mean_spread_from(&c.seeds, CELF_REPLICATES, 50);
    assert!((c.estimate.unwrap() - own).abs() < 1e-9);
    let stages = stages.into_inner().unwrap();
    let evaluations = c.evaluations.unwrap();
    assert!(evaluations >= 10);
    // Progress counts the candidates (all 10 people) and ends with the last evaluation.
    assert!(stages.contains(&RecruitStage::Celf {
        done: 10,
        of: 10,
        seeds: 0,
        evaluations: 10
    }));
    match stages.last() {
        Some(RecruitStage::Celf {
            seeds,
            evaluations: e,
            ..
        }) => assert_eq!((*seeds, *e), (2, evaluations)),
        other => panic!("last stage {other:?}"),
    }
}
