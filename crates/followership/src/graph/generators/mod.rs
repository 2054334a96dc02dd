//! Seeded network generators: the classic random and regular graphs that scenarios place people
//! on. Every generator is a plain function of its parameters and, when it is random, of a
//! [`Stream`]; the same parameters and the same stream state always give the identical graph.
//! Generators build through [`GraphBuilder`](crate::graph::GraphBuilder), return a
//! [`GeneratorError`] naming the offending parameter and its valid range instead of panicking,
//! and cost time proportional to nodes plus edges (geometric skipping, cell grids and
//! repeated-node lists instead of all-pairs loops); only [`complete`] is quadratic, by nature.
//! All graphs are undirected unless a `directed` flag says otherwise; an undirected edge is stored
//! both ways, so [`Graph::edge_count`](crate::graph::Graph::edge_count) counts it twice.
//!
//! Regular: [`complete`], [`ring_lattice`], [`grid_2d`]. Random: [`erdos_renyi_gnp`],
//! [`erdos_renyi_gnm`], [`erdos_renyi_mean_degree`], [`watts_strogatz`], [`barabasi_albert`],
//! [`configuration_model`], [`configuration_power_law`], [`stochastic_block_model`],
//! [`sbm_matrix`], [`random_geometric`], [`random_geometric_mean_degree`].

mod barabasi_albert;
mod complete;
mod configuration;
mod erdos_renyi;
mod grid;
mod random_geometric;
mod ring_lattice;
mod stochastic_block;
mod watts_strogatz;

pub use barabasi_albert::barabasi_albert;
pub use complete::complete;
pub use configuration::{
    configuration_model, configuration_model_with_report, configuration_power_law,
    power_law_degrees,
};
pub use erdos_renyi::{erdos_renyi_gnm, erdos_renyi_gnp, erdos_renyi_mean_degree};
pub use grid::grid_2d;
pub use random_geometric::{random_geometric, random_geometric_mean_degree};
pub use ring_lattice::ring_lattice;
pub use stochastic_block::{sbm_matrix, stochastic_block_model};
pub use watts_strogatz::watts_strogatz;

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::random::{Stream, splitmix64, unit_f64};

/// A generator was asked for something it cannot make: which generator, which parameter, and
/// what range would have been valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{generator}: {message}")]
pub struct GeneratorError {
    /// Human-readable name of the generator, e.g. `"ring lattice"`.
    pub generator: &'static str,
    /// Name of the offending parameter, e.g. `"k"`.
    pub parameter: &'static str,
    /// What is wrong and what would be valid, e.g. `"k = 3 must be even and below nodes = 10"`.
    pub message: String,
}

impl GeneratorError {
    /// An error of `generator` about `parameter`.
    pub(crate) fn new(
        generator: &'static str,
        parameter: &'static str,
        message: impl Into<String>,
    ) -> Self {
        GeneratorError {
            generator,
            parameter,
            message: message.into(),
        }
    }
}

/// Node ids are `u32`: checks that `nodes` people fit.
fn check_nodes(
    generator: &'static str,
    parameter: &'static str,
    nodes: usize,
) -> Result<(), GeneratorError> {
    if nodes > u32::MAX as usize {
        return Err(GeneratorError::new(
            generator,
            parameter,
            format!(
                "{parameter} = {nodes} exceeds the maximum of {} people (node ids are u32)",
                u32::MAX
            ),
        ));
    }
    Ok(())
}

/// Checks that `p` is a probability in [0, 1].
fn check_probability(
    generator: &'static str,
    parameter: &'static str,
    p: f64,
) -> Result<(), GeneratorError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(GeneratorError::new(
            generator,
            parameter,
            format!("{parameter} = {p} must be a probability in [0, 1]"),
        ));
    }
    Ok(())
}

/// Draws gaps between successes of independent Bernoulli(p) trials: the number of failures before
/// the next success is geometric, so sparse random graphs can jump from edge to edge instead of
/// testing every pair (Batagelj & Brandes 2005).
struct GeometricSkip {
    /// `ln(1 - p)`; negative infinity when `p = 1`.
    log_q: f64,
}

impl GeometricSkip {
    /// Gaps for success probability `p` in (0, 1].
    fn new(p: f64) -> Self {
        debug_assert!(p > 0.0 && p <= 1.0);
        GeometricSkip {
            log_q: (-p).ln_1p(),
        }
    }

    /// The number of failures before the next success (saturating at `u64::MAX`).
    #[inline]
    fn skip(&self, rng: &mut Stream) -> u64 {
        if self.log_q == f64::NEG_INFINITY {
            return 0;
        }
        // 1 - u lies in (0, 1] and is exact for a 53-bit u, so the logarithm is finite.
        let u = unit_f64(rng);
        // The float-to-int cast saturates, which is what a huge gap should do.
        ((-u).ln_1p() / self.log_q).floor() as u64
    }
}

/// Calls `emit(v, w)` for each pair `w < v < size` independently with probability `p`, in
/// lexicographic order of (v, w), in O(size + pairs emitted) time.
fn for_each_triangle_pair(size: u64, p: f64, rng: &mut Stream, mut emit: impl FnMut(u64, u64)) {
    if p <= 0.0 || size < 2 {
        return;
    }
    // Pair (v, w) has linear index v (v - 1) / 2 + w; size^2 < 2^64 since size <= u32::MAX.
    let total = size * (size - 1) / 2;
    let gaps = GeometricSkip::new(p);
    // The next candidate pair (v, next), and its linear index.
    let (mut v, mut next, mut next_index) = (1u64, 0u64, 0u64);
    loop {
        let gap = gaps.skip(rng);
        let index = next_index.saturating_add(gap);
        if index >= total {
            return;
        }
        // `index < total` bounds both the sum and the rows walked below; each step moves to the
        // next row, at most `size` steps over the whole call.
        let mut w = next + gap;
        while w >= v {
            w -= v;
            v += 1;
        }
        emit(v, w);
        next = w + 1;
        next_index = index + 1;
    }
}

/// Calls `emit(r, c)` for each cell of a `rows` x `cols` rectangle independently with probability
/// `p`, in row-major order, in O(1 + cells emitted) time.
fn for_each_rectangle_cell(
    rows: u64,
    cols: u64,
    p: f64,
    rng: &mut Stream,
    mut emit: impl FnMut(u64, u64),
) {
    if p <= 0.0 || rows == 0 || cols == 0 {
        return;
    }
    // Both sides are below 2^32, so the product fits.
    let total = rows * cols;
    let gaps = GeometricSkip::new(p);
    let mut next = 0u64;
    loop {
        let idx = next.saturating_add(gaps.skip(rng));
        if idx >= total {
            return;
        }
        emit(idx / cols, idx % cols);
        next = idx + 1;
    }
}

/// A uniform integer in `0..n` (`n > 0`).
#[inline]
fn below(rng: &mut Stream, n: u64) -> u64 {
    use rand::RngExt;
    rng.random_range(0..n)
}

/// The key of the undirected edge {u, v}, independent of order.
#[inline]
fn undirected_key(u: u32, v: u32) -> u64 {
    let (a, b) = if u < v { (u, v) } else { (v, u) };
    (u64::from(a) << 32) | u64::from(b)
}

/// The key of the directed edge u -> v.
#[inline]
fn directed_key(u: u32, v: u32) -> u64 {
    (u64::from(u) << 32) | u64::from(v)
}

/// Hashes one `u64` edge key with SplitMix64: fast, and unlike the default hasher needs no random
/// state (the generators only insert and look up, so iteration order never matters anyway).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = splitmix64(self.0 ^ u64::from(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, key: u64) {
        self.0 = splitmix64(self.0 ^ key);
    }
}

/// A set of edge keys (see [`undirected_key`] and [`directed_key`]).
type EdgeSet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// An empty [`EdgeSet`] with room for `capacity` keys.
fn edge_set(capacity: usize) -> EdgeSet {
    EdgeSet::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

/// Shuffles `items` in place (Fisher–Yates), consuming one draw per position.
fn shuffle<T>(items: &mut [T], rng: &mut Stream) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// Helpers shared by the generator tests.
#[cfg(test)]
pub(crate) mod test_util {
    use crate::graph::Graph;
    use crate::random::{Purpose, Stream, stream};

    /// The network stream of a test scenario with the given seed.
    pub fn rng(seed: u64) -> Stream {
        stream(seed, 0, 0, Purpose::Network)
    }

    /// Whether two graphs have identical nodes, edges, positions and blocks.
    pub fn same_graph(a: &Graph, b: &Graph) -> bool {
        a.node_count() == b.node_count()
            && a.is_directed() == b.is_directed()
            && a.out_adjacency().offsets() == b.out_adjacency().offsets()
            && a.out_adjacency().targets() == b.out_adjacency().targets()
            && a.in_adjacency().targets() == b.in_adjacency().targets()
            && a.positions() == b.positions()
            && a.blocks() == b.blocks()
    }

    /// Mean out-degree.
    pub fn mean_degree(g: &Graph) -> f64 {
        g.edge_count() as f64 / g.node_count() as f64
    }

    /// Largest out-degree.
    pub fn max_degree(g: &Graph) -> usize {
        (0..g.node_count() as u32)
            .map(|v| g.out_degree(v))
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::{mean_degree, rng};
    use super::*;

    #[test]
    fn triangle_pairs_are_uniform_and_in_range() {
        // 15 pairs of 6 nodes, each kept with p = 0.3, over 20 000 rounds: every pair's frequency
        // has standard error sqrt(0.21 / 20 000) ~ 0.0032; allow five of them.
        let mut r = rng(1);
        let mut counts = [[0u32; 6]; 6];
        let rounds = 20_000;
        for _ in 0..rounds {
            let mut last = None;
            for_each_triangle_pair(6, 0.3, &mut r, |v, w| {
                assert!(w < v && v < 6);
                // Strictly increasing order means no pair is emitted twice.
                assert!(last < Some((v, w)));
                last = Some((v, w));
                counts[v as usize][w as usize] += 1;
            });
        }
        for (v, row) in counts.iter().enumerate() {
            for (w, &c) in row.iter().enumerate().take(v) {
                let f = f64::from(c) / f64::from(rounds);
                assert!((f - 0.3).abs() < 5.0 * 0.0032, "pair ({v}, {w}): {f}");
            }
        }
    }

    #[test]
    fn rectangle_cells_are_uniform_and_in_range() {
        let mut r = rng(2);
        let mut counts = [[0u32; 4]; 3];
        let rounds = 20_000;
        for _ in 0..rounds {
            for_each_rectangle_cell(3, 4, 0.3, &mut r, |i, j| {
                counts[i as usize][j as usize] += 1
            });
        }
        for row in counts {
            for c in row {
                let f = f64::from(c) / f64::from(rounds);
                assert!((f - 0.3).abs() < 5.0 * 0.0032, "{f}");
            }
        }
    }

    #[test]
    fn certain_and_impossible_trials() {
        let mut r = rng(3);
        let mut n = 0;
        for_each_triangle_pair(10, 1.0, &mut r, |_, _| n += 1);
        assert_eq!(n, 45);
        for_each_triangle_pair(10, 0.0, &mut r, |_, _| n += 1);
        for_each_rectangle_cell(10, 10, 0.0, &mut r, |_, _| n += 1);
        assert_eq!(n, 45);
        for_each_rectangle_cell(3, 5, 1.0, &mut r, |_, _| n += 1);
        assert_eq!(n, 60);
        // A vanishing p must not overflow the index arithmetic.
        for_each_triangle_pair(u64::from(u32::MAX), 1e-300, &mut r, |_, _| n += 1);
        for_each_rectangle_cell(
            u64::from(u32::MAX),
            u64::from(u32::MAX),
            1e-300,
            &mut r,
            |_, _| n += 1,
        );
        assert_eq!(n, 60);
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut v: Vec<u32> = (0..100).collect();
        shuffle(&mut v, &mut rng(4));
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn errors_name_generator_parameter_and_range() {
        let e = ring_lattice(10, 3).unwrap_err();
        assert_eq!(e.parameter, "k");
        assert_eq!(
            e.to_string(),
            "ring lattice: k = 3 must be even and below nodes = 10"
        );
    }

    /// Large sparse networks are built in time linear in their size. Not a timing assertion: it
    /// checks that a 200 000-node sparse G(n, p) completes (about 0.5 s in a debug build, 0.1 s in
    /// release), and the other sparse generators at 200 000 nodes in release builds but 20 000 in
    /// debug builds, to keep the test suite fast.
    #[test]
    fn large_sparse_generators_complete() {
        let mut r = rng(5);
        let g = erdos_renyi_mean_degree(200_000, 10.0, false, &mut r).unwrap();
        assert_eq!(g.node_count(), 200_000);
        // The mean degree has standard deviation ~0.01 here.
        assert!((mean_degree(&g) - 10.0).abs() < 0.05, "{}", mean_degree(&g));
        let n = if cfg!(debug_assertions) {
            20_000
        } else {
            200_000
        };
        let g = barabasi_albert(n, 3, &mut r).unwrap();
        assert_eq!(g.edge_count(), 2 * 3 * (n - 3));
        let g = random_geometric_mean_degree(n, 8.0, &mut r).unwrap();
        assert!(mean_degree(&g) > 7.0 && mean_degree(&g) < 8.5);
        let g =
            stochastic_block_model(&[n / 4; 4], 20.0 / n as f64, 4.0 / n as f64, &mut r).unwrap();
        assert_eq!(g.node_count(), n);
        let g = watts_strogatz(n, 10, 0.1, &mut r).unwrap();
        assert_eq!(g.edge_count(), 10 * n);
        let g = configuration_power_law(n, 2.5, 2, 1000, &mut r).unwrap();
        assert_eq!(g.node_count(), n);
        let g = erdos_renyi_gnm(n, 5 * n, true, &mut r).unwrap();
        assert_eq!(g.edge_count(), 5 * n);
    }
}
