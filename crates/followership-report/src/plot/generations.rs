//! How a fit went, generation by generation: the tolerance (the largest distance to the data
//! a generation accepted) on the left and the share of proposals accepted on the right. A
//! tolerance that stops falling while acceptance keeps dropping says more generations would
//! buy little.

use plotters::prelude::*;

use super::{
    BLUE, HEIGHT, Legend, PlotError, Swatch, VERMILLION, WIDTH, axes, chart, draw_svg, extent,
    header, no_data_svg, number, pad, percent, sane, whole, widen,
};

/// Tolerance and acceptance rate of each generation of a fit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generations {
    /// The title, e.g. "Generations of bass-launch".
    pub title: String,
    /// One row per generation: `(index, tolerance, acceptance rate)`; generation 0's
    /// tolerance is infinite (everything drawn from the prior is accepted) and is left out.
    pub rows: Vec<(u32, f64, f64)>,
}

/// Draws the two panels.
pub fn render(g: &Generations) -> Result<String, PlotError> {
    let tolerance: Vec<(f64, f64)> = g
        .rows
        .iter()
        .filter_map(|&(i, t, _)| Some((f64::from(i), sane(t)?)))
        .collect();
    let acceptance: Vec<(f64, f64)> = g
        .rows
        .iter()
        .filter_map(|&(i, _, a)| Some((f64::from(i), sane(a)?)))
        .collect();
    if acceptance.is_empty() && tolerance.is_empty() {
        return no_data_svg(&g.title, "no generation finished");
    }
    let (first, last) = extent(g.rows.iter().map(|r| f64::from(r.0))).unwrap_or((0.0, 1.0));
    let x_range = pad(widen(first, last), 0.05);
    let legend: Vec<Legend> = vec![
        (Swatch::Line(BLUE), "tolerance".into()),
        (Swatch::Line(VERMILLION), "acceptance rate".into()),
    ];
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &g.title, Some("by generation"), &legend)?;
        let (left, right) = body.split_horizontally(WIDTH / 2);
        let t_top = extent(tolerance.iter().map(|p| p.1)).map_or(1.0, |(_, hi)| hi.max(1e-12));
        let mut chart_t = chart(&left, x_range.clone(), 0.0..t_top * 1.08)?;
        axes(&mut chart_t, "generation", "tolerance", &whole, &|v| {
            number(*v)
        })?;
        draw_line(&mut chart_t, &tolerance, BLUE)?;
        let a_top =
            extent(acceptance.iter().map(|p| p.1)).map_or(1.0, |(_, hi)| hi.clamp(1e-6, 1.0));
        let mut chart_a = chart(&right, x_range.clone(), 0.0..a_top * 1.08)?;
        axes(
            &mut chart_a,
            "generation",
            "acceptance rate",
            &whole,
            &|v| percent(*v, a_top),
        )?;
        draw_line(&mut chart_a, &acceptance, VERMILLION)?;
        Ok(())
    })
}

/// A line with a dot at each generation.
fn draw_line(
    chart: &mut super::Chart<'_, '_>,
    points: &[(f64, f64)],
    colour: RGBColor,
) -> Result<(), PlotError> {
    chart.draw_series(LineSeries::new(
        points.iter().copied(),
        colour.stroke_width(3),
    ))?;
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::check::{assert_axis, assert_plot};
    use super::*;

    #[test]
    fn tolerance_and_acceptance_are_drawn_by_generation() {
        let g = Generations {
            title: "Generations of bass-launch".into(),
            rows: (0..8)
                .map(|i| {
                    let t = if i == 0 {
                        f64::INFINITY
                    } else {
                        0.2 / f64::from(i)
                    };
                    (i, t, 1.0 / f64::from(i + 1))
                })
                .collect(),
        };
        let svg = render(&g).unwrap();
        let parsed = assert_plot(
            &svg,
            &["Generations of bass-launch", "tolerance", "acceptance rate"],
            &[("circle", 15), ("polyline", 2)],
        );
        assert_axis(&parsed, "generation");
        assert!(parsed.has_text("100%"), "{:?}", parsed.texts);
    }

    #[test]
    fn nothing_finished_is_no_data() {
        let g = Generations {
            title: "Generations".into(),
            rows: vec![(0, f64::INFINITY, f64::NAN)],
        };
        assert_plot(&render(&g).unwrap(), &["no data"], &[]);
    }
}
