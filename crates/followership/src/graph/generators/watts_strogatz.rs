//! The Watts–Strogatz small world: a ring lattice with some edges rewired at random.

use super::ring_lattice::{check_ring, lattice_edges};
use super::{GeneratorError, Stream, below, check_probability, edge_set, undirected_key};
use crate::graph::{Graph, GraphBuilder};
use crate::random::unit_f64;

/// The Watts–Strogatz small-world network (Watts & Strogatz 1998, as in networkx): start from
/// [`ring_lattice`](super::ring_lattice)`(nodes, k)`, then, offset by offset and node by node,
/// rewire each lattice edge `u -- v` with probability `p` to `u -- w`, where `w` is uniform among
/// the people that are neither `u` nor already linked to `u` (an edge of a person already linked
/// to everyone is left alone). Rewiring keeps the edge count at `nodes * k / 2`; `p = 0` is the
/// lattice, `p = 1` is close to a random graph, and small `p` gives short paths with high
/// clustering. Expected cost O(nodes * k).
pub fn watts_strogatz(
    nodes: usize,
    k: usize,
    p: f64,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    const NAME: &str = "Watts-Strogatz";
    check_ring(NAME, nodes, k)?;
    check_probability(NAME, "p", p)?;
    let mut edges: Vec<(u32, u32)> = lattice_edges(nodes, k).collect();
    if p > 0.0 {
        let mut present = edge_set(edges.len());
        present.extend(edges.iter().map(|&(u, v)| undirected_key(u, v)));
        let mut degree = vec![k as u32; nodes];
        let full = (nodes - 1) as u32;
        for edge in &mut edges {
            let (u, v) = *edge;
            if unit_f64(rng) >= p || degree[u as usize] >= full {
                continue;
            }
            // Someone is still unlinked to `u`, so this ends; the expected number of draws is
            // nodes / (nodes - 1 - degree), small for sparse graphs.
            let w = loop {
                let w = below(rng, nodes as u64) as u32;
                if w != u && !present.contains(&undirected_key(u, w)) {
                    break w;
                }
            };
            present.remove(&undirected_key(u, v));
            present.insert(undirected_key(u, w));
            degree[v as usize] -= 1;
            degree[w as usize] += 1;
            *edge = (u, w);
        }
    }
    let mut b = GraphBuilder::new(nodes, false);
    b.reserve(edges.len());
    for (u, v) in edges {
        b.add_edge(u, v);
    }
    Ok(b.build().0)
}

#[cfg(test)]
mod tests {
    use super::super::ring_lattice;
    use super::super::test_util::{rng, same_graph};
    use super::*;

    #[test]
    fn no_rewiring_is_the_ring_lattice() {
        let g = watts_strogatz(50, 6, 0.0, &mut rng(1)).unwrap();
        assert!(same_graph(&g, &ring_lattice(50, 6).unwrap()));
    }

    #[test]
    fn full_rewiring_keeps_the_edge_count() {
        for (n, k) in [(200, 4), (9, 8), (12, 6)] {
            let g = watts_strogatz(n, k, 1.0, &mut rng(2)).unwrap();
            // Any duplicate or self-loop would have been dropped by the builder.
            assert_eq!(g.edge_count(), n * k, "n = {n}, k = {k}");
            assert!(!same_graph(&g, &ring_lattice(n, k).unwrap()) || k == n - 1);
        }
    }

    #[test]
    fn rewired_fraction_matches_p() {
        // 2000 * 6 / 2 = 6000 edges, each rewired with p = 0.2: 1200 expected, standard deviation
        // sqrt(6000 * 0.2 * 0.8) ~ 31. A rewired edge almost always lands beyond the lattice
        // distance k / 2 = 3 (those slots are taken), so count such "long" edges; allow 5 sd.
        let (n, k, p) = (2000u32, 6usize, 0.2);
        let g = watts_strogatz(n as usize, k, p, &mut rng(3)).unwrap();
        let mut long = 0;
        for u in 0..n {
            for &v in g.out_neighbors(u) {
                let d = u.abs_diff(v).min(n - u.abs_diff(v));
                if u < v && d > 3 {
                    long += 1;
                }
            }
        }
        assert!(
            (f64::from(long) - 1200.0).abs() < 5.0 * 31.0,
            "{long} long edges"
        );
        assert_eq!(g.edge_count(), n as usize * k);
    }

    #[test]
    fn deterministic_given_the_stream() {
        let a = watts_strogatz(300, 4, 0.3, &mut rng(7)).unwrap();
        let b = watts_strogatz(300, 4, 0.3, &mut rng(7)).unwrap();
        let c = watts_strogatz(300, 4, 0.3, &mut rng(8)).unwrap();
        assert!(same_graph(&a, &b));
        assert!(!same_graph(&a, &c));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let mut r = rng(0);
        assert_eq!(
            watts_strogatz(10, 3, 0.1, &mut r).unwrap_err().parameter,
            "k"
        );
        assert_eq!(
            watts_strogatz(10, 10, 0.1, &mut r).unwrap_err().parameter,
            "k"
        );
        let e = watts_strogatz(10, 4, 1.5, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Watts-Strogatz: p = 1.5 must be a probability in [0, 1]"
        );
        assert_eq!(
            watts_strogatz(10, 4, f64::NAN, &mut r)
                .unwrap_err()
                .parameter,
            "p"
        );
    }
}
