//! The files of `followership seed`: `seeds.csv` (who to recruit, by strategy and rank, in the
//! network's own ids) and, when strategies are compared, `compare.csv` (each strategy's expected
//! final size on the same runs).

use std::io::Write;
use std::path::Path;

use crate::atomic::AtomicFile;
use crate::error::Error;
use crate::seeding::SeedReport;

/// Writes `seeds.csv` into `dir` (created if needed), and `compare.csv` when `compare`.
pub fn write(dir: &Path, report: &SeedReport, compare: bool) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join("seeds.csv");
    let mut file = AtomicFile::create(&path)?;
    write_seeds(report, file.writer()).map_err(|e| Error::io(&path, e))?;
    file.commit()?;
    if compare {
        let path = dir.join("compare.csv");
        let mut file = AtomicFile::create(&path)?;
        write_compare(report, file.writer()).map_err(|e| Error::io(&path, e))?;
        file.commit()?;
    }
    Ok(())
}

fn write_seeds(report: &SeedReport, w: &mut dyn Write) -> std::io::Result<()> {
    let graph = &report.graph;
    writeln!(w, "strategy,rank,id,out_degree,in_degree")?;
    for r in &report.results {
        for (rank, &v) in r.choice.seeds.iter().enumerate() {
            writeln!(
                w,
                "{},{},{},{},{}",
                r.choice.strategy,
                rank + 1,
                graph.label(v),
                graph.out_degree(v),
                graph.in_degree(v)
            )?;
        }
    }
    Ok(())
}

fn write_compare(report: &SeedReport, w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "strategy,mean,ci_low,ci_high,runs,own_estimate,seconds")?;
    for r in &report.results {
        let own = r.choice.estimate.map(|x| x.to_string()).unwrap_or_default();
        let e = &r.estimate;
        writeln!(
            w,
            "{},{},{},{},{},{own},{}",
            r.choice.strategy, e.mean, e.ci[0], e.ci[1], e.runs, r.seconds
        )?;
    }
    Ok(())
}
