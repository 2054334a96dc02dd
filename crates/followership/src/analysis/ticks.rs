//! Exact distributions of values over runs, kept without keeping the runs: [`ValueCounts`] (a
//! multiset of numbers, with the very quantiles of [`quantile`](super::summary::quantile) over the sorted values) and
//! [`TickValues`] (at every tick, the values of a quantity over the runs, a run that has ended
//! keeping its last value).
//!
//! Both count equal values once, so their size grows with the number of *distinct* values, not
//! with the number of runs: the share of a crowd of N following takes at most N + 1 values at a
//! tick whatever the number of replicates. Values are compared bit for bit (in
//! [`f64::total_cmp`] order), so nothing is rounded and every quantile is the one computed from
//! all the values sorted.

use std::collections::BTreeMap;

#[cfg(test)]
use super::summary::quantile;

/// The key of `v` in [`f64::total_cmp`] order: equal keys are the same bits, and keys sort as
/// `total_cmp` sorts the values.
fn key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The value of a [`key`].
fn value(key: i64) -> f64 {
    // The transformation flips the low 63 bits of negative numbers: it is its own inverse.
    f64::from_bits((key ^ ((((key >> 63) as u64) >> 1) as i64)) as u64)
}

/// A multiset of numbers: each distinct value with how many times it was added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueCounts {
    counts: BTreeMap<i64, u64>,
    len: u64,
}

impl ValueCounts {
    /// Adds `v` once.
    pub fn add(&mut self, v: f64) {
        self.add_n(v, 1);
    }

    /// Adds `v` `n` times.
    pub fn add_n(&mut self, v: f64, n: u64) {
        if n > 0 {
            *self.counts.entry(key(v)).or_default() += n;
            self.len += n;
        }
    }

    /// Removes `v` `n` times; there must be that many.
    fn remove_n(&mut self, v: i64, n: u64) {
        let c = self
            .counts
            .get_mut(&v)
            .expect("removes only what was added");
        *c -= n;
        if *c == 0 {
            self.counts.remove(&v);
        }
        self.len -= n;
    }

    /// How many values were added.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no value was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many distinct values there are (what the memory grows with).
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// The `q`-quantile: exactly [`quantile`](super::summary::quantile) of the values sorted (NaN when there are none).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.len == 0 {
            return f64::NAN;
        }
        // The same position arithmetic as `quantile`, then the order statistics it reads.
        let n = usize::try_from(self.len).expect("counted values fit in memory's indices");
        let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos.fract());
        let (low, high) = self.order_statistics(i as u64);
        if i + 1 < n {
            low + frac * (high - low)
        } else {
            low
        }
    }

    /// The `i`-th and `i + 1`-th smallest values (the `i`-th twice when it is the largest).
    fn order_statistics(&self, i: u64) -> (f64, f64) {
        let mut seen = 0;
        let mut iter = self.counts.iter();
        let mut low = None;
        for (&k, &c) in iter.by_ref() {
            seen += c;
            if seen > i {
                low = Some(k);
                break;
            }
        }
        let low = low.expect("i is below the number of values");
        // The next value is the same one when its count reaches past i + 1.
        let high = if seen > i + 1 {
            low
        } else {
            iter.next().map_or(low, |(&k, _)| k)
        };
        (value(low), value(high))
    }

    /// The distinct values, smallest first, with their counts.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
        self.counts.iter().map(|(&k, &c)| (value(k), c))
    }
}

/// At every tick, the value of one quantity in every run, a run that has ended counting with
/// its last value at every later tick: what the band of a curve over replicates is read from.
///
/// A run is added as its values at the ticks it recorded; only the changes are stored (a run
/// that keeps a value adds nothing until it changes), summed over runs by (tick, value). Memory
/// is one entry per tick and value at which the number of runs changed: at most
/// `2 * (ticks + 1) * distinct values`, and for a share of a crowd of N at most
/// `2 * (ticks + 1) * (N + 1)` entries whatever the number of replicates.
#[derive(Debug, Clone, Default)]
pub struct TickValues {
    /// At tick t, how many runs took each value from t on (negative: left it at t).
    changes: Vec<BTreeMap<i64, i64>>,
    /// The last tick any run recorded.
    last: Option<u32>,
    runs: u64,
}

impl TickValues {
    /// Adds a run from its values at the ticks it recorded, in increasing tick order: the value
    /// at tick t is the one recorded last at or before t (the first one before it recorded any),
    /// and `None` counts as no value (a mean over nobody, say). A run with no values adds
    /// nothing.
    pub fn add_run(&mut self, values: impl IntoIterator<Item = (u32, Option<f64>)>) {
        let mut current: Option<i64> = None;
        let mut any = false;
        for (tick, v) in values {
            self.last = self.last.max(Some(tick));
            let v = v.map(key);
            if any && v == current {
                continue;
            }
            // The first recorded value holds from tick 0.
            let from = if any { tick } else { 0 };
            if let Some(old) = current {
                self.change(from, old, -1);
            }
            if let Some(new) = v {
                self.change(from, new, 1);
            }
            current = v;
            any = true;
        }
        if any {
            self.runs += 1;
        }
    }

    fn change(&mut self, tick: u32, v: i64, by: i64) {
        let t = tick as usize;
        if self.changes.len() <= t {
            self.changes.resize_with(t + 1, BTreeMap::new);
        }
        let at = &mut self.changes[t];
        let c = at.entry(v).or_default();
        *c += by;
        if *c == 0 {
            at.remove(&v);
        }
    }

    /// How many runs were added.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// The last tick any run recorded; `None` when no run was added.
    pub fn last_tick(&self) -> Option<u32> {
        self.last
    }

    /// How many (tick, value) entries are stored: what the memory grows with.
    pub fn entries(&self) -> usize {
        self.changes.iter().map(BTreeMap::len).sum()
    }

    /// The values over the runs at each of `ticks` (increasing), handed to `at` in turn.
    pub fn at_ticks(&self, ticks: &[u32], mut at: impl FnMut(u32, &ValueCounts)) {
        let mut now = ValueCounts::default();
        let mut next = 0usize;
        for &tick in ticks {
            while next < self.changes.len() && next <= tick as usize {
                for (&v, &c) in &self.changes[next] {
                    if c > 0 {
                        now.counts
                            .entry(v)
                            .and_modify(|n| *n += c as u64)
                            .or_insert(c as u64);
                        now.len += c as u64;
                    } else {
                        now.remove_n(v, c.unsigned_abs());
                    }
                }
                next += 1;
            }
            at(tick, &now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_as_total_cmp_and_give_the_same_bits_back() {
        let mut values = vec![
            -1.5,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1e-300,
        ];
        let mut by_key = values.clone();
        values.sort_by(f64::total_cmp);
        by_key.sort_by_key(|&v| key(v));
        for (a, b) in values.iter().zip(&by_key) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        for v in values {
            assert_eq!(value(key(v)).to_bits(), v.to_bits());
        }
    }

    #[test]
    fn quantiles_of_counts_are_those_of_the_sorted_values() {
        // Deterministic values with many repeats, as shares of a small crowd are.
        let mut state = 12345u64;
        for n in [1usize, 2, 3, 7, 10, 101, 1000] {
            let mut counts = ValueCounts::default();
            let mut all = Vec::new();
            for _ in 0..n {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let v = f64::from((state >> 33) as u32 % 13) / 12.0;
                counts.add(v);
                all.push(v);
            }
            all.sort_by(f64::total_cmp);
            assert!(counts.distinct() <= 13);
            for q in [0.0, 0.025, 0.1, 0.5, 0.9, 0.975, 1.0] {
                assert_eq!(
                    counts.quantile(q).to_bits(),
                    quantile(&all, q).to_bits(),
                    "n = {n}, q = {q}"
                );
            }
        }
        assert!(ValueCounts::default().quantile(0.5).is_nan());
    }

    #[test]
    fn a_run_that_ended_keeps_its_last_value_at_later_ticks() {
        let mut t = TickValues::default();
        t.add_run([(0, Some(0.0)), (1, Some(0.5)), (2, Some(1.0))]);
        t.add_run([(0, Some(0.0)), (1, Some(0.25))]);
        t.add_run([(0, None), (1, Some(0.75)), (2, Some(0.75)), (3, None)]);
        assert_eq!((t.runs(), t.last_tick()), (3, Some(3)));
        let mut seen = Vec::new();
        t.at_ticks(&[0, 1, 2, 3, 5], |tick, v| {
            seen.push((tick, v.iter().collect::<Vec<_>>()));
        });
        assert_eq!(
            seen,
            vec![
                (0, vec![(0.0, 2)]),
                (1, vec![(0.25, 1), (0.5, 1), (0.75, 1)]),
                (2, vec![(0.25, 1), (0.75, 1), (1.0, 1)]),
                (3, vec![(0.25, 1), (1.0, 1)]),
                (5, vec![(0.25, 1), (1.0, 1)]),
            ]
        );
    }

    #[test]
    fn memory_grows_with_distinct_values_not_with_runs() {
        let mut t = TickValues::default();
        for r in 0..10_000u32 {
            // Every run climbs from 0 to one of ten final values over 50 ticks.
            let end = f64::from(r % 10 + 1);
            t.add_run((0..=50).map(|tick| (tick, Some(end * f64::from(tick.min(20)) / 20.0))));
        }
        assert_eq!(t.runs(), 10_000);
        // At most 2 entries a tick and value: 21 ticks of change, at most 10 values each.
        assert!(t.entries() <= 2 * 21 * 10, "{}", t.entries());
    }
}
