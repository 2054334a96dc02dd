//! Adoption curves of several variants of a scenario on one plot: each variant's median as a
//! line and its 10–90% band shaded in its own colour, so "with and without embrace" is one
//! picture instead of two reports.

use plotters::prelude::*;

use super::{
    AdoptionCurve, BLUE, DESC_SIZE, FONT, GREEN, GRID, HEIGHT, LABEL_SIZE, Legend, MUTED, ORANGE,
    PlotError, Swatch, VERMILLION, WIDTH, axes, chart, draw_svg, extent, header, no_data_svg,
    percent, sane, whole, widen,
};

/// The colours of the variants, in order (Okabe and Ito's; a fifth variant starts again).
pub(crate) const COLOURS: [RGBColor; 4] = [BLUE, VERMILLION, GREEN, ORANGE];

const TITLE: &str = "Adoption over ticks, variant by variant";

/// (tick, share) points of one line.
type Points = Vec<(f64, f64)>;

/// Draws each `(label, curve)` over the others.
pub fn render(curves: &[(String, AdoptionCurve)]) -> Result<String, PlotError> {
    let points = |c: &AdoptionCurve, v: &[f64]| -> Vec<(f64, f64)> {
        c.ticks
            .iter()
            .zip(v)
            .filter_map(|(&t, &y)| Some((f64::from(t), sane(y)?)))
            .collect()
    };
    let series: Vec<(&String, Points, Points, Points)> = curves
        .iter()
        .map(|(label, c)| {
            (
                label,
                points(c, &c.median),
                points(c, &c.p10),
                points(c, &c.p90),
            )
        })
        .collect();
    if series.iter().all(|s| s.1.is_empty()) {
        return no_data_svg(TITLE, "no ticks with a share following");
    }
    let (x_lo, x_hi) =
        extent(series.iter().flat_map(|s| s.1.iter().map(|p| p.0))).unwrap_or((0.0, 1.0));
    let x_range = widen(x_lo, x_hi);
    let y_range = -0.02..1.02;
    let legend: Vec<Legend> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (Swatch::Line(COLOURS[i % COLOURS.len()]), s.0.clone()))
        .collect();
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(
            root,
            TITLE,
            Some("share of the crowd following; median and 10–90% band over each variant's runs"),
            &legend,
        )?;
        let mut chart = chart(&body, x_range.clone(), y_range.clone())?;
        axes(&mut chart, "tick", "share following", &whole, &|v| {
            percent(*v, 1.0)
        })?;
        for (i, (_, median, p10, p90)) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            if p10.len() >= 2 && p10.len() == p90.len() {
                let outline: Vec<(f64, f64)> = p10
                    .iter()
                    .copied()
                    .chain(p90.iter().rev().copied())
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    colour.mix(0.15).filled(),
                )))?;
            }
            if median.len() >= 2 {
                chart.draw_series(LineSeries::new(
                    median.iter().copied(),
                    colour.stroke_width(3),
                ))?;
            }
        }
        Ok(())
    })
}

const FINALS_TITLE: &str = "Final sizes, variant by variant";

/// Draws each variant's final sizes as a row of dots, one per run (a movement or nothing shows
/// as two clumps), with the mean as a bar across the row.
pub fn render_finals(finals: &[(String, Vec<f64>)]) -> Result<String, PlotError> {
    if finals
        .iter()
        .all(|f| f.1.iter().all(|v| sane(*v).is_none()))
    {
        return no_data_svg(FINALS_TITLE, "no runs");
    }
    let n = finals.len();
    let labels: Vec<String> = finals.iter().map(|f| f.0.clone()).collect();
    draw_svg((WIDTH, 120 + 70 * n as u32), |root| {
        let body = header(
            root,
            FINALS_TITLE,
            Some("each dot one run's final share following; the bar is the mean"),
            &[],
        )?;
        let label_width = labels
            .iter()
            .map(|l| super::text_width(l, LABEL_SIZE))
            .max()
            .unwrap_or(60)
            .clamp(60, 260);
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(44)
            .y_label_area_size(label_width as u32 + 12)
            .build_cartesian_2d(-0.02..1.02, -0.5..n as f64 - 0.5)?;
        chart
            .configure_mesh()
            .x_desc("final share following")
            .x_label_formatter(&|v| percent(*v, 1.0))
            .y_labels(n)
            .y_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 1e-9 && i >= 0.0 {
                    // Rows from the top: the first variant first.
                    labels.get(n - 1 - i as usize).cloned().unwrap_or_default()
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
        for (i, (_, values)) in finals.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let row = (n - 1 - i) as f64;
            let values: Vec<f64> = values.iter().filter_map(|v| sane(*v)).collect();
            // A fixed spread within the row, by run number: the same picture every time.
            chart.draw_series(values.iter().enumerate().map(|(k, &v)| {
                let offset = ((k * 7919) % 41) as f64 / 41.0 - 0.5;
                Circle::new((v, row + 0.5 * offset), 4, colour.mix(0.5).filled())
            }))?;
            if !values.is_empty() {
                let mean = values.iter().sum::<f64>() / values.len() as f64;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(mean, row - 0.35), (mean, row + 0.35)],
                    colour.stroke_width(3),
                )))?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::assert_plot;

    #[test]
    fn every_variant_gets_its_line_band_and_legend_entry() {
        let curve = |mid: f64| {
            let ticks: Vec<u32> = (0..=100).collect();
            let s = |t: u32| 1.0 / (1.0 + (-(f64::from(t) - mid) / 8.0).exp());
            AdoptionCurve {
                median: ticks.iter().map(|&t| s(t)).collect(),
                p10: ticks.iter().map(|&t| 0.5 * s(t)).collect(),
                p90: ticks.iter().map(|&t| s(t).min(1.0)).collect(),
                ticks,
                runs: 10,
                ..AdoptionCurve::default()
            }
        };
        let svg = render(&[
            ("hillside".into(), curve(30.0)),
            ("no-embrace".into(), curve(70.0)),
        ])
        .unwrap();
        assert_plot(&svg, &[TITLE, "hillside", "no-embrace"], &[("polygon", 2)]);
        assert_plot(&render(&[]).unwrap(), &["no data"], &[]);
    }

    #[test]
    fn final_sizes_are_a_row_of_dots_per_variant() {
        let svg = render_finals(&[
            ("hillside".into(), vec![0.99, 0.98, 0.0, 1.0]),
            ("no-embrace".into(), vec![0.0, 0.97]),
        ])
        .unwrap();
        let parsed = assert_plot(&svg, &[FINALS_TITLE, "hillside", "no-embrace"], &[]);
        assert!(parsed.count_with("circle", "fill", "#0072B2") >= 4);
        assert_plot(&render_finals(&[]).unwrap(), &["no data"], &[]);
    }
}
