//! SVG plots, one module a kind of picture. Each module's `render` takes plain data and returns
//! the SVG text, e.g. `plot::adoption::render(&curve)`; the data types are also here at the top.
//!
//! The inputs are plain numbers and strings, never engine types: the caller summarises its runs
//! (medians, intervals, indices) and this module only draws them, so a plot can be made from a
//! CSV file as easily as from a live experiment. Every `render` returns `Result<String,
//! PlotError>`; bad numbers (NaN, infinities) are left out rather than drawn, and an input with
//! nothing left to draw gives a picture that says "no data" instead of an error, so a report can
//! always show something in its place.
//!
//! Text is written as SVG `<text>` elements in the generic `sans-serif` family and laid out with
//! plotters' built-in estimate of text widths, so drawing needs no fonts on the machine; the
//! viewer picks the font.
//!
//! This file holds what the pictures share: the error type, `Estimate` (a value with an
//! interval), the colour-blind-safe palette of Okabe and Ito, sizes and fonts, the title block
//! with its legend row, the chart with its margins and the axes in the house style (`chart`,
//! `axes`), number formatting and the guards that keep ranges drawable.

use std::fmt;
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub mod adoption;
mod bars;
pub mod compare;
pub mod final_size;
pub mod generations;
pub mod marginal;
pub mod pairs;
pub mod parameter;
pub mod phase;
pub mod predictive;
pub mod sensitivity;
pub mod snapshots;
pub mod strategies;
pub mod trust;

pub use adoption::{AdoptionCurve, FirstFollower, LeaderQuit};
pub use generations::Generations;
pub use marginal::Marginal;
pub use pairs::Pairs;
pub use parameter::ParameterCurve;
pub use phase::HeatMap;
pub use predictive::PredictiveBand;
pub use sensitivity::IndexBars;
pub use snapshots::{PersonState, Snapshots};
pub use strategies::StrategyBars;
pub use trust::{TrustCurve, TrustMark};

/// Why a plot could not be drawn.
///
/// Drawing into an in-memory SVG string hardly ever fails, but plotters reports its errors as
/// values and a report should carry on without the picture rather than stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlotError {
    /// Plotters refused to draw; the text is its message.
    Drawing(String),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::Drawing(message) => write!(f, "could not draw the plot: {message}"),
        }
    }
}

impl std::error::Error for PlotError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Drawing(error.to_string())
    }
}

/// A value with an interval around it, such as a mean with its 95% confidence interval.
///
/// Non-finite parts are left out of the picture: a NaN value hides the bar or point, a NaN
/// bound hides only the whisker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    pub(crate) fn new(value: f64, low: f64, high: f64) -> Self {
        Estimate { value, low, high }
    }

    /// The interval if both ends are drawable, ordered low to high.
    pub(crate) fn interval(&self) -> Option<(f64, f64)> {
        let (low, high) = (sane(self.low)?, sane(self.high)?);
        Some((low.min(high), low.max(high)))
    }
}

// Okabe and Ito's palette: eight colours told apart by people with any common kind of colour
// blindness. Blue is "following" everywhere, so the eye learns it once.
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// The second follower's colour (the first follower's is vermillion).
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(crate) const INK: RGBColor = RGBColor(34, 34, 34);
pub(crate) const MUTED: RGBColor = RGBColor(110, 110, 110);
pub(crate) const PALE: RGBColor = RGBColor(190, 190, 190);
pub(crate) const GRID: RGBColor = RGBColor(228, 228, 228);

pub(crate) const WIDTH: u32 = 720;
pub(crate) const HEIGHT: u32 = 440;
pub(crate) const FONT: &str = "sans-serif";
// Plotters writes `font-size` as the size given here divided by 1.24 (so 25 is about 20px),
// and its axes round the size down to whole numbers.
pub(crate) const TITLE_SIZE: f64 = 25.0;
pub(crate) const SUBTITLE_SIZE: f64 = 16.0;
pub(crate) const DESC_SIZE: f64 = 17.0;
pub(crate) const LABEL_SIZE: f64 = 15.0;
pub(crate) const NOTE_SIZE: f64 = 14.0;

/// Values beyond this size are treated like infinities: plotters cannot lay out an axis whose
/// span overflows, and no followership quantity comes near it.
const LARGEST: f64 = 1e15;

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// The value if it can be drawn: finite and not absurdly large.
pub(crate) fn sane(value: f64) -> Option<f64> {
    (value.is_finite() && value.abs() <= LARGEST).then_some(value)
}

/// The smallest and largest drawable values, if there are any.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter_map(sane)
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A range plotters can draw: a zero-width range (one point, all values equal) is widened
/// around its value, because an axis from 3 to 3 has no scale.
pub(crate) fn widen(lo: f64, hi: f64) -> Range<f64> {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if hi - lo > 1e-9 * lo.abs().max(hi.abs()).max(1e-300) {
        return lo..hi;
    }
    let half = if lo == 0.0 { 0.5 } else { lo.abs() * 0.1 };
    lo - half..hi + half
}

/// The range with a margin on both sides, so points and whiskers do not sit on the frame.
pub(crate) fn pad(range: Range<f64>, fraction: f64) -> Range<f64> {
    let margin = (range.end - range.start) * fraction;
    range.start - margin..range.end + margin
}

/// A number as a short label: three significant digits, no trailing zeros, powers of ten for
/// very small or very large values (parameter sweeps are often log-spaced).
pub(crate) fn number(value: f64) -> String {
    number_digits(value, 3)
}

/// A number as a label with `digits` significant digits.
pub(crate) fn number_digits(value: f64, digits: i32) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs();
    if !(1e-3..1e6).contains(&magnitude) {
        let text = format!("{:.*e}", (digits - 1).max(0) as usize, value);
        return match text.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
            None => text,
        };
    }
    let decimals = (digits - 1 - magnitude.log10().floor() as i32).max(0) as usize;
    trim_zeros(&format!("{value:.decimals$}")).to_string()
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// A share (0 to 1) as a percentage, with as many decimals as an axis of the given span needs.
pub(crate) fn percent(share: f64, span: f64) -> String {
    if !share.is_finite() {
        return "–".to_string();
    }
    let decimals = if span >= 0.1 {
        0
    } else if span >= 0.01 {
        1
    } else {
        2
    };
    let text = format!("{:.*}", decimals, share * 100.0);
    // "-0%" reads like a mistake.
    let text = if text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    };
    format!("{text}%")
}

/// A count with thousands separated, as people read them ("12,000 people").
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The text with its first letter in upper case, for titles made from names.
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Text cut to `max` characters, so one long name cannot squeeze the plot away.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// About how wide text of the given plotters size is in pixels. Plotters' own estimate is
/// about the same; viewers' real fonts are usually a little narrower, so layouts built on this
/// err on the roomy side.
pub(crate) fn text_width(text: &str, size: f64) -> i32 {
    (text.chars().count() as f64 * size * 0.42).ceil() as i32
}

pub(crate) fn style(size: f64, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: colour.to_backend_color(),
        pos: Pos::default(),
    }
}

pub(crate) fn anchored(size: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    style(size, colour).pos(Pos::new(h, v))
}

/// Draws the SVG into a string: a white page of the given size handed to `draw`.
pub(crate) fn draw_svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    // Plotters writes every attribute on every element; SVG's defaults (full opacity, no
    // stroke) are half of a dot's bytes, and a picture of a crowd has thousands of dots.
    let svg = svg
        .replace(" opacity=\"1\"", "")
        .replace(" stroke=\"none\" stroke-width=\"1\"", "")
        .replace(" stroke=\"none\"", "");
    Ok(round_font_sizes(&svg))
}

/// Rewrites `font-size="12.096774193548388"` as `font-size="12.1"`: plotters divides every
/// size by 1.24, and the long decimals are noise in the file.
fn round_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(KEY) {
        let value_start = at + KEY.len();
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let end = rest.find('"').unwrap_or(rest.len());
        match rest[..end].parse::<f64>() {
            Ok(size) if size.is_finite() => {
                out.push_str(trim_zeros(&format!("{size:.1}")));
            }
            _ => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// An axis of `n` equal slots (0 to n) for categories, such as the names beside bars or the
/// values of a sweep, with ticks only where asked (at slot centres) and no grid between them.
#[derive(Clone)]
pub(crate) struct Slots {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Slots {
    /// `n` slots with ticks at the centres of every `step`-th slot.
    pub(crate) fn new(n: usize, step: usize) -> Self {
        Slots {
            inner: (0.0..n.max(1) as f64).into(),
            ticks: (0..n)
                .step_by(step.max(1))
                .map(|i| i as f64 + 0.5)
                .collect(),
        }
    }
}

impl Ranged for Slots {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// The small sample of a series' look shown before its name in a legend.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A solid line, for a curve.
    Line(RGBColor),
    /// A pale block, for a band between two curves.
    Band(RGBColor),
    /// A solid block, for bars and cells.
    Block(RGBColor),
    /// A whisker with caps, for intervals.
    Whisker(RGBColor),
    /// A filled dot of the given radius, for people.
    Dot(RGBColor, i32),
    /// An open ring of the given radius.
    Ring(RGBColor, i32),
}

/// One legend entry: what it looks like and what it means.
pub(crate) type Legend = (Swatch, String);

const SWATCH_WIDTH: i32 = 24;

fn draw_swatch(area: &Area<'_>, swatch: Swatch, x: i32, y: i32) -> Result<(), PlotError> {
    let right = x + SWATCH_WIDTH;
    match swatch {
        Swatch::Line(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (right, y)],
                c.stroke_width(3),
            ))?;
        }
        Swatch::Band(c) => {
            area.draw(&Rectangle::new(
                [(x, y - 7), (right, y + 7)],
                c.mix(0.3).filled(),
            ))?;
        }
        Swatch::Block(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 7), (right - 4, y + 7)],
                c.filled(),
            ))?;
        }
        Swatch::Whisker(c) => {
            let style = c.stroke_width(2);
            area.draw(&PathElement::new(vec![(x + 2, y), (right - 2, y)], style))?;
            area.draw(&PathElement::new(
                vec![(x + 2, y - 5), (x + 2, y + 5)],
                style,
            ))?;
            area.draw(&PathElement::new(
                vec![(right - 2, y - 5), (right - 2, y + 5)],
                style,
            ))?;
        }
        Swatch::Dot(c, r) => {
            area.draw(&Circle::new((x + SWATCH_WIDTH / 2, y), r, c.filled()))?;
        }
        Swatch::Ring(c, r) => {
            area.draw(&Circle::new(
                (x + SWATCH_WIDTH / 2, y),
                r,
                c.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

/// Draws the title, an optional grey subtitle and a centred legend row (wrapped when it is
/// wider than the page), and returns the area below them for the plot.
///
/// The legend sits above the plot rather than inside it because the data decide which corner
/// is empty: a movement fills the top right, a failure the bottom right.
pub(crate) fn header<'a>(
    root: &Area<'a>,
    title: &str,
    subtitle: Option<&str>,
    legend: &[Legend],
) -> Result<Area<'a>, PlotError> {
    let (width, _) = root.dim_in_pixel();
    let width = width as i32;
    let centre = width / 2;
    let mut y = 12;
    root.draw(&Text::new(
        shorten(title, 70),
        (centre, y),
        anchored(TITLE_SIZE, INK, HPos::Center, VPos::Top),
    ))?;
    y += 28;
    if let Some(subtitle) = subtitle.filter(|s| !s.is_empty()) {
        root.draw(&Text::new(
            shorten(subtitle, 110),
            (centre, y),
            anchored(SUBTITLE_SIZE, MUTED, HPos::Center, VPos::Top),
        ))?;
        y += 22;
    }
    if !legend.is_empty() {
        y += 4;
        let gap = 20;
        let entry_width = |(_, label): &Legend| SWATCH_WIDTH + 6 + text_width(label, LABEL_SIZE);
        let mut rows: Vec<Vec<&Legend>> = vec![vec![]];
        let mut row_width = 0;
        for entry in legend {
            let w = entry_width(entry);
            let row = rows.last_mut().expect("rows starts with one row");
            if !row.is_empty() && row_width + gap + w > width - 40 {
                rows.push(vec![entry]);
                row_width = w;
            } else {
                row_width += if row.is_empty() { w } else { gap + w };
                row.push(entry);
            }
        }
        for row in rows {
            let total: i32 =
                row.iter().map(|e| entry_width(e)).sum::<i32>() + gap * (row.len() as i32 - 1);
            let mut x = (centre - total / 2).max(8);
            let mid = y + 9;
            for entry in row {
                draw_swatch(root, entry.0, x, mid)?;
                root.draw(&Text::new(
                    entry.1.clone(),
                    (x + SWATCH_WIDTH + 6, mid),
                    anchored(LABEL_SIZE, INK, HPos::Left, VPos::Center),
                ))?;
                x += entry_width(entry) + gap;
            }
            y += 22;
        }
    }
    Ok(root.split_vertically(y + 4).1)
}

/// The picture drawn in place of a plot when nothing in the input can be drawn.
pub(crate) fn no_data_svg(title: &str, reason: &str) -> Result<String, PlotError> {
    draw_svg((WIDTH, HEIGHT), |root| {
        let body = header(root, title, None, &[])?;
        let (w, h) = body.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        body.draw(&Rectangle::new(
            [(40, 10), (w - 40, h - 30)],
            PALE.stroke_width(1),
        ))?;
        body.draw(&Text::new(
            "no data",
            (w / 2, h / 2 - 24),
            anchored(TITLE_SIZE, MUTED, HPos::Center, VPos::Center),
        ))?;
        body.draw(&Text::new(
            shorten(reason, 90),
            (w / 2, h / 2 + 8),
            anchored(SUBTITLE_SIZE, MUTED, HPos::Center, VPos::Center),
        ))?;
        Ok(())
    })
}

/// A chart of two linear number axes.
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart on `area` over `x` by `y` with the margins and label areas the plots share.
pub(crate) fn chart<'a, 'b>(
    area: &'a Area<'b>,
    x: Range<f64>,
    y: Range<f64>,
) -> Result<Chart<'a, 'b>, PlotError> {
    Ok(ChartBuilder::on(area)
        .margin(10)
        .margin_right(28)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)?)
}

/// Draws the axes in the house style: their descriptions, labels written by `x_label` and
/// `y_label`, a pale grid at the labelled values only, muted axis lines.
pub(crate) fn axes(
    chart: &mut Chart<'_, '_>,
    x_desc: &str,
    y_desc: &str,
    x_label: &dyn Fn(&f64) -> String,
    y_label: &dyn Fn(&f64) -> String,
) -> Result<(), PlotError> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(x_label)
        .y_label_formatter(y_label)
        .axis_desc_style((FONT, DESC_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .draw()?;
    Ok(())
}

/// A label on an axis of ticks or generations: whole numbers only, as a label at 2.5 would
/// name a tick that never happened.
pub(crate) fn whole(value: &f64) -> String {
    if value.fract() == 0.0 {
        number(*value)
    } else {
        String::new()
    }
}

/// A band between two curves as one polygon: along the low ends of `(x, low, high)` rows, then
/// back along the high ends.
pub(crate) fn outline(rows: &[(f64, f64, f64)]) -> Vec<(f64, f64)> {
    rows.iter()
        .map(|&(x, lo, _)| (x, lo))
        .chain(rows.iter().rev().map(|&(x, _, hi)| (x, hi)))
        .collect()
}

/// A label on an axis whose coordinates are base-10 logarithms: the value it stands for when
/// that is 1, 2 or 5 times a power of ten, nothing otherwise (an axis of 0.00158, 0.00251, ...
/// is hard to read; the grid lines stay).
pub(crate) fn power_of_ten(log10: f64) -> String {
    let exponent = log10.floor();
    let mantissa = 10f64.powf(log10 - exponent);
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m: &f64| (mantissa - m).abs() < 1e-6 * m)
        .map_or_else(String::new, |m| number(m * 10f64.powf(exponent)))
}

/// Draws interval whiskers in data coordinates with caps of a fixed pixel width, so the caps
/// look the same on linear and log axes. `vertical` whiskers run along y at the given x.
pub(crate) fn draw_whiskers<X, Y>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>,
    whiskers: &[(f64, f64, f64)],
    vertical: bool,
    colour: RGBColor,
) -> Result<(), PlotError>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let style = colour.stroke_width(2);
    let at = |along: f64, across: f64| {
        if vertical {
            (across, along)
        } else {
            (along, across)
        }
    };
    let cap = |point: (f64, f64)| {
        let ends = if vertical {
            vec![(-5, 0), (5, 0)]
        } else {
            vec![(0, -5), (0, 5)]
        };
        EmptyElement::at(point) + PathElement::new(ends, style)
    };
    chart.draw_series(whiskers.iter().map(|&(across, low, high)| {
        PathElement::new(vec![at(low, across), at(high, across)], style)
    }))?;
    chart.draw_series(
        whiskers
            .iter()
            .map(|&(across, low, _)| cap(at(low, across))),
    )?;
    chart.draw_series(
        whiskers
            .iter()
            .map(|&(across, _, high)| cap(at(high, across))),
    )?;
    Ok(())
}

/// A structure check for the SVG text the plots write, used by every plot's tests: a light
/// scan, not an XML parser, that knows the handful of elements plotters writes.
#[cfg(test)]
pub(crate) mod check {
    /// One element: its name and attributes.
    #[derive(Debug)]
    pub(crate) struct Element {
        pub name: String,
        pub attributes: Vec<(String, String)>,
    }

    /// What the scan found.
    #[derive(Debug)]
    pub(crate) struct Svg {
        pub elements: Vec<Element>,
        pub texts: Vec<String>,
    }

    const NUMERIC: [&str; 15] = [
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "width",
        "height",
        "points",
        "font-size",
        "opacity",
        "stroke-width",
    ];

    fn unescape(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    }

    fn bad_word(text: &str) -> bool {
        text.split(|c: char| !c.is_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case("nan") || word.eq_ignore_ascii_case("inf"))
    }

    /// Scans the SVG, panicking with a reason if its structure is wrong: it must be one `<svg>`
    /// element with balanced tags, every numeric attribute a finite number, and no "NaN" or
    /// "inf" in any attribute or text.
    pub(crate) fn parse(svg: &str) -> Svg {
        let svg = svg.trim();
        assert!(
            svg.starts_with("<svg"),
            "does not start with <svg: {}",
            &svg[..svg.len().min(60)]
        );
        assert!(svg.ends_with("</svg>"), "does not end with </svg>");
        let mut elements = Vec::new();
        let mut texts = Vec::new();
        let mut open: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let between = rest[..start].trim();
            if !between.is_empty() {
                assert_eq!(
                    open.last().map(String::as_str),
                    Some("text"),
                    "stray text outside <text>: {between}"
                );
                let text = unescape(between);
                assert!(!bad_word(&text), "text shows a non-number: {text}");
                texts.push(text);
            }
            let end = start + rest[start..].find('>').expect("unclosed tag");
            let tag = &rest[start + 1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let top = open.pop().expect("closing tag without an opening one");
                assert_eq!(top, name.trim(), "tags out of order");
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
            let name = tag[..name_end].to_string();
            let mut attributes = Vec::new();
            let mut attrs = &tag[name_end..];
            while let Some(eq) = attrs.find('=') {
                let key = attrs[..eq].trim().to_string();
                let after = &attrs[eq + 1..];
                assert!(
                    after.starts_with('"'),
                    "attribute {key} not quoted in <{name}>"
                );
                let close = 1 + after[1..].find('"').expect("unterminated attribute");
                let value = after[1..close].to_string();
                attrs = &after[close + 1..];
                assert!(
                    !bad_word(&value),
                    "<{name} {key}=\"{value}\"> holds a non-number"
                );
                if NUMERIC.contains(&key.as_str()) {
                    for token in value.split([' ', ',']).filter(|t| !t.is_empty()) {
                        let number: f64 = token.parse().unwrap_or_else(|_| {
                            panic!("<{name} {key}=\"{value}\">: {token} is not a number")
                        });
                        assert!(number.is_finite(), "<{name} {key}> is not finite");
                    }
                }
                attributes.push((key, value));
            }
            if elements.is_empty() {
                assert_eq!(name, "svg", "the first element is not <svg>");
            } else {
                assert!(!open.is_empty(), "<{name}> outside the <svg> element");
            }
            if !self_closing {
                open.push(name.clone());
            }
            elements.push(Element { name, attributes });
        }
        assert!(open.is_empty(), "unclosed elements: {open:?}");
        assert!(rest.trim().is_empty(), "text after </svg>");
        Svg { elements, texts }
    }

    impl Svg {
        /// How many elements have this name.
        pub(crate) fn count(&self, name: &str) -> usize {
            self.elements.iter().filter(|e| e.name == name).count()
        }

        /// How many elements have this name and this attribute value.
        pub(crate) fn count_with(&self, name: &str, key: &str, value: &str) -> usize {
            self.elements
                .iter()
                .filter(|e| e.name == name)
                .filter(|e| e.attributes.iter().any(|(k, v)| k == key && v == value))
                .count()
        }

        /// Whether some text element contains `needle`.
        pub(crate) fn has_text(&self, needle: &str) -> bool {
            self.texts.iter().any(|t| t.contains(needle))
        }
    }

    /// Parses the SVG and checks it has every text in `texts` and at least the given number of
    /// each element, e.g. `&[("polyline", 3)]`.
    pub(crate) fn assert_plot(svg: &str, texts: &[&str], at_least: &[(&str, usize)]) -> Svg {
        let parsed = parse(svg);
        for needle in texts {
            assert!(
                parsed.has_text(needle),
                "no text containing {needle:?}; texts are {:?}",
                parsed.texts
            );
        }
        for &(name, n) in at_least {
            let found = parsed.count(name);
            assert!(
                found >= n,
                "{found} <{name}> elements, expected at least {n}"
            );
        }
        parsed
    }

    /// Checks an axis is drawn: its description and at least a few tick labels.
    pub(crate) fn assert_axis(svg: &Svg, description: &str) {
        assert!(
            svg.has_text(description),
            "no axis description {description:?}"
        );
        assert!(svg.count("text") >= 4, "too few labels for axes");
        assert!(
            svg.count("line") + svg.count("polyline") >= 2,
            "no axis lines"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1.0 / 3.0), "0.333");
        assert_eq!(number(1234.0), "1234");
        assert_eq!(number(0.0001), "1e-4");
        assert_eq!(number(0.00025), "2.5e-4");
        assert_eq!(number(2.0e7), "2e7");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(percent(0.5, 1.0), "50%");
        assert_eq!(percent(0.025, 0.05), "2.5%");
        assert_eq!(percent(-0.0001, 1.0), "0%");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(capitalised("cascade probability"), "Cascade probability");
        assert_eq!(capitalised(""), "");
        assert_eq!(power_of_ten(-2.0), "0.01");
        assert_eq!(power_of_ten(2f64.log10()), "2");
        assert_eq!(power_of_ten(-2.8), "");
    }

    #[test]
    fn font_sizes_are_rounded() {
        let svg = r#"<text font-size="12.096774193548388">a</text><text font-size="20">b</text>"#;
        assert_eq!(
            round_font_sizes(svg),
            r#"<text font-size="12.1">a</text><text font-size="20">b</text>"#
        );
    }

    #[test]
    fn ranges_never_collapse() {
        assert_eq!(widen(3.0, 3.0), 2.7..3.3);
        assert_eq!(widen(0.0, 0.0), -0.5..0.5);
        assert_eq!(widen(1.0, 2.0), 1.0..2.0);
        assert_eq!(
            extent([f64::NAN, 2.0, f64::INFINITY, -1.0]),
            Some((-1.0, 2.0))
        );
        assert_eq!(extent([f64::NAN]), None);
    }

    #[test]
    fn no_data_is_a_picture() {
        let svg = no_data_svg("Adoption over ticks", "no runs").unwrap();
        check::assert_plot(
            &svg,
            &["Adoption over ticks", "no data", "no runs"],
            &[("rect", 1)],
        );
    }

    #[test]
    fn the_checker_catches_bad_numbers() {
        let good = r#"<svg width="10" height="10"><circle cx="1" cy="2" r="1"/></svg>"#;
        check::parse(good);
        let bad = r#"<svg width="10" height="10"><circle cx="NaN" cy="2" r="1"/></svg>"#;
        assert!(std::panic::catch_unwind(|| check::parse(bad)).is_err());
        let unbalanced = r#"<svg width="10"><text x="1">a</svg>"#;
        assert!(std::panic::catch_unwind(|| check::parse(unbalanced)).is_err());
    }
}
