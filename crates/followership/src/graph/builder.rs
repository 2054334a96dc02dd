//! Building a [`Graph`] from a list of edges: the one path by which generators and loaders make
//! graphs, so that deduplication, self-loop handling and the in-adjacency are done the same way
//! everywhere.

use rayon::prelude::*;

use super::csr::{Adjacency, Graph};

/// What building dropped from the input edges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Edges from a person to themselves, dropped.
    pub self_loops: u64,
    /// Repeated edges (same source and target), dropped; the first occurrence is kept (in an
    /// undirected graph, the first given of a tie's copies, in either direction, for both).
    pub duplicates: u64,
}

/// Collects edges and turns them into a compact [`Graph`].
///
/// For an undirected graph, add each edge once in either direction; both directions are stored.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    node_count: usize,
    directed: bool,
    sources: Vec<u32>,
    targets: Vec<u32>,
    weights: Option<Vec<f32>>,
    positions: Option<Vec<[f32; 2]>>,
    labels: Option<Vec<u64>>,
    blocks: Option<Vec<u32>>,
}

impl GraphBuilder {
    /// A builder for a graph of `node_count` people.
    pub fn new(node_count: usize, directed: bool) -> Self {
        assert!(
            node_count <= u32::MAX as usize,
            "node ids are u32: at most {} people",
            u32::MAX
        );
        GraphBuilder {
            node_count,
            directed,
            ..Default::default()
        }
    }

    /// A builder holding the edges `sources[i] -> targets[i]` (with `weights[i]`, when given)
    /// of a graph of `node_count` people, taking the arrays as they are: no copy.
    ///
    /// # Panics
    /// When the arrays differ in length. Every id must be below `node_count` (checked in debug
    /// builds only, as [`GraphBuilder::add_edge`] does; the graph is wrong otherwise).
    pub fn from_edges(
        node_count: usize,
        directed: bool,
        sources: Vec<u32>,
        targets: Vec<u32>,
        weights: Option<Vec<f32>>,
    ) -> Self {
        assert_eq!(sources.len(), targets.len());
        if let Some(w) = &weights {
            assert_eq!(w.len(), sources.len());
        }
        debug_assert!(
            sources
                .iter()
                .chain(&targets)
                .all(|&v| (v as usize) < node_count)
        );
        GraphBuilder {
            sources,
            targets,
            weights,
            ..GraphBuilder::new(node_count, directed)
        }
    }

    /// Reserves room for `edges` more edges.
    pub fn reserve(&mut self, edges: usize) {
        self.sources.reserve(edges);
        self.targets.reserve(edges);
        if let Some(w) = &mut self.weights {
            w.reserve(edges);
        }
    }

    /// Adds the edge `source -> target` (`target` sees `source`).
    #[inline]
    pub fn add_edge(&mut self, source: u32, target: u32) {
        debug_assert!((source as usize) < self.node_count && (target as usize) < self.node_count);
        self.sources.push(source);
        self.targets.push(target);
        if let Some(w) = &mut self.weights {
            w.push(1.0);
        }
    }

    /// Adds a weighted edge; the first weighted edge makes the whole graph weighted (earlier
    /// edges get weight 1).
    #[inline]
    pub fn add_weighted_edge(&mut self, source: u32, target: u32, weight: f32) {
        let len = self.sources.len();
        self.weights
            .get_or_insert_with(|| vec![1.0; len])
            .push(weight);
        self.sources.push(source);
        self.targets.push(target);
    }

    /// Adds many edges at once from parallel arrays.
    pub fn extend_edges(&mut self, sources: &[u32], targets: &[u32], weights: Option<&[f32]>) {
        assert_eq!(sources.len(), targets.len());
        let len = self.sources.len();
        match (weights, &mut self.weights) {
            (Some(w), Some(mine)) => mine.extend_from_slice(w),
            (Some(w), None) => {
                let mut mine = vec![1.0; len];
                mine.extend_from_slice(w);
                self.weights = Some(mine);
            }
            (None, Some(mine)) => mine.resize(len + sources.len(), 1.0),
            (None, None) => {}
        }
        self.sources.extend_from_slice(sources);
        self.targets.extend_from_slice(targets);
    }

    /// Number of edges added so far.
    pub fn edge_count(&self) -> usize {
        self.sources.len()
    }

    /// Attaches a position in the unit square to every person.
    pub fn positions(mut self, positions: Vec<[f32; 2]>) -> Self {
        assert_eq!(positions.len(), self.node_count);
        self.positions = Some(positions);
        self
    }

    /// Attaches the external ids of a loaded network (ascending, indexed by dense id).
    pub fn labels(mut self, labels: Vec<u64>) -> Self {
        assert_eq!(labels.len(), self.node_count);
        debug_assert!(labels.windows(2).all(|w| w[0] < w[1]));
        self.labels = Some(labels);
        self
    }

    /// Attaches the block (department) of every person.
    pub fn blocks(mut self, blocks: Vec<u32>) -> Self {
        assert_eq!(blocks.len(), self.node_count);
        self.blocks = Some(blocks);
        self
    }

    /// Builds the graph, dropping self-loops and duplicate edges.
    pub fn build(self) -> (Graph, BuildReport) {
        let GraphBuilder {
            node_count,
            directed,
            sources,
            targets,
            weights,
            positions,
            labels,
            blocks,
        } = self;
        let mut report = BuildReport::default();
        // An undirected graph stores both directions: the edges as given, then every one that
        // is not a self-loop reversed, grouped by source without materialising the reversed
        // copy.
        let edges = Edges {
            sources: &sources,
            targets: &targets,
            weights: weights.as_deref(),
            mirrored: !directed,
        };
        let (offsets, mut tg, mut wt) = group_by_source(node_count, &edges);
        drop((sources, targets, weights));
        let kept = sort_and_dedup(&offsets, &mut tg, wt.as_deref_mut());
        let (offsets, tg, wt, removed) = compact(&offsets, tg, wt, &kept);
        report.self_loops = removed.0;
        report.duplicates = removed.1;
        if !directed {
            // Each undirected duplicate or self-loop was seen from both ends (self-loops once).
            report.duplicates /= 2;
        }
        let in_adj = directed.then(|| {
            let src = sources_of(&offsets);
            let (o, t, w) = counting_sort(node_count, &tg, &src, wt.as_deref());
            Adjacency {
                offsets: o.into(),
                targets: t.into(),
                weights: w.map(Into::into),
            }
        });
        let graph = Graph {
            node_count,
            directed,
            out_adj: Adjacency {
                offsets: offsets.into(),
                targets: tg.into(),
                weights: wt.map(Into::into),
            },
            in_adj,
            positions,
            labels: labels.map(Into::into),
            blocks,
        };
        (graph, report)
    }
}

/// The source of every edge of a CSR, expanded from its offsets.
pub(crate) fn sources_of(offsets: &[u64]) -> Vec<u32> {
    let mut src = vec![0u32; *offsets.last().unwrap_or(&0) as usize];
    split_lists(offsets, &mut src)
        .into_par_iter()
        .enumerate()
        .for_each(|(v, list)| list.fill(v as u32));
    src
}

/// Groups edges by source, keeping their input order within each source (a stable counting sort).
pub(crate) fn counting_sort(
    n: usize,
    sources: &[u32],
    targets: &[u32],
    weights: Option<&[f32]>,
) -> (Vec<u64>, Vec<u32>, Option<Vec<f32>>) {
    let edges = Edges {
        sources,
        targets,
        weights,
        mirrored: false,
    };
    group_by_source(n, &edges)
}

/// An edge list to group by source: `sources[i] -> targets[i]` for every `i`, each followed,
/// when `mirrored`, by itself reversed unless it is a self-loop (the two directions of an
/// undirected graph). The reversed copy comes right after its edge, not after all of them, so
/// that when a tie is given twice with different weights (`0 1 0.5` then `1 0 1.5`) both
/// directions keep the weight given first: each person's list meets the tie's copies in the
/// order they were given.
struct Edges<'a> {
    sources: &'a [u32],
    targets: &'a [u32],
    weights: Option<&'a [f32]>,
    mirrored: bool,
}

impl Edges<'_> {
    /// Positions in the (virtual) list, reversed edges included; a reversed self-loop is a
    /// position with no edge.
    fn len(&self) -> usize {
        self.sources.len() * if self.mirrored { 2 } else { 1 }
    }

    /// Calls `f(source, target, index of the weight)` for the edges at `positions`, in order.
    #[inline]
    fn each(&self, positions: std::ops::Range<usize>, mut f: impl FnMut(u32, u32, usize)) {
        if !self.mirrored {
            for p in positions {
                f(self.sources[p], self.targets[p], p);
            }
            return;
        }
        for p in positions {
            let e = p / 2;
            let (s, t) = (self.sources[e], self.targets[e]);
            if p % 2 == 0 {
                f(s, t, e);
            } else if s != t {
                f(t, s, e);
            }
        }
    }
}

/// Edges per chunk of the first pass of [`group_by_source`], at least: smaller chunks cost
/// more in bookkeeping than they save.
const MIN_CHUNK: usize = 1 << 16;

/// Most buckets of sources in [`group_by_source`]: few enough that writing into all of them
/// at once stays in cache, many enough that each bucket's share of the output does too.
const BUCKET_BITS: u32 = 10;

/// A chunk's edges whose sources fall in one bucket, in list order.
#[derive(Default)]
struct Part {
    sources: Vec<u32>,
    targets: Vec<u32>,
    weights: Vec<f32>,
}

/// One bucket's share of the output: its edges' slots, and the offsets of its sources.
struct Share<'a> {
    bucket: usize,
    start: u64,
    targets: &'a mut [u32],
    weights: Option<&'a mut [f32]>,
    offsets: &'a mut [u64],
}

/// Groups `edges` by source, keeping their list order within each source: a stable counting
/// sort, in parallel on the caller's pool, in two cache-friendly passes.
///
/// A random scatter of every edge into its source's slot touches a cache line per edge, all
/// over the output; instead, the first pass cuts the list into chunks and deals each chunk's
/// edges, in order, into at most 1,024 buckets of consecutive sources (writing at the end of
/// a thousand short streams stays in cache), and the second counting-sorts each bucket on its
/// own into its share of the output, which is small enough to stay in cache too. A bucket's
/// edges are read chunk after chunk, each in list order, so the result is exactly that of one
/// stable pass in list order, whatever the number of chunks or threads: the same graph on any
/// machine.
fn group_by_source(n: usize, edges: &Edges<'_>) -> (Vec<u64>, Vec<u32>, Option<Vec<f32>>) {
    let len = edges.len();
    let n1 = n.max(1);
    let shift = (usize::BITS - (n1 - 1).leading_zeros()).saturating_sub(BUCKET_BITS);
    let width = 1usize << shift;
    let buckets = n1.div_ceil(width);
    let chunks = (len / MIN_CHUNK).clamp(1, 4 * rayon::current_num_threads());
    let weights = edges.weights;
    let parts: Vec<Vec<Part>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let range = len * c / chunks..len * (c + 1) / chunks;
            let guess = range.len() / buckets + 16;
            let mut parts: Vec<Part> = (0..buckets)
                .map(|_| Part {
                    sources: Vec::with_capacity(guess),
                    targets: Vec::with_capacity(guess),
                    weights: Vec::with_capacity(if weights.is_some() { guess } else { 0 }),
                })
                .collect();
            edges.each(range, |s, t, e| {
                let part = &mut parts[(s >> shift) as usize];
                part.sources.push(s);
                part.targets.push(t);
                if let Some(w) = weights {
                    part.weights.push(w[e]);
                }
            });
            parts
        })
        .collect();
    let sizes: Vec<usize> = (0..buckets)
        .map(|b| parts.iter().map(|p| p[b].sources.len()).sum())
        .collect();
    let total: usize = sizes.iter().sum();
    let mut out = vec![0u32; total];
    let mut out_w = weights.map(|_| vec![0f32; total]);
    let mut offsets = vec![0u64; n + 1];
    offsets[n] = total as u64;
    // Each bucket's share of the targets, weights and offsets: disjoint slices.
    let mut shares = Vec::with_capacity(buckets);
    let (mut rest, mut rest_w) = (&mut out[..], out_w.as_deref_mut());
    let mut offset_lists = offsets[..n].chunks_mut(width);
    let mut start = 0u64;
    for (bucket, &size) in sizes.iter().enumerate() {
        let (mine, tail) = rest.split_at_mut(size);
        rest = tail;
        let mine_w = rest_w.take().map(|w| {
            let (mine, tail) = w.split_at_mut(size);
            rest_w = Some(tail);
            mine
        });
        shares.push(Share {
            bucket,
            start,
            targets: mine,
            weights: mine_w,
            offsets: offset_lists.next().unwrap_or_default(),
        });
        start += size as u64;
    }
    shares.into_par_iter().for_each(|share| {
        let lo = (share.bucket << shift) as u32;
        let mut cursor = vec![0usize; share.offsets.len() + 1];
        for p in &parts {
            for &s in &p[share.bucket].sources {
                cursor[(s - lo) as usize + 1] += 1;
            }
        }
        for v in 0..share.offsets.len() {
            cursor[v + 1] += cursor[v];
            share.offsets[v] = share.start + cursor[v] as u64;
        }
        let mut share_w = share.weights;
        for p in &parts {
            let part = &p[share.bucket];
            for (i, (&s, &t)) in part.sources.iter().zip(&part.targets).enumerate() {
                let k = (s - lo) as usize;
                let slot = cursor[k];
                cursor[k] += 1;
                share.targets[slot] = t;
                if let Some(w) = share_w.as_deref_mut() {
                    w[slot] = part.weights[i];
                }
            }
        }
    });
    (offsets, out, out_w)
}

/// Splits a CSR's target (and weight) arrays into one mutable slice per node.
pub(crate) fn split_lists<'a, T>(offsets: &[u64], mut rest: &'a mut [T]) -> Vec<&'a mut [T]> {
    let mut lists = Vec::with_capacity(offsets.len().saturating_sub(1));
    for v in 0..offsets.len().saturating_sub(1) {
        let d = (offsets[v + 1] - offsets[v]) as usize;
        let (head, tail) = rest.split_at_mut(d);
        lists.push(head);
        rest = tail;
    }
    lists
}

/// Sorts each adjacency list by target and marks, per node, how many leading entries to keep
/// after moving self-loops and duplicates to the end. Returns (kept, self-loops, duplicates) per
/// node.
fn sort_and_dedup(
    offsets: &[u64],
    targets: &mut [u32],
    weights: Option<&mut [f32]>,
) -> Vec<(u32, u32, u32)> {
    let lists = split_lists(offsets, targets);
    match weights {
        None => lists
            .into_par_iter()
            .enumerate()
            .map(|(v, list)| {
                list.sort_unstable();
                let mut kept = 0usize;
                let (mut loops, mut dups) = (0u32, 0u32);
                for i in 0..list.len() {
                    let t = list[i];
                    if t == v as u32 {
                        loops += 1;
                    } else if kept > 0 && list[kept - 1] == t {
                        dups += 1;
                    } else {
                        list[kept] = t;
                        kept += 1;
                    }
                }
                (kept as u32, loops, dups)
            })
            .collect(),
        Some(weights) => {
            let wlists = split_lists(offsets, weights);
            lists
                .into_par_iter()
                .zip(wlists)
                .enumerate()
                .map(|(v, (list, wl))| {
                    // Stable sort so that the first occurrence of a duplicate keeps its weight.
                    let mut pairs: Vec<(u32, f32)> =
                        list.iter().copied().zip(wl.iter().copied()).collect();
                    pairs.sort_by_key(|p| p.0);
                    let mut kept = 0usize;
                    let (mut loops, mut dups) = (0u32, 0u32);
                    for &(t, w) in &pairs {
                        if t == v as u32 {
                            loops += 1;
                        } else if kept > 0 && list[kept - 1] == t {
                            dups += 1;
                        } else {
                            list[kept] = t;
                            wl[kept] = w;
                            kept += 1;
                        }
                    }
                    (kept as u32, loops, dups)
                })
                .collect()
        }
    }
}

pub(crate) type Csr = (Vec<u64>, Vec<u32>, Option<Vec<f32>>, (u64, u64));

/// Moves the kept entries of every list together and rebuilds the offsets; `kept[v]` is
/// (entries kept at the front of `v`'s list, self-loops dropped, duplicates dropped).
pub(crate) fn compact(
    offsets: &[u64],
    mut targets: Vec<u32>,
    mut weights: Option<Vec<f32>>,
    kept: &[(u32, u32, u32)],
) -> Csr {
    let n = kept.len();
    let mut new_offsets = vec![0u64; n + 1];
    let (mut loops, mut dups) = (0u64, 0u64);
    let mut write = 0usize;
    for v in 0..n {
        let (k, l, d) = kept[v];
        loops += u64::from(l);
        dups += u64::from(d);
        let read = offsets[v] as usize;
        let k = k as usize;
        if read != write {
            targets.copy_within(read..read + k, write);
            if let Some(w) = &mut weights {
                w.copy_within(read..read + k, write);
            }
        }
        write += k;
        new_offsets[v + 1] = write as u64;
    }
    targets.truncate(write);
    targets.shrink_to_fit();
    if let Some(w) = &mut weights {
        w.truncate(write);
        w.shrink_to_fit();
    }
    (new_offsets, targets, weights, (loops, dups))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undirected_edges_are_stored_both_ways_without_loops_or_duplicates() {
        let mut b = GraphBuilder::new(4, false);
        for (s, t) in [(0, 1), (1, 0), (1, 2), (2, 2), (2, 3), (0, 1)] {
            b.add_edge(s, t);
        }
        let (g, report) = b.build();
        assert_eq!(
            report,
            BuildReport {
                self_loops: 1,
                duplicates: 2
            }
        );
        assert_eq!(g.edge_count(), 6);
        assert_eq!(g.out_neighbors(1), &[0, 2]);
        assert_eq!(g.in_neighbors(3), &[2]);
    }

    #[test]
    fn an_undirected_tie_given_twice_keeps_its_first_weight_both_ways() {
        // What a person sees of a neighbour and what the neighbour sends must agree.
        let mut b = GraphBuilder::new(3, false);
        b.add_weighted_edge(0, 1, 0.5);
        b.add_weighted_edge(1, 0, 1.5);
        b.add_weighted_edge(2, 1, 2.0);
        b.add_weighted_edge(1, 2, 3.0);
        let (g, report) = b.build();
        assert_eq!(report.duplicates, 2);
        let w = |v: u32| g.out_adjacency().weights(v).unwrap().to_vec();
        assert_eq!((g.out_neighbors(0), w(0)), (&[1][..], vec![0.5]));
        assert_eq!((g.out_neighbors(1), w(1)), (&[0, 2][..], vec![0.5, 2.0]));
        assert_eq!((g.out_neighbors(2), w(2)), (&[1][..], vec![2.0]));
    }

    #[test]
    fn directed_graph_has_matching_in_adjacency_and_keeps_first_weight() {
        let mut b = GraphBuilder::new(3, true);
        b.add_weighted_edge(0, 2, 0.5);
        b.add_weighted_edge(1, 2, 0.25);
        b.add_weighted_edge(0, 2, 0.9);
        b.add_edge(2, 0);
        let (g, report) = b.build();
        assert_eq!(report.duplicates, 1);
        assert_eq!(g.out_neighbors(0), &[2]);
        assert_eq!(g.out_adjacency().weights(0), Some(&[0.5f32][..]));
        assert_eq!(g.in_neighbors(2), &[0, 1]);
        assert_eq!(g.in_adjacency().weights(2), Some(&[0.5f32, 0.25][..]));
        assert_eq!(g.in_neighbors(0), &[2]);
        assert_eq!(g.in_degree(1), 0);
    }

    /// The graph's arrays: out- and in-adjacency offsets, targets and weights.
    type Arrays = Vec<(Vec<u64>, Vec<u32>, Option<Vec<f32>>)>;

    fn arrays(g: &Graph) -> Arrays {
        let mut adjs = vec![g.out_adjacency()];
        if g.is_directed() {
            adjs.push(g.in_adjacency());
        }
        adjs.iter()
            .map(|a| {
                (
                    a.offsets().to_vec(),
                    a.targets().to_vec(),
                    a.all_weights().map(<[f32]>::to_vec),
                )
            })
            .collect()
    }

    /// A graph built on a pool of `threads` threads, from pseudo-random edges with repeats and
    /// self-loops, weighted by their position (so that which duplicate is kept shows).
    fn built_on(threads: usize, directed: bool) -> (Arrays, BuildReport) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        let n = 500u32;
        let m = 600_000u64;
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % u64::from(n)) as u32
        };
        let (mut s, mut t) = (Vec::new(), Vec::new());
        for _ in 0..m {
            s.push(next());
            t.push(next());
        }
        let w: Vec<f32> = (0..m).map(|i| 1.0 + i as f32).collect();
        pool.install(|| {
            let (g, report) = GraphBuilder::from_edges(n as usize, directed, s, t, Some(w)).build();
            (arrays(&g), report)
        })
    }

    #[test]
    fn the_graph_built_is_the_same_whatever_the_number_of_threads() {
        for directed in [false, true] {
            let one = built_on(1, directed);
            // 600,000 edges (1.2M stored undirected) among 500 people: several chunks.
            for threads in [2, 3, 8] {
                assert_eq!(
                    built_on(threads, directed),
                    one,
                    "{threads} threads, directed {directed}"
                );
            }
            assert!(one.1.duplicates > 0 && one.1.self_loops > 0);
        }
    }

    #[test]
    fn the_parallel_counting_sort_is_the_stable_one() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("a pool");
        let n = 7usize;
        let m = 300_000usize;
        let s: Vec<u32> = (0..m).map(|i| ((i * 31 + i / 5) % n) as u32).collect();
        let t: Vec<u32> = (0..m).map(|i| (i % 1000) as u32).collect();
        let w: Vec<f32> = (0..m).map(|i| i as f32).collect();
        let (offsets, targets, weights) = pool.install(|| counting_sort(n, &s, &t, Some(&w)));
        // The sequential definition: each source's edges in input order.
        for v in 0..n {
            let want: Vec<usize> = (0..m).filter(|&i| s[i] as usize == v).collect();
            let range = offsets[v] as usize..offsets[v + 1] as usize;
            let got_w = &weights.as_ref().expect("weighted")[range.clone()];
            assert_eq!(got_w, want.iter().map(|&i| i as f32).collect::<Vec<_>>());
            assert_eq!(
                &targets[range],
                want.iter().map(|&i| t[i]).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn unweighted_directed_graph_costs_at_most_ten_bytes_per_edge_plus_offsets() {
        let n = 10_000u32;
        let mut b = GraphBuilder::new(n as usize, true);
        for v in 0..n {
            for d in 1..=8 {
                b.add_edge(v, (v * 7 + d * 13) % n);
            }
        }
        let (g, _) = b.build();
        let offsets = 2 * (n as usize + 1) * 8;
        let per_edge = (g.heap_bytes() - offsets) as f64 / g.edge_count() as f64;
        assert!(per_edge <= 10.0, "{per_edge} bytes per edge");
    }
}
