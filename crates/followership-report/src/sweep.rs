//! The pictures of a sweep (`followership sweep`), drawn from its point summaries (what
//! `points.csv` holds): for one parameter, the outcome against the parameter with intervals; for
//! two, phase diagrams (heat maps of cascade probability and of mean final size); for more, the
//! main effect of each parameter (the mean over the points in each of its bins).
//!
//! The summaries come typed from the sweep's sinks ([`Points::from_summaries`]) in the process
//! that ran or merged the sweep; a `points.csv` another process wrote is read with the `csv`
//! crate ([`Points::read`]). Both give the same numbers, so a merged or resumed sweep gets the
//! same pictures as one that ran in one go.

use std::collections::BTreeMap;
use std::path::Path;

use followership::analysis::points::PointSummary;
use followership::error::{Error, InputError};
use followership::scenario::Scenario;

use crate::html::{Page, Section};
use crate::plot::{self, HeatMap, ParameterCurve};
use crate::{Figure, percent, percent_range};

/// Parameters with more distinct values than this are binned into [`BINS`] equal-width bins
/// (random and quasi-random designs give every point its own value).
const MAX_LEVELS: usize = 25;
/// Bins of a binned parameter.
const BINS: usize = 12;

/// `points.csv`, parsed: the swept parameters and, per point, their values and the outcomes.
#[derive(Debug, Clone)]
pub struct Points {
    /// Key paths of the swept parameters.
    pub keys: Vec<String>,
    /// Per point, the value of each parameter (`None` when it is not a number, as with
    /// `choices`).
    pub values: Vec<Vec<Option<f64>>>,
    /// Per point, the number of runs.
    pub runs: Vec<u64>,
    /// Per point, the mean final fraction and its 95% interval (clipped to [0, 1]).
    pub final_fraction: Vec<[f64; 3]>,
    /// Per point, the cascade probability and its Wilson interval.
    pub cascade: Vec<[f64; 3]>,
}

impl Points {
    /// The points of a sweep of the parameters `keys`, from its summaries.
    pub fn from_summaries(keys: &[String], summaries: &[PointSummary]) -> Points {
        // As points.csv holds them: a value that is not finite is an empty cell there.
        let finite = |x: f64| if x.is_finite() { x } else { f64::NAN };
        let mut points = Points {
            keys: keys.to_vec(),
            values: Vec::with_capacity(summaries.len()),
            runs: Vec::with_capacity(summaries.len()),
            final_fraction: Vec::with_capacity(summaries.len()),
            cascade: Vec::with_capacity(summaries.len()),
        };
        for s in summaries {
            points
                .values
                .push(s.values.labels.iter().map(|l| l.parse().ok()).collect());
            points.runs.push(s.runs);
            let m = s
                .outcome("final_fraction")
                .copied()
                .map_or([f64::NAN; 3], |m| [m.mean, m.low, m.high].map(finite));
            points.final_fraction.push(clip(m));
            points
                .cascade
                .push([s.cascade.estimate, s.cascade.low, s.cascade.high]);
        }
        points
    }

    /// Reads a `points.csv` as `followership sweep` writes it (possibly in another process).
    pub fn read(path: &Path) -> Result<Points, Error> {
        let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Points::parse(&text).map_err(|m| InputError::new(path.display().to_string(), m).into())
    }

    fn parse(text: &[u8]) -> Result<Points, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut records = reader.records();
        let header = records
            .next()
            .ok_or("points.csv is empty")?
            .map_err(|e| e.to_string())?;
        let header: Vec<&str> = header.iter().collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|c| *c == name)
                .ok_or_else(|| format!("points.csv has no column {name}"))
        };
        let runs = col("runs")?;
        let columns = [
            col("final_fraction_mean")?,
            col("final_fraction_low")?,
            col("final_fraction_high")?,
            col("cascade_probability")?,
            col("cascade_low")?,
            col("cascade_high")?,
        ];
        let mut points = Points {
            keys: header[1..runs].iter().map(|k| k.to_string()).collect(),
            values: Vec::new(),
            runs: Vec::new(),
            final_fraction: Vec::new(),
            cascade: Vec::new(),
        };
        for (i, cells) in records.enumerate() {
            let cells = cells.map_err(|e| format!("line {}: {e}", i + 2))?;
            if cells.len() != header.len() {
                return Err(format!(
                    "line {}: expected {} columns, found {}",
                    i + 2,
                    header.len(),
                    cells.len()
                ));
            }
            let num = |c: usize| cells[c].parse::<f64>().unwrap_or(f64::NAN);
            points
                .values
                .push((1..runs).map(|c| cells[c].parse().ok()).collect());
            points.runs.push(cells[runs].parse().unwrap_or(0));
            points
                .final_fraction
                .push(clip([num(columns[0]), num(columns[1]), num(columns[2])]));
            points
                .cascade
                .push([num(columns[3]), num(columns[4]), num(columns[5])]);
        }
        Ok(points)
    }
}

/// A t-interval of a fraction can reach past 0 or 1 with few runs; a fraction cannot.
fn clip([mean, low, high]: [f64; 3]) -> [f64; 3] {
    [mean, low.max(0.0), high.min(1.0)]
}

/// How the points fall along one parameter: a level (or bin) per point.
struct Axis {
    /// The value shown for each level (the bin centre for a binned parameter).
    labels: Vec<f64>,
    /// The level of each point; `None` when the point's value is not a number.
    level: Vec<Option<usize>>,
    binned: bool,
}

impl Axis {
    fn of(points: &Points, k: usize) -> Option<Axis> {
        let values: Vec<Option<f64>> = points.values.iter().map(|v| v[k]).collect();
        let mut distinct: Vec<f64> = values.iter().flatten().copied().collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if distinct.is_empty() {
            return None;
        }
        if distinct.len() <= MAX_LEVELS {
            let level = values
                .iter()
                .map(|v| v.and_then(|v| distinct.binary_search_by(|d| d.total_cmp(&v)).ok()))
                .collect();
            return Some(Axis {
                labels: distinct,
                level,
                binned: false,
            });
        }
        let (low, high) = (distinct[0], distinct[distinct.len() - 1]);
        let width = (high - low) / BINS as f64;
        let level = values
            .iter()
            .map(|v| v.map(|v| (((v - low) / width) as usize).min(BINS - 1)))
            .collect();
        Some(Axis {
            labels: (0..BINS).map(|b| low + (b as f64 + 0.5) * width).collect(),
            level,
            binned: true,
        })
    }

    /// Whether the levels are spread over orders of magnitude (drawn on a log axis).
    fn is_logarithmic(&self) -> bool {
        let (first, last) = (self.labels[0], self.labels[self.labels.len() - 1]);
        first > 0.0 && last / first >= 100.0 && !self.binned
    }
}

/// Computes the sweep's figures and its report page from its points.
pub fn pictures(scenario: &Scenario, points: &Points) -> Result<(Vec<Figure>, Page), Error> {
    let figures = figures(points)?;
    let mut sections = Vec::new();
    if !figures.is_empty() {
        sections.push(Section::Figures {
            title: "Plots".into(),
            figures: figures.clone(),
        });
    }
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(points.keys.iter().cloned());
    header.extend(
        [
            "runs",
            "final size",
            "95% interval",
            "cascade probability",
            "95% interval",
        ]
        .map(String::from),
    );
    let rows = (0..points.runs.len())
        .map(|i| {
            let mut row = vec![i.to_string()];
            row.extend(
                points.values[i]
                    .iter()
                    .map(|v| v.map_or("-".into(), |v| format!("{v}"))),
            );
            let [m, l, h] = points.final_fraction[i];
            let [p, pl, ph] = points.cascade[i];
            row.extend([
                points.runs[i].to_string(),
                percent(m),
                percent_range([l, h]),
                percent(p),
                percent_range([pl, ph]),
            ]);
            row
        })
        .collect();
    sections.push(Section::Table {
        title: "Points".into(),
        header,
        rows,
        note: Some("Every point's runs are in runs.csv; this table is points.csv.".into()),
    });
    sections.push(Section::Code {
        title: "Scenario".into(),
        text: scenario.to_toml(),
    });
    let page = Page {
        title: scenario.name.clone(),
        kind: "sweep".into(),
        lead: scenario.description.clone(),
        facts: vec![
            ("seed".into(), scenario.seed.to_string()),
            ("points".into(), points.runs.len().to_string()),
            ("runs".into(), points.runs.iter().sum::<u64>().to_string()),
            ("parameters".into(), points.keys.join(", ")),
        ],
        sections,
    };
    Ok((figures, page))
}

/// Writes the sweep's SVG plots and `report.html` into `dir`, next to its `points.csv`.
pub fn write(dir: &Path, scenario: &Scenario, points: &Points) -> Result<(), Error> {
    let (figures, page) = pictures(scenario, points)?;
    crate::write_pictures(dir, &figures, &page)
}

/// The plots that suit the number of numeric parameters.
fn figures(points: &Points) -> Result<Vec<Figure>, Error> {
    let axes: Vec<(usize, Axis)> = (0..points.keys.len())
        .filter_map(|k| Axis::of(points, k).map(|a| (k, a)))
        .collect();
    let mut figures = Vec::new();
    match axes.as_slice() {
        [] => {}
        [(k, axis)] => {
            let key = &points.keys[*k];
            for (file, name, values) in [
                ("final-size.svg", "mean final size", &points.final_fraction),
                ("cascade.svg", "cascade probability", &points.cascade),
            ] {
                figures.push(Figure {
                    file_name: file.into(),
                    title: format!("{name} against {key}"),
                    caption: format!(
                        "Each point's {name} with its 95% interval{}.",
                        binned_note(axis)
                    ),
                    svg: plot::parameter::render(&curve(axis, key, name, values))
                        .map_err(crate::run::plot_error)?,
                });
            }
        }
        [(kx, x), (ky, y)] => {
            for (file, name, values) in [
                ("phase-cascade.svg", "cascade probability", &points.cascade),
                (
                    "phase-final-size.svg",
                    "mean final size",
                    &points.final_fraction,
                ),
            ] {
                let map = heat_map((x, &points.keys[*kx]), (y, &points.keys[*ky]), name, values);
                figures.push(Figure {
                    file_name: file.into(),
                    title: format!("Phase diagram: {name}"),
                    caption: format!(
                        "The {name} at each combination of {} and {}{}; grey cells have no runs.",
                        points.keys[*kx],
                        points.keys[*ky],
                        if x.binned || y.binned {
                            ", averaged over the points in each bin"
                        } else {
                            ""
                        }
                    ),
                    svg: plot::phase::render(&map).map_err(crate::run::plot_error)?,
                });
            }
        }
        many => {
            for (k, axis) in many {
                let key = &points.keys[*k];
                figures.push(Figure {
                    file_name: format!("effect-{}.svg", file_stem(key)),
                    title: format!("Main effect of {key}"),
                    caption: format!(
                        "The mean final size over every point at each level of {key}, whatever \
                         the other parameters{}; bars are the spread of the points' means.",
                        binned_note(axis)
                    ),
                    svg: plot::parameter::render(&curve(
                        axis,
                        key,
                        "mean final size",
                        &points.final_fraction,
                    ))
                    .map_err(crate::run::plot_error)?,
                });
            }
        }
    }
    Ok(figures)
}

fn binned_note(axis: &Axis) -> &'static str {
    if axis.binned {
        " (points averaged in equal-width bins)"
    } else {
        ""
    }
}

/// A key path as part of a file name.
fn file_stem(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The outcome at each level of one axis. A level holding one point shows that point's
/// interval; a level holding several (binned, or other parameters varying) shows the mean of
/// their means and the lowest and highest of them.
fn curve(axis: &Axis, key: &str, name: &str, values: &[[f64; 3]]) -> ParameterCurve {
    let mut levels: BTreeMap<usize, Vec<[f64; 3]>> = BTreeMap::new();
    for (i, level) in axis.level.iter().enumerate() {
        if let Some(level) = level
            && values[i][0].is_finite()
        {
            levels.entry(*level).or_default().push(values[i]);
        }
    }
    let points = levels
        .into_iter()
        .map(|(level, v)| {
            let x = axis.labels[level];
            if let [[m, l, h]] = v.as_slice() {
                (x, *m, *l, *h)
            } else {
                let means: Vec<f64> = v.iter().map(|v| v[0]).collect();
                let mean = means.iter().sum::<f64>() / means.len() as f64;
                let low = means.iter().copied().fold(f64::INFINITY, f64::min);
                let high = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (x, mean, low, high)
            }
        })
        .collect();
    ParameterCurve {
        x_name: key.into(),
        y_name: name.into(),
        points,
        log_x: axis.is_logarithmic(),
    }
}

/// The mean outcome in each cell of two axes.
fn heat_map(
    (x, x_name): (&Axis, &str),
    (y, y_name): (&Axis, &str),
    name: &str,
    values: &[[f64; 3]],
) -> HeatMap {
    let (nx, ny) = (x.labels.len(), y.labels.len());
    let mut sums = vec![(0.0, 0usize); nx * ny];
    for ((cx, cy), value) in x.level.iter().zip(&y.level).zip(values) {
        if let (Some(cx), Some(cy)) = (cx, cy)
            && value[0].is_finite()
        {
            let cell = &mut sums[cy * nx + cx];
            cell.0 += value[0];
            cell.1 += 1;
        }
    }
    HeatMap {
        x_name: x_name.into(),
        y_name: y_name.into(),
        xs: x.labels.clone(),
        ys: y.labels.clone(),
        values: sums
            .iter()
            .map(|&(s, n)| (n > 0).then(|| s / n as f64))
            .collect(),
        value_name: name.into(),
        value_range: (0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: &str = "point,a,b,runs,final_fraction_mean,final_fraction_sd,final_fraction_low,final_fraction_high,cascade_probability,cascade_low,cascade_high
0,1,10,5,0.1,0,0.05,0.15,0.2,0.1,0.3
1,2,10,5,0.3,0,0.25,0.35,0.4,0.3,0.5
2,1,20,5,0.5,0,0.45,0.55,0.6,0.5,0.7
3,2,20,5,0.7,0,0.65,0.75,0.8,0.7,0.9
";

    #[test]
    fn a_two_parameter_grid_gives_two_phase_diagrams_with_cells_in_place() {
        let points = Points::parse(GRID.as_bytes()).unwrap();
        assert_eq!(points.keys, ["a", "b"]);
        let x = Axis::of(&points, 0).unwrap();
        let y = Axis::of(&points, 1).unwrap();
        let map = heat_map((&x, "a"), (&y, "b"), "p", &points.cascade);
        assert_eq!(map.xs, vec![1.0, 2.0]);
        assert_eq!(map.ys, vec![10.0, 20.0]);
        assert_eq!(map.values, vec![Some(0.2), Some(0.4), Some(0.6), Some(0.8)]);
        let figures = figures(&points).unwrap();
        let names: Vec<&str> = figures.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(names, ["phase-cascade.svg", "phase-final-size.svg"]);
    }

    #[test]
    fn many_distinct_values_are_binned_and_levels_average_their_points() {
        let mut text = String::from(GRID.lines().next().unwrap());
        for i in 0..60 {
            let a = f64::from(i) / 59.0;
            text.push_str(&format!("\n{i},{a},{},3,{a},0,{a},{a},0.5,0.4,0.6", i % 2));
        }
        let points = Points::parse(text.as_bytes()).unwrap();
        let a = Axis::of(&points, 0).unwrap();
        assert!(a.binned);
        assert_eq!(a.labels.len(), BINS);
        let c = curve(&a, "a", "final", &points.final_fraction);
        assert_eq!(c.points.len(), BINS);
        for (x, mean, low, high) in &c.points {
            assert!(low <= mean && mean <= high);
            assert!(
                (x - mean).abs() < 1.0 / BINS as f64,
                "bin centre {x}, mean {mean}"
            );
        }
        // Two numeric parameters, one binned: still a phase diagram.
        assert_eq!(figures(&points).unwrap().len(), 2);
    }

    #[test]
    fn one_parameter_gives_curves_and_log_ranges_are_detected() {
        let text = "point,p,runs,final_fraction_mean,final_fraction_low,final_fraction_high,cascade_probability,cascade_low,cascade_high
0,0.001,4,0.1,0,0.2,0,0,0.5
1,0.01,4,0.2,0.1,0.3,0.25,0,0.7
2,0.1,4,0.9,0.8,1,1,0.5,1
";
        let points = Points::parse(text.as_bytes()).unwrap();
        let axis = Axis::of(&points, 0).unwrap();
        assert!(axis.is_logarithmic());
        let figures = figures(&points).unwrap();
        assert_eq!(figures.len(), 2);
        assert!(figures[0].svg.contains("<svg"));
    }

    #[test]
    fn a_malformed_file_is_an_error_not_a_panic() {
        assert!(Points::parse(b"").is_err());
        assert!(Points::parse(b"point,a,runs\n0,1,2\n").is_err());
        let short = GRID.replace("0,1,10,5,0.1,0,", "0,1,10,");
        assert!(
            Points::parse(short.as_bytes())
                .unwrap_err()
                .contains("line 2")
        );
    }
}
