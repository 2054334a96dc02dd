//! `timeseries.csv` (one row per replicate and tick) and `summary.csv` (one row per replicate),
//! streamed from an ensemble's blocks as the runs finish ([`RunSink`]s), and `followers.csv`
//! (the recorded replicate's final crowd).
//!
//! The streamed files are written under a temporary name and renamed into place only when the
//! last block is in ([`AtomicFile`]): an interrupted run leaves no file that looks complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Exporter, Report};
use crate::atomic::AtomicFile;
use crate::error::Error;
use crate::experiment::{RunBlock, RunSink};
use crate::graph::Graph;
use crate::simulation::RunOutcome;

/// A CSV file being streamed: the writer over its temporary file, and where it goes.
struct StreamedCsv {
    path: PathBuf,
    writer: Option<::csv::Writer<AtomicFile>>,
}

impl StreamedCsv {
    fn create(dir: &Path, name: &str) -> Result<Self, Error> {
        let path = dir.join(name);
        let file = AtomicFile::create(&path)?;
        Ok(StreamedCsv {
            writer: Some(::csv::Writer::from_writer(file)),
            path,
        })
    }

    /// Writes one record.
    fn write<I, T>(&mut self, record: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let w = self
            .writer
            .as_mut()
            .expect("written before it is committed");
        w.write_record(record)
            .map_err(|e| Error::io(&self.path, e.into()))
    }

    /// Flushes the records and renames the file into place.
    fn commit(&mut self) -> Result<(), Error> {
        if let Some(w) = self.writer.take() {
            let file = w
                .into_inner()
                .map_err(|e| Error::io(&self.path, e.into_error()))?;
            file.commit()?;
        }
        Ok(())
    }
}

/// `timeseries.csv`: replicate, tick, following, joined, left, leaders dancing and mean trust,
/// one row per replicate and tick, streamed as the replicates finish.
pub struct TimeseriesCsv(StreamedCsv);

impl TimeseriesCsv {
    /// Starts `timeseries.csv` in `dir` (which must exist).
    pub fn create(dir: &Path) -> Result<Self, Error> {
        Ok(TimeseriesCsv(StreamedCsv::create(dir, "timeseries.csv")?))
    }
}

impl RunSink for TimeseriesCsv {
    fn start(&mut self, _graph: &Graph) -> Result<(), Error> {
        self.0.write([
            "replicate",
            "tick",
            "following",
            "joined",
            "left",
            "leaders_dancing",
            "mean_trust",
            "mean_trust_followers",
        ])
    }

    fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error> {
        for (r, run) in block.iter() {
            for t in &run.timeseries {
                self.0.write(&[
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
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.0.commit()
    }
}

/// `summary.csv`: replicate and every outcome of [`RunOutcome::COLUMNS`], then, on a network
/// with blocks (an organisation's levels), the final share following of each block's crowd
/// (`final_fraction_block_0`, ...); one row per replicate, streamed as the replicates finish.
pub struct SummaryCsv {
    csv: StreamedCsv,
    /// Every person's block on the shared network, and the number of blocks.
    blocks: Option<(Vec<u32>, usize)>,
}

impl SummaryCsv {
    /// Starts `summary.csv` in `dir` (which must exist).
    pub fn create(dir: &Path) -> Result<Self, Error> {
        Ok(SummaryCsv {
            csv: StreamedCsv::create(dir, "summary.csv")?,
            blocks: None,
        })
    }
}

impl RunSink for SummaryCsv {
    fn start(&mut self, graph: &Graph) -> Result<(), Error> {
        self.blocks = graph.blocks().map(|b| {
            let n = b.iter().max().map_or(0, |&m| m as usize + 1);
            (b.to_vec(), n)
        });
        let n_blocks = self.blocks.as_ref().map_or(0, |b| b.1);
        let mut header: Vec<String> = vec!["replicate".into()];
        header.extend(RunOutcome::COLUMNS.iter().map(|c| c.to_string()));
        header.extend((0..n_blocks).map(|b| format!("final_fraction_block_{b}")));
        self.csv.write(&header)
    }

    fn accept(&mut self, block: &RunBlock<'_>) -> Result<(), Error> {
        for (r, run) in block.iter() {
            let mut row = vec![r.to_string()];
            // A moment that never came (no first follower, say) is an empty cell.
            row.extend(
                run.outcome
                    .values()
                    .iter()
                    .map(|v| v.map(|v| v.to_string()).unwrap_or_default()),
            );
            if let Some((blocks, n_blocks)) = &self.blocks {
                let shares = run.final_block_shares(blocks);
                row.extend(
                    (0..*n_blocks)
                        .map(|b| shares.get(b).map(|s| s.to_string()).unwrap_or_default()),
                );
            }
            self.csv.write(&row)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.csv.commit()
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
