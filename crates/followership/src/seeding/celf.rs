//! CELF lazy greedy (Leskovec et al., KDD 2007) on Monte-Carlo estimates of the expected final
//! size, with a screening pass that races the candidates.
//!
//! Greedy adds, `k` times, the candidate with the largest marginal gain. With a submodular
//! spread, a gain computed in an earlier round is an upper bound on the gain now, so candidates
//! are kept in a max-heap of possibly stale gains and only the top one is re-evaluated until a
//! fresh gain stays on top. For the full movement model the spread need not be submodular; CELF
//! is then a fast heuristic approximation of plain greedy.
//!
//! Every evaluation is raced. A candidate whose gain is stale is first measured on the first
//! eighth of the runs (at least [`SCREEN_MIN_RUNS`]): its gain there is the mean of the
//! differences, run by run, between the chosen set with and without it, and it goes back into
//! the heap with an upper confidence bound of its gain (that mean plus [`SCREEN_Z`] standard
//! errors of the differences), marked as screened for this round. Lazy evaluation then treats
//! the bound like any stale gain: only a candidate whose bound reaches the top is measured on
//! the rest of the runs, and a candidate far below the best never is. Run by run, the same
//! random streams (common random numbers) make the differences much less noisy than the sizes
//! themselves. The bound is statistical: a candidate is passed over wrongly with a probability
//! of about 0.1% when its true gain is the largest.
//!
//! The spread is measured run by run over a range of the CELF runs; the seeding module passes
//! [`super::Evaluator::final_sizes_from`], whose runs are parallel and use the same replicate
//! streams for every candidate.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Range;

/// Standard errors above the screened mean that a candidate's bound lies.
pub const SCREEN_Z: f64 = 3.0;
/// Fewer runs than this are too few to screen with: every candidate is measured in full.
pub const SCREEN_MIN_RUNS: u64 = 8;

/// The mean of `x` and its standard error (0 for fewer than two values).
fn mean_and_error(x: impl ExactSizeIterator<Item = f64> + Clone) -> (f64, f64) {
    let n = x.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = x.clone().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let var = x.map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, (var / n as f64).sqrt())
}

/// What CELF chose.
#[derive(Debug, Clone)]
pub struct CelfResult {
    /// The chosen people, in the order chosen.
    pub seeds: Vec<u32>,
    /// The spread estimate of the chosen set.
    pub spread: f64,
    /// Number of spread evaluations made (screenings and completions).
    pub evaluations: usize,
    /// Runs simulated in all.
    pub runs_simulated: u64,
}

/// A candidate with its gain as of round `round`, and the final sizes it was measured with
/// (the chosen set with it added): of every run when `full`, otherwise of the screening runs,
/// in which case `gain` is an upper confidence bound to be completed if it reaches the top.
struct Entry {
    gain: f64,
    node: u32,
    round: usize,
    sizes: Vec<u32>,
    full: bool,
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

/// Chooses `k` of `candidates` greedily, maximising the mean final size over `runs` runs
/// lazily; `sizes(seeds, range)` gives the final size of each run of `range` (a sub-range of
/// `0..runs`, the same runs for every seed set).
pub fn celf(
    candidates: &[u32],
    k: usize,
    runs: u64,
    sizes: impl Fn(&[u32], Range<u64>) -> Vec<u32>,
) -> CelfResult {
    celf_with_progress(candidates, k, runs, sizes, |_| {})
}

/// [`celf`], telling `progress` after every evaluation: the first pass screens every
/// candidate alone (most of the work when `k` is small), the rounds after it a few each.
pub fn celf_with_progress(
    candidates: &[u32],
    k: usize,
    runs: u64,
    sizes: impl Fn(&[u32], Range<u64>) -> Vec<u32>,
    mut progress: impl FnMut(CelfProgress),
) -> CelfResult {
    let runs = runs.max(1);
    let screen = if runs >= 2 * SCREEN_MIN_RUNS {
        (runs / 8).max(SCREEN_MIN_RUNS)
    } else {
        runs
    };
    let mut seeds: Vec<u32> = Vec::with_capacity(k);
    // The chosen set's final size in every run (nobody chosen: 0, as the gains of the first
    // round are spreads).
    let mut base = vec![0u32; runs as usize];
    let mut current = 0.0;
    // Counted in cells: the measuring closure and the progress reports both need them.
    let evaluations = std::cell::Cell::new(0usize);
    let runs_simulated = std::cell::Cell::new(0u64);
    let mut trial = Vec::with_capacity(k + 1);
    let mut measure = |seeds: &[u32], v: u32, range: Range<u64>| {
        trial.clear();
        trial.extend_from_slice(seeds);
        trial.push(v);
        evaluations.set(evaluations.get() + 1);
        runs_simulated.set(runs_simulated.get() + (range.end - range.start));
        sizes(&trial, range)
    };
    // The entry of `node` measured with `with` (the first `with.len()` runs) against `base`.
    let entry = |base: &[u32], with: Vec<u32>, node: u32, round: usize| {
        let diffs = with
            .iter()
            .zip(base)
            .map(|(&a, &b)| f64::from(a) - f64::from(b));
        let full = with.len() as u64 == runs;
        let (gain, error) = mean_and_error(diffs);
        Entry {
            gain: if full { gain } else { gain + SCREEN_Z * error },
            node,
            round,
            sizes: with,
            full,
        }
    };
    let mut heap: BinaryHeap<Entry> = BinaryHeap::with_capacity(candidates.len());
    for (done, &v) in candidates.iter().enumerate() {
        let with = measure(&[], v, 0..screen);
        heap.push(entry(&base, with, v, 0));
        progress(CelfProgress {
            done: done + 1,
            seeds: 0,
            evaluations: done + 1,
        });
    }
    let done = candidates.len();
    while seeds.len() < k {
        let Some(mut top) = heap.pop() else { break };
        let round = seeds.len();
        if top.round == round && top.full {
            // A gain measured on every run this round that stays on top: chosen.
            seeds.push(top.node);
            current += top.gain;
            base = top.sizes;
        } else if top.round == round {
            // Screened this round and on top: measured on the rest of the runs.
            top.sizes.extend(measure(&seeds, top.node, screen..runs));
            heap.push(entry(&base, top.sizes, top.node, round));
        } else {
            let with = measure(&seeds, top.node, 0..screen);
            heap.push(entry(&base, with, top.node, round));
        }
        progress(CelfProgress {
            done,
            seeds: seeds.len(),
            evaluations: evaluations.get(),
        });
    }
    CelfResult {
        seeds,
        spread: current,
        evaluations: evaluations.get(),
        runs_simulated: runs_simulated.get(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spread with known means: person `v` alone reaches `10 * v` on average, with noise that
    /// depends on the run (the same run for every set, as common random numbers give), and
    /// seeds add up (a modular spread).
    fn modular(seeds: &[u32], range: Range<u64>) -> Vec<u32> {
        range
            .map(|r| {
                let noise = ((r * 7919) % 11) as u32;
                seeds.iter().map(|&v| 10 * v).sum::<u32>() + noise
            })
            .collect()
    }

    fn mean(x: &[u32]) -> f64 {
        x.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len() as f64
    }

    #[test]
    fn racing_measures_few_candidates_in_full_and_chooses_as_plain_greedy() {
        let candidates: Vec<u32> = (0..200).collect();
        let asked = std::cell::RefCell::new(Vec::new());
        let r = celf(&candidates, 3, 64, |s, range| {
            asked.borrow_mut().push(range.clone());
            modular(s, range)
        });
        assert_eq!(r.seeds, vec![199, 198, 197]);
        assert!((r.spread - mean(&modular(&r.seeds, 0..64))).abs() < 1e-9);
        let asked = asked.into_inner();
        // Everyone is screened on the first 8 runs, and in each later round the runner-up once
        // (the differences are exact there: no noise is left to bound); only the top few are
        // measured on the rest.
        assert_eq!(asked.iter().filter(|r| **r == (0..8)).count(), 200 + 2);
        let completed = asked.iter().filter(|r| **r == (8..64)).count();
        assert!(completed <= 6, "{completed} candidates measured in full");
        assert_eq!(r.evaluations, asked.len());
        let simulated: u64 = asked.iter().map(|r| r.end - r.start).sum();
        assert_eq!(r.runs_simulated, simulated);
        assert!(
            simulated < 200 * 64 / 4,
            "{simulated} runs, plain CELF would take 12,800"
        );
    }

    #[test]
    fn gains_are_measured_run_by_run_against_the_chosen_set() {
        // Submodular: a second seed adds half of what it adds alone; the noise cancels in the
        // differences, so the screening bounds are tight and the choice is plain greedy's.
        let halved = |s: &[u32], range: Range<u64>| -> Vec<u32> {
            range
                .map(|r| {
                    let noise = ((r * 31) % 97) as u32;
                    let mut v: Vec<u32> = s.iter().map(|&x| 100 * x).collect();
                    v.sort_unstable_by(|a, b| b.cmp(a));
                    v.iter().enumerate().map(|(i, &x)| x >> i).sum::<u32>() + noise
                })
                .collect()
        };
        let r = celf(&[1, 5, 3, 4, 2], 2, 80, halved);
        assert_eq!(r.seeds, vec![5, 4]);
        let direct = mean(&halved(&[5, 4], 0..80));
        assert!((r.spread - direct).abs() < 1e-9, "{} vs {direct}", r.spread);
    }

    #[test]
    fn few_runs_are_not_raced() {
        let candidates: Vec<u32> = (0..20).collect();
        let asked = std::cell::RefCell::new(Vec::new());
        let r = celf(&candidates, 2, 10, |s, range| {
            asked.borrow_mut().push(range.clone());
            modular(s, range)
        });
        assert_eq!(r.seeds, vec![19, 18]);
        assert!(asked.into_inner().iter().all(|range| *range == (0..10)));
    }
}
