//! The headline numbers of an ensemble of runs: how big the movement gets, how often it
//! cascades, when the first follower comes and what follows, how fast the movement grows, and
//! how long runs take.
//!
//! Every front end (the terminal, `run.json`, the report, the live view) reads these from
//! [`EnsembleSummary`], so a number is computed once and reads the same everywhere.

use serde::Serialize;

use std::collections::BTreeMap;

use super::summary::{mean_interval, quantile, wilson};
use super::ticks::{TickValues, ValueCounts};
use crate::error::Error;
use crate::experiment::{RunBlock, RunSink};
use crate::fmt::{counted, percent};
use crate::graph::Graph;
use crate::simulation::{RunOutcome, RunRecord};

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

impl TickSpan {
    /// The span of ticks counted in `ticks` (whole numbers as `f64`); `None` when there are
    /// none. The same numbers as [`TickSpan::of`] the ticks themselves.
    pub fn of_counts(ticks: &ValueCounts) -> Option<TickSpan> {
        let first = ticks.iter().next()?.0;
        let last = ticks.iter().next_back()?.0;
        Some(TickSpan {
            runs: ticks.len() as usize,
            median: ticks.quantile(0.5),
            first: first as u32,
            last: last as u32,
        })
    }
}

/// What [`EnsembleSummary`] (and the tables beside it) need of each run, in compact form: an
/// ensemble streams its runs through this instead of keeping every outcome.
///
/// Only the final fractions are kept one per run (8 bytes a run): their mean and standard
/// deviation add them up in replicate order, and pictures draw every one. Everything else is a
/// tick, of which a run has at most `max_ticks + 1`, so ticks are counted by value
/// ([`ValueCounts`]): their memory is bounded by the number of distinct ticks, whatever the
/// number of runs, and their medians are still exact.
#[derive(Debug, Clone, Default)]
pub struct SummaryColumns {
    /// Final fraction of every run, in the order pushed (the mean adds them in that order).
    finals: Vec<f64>,
    /// Ticks of every run.
    ticks: ValueCounts,
    /// First follower tick of the runs that had one.
    first_follower: ValueCounts,
    /// Of those, the runs that cascaded.
    movements: u64,
    /// Ticks reaching half and 90% of the final size, over the runs that cascaded.
    final_50: ValueCounts,
    final_90: ValueCounts,
    /// Ticks the critical mass was passed and the leader quit, over the runs they came in.
    critical_mass: ValueCounts,
    leader_quit: ValueCounts,
    cascades: u64,
    /// The runs that ended in a cycle: how many had each period, the ticks they repeated from
    /// and the lowest and highest share following in any of their cycles.
    cycle_periods: BTreeMap<u32, usize>,
    cycle_from: ValueCounts,
    cycle_swing: [f64; 2],
}

impl SummaryColumns {
    /// Adds the next run.
    pub fn push(&mut self, o: &RunOutcome) {
        let tick = |t: u32| f64::from(t);
        self.finals.push(o.final_fraction);
        self.ticks.add(tick(o.ticks));
        if let Some(t) = o.first_follower_tick {
            self.first_follower.add(tick(t));
            self.movements += u64::from(o.cascaded);
        }
        if o.cascaded {
            self.cascades += 1;
            if let Some(t) = o.final_50_tick {
                self.final_50.add(tick(t));
            }
            if let Some(t) = o.final_90_tick {
                self.final_90.add(tick(t));
            }
        }
        if let Some(t) = o.critical_mass_tick {
            self.critical_mass.add(tick(t));
        }
        if let Some(t) = o.leader_quit_tick {
            self.leader_quit.add(tick(t));
        }
        if let Some(c) = &o.cycle {
            if self.cycle_from.is_empty() {
                self.cycle_swing = [f64::INFINITY, 0.0];
            }
            *self.cycle_periods.entry(c.period).or_default() += 1;
            self.cycle_from.add(tick(c.from_tick));
            self.cycle_swing = [
                self.cycle_swing[0].min(c.low_fraction),
                self.cycle_swing[1].max(c.high_fraction),
            ];
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

    /// How many runs cascaded.
    pub fn cascades(&self) -> u64 {
        self.cascades
    }

    /// When the critical mass was passed, over the runs in which it was; `None` when never.
    pub fn critical_mass(&self) -> Option<TickSpan> {
        TickSpan::of_counts(&self.critical_mass)
    }

    /// When the leader quit, over the runs in which they did; `None` when never.
    pub fn leader_quit(&self) -> Option<TickSpan> {
        TickSpan::of_counts(&self.leader_quit)
    }

    /// How many distinct values the counted columns hold (bounded by the ticks a run may last,
    /// not by the number of runs).
    pub fn counted_values(&self) -> usize {
        [
            &self.ticks,
            &self.first_follower,
            &self.final_50,
            &self.final_90,
            &self.critical_mass,
            &self.leader_quit,
            &self.cycle_from,
        ]
        .iter()
        .map(|c| c.distinct())
        .sum::<usize>()
            + self.cycle_periods.len()
    }

    /// The headline numbers of the runs pushed.
    pub fn summary(&self) -> EnsembleSummary {
        let m = mean_interval(&self.finals);
        let mut finals = self.finals.clone();
        finals.sort_by(f64::total_cmp);
        let p = wilson(self.cascades, self.finals.len() as u64);
        EnsembleSummary {
            replicates: self.finals.len(),
            final_fraction_mean: m.mean,
            // A fraction lies in [0, 1]; so does any interval of its mean worth printing.
            final_fraction_ci: [m.low.max(0.0), m.high.min(1.0)],
            final_fraction_range95: [quantile(&finals, 0.025), quantile(&finals, 0.975)],
            cascade_probability: p.estimate,
            cascade_probability_ci: [p.low, p.high],
            median_ticks: self.ticks.quantile(0.5),
            first_follower: TickSpan::of_counts(&self.first_follower),
            movement_after_first_follower: Share::new(self.movements, self.first_follower.len()),
            final_50: TickSpan::of_counts(&self.final_50),
            final_90: TickSpan::of_counts(&self.final_90),
            cycles: self.cycle_summary(),
        }
    }

    fn cycle_summary(&self) -> Option<CycleSummary> {
        let from_tick = TickSpan::of_counts(&self.cycle_from)?;
        Some(CycleSummary {
            runs: from_tick.runs,
            periods: self
                .cycle_periods
                .iter()
                .map(|(&period, &runs)| PeriodRuns { period, runs })
                .collect(),
            from_tick,
            swing: self.cycle_swing,
        })
    }
}

/// The final share following of each block of a network with blocks (an organisation's
/// levels), over the runs: each block's mean (added up in replicate order, as a sum over every
/// run's share would) and its shares counted by value for exact quantiles. A block's share
/// takes at most (its people + 1) values, so memory does not grow with the runs.
#[derive(Debug, Clone, Default)]
pub struct BlockShares {
    /// Per block: the sum of its shares in replicate order, and the shares counted.
    blocks: Vec<(f64, ValueCounts)>,
}

impl BlockShares {
    /// Adds the next run's shares, block by block (empty for a network without blocks).
    pub fn push(&mut self, shares: &[f64]) {
        if self.blocks.len() < shares.len() {
            // Start as `Iterator::sum` does for f64 (at -0.0), so the sums are its very bits.
            self.blocks
                .resize_with(shares.len(), || (-0.0, ValueCounts::default()));
        }
        for (block, &s) in self.blocks.iter_mut().zip(shares) {
            block.0 += s;
            block.1.add(s);
        }
    }

    /// How many blocks some run had a share for.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether no run had blocks.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The mean share of block `b` over the runs that had it (0 when none did).
    pub fn mean(&self, b: usize) -> f64 {
        self.blocks
            .get(b)
            .map_or(0.0, |(sum, counts)| sum / counts.len().max(1) as f64)
    }

    /// The shares of block `b` over the runs, counted by value.
    pub fn shares(&self, b: usize) -> Option<&ValueCounts> {
        self.blocks.get(b).map(|(_, counts)| counts)
    }
}

/// Every tick of the runs that recorded a time series, over those runs: the share of the crowd
/// following (what the adoption curve's median and band are read from) and, when trust is
/// modelled, the crowd's and the followers' mean trust; with when the first follower came and
/// when the leader quit, over the same runs.
///
/// Shares of a crowd of N take at most N + 1 values, so the adoption curve's memory is bounded
/// by the ticks and the crowd, whatever the number of replicates (see [`TickValues`]). Mean
/// trust is a real number that differs from run to run: its curves keep an entry per run and
/// tick at which it changed, bounded by the time series' own limit
/// ([`crate::limits::MAX_TIMESERIES_ROWS`]).
#[derive(Debug, Clone, Default)]
pub struct SeriesCurves {
    /// The crowd's size is the network's people less each run's leaders.
    people: usize,
    trust: bool,
    /// The share of the crowd following at each tick.
    pub following: TickValues,
    /// The whole crowd's mean trust at each tick (only when trust is modelled).
    pub trust_crowd: TickValues,
    /// The followers' mean trust at each tick, over the runs with followers then (only when
    /// trust is modelled).
    pub trust_followers: TickValues,
    /// The tick of the first follower, over the runs with a time series that had one.
    pub first_follower: ValueCounts,
    /// The tick the leader quit, over the runs with a time series in which they did.
    pub leader_quit: ValueCounts,
}

impl SeriesCurves {
    /// Curves over runs on a network of `people`, with the trust curves when `trust`.
    pub fn new(people: usize, trust: bool) -> Self {
        SeriesCurves {
            people,
            trust,
            ..SeriesCurves::default()
        }
    }

    /// Adds the next run; a run without a time series adds nothing.
    pub fn push(&mut self, run: &RunRecord) {
        let ts = &run.timeseries;
        if ts.is_empty() {
            return;
        }
        let crowd = self.people.saturating_sub(run.leaders.len()).max(1) as f64;
        self.following.add_run(
            ts.iter()
                .map(|t| (t.tick, Some(f64::from(t.following) / crowd))),
        );
        if self.trust {
            self.trust_crowd
                .add_run(ts.iter().map(|t| (t.tick, Some(t.mean_trust))));
            self.trust_followers
                .add_run(ts.iter().map(|t| (t.tick, t.mean_trust_followers)));
        }
        if let Some(t) = run.outcome.first_follower_tick {
            self.first_follower.add(f64::from(t));
        }
        if let Some(t) = run.outcome.leader_quit_tick {
            self.leader_quit.add(f64::from(t));
        }
    }

    /// How many runs recorded a time series.
    pub fn runs(&self) -> usize {
        self.following.runs() as usize
    }

    /// How many entries the curves hold (what their memory grows with).
    pub fn entries(&self) -> usize {
        self.following.entries()
            + self.trust_crowd.entries()
            + self.trust_followers.entries()
            + self.first_follower.distinct()
            + self.leader_quit.distinct()
    }
}

/// What an ensemble keeps of its runs for the summaries, tables and pictures, taken in
/// replicate order: the outcomes' compact columns, the shares by block and the curves over
/// ticks. None of it keeps a run's record.
#[derive(Debug, Clone, Default)]
pub struct RunAggregates {
    /// The outcomes, for the headline numbers.
    pub outcomes: SummaryColumns,
    /// The final share following by block (a network with blocks only).
    pub blocks: BlockShares,
    /// The curves over ticks of the runs with a time series.
    pub series: SeriesCurves,
    /// Every person's block on the shared network, when it has blocks.
    block_of: Option<Vec<u32>>,
}

impl RunAggregates {
    /// Aggregates of runs on `graph` (the ensemble's shared network: its people and blocks
    /// count for every run, as the files do), with the trust curves when `trust`.
    pub fn new(graph: &Graph, trust: bool) -> Self {
        RunAggregates {
            series: SeriesCurves::new(graph.node_count(), trust),
            block_of: graph.blocks().map(<[u32]>::to_vec),
            ..RunAggregates::default()
        }
    }

    /// Adds the next run.
    pub fn push(&mut self, run: &RunRecord) {
        self.outcomes.push(&run.outcome);
        if let Some(blocks) = &self.block_of {
            self.blocks.push(&run.final_block_shares(blocks));
        }
        self.series.push(run);
    }
}

/// The aggregates as a sink of an ensemble's runs, taken block by block in replicate order.
impl RunSink for RunAggregates {
    fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error> {
        block.runs.iter().for_each(|r| self.push(r));
        Ok(())
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
