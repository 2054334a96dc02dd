//! Horizontal bars with interval whiskers, one row a category, shared by the sensitivity and
//! strategy plots.
//!
//! Bars lie on their side because the categories are names (parameters such as
//! `trust.violation_penalty`, strategies such as `high-degree`) that need room to be read;
//! a long list grows the picture downwards instead of crowding the labels.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    DESC_SIZE, Estimate, GRID, HEIGHT, INK, LABEL_SIZE, Legend, NOTE_SIZE, PlotError, Slots,
    Swatch, WIDTH, anchored, draw_svg, draw_whiskers, extent, header, no_data_svg, number, shorten,
    text_width, widen,
};

/// One series of bars: a value (or none) for each category, in category order.
pub(crate) struct Series<'a> {
    pub label: &'a str,
    pub colour: RGBColor,
    pub values: Vec<Estimate>,
}

/// Everything one bar chart needs.
pub(crate) struct BarChart<'a> {
    pub title: &'a str,
    pub categories: &'a [String],
    pub series: Vec<Series<'a>>,
    pub value_name: &'a str,
    pub interval_name: &'a str,
    /// Values the axis always shows, e.g. 0 and 1 for indices, whatever the data.
    pub always_show: (f64, f64),
    /// Whether to write each bar's value beside it (worth it for a few bars, noise for many).
    pub show_values: bool,
}

const ROW_HEIGHT: u32 = 20;
const NAME_LENGTH: usize = 34;

pub(crate) fn horizontal_bars(chart: &BarChart<'_>) -> Result<String, PlotError> {
    let n = chart.categories.len();
    if n == 0 || chart.series.is_empty() {
        return no_data_svg(chart.title, "nothing to compare");
    }
    let drawable = |e: &Estimate| super::sane(e.value).is_some();
    let values = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().take(n))
        .flat_map(|e| {
            let (low, high) = e.interval().unwrap_or((e.value, e.value));
            [e.value, low, high]
        });
    let Some((lo, hi)) = extent(values) else {
        return no_data_svg(chart.title, "no estimate is a finite number");
    };
    let (show_lo, show_hi) = chart.always_show;
    let range = widen(lo.min(show_lo), hi.max(show_hi));
    // Room on the right for the value labels, on the left only where bars go negative.
    let right = if chart.show_values { 0.12 } else { 0.03 };
    let left = if range.start < 0.0 { 0.03 } else { 0.0 };
    let span = range.end - range.start;
    let range = range.start - span * left..range.end + span * right;

    let rows = (n * chart.series.len()) as u32;
    let height = HEIGHT.max(150 + rows * ROW_HEIGHT + n as u32 * 10);
    let names: Vec<String> = chart
        .categories
        .iter()
        .map(|c| shorten(c, NAME_LENGTH))
        .collect();
    let name_width = names
        .iter()
        .map(|name| text_width(name, LABEL_SIZE))
        .max()
        .unwrap_or(0);

    let mut legend: Vec<Legend> = chart
        .series
        .iter()
        .map(|s| (Swatch::Block(s.colour), s.label.to_string()))
        .collect();
    if !chart.interval_name.is_empty() {
        legend.push((Swatch::Whisker(INK), chart.interval_name.to_string()));
    }

    draw_svg((WIDTH, height), |root| {
        let body = header(root, chart.title, None, &legend)?;
        // Category i is the band [n-1-i, n-i] so the first name is at the top.
        let mut plot = ChartBuilder::on(&body)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size((name_width + 18).clamp(60, 300))
            .build_cartesian_2d(range.clone(), Slots::new(n, 1))?;
        plot.configure_mesh()
            .disable_y_mesh()
            .x_desc(chart.value_name)
            // Ticks of a range that crosses zero land a rounding error away from it.
            .x_label_formatter(&|v| number(if v.abs() < 1e-9 { 0.0 } else { *v }))
            .y_label_formatter(&|v| {
                let row = v.floor() as usize;
                names
                    .get(n.saturating_sub(1 + row))
                    .cloned()
                    .unwrap_or_default()
            })
            .axis_desc_style((super::FONT, DESC_SIZE))
            .label_style((super::FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(super::MUTED)
            .draw()?;

        if range.start < 0.0 {
            plot.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                INK.stroke_width(1),
            )))?;
        }

        let per_row = chart.series.len() as f64;
        let slot = 0.8 / per_row;
        let mut whiskers = Vec::new();
        let mut labels = Vec::new();
        for (k, series) in chart.series.iter().enumerate() {
            let bars = series
                .values
                .iter()
                .take(n)
                .enumerate()
                .filter(|(_, e)| drawable(e))
                .map(|(i, e)| {
                    let top = (n - i) as f64 - 0.1 - slot * k as f64;
                    let bottom = top - slot * 0.9;
                    let centre = (top + bottom) / 2.0;
                    // A missing interval often arrives as the estimate repeated: no whisker.
                    if let Some((low, high)) = e.interval().filter(|(l, h)| h > l) {
                        whiskers.push((centre, low, high));
                    }
                    let end = e.interval().map_or(e.value, |(_, high)| high.max(e.value));
                    labels.push((end.max(0.0), centre, e.value));
                    Rectangle::new([(0.0, bottom), (e.value, top)], series.colour.filled())
                })
                .collect::<Vec<_>>();
            plot.draw_series(bars)?;
        }
        draw_whiskers(&mut plot, &whiskers, false, INK)?;
        if chart.show_values {
            plot.draw_series(labels.iter().map(|&(x, y, value)| {
                EmptyElement::at((x, y))
                    + Text::new(
                        number(value),
                        (7, 0),
                        anchored(NOTE_SIZE, INK, HPos::Left, VPos::Center),
                    )
            }))?;
        }
        Ok(())
    })
}
