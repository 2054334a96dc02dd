//! The headline numbers of an ensemble of runs: how big the movement gets, how often it
//! cascades, and how long runs take.

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
        EnsembleSummary {
            replicates: outcomes.len(),
            final_fraction_mean: m.mean,
            // A fraction lies in [0, 1]; so does any interval of its mean worth printing.
            final_fraction_ci: [m.low.max(0.0), m.high.min(1.0)],
            final_fraction_range95: [quantile(&finals, 0.025), quantile(&finals, 0.975)],
            cascade_probability: p.estimate,
            cascade_probability_ci: [p.low, p.high],
            median_ticks: quantile(&ticks, 0.5),
        }
    }
}
