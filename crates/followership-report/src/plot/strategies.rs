//! Seeding strategies compared: for each way of choosing the first followers (at random, the
//! best connected, those near the leader, ...) the expected final size as a bar with its
//! interval, and the value written beside it so the ranking can be read off exactly.

use super::bars::{BarChart, Series, horizontal_bars};
use super::{BLUE, Estimate, PlotError};

/// The expected outcome of each seeding strategy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StrategyBars {
    /// The strategies, top to bottom (sort them before if a ranking is wanted).
    pub names: Vec<String>,
    /// The expected outcome of each strategy, in the same order; a missing or NaN mean leaves
    /// a gap.
    pub means: Vec<f64>,
    /// The lower end of each mean's 95% interval.
    pub lows: Vec<f64>,
    /// The upper end of each mean's 95% interval.
    pub highs: Vec<f64>,
    /// What the bars measure, e.g. "expected final followers".
    pub y_name: String,
}

/// Draws one horizontal bar a strategy with its interval whisker and its value.
pub fn render(bars: &StrategyBars) -> Result<String, PlotError> {
    let value_name = if bars.y_name.is_empty() {
        "expected final size"
    } else {
        &bars.y_name
    };
    // A missing bound becomes NaN, which draws no whisker.
    let bound = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    let estimates = (0..bars.means.len())
        .map(|i| Estimate::new(bars.means[i], bound(&bars.lows, i), bound(&bars.highs, i)))
        .collect();
    horizontal_bars(&BarChart {
        title: "Seeding strategies compared",
        categories: &bars.names,
        series: vec![Series {
            label: "mean",
            colour: BLUE,
            values: estimates,
        }],
        value_name,
        interval_name: "95% interval",
        always_show: (0.0, 0.0),
        show_values: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    fn example() -> StrategyBars {
        StrategyBars {
            names: vec![
                "random".into(),
                "high-degree".into(),
                "near-leader".into(),
                "bridges".into(),
            ],
            means: vec![210.0, 640.0, 880.6, 470.0],
            lows: vec![150.0, 580.0, 840.0, 400.0],
            highs: vec![270.0, 700.0, 920.0, 550.0],
            y_name: "expected final followers".into(),
        }
    }

    #[test]
    fn one_bar_a_strategy() {
        let svg = render(&example()).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Seeding strategies compared",
                "random",
                "high-degree",
                "near-leader",
                "bridges",
                "881",
                "mean",
                "95% interval",
            ],
            &[],
        );
        assert_axis(&parsed, "expected final followers");
        assert_eq!(parsed.count_with("rect", "fill", "#0072B2"), 4 + 1);
        // Four whiskers of three strokes each, and the legend's.
        assert!(parsed.count_with("polyline", "stroke", "#222222") >= 4 * 3 + 3);
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        let one = StrategyBars {
            names: vec!["random".into()],
            means: vec![0.0],
            lows: vec![0.0],
            highs: vec![0.0],
            ..StrategyBars::default()
        };
        assert_plot(
            &render(&one).unwrap(),
            &["random", "expected final size"],
            &[],
        );

        let negative = StrategyBars {
            names: vec!["a".into(), "b".into()],
            means: vec![-2.0, f64::NAN],
            lows: vec![-3.0, 0.0],
            highs: vec![-1.0],
            ..StrategyBars::default()
        };
        assert_plot(&render(&negative).unwrap(), &["a", "b"], &[]);

        let mismatched = StrategyBars {
            names: vec!["a".into()],
            means: vec![0.5; 3],
            ..StrategyBars::default()
        };
        assert_plot(&render(&mismatched).unwrap(), &["a"], &[]);

        assert_plot(
            &render(&StrategyBars::default()).unwrap(),
            &["no data"],
            &[],
        );
    }
}
