//! Trust over ticks: the followers' mean trust in the leader as the median over the runs with a
//! band from the 10th to the 90th percentile, the whole crowd's mean trust as a thinner line,
//! the trust floor (below it nobody joins and followers leave) as a dashed level, and every
//! leader event as a labelled tick: green for a kept promise, vermillion for the rest.
//!
//! The floor is the point of the picture: a band that dips under it is followers walking away.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BLUE, GREEN, HEIGHT, INK, Legend, MUTED, NOTE_SIZE, PlotError, Swatch, VERMILLION, WIDTH,
    anchored, axes, chart, count, draw_svg, extent, header, no_data_svg, number, outline, sane,
    text_width, whole, widen,
};

/// One leader event marked on the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustMark {
    /// The tick it happened.
    pub tick: u32,
    /// A short label ("kept promise", "character violation").
    pub label: String,
    /// Whether it built trust (drawn green) rather than cost it (vermillion).
    pub kept: bool,
}

/// The trust curve of an experiment, summarised over its runs.
///
/// `median`, `p10` and `p90` hold the followers' mean trust (0 to 1) at each of `ticks`, NaN
/// where no run had followers; `crowd` the median of the whole crowd's mean trust. Entries past
/// the shortest of the vectors are ignored and NaN entries are skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrustCurve {
    /// The ticks, increasing.
    pub ticks: Vec<u32>,
    /// The median over runs of the followers' mean trust.
    pub median: Vec<f64>,
    /// Its 10th percentile.
    pub p10: Vec<f64>,
    /// Its 90th percentile.
    pub p90: Vec<f64>,
    /// The median over runs of the whole crowd's mean trust.
    pub crowd: Vec<f64>,
    /// The trust floor (`trust.floor`).
    pub floor: f64,
    /// The leader events to mark: the scenario's scripted ones and those of the recorded run.
    pub events: Vec<TrustMark>,
    /// How many runs the curve summarises.
    pub runs: usize,
}

const TITLE: &str = "Trust in the leader over ticks";

/// At most this many rows of event labels; further events that would overlap get a one-letter
/// label (its key is in the subtitle).
const LABEL_ROWS: usize = 4;

/// The one-letter label of an event whose full label has no room.
fn initial(label: &str) -> String {
    label
        .chars()
        .next()
        .map(|c| c.to_ascii_uppercase().to_string())
        .unwrap_or_default()
}

/// Draws the trust curve.
pub fn render(curve: &TrustCurve) -> Result<String, PlotError> {
    let series = |values: &[f64]| -> Vec<(f64, f64)> {
        curve
            .ticks
            .iter()
            .zip(values)
            .filter_map(|(&t, &v)| Some((f64::from(t), sane(v)?)))
            .collect()
    };
    let median = series(&curve.median);
    let crowd = series(&curve.crowd);
    let band: Vec<(f64, f64, f64)> = curve
        .ticks
        .iter()
        .zip(curve.p10.iter().zip(&curve.p90))
        .filter_map(|(&t, (&a, &b))| {
            let (a, b) = (sane(a)?, sane(b)?);
            Some((f64::from(t), a.min(b), a.max(b)))
        })
        .collect();
    if median.is_empty() && crowd.is_empty() {
        return no_data_svg(TITLE, "no ticks with trust recorded");
    }
    let floor = sane(curve.floor).map(|f| f.clamp(0.0, 1.0));
    let xs = median
        .iter()
        .chain(&crowd)
        .map(|p| p.0)
        .chain(curve.events.iter().map(|e| f64::from(e.tick)));
    let (x_lo, x_hi) = extent(xs).unwrap_or((0.0, 1.0));
    let x_range = widen(x_lo, x_hi);
    // Trust is a share of full trust: always the whole scale, with room above it for the
    // event labels.
    let y_range = 0.0..1.0 + 0.09 * LABEL_ROWS as f64;

    let runs = match curve.runs {
        1 => "1 run".to_string(),
        n => format!("{} runs", count(n)),
    };
    let subtitle = format!("followers' mean trust; median and 10–90% band over {runs}");
    let mut legend: Vec<Legend> = Vec::new();
    if !median.is_empty() {
        legend.push((Swatch::Line(BLUE), "followers (median)".into()));
    }
    if !band.is_empty() {
        legend.push((Swatch::Band(BLUE), "10–90% of runs".into()));
    }
    if !crowd.is_empty() {
        legend.push((Swatch::Line(MUTED), "whole crowd (median)".into()));
    }
    if curve.events.iter().any(|e| e.kept) {
        legend.push((Swatch::Line(GREEN), "promise kept".into()));
    }
    if curve.events.iter().any(|e| !e.kept) {
        legend.push((Swatch::Line(VERMILLION), "trust lost".into()));
    }

    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, TITLE, Some(&subtitle), &legend)?;
        let mut chart = chart(&body, x_range.clone(), y_range.clone())?;
        // No labels above full trust: that strip holds the event labels.
        let trust_label = |v: &f64| {
            if *v <= 1.0 + 1e-9 {
                number((v * 100.0).round() / 100.0)
            } else {
                String::new()
            }
        };
        axes(
            &mut chart,
            "tick",
            "trust in the leader",
            &whole,
            &trust_label,
        )?;

        if band.len() >= 2 {
            let outline = outline(&band);
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                BLUE.mix(0.25).filled(),
            )))?;
        }
        if crowd.len() >= 2 {
            chart.draw_series(LineSeries::new(
                crowd.iter().copied(),
                MUTED.stroke_width(2),
            ))?;
        }
        if median.len() >= 2 {
            chart.draw_series(LineSeries::new(
                median.iter().copied(),
                BLUE.stroke_width(3),
            ))?;
        } else if let Some(&point) = median.first() {
            chart.draw_series(std::iter::once(Circle::new(point, 4, BLUE.filled())))?;
        }
        if let Some(level) = floor {
            chart.draw_series(DashedLineSeries::new(
                [(x_range.start, level), (x_range.end, level)],
                7,
                5,
                INK.stroke_width(2),
            ))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at((x_range.start, level))
                    + Text::new(
                        format!("trust floor ({}): below it, followers leave", number(level)),
                        (8, 4),
                        anchored(NOTE_SIZE, INK, HPos::Left, VPos::Top),
                    ),
            ))?;
        }

        // Event ticks, and their labels in rows above full trust: each label goes into the
        // lowest row where it does not run into the one before it.
        let mut row_ends = [i32::MIN; LABEL_ROWS];
        for e in &curve.events {
            let x = f64::from(e.tick);
            let colour = if e.kept { GREEN } else { VERMILLION };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, y_range.start), (x, 1.0)],
                colour.mix(0.8).stroke_width(2),
            )))?;
            let (px, _) = chart.backend_coord(&(x, 1.0));
            let (right_edge, _) = chart.backend_coord(&(x_range.end, 1.0));
            // A label that would run off the right goes to the left of its tick.
            let span = |text: &str| {
                let w = text_width(text, NOTE_SIZE);
                if px + 2 + w > right_edge {
                    (px - 2 - w, px - 2, HPos::Right, -2)
                } else {
                    (px + 2, px + 2 + w, HPos::Left, 2)
                }
            };
            let full = format!("{} ({})", e.label, e.tick);
            let row_for = |text: &str| {
                let (left, ..) = span(text);
                row_ends.iter().position(|&end| left - 4 > end)
            };
            let (row, text) = match row_for(&full) {
                Some(row) => (row, full),
                None => {
                    let short = initial(&e.label);
                    let row = row_for(&short).unwrap_or_else(|| {
                        (0..LABEL_ROWS)
                            .min_by_key(|&r| row_ends[r])
                            .expect("LABEL_ROWS is not zero")
                    });
                    (row, short)
                }
            };
            let (_, right, h, dx) = span(&text);
            row_ends[row] = right;
            let y = 1.0 + 0.09 * (row as f64 + 0.5);
            chart.draw_series(std::iter::once(
                EmptyElement::at((x, y))
                    + Text::new(text, (dx, 0), anchored(NOTE_SIZE, colour, h, VPos::Center)),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    fn broken_promise() -> TrustCurve {
        let ticks: Vec<u32> = (0..=100).map(|t| t * 10).collect();
        let trust = |t: u32| if t < 600 { 0.72 } else { 0.35 };
        TrustCurve {
            median: ticks.iter().map(|&t| trust(t)).collect(),
            p10: ticks.iter().map(|&t| trust(t) - 0.05).collect(),
            p90: ticks.iter().map(|&t| trust(t) + 0.05).collect(),
            crowd: ticks.iter().map(|&t| trust(t) - 0.02).collect(),
            ticks,
            floor: 0.5,
            events: [450, 500, 550]
                .map(|tick| TrustMark {
                    tick,
                    label: "kept promise".into(),
                    kept: true,
                })
                .into_iter()
                .chain([TrustMark {
                    tick: 600,
                    label: "character violation".into(),
                    kept: false,
                }])
                .collect(),
            runs: 100,
        }
    }

    #[test]
    fn curve_floor_and_every_event_are_drawn_and_labelled() {
        let svg = render(&broken_promise()).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                TITLE,
                "100 runs",
                "trust floor (0.5): below it, followers leave",
                "kept promise (450)",
                "kept promise (500)",
                "kept promise (550)",
                "character violation (600)",
                "promise kept",
                "trust lost",
            ],
            &[("polygon", 1)],
        );
        assert_axis(&parsed, "tick");
        assert_axis(&parsed, "trust in the leader");
        assert!(parsed.count_with("polyline", "stroke", "#D55E00") >= 1);
    }

    #[test]
    fn crowded_events_get_short_labels_and_awkward_inputs_do_not_panic() {
        let mut many = broken_promise();
        many.events = (1..=60)
            .map(|i| TrustMark {
                tick: i * 15,
                label: "denied failure".into(),
                kept: false,
            })
            .collect();
        let svg = render(&many).unwrap();
        let parsed = assert_plot(&svg, &["denied failure (15)", "D"], &[]);
        assert!(parsed.has_text("D"));

        assert_plot(&render(&TrustCurve::default()).unwrap(), &["no data"], &[]);
        let mut nan = broken_promise();
        nan.median = vec![f64::NAN; nan.ticks.len()];
        nan.floor = f64::NAN;
        let svg = render(&nan).unwrap();
        assert!(!svg.contains("trust floor"));
    }
}
