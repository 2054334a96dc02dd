//! CELF lazy greedy (Leskovec et al., KDD 2007) on any estimate of the expected final size.
//!
//! Greedy adds, `k` times, the candidate with the largest marginal gain. With a submodular
//! spread, a gain computed in an earlier round is an upper bound on the gain now, so candidates
//! are kept in a max-heap of possibly stale gains and only the top one is re-evaluated until a
//! fresh gain stays on top. For the full movement model the spread need not be submodular; CELF
//! is then a fast heuristic approximation of plain greedy.
//!
//! The spread is whatever function is given; the seeding module passes
//! [`super::Evaluator::mean_spread`], whose Monte-Carlo runs are parallel and use the same
//! replicate streams for every candidate (common random numbers).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What CELF chose.
#[derive(Debug, Clone)]
pub struct CelfResult {
    /// The chosen people, in the order chosen.
    pub seeds: Vec<u32>,
    /// The spread estimate of the chosen set.
    pub spread: f64,
    /// Number of spread evaluations made.
    pub evaluations: usize,
}

/// A candidate with its gain as of round `round`.
struct Entry {
    gain: f64,
    node: u32,
    round: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Larger gain first; among equal gains, the lower id.
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.node.cmp(&self.node))
    }
}

/// How far [`celf_with_progress`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CelfProgress {
    /// Candidates whose first gain is known.
    pub done: usize,
    /// Seeds chosen so far.
    pub seeds: usize,
    /// Spread evaluations made so far.
    pub evaluations: usize,
}

/// Chooses `k` of `candidates` greedily, maximising `spread` lazily.
pub fn celf(candidates: &[u32], k: usize, spread: impl Fn(&[u32]) -> f64) -> CelfResult {
    celf_with_progress(candidates, k, spread, |_| {})
}

/// [`celf`], telling `progress` after every evaluation: the first pass evaluates every
/// candidate alone (most of the work when `k` is small), the rounds after it a few each.
pub fn celf_with_progress(
    candidates: &[u32],
    k: usize,
    spread: impl Fn(&[u32]) -> f64,
    mut progress: impl FnMut(CelfProgress),
) -> CelfResult {
    let mut seeds: Vec<u32> = Vec::with_capacity(k);
    let mut current = 0.0;
    let mut evaluations = 0;
    let mut heap: BinaryHeap<Entry> = BinaryHeap::with_capacity(candidates.len());
    for &v in candidates {
        evaluations += 1;
        heap.push(Entry {
            gain: spread(&[v]),
            node: v,
            round: 0,
        });
        progress(CelfProgress {
            done: evaluations,
            seeds: 0,
            evaluations,
        });
    }
    let done = candidates.len();
    let mut trial = Vec::with_capacity(k);
    while seeds.len() < k {
        let Some(mut top) = heap.pop() else { break };
        if top.round == seeds.len() {
            seeds.push(top.node);
            current += top.gain;
            progress(CelfProgress {
                done,
                seeds: seeds.len(),
                evaluations,
            });
            continue;
        }
        trial.clear();
        trial.extend_from_slice(&seeds);
        trial.push(top.node);
        evaluations += 1;
        top.gain = spread(&trial) - current;
        top.round = seeds.len();
        heap.push(top);
        progress(CelfProgress {
            done,
            seeds: seeds.len(),
            evaluations,
        });
    }
    CelfResult {
        seeds,
        spread: current,
        evaluations,
    }
}
