//! The headline numbers of an ensemble of runs: how big the movement gets, how often it
//! cascades, when the first follower comes and what follows, how fast the movement grows, and
//! how long runs take.
//!
//! Every front end (the terminal, `run.json`, the report, the live view) reads these from
//! [`EnsembleSummary`], so a number is computed once and reads the same everywhere.

use serde::Serialize;

use super::summary::{mean_interval, quantile, wilson};
use crate::simulation::RunOutcome;

/// Headline numbers over the replicates of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleSummary {
    /// Number of runs.
    pub replicates: usize,
    /// Mean final fraction following.
    pub final_fraction_mean: f64,
    /// 95% interval of that mean (Student t, clipped to [0, 1]).
    pub final_fraction_ci: [f64; 2],
    /// The 2.5% and 97.5% quantiles of the final fraction over runs (often bimodal).
    pub final_fraction_range95: [f64; 2],
    /// Share of runs that cascaded.
    pub cascade_probability: f64,
    /// 95% Wilson interval of that share.
    pub cascade_probability_ci: [f64; 2],
    /// Median number of ticks a run took.
    pub median_ticks: f64,
    /// When the first follower came, over the runs that had one; `None` when no run had one.
    pub first_follower: Option<TickSpan>,
    /// Of the runs with a first follower, those that cascaded: how often a movement followed
    /// the first follower; `None` when no run had one.
    pub movement_after_first_follower: Option<Share>,
    /// The tick by which half of the final crowd followed, over the runs that cascaded (how long
    /// a movement takes to build); `None` when no run cascaded.
    pub final_50: Option<TickSpan>,
    /// The tick by which 90% of the final crowd followed, over the runs that cascaded.
    pub final_90: Option<TickSpan>,
}

/// A moment over the runs that reached it: how many did, the median tick and the range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TickSpan {
    /// Runs the moment came in.
    pub runs: usize,
    /// Median tick over those runs.
    pub median: f64,
    /// Earliest tick.
    pub first: u32,
    /// Latest tick.
    pub last: u32,
}

impl TickSpan {
    /// The span of the ticks given; `None` when there are none.
    pub fn of(ticks: impl IntoIterator<Item = u32>) -> Option<TickSpan> {
        let mut ticks: Vec<u32> = ticks.into_iter().collect();
        ticks.sort_unstable();
        let sorted: Vec<f64> = ticks.iter().map(|&t| f64::from(t)).collect();
        Some(TickSpan {
            runs: ticks.len(),
            median: quantile(&sorted, 0.5),
            first: *ticks.first()?,
            last: *ticks.last()?,
        })
    }
}

/// A count out of a number of runs, as a share with its 95% Wilson interval (always within
/// [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// Runs counted.
    pub count: u64,
    /// Out of this many.
    pub of: u64,
    /// `count / of`.
    pub estimate: f64,
    /// 95% Wilson interval of the share.
    pub ci: [f64; 2],
}

impl Share {
    /// `count` out of `of`; `None` when `of` is 0 (a share of nothing).
    pub fn new(count: u64, of: u64) -> Option<Share> {
        (of > 0).then(|| {
            let p = wilson(count, of);
            Share {
                count,
                of,
                estimate: p.estimate,
                ci: [p.low, p.high],
            }
        })
    }
}

impl EnsembleSummary {
    /// Summarises the outcomes of the runs.
    pub fn new(outcomes: &[RunOutcome]) -> Self {
        let mut finals: Vec<f64> = outcomes.iter().map(|o| o.final_fraction).collect();
        let m = mean_interval(&finals);
        finals.sort_by(f64::total_cmp);
        let mut ticks: Vec<f64> = outcomes.iter().map(|o| f64::from(o.ticks)).collect();
        ticks.sort_by(f64::total_cmp);
        let cascades = outcomes.iter().filter(|o| o.cascaded).count() as u64;
        let p = wilson(cascades, outcomes.len() as u64);
        let with_first: Vec<&RunOutcome> = outcomes
            .iter()
            .filter(|o| o.first_follower_tick.is_some())
            .collect();
        let movements = with_first.iter().filter(|o| o.cascaded).count() as u64;
        let cascaded = || outcomes.iter().filter(|o| o.cascaded);
        EnsembleSummary {
            replicates: outcomes.len(),
            final_fraction_mean: m.mean,
            // A fraction lies in [0, 1]; so does any interval of its mean worth printing.
            final_fraction_ci: [m.low.max(0.0), m.high.min(1.0)],
            final_fraction_range95: [quantile(&finals, 0.025), quantile(&finals, 0.975)],
            cascade_probability: p.estimate,
            cascade_probability_ci: [p.low, p.high],
            median_ticks: quantile(&ticks, 0.5),
            first_follower: TickSpan::of(with_first.iter().filter_map(|o| o.first_follower_tick)),
            movement_after_first_follower: Share::new(movements, with_first.len() as u64),
            final_50: TickSpan::of(cascaded().filter_map(|o| o.final_50_tick)),
            final_90: TickSpan::of(cascaded().filter_map(|o| o.final_90_tick)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(first: Option<u32>, cascaded: bool, f50: Option<u32>, f90: Option<u32>) -> RunOutcome {
        RunOutcome {
            cascaded,
            final_fraction: if cascaded { 0.9 } else { 0.0 },
            first_follower_tick: first,
            final_50_tick: f50,
            final_90_tick: f90,
            ..RunOutcome::default()
        }
    }

    #[test]
    fn first_follower_movement_and_growth_are_summarised_over_the_runs_they_concern() {
        let s = EnsembleSummary::new(&[
            run(Some(10), true, Some(20), Some(30)),
            run(Some(40), true, Some(60), Some(70)),
            run(Some(100), false, None, None),
            run(None, false, None, None),
        ]);
        let ff = s.first_follower.unwrap();
        assert_eq!((ff.runs, ff.median, ff.first, ff.last), (3, 40.0, 10, 100));
        let m = s.movement_after_first_follower.unwrap();
        assert_eq!((m.count, m.of), (2, 3));
        assert!(m.ci[0] >= 0.0 && m.ci[1] <= 1.0 && m.ci[0] < m.estimate);
        let f50 = s.final_50.unwrap();
        assert_eq!(
            (f50.runs, f50.median, f50.first, f50.last),
            (2, 40.0, 20, 60)
        );
        assert_eq!(s.final_90.unwrap().median, 50.0);
    }

    #[test]
    fn moments_no_run_reached_are_absent_not_zero() {
        let s = EnsembleSummary::new(&[run(None, false, None, None)]);
        assert!(s.first_follower.is_none());
        assert!(s.movement_after_first_follower.is_none());
        assert!(s.final_50.is_none() && s.final_90.is_none());
    }
}
