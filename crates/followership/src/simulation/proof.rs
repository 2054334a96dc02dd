//! Accumulated social proof per person, in the smallest form the run allows.
//!
//! The hot loop of a cascade reads and writes one entry per edge at a random place, so the size
//! of an entry sets the speed: when every dancer has influence 1 and edges carry no weight, proof
//! is a whole number of dancing contacts, and each person needs only a 4-byte countdown of how
//! many more they need. Otherwise proof is a float next to the amount at which the person joins.

use crate::graph::Graph;

/// Accumulated proof and the point at which each person joins.
#[derive(Clone)]
pub(crate) enum ProofStore {
    /// How many more dancing contacts each person needs; `NEVER` once pending or dancing, or
    /// when no number of contacts would do.
    Countdown(Vec<u32>),
    /// Weighted proof and the amount at which each person joins (`INFINITY` when never).
    Weighted(Vec<Cell>),
}

/// Weighted proof of one person.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub proof: f64,
    pub join_at: f64,
}

const NEVER: u32 = u32::MAX;

impl ProofStore {
    /// Proof for `n` people. With `(thresholds, norms)`, each person's joining point is set
    /// from their threshold (event-driven threshold runs); without, nobody joins by proof alone
    /// (the rule reads the proof itself). `countdown` chooses the integer form.
    pub fn new(n: usize, countdown: bool, thresholds: Option<(&[f64], &[f64])>) -> Self {
        match (countdown, thresholds) {
            (true, Some((theta, norm))) => {
                ProofStore::Countdown((0..n).map(|v| contacts_needed(theta[v], norm[v])).collect())
            }
            (true, None) => ProofStore::Countdown(vec![NEVER; n]),
            (false, _) => ProofStore::Weighted(
                (0..n)
                    .map(|v| Cell {
                        proof: 0.0,
                        join_at: thresholds.map_or(f64::INFINITY, |(theta, norm)| {
                            join_boundary(theta[v], norm[v])
                        }),
                    })
                    .collect(),
            ),
        }
    }

    /// Whether `v` would join with the proof they have now.
    pub fn is_met(&self, v: u32) -> bool {
        match self {
            ProofStore::Countdown(c) => c[v as usize] == 0,
            ProofStore::Weighted(c) => c[v as usize].proof >= c[v as usize].join_at,
        }
    }

    /// Stops proof from moving `v` (they are pending or dancing).
    #[inline]
    pub fn settle(&mut self, v: u32) {
        match self {
            ProofStore::Countdown(c) => c[v as usize] = NEVER,
            ProofStore::Weighted(c) => c[v as usize].join_at = f64::INFINITY,
        }
    }

    /// Sets the proof at which `v` joins (weighted form only).
    pub fn set_join_at(&mut self, v: u32, join_at: f64) {
        match self {
            ProofStore::Weighted(c) => c[v as usize].join_at = join_at,
            ProofStore::Countdown(_) => unreachable!("movement runs use weighted proof"),
        }
    }

    /// Adds `delta` to `v`'s proof and returns the new proof (weighted form only: influence
    /// that is withdrawn, when someone leaves or a leader quits).
    #[inline]
    pub fn add(&mut self, v: u32, delta: f64) -> f64 {
        match self {
            ProofStore::Weighted(c) => {
                c[v as usize].proof += delta;
                c[v as usize].proof
            }
            ProofStore::Countdown(_) => unreachable!("only weighted proof is ever withdrawn"),
        }
    }

    /// The proof `v` has accumulated (weighted form only; the countdown form is used only where
    /// the rule needs no proof value).
    #[inline]
    pub fn proof(&self, v: u32) -> f64 {
        match self {
            ProofStore::Weighted(c) => c[v as usize].proof,
            ProofStore::Countdown(_) => {
                unreachable!("countdown proof is only used by event-driven threshold runs")
            }
        }
    }

    /// The hot loop: `v`'s influence `weight` reaches everyone who sees `v`; those who reach their
    /// joining point are settled and appended to `ready`.
    #[inline]
    pub fn push(&mut self, graph: &Graph, v: u32, weight: f64, ready: &mut Vec<u32>) {
        let out = graph.out_adjacency();
        let targets = out.neighbors(v);
        match self {
            ProofStore::Countdown(c) => {
                debug_assert!(weight == 1.0 && out.weights(v).is_none());
                for &u in targets {
                    let left = &mut c[u as usize];
                    // NEVER entries are never decremented to 0: in-degrees are below u32::MAX.
                    *left = left.wrapping_sub(1);
                    if *left == 0 {
                        *left = NEVER;
                        ready.push(u);
                    }
                }
            }
            ProofStore::Weighted(cells) => match out.weights(v) {
                None => {
                    for &u in targets {
                        let c = &mut cells[u as usize];
                        c.proof += weight;
                        if c.proof >= c.join_at {
                            c.join_at = f64::INFINITY;
                            ready.push(u);
                        }
                    }
                }
                Some(ws) => {
                    for (&u, &b) in targets.iter().zip(ws) {
                        let c = &mut cells[u as usize];
                        c.proof += weight * f64::from(b);
                        if c.proof >= c.join_at {
                            c.join_at = f64::INFINITY;
                            ready.push(u);
                        }
                    }
                }
            },
        }
    }
}

impl ProofStore {
    /// Whether `self` and `other` hold the same proof and joining points, bit for bit (what the
    /// cycle detector compares: equal bits decide equally for ever after).
    pub fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (ProofStore::Countdown(a), ProofStore::Countdown(b)) => a == b,
            (ProofStore::Weighted(a), ProofStore::Weighted(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| {
                        x.proof.to_bits() == y.proof.to_bits()
                            && x.join_at.to_bits() == y.join_at.to_bits()
                    })
            }
            _ => false,
        }
    }

    /// The pull side of [`ProofStore::push`] for a whole tick at once, on the countdown store
    /// (`None` otherwise): every watcher who could still join counts how many of the people
    /// they see are `joining` this tick, and those whose countdown runs out are appended to
    /// `ready`, in id order. The countdowns end exactly as if every joiner had pushed; when most
    /// of the network joins in one tick, reading each watcher's contacts front to back beats
    /// scattered decrements.
    pub fn pull(
        &mut self,
        graph: &Graph,
        watching: impl Fn(u32) -> bool,
        joining: impl Fn(u32) -> bool,
        ready: &mut Vec<u32>,
    ) -> Option<()> {
        let ProofStore::Countdown(c) = self else {
            return None;
        };
        let inn = graph.in_adjacency();
        for (u, left) in c.iter_mut().enumerate() {
            let u = u as u32;
            let seen = inn.neighbors(u);
            // More contacts still needed than there are contacts: can never join (this covers
            // NEVER, and those already pending or dancing).
            if *left as usize > seen.len() || !watching(u) {
                continue;
            }
            let mut joined = 0;
            for &w in seen {
                if joining(w) {
                    joined += 1;
                    if joined == *left {
                        break;
                    }
                }
            }
            if joined == *left {
                *left = NEVER;
                ready.push(u);
            } else {
                *left -= joined;
            }
        }
        Some(())
    }
}

/// The smallest accumulated proof `x` with `x / norm >= threshold`: comparing proof against it
/// decides exactly as the formula does, without a division in the hot loop.
pub(crate) fn join_boundary(threshold: f64, norm: f64) -> f64 {
    if norm <= 0.0 {
        // No one to watch: only a threshold at or below zero is met.
        return if threshold <= 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let meets = |x: f64| x / norm >= threshold;
    let mut x = threshold * norm;
    if !x.is_finite() {
        return f64::INFINITY;
    }
    while !meets(x) {
        x = x.next_up();
    }
    while meets(x.next_down()) {
        x = x.next_down();
    }
    x
}

/// The smallest whole number of dancing contacts `k` with `k / norm >= threshold`, or `NEVER`
/// when more than `norm` contacts would be needed. `norm` is the in-degree (or 1 for counts).
pub(crate) fn contacts_needed(threshold: f64, norm: f64) -> u32 {
    if norm <= 0.0 {
        return if threshold <= 0.0 { 0 } else { NEVER };
    }
    if threshold <= 0.0 {
        return 0;
    }
    let meets = |k: f64| k / norm >= threshold;
    let mut k = (threshold * norm).ceil();
    let beyond = norm.max(threshold) + 1.0;
    // Nobody has `NEVER` contacts (in-degrees are below it). Below it `k` is far under 2^53,
    // where a float counter stepped by 1 always changes: both loops below end.
    if k.is_nan() || k > beyond || k >= f64::from(NEVER) {
        return NEVER;
    }
    while k > 0.0 && meets(k - 1.0) {
        k -= 1.0;
    }
    while !meets(k) {
        k += 1.0;
        if k > beyond {
            return NEVER;
        }
    }
    k as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Purpose, stream, unit_f64};
    use rand::Rng;

    #[test]
    fn joining_points_decide_exactly_like_the_formula() {
        let mut rng = stream(11, 0, 0, Purpose::People);
        for _ in 0..20_000 {
            let norm = (1 + (rng.next_u64() % 50)) as f64;
            let theta = unit_f64(&mut rng) * 1.2;
            let b = join_boundary(theta, norm);
            let k = contacts_needed(theta, norm);
            for j in 0..=norm as u32 {
                let x = f64::from(j);
                let formula = x / norm >= theta;
                assert_eq!(x >= b, formula, "theta {theta}, norm {norm}, j {j}");
                assert_eq!(j >= k, formula, "theta {theta}, norm {norm}, j {j}, k {k}");
            }
            assert!(b.next_down() / norm < theta);
        }
        // Thresholds so large that a float counter would stop changing: never met, at once.
        assert_eq!(contacts_needed(1e16, 1.0), NEVER);
        assert_eq!(contacts_needed(1e16, 3.0), NEVER);
        assert_eq!(contacts_needed(f64::MAX, 1.0), NEVER);
        assert_eq!(contacts_needed(4294967295.5, 1.0), NEVER);
        // Count thresholds: norm 1.
        assert_eq!(contacts_needed(2.0, 1.0), 2);
        assert_eq!(contacts_needed(1.5, 1.0), 2);
        assert_eq!(contacts_needed(0.0, 1.0), 0);
    }
}
