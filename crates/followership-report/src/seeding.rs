//! The pictures of `followership seed`: the expected final size of each strategy's seed set
//! as bars with intervals, and a report page with the chosen people.

use std::path::Path;

use followership::error::Error;
use followership::scenario::Scenario;

use crate::Figure;
use crate::html::{Page, Section};
use crate::plot::{self, StrategyBars};

/// What one strategy chose and how large a movement its choice made.
#[derive(Debug, Clone)]
pub struct StrategyResult {
    /// The strategy's name.
    pub strategy: String,
    /// The chosen people, in the network's own ids, best first.
    pub seeds: Vec<u64>,
    /// Mean final number of followers over the evaluation runs.
    pub mean: f64,
    /// 95% interval of the mean.
    pub ci: [f64; 2],
    /// Evaluation runs.
    pub runs: u64,
    /// Seconds the strategy took to choose.
    pub seconds: f64,
}

/// Computes the bar plot and the report page.
pub fn pictures(
    scenario: &Scenario,
    k: usize,
    people: usize,
    results: &[StrategyResult],
) -> Result<(Vec<Figure>, Page), Error> {
    let bars = StrategyBars {
        names: results.iter().map(|r| r.strategy.clone()).collect(),
        means: results.iter().map(|r| r.mean).collect(),
        lows: results.iter().map(|r| r.ci[0]).collect(),
        highs: results.iter().map(|r| r.ci[1]).collect(),
        y_name: "expected final followers".into(),
    };
    let runs = results.first().map_or(0, |r| r.runs);
    let figures = vec![Figure {
        file_name: "strategies.svg".into(),
        title: format!("Expected movement size with k = {k} first followers"),
        caption: format!(
            "Mean final number of followers when each strategy's {k} people follow from the \
             start, over the same {runs} runs for every strategy, with 95% intervals."
        ),
        svg: plot::strategies::render(&bars).map_err(crate::run::plot_error)?,
    }];
    let rows = results
        .iter()
        .map(|r| {
            let shown: Vec<String> = r.seeds.iter().take(12).map(u64::to_string).collect();
            let more = r.seeds.len().saturating_sub(shown.len());
            vec![
                r.strategy.clone(),
                format!("{:.1}", r.mean),
                format!("{:.1} to {:.1}", r.ci[0], r.ci[1]),
                format!("{:.2}", r.seconds),
                if more > 0 {
                    format!("{}, and {more} more (seeds.csv)", shown.join(", "))
                } else {
                    shown.join(", ")
                },
            ]
        })
        .collect();
    let page = Page {
        title: scenario.name.clone(),
        kind: "seeding".into(),
        lead: scenario.description.clone(),
        facts: vec![
            ("k".into(), k.to_string()),
            ("people".into(), people.to_string()),
            ("evaluation runs".into(), runs.to_string()),
            ("seed".into(), scenario.seed.to_string()),
        ],
        sections: vec![
            Section::Figures {
                title: "Strategies".into(),
                figures: figures.clone(),
            },
            Section::Table {
                title: "Whom to recruit first".into(),
                header: [
                    "strategy",
                    "final size",
                    "95% interval",
                    "seconds",
                    "people",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                note: Some("People are in the network's own ids, best first.".into()),
            },
            Section::Code {
                title: "Scenario".into(),
                text: scenario.to_toml(),
            },
        ],
    };
    Ok((figures, page))
}

/// Writes `strategies.svg` and `report.html` into `dir`.
pub fn write(
    dir: &Path,
    scenario: &Scenario,
    k: usize,
    people: usize,
    results: &[StrategyResult],
) -> Result<(), Error> {
    let (figures, page) = pictures(scenario, k, people, results)?;
    crate::write_pictures(dir, &figures, &page)
}
