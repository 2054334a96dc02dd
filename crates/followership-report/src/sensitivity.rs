//! The pictures of a sensitivity analysis (`followership sensitivity`): first-order and total
//! Sobol indices of each outcome as bars with their bootstrap intervals, by parameter and by
//! group, and a report page with the same numbers as a table.

use std::path::Path;

use followership::analysis::sensitivity::{FactorIndex, Indices};
use followership::error::Error;
use followership::scenario::Scenario;

use crate::Figure;
use crate::html::{Page, Section};
use crate::plot::{self, IndexBars};

/// Computes the figures and the report page of the indices of each outcome.
pub fn pictures(
    scenario: &Scenario,
    results: &[(String, Indices)],
) -> Result<(Vec<Figure>, Page), Error> {
    let mut figures = Vec::new();
    let mut rows = Vec::new();
    for (outcome, indices) in results {
        for (kind, list) in [
            ("parameters", &indices.parameters),
            ("groups", &indices.groups),
        ] {
            if list.is_empty() {
                continue;
            }
            let bars = IndexBars {
                title: format!("{outcome}: Sobol indices by {}", &kind[..kind.len() - 1]),
                names: list.iter().map(|f| f.name.clone()).collect(),
                first: list
                    .iter()
                    .map(|f| with_interval(f.first, f.first_ci))
                    .collect(),
                total: list
                    .iter()
                    .map(|f| with_interval(f.total, f.total_ci))
                    .collect(),
            };
            figures.push(Figure {
                file_name: format!("indices-{kind}-{outcome}.svg"),
                title: bars.title.clone(),
                caption: format!(
                    "First-order index (the share of the variance of {outcome} due to the {} \
                     alone) and total index (its share with every interaction), with 95% \
                     bootstrap intervals. Replicate noise counts towards every total index.",
                    &kind[..kind.len() - 1]
                ),
                svg: plot::sensitivity::render(&bars).map_err(crate::run::plot_error)?,
            });
            rows.extend(list.iter().map(|f| row(outcome, kind, f)));
        }
    }
    let mut sections = Vec::new();
    if !figures.is_empty() {
        sections.push(Section::Figures {
            title: "Indices".into(),
            figures: figures.clone(),
        });
    }
    sections.push(Section::Table {
        title: "Table of indices".into(),
        header: [
            "outcome",
            "by",
            "name",
            "first order",
            "95% interval",
            "total",
            "95% interval",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        note: Some(
            results
                .iter()
                .map(|(o, ix)| format!("{o}: mean {:.4}, variance {:.4}", ix.mean, ix.variance))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    });
    sections.push(Section::Code {
        title: "Scenario".into(),
        text: scenario.to_toml(),
    });
    let page = Page {
        title: scenario.name.clone(),
        kind: "sensitivity analysis".into(),
        lead: scenario.description.clone(),
        facts: vec![
            ("seed".into(), scenario.seed.to_string()),
            ("outcomes".into(), results.len().to_string()),
        ],
        sections,
    };
    Ok((figures, page))
}

/// Writes the figures and `report.html` into `dir`.
pub fn write(dir: &Path, scenario: &Scenario, results: &[(String, Indices)]) -> Result<(), Error> {
    let (figures, page) = pictures(scenario, results)?;
    crate::write_pictures(dir, &figures, &page)
}

/// An estimate with its interval; without one (no bootstrap), the interval is the estimate.
fn with_interval(estimate: f64, ci: Option<[f64; 2]>) -> (f64, f64, f64) {
    let [low, high] = ci.unwrap_or([estimate, estimate]);
    (estimate, low, high)
}

fn row(outcome: &str, kind: &str, f: &FactorIndex) -> Vec<String> {
    let ci = |c: Option<[f64; 2]>| c.map_or(String::new(), |[l, h]| format!("{l:.3} to {h:.3}"));
    vec![
        outcome.into(),
        kind[..kind.len() - 1].into(),
        f.name.clone(),
        format!("{:.3}", f.first),
        ci(f.first_ci),
        format!("{:.3}", f.total),
        ci(f.total_ci),
    ]
}
