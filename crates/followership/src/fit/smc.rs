//! The ABC-SMC loop: populations of particles, tolerances, weights, stopping, and the
//! generation files that make a fit resumable.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rayon::prelude::*;

use crate::atomic::AtomicFile;
use crate::error::{Error, InputError};
use crate::random::{Stream, splitmix64, unit_f64};

use super::Fit;
use super::prior::Kernel;

/// The sweep points of a fit's simulations: generation g's attempt a runs at point
/// `(g + 1) << 40 | a`, away from point 0 (a plain run) and from the forecast's points.
const GENERATION_SHIFT: u32 = 40;

/// A salt that keeps the proposal streams apart from every stream of the runs.
const PROPOSAL_SALT: u64 = 0x000F_17AB_C53C;

/// How a fit is run.
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// Where each finished generation is written (`DIR/generations/generation-NNN.csv`), so
    /// that an interrupted fit can resume; nothing is written when `None`.
    pub state_dir: Option<PathBuf>,
    /// Continue from the generations already in `state_dir` (they must come from the same
    /// scenario and data).
    pub resume: bool,
    /// A time budget replacing `fit.time_budget`.
    pub time_budget: Option<Duration>,
}

/// Where a fit is, for progress displays.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// The generation being filled (0 draws from the prior).
    pub generation: u32,
    /// Its tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// Proposals simulated so far in this generation.
    pub attempts: u64,
    /// Proposals accepted so far.
    pub accepted: usize,
    /// Particles wanted.
    pub particles: usize,
    /// The effective sample size, once the generation is complete.
    pub ess: Option<f64>,
}

impl Progress {
    /// The share of proposals accepted so far.
    pub fn acceptance_rate(&self) -> f64 {
        self.accepted as f64 / self.attempts.max(1) as f64
    }
}

/// One particle: the fitted parameters' values (a choice by its index), its importance
/// weight (the weights of a generation sum to 1) and its distance to the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// One value per fitted parameter, in the order of [`Fit::parameters`].
    pub values: Vec<f64>,
    /// Normalised importance weight.
    pub weight: f64,
    /// Distance of its simulated curve to the data.
    pub distance: f64,
}

/// One finished generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// Its index (0 draws from the prior).
    pub index: u32,
    /// The largest distance accepted (infinite for generation 0).
    pub tolerance: f64,
    /// How many proposals were simulated to accept the particles.
    pub attempts: u64,
    /// The effective sample size of the weights, (sum w)^2 / sum w^2.
    pub ess: f64,
    /// The accepted particles.
    pub particles: Vec<Particle>,
}

impl Generation {
    /// Accepted particles over proposals simulated.
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.attempts.max(1) as f64
    }
}

/// Why a fit stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The tolerance reached `fit.min_tolerance`.
    MinTolerance,
    /// `fit.generations` generations ran.
    Generations,
    /// Acceptance fell below `fit.min_acceptance`.
    Acceptance,
    /// The time budget ran out.
    TimeBudget,
}

impl Stop {
    /// In words, for summaries.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::MinTolerance => "the tolerance reached fit.min_tolerance",
            Stop::Generations => "all fit.generations generations ran",
            Stop::Acceptance => "the acceptance rate fell below fit.min_acceptance",
            Stop::TimeBudget => "the time budget ran out",
        }
    }
}

/// The result of a fit: every generation (the last is the posterior) and why it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// The fitted parameters' keys.
    pub parameters: Vec<String>,
    /// Every finished generation, in order.
    pub generations: Vec<Generation>,
    /// Why the fit stopped.
    pub stop: Stop,
}

impl Posterior {
    /// The last generation's particles: the posterior sample.
    pub fn particles(&self) -> &[Particle] {
        &self.generations[self.generations.len() - 1].particles
    }
}

/// How one generation draws its proposals: from the prior (generation 0, no kernel), or by
/// moving the previous generation's particles (in internal coordinates, chosen by weight).
struct Proposer {
    /// The generation proposed for.
    index: u32,
    /// The perturbation kernel, from the previous generation.
    kernel: Option<Kernel>,
    /// The previous generation's particles in internal coordinates.
    internal: Vec<Vec<f64>>,
    /// Their weights.
    weights: Vec<f64>,
}

/// The stream of proposal `attempt` of `generation`.
fn proposal_stream(seed: u64, generation: u32, attempt: u64) -> Stream {
    let mut h = splitmix64(seed ^ PROPOSAL_SALT);
    h = splitmix64(h ^ u64::from(generation));
    h = splitmix64(h ^ attempt.rotate_left(23));
    Stream::seed_from_u64(h)
}

/// The point a proposal is simulated at.
fn point(generation: u32, attempt: u64) -> u64 {
    (u64::from(generation) + 1) << GENERATION_SHIFT | attempt
}

/// The index drawn from `weights` (summing to 1) with the uniform number `u`.
pub(crate) fn pick(weights: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return i;
        }
    }
    weights.len() - 1
}

/// The weighted `q`-quantile of `values`.
pub(crate) fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    for &i in &order {
        acc += weights[i] / total;
        if acc >= q {
            return values[i];
        }
    }
    values[order[order.len() - 1]]
}

impl Fit {
    /// Runs the fit: generations of particles until a stopping rule holds, calling `progress`
    /// after every batch of proposals. The result depends on the scenario's seed only; with
    /// `options.resume`, it continues from the generations in `options.state_dir` and ends
    /// exactly as an uninterrupted fit.
    pub fn run(
        &self,
        options: &FitOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Posterior, Error> {
        let started = Instant::now();
        let budget = options
            .time_budget
            .or(self.spec.time_budget.map(Duration::from_secs_f64));
        let dir = options.state_dir.as_ref().map(|d| d.join("generations"));
        let mut generations = match &dir {
            Some(d) if options.resume => self.load_generations(d)?,
            Some(d) => {
                clear_generations(d)?;
                Vec::new()
            }
            None => Vec::new(),
        };
        let spec = &self.spec;
        let stop = loop {
            if let Some(last) = generations.last() {
                if last.tolerance <= spec.min_tolerance {
                    break Stop::MinTolerance;
                }
                if last.acceptance_rate() < spec.min_acceptance {
                    break Stop::Acceptance;
                }
            }
            if generations.len() >= spec.generations as usize {
                break Stop::Generations;
            }
            if budget.is_some_and(|b| started.elapsed() >= b) && !generations.is_empty() {
                break Stop::TimeBudget;
            }
            match self.generation(generations.last(), started, budget, progress)? {
                Ok(g) => {
                    if let Some(d) = &dir {
                        self.save_generation(d, &g)?;
                    }
                    generations.push(g);
                }
                Err(stop) => break stop,
            }
        };
        Ok(Posterior {
            parameters: self.parameters(),
            generations,
            stop,
        })
    }

    /// Fills the generation after `previous` (generation 0 when `None`); `Err(stop)` when a
    /// stopping rule ends it half-way (it is then dropped).
    fn generation(
        &self,
        previous: Option<&Generation>,
        started: Instant,
        budget: Option<Duration>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Result<Generation, Stop>, Error> {
        let spec = &self.spec;
        let n = spec.particles;
        let index = previous.map_or(0, |p| p.index + 1);
        let tolerance = previous.map_or(f64::INFINITY, |p| {
            let distances: Vec<f64> = p.particles.iter().map(|q| q.distance).collect();
            let weights: Vec<f64> = p.particles.iter().map(|q| q.weight).collect();
            weighted_quantile(&distances, &weights, spec.quantile)
        });
        let proposer = self.proposer(previous);
        let (kernel, internal, weights) = (&proposer.kernel, &proposer.internal, &proposer.weights);
        // A generation that would need more proposals than this accepts fewer than
        // min_acceptance of them: it stops the fit instead of running on.
        let max_attempts = (n as f64 / spec.min_acceptance).ceil() as u64;
        let mut accepted: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n);
        let mut attempts = 0u64;
        // The acceptance rate expected: the previous generation's, then this one's so far.
        let mut rate = previous.map_or(1.0, |p| p.acceptance_rate());
        // The smallest batch worth running in parallel on the pool.
        let least = (4 * rayon::current_num_threads() as u64).max(16);
        while accepted.len() < n {
            // The batch size only decides how much work runs at once: proposals are
            // accepted in attempt order, so the particles do not depend on it. Proposals past
            // the one that completes the generation are simulated for nothing, so a batch
            // aims at 90% of the particles still wanted and the last ones come in small
            // batches (aiming at all of them wasted 40% of a fit's simulations).
            let wanted = 0.9 * (n - accepted.len()) as f64 / rate.max(1e-3);
            let batch = (wanted.ceil() as u64)
                .clamp(least, 4096)
                .min(max_attempts - attempts + 1);
            let proposals: Vec<Result<(Vec<f64>, f64), Error>> = (attempts..attempts + batch)
                .into_par_iter()
                .map(|a| {
                    let theta = self.proposal(&proposer, a);
                    let curves = self.simulate(&theta, point(index, a), None)?;
                    let d = self.distance(&theta, &curves);
                    Ok((theta, d))
                })
                .collect();
            for proposal in proposals {
                let (theta, d) = proposal?;
                attempts += 1;
                if d <= tolerance {
                    accepted.push((theta, d));
                    if accepted.len() == n {
                        break;
                    }
                }
                if attempts >= max_attempts {
                    return Ok(Err(Stop::Acceptance));
                }
            }
            rate = (accepted.len() as f64 / attempts as f64).max(1e-3);
            progress(&Progress {
                generation: index,
                tolerance,
                attempts,
                accepted: accepted.len(),
                particles: n,
                ess: None,
            });
            // Generation 0 always completes, so that a fit has a result to give.
            if index > 0 && accepted.len() < n && budget.is_some_and(|b| started.elapsed() >= b) {
                return Ok(Err(Stop::TimeBudget));
            }
        }
        // Importance weights: the prior over the kernel mixture that proposed the particles.
        let raw: Vec<f64> = accepted
            .par_iter()
            .map(|(theta, _)| match kernel {
                None => 1.0,
                Some(k) => {
                    let y = self.internal(theta);
                    let prior: f64 = self
                        .priors
                        .iter()
                        .zip(&y)
                        .map(|(p, &v)| p.density(v))
                        .product();
                    let mixture: f64 = internal
                        .iter()
                        .zip(weights)
                        .map(|(from, w)| w * k.density(from, &y))
                        .sum();
                    if mixture > 0.0 { prior / mixture } else { 0.0 }
                }
            })
            .collect();
        let total: f64 = raw.iter().sum();
        let particles: Vec<Particle> = accepted
            .into_iter()
            .zip(&raw)
            .map(|((values, distance), w)| Particle {
                values,
                weight: if total > 0.0 {
                    w / total
                } else {
                    1.0 / n as f64
                },
                distance,
            })
            .collect();
        let ess = 1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>();
        progress(&Progress {
            generation: index,
            tolerance,
            attempts,
            accepted: n,
            particles: n,
            ess: Some(ess),
        });
        Ok(Ok(Generation {
            index,
            tolerance,
            attempts,
            ess,
            particles,
        }))
    }

    /// How the generation after `previous` (generation 0 when `None`) draws its proposals.
    fn proposer(&self, previous: Option<&Generation>) -> Proposer {
        let index = previous.map_or(0, |p| p.index + 1);
        match previous {
            None => Proposer {
                index,
                kernel: None,
                internal: Vec::new(),
                weights: Vec::new(),
            },
            Some(p) => {
                let weights: Vec<f64> = p.particles.iter().map(|q| q.weight).collect();
                let internal: Vec<Vec<f64>> = p
                    .particles
                    .iter()
                    .map(|q| self.internal(&q.values))
                    .collect();
                Proposer {
                    index,
                    kernel: Some(Kernel::new(&self.priors, &internal, &weights)),
                    internal,
                    weights,
                }
            }
        }
    }

    /// Proposal `attempt` of the proposer's generation: a draw from the prior, or a previous
    /// particle moved by the kernel.
    fn proposal(&self, proposer: &Proposer, attempt: u64) -> Vec<f64> {
        let mut rng = proposal_stream(self.seed, proposer.index, attempt);
        match &proposer.kernel {
            None => self.priors.iter().map(|p| p.sample(&mut rng)).collect(),
            Some(k) => self.propose(k, &proposer.internal, &proposer.weights, &mut rng),
        }
    }

    /// The values the fit proposes (and simulates) at `attempts` of the generation after
    /// `previous` (generation 0 when `None`), one value per fitted parameter as in a
    /// [`Particle`]: what a generation of [`Fit::run`] tried, for diagnostics and for
    /// benchmarks that run the same values without the fit.
    pub fn proposals(
        &self,
        previous: Option<&Generation>,
        attempts: std::ops::Range<u64>,
    ) -> Vec<Vec<f64>> {
        let proposer = self.proposer(previous);
        attempts.map(|a| self.proposal(&proposer, a)).collect()
    }

    /// The internal coordinates of a particle's values.
    fn internal(&self, values: &[f64]) -> Vec<f64> {
        self.priors
            .iter()
            .zip(values)
            .map(|(p, &x)| p.internal(x))
            .collect()
    }

    /// A proposal: a previous particle chosen by weight, moved by the kernel until it lands
    /// where the prior is positive.
    fn propose(
        &self,
        kernel: &Kernel,
        internal: &[Vec<f64>],
        weights: &[f64],
        rng: &mut Stream,
    ) -> Vec<f64> {
        for _ in 0..10_000 {
            let from = &internal[pick(weights, unit_f64(rng))];
            let y = kernel.perturb(from, rng);
            if self.priors.iter().zip(&y).all(|(p, &v)| p.density(v) > 0.0) {
                return self
                    .priors
                    .iter()
                    .zip(&y)
                    .map(|(p, &v)| p.external(v))
                    .collect();
            }
        }
        // A kernel that never lands inside the prior (it cannot happen with a kernel built
        // from particles inside it, but a loop must end): the chosen particle itself.
        let from = &internal[pick(weights, unit_f64(rng))];
        self.priors
            .iter()
            .zip(from)
            .map(|(p, &v)| p.external(v))
            .collect()
    }

    /// Writes generation `g` atomically to `dir`.
    fn save_generation(&self, dir: &Path, g: &Generation) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(format!("generation-{:03}.csv", g.index));
        let mut f = AtomicFile::create(&path)?;
        let w = f.writer();
        let io = |e| Error::io(&path, e);
        // Rust writes floats in their shortest form that reads back exactly, so a resumed fit
        // continues from exactly these particles.
        writeln!(
            w,
            "# followership fit generation {} fingerprint={:016x} tolerance={} attempts={} ess={}",
            g.index, self.fingerprint, g.tolerance, g.attempts, g.ess
        )
        .map_err(io)?;
        writeln!(w, "weight,distance,{}", self.parameters().join(",")).map_err(io)?;
        for p in &g.particles {
            let values: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
            writeln!(w, "{},{},{}", p.weight, p.distance, values.join(",")).map_err(io)?;
        }
        f.commit()
    }

    /// The consecutive generations in `dir` (none when there are none), checked to belong to
    /// this fit.
    fn load_generations(&self, dir: &Path) -> Result<Vec<Generation>, Error> {
        let mut out = Vec::new();
        loop {
            let path = dir.join(format!("generation-{:03}.csv", out.len()));
            let Ok(text) = std::fs::read_to_string(&path) else {
                return Ok(out);
            };
            let bad = |what: &str| -> Error {
                InputError::new(
                    path.display().to_string(),
                    format!("{what}; this is not a generation file of followership fit (run without --resume to start anew)"),
                )
                .into()
            };
            let mut lines = text.lines();
            let header = lines.next().ok_or_else(|| bad("the file is empty"))?;
            let field = |name: &str| {
                header
                    .split_whitespace()
                    .find_map(|f| f.strip_prefix(&format!("{name}=")))
                    .ok_or_else(|| bad(&format!("no {name} in the first line")))
            };
            let fingerprint = u64::from_str_radix(field("fingerprint")?, 16)
                .map_err(|_| bad("a bad fingerprint"))?;
            if fingerprint != self.fingerprint {
                return Err(InputError::new(
                    "--resume",
                    format!(
                        "{} comes from a fit of another scenario, [fit] section or data file than {}; run without --resume to start anew, or give another --out",
                        path.display(),
                        self.origin
                    ),
                )
                .into());
            }
            let number = |s: &str| {
                s.parse::<f64>()
                    .map_err(|_| bad(&format!("`{s}` is not a number")))
            };
            let tolerance = number(field("tolerance")?)?;
            let ess = number(field("ess")?)?;
            let attempts = field("attempts")?
                .parse::<u64>()
                .map_err(|_| bad("a bad number of attempts"))?;
            lines.next(); // the column names
            let mut particles = Vec::new();
            for line in lines {
                let mut cells = line.split(',');
                let weight = number(cells.next().unwrap_or(""))?;
                let distance = number(cells.next().unwrap_or(""))?;
                let values = cells.map(number).collect::<Result<Vec<_>, _>>()?;
                if values.len() != self.priors.len() {
                    return Err(bad("a line with the wrong number of values"));
                }
                particles.push(Particle {
                    values,
                    weight,
                    distance,
                });
            }
            if particles.len() != self.spec.particles {
                return Err(bad("the wrong number of particles"));
            }
            out.push(Generation {
                index: out.len() as u32,
                tolerance,
                attempts,
                ess,
                particles,
            });
        }
    }
}

/// Removes the generation files of an earlier fit, so a later `--resume` cannot mix them with
/// this fit's.
fn clear_generations(dir: &Path) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("generation-") && name.ends_with(".csv") {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_quantiles_and_picks() {
        let v = [3.0, 1.0, 2.0, 4.0];
        let w = [0.25; 4];
        assert_eq!(weighted_quantile(&v, &w, 0.5), 2.0);
        assert_eq!(weighted_quantile(&v, &w, 0.99), 4.0);
        assert_eq!(pick(&w, 0.0), 0);
        assert_eq!(pick(&w, 0.6), 2);
        assert_eq!(pick(&w, 0.999_999), 3);
    }
}
