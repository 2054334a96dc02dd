//! Seeding heuristics: fast rules of thumb that need no simulation.
//!
//! Every function returns `k` distinct dense ids (all people when `k` exceeds the network), in
//! the order chosen, with ties broken towards the lower id so results are reproducible.

use crate::graph::Graph;
use crate::random::{Purpose, stream};

/// The stream point of the random strategy.
const POINT_RANDOM: u64 = 0x5EED_0003;

/// `k` people chosen uniformly at random from the stream `(seed, point reserved for seeding, 0,
/// Placement)`.
pub fn random(graph: &Graph, k: usize, seed: u64) -> Vec<u32> {
    let n = graph.node_count();
    let mut rng = stream(seed, POINT_RANDOM, 0, Purpose::Placement);
    crate::model::initial::sample_distinct(n, k.min(n), &mut rng)
}

/// The `k` people with the highest `score`, ties to the lower id.
fn top_by<K: Ord>(n: usize, k: usize, key: impl Fn(u32) -> K) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..n as u32).collect();
    ids.sort_by(|&a, &b| key(b).cmp(&key(a)).then(a.cmp(&b)));
    ids.truncate(k);
    ids
}

/// PageRank scores (damping 0.85, power iteration to an L1 change below 1e-10 or 200 steps) on
/// the direction of influence.
///
/// Choice of direction: a person is important if they influence important people, so rank
/// flows backwards along influence edges: `pr(v) = (1 - d) / n + d * sum over w that v
/// influences of pr(w) / (number of people w watches)`, the ordinary PageRank of the reversed
/// graph. People who watch nobody (dangling in the reversed graph) spread their rank evenly.
/// On the classic web direction (rank flows to those who are watched by many) the leaves of a
/// star, not the hub, would lead in a directed out-star.
pub fn pagerank_scores(graph: &Graph) -> Vec<f64> {
    let n = graph.node_count();
    if n == 0 {
        return Vec::new();
    }
    let d = 0.85;
    let nf = n as f64;
    let mut pr = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..200 {
        let dangling: f64 = (0..n as u32)
            .filter(|&w| graph.in_degree(w) == 0)
            .map(|w| pr[w as usize])
            .sum();
        let base = (1.0 - d) / nf + d * dangling / nf;
        for (v, x) in next.iter_mut().enumerate() {
            let pulled: f64 = graph
                .out_neighbors(v as u32)
                .iter()
                .map(|&w| pr[w as usize] / graph.in_degree(w) as f64)
                .sum();
            *x = base + d * pulled;
        }
        let change: f64 = pr.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut pr, &mut next);
        if change < 1e-10 {
            break;
        }
    }
    pr
}

/// The `k` people of highest PageRank on the direction of influence ([`pagerank_scores`]).
pub fn pagerank(graph: &Graph, k: usize) -> Vec<u32> {
    let pr = pagerank_scores(graph);
    // Scores are finite and non-negative, so their bit patterns order like the numbers.
    top_by(graph.node_count(), k, |v| pr[v as usize].to_bits())
}

/// Everyone `v` is tied to in either direction, without repeats (sorted).
fn contacts(graph: &Graph, v: u32) -> Vec<u32> {
    let mut c: Vec<u32> = graph.out_neighbors(v).to_vec();
    if graph.is_directed() {
        c.extend_from_slice(graph.in_neighbors(v));
        c.sort_unstable();
        c.dedup();
    }
    c
}

/// Core numbers of the undirected view of the network (an edge in either direction is a tie),
/// by peeling (Batagelj and Zaversnik 2003): repeatedly remove a person of least remaining
/// degree; their core number is the largest such degree seen so far.
pub fn core_numbers(graph: &Graph) -> Vec<u32> {
    let n = graph.node_count();
    let adj: Vec<Vec<u32>> = (0..n as u32).map(|v| contacts(graph, v)).collect();
    let mut degree: Vec<usize> = adj.iter().map(Vec::len).collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0);
    let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); max_degree + 1];
    for v in (0..n).rev() {
        buckets[degree[v]].push(v as u32);
    }
    let mut removed = vec![false; n];
    let mut core = vec![0u32; n];
    let mut level = 0usize;
    let mut d = 0usize;
    let mut done = 0;
    while done < n {
        // Lazy buckets: an entry is valid when it matches the person's current degree.
        let Some(v) = buckets[d].pop() else {
            d += 1;
            continue;
        };
        if removed[v as usize] || degree[v as usize] != d {
            continue;
        }
        removed[v as usize] = true;
        done += 1;
        level = level.max(d);
        core[v as usize] = level as u32;
        for &u in &adj[v as usize] {
            let u = u as usize;
            if !removed[u] && degree[u] > 0 {
                degree[u] -= 1;
                buckets[degree[u]].push(u as u32);
                if degree[u] < d {
                    d = degree[u];
                }
            }
        }
    }
    core
}

/// The `k` people of highest core number, ties by out-degree, then the lower id.
pub fn k_core(graph: &Graph, k: usize) -> Vec<u32> {
    let core = core_numbers(graph);
    top_by(graph.node_count(), k, |v| {
        (core[v as usize], graph.out_degree(v))
    })
}

/// Degree discount for the independent cascade with edge probability `p` (Chen, Wang and Yang,
/// KDD 2009, `DegreeDiscountIC`).
///
/// Each person's degree `d_v` (out-degree: whom they influence) is discounted by the number
/// `t_v` of chosen people who influence them: `dd_v = d_v - 2 t_v - (d_v - t_v) t_v p`; the
/// person of highest discounted degree is chosen next (ties to the lower id). On an undirected
/// network this is exactly the paper's rule.
pub fn degree_discount(graph: &Graph, k: usize, p: f64) -> Vec<u32> {
    let n = graph.node_count();
    let d: Vec<f64> = (0..n as u32).map(|v| graph.out_degree(v) as f64).collect();
    let mut dd = d.clone();
    let mut t = vec![0.0f64; n];
    let mut chosen = vec![false; n];
    let mut seeds = Vec::with_capacity(k.min(n));
    for _ in 0..k.min(n) {
        let mut best: Option<usize> = None;
        for v in 0..n {
            if !chosen[v] && best.is_none_or(|b| dd[v] > dd[b]) {
                best = Some(v);
            }
        }
        let Some(u) = best else { break };
        chosen[u] = true;
        seeds.push(u as u32);
        for &v in graph.out_neighbors(u as u32) {
            let v = v as usize;
            if chosen[v] {
                continue;
            }
            t[v] += 1.0;
            dd[v] = d[v] - 2.0 * t[v] - (d[v] - t[v]) * t[v] * p;
        }
    }
    seeds
}

/// Clustered seeding: the person of highest out-degree not yet chosen, then their contacts (in
/// either direction; highest out-degree first, ties to the lower id), then the next such person
/// and their contacts, until `k` are chosen. Seeds that see one another reinforce each other,
/// which is what complex contagion (thresholds above one contact) needs.
pub fn clustered(graph: &Graph, k: usize) -> Vec<u32> {
    let n = graph.node_count();
    let k = k.min(n);
    let order = top_by(n, n, |v| graph.out_degree(v));
    let mut chosen = vec![false; n];
    let mut seeds = Vec::with_capacity(k);
    for &centre in &order {
        if seeds.len() == k {
            break;
        }
        if chosen[centre as usize] {
            continue;
        }
        chosen[centre as usize] = true;
        seeds.push(centre);
        let mut around = contacts(graph, centre);
        around.sort_by(|&a, &b| {
            graph
                .out_degree(b)
                .cmp(&graph.out_degree(a))
                .then(a.cmp(&b))
        });
        for v in around {
            if seeds.len() == k {
                break;
            }
            if !chosen[v as usize] {
                chosen[v as usize] = true;
                seeds.push(v);
            }
        }
    }
    seeds
}
