//! The distribution of the final size over runs: a histogram of the share of the crowd
//! following at the end, in 40 bins from 0% to 100%, with the cascade cutoff marked.
//!
//! Movements are often all or nothing, so the histogram is often two heaps at the ends. Bars at
//! or above the cutoff are blue (a movement), those below grey (it fizzled), and the subtitle
//! counts the cascades exactly, since a bin can straddle the cutoff.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BLUE, DESC_SIZE, FONT, GRID, HEIGHT, INK, LABEL_SIZE, Legend, MUTED, NOTE_SIZE, PALE,
    PlotError, Swatch, WIDTH, anchored, count, draw_svg, header, no_data_svg, number, percent,
    sane,
};

const BINS: usize = 40;
const TITLE: &str = "Final size over runs";

/// Draws the histogram of `final_fractions` (the share of the crowd following at the end of
/// each run, 0 to 1) with `cascade_cutoff` (a share) as a dashed line.
///
/// Shares a little outside 0 to 1 fall in the end bins; NaN values are left out and counted in
/// the subtitle. A cutoff that is not a number is not drawn.
pub fn render(final_fractions: &[f64], cascade_cutoff: f64) -> Result<String, PlotError> {
    let sizes: Vec<f64> = final_fractions.iter().copied().filter_map(sane).collect();
    if sizes.is_empty() {
        return no_data_svg(TITLE, "no run has a final size");
    }
    let cutoff = sane(cascade_cutoff).filter(|c| (0.0..=1.0).contains(c));
    let mut bins = [0usize; BINS];
    for &size in &sizes {
        let bin = (size.clamp(0.0, 1.0) * BINS as f64).floor() as usize;
        bins[bin.min(BINS - 1)] += 1;
    }
    let tallest = bins.iter().copied().max().unwrap_or(0).max(1);
    let y_top = (tallest as f64 * 1.12).max(tallest as f64 + 1.0);

    let left_out = final_fractions.len() - sizes.len();
    let runs = match sizes.len() {
        1 => "1 run".to_string(),
        n => format!("{} runs", count(n)),
    };
    let mut subtitle = match cutoff {
        Some(c) => {
            let cascades = sizes.iter().filter(|&&s| s >= c).count();
            format!(
                "{runs}; {} reached the cascade cutoff of {}",
                count(cascades),
                percent(c, 1.0)
            )
        }
        None => runs,
    };
    if left_out > 0 {
        subtitle.push_str(&format!("; {} without a number left out", count(left_out)));
    }
    let legend: Vec<Legend> = match cutoff {
        Some(_) => vec![
            (Swatch::Block(PALE), "fizzled (below the cutoff)".into()),
            (Swatch::Block(BLUE), "cascades".into()),
        ],
        None => vec![],
    };

    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, TITLE, Some(&subtitle), &legend)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..1.0, 0.0..y_top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("final size (share of the crowd following at the end)")
            .y_desc("runs")
            .x_label_formatter(&|v| percent(*v, 1.0))
            .y_label_formatter(&|v| {
                if v.fract() == 0.0 {
                    number(*v)
                } else {
                    String::new()
                }
            })
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()?;

        let width = 1.0 / BINS as f64;
        chart.draw_series(
            bins.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, &n)| {
                    let lo = i as f64 * width;
                    let colour = match cutoff {
                        Some(c) if lo + width / 2.0 < c => PALE,
                        Some(_) => BLUE,
                        None => BLUE,
                    };
                    // A sliver of white between bars keeps neighbours apart.
                    Rectangle::new(
                        [(lo + width * 0.06, 0.0), (lo + width * 0.94, n as f64)],
                        colour.filled(),
                    )
                }),
        )?;

        if let Some(c) = cutoff {
            chart.draw_series(DashedLineSeries::new(
                [(c, 0.0), (c, y_top)],
                7,
                5,
                INK.stroke_width(2),
            ))?;
            let (dx, h) = if c > 0.5 {
                (-6, HPos::Right)
            } else {
                (6, HPos::Left)
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((c, y_top))
                    + Text::new(
                        format!("cascade cutoff ({})", percent(c, 1.0)),
                        (dx, 4),
                        anchored(NOTE_SIZE, INK, h, VPos::Top),
                    ),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    #[test]
    fn bimodal_outcomes_make_two_heaps() {
        let mut sizes = vec![0.0; 10];
        sizes.extend((0..90).map(|i| 0.9 + 0.001 * f64::from(i)));
        let svg = render(&sizes, 0.5).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Final size over runs",
                "100 runs; 90 reached the cascade cutoff of 50%",
                "cascade cutoff (50%)",
                "fizzled",
                "cascades",
            ],
            &[],
        );
        assert_axis(&parsed, "final size");
        assert_axis(&parsed, "runs");
        // One grey bar at zero, blue bars at 90% to 99%, plus a legend block of each.
        assert_eq!(parsed.count_with("rect", "fill", "#BEBEBE"), 1 + 1);
        assert!(parsed.count_with("rect", "fill", "#0072B2") > 2);
        assert!(
            parsed.count_with("polyline", "stroke", "#222222") >= 10,
            "dashed cutoff"
        );
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        assert_plot(&render(&[], 0.5).unwrap(), &["no data"], &[]);
        assert_plot(
            &render(&[f64::NAN, f64::INFINITY], 0.5).unwrap(),
            &["no data"],
            &[],
        );
        assert_plot(
            &render(&[0.4], f64::NAN).unwrap(),
            &["1 run"],
            &[("rect", 1)],
        );
        let parsed = assert_plot(
            &render(&[1.0, 1.0, f64::NAN, 1.2, -0.1], 1.0).unwrap(),
            &["4 runs; 3 reached", "1 without a number left out"],
            &[],
        );
        assert!(parsed.has_text("cascade cutoff (100%)"));
        assert_plot(&render(&[0.5; 1000], 2.0).unwrap(), &["1,000 runs"], &[]);
    }
}
