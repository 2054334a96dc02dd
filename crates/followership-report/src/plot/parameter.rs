//! An outcome against one parameter, for a one-parameter sweep: the mean at each value as a
//! line through dots, with the interval at each value as a whisker.
//!
//! Sweeps over rates and probabilities are often log-spaced, so the x axis can be logarithmic;
//! values at or below zero cannot be placed on it and are left out (the subtitle says how many).
//! An outcome that lies within 0 to 1 (a probability, a share) is drawn on the whole 0 to 1
//! axis, so a change from 0.88 to 0.91 looks as small as it is.

use std::ops::Range;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::{
    Area, BLUE, DESC_SIZE, Estimate, FONT, GRID, HEIGHT, LABEL_SIZE, Legend, MUTED, PlotError,
    Swatch, WIDTH, capitalised, count, draw_svg, draw_whiskers, extent, header, no_data_svg,
    number, pad, sane, shorten, widen,
};

/// An outcome measured at several values of one parameter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParameterCurve {
    /// The parameter, e.g. "leader.patience".
    pub x_name: String,
    /// The outcome, e.g. "cascade probability".
    pub y_name: String,
    /// One point a parameter value, in any order: `(x, mean, low, high)`, the outcome's mean
    /// at `x` and the ends of its interval. A point whose `x` or mean is not a number is left
    /// out; one whose interval is not is drawn without a whisker.
    pub points: Vec<(f64, f64, f64, f64)>,
    /// Whether to place the parameter values on a logarithmic axis.
    pub log_x: bool,
}

/// Smaller values are left off a log axis (as zero and negative values are): no sweep spans
/// more than the thirty decades from here to the largest drawable value.
const SMALLEST_LOG: f64 = 1e-15;

/// Draws the outcome against the parameter: a line through the means, whiskers for the
/// intervals.
pub fn render(curve: &ParameterCurve) -> Result<String, PlotError> {
    let title = capitalised(&format!("{} by {}", curve.y_name, curve.x_name));
    let mut points: Vec<(f64, Estimate)> = curve
        .points
        .iter()
        .map(|&(x, mean, low, high)| (x, Estimate::new(mean, low, high)))
        .filter(|(x, e)| sane(*x).is_some() && sane(e.value).is_some())
        .collect();
    let before_log = points.len();
    if curve.log_x {
        // Plotters lays out a log axis decade by decade; hundreds of decades exhaust memory.
        points.retain(|(x, _)| *x >= SMALLEST_LOG);
    }
    let not_positive = before_log - points.len();
    if points.is_empty() {
        let reason = if not_positive > 0 {
            "no parameter value above zero for a log axis"
        } else {
            "no point with a number"
        };
        return no_data_svg(&title, reason);
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));

    let (x_lo, x_hi) = extent(points.iter().map(|p| p.0)).unwrap_or((1.0, 1.0));
    let ys = points.iter().flat_map(|(_, e)| {
        let (low, high) = e.interval().unwrap_or((e.value, e.value));
        [e.value, low, high]
    });
    let (y_lo, y_hi) = extent(ys).unwrap_or((0.0, 1.0));
    let y_range = if y_lo >= 0.0 && y_hi <= 1.0 {
        -0.02..1.02
    } else {
        pad(widen(y_lo, y_hi), 0.06)
    };

    let mut subtitle = match points.len() {
        1 => "1 value".to_string(),
        n => format!("{} values", count(n)),
    };
    if curve.log_x {
        subtitle.push_str("; logarithmic axis");
    }
    if not_positive > 0 {
        subtitle.push_str(&format!(
            "; {} at or below zero left out",
            count(not_positive)
        ));
    }
    let legend: Vec<Legend> = vec![
        (Swatch::Line(BLUE), "mean".into()),
        (Swatch::Whisker(BLUE), "interval".into()),
    ];

    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &title, Some(&subtitle), &legend)?;
        if curve.log_x {
            // A factor on each side keeps the end points off the frame on a log axis.
            let (lo, hi) = if x_hi / x_lo < 1.0 + 1e-9 {
                (x_lo / 2.0, x_hi * 2.0)
            } else {
                let margin = (x_hi / x_lo).powf(0.04);
                (x_lo / margin, x_hi * margin)
            };
            draw(&body, curve, &points, (lo..hi).log_scale(), y_range.clone())
        } else {
            draw(
                &body,
                curve,
                &points,
                pad(widen(x_lo, x_hi), 0.04),
                y_range.clone(),
            )
        }
    })
}

fn draw<X>(
    body: &Area<'_>,
    curve: &ParameterCurve,
    points: &[(f64, Estimate)],
    x_spec: X,
    y_range: Range<f64>,
) -> Result<(), PlotError>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(body)
        .margin(10)
        .margin_right(28)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x_spec, y_range)?;
    chart
        .configure_mesh()
        .x_desc(shorten(&curve.x_name, 60))
        .y_desc(shorten(&curve.y_name, 40))
        .x_label_formatter(&|v| number(*v))
        .y_label_formatter(&|v| number(*v))
        .axis_desc_style((FONT, DESC_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .draw()?;
    let whiskers: Vec<(f64, f64, f64)> = points
        .iter()
        .filter_map(|(x, e)| e.interval().map(|(low, high)| (*x, low, high)))
        .collect();
    draw_whiskers(&mut chart, &whiskers, true, BLUE)?;
    if points.len() >= 2 {
        chart.draw_series(LineSeries::new(
            points.iter().map(|(x, e)| (*x, e.value)),
            BLUE.stroke_width(3),
        ))?;
    }
    chart.draw_series(
        points
            .iter()
            .map(|(x, e)| Circle::new((*x, e.value), 5, BLUE.filled())),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    fn patience() -> ParameterCurve {
        ParameterCurve {
            x_name: "leader.patience".into(),
            y_name: "cascade probability".into(),
            points: [10.0, 30.0, 100.0, 300.0, 1000.0]
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    let p = 0.15 * i as f64 + 0.2;
                    (x, p, p - 0.06, p + 0.06)
                })
                .collect(),
            log_x: true,
        }
    }

    #[test]
    fn line_dots_and_whiskers_are_drawn() {
        for log_x in [true, false] {
            let curve = ParameterCurve {
                log_x,
                ..patience()
            };
            let svg = render(&curve).unwrap();
            let parsed = assert_plot(
                &svg,
                &["Cascade probability by leader.patience", "mean", "interval"],
                &[("circle", 5), ("polyline", 1 + 5 * 3)],
            );
            assert_axis(&parsed, "leader.patience");
            assert_axis(&parsed, "cascade probability");
            assert_eq!(parsed.has_text("logarithmic"), log_x);
            assert_eq!(parsed.count_with("circle", "fill", "#0072B2"), 5);
        }
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        let empty = ParameterCurve::default();
        assert_plot(&render(&empty).unwrap(), &["no data"], &[]);

        let single = ParameterCurve {
            points: vec![(5.0, 3.0, f64::NAN, 4.0)],
            ..patience()
        };
        assert_plot(&render(&single).unwrap(), &["1 value"], &[("circle", 1)]);

        let single_zero = ParameterCurve {
            points: vec![(0.0, 0.0, 0.0, 0.0)],
            log_x: false,
            ..patience()
        };
        assert_plot(
            &render(&single_zero).unwrap(),
            &["1 value"],
            &[("circle", 1)],
        );

        let not_positive = ParameterCurve {
            points: vec![(0.0, 0.5, 0.4, 0.6), (-1.0, 0.5, 0.4, 0.6)],
            ..patience()
        };
        assert_plot(&render(&not_positive).unwrap(), &["no data"], &[]);

        let mut mixed = patience();
        mixed.points.push((0.0, 0.1, 0.0, 0.2));
        mixed.points.push((f64::NAN, 0.1, 0.0, 0.2));
        mixed.points.push((50.0, f64::INFINITY, 0.0, 0.2));
        assert_plot(
            &render(&mixed).unwrap(),
            &["1 at or below zero left out"],
            &[("circle", 5)],
        );

        let equal = ParameterCurve {
            points: vec![(2.0, 7.0, 7.0, 7.0); 3],
            ..patience()
        };
        assert_plot(&render(&equal).unwrap(), &["3 values"], &[]);

        let wide = ParameterCurve {
            points: vec![(1e-12, -1e9, -2e9, 0.0), (1e12, 1e9, 0.0, 2e9)],
            ..patience()
        };
        assert_plot(&render(&wide).unwrap(), &["2 values"], &[]);

        let tiny = ParameterCurve {
            points: vec![
                (1e-300, -1e-300, -2e-300, 0.0),
                (2e-300, -2e-300, -3e-300, -1e-300),
            ],
            log_x: false,
            ..patience()
        };
        assert_plot(&render(&tiny).unwrap(), &["2 values"], &[]);

        let extreme = ParameterCurve {
            points: vec![
                (1e-300, 0.1, 0.0, 0.2),
                (1e15, 0.2, 0.1, 0.3),
                (5e-324, 0.3, 0.2, 0.4),
                (1e-15, 0.3, 0.2, 0.4),
            ],
            log_x: true,
            ..patience()
        };
        assert_plot(
            &render(&extreme).unwrap(),
            &["2 values", "2 at or below zero"],
            &[],
        );
    }
}
