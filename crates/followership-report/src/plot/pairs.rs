//! The joint posterior of fitted parameters, two at a time: the final generation's particles
//! as dots, larger and darker the more weight they carry. With two parameters it is one
//! scatter; with three or four, a grid with one panel per pair below the diagonal (the panel
//! in row `i`, column `j` puts parameter `j` across and parameter `i + 1` up), so a ridge
//! (two parameters that trade off against each other) shows wherever it is.
//!
//! Parameters with a log-uniform prior are drawn on logarithmic axes, as in the marginals.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BLUE, FONT, GRID, INK, LABEL_SIZE, Legend, MUTED, NOTE_SIZE, PlotError, Swatch, WIDTH,
    anchored, draw_svg, extent, header, no_data_svg, number, pad, power_of_ten, sane, shorten,
    widen,
};

/// The most parameters a grid shows; a fit of more shows its first four.
pub const MAX_PARAMETERS: usize = 4;

/// The weighted particles of a posterior over several parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pairs {
    /// The title, e.g. "Joint posterior of bass-launch".
    pub title: String,
    /// The parameters' names (key paths).
    pub names: Vec<String>,
    /// Whether each parameter goes on a logarithmic axis (its values must be above 0).
    pub log: Vec<bool>,
    /// Each particle: one value per parameter, and its weight.
    pub particles: Vec<(Vec<f64>, f64)>,
}

/// Draws the scatter (two parameters) or the grid of pairs (three or four).
pub fn render(p: &Pairs) -> Result<String, PlotError> {
    let n = p.names.len().min(MAX_PARAMETERS);
    if n < 2 {
        return no_data_svg(&p.title, "a joint posterior needs two parameters or more");
    }
    let log: Vec<bool> = (0..n)
        .map(|k| {
            p.log.get(k).copied().unwrap_or(false)
                && p.particles
                    .iter()
                    .all(|(v, _)| v.get(k).is_none_or(|&x| x > 0.0))
        })
        .collect();
    let at = |k: usize, v: f64| if log[k] { sane(v.log10()) } else { sane(v) };
    // Particles with a drawable value of every shown parameter and a positive weight.
    let particles: Vec<(Vec<f64>, f64)> = p
        .particles
        .iter()
        .filter_map(|(values, w)| {
            let coords = (0..n)
                .map(|k| at(k, *values.get(k)?))
                .collect::<Option<Vec<f64>>>()?;
            Some((coords, sane(*w).filter(|&w| w > 0.0)?))
        })
        .collect();
    if particles.is_empty() {
        return no_data_svg(&p.title, "no particle with a number for every parameter");
    }
    let ranges: Vec<std::ops::Range<f64>> = (0..n)
        .map(|k| {
            let (lo, hi) = extent(particles.iter().map(|(v, _)| v[k])).unwrap_or((0.0, 1.0));
            pad(widen(lo, hi), 0.05)
        })
        .collect();
    let heaviest = particles.iter().map(|p| p.1).fold(0.0, f64::max);
    // The heaviest particles are drawn last, on top.
    let mut order: Vec<usize> = (0..particles.len()).collect();
    order.sort_by(|&a, &b| particles[a].1.total_cmp(&particles[b].1).then(a.cmp(&b)));
    let label = |k: usize| {
        let name = shorten(&p.names[k], 40);
        if log[k] {
            format!("{name} (log)")
        } else {
            name
        }
    };
    let subtitle = if p.names.len() > n {
        format!(
            "the final generation's particles; the first {n} of {} parameters",
            p.names.len()
        )
    } else {
        "the final generation's particles".to_string()
    };
    let legend: Vec<Legend> = vec![(
        Swatch::Dot(BLUE, 5),
        "particle (larger, darker: more weight)".into(),
    )];
    let panels = n - 1;
    let height = if panels == 1 {
        520
    } else {
        240 * panels as u32 + 100
    };
    draw_svg((WIDTH, height), |root| {
        let body = header(root, &p.title, Some(&subtitle), &legend)?;
        let cells = body.split_evenly((panels, panels));
        for (c, cell) in cells.iter().enumerate() {
            let (row, col) = (c / panels, c % panels);
            let (x, y) = (col, row + 1);
            if col > row {
                continue;
            }
            let small = panels > 1;
            let mut chart = ChartBuilder::on(cell)
                .margin(if small { 4 } else { 10 })
                .margin_right(if small { 12 } else { 28 })
                .x_label_area_size(if small { 40 } else { 48 })
                .y_label_area_size(if small { 52 } else { 64 })
                .build_cartesian_2d(ranges[x].clone(), ranges[y].clone())?;
            let size = if small { NOTE_SIZE } else { LABEL_SIZE };
            let fmt_x = |v: &f64| if log[x] { power_of_ten(*v) } else { number(*v) };
            let fmt_y = |v: &f64| if log[y] { power_of_ten(*v) } else { number(*v) };
            chart
                .configure_mesh()
                .x_desc(label(x))
                .y_desc(label(y))
                .x_labels(if small { 4 } else { 8 })
                .y_labels(if small { 4 } else { 8 })
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&fmt_y)
                .axis_desc_style((FONT, size))
                .label_style((FONT, size))
                .bold_line_style(GRID)
                .light_line_style(TRANSPARENT)
                .axis_style(MUTED)
                .draw()?;
            chart.draw_series(order.iter().map(|&i| {
                let (v, w) = &particles[i];
                let share = w / heaviest;
                let radius = 2 + (5.0 * share.sqrt()).round() as i32;
                Circle::new((v[x], v[y]), radius, BLUE.mix(0.15 + 0.7 * share).filled())
            }))?;
        }
        if panels > 1 {
            // The empty corner above the diagonal says how to read the grid.
            let (w, _) = body.dim_in_pixel();
            body.draw(&Text::new(
                "each panel: one pair of parameters",
                (w as i32 - 16, 16),
                anchored(NOTE_SIZE, INK, HPos::Right, VPos::Top),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::check::{assert_axis, assert_plot};
    use super::*;

    fn sample(n: usize) -> Pairs {
        let names: Vec<String> = [
            "dynamics.spontaneous",
            "dynamics.imitation",
            "a.b",
            "c.d",
            "e.f",
        ][..n]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Pairs {
            title: "Joint posterior of bass-launch".into(),
            log: (0..n).map(|k| k == 0).collect(),
            particles: (0..100)
                .map(|i| {
                    let t = i as f64 / 100.0;
                    let values = (0..n).map(|k| 0.01 + t * (k + 1) as f64 * 0.1).collect();
                    (values, 1.0 + (i % 5) as f64)
                })
                .collect(),
            names,
        }
    }

    #[test]
    fn two_parameters_make_one_scatter_with_weighted_dots() {
        let svg = render(&sample(2)).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Joint posterior of bass-launch",
                "particle",
                "dynamics.spontaneous (log)",
            ],
            &[("circle", 100)],
        );
        assert_axis(&parsed, "dynamics.imitation");
        // Weight shows as size: five weights, five radii.
        let mut radii: Vec<&str> = parsed
            .elements
            .iter()
            .filter(|e| e.name == "circle")
            .filter_map(|e| {
                e.attributes
                    .iter()
                    .find(|(k, _)| k == "r")
                    .map(|(_, v)| v.as_str())
            })
            .collect();
        radii.sort();
        radii.dedup();
        assert!(radii.len() >= 4, "{radii:?}");
    }

    #[test]
    fn three_or_four_parameters_make_a_grid_of_pairs() {
        for (n, panels) in [(3, 3), (4, 6), (5, 6)] {
            let svg = render(&sample(n)).unwrap();
            let parsed = assert_plot(&svg, &["each panel"], &[("circle", 100 * panels)]);
            // One panel per pair below the diagonal, the legend's dot besides.
            assert_eq!(parsed.count("circle"), 100 * panels + 1, "{n} parameters");
            assert_eq!(parsed.has_text("first 4 of 5"), n == 5);
        }
    }

    #[test]
    fn one_parameter_or_no_numbers_is_no_data() {
        assert_plot(&render(&sample(1)).unwrap(), &["no data"], &[]);
        let mut p = sample(2);
        for (v, _) in &mut p.particles {
            v[1] = f64::NAN;
        }
        assert_plot(&render(&p).unwrap(), &["no data"], &[]);
    }
}
