//! Who dances at tick 0: the initial followers, placed at random, by id, or by degree.

use rand::RngExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::graph::Graph;
use crate::random::Stream;

/// The `[initial]` section: how the initial followers are placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "placement", rename_all = "kebab-case", deny_unknown_fields)]
pub enum InitialFollowers {
    /// Nobody starts; joining comes from thresholds at or below zero, or spontaneous courage.
    None,
    /// `count` people chosen uniformly at random, afresh in every run.
    Random {
        /// How many.
        count: usize,
    },
    /// The given people, in the network's own ids.
    Ids {
        /// Their ids.
        ids: Vec<u64>,
    },
    /// The `count` people who influence the most others (highest out-degree; ties to the lower
    /// id).
    Degree {
        /// How many.
        count: usize,
    },
    /// `count` people chosen at random inside one block (department) of a block-model network,
    /// afresh in every run.
    Block {
        /// The block, numbered from 0 in the order of `network.blocks`.
        block: u32,
        /// How many.
        count: usize,
    },
}

impl Default for InitialFollowers {
    fn default() -> Self {
        InitialFollowers::Random { count: 1 }
    }
}

impl InitialFollowers {
    /// Whether the choice changes from run to run.
    pub fn is_random(&self) -> bool {
        matches!(
            self,
            InitialFollowers::Random { .. } | InitialFollowers::Block { .. }
        )
    }

    /// Checks the placement against the network; `key` is the section's key path.
    pub fn validate(&self, graph: &Graph, key: &str) -> Result<(), InputError> {
        let n = graph.node_count();
        match self {
            InitialFollowers::Block { block, count } => {
                let Some(blocks) = graph.blocks() else {
                    return Err(InputError::new(
                        format!("{key}.block"),
                        "placement in a block needs a block-model network (kind = \"stochastic-block\")",
                    ));
                };
                let size = blocks.iter().filter(|&&b| b == *block).count();
                if size == 0 {
                    return Err(InputError::new(
                        format!("{key}.block"),
                        format!("block {block} does not exist; blocks are numbered from 0"),
                    ));
                }
                if *count > size {
                    return Err(InputError::new(
                        format!("{key}.count"),
                        format!("count = {count} is larger than block {block} ({size} people)"),
                    ));
                }
                Ok(())
            }
            InitialFollowers::None => Ok(()),
            InitialFollowers::Random { count } | InitialFollowers::Degree { count } => {
                if *count > n {
                    Err(InputError::new(
                        format!("{key}.count"),
                        format!("count = {count} is larger than the network ({n} people)"),
                    ))
                } else {
                    Ok(())
                }
            }
            InitialFollowers::Ids { ids } => {
                let mut seen = std::collections::HashSet::new();
                for (i, &id) in ids.iter().enumerate() {
                    if graph.node_of_label(id).is_none() {
                        return Err(InputError::new(
                            format!("{key}.ids[{i}]"),
                            format!(
                                "node {id} is not in the network; use ids as they appear in the network"
                            ),
                        ));
                    }
                    if !seen.insert(id) {
                        return Err(InputError::new(
                            format!("{key}.ids[{i}]"),
                            format!("node {id} is listed twice"),
                        ));
                    }
                }
                Ok(())
            }
        }
    }

    /// Like [`InitialFollowers::place`], never choosing anyone in `exclude` (the leaders): the
    /// count is still met when the network has room.
    pub fn place_excluding(&self, graph: &Graph, rng: &mut Stream, exclude: &[u32]) -> Vec<u32> {
        if exclude.is_empty() {
            return self.place(graph, rng);
        }
        let widened = match self {
            InitialFollowers::Random { count } => InitialFollowers::Random {
                count: (count + exclude.len()).min(graph.node_count()),
            },
            InitialFollowers::Degree { count } => InitialFollowers::Degree {
                count: (count + exclude.len()).min(graph.node_count()),
            },
            InitialFollowers::Block { block, count } => {
                let size = graph
                    .blocks()
                    .map_or(0, |b| b.iter().filter(|&&x| x == *block).count());
                InitialFollowers::Block {
                    block: *block,
                    count: (count + exclude.len()).min(size),
                }
            }
            other => other.clone(),
        };
        let wanted = match self {
            InitialFollowers::Random { count }
            | InitialFollowers::Degree { count }
            | InitialFollowers::Block { count, .. } => *count,
            InitialFollowers::Ids { ids } => ids.len(),
            InitialFollowers::None => 0,
        };
        let mut chosen = widened.place(graph, rng);
        chosen.retain(|v| !exclude.contains(v));
        chosen.truncate(wanted);
        chosen
    }

    /// The dense ids of the initial followers for one run (validated first).
    pub fn place(&self, graph: &Graph, rng: &mut Stream) -> Vec<u32> {
        let n = graph.node_count();
        match self {
            InitialFollowers::None => Vec::new(),
            InitialFollowers::Random { count } => sample_distinct(n, *count, rng),
            InitialFollowers::Ids { ids } => ids
                .iter()
                .map(|&id| graph.node_of_label(id).expect("validated"))
                .collect(),
            InitialFollowers::Degree { count } => highest_degree(graph, *count),
            InitialFollowers::Block { block, count } => {
                let members: Vec<u32> = graph
                    .blocks()
                    .expect("validated: the network has blocks")
                    .iter()
                    .enumerate()
                    .filter(|&(_, b)| b == block)
                    .map(|(v, _)| v as u32)
                    .collect();
                sample_distinct(members.len(), *count, rng)
                    .into_iter()
                    .map(|i| members[i as usize])
                    .collect()
            }
        }
    }
}

/// `k` distinct ids out of `0..n`, uniformly: Floyd's algorithm for small `k`, a partial shuffle
/// otherwise.
pub fn sample_distinct(n: usize, k: usize, rng: &mut Stream) -> Vec<u32> {
    if k * 4 < n {
        let mut chosen = std::collections::HashSet::with_capacity(k);
        let mut out = Vec::with_capacity(k);
        for j in n - k..n {
            let t = rng.random_range(0..=j);
            let pick = if chosen.insert(t) { t } else { j };
            chosen.insert(pick);
            out.push(pick as u32);
        }
        out
    } else {
        let mut all: Vec<u32> = (0..n as u32).collect();
        for i in 0..k {
            let j = rng.random_range(i..n);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
}

/// The `k` people of highest out-degree, ties broken by lower id.
pub fn highest_degree(graph: &Graph, k: usize) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..graph.node_count() as u32).collect();
    let key = |v: &u32| (std::cmp::Reverse(graph.out_degree(*v)), *v);
    if k < ids.len() {
        ids.select_nth_unstable_by_key(k, key);
        ids.truncate(k);
    }
    ids.sort_unstable_by_key(key);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Purpose, stream};

    #[test]
    fn sampled_ids_are_distinct_and_in_range() {
        for (n, k) in [(1000, 10), (10, 9), (5, 5)] {
            let s = sample_distinct(n, k, &mut stream(3, 0, 0, Purpose::Placement));
            let set: std::collections::HashSet<_> = s.iter().collect();
            assert_eq!(set.len(), k);
            assert!(s.iter().all(|&v| (v as usize) < n));
        }
    }
}
