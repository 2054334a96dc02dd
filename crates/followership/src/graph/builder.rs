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
    /// Repeated edges (same source and target), dropped; the first occurrence is kept.
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
            mut sources,
            mut targets,
            mut weights,
            positions,
            labels,
            blocks,
        } = self;
        let mut report = BuildReport::default();
        if !directed {
            // Store both directions; self-loops are dropped below, so they are not mirrored.
            let m = sources.len();
            sources.reserve(m);
            targets.reserve(m);
            for e in 0..m {
                let (s, t) = (sources[e], targets[e]);
                if s != t {
                    sources.push(t);
                    targets.push(s);
                    if let Some(w) = &mut weights {
                        w.push(w[e]);
                    }
                }
            }
        }
        let (offsets, mut tg, mut wt) =
            counting_sort(node_count, &sources, &targets, weights.as_deref());
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
    let mut src = Vec::with_capacity(*offsets.last().unwrap_or(&0) as usize);
    for v in 0..offsets.len().saturating_sub(1) {
        let d = (offsets[v + 1] - offsets[v]) as usize;
        src.extend(std::iter::repeat_n(v as u32, d));
    }
    src
}

/// Groups edges by source, keeping their input order within each source (a stable counting sort).
pub(crate) fn counting_sort(
    n: usize,
    sources: &[u32],
    targets: &[u32],
    weights: Option<&[f32]>,
) -> (Vec<u64>, Vec<u32>, Option<Vec<f32>>) {
    let mut offsets = vec![0u64; n + 1];
    for &s in sources {
        offsets[s as usize + 1] += 1;
    }
    for v in 0..n {
        offsets[v + 1] += offsets[v];
    }
    let mut cursor: Vec<u64> = offsets[..n].to_vec();
    let mut out = vec![0u32; sources.len()];
    let mut out_w = weights.map(|_| vec![0f32; sources.len()]);
    for (e, (&s, &t)) in sources.iter().zip(targets).enumerate() {
        let slot = cursor[s as usize] as usize;
        cursor[s as usize] += 1;
        out[slot] = t;
        if let (Some(ow), Some(w)) = (&mut out_w, weights) {
            ow[slot] = w[e];
        }
    }
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
