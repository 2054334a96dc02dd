//! The observed adoption curve: a CSV file of times and counts (or shares), one series or one
//! per group, checked line by line.
//!
//! Times are numbers (ticks, days, weeks) or dates (`YYYY-MM-DD`, counted in days from the
//! first date of the file). Gaps are allowed: times need not be evenly spaced, and a row with
//! an empty value is skipped. Within a series, times must increase; counts must be zero or
//! more, and shares within [0, 1]. Every problem names `file:line`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, InputError};

use super::DataSpec;

/// One observed series: times (data units) and shares of the crowd following.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The group it belongs to (empty when the file has one series).
    pub group: String,
    /// Observation times, increasing, in the data's unit (days for dates).
    pub times: Vec<f64>,
    /// Observed values as read (counts or shares).
    pub values: Vec<f64>,
    /// Whether `values` are counts (to be divided by the population) or shares.
    pub counts: bool,
}

/// The observed data of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The series, in order of the groups' first appearance in the file.
    pub series: Vec<Series>,
    /// The first date of the file, when times are dates (the origin of data time 0).
    pub first_date: Option<String>,
}

impl Observed {
    /// Reads and checks the data file at `path` with the columns `spec` names.
    pub fn load(path: &Path, spec: &DataSpec) -> Result<Observed, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            InputError::new(
                path.display().to_string(),
                format!("cannot read the data file: {e}; check the path given to --data or fit.data.path"),
            )
        })?;
        Ok(Self::parse(&text, &path.display().to_string(), spec)?)
    }

    /// Reads CSV text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str, spec: &DataSpec) -> Result<Observed, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .flexible(false)
            .from_reader(text.as_bytes());
        let at = |line: u64| format!("{origin}:{line}");
        let headers = reader
            .headers()
            .map_err(|e| InputError::new(at(1), format!("cannot read the header line: {e}")))?
            .clone();
        let column = |name: &str, key: &str| {
            headers.iter().position(|h| h == name).ok_or_else(|| {
                InputError::new(
                    at(1),
                    format!(
                        "no column named `{name}` (fit.data.{key}); the columns are {}; name the right one in [fit.data]",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                )
            })
        };
        let time_col = column(&spec.time, "time")?;
        let (value_name, counts) = match (&spec.count, &spec.share) {
            (Some(c), _) => (c.clone(), true),
            (None, Some(s)) => (s.clone(), false),
            (None, None) if headers.iter().any(|h| h == "share") => ("share".to_string(), false),
            (None, None) => ("count".to_string(), true),
        };
        let value_col = column(&value_name, if counts { "count" } else { "share" })?;
        let group_col = spec
            .group
            .as_deref()
            .map(|g| column(g, "group"))
            .transpose()?;
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        let mut series: Vec<Series> = Vec::new();
        let mut first_date: Option<(String, i64)> = None;
        let mut dated: Option<bool> = None;
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                InputError::new(
                    at(line),
                    format!("a bad line: {e}; every line needs the same columns as the header"),
                )
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let value_text = record.get(value_col).unwrap_or("");
            if value_text.is_empty() {
                continue; // a gap in the data
            }
            let time_text = record.get(time_col).unwrap_or("");
            let date = parse_date(time_text);
            let is_date = date.is_some();
            match dated {
                None => dated = Some(is_date),
                Some(d) if d != is_date => {
                    return Err(InputError::new(
                        at(line),
                        format!(
                            "`{time_text}` in column {}: mix of dates and numbers; give all times as dates (YYYY-MM-DD) or all as numbers",
                            spec.time
                        ),
                    ));
                }
                _ => {}
            }
            let time = match date {
                Some(days) => {
                    let (_, first) = first_date.get_or_insert((time_text.to_string(), days));
                    (days - *first) as f64
                }
                None => number(time_text).ok_or_else(|| {
                    InputError::new(
                        at(line),
                        format!(
                            "cannot read `{time_text}` in column {} as a time; give a number or a date YYYY-MM-DD",
                            spec.time
                        ),
                    )
                })?,
            };
            let value = number(value_text).ok_or_else(|| {
                InputError::new(
                    at(line),
                    format!("cannot read `{value_text}` in column {value_name} as a number"),
                )
            })?;
            if value < 0.0 {
                return Err(InputError::new(
                    at(line),
                    format!(
                        "{value_name} = {value} is negative; counts and shares are zero or more"
                    ),
                ));
            }
            if !counts && value > 1.0 {
                return Err(InputError::new(
                    at(line),
                    format!(
                        "share {value} is above 1; shares are fractions of the crowd in [0, 1] (for counts, name the column with fit.data.count)"
                    ),
                ));
            }
            if let (true, Some(pop)) = (counts, spec.population)
                && value > pop
            {
                return Err(InputError::new(
                    at(line),
                    format!(
                        "count {value} is above fit.data.population = {pop}; give the size of the whole crowd there"
                    ),
                ));
            }
            let group = group_col
                .and_then(|g| record.get(g))
                .unwrap_or("")
                .to_string();
            let index = *groups.entry(group.clone()).or_insert_with(|| {
                series.push(Series {
                    group,
                    times: Vec::new(),
                    values: Vec::new(),
                    counts,
                });
                series.len() - 1
            });
            let s = &mut series[index];
            if let Some(&last) = s.times.last()
                && time <= last
            {
                return Err(InputError::new(
                    at(line),
                    format!(
                        "time {time_text} does not come after the time before it; sort the rows by time (within each group), one row per time"
                    ),
                ));
            }
            s.times.push(time);
            s.values.push(value);
        }
        if series.iter().all(|s| s.times.len() < 2) {
            return Err(InputError::new(
                origin,
                "the data file has fewer than 2 observations in every series; a curve needs at least 2",
            ));
        }
        Ok(Observed {
            series,
            first_date: first_date.map(|(d, _)| d),
        })
    }

    /// The last observed time over all series.
    pub fn last_time(&self) -> f64 {
        self.series
            .iter()
            .filter_map(|s| s.times.last().copied())
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// A finite number.
fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> DataSpec {
        DataSpec::default()
    }

    #[test]
    fn dates_count_days_and_gaps_are_skipped() {
        let text = "date,count\n2024-02-27,1\n2024-03-01,4\n2024-03-02,\n2024-03-05,9\n";
        let spec = DataSpec {
            time: "date".into(),
            ..spec()
        };
        let o = Observed::parse(text, "d.csv", &spec).unwrap();
        assert_eq!(o.series[0].times, vec![0.0, 3.0, 7.0]);
        assert_eq!(o.first_date.as_deref(), Some("2024-02-27"));
    }

    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            ("tick,count\n0,1\n1,x\n", "d.csv:3", "cannot read"),
            ("tick,count\n0,1\n0,2\n", "d.csv:3", "does not come after"),
            ("tick,count\n0,1\n1,-2\n", "d.csv:3", "negative"),
            ("tick,share\n0,0.1\n1,1.5\n", "d.csv:3", "above 1"),
            ("tick,count\n0,1\n1,2,3\n", "d.csv:3", "bad line"),
            (
                "week,count\n0,1\n1,2\n",
                "d.csv:1",
                "no column named `tick`",
            ),
        ];
        for (text, place, what) in cases {
            let e = Observed::parse(text, "d.csv", &spec()).unwrap_err();
            assert_eq!(e.place, place, "{text}: {e}");
            assert!(e.message.contains(what), "{text}: {e}");
        }
    }

    #[test]
    fn groups_make_several_series() {
        let text = "tick,count,level\n0,1,a\n0,2,b\n1,3,a\n1,4,b\n";
        let spec = DataSpec {
            group: Some("level".into()),
            ..spec()
        };
        let o = Observed::parse(text, "d.csv", &spec).unwrap();
        assert_eq!(o.series.len(), 2);
        assert_eq!(o.series[1].group, "b");
        assert_eq!(o.series[1].values, vec![2.0, 4.0]);
    }
}
