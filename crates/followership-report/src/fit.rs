//! The pictures and report of `followership fit`: the observed curve over the posterior
//! predictive (one picture per group of the data, the forecast past the data in its own
//! colour), the marginal posterior of each parameter against its prior's range, the joint
//! posterior of the parameters two at a time, the tolerance and acceptance rate by generation,
//! and a page with the summary tables and the story of a run of the best-fitting particle.
//!
//! Everything here is computed from the fit's results, which depend on the seed only, so the
//! pictures and the page are the same bytes on any number of threads.

use std::fmt::Write as _;
use std::path::Path;

use followership::error::Error;
use followership::fit::output::{self as fit_output, BestRun, Forecast, best_runs, summarise};
use followership::fit::{Fit, Posterior, PriorKind};
use followership::fmt::{grouped, percent};
use followership::output::story::story;
use followership::scenario::Scenario;

use crate::Figure;
use crate::html::{Page, Section};
use crate::plot::{self, Generations, Marginal, Pairs, PredictiveBand};
use crate::run::plot_error;

/// What a fit produced, as the report shows it.
#[derive(Clone, Copy)]
pub struct FitResults<'a> {
    /// The scenario with its `[fit]` section.
    pub scenario: &'a Scenario,
    /// The fit (priors, data).
    pub fit: &'a Fit,
    /// Its generations.
    pub posterior: &'a Posterior,
    /// The posterior predictive up to the horizon.
    pub forecast: &'a Forecast,
    /// Whether a forecast past the data was asked for (`--forecast T`).
    pub forecast_asked: bool,
    /// The runs of the best-fitting particle, one per group, for their stories.
    pub best: &'a [BestRun],
}

/// A name fit for a file name: letters, digits, `-`, `_` and `.` kept, anything else `-`.
fn file_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A number for a table cell: four significant digits, or a dash when there is none.
fn cell(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e5).contains(&x.abs()) {
        return format!("{x:.3e}");
    }
    let digits = (3 - x.abs().max(1e-300).log10().floor() as i32).clamp(0, 8) as usize;
    format!("{x:.digits$}")
}

/// The figures of the fit: predictive, marginals, pairs, generations (in this order).
pub fn figures(r: &FitResults<'_>) -> Result<Vec<Figure>, Error> {
    let name = &r.scenario.name;
    let fit = r.fit;
    let mut figures = Vec::new();
    let several = r.forecast.groups.len() > 1;
    let last = fit.observed().last_time();
    for g in &r.forecast.groups {
        let picture = PredictiveBand {
            title: if several {
                format!("Fit of {name}: {}", g.group)
            } else {
                format!("Fit of {name}")
            },
            x_name: fit.spec().data.time.clone(),
            band: g
                .band
                .iter()
                .map(|b| (b.time, b.band.low, b.band.median, b.band.high))
                .collect(),
            middle: g
                .band
                .iter()
                .map(|b| (b.time, b.middle.0, b.middle.1))
                .collect(),
            observed: g
                .band
                .iter()
                .filter_map(|b| Some((b.time, b.observed?)))
                .collect(),
            draws: r.forecast.draws,
            forecast_from: (r.forecast_asked && r.forecast.horizon > last).then_some(last),
        };
        let whose = if several {
            format!(" of group {}", g.group)
        } else {
            String::new()
        };
        figures.push(Figure {
            file_name: if several {
                format!("predictive-{}.svg", file_part(&g.group))
            } else {
                "predictive.svg".into()
            },
            title: picture.title.clone(),
            caption: format!(
                "The observed share following{whose} (dots) over runs of particles drawn from \
                 the posterior: their median (line), middle 50% and 95% (bands){}.",
                if picture.forecast_from.is_some() {
                    "; past the last observation, the forecast"
                } else {
                    ""
                }
            ),
            svg: plot::predictive::render(&picture).map_err(plot_error)?,
        });
    }
    let particles = r.posterior.particles();
    let summary = summarise(fit, r.posterior);
    let mut log = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); particles.len()];
    for (i, s) in summary.iter().enumerate() {
        let (kind, low, high) = fit.prior_range(i);
        log.push(kind == PriorKind::LogUniform);
        for (k, p) in particles.iter().enumerate() {
            values[k].push(fit.value_number(i, p.values[i]));
        }
        let picture = Marginal {
            name: s.key.clone(),
            particles: particles
                .iter()
                .zip(&values)
                .map(|(p, v)| (v[i], p.weight))
                .collect(),
            interval: (s.interval.low, s.interval.high),
            prior: Some((low, high)),
            prior_text: fit.prior_text(i),
            log: kind == PriorKind::LogUniform,
        };
        figures.push(Figure {
            file_name: format!("posterior-{}.svg", file_part(&s.key)),
            title: format!("Posterior of {}", s.key),
            caption: format!(
                "The final generation's particles by weight, the 95% credible interval \
                 (dashed) and the range the prior allows (shaded): {}.",
                fit.prior_text(i)
            ),
            svg: plot::marginal::render(&picture).map_err(plot_error)?,
        });
    }
    if summary.len() >= 2 {
        let picture = Pairs {
            title: format!("Joint posterior of {name}"),
            names: summary.iter().map(|s| s.key.clone()).collect(),
            log,
            particles: particles
                .iter()
                .zip(values)
                .map(|(p, v)| (v, p.weight))
                .collect(),
        };
        figures.push(Figure {
            file_name: "pairs.svg".into(),
            title: picture.title.clone(),
            caption: "The final generation's particles, two parameters at a time; larger, \
                      darker dots carry more weight. A ridge is a pair of parameters that can \
                      make up for each other."
                .into(),
            svg: plot::pairs::render(&picture).map_err(plot_error)?,
        });
    }
    let picture = Generations {
        title: format!("Generations of {name}"),
        rows: r
            .posterior
            .generations
            .iter()
            .map(|g| (g.index, g.tolerance, g.acceptance_rate()))
            .collect(),
    };
    figures.push(Figure {
        file_name: "generations.svg".into(),
        title: picture.title.clone(),
        caption: "The tolerance (the largest distance to the data a generation accepted; \
                  generation 0 accepts every draw from the prior) and the share of proposals \
                  accepted, by generation."
            .into(),
        svg: plot::generations::render(&picture).map_err(plot_error)?,
    });
    Ok(figures)
}

/// The figures and the report page of the fit.
pub fn pictures(r: &FitResults<'_>) -> Result<(Vec<Figure>, Page), Error> {
    let figures = figures(r)?;
    let fit = r.fit;
    let summary = summarise(fit, r.posterior);
    let mut sections = vec![Section::Table {
        title: "Posterior".into(),
        header: [
            "parameter",
            "prior",
            "mean",
            "median",
            "95% credible interval",
        ]
        .map(String::from)
        .to_vec(),
        rows: summary
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let v = s.interval;
                vec![
                    s.key.clone(),
                    fit.prior_text(i),
                    cell(v.mean),
                    cell(v.median),
                    format!("{} to {}", cell(v.low), cell(v.high)),
                ]
            })
            .collect(),
        note: Some(format!(
            "From the {} particles of the last generation, weighted; the fit stopped because {}.",
            r.posterior.particles().len(),
            r.posterior.stop.describe()
        )),
    }];
    let (predictive, rest): (Vec<Figure>, Vec<Figure>) = figures
        .iter()
        .cloned()
        .partition(|f| f.file_name.starts_with("predictive"));
    sections.push(Section::Figures {
        title: "Fit to the data".into(),
        figures: predictive,
    });
    if r.forecast_asked {
        sections.push(forecast_table(r.forecast));
    }
    let (generations, marginals): (Vec<Figure>, Vec<Figure>) = rest
        .into_iter()
        .partition(|f| f.file_name == "generations.svg");
    sections.push(Section::Figures {
        title: "Posterior pictures".into(),
        figures: marginals,
    });
    sections.push(Section::Table {
        title: "Generations".into(),
        header: [
            "generation",
            "tolerance",
            "proposals",
            "acceptance rate",
            "ESS",
        ]
        .map(String::from)
        .to_vec(),
        rows: r
            .posterior
            .generations
            .iter()
            .map(|g| {
                vec![
                    g.index.to_string(),
                    if g.tolerance.is_finite() {
                        cell(g.tolerance)
                    } else {
                        "prior".into()
                    },
                    grouped(g.attempts),
                    percent(g.acceptance_rate()),
                    format!("{:.1}", g.ess),
                ]
            })
            .collect(),
        note: Some(
            "ESS: the effective sample size of a generation's weights, (sum w)² / sum w².".into(),
        ),
    });
    sections.push(Section::Figures {
        title: "How the fit went".into(),
        figures: generations,
    });
    for best in r.best {
        sections.push(Section::Markdown {
            title: if best.group.is_empty() {
                "Story of the best-fitting run".into()
            } else {
                format!("Story of the best-fitting run: {}", best.group)
            },
            markdown: best_story(r, best),
        });
    }
    sections.push(Section::Code {
        title: "Scenario".into(),
        text: r.scenario.to_toml(),
    });
    let simulations: u64 = r.posterior.generations.iter().map(|g| g.attempts).sum();
    let page = Page {
        title: r.scenario.name.clone(),
        kind: "fit".into(),
        lead: r.scenario.description.clone(),
        facts: vec![
            ("seed".into(), r.scenario.seed.to_string()),
            (
                "particles".into(),
                grouped(r.posterior.particles().len() as u64),
            ),
            (
                "generations".into(),
                r.posterior.generations.len().to_string(),
            ),
            ("simulations".into(), grouped(simulations)),
            ("series".into(), r.fit.observed().series.len().to_string()),
        ],
        sections,
    };
    Ok((figures, page))
}

/// The forecast at the horizon, one row per group.
fn forecast_table(forecast: &Forecast) -> Section {
    let h = forecast.horizon;
    Section::Table {
        title: format!("Forecast at {h}"),
        header: [
            "group",
            "final size (median)",
            "95% interval",
            "tipped",
            "time to tipping (median)",
            "95% interval",
        ]
        .map(String::from)
        .to_vec(),
        rows: forecast
            .groups
            .iter()
            .map(|g| {
                let (f, t) = (g.final_size, g.time_to_tipping);
                vec![
                    if g.group.is_empty() {
                        "all".into()
                    } else {
                        g.group.clone()
                    },
                    percent(f.median),
                    format!("{} to {}", percent(f.low), percent(f.high)),
                    percent(g.tipped),
                    cell(t.median),
                    format!("{} to {}", cell(t.low), cell(t.high)),
                ]
            })
            .collect(),
        note: Some(format!(
            "Over {} runs of particles drawn from the posterior; tipped: the share of runs that \
             reached the scenario's cascade cutoff by the horizon (time to tipping is over those).",
            grouped(forecast.draws as u64)
        )),
    }
}

/// The story of a best-fitting run, with what it is a run of.
fn best_story(r: &FitResults<'_>, best: &BestRun) -> String {
    let mut md = String::new();
    let values: Vec<String> = r
        .posterior
        .parameters
        .iter()
        .enumerate()
        .map(|(i, key)| format!("`{key}` = {}", r.fit.value_text(i, best.values[i])))
        .collect();
    let _ = write!(
        md,
        "A run with the values of the particle closest to the data (distance {}): {}. It is \
         run again for its story, so its curve is one draw of those values, not the run the \
         fit accepted.",
        cell(best.distance),
        values.join(", ")
    );
    let (offset, scale) = best.time_map;
    if offset != 0.0 || scale != 1.0 {
        let _ = write!(
            md,
            " Model tick = {} + {} × data time.",
            cell(offset),
            cell(scale)
        );
    }
    md.push_str("\n\n");
    md.push_str(&story(&best.scenario, &best.graph, &best.record, 0));
    md
}

/// Writes the figures and `report.html` into `dir`.
pub fn write(dir: &Path, r: &FitResults<'_>) -> Result<(), Error> {
    let (figures, page) = pictures(r)?;
    crate::write_pictures(dir, &figures, &page)
}

/// Writes into `dir` what `followership fit --out DIR` writes once the fit is done: the
/// engine's files (`posterior.csv`, `generations.csv`, `summary.csv`/`.json`,
/// `predictive.csv`, and `forecast.csv` when `horizon` was asked for) and, with `plots`, the
/// figures and `report.html` (after a re-run of the best-fitting particle up to `horizon`).
/// The one place every front end (the CLI, Python) writes a fit's directory, so they agree
/// byte for byte.
pub fn write_all(
    dir: &Path,
    scenario: &Scenario,
    fit: &Fit,
    posterior: &Posterior,
    forecast: &Forecast,
    horizon: Option<f64>,
    plots: bool,
) -> Result<(), Error> {
    fit_output::write(dir, fit, posterior, forecast, horizon.is_some())?;
    if !plots {
        return Ok(());
    }
    let best = best_runs(fit, posterior, horizon)?;
    write(
        dir,
        &FitResults {
            scenario,
            fit,
            posterior,
            forecast,
            forecast_asked: horizon.is_some(),
            best: &best,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_cells_read_well() {
        assert_eq!(file_part("front line/2"), "front-line-2");
        assert_eq!(file_part("dynamics.imitation"), "dynamics.imitation");
        assert_eq!(cell(0.010_34), "0.01034");
        assert_eq!(cell(0.3421), "0.3421");
        assert_eq!(cell(12.25), "12.25");
        assert_eq!(cell(0.0), "0");
        assert_eq!(cell(f64::NAN), "–");
        assert_eq!(cell(2.5e-5), "2.500e-5");
    }
}

#[cfg(test)]
mod report_tests {
    use followership::experiment::Experiment;
    use followership::fit::output::{best_runs, predict};
    use followership::fit::{Fit, FitOptions};

    use super::*;
    use crate::plot::check;

    /// A quick Bass fit of two parameters to six weeks of sign-ups, its forecast to week 12
    /// and its best run, as `followership fit --forecast 12` makes them.
    fn results(dir: &Path) -> (Experiment, Fit, Posterior, Forecast, Vec<BestRun>) {
        std::fs::write(
            dir.join("launch.csv"),
            "week,signups\n0,0\n1,6\n2,14\n3,30\n5,80\n6,120\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("launch.toml"),
            r#"
name = "launch"
description = "A launch to fit."
seed = 3
max_ticks = 20
[network]
kind = "erdos-renyi"
nodes = 300
edges = 0
[dynamics]
rule = "hazard"
visibility = 1.0
spontaneous = 0.01
imitation = 0.4
[initial]
placement = "none"
[fit]
particles = 30
generations = 3
[[fit.parameters]]
key = "dynamics.spontaneous"
prior = "log-uniform"
low = 0.001
high = 0.1
[[fit.parameters]]
key = "dynamics.imitation"
prior = "uniform"
low = 0.0
high = 1.0
[fit.data]
path = "launch.csv"
time = "week"
count = "signups"
"#,
        )
        .unwrap();
        let e = Experiment::from_file(dir.join("launch.toml")).unwrap();
        let fit = Fit::new(&e, None).unwrap();
        let posterior = fit.run(&FitOptions::default(), &mut |_| {}).unwrap();
        let forecast = predict(&fit, &posterior, Some(12.0), 30).unwrap();
        let best = best_runs(&fit, &posterior, Some(12.0)).unwrap();
        (e, fit, posterior, forecast, best)
    }

    #[test]
    fn a_fit_report_holds_its_pictures_tables_and_the_best_runs_story() {
        let dir = tempfile::tempdir().unwrap();
        let (e, fit, posterior, forecast, best) = results(dir.path());
        let r = FitResults {
            scenario: e.scenario(),
            fit: &fit,
            posterior: &posterior,
            forecast: &forecast,
            forecast_asked: true,
            best: &best,
        };
        let (figures, page) = pictures(&r).unwrap();
        let names: Vec<&str> = figures.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "predictive.svg",
                "posterior-dynamics.spontaneous.svg",
                "posterior-dynamics.imitation.svg",
                "pairs.svg",
                "generations.svg"
            ]
        );
        for f in &figures {
            let svg = check::parse(&f.svg);
            assert!(svg.count("text") >= 6, "{}: too little text", f.file_name);
        }
        // The forecast past week 6 is drawn in its own colour.
        assert!(check::parse(&figures[0].svg).has_text("forecast"));
        let html = page.render();
        for needle in [
            "<h2>Posterior</h2>",
            "log-uniform on [0.001, 0.1]",
            "95% credible interval",
            "<h2>Forecast at 12</h2>",
            "<h2>Generations</h2>",
            "<th>ESS</th>",
            "<h2>Story of the best-fitting run</h2>",
            "The story of a run: launch",
            "particle closest to the data",
            "figure-pairs",
            "figure-generations",
        ] {
            assert!(html.contains(needle), "the page lacks {needle:?}");
        }
        // Rows: two parameters, three generations, one forecast.
        assert_eq!(html.matches("<tr><td>").count(), 2 + 3 + 1);
        assert!(!html.contains("NaN") && !html.contains("inf<"));
        // Written: every picture and the page.
        let out = dir.path().join("out");
        write(&out, &r).unwrap();
        for name in names.iter().chain(&["report.html"]) {
            assert!(out.join(name).is_file(), "{name}");
        }
    }

    #[test]
    fn without_a_forecast_nothing_is_drawn_or_tabled_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let (e, fit, posterior, _, _) = results(dir.path());
        let forecast = predict(&fit, &posterior, None, 30).unwrap();
        let r = FitResults {
            scenario: e.scenario(),
            fit: &fit,
            posterior: &posterior,
            forecast: &forecast,
            forecast_asked: false,
            best: &[],
        };
        let (figures, page) = pictures(&r).unwrap();
        assert!(!check::parse(&figures[0].svg).has_text("forecast"));
        let html = page.render();
        assert!(!html.contains("Forecast at") && !html.contains("Story of"));
    }
}
