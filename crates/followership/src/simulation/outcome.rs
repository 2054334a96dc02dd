//! What one run produces: a row per tick, a summary of the whole run, and (when asked) every
//! change and leader event, for stories and replays.

use serde::Serialize;

use crate::model::movement::LeaderEventKind;

/// The state of the crowd at the end of one tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TickRecord {
    /// The tick (0 is the starting state).
    pub tick: u32,
    /// How many of the crowd (everyone but the leaders) follow at the end of the tick.
    pub following: u32,
    /// How many joined during the tick.
    pub joined: u32,
    /// How many left during the tick.
    pub left: u32,
    /// How many leaders are still dancing.
    pub leaders_dancing: u32,
    /// Mean trust in the leader over the crowd (1 when trust is not modelled).
    pub mean_trust: f64,
    /// Mean trust over those following; `None` when nobody follows.
    pub mean_trust_followers: Option<f64>,
}

/// One person starting or stopping to dance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The tick it happened (0 for leaders and initial followers).
    pub tick: u32,
    /// The person's dense id.
    pub person: u32,
    /// Joined (or, for a leader, started); otherwise left (or quit).
    pub joined: bool,
}

/// A leader event and what it did to trust.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrustEvent {
    /// The tick it happened.
    pub tick: u32,
    /// What the leader did.
    pub kind: LeaderEventKind,
    /// How many people saw it.
    pub observers: u32,
    /// Mean trust of the crowd just before.
    pub mean_trust_before: f64,
    /// Mean trust of the crowd just after.
    pub mean_trust_after: f64,
}

/// Trust in the leader of a sample of people at the end of one tick, for replays.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustSnapshot {
    /// The tick.
    pub tick: u32,
    /// Trust of every `stride`-th person (dense ids 0, stride, 2 stride, ...), where the stride
    /// is the one asked for in the run's recording.
    pub trust: Vec<f32>,
}

/// A run that came back to a state it was in a few ticks earlier, with nothing random or
/// scheduled ahead: it would have repeated those ticks, joins and leaves, until `max_ticks`, so
/// it was ended at the tick the state came back.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cycle {
    /// Ticks between two equal states (the smallest such number; most often 2).
    pub period: u32,
    /// The tick whose state came back at the run's last tick (`from_tick + period`); the run
    /// repeats from there (at the latest).
    pub from_tick: u32,
    /// The smallest fraction of the crowd following at the end of a tick of the cycle.
    pub low_fraction: f64,
    /// The largest fraction of the crowd following at the end of a tick of the cycle.
    pub high_fraction: f64,
}

/// The summary of one run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RunOutcome {
    /// How many of the crowd follow at the end.
    pub final_following: u32,
    /// Fraction of the crowd following at the end.
    pub final_fraction: f64,
    /// Largest fraction following at the end of any tick.
    pub peak_fraction: f64,
    /// The last tick simulated: when nothing could change any more, the tick limit, or the
    /// tick a repeating cycle was found (see [`RunOutcome::cycle`]).
    pub ticks: u32,
    /// Whether the final fraction reached the scenario's cascade cutoff.
    pub cascaded: bool,
    /// Tick the first follower joined (the first of the crowd to join after tick 0).
    pub first_follower_tick: Option<u32>,
    /// Tick the second follower joined.
    pub second_follower_tick: Option<u32>,
    /// Tick the following fraction first reached the critical mass.
    pub critical_mass_tick: Option<u32>,
    /// Tick the last leader quit.
    pub leader_quit_tick: Option<u32>,
    /// Mean trust of the crowd at the end (1 when trust is not modelled).
    pub final_mean_trust: f64,
    /// The first tick at which at least half of the final number of followers danced (how
    /// long the movement took to build half of what it became); `None` when nobody follows at
    /// the end.
    pub final_50_tick: Option<u32>,
    /// The first tick at which at least 90% of the final number of followers danced.
    pub final_90_tick: Option<u32>,
    /// The endless join/leave cycle the run ended in, if it did. The final size is then the
    /// size at the last tick (a state of the cycle), and the cycle's low and high say how far
    /// it swings. Not one of [`RunOutcome::COLUMNS`]: files of runs that do not cycle keep
    /// their columns; the summaries and the story say it in words.
    pub cycle: Option<Cycle>,
}

impl RunOutcome {
    /// Length of [`RunOutcome::to_words`].
    pub const WORDS: usize = 15;

    /// The outcome as fixed-width words, every bit kept (floats by their bits, a moment that
    /// never came as `u64::MAX`): what crosses between processes, so that a row computed
    /// elsewhere is the very row computed here.
    pub fn to_words(&self) -> [u64; Self::WORDS] {
        let tick = |t: Option<u32>| t.map_or(u64::MAX, u64::from);
        [
            u64::from(self.final_following),
            self.final_fraction.to_bits(),
            self.peak_fraction.to_bits(),
            u64::from(self.ticks),
            u64::from(self.cascaded),
            tick(self.first_follower_tick),
            tick(self.second_follower_tick),
            tick(self.critical_mass_tick),
            tick(self.leader_quit_tick),
            self.final_mean_trust.to_bits(),
            tick(self.final_50_tick),
            tick(self.final_90_tick),
            self.cycle.map_or(u64::MAX, |c| {
                u64::from(c.period) << 32 | u64::from(c.from_tick)
            }),
            self.cycle.map_or(u64::MAX, |c| c.low_fraction.to_bits()),
            self.cycle.map_or(u64::MAX, |c| c.high_fraction.to_bits()),
        ]
    }

    /// The outcome [`RunOutcome::to_words`] wrote; `None` for words no outcome writes.
    pub fn from_words(w: &[u64; Self::WORDS]) -> Option<RunOutcome> {
        let count = |x: u64| u32::try_from(x).ok();
        let tick = |x: u64| match x {
            u64::MAX => Some(None),
            t => u32::try_from(t).ok().map(Some),
        };
        Some(RunOutcome {
            final_following: count(w[0])?,
            final_fraction: f64::from_bits(w[1]),
            peak_fraction: f64::from_bits(w[2]),
            ticks: count(w[3])?,
            cascaded: match w[4] {
                0 => false,
                1 => true,
                _ => return None,
            },
            first_follower_tick: tick(w[5])?,
            second_follower_tick: tick(w[6])?,
            critical_mass_tick: tick(w[7])?,
            leader_quit_tick: tick(w[8])?,
            final_mean_trust: f64::from_bits(w[9]),
            final_50_tick: tick(w[10])?,
            final_90_tick: tick(w[11])?,
            cycle: match (w[12], w[13], w[14]) {
                (u64::MAX, u64::MAX, u64::MAX) => None,
                // A period is at least 1 tick.
                (p, _, _) if p >> 32 == 0 || p == u64::MAX => return None,
                (p, low, high) => Some(Cycle {
                    period: (p >> 32) as u32,
                    from_tick: p as u32,
                    low_fraction: f64::from_bits(low),
                    high_fraction: f64::from_bits(high),
                }),
            },
        })
    }

    /// Names of the outcome columns, in the order of [`RunOutcome::values`].
    pub const COLUMNS: &'static [&'static str] = &[
        "final_following",
        "final_fraction",
        "peak_fraction",
        "ticks",
        "cascaded",
        "first_follower_tick",
        "second_follower_tick",
        "critical_mass_tick",
        "leader_quit_tick",
        "final_mean_trust",
        "final_50_tick",
        "final_90_tick",
    ];

    /// The outcomes as numbers (booleans as 0 or 1; `None` when the moment never came),
    /// aligned with [`RunOutcome::COLUMNS`]: the one place that lists them, so every output
    /// format stays in step.
    pub fn values(&self) -> [Option<f64>; 12] {
        let tick = |t: Option<u32>| t.map(f64::from);
        [
            Some(f64::from(self.final_following)),
            Some(self.final_fraction),
            Some(self.peak_fraction),
            Some(f64::from(self.ticks)),
            Some(f64::from(u8::from(self.cascaded))),
            tick(self.first_follower_tick),
            tick(self.second_follower_tick),
            tick(self.critical_mass_tick),
            tick(self.leader_quit_tick),
            Some(self.final_mean_trust),
            tick(self.final_50_tick),
            tick(self.final_90_tick),
        ]
    }
}

/// Everything one run recorded.
#[derive(Debug, Clone, Default)]
pub struct RunRecord {
    /// The summary of the run (of the run so far, for a stepper's record before its end).
    pub outcome: RunOutcome,
    /// One row per tick, if asked for.
    pub timeseries: Vec<TickRecord>,
    /// Every join and leave in order, if asked for.
    pub changes: Vec<Change>,
    /// Every leader event, if asked for.
    pub trust_events: Vec<TrustEvent>,
    /// Trust of a sample of people whenever it changed, if asked for.
    pub trust_snapshots: Vec<TrustSnapshot>,
    /// The leaders (dense ids).
    pub leaders: Vec<u32>,
    /// The first follower (dense id), if anyone followed.
    pub first_follower: Option<u32>,
    /// The second follower.
    pub second_follower: Option<u32>,
    /// How many of the crowd (leaders not counted) follow at the end in each block of a
    /// network with blocks (the levels of an organisation), by block number; empty for a
    /// network without blocks.
    pub final_by_block: Vec<u32>,
}

impl RunRecord {
    /// The share of each block's crowd (its people but the leaders) following at the end, by
    /// block number, given every person's block; empty when the run kept no counts by block. A
    /// block of leaders only counts as 0.
    pub fn final_block_shares(&self, blocks: &[u32]) -> Vec<f64> {
        let mut crowd = vec![0u32; self.final_by_block.len()];
        for &b in blocks {
            if let Some(c) = crowd.get_mut(b as usize) {
                *c += 1;
            }
        }
        for &l in &self.leaders {
            if let Some(c) = blocks
                .get(l as usize)
                .and_then(|&b| crowd.get_mut(b as usize))
            {
                *c = c.saturating_sub(1);
            }
        }
        self.final_by_block
            .iter()
            .zip(&crowd)
            .map(|(&f, &c)| {
                if c == 0 {
                    0.0
                } else {
                    f64::from(f) / f64::from(c)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Experiment;
    use crate::simulation::Recording;

    #[test]
    fn an_organisation_counts_its_followers_level_by_level() {
        let experiment = Experiment::builtin("middle-out").unwrap();
        let run = experiment.replicate(0, Recording::default()).unwrap();
        let record = &run.record;
        assert_eq!(
            record.final_by_block.len(),
            3,
            "executives, managers, front line"
        );
        assert_eq!(
            record.final_by_block.iter().sum::<u32>(),
            record.outcome.final_following,
            "the blocks add up to the crowd following"
        );
        let blocks = run.graph.blocks().unwrap();
        let shares = record.final_block_shares(blocks);
        assert!(shares.iter().all(|s| (0.0..=1.0).contains(s)), "{shares:?}");
        // Block 1 (the managers) holds the leader: 89 of its 90 people are its crowd.
        let expected = f64::from(record.final_by_block[1]) / 89.0;
        assert!((shares[1] - expected).abs() < 1e-12);

        let hillside = Experiment::builtin("hillside").unwrap();
        let run = hillside.replicate(0, Recording::default()).unwrap();
        assert!(run.record.final_by_block.is_empty(), "no blocks, no counts");
    }

    #[test]
    fn a_block_of_leaders_only_counts_as_nobody_following() {
        let record = RunRecord {
            final_by_block: vec![0, 2],
            leaders: vec![0],
            ..RunRecord::default()
        };
        assert_eq!(record.final_block_shares(&[0, 1, 1, 1, 1]), vec![0.0, 0.5]);
    }

    #[test]
    fn outcomes_cross_as_words_bit_for_bit() {
        let o = RunOutcome {
            final_following: 2_999,
            final_fraction: 0.1 + 0.2,
            peak_fraction: 1.0,
            ticks: 1_000,
            cascaded: true,
            first_follower_tick: Some(0),
            second_follower_tick: None,
            critical_mass_tick: Some(u32::MAX),
            leader_quit_tick: None,
            final_mean_trust: -0.0,
            final_50_tick: Some(17),
            final_90_tick: None,
            cycle: None,
        };
        let back = RunOutcome::from_words(&o.to_words()).unwrap();
        assert_eq!(back, o);
        for cycle in [
            Cycle {
                period: 2,
                from_tick: 7,
                low_fraction: 0.25,
                high_fraction: 0.75,
            },
            Cycle {
                period: 64,
                from_tick: u32::MAX,
                low_fraction: 0.0,
                high_fraction: 1.0,
            },
        ] {
            let c = RunOutcome {
                cycle: Some(cycle),
                ..o
            };
            assert_eq!(RunOutcome::from_words(&c.to_words()), Some(c));
        }
        let mut no_period = o.to_words();
        no_period[12] = 5; // period 0, from tick 5
        assert!(RunOutcome::from_words(&no_period).is_none());
        assert_eq!(back.final_mean_trust.to_bits(), (-0.0f64).to_bits());
        let mut bad = o.to_words();
        bad[4] = 2;
        assert!(RunOutcome::from_words(&bad).is_none());
        assert_eq!(
            RunOutcome::from_words(&RunOutcome::default().to_words()),
            Some(RunOutcome::default())
        );
    }
}
