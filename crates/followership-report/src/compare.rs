//! The comparison of variants of a scenario (`followership compare`): one report with each
//! variant's outcomes side by side, the difference of each from the first with its interval, the
//! adoption curves overlaid, and the replays of replicate 0 side by side, in step.
//!
//! Differences are of the cascade probability (a Newcombe hybrid score interval built from the
//! two Wilson intervals, so it stays within what is possible) and of the mean final size (a
//! normal interval from the two standard errors, clipped to [-1, 1]).

use std::fmt::Write as _;
use std::path::Path;

use followership::analysis::ensemble::TickSpan;
use followership::analysis::summary::{mean_interval, quantile, wilson};
use followership::error::Error;
use followership::fmt::{counted, percent};
use followership::output::Report;

use crate::html::{Page, Section};
use crate::plot;
use crate::replay::{Replay, ReplayOptions};
use crate::run::{adoption_curve, block_table, plot_error};
use crate::{Figure, write_file};

/// One variant: its label ("hillside", "middle-out, leaders.block=0") and its results.
pub struct Variant<'a> {
    /// How the variant is named in tables, legends and the CSV.
    pub label: String,
    /// Its scenario, ensemble and summary.
    pub report: Report<'a>,
}

/// A difference between a variant and the first, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// This variant's value minus the first's.
    pub estimate: f64,
    /// The interval, within [-1, 1].
    pub ci: [f64; 2],
}

/// The difference of two cascade probabilities, `b - a`, with the Newcombe hybrid score
/// interval (method 10): from each side's Wilson interval, within [-1, 1].
pub fn probability_difference(a: (u64, u64), b: (u64, u64)) -> Difference {
    let (pa, pb) = (wilson(a.0, a.1), wilson(b.0, b.1));
    let d = pb.estimate - pa.estimate;
    let low = d - ((pb.estimate - pb.low).powi(2) + (pa.high - pa.estimate).powi(2)).sqrt();
    let high = d + ((pb.high - pb.estimate).powi(2) + (pa.estimate - pa.low).powi(2)).sqrt();
    Difference {
        estimate: d,
        ci: [low.max(-1.0), high.min(1.0)],
    }
}

/// The difference of two mean final sizes, `b - a`, with a normal 95% interval from their
/// standard errors, within [-1, 1].
pub fn mean_difference(a: &[f64], b: &[f64]) -> Difference {
    let (ma, mb) = (mean_interval(a), mean_interval(b));
    let se = (ma.sd.powi(2) / a.len().max(1) as f64 + mb.sd.powi(2) / b.len().max(1) as f64).sqrt();
    let d = mb.mean - ma.mean;
    let half = 1.959_963_984_540_054 * se;
    Difference {
        estimate: d,
        ci: [(d - half).max(-1.0), (d + half).min(1.0)],
    }
}

/// Each run's final fraction, in replicate order.
pub fn finals<'a>(v: &Variant<'a>) -> &'a [f64] {
    v.report.ensemble.aggregates.outcomes.final_fractions()
}

/// How many runs cascaded, of how many.
pub fn cascades(v: &Variant<'_>) -> (u64, u64) {
    let outcomes = &v.report.ensemble.aggregates.outcomes;
    (outcomes.cascades(), outcomes.len() as u64)
}

/// A signed percentage-point difference: "+12.0 points".
fn points(d: f64) -> String {
    format!("{:+.1} points", 100.0 * d)
}

/// A median tick over the runs in which a moment came, or "never".
fn median_tick(span: Option<&TickSpan>, replicates: usize) -> String {
    match span {
        Some(t) => format!(
            "{} (in {} of {})",
            t.median,
            t.runs,
            counted(replicates as u64, "run", "runs")
        ),
        None => "never".into(),
    }
}

/// The rows of `compare.csv`: one per variant, its outcomes and its difference from the first.
pub fn csv(variants: &[Variant<'_>]) -> String {
    let mut out = String::from(
        "variant,replicates,final_fraction_mean,final_fraction_low,final_fraction_high,\
         cascade_probability,cascade_low,cascade_high,first_follower_tick_median,\
         critical_mass_tick_median,final_fraction_difference,final_fraction_difference_low,\
         final_fraction_difference_high,cascade_difference,cascade_difference_low,\
         cascade_difference_high\n",
    );
    let Some(first) = variants.first() else {
        return out;
    };
    let (finals0, cascades0) = (finals(first), cascades(first));
    let number = |x: Option<f64>| x.map(|x| format!("{x}")).unwrap_or_default();
    for v in variants {
        let s = v.report.summary;
        let (f, c) = (finals(v), cascades(v));
        let md = mean_difference(finals0, f);
        let pd = probability_difference(cascades0, c);
        let critical = v
            .report
            .ensemble
            .aggregates
            .outcomes
            .critical_mass()
            .map(|t| t.median);
        let label = v.label.replace('"', "\"\"");
        let _ = writeln!(
            out,
            "\"{label}\",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            s.replicates,
            s.final_fraction_mean,
            s.final_fraction_ci[0],
            s.final_fraction_ci[1],
            s.cascade_probability,
            s.cascade_probability_ci[0],
            s.cascade_probability_ci[1],
            number(s.first_follower.as_ref().map(|t| t.median)),
            number(critical),
            md.estimate,
            md.ci[0],
            md.ci[1],
            pd.estimate,
            pd.ci[0],
            pd.ci[1],
        );
    }
    out
}

/// The figures and the page of a comparison.
pub fn pictures(variants: &[Variant<'_>]) -> Result<(Vec<Figure>, Page), Error> {
    let mut figures = Vec::new();
    let curves: Vec<(String, plot::AdoptionCurve)> = variants
        .iter()
        .filter_map(|v| {
            let s = v.report.scenario;
            adoption_curve(
                &v.report.ensemble.aggregates.series,
                s.momentum.as_ref().map(|m| m.critical_mass),
                s.leaders.is_some(),
            )
            .map(|c| (v.label.clone(), c))
        })
        .collect();
    figures.push(Figure {
        file_name: "adoption-compare.svg".into(),
        title: "Adoption, variant by variant".into(),
        caption: "The share of the crowd following at each tick: each variant's median over its \
                  replicates as a line, the 10th to 90th percentile shaded in its colour."
            .into(),
        svg: plot::compare::render(&curves).map_err(plot_error)?,
    });

    let finals_by_variant: Vec<(String, Vec<f64>)> = variants
        .iter()
        .map(|v| (v.label.clone(), finals(v).to_vec()))
        .collect();
    figures.push(Figure {
        file_name: "final-size-compare.svg".into(),
        title: "Final sizes, variant by variant".into(),
        caption: "Each run's final share following, a dot per run and a bar at the mean: a \
                  movement or nothing shows as two clumps."
            .into(),
        svg: plot::compare::render_finals(&finals_by_variant).map_err(plot_error)?,
    });
    let Some(first) = variants.first() else {
        return Err(Error::io(
            "compare",
            std::io::Error::other("nothing to compare"),
        ));
    };
    let (finals0, cascades0) = (finals(first), cascades(first));
    let mut rows = Vec::new();
    let mut differences = Vec::new();
    for v in variants {
        let s = v.report.summary;
        let f = finals(v);
        let mut sorted = f.to_vec();
        sorted.sort_by(f64::total_cmp);
        let outcomes = &v.report.ensemble.aggregates.outcomes;
        rows.push(vec![
            v.label.clone(),
            format!(
                "{} ({} to {})",
                percent(s.final_fraction_mean),
                percent(s.final_fraction_ci[0]),
                percent(s.final_fraction_ci[1])
            ),
            format!(
                "{} to {}",
                percent(quantile(&sorted, 0.1)),
                percent(quantile(&sorted, 0.9))
            ),
            format!(
                "{} ({} to {})",
                percent(s.cascade_probability),
                percent(s.cascade_probability_ci[0]),
                percent(s.cascade_probability_ci[1])
            ),
            median_tick(s.first_follower.as_ref(), s.replicates),
            median_tick(outcomes.critical_mass().as_ref(), s.replicates),
        ]);
        if !std::ptr::eq(v, first) {
            let md = mean_difference(finals0, f);
            let pd = probability_difference(cascades0, cascades(v));
            differences.push(vec![
                format!("{} minus {}", v.label, first.label),
                format!(
                    "{} ({} to {})",
                    points(md.estimate),
                    points(md.ci[0]),
                    points(md.ci[1])
                ),
                format!(
                    "{} ({} to {})",
                    points(pd.estimate),
                    points(pd.ci[0]),
                    points(pd.ci[1])
                ),
            ]);
        }
    }
    let mut sections = vec![
        Section::Table {
            title: "Outcomes".into(),
            header: vec![
                "variant".into(),
                "final size, mean (95% interval)".into(),
                "final size, middle 80% of runs".into(),
                "cascade probability (95% interval)".into(),
                "first follower, median tick".into(),
                "critical mass, median tick".into(),
            ],
            rows,
            note: Some(
                "Intervals: a t-interval for the mean, a Wilson interval for the probability."
                    .into(),
            ),
        },
        Section::Table {
            title: "Differences from the first variant".into(),
            header: vec![
                "variants".into(),
                "mean final size (95% interval)".into(),
                "cascade probability (95% interval)".into(),
            ],
            rows: differences,
            note: Some(
                "In percentage points. Cascade probabilities: Newcombe's hybrid score interval; \
                 final sizes: a normal interval from the two standard errors. An interval that \
                 holds 0 does not tell the variants apart at these replicates."
                    .into(),
            ),
        },
    ];
    // Organisations: how far each variant reached at each level.
    for v in variants {
        if let Some(table) = block_table(&v.report, format!("Final size by block: {}", v.label)) {
            sections.push(table);
        }
    }
    sections.push(Section::Figures {
        title: "Plots".into(),
        figures: figures.clone(),
    });
    let mut replays = Vec::new();
    for v in variants {
        if let Some((replicate, record, graph)) = v.report.ensemble.recorded_run() {
            let s = v.report.scenario;
            let mut replay = Replay::new(
                record,
                graph,
                s.momentum.as_ref().map(|m| m.critical_mass),
                &ReplayOptions::default(),
            );
            replay.trust_floor = s.trust.as_ref().map(|t| t.floor);
            replays.push((
                format!("{} (replicate {replicate})", v.label),
                serde_json::to_string(&replay).map_err(|e| Error::io("replay", e.into()))?,
            ));
        }
    }
    if !replays.is_empty() {
        sections.push(Section::Replays {
            title: "Replays, side by side".into(),
            note: "Replicate 0 of each variant, played in step: one tick for all.".into(),
            replays,
        });
    }
    for v in variants {
        sections.push(Section::Code {
            title: format!("Scenario: {}", v.label),
            text: v.report.scenario.to_toml(),
        });
    }
    let labels: Vec<&str> = variants.iter().map(|v| v.label.as_str()).collect();
    let page = Page {
        title: labels.join(" vs "),
        kind: "comparison".into(),
        lead: variants
            .iter()
            .map(|v| format!("{}: {}", v.label, v.report.scenario.summary()))
            .collect::<Vec<_>>()
            .join("\n\n"),
        facts: vec![
            ("variants".into(), variants.len().to_string()),
            (
                "replicates".into(),
                variants
                    .iter()
                    .map(|v| v.report.summary.replicates.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
        sections,
    };
    Ok((figures, page))
}

/// Writes `compare.csv`, the plots and `report.html` of a comparison into `dir`.
pub fn write(dir: &Path, variants: &[Variant<'_>]) -> Result<(), Error> {
    let (figures, page) = pictures(variants)?;
    crate::write_pictures(dir, &figures, &page)?;
    write_file(&dir.join("compare.csv"), &csv(variants))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_stay_within_what_is_possible() {
        let d = probability_difference((0, 20), (20, 20));
        assert!((d.estimate - 1.0).abs() < 1e-12);
        assert!(d.ci[0] > 0.0 && d.ci[1] <= 1.0, "{d:?}");
        let same = probability_difference((5, 20), (5, 20));
        assert!(same.ci[0] < 0.0 && same.ci[1] > 0.0);
        let m = mean_difference(&[0.0, 0.0, 1.0], &[1.0, 1.0, 1.0]);
        assert!((m.estimate - 2.0 / 3.0).abs() < 1e-12);
        assert!(m.ci[0] >= -1.0 && m.ci[1] <= 1.0);
    }
}
