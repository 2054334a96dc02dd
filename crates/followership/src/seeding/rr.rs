//! Reverse-reachable (RR) sets and IMM (Tang, Xiao and Shi, "Influence Maximization in
//! Near-Linear Time: A Martingale Approach", SIGMOD 2015).
//!
//! An RR set is the set of people who would have recruited a uniformly random person `v` in one
//! random world: under the independent cascade, a reverse breadth-first search from `v` that
//! crosses each in-edge `u -> w` with the edge's probability; under the linear threshold model, a
//! reverse random walk from `v` that steps to one in-neighbour chosen with probability
//! proportional to the edge weight (in-weights normalised to one) and stops at a person already
//! visited. The expected final size of a seed set `S` is `n` times the probability that `S`
//! meets a random RR set, so `n * covered / theta` estimates it from `theta` sets.
//!
//! Sets are sampled in parallel with rayon; set `i` draws from its own stream (named by the seed,
//! a point reserved for RR sets, and `i`), so the collection does not depend on the number of
//! threads. All sets live in one flat array of members with offsets, and the inverted index
//! (person -> sets containing them) used by greedy coverage is flat too: about 4 bytes per
//! entry each, plus 8 bytes per set and per person of offsets.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;
use rayon::prelude::*;

use super::Diffusion;
use crate::graph::Graph;
use crate::model::EdgeProbability;
use crate::random::{Purpose, Stream, stream, unit_f64};

/// The stream point of the RR sets of IMM's estimation phase.
const POINT_ESTIMATION: u64 = 0x5EED_0001;
/// The stream point of the fresh RR sets of IMM's selection phase.
const POINT_SELECTION: u64 = 0x5EED_0002;
/// Sets sampled per parallel task.
const CHUNK: usize = 512;

/// A collection of RR sets stored flat: set `i` is `members[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone)]
pub struct RrSets {
    members: Vec<u32>,
    offsets: Vec<u64>,
}

impl Default for RrSets {
    fn default() -> Self {
        RrSets::new()
    }
}

impl RrSets {
    /// No sets.
    pub fn new() -> Self {
        RrSets {
            members: Vec::new(),
            offsets: vec![0],
        }
    }

    /// Number of sets.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no sets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members of set `i`.
    pub fn set(&self, i: usize) -> &[u32] {
        &self.members[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Total number of members over all sets.
    pub fn entries(&self) -> usize {
        self.members.len()
    }

    /// Bytes of heap memory held.
    pub fn heap_bytes(&self) -> usize {
        self.members.capacity() * 4 + self.offsets.capacity() * 8
    }

    /// Samples sets until there are `target`; set `i` draws from stream
    /// `(seed, point, i, Placement)`.
    pub fn extend_to(&mut self, sampler: &Sampler<'_>, seed: u64, point: u64, target: usize) {
        let start = self.len();
        if target <= start {
            return;
        }
        let n = sampler.graph.node_count();
        let chunks: Vec<(Vec<u32>, Vec<u32>)> = (start..target)
            .step_by(CHUNK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map_init(
                || Scratch::new(n),
                |scratch, lo| {
                    let hi = (lo + CHUNK).min(target);
                    let mut members = Vec::new();
                    let mut lengths = Vec::with_capacity(hi - lo);
                    for i in lo..hi {
                        let before = members.len();
                        let mut rng = stream(seed, point, i as u64, Purpose::Placement);
                        sampler.sample(&mut rng, scratch, &mut members);
                        lengths.push((members.len() - before) as u32);
                    }
                    (members, lengths)
                },
            )
            .collect();
        let extra: usize = chunks.iter().map(|(m, _)| m.len()).sum();
        self.members.reserve(extra);
        self.offsets.reserve(target - start);
        for (members, lengths) in chunks {
            self.members.extend_from_slice(&members);
            let mut end = *self.offsets.last().expect("offsets start with 0");
            for len in lengths {
                end += u64::from(len);
                self.offsets.push(end);
            }
        }
    }
}

/// Per-thread scratch of the sampler: visit marks by epoch.
struct Scratch {
    mark: Vec<u32>,
    epoch: u32,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            mark: vec![0; n],
            epoch: 0,
        }
    }

    fn next_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.fill(0);
            self.epoch = 1;
        }
    }

    /// Marks `v`; whether it was unmarked.
    #[inline]
    fn visit(&mut self, v: u32) -> bool {
        let m = &mut self.mark[v as usize];
        if *m == self.epoch {
            false
        } else {
            *m = self.epoch;
            true
        }
    }
}

/// Draws RR sets of one diffusion model on one network.
pub struct Sampler<'g> {
    graph: &'g Graph,
    model: Diffusion,
    /// Independent cascade with `1 / in-degree`: per-person 53-bit acceptance thresholds.
    accept: Vec<u64>,
    /// Linear threshold on a weighted network: each person's total in-weight.
    in_weight: Vec<f64>,
}

/// `p` as a 53-bit acceptance threshold: `accept(rng, t)` is exactly `unit_f64(rng) < p`.
fn acceptance(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * (1u64 << 53) as f64) as u64
}

#[inline]
fn accept(rng: &mut Stream, threshold: u64) -> bool {
    (rng.next_u64() >> 11) < threshold
}

/// A uniform integer in `0..n` (multiply-shift).
#[inline]
fn below(rng: &mut Stream, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

impl<'g> Sampler<'g> {
    /// A sampler of `model` on `graph`.
    pub fn new(graph: &'g Graph, model: Diffusion) -> Self {
        let n = graph.node_count() as u32;
        let accept = match model {
            Diffusion::IndependentCascade(EdgeProbability::InverseInDegree) => (0..n)
                .map(|v| match graph.in_degree(v) {
                    0 => 0,
                    d => acceptance(1.0 / d as f64),
                })
                .collect(),
            _ => Vec::new(),
        };
        let in_weight = match (model, graph.in_adjacency().all_weights()) {
            (Diffusion::LinearThreshold, Some(_)) => (0..n)
                .map(|v| {
                    graph
                        .in_adjacency()
                        .weights(v)
                        .map_or(0.0, |w| w.iter().map(|&x| f64::from(x)).sum())
                })
                .collect(),
            _ => Vec::new(),
        };
        Sampler {
            graph,
            model,
            accept,
            in_weight,
        }
    }

    /// Appends one RR set, drawn from `rng`, to `out`.
    fn sample(&self, rng: &mut Stream, scratch: &mut Scratch, out: &mut Vec<u32>) {
        let g = self.graph;
        let inn = g.in_adjacency();
        scratch.next_epoch();
        let root = below(rng, g.node_count()) as u32;
        scratch.visit(root);
        let start = out.len();
        out.push(root);
        match self.model {
            Diffusion::IndependentCascade(p) => {
                let uniform = match p {
                    EdgeProbability::Uniform(p) => acceptance(p),
                    _ => 0,
                };
                let mut head = start;
                while head < out.len() {
                    let w = out[head];
                    head += 1;
                    let weights = inn.weights(w);
                    for (j, &u) in inn.neighbors(w).iter().enumerate() {
                        if scratch.mark[u as usize] == scratch.epoch {
                            continue;
                        }
                        let live = match p {
                            EdgeProbability::Uniform(_) => accept(rng, uniform),
                            EdgeProbability::InverseInDegree => {
                                accept(rng, self.accept[w as usize])
                            }
                            EdgeProbability::Weight => {
                                let q = weights.map_or(1.0, |ws| f64::from(ws[j]));
                                unit_f64(rng) < q
                            }
                        };
                        if live {
                            scratch.visit(u);
                            out.push(u);
                        }
                    }
                }
            }
            Diffusion::LinearThreshold => {
                let mut w = root;
                loop {
                    let nbrs = inn.neighbors(w);
                    if nbrs.is_empty() {
                        break;
                    }
                    let u = match inn.weights(w) {
                        None => nbrs[below(rng, nbrs.len())],
                        Some(ws) => {
                            let total = self.in_weight[w as usize];
                            if total <= 0.0 {
                                break;
                            }
                            let mut x = unit_f64(rng) * total;
                            let mut pick = nbrs[nbrs.len() - 1];
                            for (&u, &wt) in nbrs.iter().zip(ws) {
                                x -= f64::from(wt);
                                if x < 0.0 {
                                    pick = u;
                                    break;
                                }
                            }
                            pick
                        }
                    };
                    if !scratch.visit(u) {
                        break;
                    }
                    out.push(u);
                    w = u;
                }
            }
        }
    }
}

/// Greedy maximum coverage of `sets` by `k` of `n` people: returns the people in the order
/// chosen and how many sets they cover. Ties go to the lower id; once nothing more can be
/// covered, the remaining picks are the lowest unchosen ids.
///
/// The inverted index (person -> sets) is built flat: one array of set ids with per-person
/// offsets; picks come from a lazy max-heap of coverage counts.
pub fn max_coverage(sets: &RrSets, n: usize, k: usize) -> (Vec<u32>, usize) {
    let mut count = vec![0u32; n];
    for &v in &sets.members {
        count[v as usize] += 1;
    }
    let mut index_offsets = Vec::with_capacity(n + 1);
    let mut acc = 0u64;
    index_offsets.push(0u64);
    for &c in &count {
        acc += u64::from(c);
        index_offsets.push(acc);
    }
    let mut fill: Vec<u64> = index_offsets[..n].to_vec();
    let mut index = vec![0u32; sets.members.len()];
    for s in 0..sets.len() {
        for &v in sets.set(s) {
            index[fill[v as usize] as usize] = s as u32;
            fill[v as usize] += 1;
        }
    }
    drop(fill);
    let mut covered_set = vec![false; sets.len()];
    let mut seeds = Vec::with_capacity(k);
    let mut covered = 0usize;
    // Lazy greedy: counts only fall, so a heap entry is an upper bound of its person's count;
    // the top entry is the pick when its bound is still exact, otherwise it goes back with its
    // present count. The order (count, then lower id) is the plain scan's, so the picks are too,
    // at O(log n) a pick instead of O(n).
    let mut heap: BinaryHeap<(u32, Reverse<u32>)> = (0..n as u32)
        .map(|v| (count[v as usize], Reverse(v)))
        .collect();
    while seeds.len() < k.min(n) {
        let Some((bound, Reverse(v))) = heap.pop() else {
            break;
        };
        if bound != count[v as usize] {
            heap.push((count[v as usize], Reverse(v)));
            continue;
        }
        seeds.push(v);
        let (a, b) = (
            index_offsets[v as usize] as usize,
            index_offsets[v as usize + 1] as usize,
        );
        for &s in &index[a..b] {
            if !covered_set[s as usize] {
                covered_set[s as usize] = true;
                covered += 1;
                for &u in sets.set(s as usize) {
                    count[u as usize] -= 1;
                }
            }
        }
    }
    (seeds, covered)
}

/// What IMM chose and measured.
#[derive(Debug, Clone)]
pub struct ImmResult {
    /// The chosen people, in the order chosen.
    pub seeds: Vec<u32>,
    /// Estimated expected final size: `n * covered / theta` on the selection sets.
    pub estimate: f64,
    /// Number of RR sets of the selection phase (theta).
    pub rr_sets: usize,
    /// Members over all selection sets.
    pub rr_entries: usize,
    /// Lower bound on the optimum found by the estimation phase.
    pub lower_bound: f64,
}

/// `ln C(n, k)`.
fn ln_choose(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

/// IMM: `k` seeds whose expected spread is at least `(1 - 1/e - epsilon)` of the optimum with
/// probability at least `1 - 1/n^ell`.
///
/// The estimation phase follows Algorithm 2 of the paper (with `l` raised to
/// `l (1 + ln 2 / ln n)` as in its Section 3.2): for `i = 1, 2, ...`, `x = n / 2^i`, sample up to
/// `lambda' / x` sets and stop when greedy coverage shows `n F(S) >= (1 + eps') x`, giving
/// `LB = n F(S) / (1 + eps')`. The selection phase samples `theta = lambda* / LB` sets. Following
/// Chen (2018, "An issue in the martingale analysis of the influence maximization algorithm
/// IMM"), they are fresh sets, independent of the estimation phase, so the guarantee holds as
/// stated.
pub fn imm(
    graph: &Graph,
    model: Diffusion,
    k: usize,
    epsilon: f64,
    ell: f64,
    seed: u64,
) -> ImmResult {
    let n = graph.node_count();
    let k = k.min(n);
    let sampler = Sampler::new(graph, model);
    if n <= 1 || k == n {
        // Nothing to choose: everyone is a seed.
        let mut sets = RrSets::new();
        sets.extend_to(&sampler, seed, POINT_SELECTION, 1);
        return ImmResult {
            seeds: (0..n as u32).collect(),
            estimate: n as f64,
            rr_sets: sets.len(),
            rr_entries: sets.entries(),
            lower_bound: n as f64,
        };
    }
    let nf = n as f64;
    let ln_n = nf.ln();
    let ell = ell * (1.0 + 2f64.ln() / ln_n);
    let lcnk = ln_choose(n, k);
    let eps_p = 2f64.sqrt() * epsilon;
    let log2n = nf.log2();
    let lambda_p = (2.0 + 2.0 / 3.0 * eps_p) * (lcnk + ell * ln_n + log2n.ln().max(0.0)) * nf
        / (eps_p * eps_p);
    let e1 = 1.0 - 1.0 / std::f64::consts::E;
    let alpha = (ell * ln_n + 2f64.ln()).sqrt();
    let beta = (e1 * (lcnk + ell * ln_n + 2f64.ln())).sqrt();
    let lambda_star = 2.0 * nf * (e1 * alpha + beta).powi(2) / (epsilon * epsilon);

    let mut lb = 1.0f64;
    let mut sets = RrSets::new();
    let rounds = (log2n - 1.0).ceil().max(1.0) as u32;
    for i in 1..=rounds {
        let x = nf / 2f64.powi(i as i32);
        let theta_i = (lambda_p / x).ceil() as usize;
        sets.extend_to(&sampler, seed, POINT_ESTIMATION, theta_i);
        let (_, covered) = max_coverage(&sets, n, k);
        let spread = nf * covered as f64 / sets.len() as f64;
        if spread >= (1.0 + eps_p) * x {
            lb = spread / (1.0 + eps_p);
            break;
        }
    }
    drop(sets);
    let theta = (lambda_star / lb).ceil() as usize;
    let mut sets = RrSets::new();
    sets.extend_to(&sampler, seed, POINT_SELECTION, theta.max(1));
    let (seeds, covered) = max_coverage(&sets, n, k);
    ImmResult {
        seeds,
        estimate: nf * covered as f64 / sets.len() as f64,
        rr_sets: sets.len(),
        rr_entries: sets.entries(),
        lower_bound: lb,
    }
}

/// The RR-set estimate `n * covered / theta` of the expected final size of `seeds`, from
/// `theta` fresh sets.
pub fn estimate_spread(
    graph: &Graph,
    model: Diffusion,
    seeds: &[u32],
    theta: usize,
    seed: u64,
) -> f64 {
    let sampler = Sampler::new(graph, model);
    let mut sets = RrSets::new();
    sets.extend_to(&sampler, seed, POINT_SELECTION, theta);
    let mut is_seed = vec![false; graph.node_count()];
    for &s in seeds {
        is_seed[s as usize] = true;
    }
    let covered = (0..sets.len())
        .filter(|&i| sets.set(i).iter().any(|&v| is_seed[v as usize]))
        .count();
    graph.node_count() as f64 * covered as f64 / theta as f64
}
