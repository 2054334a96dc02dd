//! The headline numbers of an ensemble of runs: how big the movement gets, how often it
//! cascades, when the first follower comes and what follows, how fast the movement grows, and
//! how long runs take.
//!
//! Every front end (the terminal, `run.json`, the report, the live view) reads these from
//! [`EnsembleSummary`], so a number is computed once and reads the same everywhere.

use serde::Serialize;

use super::summary::{mean_interval, quantile, wilson};
use crate::fmt::{counted, percent};
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
    /// The runs that ended in an endless join/leave cycle (see [`RunOutcome::cycle`]); `None`
    /// when none did, and then left out of `run.json`, which stays as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycles: Option<CycleSummary>,
}

/// The runs of an ensemble that ended in a repeating join/leave cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CycleSummary {
    /// How many runs did.
    pub runs: usize,
    /// Each period found and how many runs repeated with it, shortest period first.
    pub periods: Vec<PeriodRuns>,
    /// The tick from which each run repeated (the tick whose state came back), over those runs.
    pub from_tick: TickSpan,
    /// The smallest and the largest fraction of the crowd following at any tick of any of those
    /// cycles: how far the crowd swings.
    pub swing: [f64; 2],
}

impl CycleSummary {
    /// The cycles in words, for a summary of `replicates` runs: "3 of 10 runs joined and left
    /// in a repeating cycle, every 2 ticks from tick 3; each was ended there (final size as at
    /// that tick; 50.0% following at every tick of the cycles)". Every front end says it this way.
    pub fn in_words(&self, replicates: usize) -> String {
        let every = |p: u32| match p {
            1 => "every tick".to_string(),
            p => format!("every {p} ticks"),
        };
        let periods = match self.periods.as_slice() {
            [one] => every(one.period),
            many => many
                .iter()
                .map(|p| {
                    format!(
                        "{} ({})",
                        every(p.period),
                        counted(p.runs as u64, "run", "runs")
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        let from = if self.from_tick.first == self.from_tick.last {
            format!("tick {}", self.from_tick.first)
        } else {
            format!(
                "ticks {} to {} (median {})",
                self.from_tick.first, self.from_tick.last, self.from_tick.median
            )
        };
        let swing = if self.swing[0] == self.swing[1] {
            format!(
                "{} following at every tick of the cycles",
                percent(self.swing[0])
            )
        } else {
            format!(
                "{} to {} following in the cycles",
                percent(self.swing[0]),
                percent(self.swing[1])
            )
        };
        format!(
            "{} of {} joined and left in a repeating cycle, {periods} from {from}; each was \
             ended there (final size as at that tick; {swing})",
            self.runs,
            counted(replicates as u64, "run", "runs"),
        )
    }
}

/// How many runs repeated with one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodRuns {
    /// Ticks between two equal states.
    pub period: u32,
    /// Runs with that period.
    pub runs: usize,
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
    /// Summarises the outcomes of the runs, in replicate order.
    pub fn new(outcomes: &[RunOutcome]) -> Self {
        let mut columns = SummaryColumns::default();
        for o in outcomes {
            columns.push(o);
        }
        columns.summary()
    }
}

/// What [`EnsembleSummary`] needs of each run, in compact columns: an ensemble streams its
/// runs through this instead of keeping every outcome (about 24 bytes a run instead of a whole
/// record). The quantiles printed are exact, so the columns they read are kept whole; counts
/// are only counted.
#[derive(Debug, Clone, Default)]
pub struct SummaryColumns {
    /// Final fraction of every run, in the order pushed (the mean adds them in that order).
    finals: Vec<f64>,
    /// Ticks of every run.
    ticks: Vec<u32>,
    /// First follower tick of the runs that had one, and whether each cascaded.
    first_follower: Vec<(u32, bool)>,
    /// Ticks reaching half and 90% of the final size, over the runs that cascaded.
    final_50: Vec<u32>,
    final_90: Vec<u32>,
    cascades: u64,
    /// `(period, from_tick, low, high)` of the runs that ended in a cycle (few, as a rule).
    cycles: Vec<(u32, u32, f64, f64)>,
}

impl SummaryColumns {
    /// Adds the next run.
    pub fn push(&mut self, o: &RunOutcome) {
        self.finals.push(o.final_fraction);
        self.ticks.push(o.ticks);
        if let Some(t) = o.first_follower_tick {
            self.first_follower.push((t, o.cascaded));
        }
        if o.cascaded {
            self.cascades += 1;
            self.final_50.extend(o.final_50_tick);
            self.final_90.extend(o.final_90_tick);
        }
        if let Some(c) = &o.cycle {
            self.cycles
                .push((c.period, c.from_tick, c.low_fraction, c.high_fraction));
        }
    }

    /// How many runs were pushed.
    pub fn len(&self) -> usize {
        self.finals.len()
    }

    /// Whether no run was pushed.
    pub fn is_empty(&self) -> bool {
        self.finals.is_empty()
    }

    /// The final fractions, in the order pushed (what the final-size histogram draws).
    pub fn final_fractions(&self) -> &[f64] {
        &self.finals
    }

    /// The headline numbers of the runs pushed.
    pub fn summary(&self) -> EnsembleSummary {
        let m = mean_interval(&self.finals);
        let mut finals = self.finals.clone();
        finals.sort_by(f64::total_cmp);
        let mut ticks: Vec<f64> = self.ticks.iter().map(|&t| f64::from(t)).collect();
        ticks.sort_by(f64::total_cmp);
        let p = wilson(self.cascades, self.finals.len() as u64);
        let movements = self.first_follower.iter().filter(|(_, c)| *c).count() as u64;
        EnsembleSummary {
            replicates: self.finals.len(),
            final_fraction_mean: m.mean,
            // A fraction lies in [0, 1]; so does any interval of its mean worth printing.
            final_fraction_ci: [m.low.max(0.0), m.high.min(1.0)],
            final_fraction_range95: [quantile(&finals, 0.025), quantile(&finals, 0.975)],
            cascade_probability: p.estimate,
            cascade_probability_ci: [p.low, p.high],
            median_ticks: quantile(&ticks, 0.5),
            first_follower: TickSpan::of(self.first_follower.iter().map(|&(t, _)| t)),
            movement_after_first_follower: Share::new(movements, self.first_follower.len() as u64),
            final_50: TickSpan::of(self.final_50.iter().copied()),
            final_90: TickSpan::of(self.final_90.iter().copied()),
            cycles: self.cycle_summary(),
        }
    }

    fn cycle_summary(&self) -> Option<CycleSummary> {
        let from_tick = TickSpan::of(self.cycles.iter().map(|c| c.1))?;
        let mut periods: Vec<PeriodRuns> = Vec::new();
        let mut sorted: Vec<u32> = self.cycles.iter().map(|c| c.0).collect();
        sorted.sort_unstable();
        for period in sorted {
            match periods.last_mut() {
                Some(last) if last.period == period => last.runs += 1,
                _ => periods.push(PeriodRuns { period, runs: 1 }),
            }
        }
        let low = self
            .cycles
            .iter()
            .map(|c| c.2)
            .fold(f64::INFINITY, f64::min);
        let high = self.cycles.iter().map(|c| c.3).fold(0.0, f64::max);
        Some(CycleSummary {
            runs: self.cycles.len(),
            periods,
            from_tick,
            swing: [low, high],
        })
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
            cycle: None,
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
    fn runs_that_ended_in_a_cycle_are_counted_by_period() {
        let cycled = |period, from_tick, low_fraction, high_fraction| RunOutcome {
            cycle: Some(crate::simulation::Cycle {
                period,
                from_tick,
                low_fraction,
                high_fraction,
            }),
            ..RunOutcome::default()
        };
        let s = EnsembleSummary::new(&[
            cycled(2, 5, 0.5, 0.5),
            run(None, false, None, None),
            cycled(4, 9, 0.25, 0.75),
            cycled(2, 3, 0.4, 0.6),
        ]);
        let c = s.cycles.unwrap();
        assert_eq!(c.runs, 3);
        assert_eq!(
            c.periods,
            vec![
                PeriodRuns { period: 2, runs: 2 },
                PeriodRuns { period: 4, runs: 1 }
            ]
        );
        assert_eq!((c.from_tick.first, c.from_tick.last), (3, 9));
        assert_eq!(c.swing, [0.25, 0.75]);
        assert_eq!(
            c.in_words(4),
            "3 of 4 runs joined and left in a repeating cycle, every 2 ticks (2 runs), every 4 \
             ticks (1 run) from ticks 3 to 9 (median 5); each was ended there (final size as at \
             that tick; 25.0% to 75.0% following in the cycles)"
        );
        let json = serde_json::to_string(&EnsembleSummary::new(&[run(None, false, None, None)]));
        assert!(
            !json.unwrap().contains("cycles"),
            "absent when no run cycled"
        );
    }

    #[test]
    fn moments_no_run_reached_are_absent_not_zero() {
        let s = EnsembleSummary::new(&[run(None, false, None, None)]);
        assert!(s.first_follower.is_none());
        assert!(s.movement_after_first_follower.is_none());
        assert!(s.final_50.is_none() && s.final_90.is_none());
    }
}
