//! Adoption over ticks: the share of the crowd following at each tick, as the median over the
//! runs with a band from the 10th to the 90th percentile, and the moments that tell the story
//! marked on it: when the first follower joined (a vermillion tick with a dot on the curve, their
//! colour everywhere), the critical mass (a dashed level) and when the leader gave up (a dashed
//! tick); each tick is the median over the runs in which the moment came.
//!
//! The band matters more than the median when the outcome is bimodal: a median near zero with a
//! band reaching the top says "usually nothing, sometimes everything".

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BLUE, HEIGHT, INK, Legend, MUTED, NOTE_SIZE, PlotError, Swatch, VERMILLION, WIDTH, anchored,
    axes, chart, count, draw_svg, extent, header, no_data_svg, number, outline, percent, sane,
    whole, widen,
};

/// When the leader gave up, over the runs of an experiment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeaderQuit {
    /// The median tick at which the leader quit, over the runs in which they did.
    pub median_tick: f64,
    /// In how many runs the leader quit.
    pub runs_quit: usize,
    /// How many runs there were.
    pub runs: usize,
}

/// When the first follower joined, over the runs of an experiment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirstFollower {
    /// The median tick at which the first follower joined, over the runs that had one.
    pub median_tick: f64,
    /// In how many runs a first follower came.
    pub runs_with: usize,
    /// How many runs there were.
    pub runs: usize,
}

/// The adoption curve of an experiment, summarised over its runs.
///
/// `median`, `p10` and `p90` hold the share of the crowd following (0 to 1) at each of
/// `ticks`; entries past the shortest of the vectors are ignored and NaN entries are skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdoptionCurve {
    /// The ticks at which the shares were recorded, increasing.
    pub ticks: Vec<u32>,
    /// The median share following at each tick.
    pub median: Vec<f64>,
    /// The 10th percentile of the share following at each tick.
    pub p10: Vec<f64>,
    /// The 90th percentile of the share following at each tick.
    pub p90: Vec<f64>,
    /// The critical mass as a share of the crowd, if known.
    pub critical_mass: Option<f64>,
    /// When the leader quit, if the model lets leaders quit.
    pub leader_quit: Option<LeaderQuit>,
    /// When the first follower joined, if any run had one.
    pub first_follower: Option<FirstFollower>,
    /// How many runs the curve summarises.
    pub runs: usize,
}

/// Enough points for a 720-pixel-wide plot; longer runs are thinned so the file stays small.
const MAX_POINTS: usize = 1000;

const TITLE: &str = "Adoption over ticks";

/// Draws the adoption curve: the median as a line, the 10–90% band shaded, the critical mass
/// and the leader's quitting as labelled dashed lines.
pub fn render(curve: &AdoptionCurve) -> Result<String, PlotError> {
    let n_median = curve.ticks.len().min(curve.median.len());
    let n_band = curve.ticks.len().min(curve.p10.len()).min(curve.p90.len());
    let stride = curve.ticks.len().div_ceil(MAX_POINTS).max(1);
    let keep = |i: usize, n: usize| i.is_multiple_of(stride) || i + 1 == n;

    let median: Vec<(f64, f64)> = (0..n_median)
        .filter(|&i| keep(i, n_median))
        .filter_map(|i| Some((f64::from(curve.ticks[i]), sane(curve.median[i])?)))
        .collect();
    let band: Vec<(f64, f64, f64)> = (0..n_band)
        .filter(|&i| keep(i, n_band))
        .filter_map(|i| {
            let (a, b) = (sane(curve.p10[i])?, sane(curve.p90[i])?);
            Some((f64::from(curve.ticks[i]), a.min(b), a.max(b)))
        })
        .collect();
    if median.is_empty() && band.is_empty() {
        return no_data_svg(TITLE, "no ticks with a share following");
    }

    let critical_mass = curve.critical_mass.and_then(sane);
    let quit = curve
        .leader_quit
        .filter(|q| q.runs_quit > 0)
        .and_then(|q| Some((sane(q.median_tick)?, q)));
    let first = curve
        .first_follower
        .filter(|f| f.runs_with > 0)
        .and_then(|f| Some((sane(f.median_tick)?, f)));

    let xs = median
        .iter()
        .map(|p| p.0)
        .chain(band.iter().map(|b| b.0))
        .chain(quit.map(|(tick, _)| tick))
        .chain(first.map(|(tick, _)| tick));
    let (x_lo, x_hi) = extent(xs).unwrap_or((0.0, 1.0));
    let x_range = widen(x_lo, x_hi);
    let ys = median
        .iter()
        .map(|p| p.1)
        .chain(band.iter().flat_map(|b| [b.1, b.2]))
        .chain(critical_mass)
        .chain([0.0, 1.0]);
    let (y_lo, y_hi) = extent(ys).unwrap_or((0.0, 1.0));
    let y_range = widen(y_lo, y_hi);
    let y_span = y_range.end - y_range.start;

    let runs = match curve.runs {
        1 => "1 run".to_string(),
        n => format!("{} runs", count(n)),
    };
    let subtitle = format!("share of the crowd following; median and 10–90% band over {runs}");
    let mut legend: Vec<Legend> = Vec::new();
    if !median.is_empty() {
        legend.push((Swatch::Line(BLUE), "median".into()));
    }
    if !band.is_empty() {
        legend.push((Swatch::Band(BLUE), "10–90% of runs".into()));
    }
    if first.is_some() {
        legend.push((Swatch::Ring(VERMILLION, 6), "first follower".into()));
    }

    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, TITLE, Some(&subtitle), &legend)?;
        let mut chart = chart(&body, x_range.clone(), y_range.clone())?;
        axes(&mut chart, "tick", "share following", &whole, &|v| {
            percent(*v, y_span)
        })?;

        if band.len() >= 2 {
            let outline = outline(&band);
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                BLUE.mix(0.25).filled(),
            )))?;
        } else if let Some(&(x, lo, hi)) = band.first() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, lo), (x, hi)],
                BLUE.mix(0.3).stroke_width(8),
            )))?;
        }
        if median.len() >= 2 {
            chart.draw_series(LineSeries::new(
                median.iter().copied(),
                BLUE.stroke_width(3),
            ))?;
        } else if let Some(&point) = median.first() {
            chart.draw_series(std::iter::once(Circle::new(point, 4, BLUE.filled())))?;
        }

        if let Some(level) = critical_mass {
            chart.draw_series(DashedLineSeries::new(
                [(x_range.start, level), (x_range.end, level)],
                7,
                5,
                MUTED.stroke_width(2),
            ))?;
            // At the right end: the leader's quitting, marked next, is usually early.
            chart.draw_series(std::iter::once(
                EmptyElement::at((x_range.end, level))
                    + Text::new(
                        format!("critical mass ({})", percent(level, 1.0)),
                        (-8, -4),
                        anchored(NOTE_SIZE, MUTED, HPos::Right, VPos::Bottom),
                    ),
            ))?;
        }
        if let Some((tick, first)) = first {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(tick, y_range.start), (tick, y_range.end)],
                VERMILLION.stroke_width(2),
            )))?;
            // The first follower's dot where their tick meets the median curve.
            let on_curve = median
                .iter()
                .rev()
                .find(|p| p.0 <= tick)
                .or(median.first())
                .map(|p| p.1);
            if let Some(y) = on_curve {
                chart.draw_series(std::iter::once(Circle::new(
                    (tick, y),
                    6,
                    VERMILLION.stroke_width(3),
                )))?;
            }
            let label = format!(
                "first follower (median tick {}, {}/{} runs)",
                number(tick),
                count(first.runs_with),
                count(first.runs)
            );
            let right_half = tick > (x_range.start + x_range.end) / 2.0;
            let (dx, h) = if right_half {
                (-6, HPos::Right)
            } else {
                (6, HPos::Left)
            };
            // Half-way up, clear of the leader's label at the top and of the lonely start.
            chart.draw_series(std::iter::once(
                EmptyElement::at((tick, y_range.start + 0.55 * y_span))
                    + Text::new(
                        label,
                        (dx, 0),
                        anchored(NOTE_SIZE, VERMILLION, h, VPos::Center),
                    ),
            ))?;
        }
        if let Some((tick, quit)) = quit {
            chart.draw_series(DashedLineSeries::new(
                [(tick, y_range.start), (tick, y_range.end)],
                7,
                5,
                INK.stroke_width(2),
            ))?;
            let label = format!(
                "leader quits (median of {}/{} runs)",
                count(quit.runs_quit),
                count(quit.runs)
            );
            // Write the label on whichever side of the line has room.
            let right_half = tick > (x_range.start + x_range.end) / 2.0;
            let (dx, h) = if right_half {
                (-6, HPos::Right)
            } else {
                (6, HPos::Left)
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((tick, y_range.end))
                    + Text::new(label, (dx, 4), anchored(NOTE_SIZE, INK, h, VPos::Top)),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    /// An S-shaped take-off after a long lonely start, as on the hillside.
    fn hillside() -> AdoptionCurve {
        let ticks: Vec<u32> = (0..=200).map(|t| t * 5).collect();
        let s = |t: f64, mid: f64| 1.0 / (1.0 + (-(t - mid) / 40.0).exp());
        AdoptionCurve {
            median: ticks.iter().map(|&t| s(f64::from(t), 450.0)).collect(),
            p10: ticks
                .iter()
                .map(|&t| 0.02 * s(f64::from(t), 600.0))
                .collect(),
            p90: ticks.iter().map(|&t| s(f64::from(t), 300.0)).collect(),
            ticks,
            critical_mass: Some(0.2),
            leader_quit: Some(LeaderQuit {
                median_tick: 140.0,
                runs_quit: 37,
                runs: 100,
            }),
            first_follower: Some(FirstFollower {
                median_tick: 92.0,
                runs_with: 90,
                runs: 100,
            }),
            runs: 100,
        }
    }

    #[test]
    fn curve_band_and_marks_are_drawn() {
        let svg = render(&hillside()).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Adoption over ticks",
                "100 runs",
                "median",
                "10–90% of runs",
                "critical mass (20%)",
                "leader quits (median of 37/100 runs)",
                "first follower (median tick 92, 90/100 runs)",
                "first follower",
                "100%",
            ],
            &[("polygon", 1), ("polyline", 4)],
        );
        assert_axis(&parsed, "tick");
        assert_axis(&parsed, "share following");
        // The median is one long polyline in blue; dashes are short separate ones.
        let blue_lines = parsed.count_with("polyline", "stroke", "#0072B2");
        assert!(blue_lines >= 2, "median and its legend swatch");
        assert!(
            parsed.count_with("polyline", "stroke", "#6E6E6E") >= 10,
            "dashed critical mass"
        );
        // The first follower's tick, their dot on the curve and their legend ring, in their
        // own colour.
        assert!(parsed.count_with("polyline", "stroke", "#D55E00") >= 1);
        assert_eq!(parsed.count_with("circle", "stroke", "#D55E00"), 2);
    }

    #[test]
    fn long_runs_are_thinned() {
        let ticks: Vec<u32> = (0..100_000).collect();
        let share = vec![0.5; ticks.len()];
        let curve = AdoptionCurve {
            ticks,
            median: share.clone(),
            p10: share.clone(),
            p90: share,
            runs: 3,
            ..AdoptionCurve::default()
        };
        let svg = render(&curve).unwrap();
        assert_plot(&svg, &["3 runs"], &[("polygon", 1)]);
        assert!(svg.len() < 100_000, "{} bytes", svg.len());
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        let empty = AdoptionCurve::default();
        assert_plot(&render(&empty).unwrap(), &["no data"], &[]);

        let one = AdoptionCurve {
            ticks: vec![7],
            median: vec![0.3],
            p10: vec![0.1],
            p90: vec![0.5],
            runs: 1,
            critical_mass: Some(0.3),
            leader_quit: Some(LeaderQuit {
                median_tick: 7.0,
                runs_quit: 1,
                runs: 1,
            }),
            first_follower: None,
        };
        assert_plot(
            &render(&one).unwrap(),
            &["1 run", "leader quits"],
            &[("circle", 1)],
        );

        let mut nan = hillside();
        nan.median[3] = f64::NAN;
        nan.p90[10] = f64::INFINITY;
        nan.p10.truncate(50);
        nan.critical_mass = Some(f64::NAN);
        nan.leader_quit = Some(LeaderQuit {
            median_tick: f64::NAN,
            runs_quit: 0,
            runs: 100,
        });
        let svg = render(&nan).unwrap();
        let parsed = assert_plot(&svg, &["median"], &[("polygon", 1)]);
        assert!(!parsed.has_text("critical mass"));
        assert!(!parsed.has_text("leader quits"));

        let all_nan = AdoptionCurve {
            ticks: vec![1, 2],
            median: vec![f64::NAN; 2],
            ..AdoptionCurve::default()
        };
        assert_plot(&render(&all_nan).unwrap(), &["no data"], &[]);

        let flat = AdoptionCurve {
            ticks: vec![5, 5, 5],
            median: vec![0.0; 3],
            p10: vec![0.0; 3],
            p90: vec![0.0; 3],
            runs: 2,
            ..AdoptionCurve::default()
        };
        assert_plot(&render(&flat).unwrap(), &["tick"], &[]);
    }
}
