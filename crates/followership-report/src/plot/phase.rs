//! Phase diagrams of a two-parameter sweep as heat maps: one cell for each pair of values,
//! coloured by an outcome (cascade probability, mean final size) on the viridis scale, with a
//! colour bar as legend and cells without a value in grey.
//!
//! Cells are placed by index, not by value: sweeps are often log-spaced (0.001, 0.01, 0.1) or
//! uneven, and equal cells keep every run of the sweep the same size on the page. The axis
//! labels are the parameter values themselves. Viridis reads as light-to-dark in grey and to
//! colour-blind eyes, so the order of the colours survives printing.

use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, DESC_SIZE, FONT, HEIGHT, LABEL_SIZE, Legend, MUTED, NOTE_SIZE, PALE, PlotError, Slots,
    Swatch, WIDTH, anchored, capitalised, count, draw_svg, extent, header, no_data_svg, number,
    number_digits, sane, shorten, widen,
};

/// An outcome over a grid of two parameters' values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeatMap {
    /// The parameter along the horizontal axis, e.g. "threshold.mean".
    pub x_name: String,
    /// The parameter along the vertical axis.
    pub y_name: String,
    /// The values of the horizontal parameter, left to right.
    pub xs: Vec<f64>,
    /// The values of the vertical parameter, bottom to top.
    pub ys: Vec<f64>,
    /// The outcome of each cell, row by row from the bottom: the cell at `xs[i]`, `ys[j]` is
    /// `values[j * xs.len() + i]`. `None`, NaN and missing entries are drawn grey.
    pub values: Vec<Option<f64>>,
    /// What the colour shows, e.g. "cascade probability".
    pub value_name: String,
    /// The values at the two ends of the colour scale, e.g. (0, 1) for a probability, so
    /// several maps can share one scale. If it is not a proper range the data's range is used.
    pub value_range: (f64, f64),
}

/// Columns and rows labelled at most this often; between them the labels would overlap.
const MAX_LABELS: usize = 12;
/// Width of the strip on the right holding the colour bar and its labels.
const SCALE_WIDTH: u32 = 116;
const MISSING: RGBColor = RGBColor(210, 210, 210);

/// The viridis colour of `t` in 0 to 1; plotters' colour map unwraps on NaN, so clamp first.
fn colour(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ViridisRGB::get_color(t)
}

/// Black or white, whichever reads better on `background`.
fn ink_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luminance = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luminance > 140.0 {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    }
}

/// Label every k-th of `n` cells, k chosen so at most [`MAX_LABELS`] labels show.
fn label_step(n: usize) -> usize {
    n.div_ceil(MAX_LABELS).max(1)
}

fn value_label(values: &[f64], position: f64) -> String {
    let index = position.floor();
    if index < 0.0 {
        return String::new();
    }
    values
        .get(index as usize)
        .map(|&v| number(v))
        .unwrap_or_default()
}

/// Draws the heat map with a colour bar on the right.
pub fn render(map: &HeatMap) -> Result<String, PlotError> {
    let title = capitalised(&format!(
        "{} by {} and {}",
        map.value_name, map.x_name, map.y_name
    ));
    let (nx, ny) = (map.xs.len(), map.ys.len());
    if nx == 0 || ny == 0 {
        return no_data_svg(&title, "the sweep has no parameter values");
    }
    let cell = |i: usize, j: usize| -> Option<f64> {
        map.values.get(j * nx + i).copied().flatten().and_then(sane)
    };
    let cells: Vec<(usize, usize, Option<f64>)> = (0..ny)
        .flat_map(|j| (0..nx).map(move |i| (i, j)))
        .map(|(i, j)| (i, j, cell(i, j)))
        .collect();
    let missing = cells.iter().filter(|c| c.2.is_none()).count();

    let (lo, hi) = match (sane(map.value_range.0), sane(map.value_range.1)) {
        (Some(a), Some(b)) if a != b => (a.min(b), a.max(b)),
        _ => extent(cells.iter().filter_map(|c| c.2)).unwrap_or((0.0, 1.0)),
    };
    let scale = widen(lo, hi);
    let to_unit = |v: f64| (v - scale.start) / (scale.end - scale.start);

    let mut subtitle = format!("{} × {} grid", count(nx), count(ny));
    if missing > 0 {
        subtitle.push_str(&format!("; {} without a value", count(missing)));
    }
    let legend: Vec<Legend> = if missing > 0 {
        vec![(Swatch::Block(MISSING), "no value".into())]
    } else {
        vec![]
    };

    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, &title, Some(&subtitle), &legend)?;
        let (body_width, _) = body.dim_in_pixel();
        let (grid_area, scale_area) = body.split_horizontally(body_width - SCALE_WIDTH);

        let mut chart = ChartBuilder::on(&grid_area)
            .margin(10)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(
                Slots::new(nx, label_step(nx)),
                Slots::new(ny, label_step(ny)),
            )?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(shorten(&map.x_name, 60))
            .y_desc(shorten(&map.y_name, 40))
            .x_label_formatter(&|v| value_label(&map.xs, *v))
            .y_label_formatter(&|v| value_label(&map.ys, *v))
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .axis_style(MUTED)
            .draw()?;
        chart.draw_series(cells.iter().map(|&(i, j, value)| {
            let fill = value.map_or(MISSING, |v| colour(to_unit(v)));
            let (x, y) = (i as f64, j as f64);
            Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill.filled())
        }))?;

        // Write the values in the cells when they are big enough to hold them.
        let (grid_w, grid_h) = chart.plotting_area().dim_in_pixel();
        let (cell_w, cell_h) = (grid_w as usize / nx, grid_h as usize / ny);
        if cell_w >= 44 && cell_h >= 22 {
            chart.draw_series(cells.iter().filter_map(|&(i, j, value)| {
                let v = value?;
                let ink = ink_on(colour(to_unit(v)));
                Some(Text::new(
                    number_digits(v, 2),
                    (i as f64 + 0.5, j as f64 + 0.5),
                    anchored(NOTE_SIZE, ink, HPos::Center, VPos::Center),
                ))
            }))?;
        }

        colour_bar(&scale_area, &map.value_name, scale.clone())
    })
}

/// The colour scale as a vertical bar with the values it stands for on its right.
fn colour_bar(area: &Area<'_>, name: &str, scale: std::ops::Range<f64>) -> Result<(), PlotError> {
    const STEPS: usize = 48;
    let mut bar = ChartBuilder::on(area)
        // Same top margin and bottom label area as the grid, so the bar is exactly as tall.
        .margin(10)
        .margin_left(4)
        .margin_right(4)
        .x_label_area_size(48)
        .right_y_label_area_size(62)
        .build_cartesian_2d(0.0..1.0, scale.clone())?;
    let span = scale.end - scale.start;
    bar.draw_series((0..STEPS).map(|k| {
        let t0 = k as f64 / STEPS as f64;
        let t1 = (k + 1) as f64 / STEPS as f64;
        Rectangle::new(
            [
                (0.0, scale.start + span * t0),
                (1.0, scale.start + span * t1),
            ],
            colour((t0 + t1) / 2.0).filled(),
        )
    }))?;
    bar.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(shorten(name, 40))
        .y_label_formatter(&|v| number(*v))
        .axis_desc_style((FONT, DESC_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .axis_style(PALE)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::{assert_axis, assert_plot};

    fn sweep() -> HeatMap {
        let xs = vec![0.001, 0.01, 0.1, 1.0];
        let ys = vec![2.0, 4.0, 8.0];
        let values = (0..ys.len())
            .flat_map(|j| (0..xs.len()).map(move |i| (i, j)))
            .map(|(i, j)| {
                if (i, j) == (3, 2) {
                    None
                } else {
                    Some((i + j) as f64 / 5.0)
                }
            })
            .collect();
        HeatMap {
            x_name: "visibility".into(),
            y_name: "network.mean_degree".into(),
            xs,
            ys,
            values,
            value_name: "cascade probability".into(),
            value_range: (0.0, 1.0),
        }
    }

    #[test]
    fn cells_labels_and_scale_are_drawn() {
        let svg = render(&sweep()).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "Cascade probability by visibility and network.mean_degree",
                "0.001",
                "0.01",
                "0.1",
                "8",
                "no value",
                "1 without a value",
            ],
            &[("rect", 12 + 48)],
        );
        assert_axis(&parsed, "visibility");
        assert_axis(&parsed, "network.mean_degree");
        assert!(
            parsed
                .texts
                .iter()
                .filter(|t| *t == "cascade probability")
                .count()
                >= 1
        );
        // The missing cell and its legend block.
        assert_eq!(parsed.count_with("rect", "fill", "#D2D2D2"), 2);
        // Viridis ends: dark purple at 0, yellow at 1.
        assert!(parsed.count_with("rect", "fill", "#440154") >= 1);
    }

    #[test]
    fn many_values_get_fewer_labels() {
        let xs: Vec<f64> = (0..60)
            .map(|i| 10f64.powf(-3.0 + i as f64 / 20.0))
            .collect();
        let ys: Vec<f64> = (0..40).map(f64::from).collect();
        let map = HeatMap {
            values: (0..2400).map(|k| Some(f64::from(k))).collect(),
            xs,
            ys,
            value_range: (f64::NAN, f64::NAN),
            ..sweep()
        };
        let parsed = assert_plot(
            &render(&map).unwrap(),
            &["2000", "0.562"],
            &[("rect", 2400)],
        );
        assert!(parsed.count("text") < 80, "{} texts", parsed.count("text"));
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        let empty = HeatMap::default();
        assert_plot(&render(&empty).unwrap(), &["no data"], &[]);

        let one = HeatMap {
            xs: vec![1.0],
            ys: vec![f64::NAN],
            values: vec![Some(0.5)],
            value_range: (0.5, 0.5),
            ..sweep()
        };
        assert_plot(&render(&one).unwrap(), &["0.5"], &[]);

        let holes = HeatMap {
            values: vec![Some(f64::NAN), None, Some(f64::INFINITY)],
            value_range: (1.0, f64::INFINITY),
            ..sweep()
        };
        assert_plot(&render(&holes).unwrap(), &["12 without a value"], &[]);

        let equal = HeatMap {
            values: vec![Some(3.0); 12],
            value_range: (2.0, 2.0),
            ..sweep()
        };
        assert_plot(&render(&equal).unwrap(), &["3"], &[]);
    }
}
