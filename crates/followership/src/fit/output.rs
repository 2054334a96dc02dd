//! What a fit gives people: posterior summaries, the posterior predictive (over the data and,
//! with a horizon, past it), and the files `followership fit` writes.
//!
//! - `posterior.csv`: the last generation's particles with their weights and distances;
//! - `generations.csv`: tolerance, proposals, acceptance rate and effective sample size per
//!   generation;
//! - `summary.csv` and `summary.json`: posterior mean, median and 95% credible interval of
//!   each parameter (and, in the JSON, the generations, the stopping reason and the forecast);
//! - `predictive.csv`: the observed curve and the posterior predictive band (2.5%, 50%, 97.5%,
//!   and the middle 50% from 25% to 75%) of the share following, per group, up to the horizon;
//! - `forecast.csv` (with a horizon): the final size at the horizon and the time to tipping,
//!   with 95% intervals.

use std::io::Write;
use std::path::Path;

use rand::SeedableRng;
use rayon::prelude::*;

use crate::atomic::AtomicFile;
use crate::error::Error;
use crate::graph::Graph;
use crate::random::{Stream, splitmix64, unit_f64};
use crate::simulation::{Recording, RunRecord};

use super::smc::{pick, weighted_quantile};
use super::{Fit, Posterior};

/// The points the forecast's runs are simulated at: above every generation's.
const FORECAST_POINT: u64 = 1 << 62;
/// Keeps the forecast's resampling stream apart from the proposals'.
const FORECAST_SALT: u64 = 0x000F_012E_CA57;
/// Times of the predictive band between the first observation and the horizon (besides the
/// observed times).
const BAND_STEPS: usize = 60;

/// A posterior (or predictive) distribution in four numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The (weighted) mean.
    pub mean: f64,
    /// The (weighted) median.
    pub median: f64,
    /// The 2.5% quantile: the low end of the 95% credible interval.
    pub low: f64,
    /// The 97.5% quantile.
    pub high: f64,
}

impl Interval {
    /// The interval of `values` with `weights`.
    pub fn weighted(values: &[f64], weights: &[f64]) -> Interval {
        let total: f64 = weights.iter().sum();
        Interval {
            mean: values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total,
            median: weighted_quantile(values, weights, 0.5),
            low: weighted_quantile(values, weights, 0.025),
            high: weighted_quantile(values, weights, 0.975),
        }
    }

    /// The interval of equally weighted `values` (NaN when there are none).
    pub fn of(values: &[f64]) -> Interval {
        if values.is_empty() {
            return Interval {
                mean: f64::NAN,
                median: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            };
        }
        Self::weighted(values, &vec![1.0; values.len()])
    }

    /// Whether `x` lies in the 95% interval.
    pub fn contains(&self, x: f64) -> bool {
        x >= self.low && x <= self.high
    }
}

/// The posterior of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSummary {
    /// The key path.
    pub key: String,
    /// Its posterior mean, median and 95% credible interval.
    pub interval: Interval,
}

/// The posterior of every fitted parameter (from the last generation).
pub fn summarise(fit: &Fit, posterior: &Posterior) -> Vec<ParameterSummary> {
    let particles = posterior.particles();
    let weights: Vec<f64> = particles.iter().map(|p| p.weight).collect();
    posterior
        .parameters
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let values: Vec<f64> = particles
                .iter()
                .map(|p| fit.value_number(i, p.values[i]))
                .collect();
            ParameterSummary {
                key: key.clone(),
                interval: Interval::weighted(&values, &weights),
            }
        })
        .collect()
}

/// The posterior predictive of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupForecast {
    /// The group (empty for one series).
    pub group: String,
    /// The share following at the horizon.
    pub final_size: Interval,
    /// The share of draws that tipped (reached the scenario's cascade cutoff) by the horizon.
    pub tipped: f64,
    /// The data time at which the draws that tipped reached the cutoff.
    pub time_to_tipping: Interval,
    /// The predictive band of the share following over time.
    pub band: Vec<BandRow>,
}

/// One time of the predictive band.
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    /// Data time.
    pub time: f64,
    /// The observed share at that time, when there is an observation.
    pub observed: Option<f64>,
    /// The 95% predictive interval and median of the share following.
    pub band: Interval,
    /// The middle 50% of the share following: its 25% and 75% quantiles.
    pub middle: (f64, f64),
}

/// The posterior predictive up to a horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The horizon in data time (the last observation when no forecast was asked).
    pub horizon: f64,
    /// Runs drawn from the posterior.
    pub draws: usize,
    /// One per group of the data.
    pub groups: Vec<GroupForecast>,
}

/// The most posterior draws [`draws`] gives the predictive band and the forecast.
pub const MAX_DRAWS: usize = 1000;

/// How many posterior draws the predictive band and the forecast of `fit` simulate: one per
/// particle, at most [`MAX_DRAWS`]. Every front end (`followership fit`, Python) uses this
/// number, so their files agree for the same scenario, data and seed.
pub fn draws(fit: &Fit) -> usize {
    fit.spec().particles.min(MAX_DRAWS)
}

/// The posterior predictive up to data time `horizon` (the last observation when `None`):
/// `draws` particles resampled by weight, each simulated once at its own point.
pub fn predict(
    fit: &Fit,
    posterior: &Posterior,
    horizon: Option<f64>,
    draws: usize,
) -> Result<Forecast, Error> {
    let last = fit.observed.last_time();
    let horizon = horizon.unwrap_or(last).max(last);
    let particles = posterior.particles();
    let weights: Vec<f64> = particles.iter().map(|p| p.weight).collect();
    let first = fit
        .observed
        .series
        .iter()
        .filter_map(|s| s.times.first().copied())
        .fold(f64::INFINITY, f64::min);
    let runs: Vec<(Vec<f64>, Vec<super::Curve>)> = (0..draws as u64)
        .into_par_iter()
        .map(|i| {
            let mut rng =
                Stream::seed_from_u64(splitmix64(splitmix64(fit.seed ^ FORECAST_SALT) ^ i));
            let theta = particles[pick(&weights, unit_f64(&mut rng))].values.clone();
            let (scale, offset) = fit.time_map(&theta);
            let ticks = ((offset + scale * horizon).ceil() + 1.0)
                .clamp(1.0, f64::from(crate::limits::MAX_TICKS)) as u32;
            let curves = fit.simulate(&theta, FORECAST_POINT | i, Some(ticks))?;
            Ok((theta, curves))
        })
        .collect::<Result<_, Error>>()?;
    let mut groups = Vec::new();
    for (g, group) in fit.groups.iter().enumerate() {
        let mut sizes = Vec::new();
        let mut tipping = Vec::new();
        for (theta, curves) in &runs {
            let (scale, offset) = fit.time_map(theta);
            sizes.push(curves[g].at(offset + scale * horizon));
            if let Some(t) = curves[g].first_reaching(fit.cascade_cutoff) {
                let time = (t - offset) / scale;
                if time <= horizon {
                    tipping.push(time);
                }
            }
        }
        let mut times: Vec<f64> = group.series.times.clone();
        let step = (horizon - first) / BAND_STEPS as f64;
        times.extend((0..=BAND_STEPS).map(|k| first + step * k as f64));
        times.sort_by(f64::total_cmp);
        times.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * (1.0 + b.abs()));
        let crowd = runs.first().map_or(1.0, |(_, c)| c[g].crowd);
        let observed = fit.observed_shares(g, crowd);
        let band = times
            .iter()
            .map(|&t| {
                let shares: Vec<f64> = runs
                    .iter()
                    .map(|(theta, curves)| {
                        let (scale, offset) = fit.time_map(theta);
                        curves[g].at(offset + scale * t)
                    })
                    .collect();
                let seen = group
                    .series
                    .times
                    .iter()
                    .position(|&s| (s - t).abs() <= 1e-9 * (1.0 + t.abs()))
                    .map(|k| observed[k]);
                let equal = vec![1.0; shares.len()];
                let middle = if shares.is_empty() {
                    (f64::NAN, f64::NAN)
                } else {
                    (
                        weighted_quantile(&shares, &equal, 0.25),
                        weighted_quantile(&shares, &equal, 0.75),
                    )
                };
                BandRow {
                    time: t,
                    observed: seen,
                    band: Interval::of(&shares),
                    middle,
                }
            })
            .collect();
        groups.push(GroupForecast {
            group: group.name.clone(),
            final_size: Interval::of(&sizes),
            tipped: tipping.len() as f64 / draws.max(1) as f64,
            time_to_tipping: Interval::of(&tipping),
            band,
        });
    }
    Ok(Forecast {
        horizon,
        draws,
        groups,
    })
}

/// The point the best-fitting particle is re-run at: apart from the proposals' and the
/// forecast's points.
const BEST_POINT: u64 = 1 << 61;

/// A run with the values of the best-fitting particle, recorded in full for its story.
#[derive(Debug, Clone)]
pub struct BestRun {
    /// The group it belongs to (empty for one series).
    pub group: String,
    /// The particle's values, one per fitted parameter (a choice by its index).
    pub values: Vec<f64>,
    /// The particle's distance to the data in the fit.
    pub distance: f64,
    /// The group's scenario with the particle's values set.
    pub scenario: crate::scenario::Scenario,
    /// The network it ran on.
    pub graph: Graph,
    /// Everything the run recorded (time series, joins and leaves, leader events).
    pub record: RunRecord,
    /// The model tick of data time 0 and the ticks per unit of data time: (offset, scale).
    pub time_map: (f64, f64),
}

/// The run of the best-fitting particle (the smallest distance; the first of equals) for each
/// group, up to data time `horizon` (the last observation when `None`).
///
/// The proposal that was accepted ran at its own point and kept only its curve, so the
/// particle is run again at a point of its own: the same values, a run that is the same for
/// the same seed (its curve is one draw of that particle, not the accepted one).
pub fn best_runs(
    fit: &Fit,
    posterior: &Posterior,
    horizon: Option<f64>,
) -> Result<Vec<BestRun>, Error> {
    let Some(best) = posterior
        .particles()
        .iter()
        .reduce(|a, b| if b.distance < a.distance { b } else { a })
    else {
        return Ok(Vec::new());
    };
    let horizon = horizon
        .unwrap_or(fit.observed.last_time())
        .max(fit.observed.last_time());
    let (scale, offset) = fit.time_map(&best.values);
    let ticks = ((offset + scale * horizon).ceil() + 1.0)
        .clamp(1.0, f64::from(crate::limits::MAX_TICKS)) as u32;
    fit.groups
        .iter()
        .map(|g| {
            let e = fit
                .particle(g, &best.values, Some(ticks))?
                .at_point(BEST_POINT);
            let graph = match &g.graph {
                Some(graph) => Graph::clone(graph),
                None => e.network(0)?,
            };
            let record = e.runner(&graph)?.run(0, Recording::everything());
            Ok(BestRun {
                group: g.name.clone(),
                values: best.values.clone(),
                distance: best.distance,
                scenario: e.scenario().clone(),
                graph,
                record,
                time_map: (offset, scale),
            })
        })
        .collect()
}

/// A number for a CSV cell: empty when not finite.
fn cell(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

/// A number for JSON: null when not finite.
fn json(x: f64) -> serde_json::Value {
    if x.is_finite() {
        serde_json::json!(x)
    } else {
        serde_json::Value::Null
    }
}

fn interval_json(i: &Interval) -> serde_json::Value {
    serde_json::json!({
        "mean": json(i.mean), "median": json(i.median),
        "low_95": json(i.low), "high_95": json(i.high),
    })
}

/// Writes `name` in `dir` atomically with `body`.
fn write_file(
    dir: &Path,
    name: &str,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let path = dir.join(name);
    let mut f = AtomicFile::create(&path)?;
    body(f.writer()).map_err(|e| Error::io(&path, e))?;
    f.commit()
}

/// Writes the files of a fit to `dir` (see the module's documentation); `forecast_asked`
/// says whether `forecast.csv` is wanted (the predictive band is always written).
pub fn write(
    dir: &Path,
    fit: &Fit,
    posterior: &Posterior,
    forecast: &Forecast,
    forecast_asked: bool,
) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let keys = &posterior.parameters;
    write_file(dir, "posterior.csv", |w| {
        writeln!(w, "particle,weight,distance,{}", keys.join(","))?;
        for (i, p) in posterior.particles().iter().enumerate() {
            let values: Vec<String> = p
                .values
                .iter()
                .enumerate()
                .map(|(k, &x)| fit.value_text(k, x))
                .collect();
            writeln!(w, "{i},{},{},{}", p.weight, p.distance, values.join(","))?;
        }
        Ok(())
    })?;
    write_file(dir, "generations.csv", |w| {
        writeln!(w, "generation,tolerance,attempts,acceptance_rate,ess")?;
        for g in &posterior.generations {
            writeln!(
                w,
                "{},{},{},{},{}",
                g.index,
                cell(g.tolerance),
                g.attempts,
                g.acceptance_rate(),
                g.ess
            )?;
        }
        Ok(())
    })?;
    let summary = summarise(fit, posterior);
    write_file(dir, "summary.csv", |w| {
        writeln!(w, "parameter,mean,median,low_95,high_95")?;
        for s in &summary {
            let i = &s.interval;
            writeln!(w, "{},{},{},{},{}", s.key, i.mean, i.median, i.low, i.high)?;
        }
        Ok(())
    })?;
    write_file(dir, "predictive.csv", |w| {
        writeln!(
            w,
            "group,time,observed,low_95,median,high_95,low_50,high_50"
        )?;
        for g in &forecast.groups {
            for r in &g.band {
                writeln!(
                    w,
                    "{},{},{},{},{},{},{},{}",
                    g.group,
                    r.time,
                    r.observed.map(cell).unwrap_or_default(),
                    r.band.low,
                    r.band.median,
                    r.band.high,
                    cell(r.middle.0),
                    cell(r.middle.1)
                )?;
            }
        }
        Ok(())
    })?;
    if forecast_asked {
        write_file(dir, "forecast.csv", |w| {
            writeln!(w, "group,quantity,horizon,mean,median,low_95,high_95")?;
            for g in &forecast.groups {
                let h = forecast.horizon;
                let (f, t) = (&g.final_size, &g.time_to_tipping);
                writeln!(
                    w,
                    "{},final_size,{h},{},{},{},{}",
                    g.group, f.mean, f.median, f.low, f.high
                )?;
                writeln!(w, "{},tipped,{h},{},,,", g.group, g.tipped)?;
                writeln!(
                    w,
                    "{},time_to_tipping,{h},{},{},{},{}",
                    g.group,
                    cell(t.mean),
                    cell(t.median),
                    cell(t.low),
                    cell(t.high)
                )?;
            }
            Ok(())
        })?;
    }
    let doc = serde_json::json!({
        "parameters": summary.iter().map(|s| serde_json::json!({
            "key": s.key, "posterior": interval_json(&s.interval),
        })).collect::<Vec<_>>(),
        "generations": posterior.generations.iter().map(|g| serde_json::json!({
            "generation": g.index, "tolerance": json(g.tolerance), "attempts": g.attempts,
            "acceptance_rate": g.acceptance_rate(), "ess": g.ess,
        })).collect::<Vec<_>>(),
        "particles": posterior.particles().len(),
        "stopped_because": posterior.stop.describe(),
        "forecast": forecast_asked.then(|| serde_json::json!({
            "horizon": forecast.horizon,
            "draws": forecast.draws,
            "groups": forecast.groups.iter().map(|g| serde_json::json!({
                "group": g.group,
                "final_size": interval_json(&g.final_size),
                "tipped": g.tipped,
                "time_to_tipping": interval_json(&g.time_to_tipping),
            })).collect::<Vec<_>>(),
        })),
    });
    write_file(dir, "summary.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::other)?;
        writeln!(w)
    })
}
