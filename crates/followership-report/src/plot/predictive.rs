//! The observed curve of a fit over its posterior predictive: the median share following of
//! runs drawn from the posterior as a line, their middle 50% and 95% bands, and the
//! observations as dots. Past the last observation (a forecast) the bands change colour and
//! a dashed line marks where the data end, so nobody mistakes the forecast for a fit.

use plotters::prelude::*;

use super::{
    BLUE, HEIGHT, Legend, MUTED, NOTE_SIZE, ORANGE, PlotError, Swatch, VERMILLION, WIDTH, anchored,
    axes, chart, count, draw_svg, extent, header, no_data_svg, number, outline, percent, sane,
    widen,
};
use plotters::style::text_anchor::{HPos, VPos};

/// The posterior predictive of a fitted series with its observations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PredictiveBand {
    /// The title, e.g. "Fit of bass-launch".
    pub title: String,
    /// The data's time axis, e.g. "week".
    pub x_name: String,
    /// One row a time: `(time, low, median, high)` of the share following over the draws
    /// (low and high: the 2.5% and 97.5% quantiles).
    pub band: Vec<(f64, f64, f64, f64)>,
    /// The middle 50% at the same times: `(time, 25% quantile, 75% quantile)`; may be empty.
    pub middle: Vec<(f64, f64, f64)>,
    /// The observations: `(time, share)`.
    pub observed: Vec<(f64, f64)>,
    /// How many runs were drawn from the posterior.
    pub draws: usize,
    /// The last observed time when the band runs past it (a forecast): later times are drawn
    /// as the forecast.
    pub forecast_from: Option<f64>,
}

/// Draws the bands, the median and the observations.
pub fn render(p: &PredictiveBand) -> Result<String, PlotError> {
    let band: Vec<(f64, f64, f64, f64)> = p
        .band
        .iter()
        .filter_map(|&(t, lo, m, hi)| Some((sane(t)?, sane(lo)?, sane(m)?, sane(hi)?)))
        .collect();
    let middle: Vec<(f64, f64, f64)> = p
        .middle
        .iter()
        .filter_map(|&(t, lo, hi)| Some((sane(t)?, sane(lo)?, sane(hi)?)))
        .collect();
    let observed: Vec<(f64, f64)> = p
        .observed
        .iter()
        .filter_map(|&(t, s)| Some((sane(t)?, sane(s)?)))
        .collect();
    if band.len() < 2 {
        return no_data_svg(&p.title, "no predictive band to draw");
    }
    let (x_lo, x_hi) = extent(band.iter().map(|b| b.0)).unwrap_or((0.0, 1.0));
    let split = p
        .forecast_from
        .and_then(sane)
        .filter(|&t| t > x_lo && t < x_hi);
    let x_range = widen(x_lo, x_hi);
    let y_range = -0.02..1.02;
    let subtitle = format!(
        "share following; median, middle 50% and 95% of {} runs drawn from the posterior",
        count(p.draws)
    );
    let mut legend: Vec<Legend> = vec![
        (Swatch::Line(BLUE), "posterior median".into()),
        (Swatch::Band(BLUE), "50% and 95% predictive bands".into()),
        (Swatch::Dot(VERMILLION, 5), "observed".into()),
    ];
    if split.is_some() {
        legend.push((Swatch::Band(ORANGE), "forecast".into()));
    }
    // The rows up to (and including) the split, and from it on: the two parts share the
    // row at the split so the bands join without a gap.
    let part = |rows: Vec<(f64, f64, f64)>, later: bool| -> Vec<(f64, f64, f64)> {
        match split {
            None if later => Vec::new(),
            None => rows,
            Some(t) => rows
                .into_iter()
                .filter(|r| if later { r.0 >= t } else { r.0 <= t })
                .collect(),
        }
    };
    let wide: Vec<(f64, f64, f64)> = band.iter().map(|&(x, lo, _, hi)| (x, lo, hi)).collect();
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &p.title, Some(&subtitle), &legend)?;
        let mut chart = chart(&body, x_range.clone(), y_range.clone())?;
        axes(
            &mut chart,
            &p.x_name,
            "share following",
            &|v| number(*v),
            &|v| percent(*v, 1.0),
        )?;
        for (later, colour) in [(false, BLUE), (true, ORANGE)] {
            for (rows, opacity) in [(&wide, 0.18), (&middle, 0.32)] {
                let rows = part(rows.clone(), later);
                if rows.len() >= 2 {
                    chart.draw_series(std::iter::once(Polygon::new(
                        outline(&rows),
                        colour.mix(opacity).filled(),
                    )))?;
                }
            }
        }
        chart.draw_series(LineSeries::new(
            band.iter().map(|&(x, _, m, _)| (x, m)),
            BLUE.stroke_width(3),
        ))?;
        if let Some(t) = split {
            chart.draw_series(DashedLineSeries::new(
                [(t, y_range.start), (t, y_range.end)],
                6,
                5,
                MUTED.stroke_width(1),
            ))?;
            let (x, y) = chart.backend_coord(&(t, y_range.end));
            body.draw(&Text::new(
                "forecast →",
                (x + 6, y + 4),
                anchored(NOTE_SIZE, MUTED, HPos::Left, VPos::Top),
            ))?;
        }
        chart.draw_series(
            observed
                .iter()
                .map(|&point| Circle::new(point, 5, VERMILLION.filled())),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::check::{assert_axis, assert_plot};
    use super::*;

    fn logistic(t: f64) -> f64 {
        1.0 / (1.0 + (-(t - 8.0) / 2.0).exp())
    }

    fn sample(forecast_from: Option<f64>) -> PredictiveBand {
        let times: Vec<f64> = (0..=60).map(|k| k as f64 * 0.5).collect();
        PredictiveBand {
            title: "Fit of bass-launch".into(),
            x_name: "week".into(),
            band: times
                .iter()
                .map(|&t| {
                    let m = logistic(t);
                    (t, m * 0.8, m, (m * 1.2).min(1.0))
                })
                .collect(),
            middle: times
                .iter()
                .map(|&t| (t, logistic(t) * 0.9, logistic(t) * 1.05))
                .collect(),
            observed: (0..10).map(|w| (w as f64, logistic(w as f64))).collect(),
            draws: 300,
            forecast_from,
        }
    }

    #[test]
    fn bands_median_and_observations_are_drawn() {
        let svg = render(&sample(None)).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Fit of bass-launch",
                "posterior median",
                "50% and 95% predictive bands",
                "observed",
                "300 runs",
            ],
            &[("polygon", 2), ("circle", 10)],
        );
        assert_axis(&parsed, "week");
        assert_axis(&parsed, "share following");
        assert!(!parsed.has_text("forecast"));
    }

    #[test]
    fn the_forecast_past_the_data_is_shaded_in_its_own_colour() {
        let svg = render(&sample(Some(9.0))).unwrap();
        let parsed = assert_plot(&svg, &["forecast"], &[("polygon", 4), ("circle", 10)]);
        // Two bands in blue up to the data's end, two in orange after it.
        assert_eq!(parsed.count_with("polygon", "fill", "#E69F00"), 2);
        assert_eq!(parsed.count_with("polygon", "fill", "#0072B2"), 2);
    }

    #[test]
    fn bad_numbers_are_left_out_and_too_little_is_no_data() {
        let mut p = sample(Some(f64::NAN));
        p.band.push((f64::NAN, 0.1, 0.2, 0.3));
        p.observed.push((1.0, f64::INFINITY));
        p.middle.push((2.0, f64::NAN, 0.5));
        assert_plot(&render(&p).unwrap(), &["Fit of"], &[("polygon", 2)]);
        p.band.truncate(1);
        assert_plot(&render(&p).unwrap(), &["no data"], &[]);
    }
}
