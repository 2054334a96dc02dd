//! The marginal posterior of one fitted parameter: a weighted histogram of the particles, with
//! the 95% credible interval marked and the range the prior allows shaded behind it, so the
//! reader sees at once how much the data narrowed the parameter down.
//!
//! A parameter with a log-uniform prior is drawn on a logarithmic axis (its bins are even in
//! the logarithm), as the fit itself moves it by factors.

use plotters::prelude::*;

use super::{
    BLUE, HEIGHT, Legend, PALE, PlotError, Swatch, VERMILLION, WIDTH, axes, chart, draw_svg,
    extent, header, no_data_svg, number, pad, power_of_ten, sane, widen,
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
    /// The range the prior allows, shaded behind the histogram.
    pub prior: Option<(f64, f64)>,
    /// The prior in words, shown under the title ("log-uniform on [0.001, 0.1]").
    pub prior_text: String,
    /// Whether to draw the values on a logarithmic axis (all of them must be above 0).
    pub log: bool,
}

/// Draws the prior's range, the weighted histogram, and the interval's ends as dashed lines.
pub fn render(m: &Marginal) -> Result<String, PlotError> {
    let title = format!("Posterior of {}", m.name);
    let log = m.log
        && m.particles.iter().all(|p| p.0 > 0.0)
        && m.prior.is_none_or(|(lo, hi)| lo > 0.0 && hi > 0.0);
    // Coordinates on the axis: the logarithm on a log axis.
    let at = |v: f64| if log { sane(v.log10()) } else { sane(v) };
    let particles: Vec<(f64, f64)> = m
        .particles
        .iter()
        .filter_map(|&(v, w)| Some((at(v)?, sane(w)?)))
        .filter(|p| p.1 > 0.0)
        .collect();
    let Some((lo, hi)) = extent(particles.iter().map(|p| p.0)) else {
        return no_data_svg(&title, "no particle with a number");
    };
    let prior = m.prior.and_then(|(a, b)| Some((at(a)?, at(b)?)));
    let (lo, hi) = match prior {
        Some((a, b)) => (lo.min(a), hi.max(b)),
        None => (lo, hi),
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
    let mut legend: Vec<Legend> = vec![
        (Swatch::Block(BLUE), "posterior weight".into()),
        (Swatch::Line(VERMILLION), "95% credible interval".into()),
    ];
    if prior.is_some() {
        legend.push((Swatch::Band(PALE), "prior range".into()));
    }
    let subtitle = match (m.interval, m.prior_text.is_empty()) {
        ((a, b), true) => format!("95% credible interval {} to {}", number(a), number(b)),
        ((a, b), false) => format!(
            "95% credible interval {} to {}; prior {}",
            number(a),
            number(b),
            m.prior_text
        ),
    };
    let x_desc = if log {
        format!("{} (log scale)", m.name)
    } else {
        m.name.clone()
    };
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &title, Some(&subtitle), &legend)?;
        let mut chart = chart(&body, pad(range.clone(), 0.02), 0.0..top * 1.08)?;
        let x_label = |v: &f64| if log { power_of_ten(*v) } else { number(*v) };
        axes(&mut chart, &x_desc, "share of the weight", &x_label, &|v| {
            number(*v)
        })?;
        if let Some((a, b)) = prior {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, 0.0), (b, top * 1.05)],
                PALE.mix(0.3).filled(),
            )))?;
        }
        chart.draw_series(bins.iter().enumerate().map(|(i, &h)| {
            let x0 = range.start + width * i as f64;
            Rectangle::new([(x0, 0.0), (x0 + width, h)], BLUE.mix(0.7).filled())
        }))?;
        for end in [m.interval.0, m.interval.1] {
            if let Some(x) = at(end) {
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

#[cfg(test)]
mod tests {
    use super::super::check::{assert_axis, assert_plot};
    use super::*;

    fn sample(log: bool) -> Marginal {
        Marginal {
            name: "dynamics.spontaneous".into(),
            particles: (0..200)
                .map(|i| (0.008 + 0.00002 * i as f64, 1.0 + (i % 7) as f64))
                .collect(),
            interval: (0.0082, 0.0118),
            prior: Some((0.001, 0.1)),
            prior_text: "log-uniform on [0.001, 0.1]".into(),
            log,
        }
    }

    #[test]
    fn the_histogram_the_interval_and_the_prior_range_are_drawn() {
        for log in [false, true] {
            let svg = render(&sample(log)).unwrap();
            let parsed = assert_plot(
                &svg,
                &[
                    "Posterior of dynamics.spontaneous",
                    "95% credible interval",
                    "prior range",
                    "log-uniform on [0.001, 0.1]",
                ],
                &[("rect", 10), ("polyline", 2)],
            );
            assert_axis(&parsed, "share of the weight");
            assert_eq!(parsed.has_text("(log scale)"), log);
            if log {
                // The axis reads in the parameter's values, not in their logarithms.
                assert!(parsed.has_text("0.01"), "{:?}", parsed.texts);
            }
        }
    }

    #[test]
    fn bad_numbers_are_left_out_and_nothing_left_is_no_data() {
        let mut m = sample(true);
        m.particles.push((f64::NAN, 1.0));
        m.particles.push((0.01, f64::INFINITY));
        m.interval = (f64::NAN, 0.01);
        assert_plot(&render(&m).unwrap(), &["Posterior of"], &[("rect", 10)]);
        // A value at or below 0 cannot go on a log axis: the axis is linear instead.
        m.particles.push((0.0, 1.0));
        let parsed = assert_plot(&render(&m).unwrap(), &["Posterior of"], &[]);
        assert!(!parsed.has_text("(log scale)"));
        m.particles = vec![(f64::NAN, 1.0)];
        assert_plot(&render(&m).unwrap(), &["no data"], &[]);
    }
}
