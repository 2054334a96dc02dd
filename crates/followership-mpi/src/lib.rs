//! The MPI back end of followership: a sweep's blocks of runs spread over the ranks of an MPI
//! job, with the output directory byte-identical to a local sweep's, whatever the number of
//! ranks.
//!
//! Rank 0 is the coordinator: it runs the sweep as a local process would (resume, sinks,
//! pictures), but hands its blocks to the other ranks through a [`Coordinator`], the engine's
//! [`BlockRunner`]. Blocks go out on demand (self-scheduling: a rank that finishes early gets
//! the next, so slow points do not hold the others up), one at a time per rank, and come back
//! as typed rows (run number and
//! [`RunOutcome::to_words`], every bit kept). The coordinator hands them to the sinks in block
//! order, which is why the files are the same bytes as a local sweep's.
//!
//! The other ranks are workers ([`Job::serve`]): they read the same scenario, build the same
//! sweep, and run whatever block they are sent, on their own thread pool, until told to stop.
//! A worker that cannot run a block says why, and the coordinator ends the job with that
//! message; a scenario error is reported once, by rank 0.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use followership::error::Error;
use followership::experiment::sweep::{BlockRunner, PointValues, Row, Sweep};
use followership::simulation::RunOutcome;
use mpi::Tag;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// Rank 0 to a worker: a block to run (`[block index, run numbers...]`).
const WORK: Tag = 1;
/// Rank 0 to a worker: no more blocks; return.
const STOP: Tag = 2;
/// A worker to rank 0: a block's rows (`[block index, then per run: run number, outcome
/// words]`).
const ROWS: Tag = 3;
/// A worker to rank 0: a block could not be run (the message, as UTF-8 bytes).
const FAIL: Tag = 4;
/// Blocks in flight per worker. One: rank 0 then only ever sends to a worker that is waiting
/// for work, and a worker only ever sends to rank 0, which is either receiving or sending to an
/// idle worker. With two, a large block (sent without buffering) and a large reply would wait
/// for each other for ever.
const IN_FLIGHT: usize = 1;

/// How a worker runs a block: the rows of the given run numbers, or why it cannot.
pub type BlockFn<'a> = dyn Fn(&[u64]) -> Result<Vec<Row>, String> + 'a;

/// This process's part in an MPI job.
pub struct Job {
    // Dropped last: finalises MPI.
    _universe: mpi::environment::Universe,
    world: SimpleCommunicator,
}

impl Job {
    /// Joins the MPI job this process was started in (by `mpirun` or `srun`); a process
    /// started on its own is a job of one rank.
    pub fn init() -> Result<Job, Error> {
        let universe = mpi::initialize().ok_or_else(|| {
            Error::io(
                "MPI",
                std::io::Error::other("MPI could not be initialised (was it already?)"),
            )
        })?;
        let world = universe.world();
        Ok(Job {
            _universe: universe,
            world,
        })
    }

    /// This process's rank, from 0.
    pub fn rank(&self) -> i32 {
        self.world.rank()
    }

    /// The number of ranks.
    pub fn size(&self) -> i32 {
        self.world.size()
    }

    /// Whether this process is rank 0, the coordinator that writes the files.
    pub fn is_coordinator(&self) -> bool {
        self.rank() == 0
    }

    /// The coordinator's block runner (rank 0 of a job of at least two ranks).
    pub fn coordinator(&self) -> Coordinator<'_> {
        Coordinator {
            world: &self.world,
            stopped: Cell::new(false),
        }
    }

    /// Ends every rank of the job at once with `code` (after the coordinator has said why):
    /// what was written stays, and a sweep resumes from it.
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }

    /// A worker's loop: runs each block rank 0 sends with `run` (the sweep's `rows`, or the
    /// reason it cannot be built), sends the rows back, and returns when told to stop.
    pub fn serve(&self, run: &BlockFn<'_>) {
        let root = self.world.process_at_rank(0);
        loop {
            let (message, status) = root.matched_probe();
            let work = receive::<u64>(message, &status);
            if status.tag() != WORK {
                return;
            }
            let Some((&index, runs)) = work.split_first() else {
                return;
            };
            match run(runs) {
                Ok(rows) => {
                    let mut out = Vec::with_capacity(1 + rows.len() * (1 + RunOutcome::WORDS));
                    out.push(index);
                    for (row, &run) in rows.iter().zip(runs) {
                        out.push(run);
                        out.extend_from_slice(&row.outcome.to_words());
                    }
                    root.send_with_tag(&out[..], ROWS);
                }
                Err(why) => root.send_with_tag(why.as_bytes(), FAIL),
            }
        }
    }
}

/// Rank 0's [`BlockRunner`]: hands blocks to the workers and gives their rows to the sinks in
/// block order.
pub struct Coordinator<'a> {
    world: &'a SimpleCommunicator,
    stopped: Cell<bool>,
}

impl Coordinator<'_> {
    /// Tells every worker there is no more work (once; later calls do nothing). Called when
    /// the sweep's blocks are done, and by the command when it ends without running any.
    pub fn stop(&self) {
        if self.stopped.replace(true) {
            return;
        }
        for rank in 1..self.world.size() {
            self.world
                .process_at_rank(rank)
                .send_with_tag(&[] as &[u64], STOP);
        }
    }

    fn send(&self, rank: i32, index: u64, runs: &[u64]) {
        let mut work = Vec::with_capacity(runs.len() + 1);
        work.push(index);
        work.extend_from_slice(runs);
        self.world
            .process_at_rank(rank)
            .send_with_tag(&work[..], WORK);
    }
}

impl BlockRunner for Coordinator<'_> {
    fn run_blocks(
        &self,
        sweep: &Sweep,
        blocks: &mut dyn Iterator<Item = Vec<u64>>,
        deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.run_blocks_keeping_workers(sweep, blocks, deliver)?;
        self.stop();
        Ok(())
    }
}

impl Coordinator<'_> {
    /// [`BlockRunner::run_blocks`] without stopping the workers afterwards, so that the same
    /// job can run more blocks (a benchmark does; a sweep runs its blocks once).
    pub fn run_blocks_keeping_workers(
        &self,
        sweep: &Sweep,
        blocks: &mut dyn Iterator<Item = Vec<u64>>,
        deliver: &mut dyn FnMut(Vec<Row>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut sent: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        let mut done: BTreeMap<u64, Vec<Row>> = BTreeMap::new();
        let (mut next_index, mut next_delivery) = (0u64, 0u64);
        let mut send_next = |rank: i32, sent: &mut BTreeMap<u64, Vec<u64>>| {
            if let Some(runs) = blocks.next() {
                self.send(rank, next_index, &runs);
                sent.insert(next_index, runs);
                next_index += 1;
            }
        };
        for _ in 0..IN_FLIGHT {
            for rank in 1..self.world.size() {
                send_next(rank, &mut sent);
            }
        }
        let mut values: BTreeMap<u64, Arc<PointValues>> = BTreeMap::new();
        while !sent.is_empty() {
            let (message, status) = self.world.any_process().matched_probe();
            let rank = status.source_rank();
            match status.tag() {
                ROWS => {
                    let words = receive::<u64>(message, &status);
                    let (index, rows) = decode(sweep, &words, &sent, &mut values)
                        .map_err(|why| failure(rank, &why))?;
                    sent.remove(&index);
                    done.insert(index, rows);
                    send_next(rank, &mut sent);
                }
                FAIL => {
                    let bytes = receive::<u8>(message, &status);
                    return Err(failure(rank, &String::from_utf8_lossy(&bytes)));
                }
                other => {
                    let _ = receive::<u8>(message, &status);
                    return Err(failure(
                        rank,
                        &format!("sent a message of unknown kind {other}"),
                    ));
                }
            }
            while let Some(rows) = done.remove(&next_delivery) {
                deliver(rows)?;
                next_delivery += 1;
            }
        }
        Ok(())
    }
}

/// The rows a worker sent for one block, checked against the block it was given.
fn decode(
    sweep: &Sweep,
    words: &[u64],
    sent: &BTreeMap<u64, Vec<u64>>,
    values: &mut BTreeMap<u64, Arc<PointValues>>,
) -> Result<(u64, Vec<Row>), String> {
    let (&index, body) = words.split_first().ok_or("sent an empty block")?;
    let runs = sent
        .get(&index)
        .ok_or_else(|| format!("sent block {index}, which is not one it was given"))?;
    let per_row = 1 + RunOutcome::WORDS;
    if body.len() != runs.len() * per_row {
        return Err(format!(
            "sent {} words for block {index} of {} runs",
            body.len(),
            runs.len()
        ));
    }
    let replicates = sweep.replicates();
    let mut rows = Vec::with_capacity(runs.len());
    for (chunk, &run) in body.chunks_exact(per_row).zip(runs) {
        if chunk[0] != run {
            return Err(format!("sent run {} where run {run} was due", chunk[0]));
        }
        let outcome_words: &[u64; RunOutcome::WORDS] =
            chunk[1..].try_into().map_err(|_| "sent a short row")?;
        let outcome = RunOutcome::from_words(outcome_words)
            .ok_or_else(|| format!("sent an outcome of run {run} that no run gives"))?;
        let point = run / replicates;
        let shared = values
            .entry(point)
            .or_insert_with(|| Arc::new(sweep.values(point)))
            .clone();
        rows.push(Row {
            point,
            replicate: run % replicates,
            values: shared,
            outcome,
        });
    }
    // Points before the lowest still in flight are not needed again.
    if let Some((&first, _)) = sent.iter().next()
        && let Some(&lowest) = sent.get(&first).and_then(|r| r.first())
    {
        let keep = lowest / replicates;
        values.retain(|&p, _| p >= keep);
    }
    Ok((index, rows))
}

/// Receives a probed message whole, whatever its length.
fn receive<T: Equivalence + Default + Clone>(
    message: mpi::point_to_point::Message,
    status: &mpi::point_to_point::Status,
) -> Vec<T> {
    let count = usize::try_from(status.count(T::equivalent_datatype())).unwrap_or(0);
    let mut buffer = vec![T::default(); count];
    message.matched_receive_into(&mut buffer[..]);
    buffer
}

fn failure(rank: i32, why: &str) -> Error {
    Error::io(
        format!("MPI rank {rank}"),
        std::io::Error::other(why.to_string()),
    )
}
