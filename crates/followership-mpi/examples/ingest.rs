//! How many rows per second rank 0 takes in: the other ranks answer every block at once with
//! rows they do not simulate, so only the coordinator's side is measured (receiving, checking,
//! ordering, and either counting the rows or writing them to `runs.csv`).
//!
//! `cargo build --release -p followership-mpi --example ingest`, then
//! `mpirun --oversubscribe -n 3 target/release/examples/ingest [RUNS] [BLOCK]`.

use std::sync::Arc;
use std::time::Instant;

use followership::experiment::Experiment;
use followership::experiment::sweep::{OutcomeSink, Row, Sweep};
use followership::output::runs::RunsCsv;
use followership::simulation::RunOutcome;
use followership_mpi::Job;

fn main() -> Result<(), followership::error::Error> {
    let mut args = std::env::args().skip(1);
    let runs: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let block: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(512);
    let job = Job::init()?;
    // One point of the hillside, `runs` replicates: rows as a sweep of it would have them.
    let sweep = Sweep::new(
        Experiment::builtin("hillside")?,
        Vec::new(),
        vec![Vec::new()],
        runs,
    )?;
    if !job.is_coordinator() {
        let values = Arc::new(sweep.values(0));
        let outcome = RunOutcome {
            final_following: 2_700,
            final_fraction: 0.9,
            peak_fraction: 0.91,
            ticks: 1_000,
            cascaded: true,
            first_follower_tick: Some(92),
            ..RunOutcome::default()
        };
        job.serve(&|block| {
            Ok(block
                .iter()
                .map(|&run| Row {
                    point: 0,
                    replicate: run,
                    values: Arc::clone(&values),
                    outcome,
                })
                .collect())
        });
        return Ok(());
    }
    let coordinator = job.coordinator();
    let blocks = || {
        (0..runs)
            .step_by(block as usize)
            .map(move |start| (start..(start + block).min(runs)).collect::<Vec<u64>>())
    };
    // Counting only.
    let started = Instant::now();
    let mut counted = 0u64;
    let mut ignore = |rows: Vec<Row>| {
        counted += rows.len() as u64;
        Ok(())
    };
    run_on(&coordinator, &sweep, &mut blocks(), &mut ignore)?;
    let counting = started.elapsed().as_secs_f64();
    // Writing runs.csv, as a sweep does.
    let dir = std::env::temp_dir().join(format!("followership-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| followership::error::Error::io(&dir, e))?;
    let mut csv = RunsCsv::create(&dir.join("runs.csv"), &sweep)?;
    let started = Instant::now();
    let mut write = |rows: Vec<Row>| csv.accept(&rows);
    run_on(&coordinator, &sweep, &mut blocks(), &mut write)?;
    csv.finish()?;
    let writing = started.elapsed().as_secs_f64();
    coordinator.stop();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{} worker ranks, {counted} rows in blocks of {block}: {:.0} rows/s counted, {:.0} rows/s written to runs.csv",
        job.size() - 1,
        counted as f64 / counting,
        runs as f64 / writing
    );
    Ok(())
}

/// The coordinator's blocks, without stopping the workers (two passes run on one job).
fn run_on(
    coordinator: &followership_mpi::Coordinator<'_>,
    sweep: &Sweep,
    blocks: &mut dyn Iterator<Item = Vec<u64>>,
    deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), followership::error::Error>,
) -> Result<(), followership::error::Error> {
    coordinator.run_blocks_keeping_workers(sweep, blocks, deliver)
}
