//! The square lattice: people on a grid, each seeing the four next to them.

use super::GeneratorError;
use crate::graph::{Graph, GraphBuilder};

/// The `rows` x `cols` square lattice: person `r * cols + c` is linked to the people above,
/// below, left and right of it. With `periodic`, the edges wrap around (a torus, so every
/// degree is 4); a periodic dimension of 1 or 2 adds no wrap-around edges, since they would be
/// self-loops or repeat existing edges. The open grid has `rows * (cols - 1) + cols * (rows - 1)`
/// undirected edges, the torus (both sides at least 3) `2 * rows * cols`. The spatial baseline for
/// local, complex contagion. Positions are the cell centres, scaled by one common factor so the
/// longer side spans the unit square and spacing is the same in both directions. Deterministic,
/// so it takes no random stream.
pub fn grid_2d(rows: usize, cols: usize, periodic: bool) -> Result<Graph, GeneratorError> {
    const NAME: &str = "2-D grid";
    let nodes = rows.saturating_mul(cols);
    if nodes > u32::MAX as usize {
        return Err(GeneratorError::new(
            NAME,
            "rows",
            format!(
                "rows * cols = {rows} * {cols} exceeds the maximum of {} people (node ids are u32)",
                u32::MAX
            ),
        ));
    }
    let id = |r: usize, c: usize| (r * cols + c) as u32;
    let mut b = GraphBuilder::new(nodes, false);
    b.reserve(2 * nodes);
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols {
                b.add_edge(id(r, c), id(r, c + 1));
            } else if periodic && cols > 2 {
                b.add_edge(id(r, c), id(r, 0));
            }
            if r + 1 < rows {
                b.add_edge(id(r, c), id(r + 1, c));
            } else if periodic && rows > 2 {
                b.add_edge(id(r, c), id(0, c));
            }
        }
    }
    let scale = 1.0 / rows.max(cols).max(1) as f64;
    let positions = (0..rows)
        .flat_map(|r| {
            (0..cols).map(move |c| {
                [
                    ((c as f64 + 0.5) * scale) as f32,
                    ((r as f64 + 0.5) * scale) as f32,
                ]
            })
        })
        .collect();
    Ok(b.positions(positions).build().0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_grid_edges_and_neighbours() {
        let g = grid_2d(3, 4, false).unwrap();
        assert_eq!(g.node_count(), 12);
        assert_eq!(g.edge_count(), 2 * (3 * 3 + 4 * 2));
        assert_eq!(g.out_neighbors(0), &[1, 4]);
        assert_eq!(g.out_neighbors(5), &[1, 4, 6, 9]);
        assert_eq!(g.out_neighbors(11), &[7, 10]);
        assert_eq!(grid_2d(1, 5, false).unwrap().edge_count(), 2 * 4);
        assert_eq!(grid_2d(0, 5, false).unwrap().node_count(), 0);
    }

    #[test]
    fn torus_has_degree_four() {
        let g = grid_2d(3, 5, true).unwrap();
        assert_eq!(g.edge_count(), 2 * 2 * 15);
        assert!((0..15).all(|v| g.out_degree(v) == 4));
        assert_eq!(g.out_neighbors(0), &[1, 4, 5, 10]);
        // Short periodic sides add nothing beyond the open grid.
        assert_eq!(grid_2d(2, 5, true).unwrap().edge_count(), 2 * (2 * 5 + 5));
        assert_eq!(grid_2d(1, 4, true).unwrap().edge_count(), 2 * 4);
        assert_eq!(grid_2d(1, 1, true).unwrap().edge_count(), 0);
    }

    #[test]
    fn positions_are_evenly_spaced_cell_centres() {
        let g = grid_2d(2, 4, false).unwrap();
        let pos = g.positions().unwrap();
        assert_eq!(pos[0], [0.125, 0.125]);
        assert_eq!(pos[3], [0.875, 0.125]);
        assert_eq!(pos[4], [0.125, 0.375]);
        assert!(pos.iter().flatten().all(|&x| x > 0.0 && x < 1.0));
    }

    #[test]
    fn too_large_is_an_error() {
        let e = grid_2d(1 << 16, 1 << 16, false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2-D grid: rows * cols = 65536 * 65536 exceeds the maximum of 4294967295 people (node ids are u32)"
        );
        assert!(grid_2d(usize::MAX, 2, true).is_err());
    }
}
