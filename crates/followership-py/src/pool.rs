//! Thread pools and interruptions: the engine runs on the caller's rayon pool, so every call
//! that runs replicates installs itself in a pool of the number of threads asked for, with the
//! GIL released, and comes back to Python between blocks of work to check for Ctrl-C.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

use crate::errors::bad_input;

/// How long a block of work may run before Python gets to check for Ctrl-C and to update a
/// progress bar: well under the second an interrupted run may take to stop.
pub const BLOCK_TIME: Duration = Duration::from_millis(200);

/// The pool of `threads` worker threads (`None`: one per core), built once per thread count
/// and kept for the life of the process.
pub fn pool(threads: Option<usize>) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    if threads == Some(0) {
        return Err(bad_input(
            "threads",
            "give at least 1 thread (or None for one per core)",
        ));
    }
    let n = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(p) = pools.get(&n) {
        return Ok(Arc::clone(p));
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("followership-{i}"))
        .build()
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    let p = Arc::new(p);
    pools.insert(n, Arc::clone(&p));
    Ok(p)
}

/// Sizes blocks of work so that each takes about [`BLOCK_TIME`]: starts with one item per
/// thread and grows or shrinks with the time the last block took. Block sizes never change
/// results: every item is named by its index.
pub struct Blocks {
    next: usize,
    size: usize,
    end: usize,
    threads: usize,
}

impl Blocks {
    /// Blocks over `start..end` for a pool of `threads` threads.
    pub fn new(start: usize, end: usize, threads: usize) -> Self {
        Blocks {
            next: start,
            size: threads.max(1),
            end,
            threads: threads.max(1),
        }
    }

    /// The next block, or `None` when all are done.
    pub fn next_block(&mut self) -> Option<std::ops::Range<usize>> {
        if self.next >= self.end {
            return None;
        }
        let stop = (self.next + self.size).min(self.end);
        let block = self.next..stop;
        self.next = stop;
        Some(block)
    }

    /// Goes on over `start..end`, keeping the block size learnt so far.
    pub fn restart(&mut self, start: usize, end: usize) {
        self.next = start;
        self.end = end;
    }

    /// Tells how long the last block took, to size the next one.
    pub fn took(&mut self, elapsed: Duration) {
        let target = BLOCK_TIME.as_secs_f64();
        let took = elapsed.as_secs_f64().max(1e-6);
        let scale = (target / took).clamp(0.25, 4.0);
        let size = (self.size as f64 * scale).round() as usize;
        self.size = size.clamp(self.threads.min(64), 1 << 20);
    }
}

/// Runs `work` on every block of `start..end` in `pool` with the GIL released; between blocks,
/// checks for Ctrl-C (raising `KeyboardInterrupt`) and calls `progress(done, total)` when
/// given. Returns the blocks' results in order.
pub fn in_blocks<T: Send>(
    py: Python<'_>,
    pool: &rayon::ThreadPool,
    start: usize,
    end: usize,
    progress: Option<&Bound<'_, PyAny>>,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> PyResult<Vec<T>> {
    let mut blocks = Blocks::new(start, end, pool.current_num_threads());
    let mut results = Vec::new();
    while let Some(block) = blocks.next_block() {
        let done = block.end;
        let started = Instant::now();
        let result = py.detach(|| pool.install(|| work(block)));
        blocks.took(started.elapsed());
        results.push(result);
        py.check_signals()?;
        if let Some(p) = progress {
            p.call1((done - start, end - start))?;
        }
    }
    Ok(results)
}
