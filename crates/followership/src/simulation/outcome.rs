//! What one run produces: a row per tick and a summary of the whole run.

/// The state of the crowd at the end of one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TickRecord {
    /// The tick (0 is the starting state).
    pub tick: u32,
    /// How many people dance at the end of the tick.
    pub following: u32,
    /// How many joined during the tick.
    pub joined: u32,
    /// How many left during the tick.
    pub left: u32,
}

/// One person joining, for stories and replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    /// The tick they joined (0 for the initial followers).
    pub tick: u32,
    /// Their dense id.
    pub person: u32,
}

/// The summary of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOutcome {
    /// How many people dance at the end.
    pub final_following: u32,
    /// Fraction of the network dancing at the end.
    pub final_fraction: f64,
    /// Largest fraction dancing at the end of any tick.
    pub peak_fraction: f64,
    /// The last tick simulated: when nothing could change any more, or the tick limit.
    pub ticks: u32,
    /// Whether the final fraction reached the scenario's cascade cutoff.
    pub cascaded: bool,
}

impl RunOutcome {
    /// Names of the outcome columns, in the order of [`RunOutcome::values`].
    pub const COLUMNS: &'static [&'static str] = &[
        "final_following",
        "final_fraction",
        "peak_fraction",
        "ticks",
        "cascaded",
    ];

    /// The outcomes as numbers (booleans as 0 or 1), aligned with [`RunOutcome::COLUMNS`]; the
    /// one place that lists them, so every output format stays in step.
    pub fn values(&self) -> [f64; 5] {
        [
            f64::from(self.final_following),
            self.final_fraction,
            self.peak_fraction,
            f64::from(self.ticks),
            f64::from(u8::from(self.cascaded)),
        ]
    }
}

/// Everything one run recorded.
#[derive(Debug, Clone, Default)]
pub struct RunRecord {
    /// The summary, once the run is over.
    pub outcome: Option<RunOutcome>,
    /// One row per tick, if asked for.
    pub timeseries: Vec<TickRecord>,
    /// Every join in order, if asked for.
    pub joins: Vec<Join>,
}
