//! The largest numbers the engine accepts, in one place.
//!
//! Every number a user gives (sizes, counts, weights, thresholds) is checked against one of
//! these before any work starts, so that no input can make the engine run out of memory, loop
//! without end or lose the precision its arithmetic relies on. Each limit is stated in the error
//! message that enforces it and listed in the README ("Limits"); change them together.

/// The most people a generated network may have: per-person state costs some 50 bytes, so this
/// is about 50 GB before any edge.
pub const MAX_PEOPLE: usize = 1_000_000_000;

/// The most edges a generated network may store (an undirected edge is stored both ways, so it
/// counts twice): about 10 bytes each, 40 GB at the limit.
pub const MAX_EDGES: u64 = 4_000_000_000;

/// The most replicates of one scenario (and per point of a sweep). An ensemble streams its runs
/// (`summary.csv` and `timeseries.csv` are written block by block) and keeps of each replicate
/// only its final size, 8 bytes, whose mean and spread need every one; with the vector's
/// spare capacity and the sorted copy the summary makes, about 24 bytes a replicate at the peak
/// (23 measured, docs/benchmarks.md): 2.4 GB at the limit. Everything else it keeps is bounded by ticks and people. On disk,
/// `summary.csv` takes some 100 bytes a replicate (10 GB at the limit).
pub const MAX_REPLICATES: u64 = 100_000_000;

/// The longest run, in ticks.
pub const MAX_TICKS: u32 = 10_000_000;

/// With `[output] timeseries = true`, `timeseries.csv` has one row per replicate and tick: rows
/// are streamed to the file (about 30 bytes each on disk, 3 GB at the limit), and the adoption
/// curve keeps only the shares of the crowd by tick (bounded by ticks and people). With
/// `[trust]`, the trust curves keep the crowd's and the followers' mean trust, real numbers
/// that differ from run to run, for every replicate and tick at which they changed (up to about
/// 100 bytes a row): `replicates * max_ticks` may not exceed this.
pub const MAX_TIMESERIES_ROWS: u64 = 100_000_000;

/// The most worker threads.
pub const MAX_THREADS: usize = 1024;

/// The most bootstrap resamples of a sensitivity analysis.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// The largest influence weight (leaders, followers, first follower): social proof sums weights
/// over contacts, and with weights up to this (and edge weights up to the largest 32-bit float)
/// no sum over any number of contacts can overflow to infinity.
pub const MAX_WEIGHT: f64 = 1e9;

/// The largest magnitude of a per-person value (threshold, trust) and of the parameters that
/// make them: well inside the range where whole numbers are exact in 64-bit floats (2^53), so
/// counting contacts up to a threshold always terminates.
pub const MAX_VALUE: f64 = 1e15;

/// A number as a user would write it: plain when of everyday size, in exponent form (`1e308`)
/// when huge or tiny, so messages about limits stay short.
pub fn show(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-4..1e16).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

pub use crate::fmt::grouped;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(4_000_000_000), "4,000,000,000");
        assert_eq!(show(1e308), "1e308");
        assert_eq!(show(2.5), "2.5");
        assert_eq!(show(-1e-9), "-1e-9");
    }
}
