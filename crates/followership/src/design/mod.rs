//! Sweep designs: the `[sweep]` section of a scenario and the points it generates.
//!
//! A sweep runs the scenario at many points, each setting some scenario keys (such as
//! `leaders.persistence`) to new values. The grid design runs every combination of listed
//! values; the random, Latin hypercube and Sobol designs draw `samples` points between bounds.
//! One file per design: [`grid`], [`random`], [`latin_hypercube`], [`sobol`]; the parameters
//! themselves live in [`parameter`].
//!
//! A point is a `Vec<f64>` with one value per parameter, in the order of
//! [`SweepSpec::parameters`]. The sampling designs first draw coordinates in [0, 1) and then map
//! them to values with [`ParameterSpec::value_at`] (log scale and whole-number rounding happen
//! there). Their randomness comes from streams of their own, keyed by the scenario seed and the
//! design's name through SplitMix64 ([`design_key`]), so the points depend on the seed only and
//! never share random numbers with the runs.

pub mod grid;
pub mod latin_hypercube;
pub mod parameter;
pub mod random;
pub mod sobol;

use rand::SeedableRng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::random::{Stream, splitmix64};

pub use parameter::{LogRange, ParameterSpec, Scale};

/// The most points a sweep may have.
pub const MAX_POINTS: usize = 1_000_000;

/// Which points a sweep runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Every combination of the parameters' listed values (the default).
    #[default]
    Grid,
    /// `samples` points drawn independently and uniformly between the bounds.
    Random,
    /// `samples` points such that, in every parameter, each of `samples` equal slices of the
    /// bounds holds exactly one point.
    LatinHypercube,
    /// The first `samples` points of an Owen-scrambled Sobol sequence: spread more evenly than
    /// random points (a power of two is best); at most 65536 points and 256 parameters.
    Sobol,
}

impl Design {
    /// Whether the design draws `samples` points between bounds (every design but the grid).
    pub fn is_sampling(self) -> bool {
        self != Design::Grid
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Random => "random",
            Design::LatinHypercube => "latin-hypercube",
            Design::Sobol => "sobol",
        }
    }
}

/// The `[sweep]` section: which parameters vary and how the points are chosen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// How points are chosen: `"grid"` (default), `"random"`, `"latin-hypercube"` or `"sobol"`.
    #[serde(default)]
    pub design: Design,
    /// Number of points of a sampling design (random, Latin hypercube, Sobol).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
    /// The parameters that vary (`[[sweep.parameters]]`), in the order of each point's values.
    pub parameters: Vec<ParameterSpec>,
}

impl SweepSpec {
    /// Checks the section; errors name key paths such as `sweep.parameters[1].step`.
    pub fn validate(&self) -> Result<(), InputError> {
        let design = self.design;
        if self.parameters.is_empty() {
            return Err(InputError::new(
                "sweep.parameters",
                "no parameters; add at least one [[sweep.parameters]] with a key and its values",
            ));
        }
        for (i, p) in self.parameters.iter().enumerate() {
            p.validate(i)?;
            let place = format!("sweep.parameters[{i}]");
            if let Some(j) = self.parameters[..i].iter().position(|q| q.key == p.key) {
                return Err(InputError::new(
                    format!("{place}.key"),
                    format!(
                        "{:?} is already varied by sweep.parameters[{j}]; give each key once",
                        p.key
                    ),
                ));
            }
            if p.group.is_some() {
                return Err(InputError::new(
                    format!("{place}.group"),
                    "groups are used by [sensitivity] only; remove `group` here",
                ));
            }
            if design.is_sampling() && p.is_grid() {
                return Err(InputError::new(
                    format!("{place}.{}", p.form_field()),
                    format!(
                        "the {} design draws values between bounds; give `low` and `high` \
                         instead of a list or range, or use design = \"grid\"",
                        design.name()
                    ),
                ));
            }
            if !design.is_sampling() && p.is_bounds() && p.choices.is_none() {
                return Err(InputError::new(
                    format!("{place}.{}", p.form_field()),
                    "the grid design needs the values to run: give `values = [..]`, `start`, \
                     `stop` and `step`, or `log = { start, stop, count }`; or, to draw values \
                     between `low` and `high`, set design = \"random\", \"latin-hypercube\" or \
                     \"sobol\" with `samples`",
                ));
            }
        }
        if design.is_sampling() {
            let max = if design == Design::Sobol {
                sobol::MAX_POINTS
            } else {
                MAX_POINTS
            };
            match self.samples {
                None => {
                    return Err(InputError::new(
                        "sweep.samples",
                        format!(
                            "missing: the {} design needs the number of points, such as \
                             samples = 256",
                            design.name()
                        ),
                    ));
                }
                Some(0) => {
                    return Err(InputError::new(
                        "sweep.samples",
                        "samples = 0 gives no points; give the number of points, such as 256",
                    ));
                }
                Some(n) if n > max => {
                    return Err(InputError::new(
                        "sweep.samples",
                        format!(
                            "samples = {n}; the {} design gives at most {max} points",
                            design.name()
                        ),
                    ));
                }
                Some(_) => {}
            }
            if design == Design::Sobol && self.parameters.len() > sobol::MAX_DIMENSIONS {
                return Err(InputError::new(
                    "sweep.parameters",
                    format!(
                        "{} parameters; the sobol design handles at most {}, so use \
                         design = \"latin-hypercube\"",
                        self.parameters.len(),
                        sobol::MAX_DIMENSIONS
                    ),
                ));
            }
        } else {
            if self.samples.is_some() {
                return Err(InputError::new(
                    "sweep.samples",
                    "the grid design runs every combination of the values, so `samples` does \
                     not apply; remove it, or choose design = \"random\", \"latin-hypercube\" \
                     or \"sobol\"",
                ));
            }
            let counts: Vec<usize> = self.parameters.iter().map(|p| p.grid_count()).collect();
            let total = counts
                .iter()
                .try_fold(1usize, |acc, &c| acc.checked_mul(c))
                .unwrap_or(usize::MAX);
            if total > MAX_POINTS {
                let sizes: Vec<String> = counts.iter().map(usize::to_string).collect();
                return Err(InputError::new(
                    "sweep",
                    format!(
                        "the grid has {} = {total} points; at most {MAX_POINTS} are allowed, so \
                         use fewer values or a sampling design",
                        sizes.join(" x ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The number of points [`SweepSpec::points`] gives: the product of the parameters' value
    /// counts for a grid, `samples` otherwise.
    pub fn point_count(&self) -> usize {
        match self.design {
            Design::Grid => self
                .parameters
                .iter()
                .map(ParameterSpec::grid_count)
                .try_fold(1usize, |acc, c| acc.checked_mul(c))
                .unwrap_or(usize::MAX),
            _ => self.samples.unwrap_or(0),
        }
    }

    /// The scenario keys the sweep sets, in the order of each point's values.
    pub fn keys(&self) -> Vec<&str> {
        self.parameters.iter().map(|p| p.key.as_str()).collect()
    }

    /// The points of the sweep, each with one value per parameter (in parameter order).
    ///
    /// - grid: the Cartesian product of [`ParameterSpec::grid_values`], the first parameter
    ///   varying slowest and the last fastest (like nested loops, or an odometer);
    /// - random: [`random::points`]; Latin hypercube: [`latin_hypercube::points`]; Sobol:
    ///   [`sobol::points`]. Each is a function of `seed` alone.
    ///
    /// # Panics
    /// If the spec is not valid (check with [`SweepSpec::validate`] first).
    pub fn points(&self, seed: u64) -> Vec<Vec<f64>> {
        let n = self.samples.unwrap_or(0);
        match self.design {
            Design::Grid => grid::points(&self.parameters),
            Design::Random => random::points(&self.parameters, n, seed),
            Design::LatinHypercube => latin_hypercube::points(&self.parameters, n, seed),
            Design::Sobol => sobol::points(&self.parameters, n, seed),
        }
    }
}

/// The key of the random stream a design named `tag` draws from:
/// `splitmix64(splitmix64(seed) ^ tag)` with `tag` the name's ASCII bytes as a little-endian
/// integer. Run streams are keyed by four SplitMix64 rounds over (seed, point, replicate,
/// purpose) ([`crate::random::stream_key`]), so design streams never coincide with them in
/// practice, and designs with different names draw independently.
pub fn design_key(seed: u64, tag: &[u8; 8]) -> u64 {
    splitmix64(splitmix64(seed) ^ u64::from_le_bytes(*tag))
}

/// The random stream a design named `tag` draws from (see [`design_key`]).
pub fn design_stream(seed: u64, tag: &[u8; 8]) -> Stream {
    Stream::seed_from_u64(design_key(seed, tag))
}

/// Maps unit coordinates (one row per point, one column per parameter) to parameter values.
fn to_values(parameters: &[ParameterSpec], units: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    units
        .into_iter()
        .map(|mut u| {
            for (x, p) in u.iter_mut().zip(parameters) {
                *x = p.value_at(*x);
            }
            u
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampling(design: Design, samples: usize) -> SweepSpec {
        SweepSpec {
            design,
            samples: Some(samples),
            parameters: vec![
                ParameterSpec::bounds("a", -1.0, 3.0),
                ParameterSpec {
                    scale: Some(Scale::Log),
                    ..ParameterSpec::bounds("b", 0.01, 100.0)
                },
                ParameterSpec {
                    integer: true,
                    ..ParameterSpec::bounds("c", 1.0, 6.0)
                },
            ],
        }
    }

    #[test]
    fn a_sweep_reads_from_toml() {
        let text = r#"
            design = "latin-hypercube"
            samples = 64
            [[parameters]]
            key = "leaders.persistence"
            low = 1
            high = 20
            integer = true
            [[parameters]]
            key = "dynamics.rate"
            low = 0.001
            high = 1
            scale = "log"
        "#;
        let s: SweepSpec = toml::from_str(text).unwrap();
        s.validate().unwrap();
        assert_eq!(s.design, Design::LatinHypercube);
        assert_eq!(s.point_count(), 64);
        assert_eq!(s.keys(), ["leaders.persistence", "dynamics.rate"]);
        let s: SweepSpec = toml::from_str("[[parameters]]\nkey = \"k\"\nvalues = [1, 2]").unwrap();
        assert_eq!(s.design, Design::Grid);
        assert!(
            toml::from_str::<SweepSpec>("design = \"grid\"\nsample = 3\nparameters = []").is_err()
        );
        assert!(toml::from_str::<SweepSpec>("design = \"lhs\"\nparameters = []").is_err());
        let schema = serde_json::to_string(&schemars::schema_for!(SweepSpec)).unwrap();
        assert!(schema.contains("latin-hypercube") && schema.contains("integer"));
    }

    #[test]
    fn every_sampling_design_stays_in_bounds_and_depends_on_the_seed_only() {
        for design in [Design::Random, Design::LatinHypercube, Design::Sobol] {
            let s = sampling(design, 200);
            s.validate().unwrap();
            let pts = s.points(42);
            assert_eq!(pts.len(), 200);
            assert_eq!(s.point_count(), 200);
            for p in &pts {
                assert_eq!(p.len(), 3);
                assert!((-1.0..3.0).contains(&p[0]), "{design:?} {p:?}");
                assert!((0.01..100.0).contains(&p[1]), "{design:?} {p:?}");
                assert!((1.0..=6.0).contains(&p[2]) && p[2].fract() == 0.0);
            }
            // Every whole number of `c` appears; the log-scaled `b` is below 1 about half of the
            // time (1 is the geometric middle of 0.01 and 100).
            for c in 1..=6 {
                assert!(
                    pts.iter().any(|p| p[2] == c as f64),
                    "{design:?} misses c = {c}"
                );
            }
            let below = pts.iter().filter(|p| p[1] < 1.0).count();
            assert!(
                (70..130).contains(&below),
                "{design:?}: {below} of 200 below 1"
            );
            assert_eq!(pts, s.points(42), "{design:?} is not reproducible");
            assert_ne!(pts, s.points(43), "{design:?} ignores the seed");
        }
    }

    #[test]
    fn designs_do_not_share_random_numbers() {
        let r = sampling(Design::Random, 50).points(7);
        let l = sampling(Design::LatinHypercube, 50).points(7);
        assert_ne!(r, l);
        assert_ne!(design_key(7, b"random\0\0"), design_key(7, b"latinhyp"));
        assert_ne!(design_key(7, b"random\0\0"), design_key(8, b"random\0\0"));
    }

    fn place_of(s: &SweepSpec) -> String {
        s.validate().expect_err("should be rejected").place
    }

    #[test]
    fn bad_sweeps_name_the_key_path() {
        let grid = |parameters| SweepSpec {
            design: Design::Grid,
            samples: None,
            parameters,
        };
        assert_eq!(place_of(&grid(vec![])), "sweep.parameters");
        assert_eq!(
            place_of(&grid(vec![
                ParameterSpec::list("a", vec![1.0]),
                ParameterSpec::bounds("b", 0.0, 1.0)
            ])),
            "sweep.parameters[1].low"
        );
        assert_eq!(
            place_of(&grid(vec![
                ParameterSpec::list("a", vec![1.0]),
                ParameterSpec::range("a", 0.0, 1.0, 0.5)
            ])),
            "sweep.parameters[1].key"
        );
        assert_eq!(
            place_of(&grid(vec![ParameterSpec {
                group: Some("g".into()),
                ..ParameterSpec::list("a", vec![1.0])
            }])),
            "sweep.parameters[0].group"
        );
        let mut s = grid(vec![ParameterSpec::list("a", vec![1.0])]);
        s.samples = Some(10);
        assert_eq!(place_of(&s), "sweep.samples");
        let big = grid(vec![
            ParameterSpec::range("a", 0.0, 1000.0, 1.0),
            ParameterSpec::range("b", 0.0, 1000.0, 1.0),
        ]);
        assert_eq!(place_of(&big), "sweep");

        for design in [Design::Random, Design::LatinHypercube, Design::Sobol] {
            let mut s = sampling(design, 10);
            s.parameters.push(ParameterSpec::list("d", vec![1.0, 2.0]));
            assert_eq!(place_of(&s), "sweep.parameters[3].values", "{design:?}");
            let e = s.validate().unwrap_err();
            assert!(e.message.contains("low"), "{}", e.message);
            let mut s = sampling(design, 10);
            s.parameters[0] = ParameterSpec::range("a", 0.0, 1.0, 0.5);
            assert_eq!(place_of(&s), "sweep.parameters[0].start");
            let mut s = sampling(design, 10);
            s.samples = None;
            assert_eq!(place_of(&s), "sweep.samples");
            s.samples = Some(0);
            assert_eq!(place_of(&s), "sweep.samples");
            let mut s = sampling(design, 10);
            s.parameters[1].low = Some(-1.0);
            assert_eq!(place_of(&s), "sweep.parameters[1].low");
        }
        assert_eq!(place_of(&sampling(Design::Sobol, 70_000)), "sweep.samples");
    }
}
