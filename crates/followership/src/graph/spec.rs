//! The `[network]` section of a scenario: which generator or file makes the network.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Graph;
use super::generators::{self, GeneratorError};
use super::load::{self, Format, LoadOptions};
use crate::error::{Error, InputError};
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

    /// Checks the choices the generators cannot see (which of two alternatives is given), and
    /// that a generated network has people: the generators' own checks would blame another key
    /// (`nodes = 0` reads as a bad `mean_degree`).
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
        }
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
