//! Sensitivity indices as bars: for each parameter (or group of parameters) its first-order
//! index, the share of the outcome's variance it explains alone, beside its total index, the
//! share it touches counting every interaction, each with its confidence interval.
//!
//! The two bars sit side by side because their gap is the message: a parameter whose total
//! index is far above its first-order one matters through interactions, not on its own.
//! Estimates from a finite sample can fall below zero or above one, so the axis always shows
//! 0 to 1 and stretches to whatever the estimates and intervals reach.

use super::bars::{BarChart, Series, horizontal_bars};
use super::{BLUE, Estimate, ORANGE, PlotError};

/// First-order and total sensitivity indices, one pair a parameter or group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexBars {
    /// The title, e.g. "Sensitivity of the final size, by parameter".
    pub title: String,
    /// The parameters or groups, top to bottom.
    pub names: Vec<String>,
    /// The first-order index of each name, in the same order, as `(estimate, low, high)`: the
    /// estimate and the ends of its confidence interval. A missing entry or a NaN estimate
    /// leaves a gap; a NaN or zero-width interval draws no whisker.
    pub first: Vec<(f64, f64, f64)>,
    /// The total index of each name, in the same order and form.
    pub total: Vec<(f64, f64, f64)>,
}

/// Draws the indices as grouped horizontal bars (first-order above total for each name) with
/// interval whiskers and a legend.
pub fn render(bars: &IndexBars) -> Result<String, PlotError> {
    let title = if bars.title.is_empty() {
        "Sensitivity indices"
    } else {
        &bars.title
    };
    horizontal_bars(&BarChart {
        title,
        categories: &bars.names,
        series: vec![
            Series {
                label: "first-order index",
                colour: BLUE,
                values: estimates(&bars.first),
            },
            Series {
                label: "total index",
                colour: ORANGE,
                values: estimates(&bars.total),
            },
        ],
        value_name: "share of the outcome's variance",
        interval_name: "confidence interval",
        always_show: (0.0, 1.0),
        show_values: false,
    })
}

fn estimates(triples: &[(f64, f64, f64)]) -> Vec<Estimate> {
    triples
        .iter()
        .map(|&(value, low, high)| Estimate::new(value, low, high))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    fn example() -> IndexBars {
        IndexBars {
            title: "Sensitivity of the final size, by parameter".into(),
            names: vec![
                "threshold.mean".into(),
                "leader.patience".into(),
                "network.mean_degree".into(),
            ],
            first: vec![(0.52, 0.45, 0.60), (0.08, 0.02, 0.15), (-0.02, -0.06, 0.03)],
            total: vec![(0.71, 0.63, 0.80), (0.25, 0.18, 0.33), (0.04, 0.01, 0.08)],
        }
    }

    #[test]
    fn bars_names_and_whiskers_are_drawn() {
        let svg = render(&example()).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Sensitivity of the final size",
                "threshold.mean",
                "leader.patience",
                "network.mean_degree",
                "first-order index",
                "total index",
                "confidence interval",
            ],
            &[],
        );
        assert_axis(&parsed, "share of the outcome's variance");
        // Six bars in the two series' colours plus the two legend blocks.
        assert_eq!(parsed.count_with("rect", "fill", "#0072B2"), 3 + 1);
        assert_eq!(parsed.count_with("rect", "fill", "#E69F00"), 3 + 1);
        // Each whisker is a line and two caps; the legend's whisker has three strokes too.
        assert!(parsed.count("polyline") >= 6 * 3 + 3);
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        let mut bars = example();
        bars.first[0] = (f64::NAN, 0.1, 0.2);
        bars.total[1] = (0.3, f64::NAN, f64::INFINITY);
        bars.total.pop();
        assert_plot(&render(&bars).unwrap(), &["threshold.mean"], &[]);

        let empty = IndexBars::default();
        assert_plot(&render(&empty).unwrap(), &["no data"], &[]);

        let nan = IndexBars {
            names: vec!["a".into()],
            first: vec![(f64::NAN, f64::NAN, f64::NAN)],
            ..IndexBars::default()
        };
        assert_plot(&render(&nan).unwrap(), &["no data"], &[]);

        let many = IndexBars {
            title: "by group".into(),
            names: (0..40)
                .map(|i| format!("a rather long parameter name number {i}"))
                .collect(),
            first: vec![(0.0, 0.0, 0.0); 40],
            total: vec![(0.0, 0.0, 0.0); 40],
        };
        let svg = render(&many).unwrap();
        assert_plot(&svg, &["a rather long parameter name"], &[]);
    }
}
