//! The `[network]` section of a scenario: which generator or file makes the network.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Graph;
use super::generators::{self, GeneratorError};
use super::load::{self, Format, LoadOptions};
use crate::error::{Error, InputError};
use crate::limits;
use crate::random::Stream;

/// How the network is made: a seeded generator, or a file of edges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum NetworkSpec {
    /// Everyone sees everyone.
    Complete {
        /// Number of people.
        nodes: usize,
    },
    /// A ring where each person sees the `k / 2` nearest on each side.
    RingLattice {
        /// Number of people.
        nodes: usize,
        /// Contacts per person (even).
        k: usize,
    },
    /// A ring lattice whose edges are rewired at random with probability `p` (small world).
    WattsStrogatz {
        /// Number of people.
        nodes: usize,
        /// Contacts per person before rewiring (even).
        k: usize,
        /// Rewiring probability in [0, 1].
        p: f64,
    },
    /// Random edges: give exactly one of `edges` (exact count) or `mean_degree`.
    ErdosRenyi {
        /// Number of people.
        nodes: usize,
        /// Exact number of edges.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        edges: Option<usize>,
        /// Expected number of contacts per person.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean_degree: Option<f64>,
        /// Whether edges have a direction.
        #[serde(default)]
        directed: bool,
    },
    /// Preferential attachment: each newcomer links to `m` people, favouring the well connected.
    BarabasiAlbert {
        /// Number of people.
        nodes: usize,
        /// Links per newcomer.
        m: usize,
    },
    /// A random network with the given degree of each person (self-loops and repeated edges
    /// are dropped).
    Configuration {
        /// Degree of each person; the sum must be even.
        degrees: Vec<u32>,
    },
    /// A configuration model with power-law degrees `P(k) ~ k^-exponent`.
    PowerLaw {
        /// Number of people.
        nodes: usize,
        /// Exponent of the degree distribution (> 0).
        exponent: f64,
        /// Smallest degree.
        min_degree: u32,
        /// Largest degree.
        max_degree: u32,
    },
    /// Departments or levels of an organisation: give `p_in` and `p_out` (dense inside blocks,
    /// sparse between them), or a full `probabilities` matrix (for a hierarchy: who links with
    /// whom between levels).
    StochasticBlock {
        /// Size of each block.
        blocks: Vec<usize>,
        /// Edge probability inside a block.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p_in: Option<f64>,
        /// Edge probability between blocks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p_out: Option<f64>,
        /// Edge probability between block `a` and block `b` at row `a`, column `b` (symmetric).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        probabilities: Option<Vec<Vec<f64>>>,
    },
    /// People scattered on a unit square who see everyone within a radius (a hillside); give
    /// exactly one of `radius` or `mean_degree`.
    RandomGeometric {
        /// Number of people.
        nodes: usize,
        /// How far people see.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        radius: Option<f64>,
        /// Expected number of contacts away from the border (people near the edge of the square
        /// see fewer, so the realised mean is slightly lower).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean_degree: Option<f64>,
    },
    /// A 2-D lattice where each person sees the four next to them.
    Grid {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
        /// Whether the edges wrap around (a torus).
        #[serde(default)]
        periodic: bool,
    },
    /// A real network from an edge list or CSV file (`.gz` read transparently).
    File {
        /// Path, relative to the scenario file.
        path: PathBuf,
        /// Whether a line `u v` is one-way (`v` sees `u`); otherwise both see each other.
        #[serde(default)]
        directed: bool,
        /// `auto` (by extension), `edge-list` or `csv`.
        #[serde(default)]
        format: Format,
        /// Flip every edge (for files listing "u follows v" where influence flows v -> u).
        #[serde(default)]
        reverse: bool,
        /// Keep a memory-mapped binary copy next to the file for fast reloads.
        #[serde(default = "yes")]
        cache: bool,
    },
}

fn yes() -> bool {
    true
}

impl NetworkSpec {
    /// Whether building draws random numbers (so replicates may each get their own network).
    pub fn is_random(&self) -> bool {
        !matches!(
            self,
            NetworkSpec::Complete { .. }
                | NetworkSpec::RingLattice { .. }
                | NetworkSpec::Grid { .. }
                | NetworkSpec::File { .. }
        )
    }

    /// How many people a generated network has and about how many edges it stores (each
    /// undirected edge twice; for random networks the expected number), with the key that sets
    /// the size; `None` for a network file, whose size is that of the file.
    fn size(&self) -> Option<(f64, f64, &'static str)> {
        let n = |nodes: usize| nodes as f64;
        Some(match self {
            NetworkSpec::Complete { nodes } => (n(*nodes), n(*nodes) * (n(*nodes) - 1.0), "nodes"),
            NetworkSpec::RingLattice { nodes, k } | NetworkSpec::WattsStrogatz { nodes, k, .. } => {
                (n(*nodes), n(*nodes) * *k as f64, "k")
            }
            NetworkSpec::ErdosRenyi {
                nodes,
                edges,
                mean_degree,
                directed,
            } => match (edges, mean_degree) {
                (Some(m), _) => (
                    n(*nodes),
                    *m as f64 * if *directed { 1.0 } else { 2.0 },
                    "edges",
                ),
                (None, k) => (n(*nodes), n(*nodes) * k.unwrap_or(0.0), "mean_degree"),
            },
            NetworkSpec::BarabasiAlbert { nodes, m } => {
                (n(*nodes), 2.0 * n(*nodes) * *m as f64, "m")
            }
            NetworkSpec::Configuration { degrees } => (
                degrees.len() as f64,
                degrees.iter().map(|&d| f64::from(d)).sum(),
                "degrees",
            ),
            NetworkSpec::PowerLaw {
                nodes,
                exponent,
                min_degree,
                max_degree,
            } => {
                // The mean of k^-exponent on [min, max], by the integral over the half-unit
                // margins (the exact sum costs a term per degree).
                let integral = |power: f64| {
                    let (a, b) = (f64::from(*min_degree) - 0.5, f64::from(*max_degree) + 0.5);
                    let a = a.max(0.5);
                    if (power + 1.0).abs() < 1e-12 {
                        (b / a).ln()
                    } else {
                        (b.powf(power + 1.0) - a.powf(power + 1.0)) / (power + 1.0)
                    }
                };
                let mean = integral(1.0 - exponent) / integral(-exponent);
                (n(*nodes), n(*nodes) * mean, "max_degree")
            }
            NetworkSpec::StochasticBlock {
                blocks,
                p_in,
                p_out,
                probabilities,
            } => {
                let sizes: Vec<f64> = blocks.iter().map(|&b| b as f64).collect();
                let people: f64 = sizes.iter().sum();
                let edges = match probabilities {
                    Some(matrix) => {
                        let mut e = 0.0;
                        for (a, row) in matrix.iter().enumerate() {
                            for (b, &p) in row.iter().enumerate() {
                                let (sa, sb) = (
                                    sizes.get(a).copied().unwrap_or(0.0),
                                    sizes.get(b).copied().unwrap_or(0.0),
                                );
                                e += p * sa * if a == b { sa - 1.0 } else { sb };
                            }
                        }
                        e
                    }
                    None => {
                        let inside: f64 = sizes.iter().map(|s| s * (s - 1.0)).sum();
                        let squares: f64 = sizes.iter().map(|s| s * s).sum();
                        p_in.unwrap_or(0.0) * inside
                            + p_out.unwrap_or(0.0) * (people * people - squares)
                    }
                };
                (people, edges, "blocks")
            }
            NetworkSpec::RandomGeometric {
                nodes,
                radius,
                mean_degree,
            } => {
                let others = (n(*nodes) - 1.0).max(0.0);
                let degree = match (radius, mean_degree) {
                    (Some(r), _) => (std::f64::consts::PI * r * r * others).min(others),
                    (None, k) => k.unwrap_or(0.0),
                };
                (
                    n(*nodes),
                    n(*nodes) * degree,
                    if radius.is_some() {
                        "radius"
                    } else {
                        "mean_degree"
                    },
                )
            }
            NetworkSpec::Grid { rows, cols, .. } => {
                let people = *rows as f64 * *cols as f64;
                (people, 4.0 * people, "rows")
            }
            NetworkSpec::File { .. } => return None,
        })
    }

    /// Checks that a generated network fits the limits on people and stored edges (see
    /// [`limits`]), before any memory is taken for it.
    pub fn check_size(&self) -> Result<(), InputError> {
        let Some((people, edges, key)) = self.size() else {
            return Ok(());
        };
        let people_key = match self {
            NetworkSpec::Configuration { .. } => "degrees",
            NetworkSpec::StochasticBlock { .. } => "blocks",
            NetworkSpec::Grid { .. } => "rows",
            _ => "nodes",
        };
        // (A NaN from nonsensical parameters passes both checks; the generators explain it.)
        if people > limits::MAX_PEOPLE as f64 {
            return Err(InputError::new(
                format!("network.{people_key}"),
                format!(
                    "{people:.0} people is above the limit of {} people; give fewer",
                    limits::grouped(limits::MAX_PEOPLE as u64)
                ),
            ));
        }
        if edges > limits::MAX_EDGES as f64 {
            let what = if matches!(self, NetworkSpec::Complete { .. }) {
                "everyone sees everyone, so "
            } else {
                ""
            };
            return Err(InputError::new(
                format!("network.{key}"),
                format!(
                    "{what}this network of {} people would store about {} edges (each \
                     undirected edge twice), above the limit of {}; give fewer people or fewer \
                     contacts each",
                    limits::grouped(people as u64),
                    if edges < 1e19 {
                        limits::grouped(edges as u64)
                    } else {
                        format!("{edges:.1e}")
                    },
                    limits::grouped(limits::MAX_EDGES)
                ),
            ));
        }
        Ok(())
    }

    /// Checks the choices the generators cannot see (which of two alternatives is given), the
    /// size of a generated network, and that it has people: the generators' own checks would
    /// blame another key (`nodes = 0` reads as a bad `mean_degree`).
    pub fn validate(&self) -> Result<(), InputError> {
        self.check_people()?;
        let one_of = |a: (&str, bool), b: (&str, bool)| match (a.1, b.1) {
            (true, false) | (false, true) => Ok(()),
            (true, true) => Err(InputError::new(
                format!("network.{}", b.0),
                format!("give either `{}` or `{}`, not both", a.0, b.0),
            )),
            (false, false) => Err(InputError::new(
                "network",
                format!("this network needs `{}` or `{}`; add one of them", a.0, b.0),
            )),
        };
        match self {
            NetworkSpec::ErdosRenyi {
                edges, mean_degree, ..
            } => one_of(
                ("edges", edges.is_some()),
                ("mean_degree", mean_degree.is_some()),
            ),
            NetworkSpec::StochasticBlock {
                p_in,
                p_out,
                probabilities,
                ..
            } => match (p_in, p_out, probabilities) {
                (Some(_), Some(_), None) | (None, None, Some(_)) => Ok(()),
                _ => Err(InputError::new(
                    "network",
                    "a stochastic block model needs both `p_in` and `p_out`, or a `probabilities` matrix (not both)",
                )),
            },
            NetworkSpec::RandomGeometric {
                radius,
                mean_degree,
                ..
            } => one_of(
                ("radius", radius.is_some()),
                ("mean_degree", mean_degree.is_some()),
            ),
            _ => Ok(()),
        }?;
        self.check_size()
    }

    /// A generated network of nobody is refused at its size key, so the message names what to
    /// change.
    fn check_people(&self) -> Result<(), InputError> {
        let none = |key: &str, what: &str| {
            Err(InputError::new(
                format!("network.{key}"),
                format!("{what}, so the network has no people; give at least 1"),
            ))
        };
        match self {
            NetworkSpec::Complete { nodes }
            | NetworkSpec::RingLattice { nodes, .. }
            | NetworkSpec::WattsStrogatz { nodes, .. }
            | NetworkSpec::ErdosRenyi { nodes, .. }
            | NetworkSpec::BarabasiAlbert { nodes, .. }
            | NetworkSpec::PowerLaw { nodes, .. }
            | NetworkSpec::RandomGeometric { nodes, .. }
                if *nodes == 0 =>
            {
                none("nodes", "nodes = 0")
            }
            NetworkSpec::Grid { rows: 0, .. } => none("rows", "rows = 0"),
            NetworkSpec::Grid { cols: 0, .. } => none("cols", "cols = 0"),
            NetworkSpec::Configuration { degrees } if degrees.is_empty() => {
                none("degrees", "degrees = [] lists nobody")
            }
            NetworkSpec::StochasticBlock { blocks, .. } if blocks.iter().all(|&b| b == 0) => {
                none("blocks", "the blocks hold nobody")
            }
            _ => Ok(()),
        }
    }

    /// The message for a network that was built but has nobody in it (only a file can do that
    /// once [`NetworkSpec::validate`] passed): at the key to change, with a fix.
    pub fn empty_network_error(&self) -> InputError {
        match self {
            NetworkSpec::File { path, .. } => InputError::new(
                "network.path",
                format!(
                    "{} holds no edges, so the network has no people; give a file with lines \
                     `source target` (lines starting with # or % are comments)",
                    path.display()
                ),
            ),
            _ => InputError::new(
                "network",
                "the network has no people; give it at least 1 person",
            ),
        }
    }

    /// Builds the network; `base` is the directory relative paths start from. `notes` receives
    /// what the user should hear about (edges dropped from a file, cache problems).
    pub fn build(
        &self,
        rng: &mut Stream,
        base: &Path,
        notes: &mut Vec<String>,
    ) -> Result<Graph, Error> {
        // Values set by a sweep or a sensitivity design reach here without `validate`.
        self.check_size()?;
        let generated = match self {
            NetworkSpec::Complete { nodes } => generators::complete(*nodes),
            NetworkSpec::RingLattice { nodes, k } => generators::ring_lattice(*nodes, *k),
            NetworkSpec::WattsStrogatz { nodes, k, p } => {
                generators::watts_strogatz(*nodes, *k, *p, rng)
            }
            NetworkSpec::ErdosRenyi {
                nodes,
                edges,
                mean_degree,
                directed,
            } => match (edges, mean_degree) {
                (Some(m), _) => generators::erdos_renyi_gnm(*nodes, *m, *directed, rng),
                (None, Some(k)) => generators::erdos_renyi_mean_degree(*nodes, *k, *directed, rng),
                (None, None) => unreachable!("validated: one of edges or mean_degree"),
            },
            NetworkSpec::BarabasiAlbert { nodes, m } => {
                generators::barabasi_albert(*nodes, *m, rng)
            }
            NetworkSpec::Configuration { degrees } => generators::configuration_model(degrees, rng),
            NetworkSpec::PowerLaw {
                nodes,
                exponent,
                min_degree,
                max_degree,
            } => generators::configuration_power_law(
                *nodes,
                *exponent,
                *min_degree,
                *max_degree,
                rng,
            ),
            NetworkSpec::StochasticBlock {
                blocks,
                p_in,
                p_out,
                probabilities,
            } => match (p_in, p_out, probabilities) {
                (_, _, Some(matrix)) => generators::sbm_matrix(blocks, matrix, rng),
                (Some(p_in), Some(p_out), None) => {
                    generators::stochastic_block_model(blocks, *p_in, *p_out, rng)
                }
                _ => unreachable!("validated: p_in and p_out, or probabilities"),
            },
            NetworkSpec::RandomGeometric {
                nodes,
                radius,
                mean_degree,
            } => match (radius, mean_degree) {
                (Some(r), _) => generators::random_geometric(*nodes, *r, rng),
                (None, Some(k)) => generators::random_geometric_mean_degree(*nodes, *k, rng),
                (None, None) => unreachable!("validated: one of radius or mean_degree"),
            },
            NetworkSpec::Grid {
                rows,
                cols,
                periodic,
            } => generators::grid_2d(*rows, *cols, *periodic),
            NetworkSpec::File {
                path,
                directed,
                format,
                reverse,
                cache,
            } => {
                let opts = LoadOptions {
                    directed: *directed,
                    format: *format,
                    reverse: *reverse,
                    cache: *cache,
                    ..LoadOptions::default()
                };
                let loaded = load::load_graph(&base.join(path), &opts)
                    .map_err(|e| InputError::new("network.path", e.to_string()))?;
                let r = &loaded.report;
                let shown = path.display();
                if r.self_loops_dropped > 0 || r.duplicates_dropped > 0 {
                    notes.push(format!(
                        "{shown}: dropped {} self-loops and {} duplicate edges",
                        r.self_loops_dropped, r.duplicates_dropped
                    ));
                }
                if let Some(w) = &r.cache_warning {
                    notes.push(format!("{shown}: {w}"));
                }
                return Ok(loaded.graph);
            }
        };
        generated.map_err(|e: GeneratorError| {
            InputError::new(format!("network.{}", e.parameter), e.to_string()).into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_and_message(spec: &NetworkSpec) -> (String, String) {
        let e = spec.validate().expect_err("should be refused");
        (e.place, e.message)
    }

    #[test]
    fn networks_too_large_for_memory_are_refused_before_building() {
        // 10^9 people seeing each other: 10^18 edges.
        let (place, message) = place_and_message(&NetworkSpec::Complete {
            nodes: 1_000_000_000,
        });
        assert_eq!(place, "network.nodes");
        assert!(message.contains("4,000,000,000"), "{message}");
        let (place, _) = place_and_message(&NetworkSpec::Complete {
            nodes: 2_000_000_000,
        });
        assert_eq!(place, "network.nodes");
        let (place, _) = place_and_message(&NetworkSpec::ErdosRenyi {
            nodes: 1_000_000,
            edges: None,
            mean_degree: Some(1e5),
            directed: false,
        });
        assert_eq!(place, "network.mean_degree");
        let (place, _) = place_and_message(&NetworkSpec::Grid {
            rows: usize::MAX,
            cols: usize::MAX,
            periodic: false,
        });
        assert_eq!(place, "network.rows");
        let (place, _) = place_and_message(&NetworkSpec::StochasticBlock {
            blocks: vec![100_000; 4],
            p_in: Some(0.5),
            p_out: Some(0.1),
            probabilities: None,
        });
        assert_eq!(place, "network.blocks");
        // Building checks too: sweeps set values after validation.
        let e = NetworkSpec::Complete {
            nodes: 1_000_000_000,
        }
        .build(
            &mut crate::random::stream(1, 0, 0, crate::random::Purpose::Network),
            Path::new("."),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(e.is_input_error(), "{e}");
        // Sizes within the limits pass.
        NetworkSpec::Complete { nodes: 60_000 }.validate().unwrap();
        NetworkSpec::PowerLaw {
            nodes: 1_000_000,
            exponent: 2.5,
            min_degree: 2,
            max_degree: 1000,
        }
        .validate()
        .unwrap();
    }
}
