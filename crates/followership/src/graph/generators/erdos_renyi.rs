//! Erdős–Rényi random graphs: every pair linked independently, or a fixed number of edges placed
//! uniformly.

use super::{
    GeneratorError, Stream, below, check_nodes, check_probability, directed_key, edge_set,
    for_each_rectangle_cell, for_each_triangle_pair, undirected_key,
};
use crate::graph::{Graph, GraphBuilder};

/// The Erdős–Rényi graph G(n, p) on `nodes` people: every pair (every ordered pair when
/// `directed`) is linked independently with probability `p`. The textbook random network, the
/// setting of Watts's (2002) global-cascade condition. Uses the geometric skipping of Batagelj &
/// Brandes (2005), jumping from one edge to the next, so the cost is O(nodes + edges) rather than
/// O(nodes^2).
pub fn erdos_renyi_gnp(
    nodes: usize,
    p: f64,
    directed: bool,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    const NAME: &str = "Erdős–Rényi G(n, p)";
    check_nodes(NAME, "nodes", nodes)?;
    check_probability(NAME, "p", p)?;
    let n = nodes as u64;
    let mut b = GraphBuilder::new(nodes, directed);
    let pairs = if directed {
        n * n.saturating_sub(1)
    } else {
        n * n.saturating_sub(1) / 2
    };
    // Reserve a little beyond the mean so the edge arrays are rarely regrown.
    let expected = pairs as f64 * p;
    b.reserve((expected + 4.0 * expected.sqrt()) as usize);
    if directed {
        // Row v lists the n - 1 possible targets of v, skipping v itself.
        for_each_rectangle_cell(n, n.saturating_sub(1), p, rng, |v, c| {
            let w = if c >= v { c + 1 } else { c };
            b.add_edge(v as u32, w as u32);
        });
    } else {
        for_each_triangle_pair(n, p, rng, |v, w| b.add_edge(v as u32, w as u32));
    }
    Ok(b.build().0)
}

/// G(n, p) with `p` chosen for a given expected mean degree: `p = mean_degree / (nodes - 1)`
/// (for a directed graph the mean out-degree, which equals the mean in-degree). `mean_degree` must
/// lie in [0, nodes - 1].
pub fn erdos_renyi_mean_degree(
    nodes: usize,
    mean_degree: f64,
    directed: bool,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    const NAME: &str = "Erdős–Rényi G(n, p)";
    let most = nodes.saturating_sub(1) as f64;
    if !(0.0..=most).contains(&mean_degree) {
        return Err(GeneratorError::new(
            NAME,
            "mean_degree",
            format!("mean_degree = {mean_degree} must lie in [0, nodes - 1 = {most}]"),
        ));
    }
    let p = if most > 0.0 {
        (mean_degree / most).min(1.0)
    } else {
        0.0
    };
    erdos_renyi_gnp(nodes, p, directed, rng)
}

/// The Erdős–Rényi graph G(n, m): exactly `edges` distinct edges (ordered pairs when `directed`)
/// chosen uniformly among all possible ones, without self-loops. For up to half of the possible
/// edges, pairs are drawn at random and repeats rejected with a hash set (expected cost O(nodes +
/// edges)); for denser graphs the missing edges are drawn that way instead and every other pair
/// is kept, which costs O(possible pairs) = O(edges). `edges` must not exceed the number of
/// possible edges.
pub fn erdos_renyi_gnm(
    nodes: usize,
    edges: usize,
    directed: bool,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    const NAME: &str = "Erdős–Rényi G(n, m)";
    check_nodes(NAME, "nodes", nodes)?;
    let n = nodes as u64;
    let possible = if directed {
        n * n.saturating_sub(1)
    } else {
        n * n.saturating_sub(1) / 2
    };
    if edges as u64 > possible {
        return Err(GeneratorError::new(
            NAME,
            "edges",
            format!(
                "edges = {edges} must be at most the {possible} possible {} edges among nodes = {nodes}",
                if directed { "directed" } else { "undirected" }
            ),
        ));
    }
    let mut b = GraphBuilder::new(nodes, directed);
    b.reserve(edges);
    if edges as u64 <= possible / 2 {
        draw_distinct_pairs(edges, n, directed, rng, |u, v| b.add_edge(u, v));
    } else {
        // Dense: choose the edges to leave out, then keep every other pair.
        let missing = draw_distinct_pairs(
            (possible - edges as u64) as usize,
            n,
            directed,
            rng,
            |_, _| {},
        );
        for v in 0..nodes as u32 {
            let targets = if directed { 0..nodes as u32 } else { 0..v };
            for w in targets {
                if w != v && !missing.contains(&pair_key(v, w, directed)) {
                    b.add_edge(v, w);
                }
            }
        }
    }
    Ok(b.build().0)
}

/// The key of the edge v -- w, or v -> w when `directed`.
fn pair_key(v: u32, w: u32, directed: bool) -> u64 {
    if directed {
        directed_key(v, w)
    } else {
        undirected_key(v, w)
    }
}

/// Draws `count` distinct uniform pairs of distinct people among `n` (ordered when `directed`),
/// rejecting repeats, and calls `keep` on each new pair in order of drawing. Returns the set of
/// drawn keys. Expected draws stay below `2 * count` when `count` is at most half of all pairs.
fn draw_distinct_pairs(
    count: usize,
    n: u64,
    directed: bool,
    rng: &mut Stream,
    mut keep: impl FnMut(u32, u32),
) -> super::EdgeSet {
    let mut seen = edge_set(count);
    while seen.len() < count {
        let u = below(rng, n) as u32;
        let mut v = below(rng, n - 1) as u32;
        if v >= u {
            v += 1;
        }
        if seen.insert(pair_key(u, v, directed)) {
            keep(u, v);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{rng, same_graph};
    use super::*;

    /// |observed - expected| within five standard deviations of a binomial count.
    fn within_5_sd(observed: usize, trials: f64, p: f64) -> bool {
        let mean = trials * p;
        (observed as f64 - mean).abs() < 5.0 * (trials * p * (1.0 - p)).sqrt()
    }

    #[test]
    fn gnp_edge_count_is_binomial() {
        // 5000 nodes at p = 0.002: 12 497 500 pairs, ~25 000 expected edges, sd ~ 158.
        let n = 5000usize;
        let pairs = (n * (n - 1) / 2) as f64;
        for seed in 0..3 {
            let g = erdos_renyi_gnp(n, 0.002, false, &mut rng(seed)).unwrap();
            assert!(
                within_5_sd(g.edge_count() / 2, pairs, 0.002),
                "{}",
                g.edge_count()
            );
            let g = erdos_renyi_gnp(n, 0.001, true, &mut rng(seed)).unwrap();
            assert!(
                within_5_sd(g.edge_count(), 2.0 * pairs, 0.001),
                "{}",
                g.edge_count()
            );
            assert!((0..n as u32).all(|v| !g.out_neighbors(v).contains(&v)));
        }
    }

    #[test]
    fn gnp_mean_degree_helper() {
        // Mean degree 8 over 4000 nodes: the edge count has sd sqrt(16 000) ~ 126, so the mean
        // degree 2m / n has sd ~ 0.063; allow five.
        let g = erdos_renyi_mean_degree(4000, 8.0, false, &mut rng(11)).unwrap();
        let mean = g.edge_count() as f64 / 4000.0;
        assert!((mean - 8.0).abs() < 5.0 * 0.063, "{mean}");
        let g = erdos_renyi_mean_degree(4000, 8.0, true, &mut rng(11)).unwrap();
        let mean = g.edge_count() as f64 / 4000.0;
        assert!((mean - 8.0).abs() < 5.0 * 0.045, "{mean}");
        assert_eq!(
            erdos_renyi_mean_degree(1, 0.0, false, &mut rng(0))
                .unwrap()
                .edge_count(),
            0
        );
        assert_eq!(
            erdos_renyi_mean_degree(5, 4.0, false, &mut rng(0))
                .unwrap()
                .edge_count(),
            20
        );
    }

    #[test]
    fn gnp_extremes() {
        let mut r = rng(12);
        assert_eq!(
            erdos_renyi_gnp(30, 1.0, false, &mut r)
                .unwrap()
                .edge_count(),
            30 * 29
        );
        assert_eq!(
            erdos_renyi_gnp(30, 1.0, true, &mut r).unwrap().edge_count(),
            30 * 29
        );
        assert_eq!(
            erdos_renyi_gnp(30, 0.0, true, &mut r).unwrap().edge_count(),
            0
        );
        assert_eq!(
            erdos_renyi_gnp(0, 0.5, false, &mut r).unwrap().node_count(),
            0
        );
        assert_eq!(
            erdos_renyi_gnp(1, 0.5, true, &mut r).unwrap().edge_count(),
            0
        );
    }

    #[test]
    fn gnm_has_exactly_m_edges() {
        let mut r = rng(13);
        for directed in [false, true] {
            let per_edge = if directed { 1 } else { 2 };
            // Sparse (rejection) and dense (complement) paths, and the complete extreme.
            for (n, m) in [(1000, 3000), (50, 1000), (20, 150), (20, 189), (30, 0)] {
                let possible = if directed {
                    n * (n - 1)
                } else {
                    n * (n - 1) / 2
                };
                let m = m.min(possible);
                let g = erdos_renyi_gnm(n, m, directed, &mut r).unwrap();
                assert_eq!(
                    g.edge_count(),
                    per_edge * m,
                    "n = {n}, m = {m}, directed = {directed}"
                );
                assert!((0..n as u32).all(|v| !g.out_neighbors(v).contains(&v)));
            }
            let n = 12;
            let all = if directed {
                n * (n - 1)
            } else {
                n * (n - 1) / 2
            };
            assert_eq!(
                erdos_renyi_gnm(n, all, directed, &mut r)
                    .unwrap()
                    .edge_count(),
                n * (n - 1)
            );
        }
    }

    #[test]
    fn gnm_dense_path_is_uniform() {
        // G(5, 8) undirected leaves out 2 of 10 pairs; over 4000 draws each pair is present with
        // frequency 0.8, standard error sqrt(0.16 / 4000) ~ 0.0063; allow five.
        let mut r = rng(14);
        let mut counts = [[0u32; 5]; 5];
        for _ in 0..4000 {
            let g = erdos_renyi_gnm(5, 8, false, &mut r).unwrap();
            for v in 0..5u32 {
                for &w in g.out_neighbors(v) {
                    counts[v as usize][w as usize] += 1;
                }
            }
        }
        for (v, row) in counts.iter().enumerate() {
            for (w, &c) in row.iter().enumerate() {
                if v != w {
                    let f = f64::from(c) / 4000.0;
                    assert!((f - 0.8).abs() < 5.0 * 0.0063, "({v}, {w}): {f}");
                }
            }
        }
    }

    #[test]
    fn deterministic_given_the_stream() {
        for directed in [false, true] {
            let a = erdos_renyi_gnp(500, 0.01, directed, &mut rng(1)).unwrap();
            let b = erdos_renyi_gnp(500, 0.01, directed, &mut rng(1)).unwrap();
            let c = erdos_renyi_gnp(500, 0.01, directed, &mut rng(2)).unwrap();
            assert!(same_graph(&a, &b) && !same_graph(&a, &c));
            let a = erdos_renyi_gnm(500, 1000, directed, &mut rng(1)).unwrap();
            let b = erdos_renyi_gnm(500, 1000, directed, &mut rng(1)).unwrap();
            let c = erdos_renyi_gnm(500, 1000, directed, &mut rng(2)).unwrap();
            assert!(same_graph(&a, &b) && !same_graph(&a, &c));
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        let mut r = rng(0);
        let e = erdos_renyi_gnp(10, -0.1, false, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Erdős–Rényi G(n, p): p = -0.1 must be a probability in [0, 1]"
        );
        assert_eq!(
            erdos_renyi_gnp(u32::MAX as usize + 1, 0.1, false, &mut r)
                .unwrap_err()
                .parameter,
            "nodes"
        );
        let e = erdos_renyi_gnm(10, 46, false, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Erdős–Rényi G(n, m): edges = 46 must be at most the 45 possible undirected edges among nodes = 10"
        );
        assert!(erdos_renyi_gnm(10, 90, true, &mut r).is_ok());
        assert_eq!(
            erdos_renyi_gnm(10, 91, true, &mut r).unwrap_err().parameter,
            "edges"
        );
        assert_eq!(
            erdos_renyi_mean_degree(10, 9.5, false, &mut r)
                .unwrap_err()
                .parameter,
            "mean_degree"
        );
        assert_eq!(
            erdos_renyi_mean_degree(10, f64::NAN, false, &mut r)
                .unwrap_err()
                .parameter,
            "mean_degree"
        );
    }
}
