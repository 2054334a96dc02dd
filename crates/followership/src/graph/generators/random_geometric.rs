//! Random geometric graphs: people scattered in space, linked to everyone within reach.

use rand::Rng;

use super::{GeneratorError, Stream, check_nodes};
use crate::graph::{Graph, GraphBuilder};

const NAME: &str = "random geometric graph";

/// The random geometric graph on `nodes` people placed uniformly in the unit square: two people
/// are linked when their Euclidean distance is at most `radius` (no wrap-around). Spatial,
/// clustered networks where influence is local. The positions are kept ([`Graph::positions`],
/// as `f32`; distances are computed from those stored values, so the graph is exactly the one
/// they define). People are bucketed into a grid of square cells of side at least `radius`, and
/// only pairs in the same or adjacent cells are compared, so the cost is O(nodes + edges).
/// `radius` must be finite and non-negative.
pub fn random_geometric(
    nodes: usize,
    radius: f64,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    check_nodes(NAME, "nodes", nodes)?;
    if !(radius >= 0.0 && radius.is_finite()) {
        return Err(GeneratorError::new(
            NAME,
            "radius",
            format!("radius = {radius} must be finite and non-negative"),
        ));
    }
    let positions: Vec<[f32; 2]> = (0..nodes).map(|_| [unit_f32(rng), unit_f32(rng)]).collect();

    // Cells per side: as many as fit with side >= radius, but no more cells than about one per
    // person, so that tiny radii do not allocate a huge empty grid.
    let max_side = ((nodes as f64).sqrt().ceil() as usize).max(1);
    let mut side = if radius > 0.0 {
        (1.0 / radius).floor().min(max_side as f64) as usize
    } else {
        max_side
    };
    // Guard against 1 / radius rounding up to an integer that would make cells narrower than
    // radius.
    while side > 1 && side as f64 * radius > 1.0 {
        side -= 1;
    }
    let side = side.max(1);
    let cell_of = |p: [f32; 2]| {
        let cx = ((f64::from(p[0]) * side as f64) as usize).min(side - 1);
        let cy = ((f64::from(p[1]) * side as f64) as usize).min(side - 1);
        (cx, cy)
    };

    // Counting sort of people by cell (row-major), keeping id order within a cell.
    let cells = side * side;
    let mut start = vec![0usize; cells + 1];
    for &p in &positions {
        let (cx, cy) = cell_of(p);
        start[cy * side + cx + 1] += 1;
    }
    for c in 0..cells {
        start[c + 1] += start[c];
    }
    let mut cursor = start[..cells].to_vec();
    let mut members = vec![0u32; nodes];
    for (v, &p) in positions.iter().enumerate() {
        let (cx, cy) = cell_of(p);
        let c = cy * side + cx;
        members[cursor[c]] = v as u32;
        cursor[c] += 1;
    }
    drop(cursor);

    let r2 = radius * radius;
    let close = |v: u32, w: u32| {
        let (a, b) = (positions[v as usize], positions[w as usize]);
        let dx = f64::from(a[0]) - f64::from(b[0]);
        let dy = f64::from(a[1]) - f64::from(b[1]);
        dx * dx + dy * dy <= r2
    };
    let mut b = GraphBuilder::new(nodes, false);
    let expected =
        nodes as f64 * nodes.saturating_sub(1) as f64 / 2.0 * (std::f64::consts::PI * r2).min(1.0);
    b.reserve(expected as usize);
    for cy in 0..side {
        for cx in 0..side {
            let here = &members[start[cy * side + cx]..start[cy * side + cx + 1]];
            for (i, &v) in here.iter().enumerate() {
                for &w in &here[i + 1..] {
                    if close(v, w) {
                        b.add_edge(v, w);
                    }
                }
            }
            // Forward neighbours only (right, and the three below), so each pair of cells is
            // compared once.
            for (dx, dy) in [(1isize, 0isize), (-1, 1), (0, 1), (1, 1)] {
                let (nx, ny) = (cx as isize + dx, cy as isize + dy);
                if nx < 0 || nx >= side as isize || ny >= side as isize {
                    continue;
                }
                let c = ny as usize * side + nx as usize;
                let there = &members[start[c]..start[c + 1]];
                for &v in here {
                    for &w in there {
                        if close(v, w) {
                            b.add_edge(v, w);
                        }
                    }
                }
            }
        }
    }
    Ok(b.positions(positions).build().0)
}

/// The random geometric graph with the radius chosen for an expected mean degree:
/// `radius = sqrt(mean_degree / (pi * (nodes - 1)))`, which gives a person far from the border
/// `mean_degree` expected neighbours. People near the border have part of their disc outside the
/// square, so the realised mean degree is slightly lower: by a factor of about
/// `1 - (8 / (3 pi)) * radius` (1.5% lower at 10 000 people and mean degree 10).
/// `mean_degree` must lie in [0, nodes - 1].
pub fn random_geometric_mean_degree(
    nodes: usize,
    mean_degree: f64,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    let others = nodes.saturating_sub(1) as f64;
    if !(0.0..=others).contains(&mean_degree) {
        return Err(GeneratorError::new(
            NAME,
            "mean_degree",
            format!("mean_degree = {mean_degree} must lie in [0, nodes - 1 = {others}]"),
        ));
    }
    let radius = if others > 0.0 {
        (mean_degree / (std::f64::consts::PI * others)).sqrt()
    } else {
        0.0
    };
    random_geometric(nodes, radius, rng)
}

/// A uniform `f32` in [0, 1) with 24 random bits (every value exactly representable).
#[inline]
fn unit_f32(rng: &mut Stream) -> f32 {
    (rng.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{mean_degree, rng, same_graph};
    use super::*;

    /// Probability that two uniform points of the unit square are within distance r <= 1.
    fn pair_probability(r: f64) -> f64 {
        std::f64::consts::PI * r * r - 8.0 / 3.0 * r.powi(3) + 0.5 * r.powi(4)
    }

    #[test]
    fn edges_are_exactly_the_close_pairs() {
        // Compare with brute force over all pairs, for radii spanning one to many cells.
        for (seed, n, r) in [
            (1, 400, 0.08),
            (2, 300, 0.3),
            (3, 50, 0.9),
            (4, 200, 0.0),
            (5, 30, 2.0),
        ] {
            let g = random_geometric(n, r, &mut rng(seed)).unwrap();
            let pos = g.positions().unwrap();
            assert_eq!(pos.len(), n);
            assert!(pos.iter().flatten().all(|&x| (0.0..1.0).contains(&x)));
            for v in 0..n as u32 {
                let expected: Vec<u32> = (0..n as u32)
                    .filter(|&w| {
                        let (a, b) = (pos[v as usize], pos[w as usize]);
                        let dx = f64::from(a[0]) - f64::from(b[0]);
                        let dy = f64::from(a[1]) - f64::from(b[1]);
                        w != v && dx * dx + dy * dy <= r * r
                    })
                    .collect();
                assert_eq!(g.out_neighbors(v), &expected[..], "seed {seed}, node {v}");
            }
        }
    }

    #[test]
    fn mean_degree_matches_the_border_corrected_expectation() {
        // E[degree] = (n - 1) * P(pair within r), with the exact border-corrected probability
        // pi r^2 - 8/3 r^3 + r^4 / 2. The sd of the mean degree over seeds is ~0.04 at this size;
        // allow 0.2 (five of them).
        let (n, k) = (10_000, 10.0);
        let g = random_geometric_mean_degree(n, k, &mut rng(6)).unwrap();
        let r = (k / (std::f64::consts::PI * (n - 1) as f64)).sqrt();
        let expected = (n - 1) as f64 * pair_probability(r);
        let mean = mean_degree(&g);
        assert!((mean - expected).abs() < 0.2, "{mean} vs {expected}");
        assert!(mean < k);
        // People at least r from the border have the full disc: their mean degree is k. Over
        // ~8900 such people with Poisson(10) degrees (positively correlated through shared
        // neighbourhoods, so allow a generous 0.25 rather than 5 * sqrt(10 / 8900) = 0.17).
        let pos = g.positions().unwrap();
        let r = r as f32;
        let interior: Vec<u32> = (0..n as u32)
            .filter(|&v| pos[v as usize].iter().all(|&x| x >= r && x <= 1.0 - r))
            .collect();
        let inner_mean = interior
            .iter()
            .map(|&v| g.out_degree(v) as f64)
            .sum::<f64>()
            / interior.len() as f64;
        assert!((inner_mean - k).abs() < 0.25, "{inner_mean}");
    }

    #[test]
    fn deterministic_given_the_stream() {
        let a = random_geometric(1000, 0.05, &mut rng(7)).unwrap();
        let b = random_geometric(1000, 0.05, &mut rng(7)).unwrap();
        let c = random_geometric(1000, 0.05, &mut rng(8)).unwrap();
        assert!(same_graph(&a, &b));
        assert!(!same_graph(&a, &c));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let mut r = rng(0);
        let e = random_geometric(10, -0.5, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "random geometric graph: radius = -0.5 must be finite and non-negative"
        );
        assert_eq!(
            random_geometric(10, f64::NAN, &mut r)
                .unwrap_err()
                .parameter,
            "radius"
        );
        assert_eq!(
            random_geometric(10, f64::INFINITY, &mut r)
                .unwrap_err()
                .parameter,
            "radius"
        );
        assert_eq!(
            random_geometric_mean_degree(10, 10.0, &mut r)
                .unwrap_err()
                .parameter,
            "mean_degree"
        );
        assert_eq!(
            random_geometric_mean_degree(1, 0.0, &mut r)
                .unwrap()
                .node_count(),
            1
        );
        assert_eq!(
            random_geometric_mean_degree(0, 0.0, &mut r)
                .unwrap()
                .node_count(),
            0
        );
    }
}
