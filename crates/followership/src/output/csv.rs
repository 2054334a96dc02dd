//! `timeseries.csv` (one row per replicate and tick) and `summary.csv` (one row per replicate).

use std::io::Write;

use super::{Exporter, Report};
use crate::simulation::RunOutcome;

/// `timeseries.csv`: replicate, tick, following, joined, left.
pub struct Timeseries;

impl Exporter for Timeseries {
    fn file_name(&self) -> &'static str {
        "timeseries.csv"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = ::csv::Writer::from_writer(out);
        w.write_record([
            "replicate",
            "tick",
            "following",
            "joined",
            "left",
            "leaders_dancing",
            "mean_trust",
            "mean_trust_followers",
        ])?;
        for (r, run) in report.ensemble.runs.iter().enumerate() {
            for t in &run.timeseries {
                w.write_record(&[
                    r.to_string(),
                    t.tick.to_string(),
                    t.following.to_string(),
                    t.joined.to_string(),
                    t.left.to_string(),
                    t.leaders_dancing.to_string(),
                    t.mean_trust.to_string(),
                    t.mean_trust_followers
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                ])?;
            }
        }
        w.flush()
    }
}

/// `summary.csv`: replicate and every outcome of [`RunOutcome::COLUMNS`], then, on a network
/// with blocks (an organisation's levels), the final share following of each block's crowd
/// (`final_fraction_block_0`, ...).
pub struct Summary;

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = ::csv::Writer::from_writer(out);
        let blocks = report.ensemble.graph.blocks();
        let n_blocks = blocks.map_or(0, |b| b.iter().max().map_or(0, |&m| m as usize + 1));
        let mut header: Vec<String> = vec!["replicate".into()];
        header.extend(RunOutcome::COLUMNS.iter().map(|c| c.to_string()));
        header.extend((0..n_blocks).map(|b| format!("final_fraction_block_{b}")));
        w.write_record(&header)?;
        for (r, run) in report.ensemble.runs.iter().enumerate() {
            let outcome = &run.outcome;
            let mut row = vec![r.to_string()];
            // A moment that never came (no first follower, say) is an empty cell.
            row.extend(
                outcome
                    .values()
                    .iter()
                    .map(|v| v.map(|v| v.to_string()).unwrap_or_default()),
            );
            if let Some(blocks) = blocks {
                let shares = run.final_block_shares(blocks);
                row.extend(
                    (0..n_blocks).map(|b| shares.get(b).map(|s| s.to_string()).unwrap_or_default()),
                );
            }
            w.write_record(&row)?;
        }
        w.flush()
    }
}

/// `followers.csv`: who dances at the end of the recorded replicate (normally replicate 0), in
/// the network's own ids, with the tick they last joined: the final set of a run, for comparing
/// with other tools or picking out the people a movement reached.
pub struct Followers;

impl Exporter for Followers {
    fn file_name(&self) -> &'static str {
        "followers.csv"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        // Only numbers, so rows are formatted directly: a large cascade has a row per person.
        let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
        writeln!(w, "replicate,id,joined_tick,leader")?;
        if let Some((replicate, record, graph)) = report.ensemble.recorded_run() {
            for (person, tick) in final_dancers(record) {
                let leader = u8::from(record.leaders.contains(&person));
                writeln!(w, "{replicate},{},{tick},{leader}", graph.label(person))?;
            }
        }
        w.flush()
    }
}

/// Everyone dancing at the end of a recorded run, with the tick they last started, in id order.
pub fn final_dancers(record: &crate::simulation::RunRecord) -> Vec<(u32, u32)> {
    const NOT_DANCING: u32 = u32::MAX;
    let people = record.changes.iter().map(|c| c.person as usize + 1).max();
    let mut last = vec![NOT_DANCING; people.unwrap_or(0)];
    for c in &record.changes {
        last[c.person as usize] = if c.joined { c.tick } else { NOT_DANCING };
    }
    last.iter()
        .enumerate()
        .filter(|&(_, &tick)| tick != NOT_DANCING)
        .map(|(person, &tick)| (person as u32, tick))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::{Change, RunRecord};

    #[test]
    fn the_final_set_counts_the_last_change_of_each_person() {
        let record = RunRecord {
            changes: vec![
                Change {
                    tick: 0,
                    person: 5,
                    joined: true,
                },
                Change {
                    tick: 1,
                    person: 2,
                    joined: true,
                },
                Change {
                    tick: 2,
                    person: 2,
                    joined: false,
                },
                Change {
                    tick: 3,
                    person: 7,
                    joined: true,
                },
                Change {
                    tick: 4,
                    person: 2,
                    joined: true,
                },
                Change {
                    tick: 5,
                    person: 5,
                    joined: false,
                },
            ],
            ..RunRecord::default()
        };
        assert_eq!(final_dancers(&record), vec![(2, 4), (7, 3)]);
    }
}
