//! The marginal posterior of one fitted parameter: a weighted histogram of the particles, with
//! the 95% credible interval marked and, when known, the true value (for synthetic data).

use plotters::prelude::*;

use super::{
    BLUE, DESC_SIZE, FONT, GRID, HEIGHT, LABEL_SIZE, Legend, MUTED, PlotError, Swatch, VERMILLION,
    WIDTH, draw_svg, extent, header, no_data_svg, number, pad, sane, widen,
};

/// Bars of the histogram.
const BINS: usize = 30;

/// A weighted sample of one parameter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Marginal {
    /// The parameter's key path.
    pub name: String,
    /// `(value, weight)` of each particle.
    pub particles: Vec<(f64, f64)>,
    /// The 95% credible interval.
    pub interval: (f64, f64),
}

/// Draws the weighted histogram with the interval's ends as dashed lines.
pub fn render(m: &Marginal) -> Result<String, PlotError> {
    let title = format!("Posterior of {}", m.name);
    let particles: Vec<(f64, f64)> = m
        .particles
        .iter()
        .filter_map(|&(v, w)| Some((sane(v)?, sane(w)?)))
        .filter(|p| p.1 > 0.0)
        .collect();
    let Some((lo, hi)) = extent(particles.iter().map(|p| p.0)) else {
        return no_data_svg(&title, "no particle with a number");
    };
    let range = widen(lo, hi);
    let width = (range.end - range.start) / BINS as f64;
    let total: f64 = particles.iter().map(|p| p.1).sum();
    let mut bins = vec![0.0; BINS];
    for &(v, w) in &particles {
        let i = (((v - range.start) / width) as usize).min(BINS - 1);
        bins[i] += w / total;
    }
    let top = bins.iter().copied().fold(0.0, f64::max).max(1e-9);
    let legend: Vec<Legend> = vec![
        (Swatch::Block(BLUE), "posterior weight".into()),
        (Swatch::Line(VERMILLION), "95% credible interval".into()),
    ];
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &title, None, &legend)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(pad(range.clone(), 0.02), 0.0..top * 1.08)?;
        chart
            .configure_mesh()
            .x_desc(m.name.as_str())
            .y_desc("share of the weight")
            .x_label_formatter(&|v| number(*v))
            .y_label_formatter(&|v| number(*v))
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()?;
        chart.draw_series(bins.iter().enumerate().map(|(i, &h)| {
            let x0 = range.start + width * i as f64;
            Rectangle::new([(x0, 0.0), (x0 + width, h)], BLUE.mix(0.7).filled())
        }))?;
        for end in [m.interval.0, m.interval.1] {
            if let Some(x) = sane(end) {
                chart.draw_series(DashedLineSeries::new(
                    [(x, 0.0), (x, top * 1.05)],
                    7,
                    5,
                    VERMILLION.stroke_width(2),
                ))?;
            }
        }
        Ok(())
    })
}
