//! The observed curve of a fit over its posterior predictive: the median share following of
//! runs drawn from the posterior as a line, their 95% band, and the observations as dots.

use plotters::prelude::*;

use super::{
    BLUE, DESC_SIZE, FONT, GRID, HEIGHT, LABEL_SIZE, Legend, MUTED, PlotError, Swatch, VERMILLION,
    WIDTH, count, draw_svg, extent, header, no_data_svg, number, percent, sane, widen,
};

/// The posterior predictive of a fitted series with its observations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PredictiveBand {
    /// The title, e.g. "Fit of bass-launch".
    pub title: String,
    /// The data's time axis, e.g. "week".
    pub x_name: String,
    /// One row a time: `(time, low, median, high)` of the share following over the draws.
    pub band: Vec<(f64, f64, f64, f64)>,
    /// The observations: `(time, share)`.
    pub observed: Vec<(f64, f64)>,
    /// How many runs were drawn from the posterior.
    pub draws: usize,
}

/// Draws the band, the median and the observations.
pub fn render(p: &PredictiveBand) -> Result<String, PlotError> {
    let band: Vec<(f64, f64, f64, f64)> = p
        .band
        .iter()
        .filter_map(|&(t, lo, m, hi)| Some((sane(t)?, sane(lo)?, sane(m)?, sane(hi)?)))
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
    let x_range = widen(x_lo, x_hi);
    let y_range = -0.02..1.02;
    let subtitle = format!(
        "share following; median and 95% band of {} runs drawn from the posterior",
        count(p.draws)
    );
    let legend: Vec<Legend> = vec![
        (Swatch::Line(BLUE), "posterior median".into()),
        (Swatch::Band(BLUE), "95% predictive band".into()),
        (Swatch::Dot(VERMILLION, 5), "observed".into()),
    ];
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &p.title, Some(&subtitle), &legend)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(x_range.clone(), y_range.clone())?;
        chart
            .configure_mesh()
            .x_desc(p.x_name.as_str())
            .y_desc("share following")
            .x_label_formatter(&|v| number(*v))
            .y_label_formatter(&|v| percent(*v, 1.0))
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()?;
        let outline: Vec<(f64, f64)> = band
            .iter()
            .map(|&(x, lo, _, _)| (x, lo))
            .chain(band.iter().rev().map(|&(x, _, _, hi)| (x, hi)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            BLUE.mix(0.25).filled(),
        )))?;
        chart.draw_series(LineSeries::new(
            band.iter().map(|&(x, _, m, _)| (x, m)),
            BLUE.stroke_width(3),
        ))?;
        chart.draw_series(
            observed
                .iter()
                .map(|&point| Circle::new(point, 5, VERMILLION.filled())),
        )?;
        Ok(())
    })
}
