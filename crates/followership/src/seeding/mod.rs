//! Whom to recruit first: choosing the `k` people whose early following makes the largest
//! movement (influence maximisation).
//!
//! Strategies ([`Strategy`]):
//!
//! - [`Strategy::Imm`]: IMM (Tang, Xiao and Shi, SIGMOD 2015) on reverse-reachable sets, for the
//!   independent cascade and linear threshold models ([`Diffusion`]); a `(1 - 1/e - epsilon)`
//!   approximation with probability at least `1 - 1/n^l` (see [`rr`]);
//! - [`Strategy::Opim`]: OPIM-C (Tang, Tang, Xiao and Yuan, SIGMOD 2018) on the same sets, the
//!   same guarantee certified online by instance-specific bounds, then refined while its seeds
//!   still improve, with time and memory budgets (see [`rr::opim`]); the default;
//! - [`Strategy::Celf`]: CELF lazy greedy on Monte-Carlo estimates of the expected final size
//!   under the scenario's own dynamics, movement mechanisms included (see [`celf`]);
//! - heuristics (see [`heuristics`]): random, highest degree, PageRank, k-core, degree discount,
//!   and clustered seeding.
//!
//! Every strategy returns dense ids; outputs translate them with [`Graph::label`]. The
//! [`Evaluator`] measures any seed set the same way: Monte-Carlo runs of the scenario with those
//! people as the initial followers, replicate `r` drawing from the streams of replicate `r` of
//! `followership run`, so every strategy is judged on the same runs. No strategy chooses with
//! those runs: CELF's Monte-Carlo estimates use replicates from [`CELF_REPLICATES`] on, and the
//! RR-set strategies draw from streams of their own, so the evaluation is not flattered by the
//! luck of the runs a choice was fitted to.
//!
//! Every strategy is deterministic for a given seed: the RR sets and Monte-Carlo runs draw from
//! streams named by the seed and their index, so neither the choice nor the estimates depend on
//! the number of threads.

pub mod celf;
pub mod heuristics;
pub mod rr;

use std::str::FromStr;
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, InputError};
use crate::experiment::{Experiment, Runner};
use crate::graph::Graph;
use crate::model::{Distribution, EdgeProbability, Rule, SocialProof};
use crate::scenario::Scenario;
use crate::simulation::Recording;

/// A way of choosing whom to recruit first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// IMM on reverse-reachable sets (independent cascade and linear threshold only).
    Imm,
    /// OPIM-C on reverse-reachable sets: IMM's guarantee, certified online (same models).
    Opim,
    /// CELF lazy greedy with Monte-Carlo estimates under the scenario's dynamics.
    Celf,
    /// People chosen uniformly at random.
    Random,
    /// The people who influence the most others (highest out-degree).
    Degree,
    /// Highest PageRank on the direction of influence ([`heuristics::pagerank`]).
    PageRank,
    /// Highest core number, ties by degree ([`heuristics::k_core`]).
    KCore,
    /// Degree discount for the independent cascade (Chen, Wang and Yang 2009).
    DegreeDiscount,
    /// A person and their contacts together ([`heuristics::clustered`]).
    Clustered,
}

impl Strategy {
    /// Every strategy, in the order `--compare` lists them.
    pub const ALL: [Strategy; 9] = [
        Strategy::Imm,
        Strategy::Opim,
        Strategy::Celf,
        Strategy::DegreeDiscount,
        Strategy::PageRank,
        Strategy::Degree,
        Strategy::KCore,
        Strategy::Clustered,
        Strategy::Random,
    ];

    /// The name used on the command line and in output files.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Imm => "imm",
            Strategy::Opim => "opim",
            Strategy::Celf => "celf",
            Strategy::Random => "random",
            Strategy::Degree => "degree",
            Strategy::PageRank => "pagerank",
            Strategy::KCore => "k-core",
            Strategy::DegreeDiscount => "degree-discount",
            Strategy::Clustered => "clustered",
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, InputError> {
        Strategy::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Strategy::ALL.iter().map(|x| x.name()).collect();
                InputError::new(
                    "strategy",
                    format!(
                        "no strategy named `{s}`; strategies are {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

/// The classic diffusion model a scenario reduces to, for which reverse-reachable sets apply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Diffusion {
    /// Independent cascade with the given edge probability.
    IndependentCascade(EdgeProbability),
    /// Linear threshold: in-weights normalised to sum to one, thresholds uniform on [0, 1].
    LinearThreshold,
}

impl Diffusion {
    /// The model `scenario` runs, or an error saying why IMM does not apply to it.
    ///
    /// The cascade rule is the independent cascade when nobody joins spontaneously. The
    /// threshold rule is the linear threshold model when social proof is a fraction of one's
    /// contacts only (visibility 0), thresholds are uniform on [0, 1] and nobody joins
    /// spontaneously. Leaders, momentum, leaving, trust and events are movement mechanisms that
    /// IMM cannot model.
    pub fn of(scenario: &Scenario) -> Result<Diffusion, InputError> {
        let unsupported = |why: &str| {
            InputError::new(
                "strategy",
                format!(
                    "IMM applies to the independent cascade and linear threshold models only, and {why}; use the celf strategy (Monte-Carlo greedy) or a heuristic"
                ),
            )
        };
        let movement = [
            ("leaders", scenario.leaders.is_some()),
            ("momentum", scenario.momentum.is_some()),
            ("leaving", scenario.leaving.is_some()),
            ("trust", scenario.trust.is_some()),
            ("events", !scenario.events.is_empty()),
        ];
        if let Some((name, _)) = movement.iter().find(|(_, on)| *on) {
            return Err(unsupported(&format!(
                "this scenario has [{name}] (the movement model)"
            )));
        }
        let d = &scenario.dynamics;
        if d.spontaneous != 0.0 {
            return Err(unsupported("this scenario has spontaneous joining"));
        }
        match d.rule {
            Rule::Cascade { probability } => Ok(Diffusion::IndependentCascade(probability)),
            Rule::Threshold => {
                let uniform01 = matches!(
                    scenario.people.threshold,
                    Distribution::Uniform { low, high } if low == 0.0 && high == 1.0
                );
                if d.social_proof != SocialProof::Fraction || d.visibility != 0.0 || !uniform01 {
                    Err(unsupported(
                        "the threshold rule is the linear threshold model only with social_proof = \"fraction\", visibility = 0 and thresholds uniform on [0, 1]",
                    ))
                } else {
                    Ok(Diffusion::LinearThreshold)
                }
            }
            Rule::Logit { .. } => Err(unsupported("this scenario uses rule = \"logit\"")),
            Rule::Hazard { .. } => Err(unsupported("this scenario uses rule = \"hazard\"")),
        }
    }
}

/// Settings of the strategies.
#[derive(Debug, Clone)]
pub struct Options {
    /// IMM's epsilon: the approximation ratio is at least `1 - 1/e - epsilon`.
    pub epsilon: f64,
    /// IMM's `l`: the guarantee holds with probability at least `1 - 1/n^l` (OPIM-C's `delta`
    /// is `1/n^l` too).
    pub ell: f64,
    /// OPIM-C stops sampling after this many seconds (the round under way finishes) and spends
    /// what is left of it, once the guarantee is certified, on more sets. With a time budget
    /// the choice depends on the machine's speed, no longer on the seed alone.
    pub time_budget: Option<f64>,
    /// OPIM-C starts no round whose sets would take more than this many megabytes (10^6 bytes).
    pub memory_budget: Option<f64>,
    /// Monte-Carlo runs per CELF evaluation.
    pub celf_runs: u64,
    /// CELF considers only this many candidates, those of highest out-degree (all when `None`).
    pub celf_candidates: Option<usize>,
    /// Seed of the strategies' random streams (the scenario's seed).
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            epsilon: 0.1,
            ell: 1.0,
            time_budget: None,
            memory_budget: None,
            celf_runs: 100,
            celf_candidates: None,
            seed: 1,
        }
    }
}

/// The seed set a strategy chose.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The strategy.
    pub strategy: Strategy,
    /// The chosen people (dense ids), in the order chosen.
    pub seeds: Vec<u32>,
    /// The strategy's own estimate of the expected final size, when it makes one: IMM's
    /// `n * covered / theta` on its selection sets, OPIM-C's on its validation sets, CELF's
    /// Monte-Carlo mean on its own runs.
    pub estimate: Option<f64>,
    /// Number of reverse-reachable sets sampled in all (IMM: estimation and selection phases;
    /// OPIM-C: both collections).
    pub rr_sets: Option<usize>,
    /// Of those, the sets the final selection was made on (IMM's theta, OPIM-C's `R1`).
    pub rr_selection: Option<usize>,
    /// OPIM-C: the approximation ratio certified with probability `1 - delta`, and why it
    /// stopped sampling.
    pub guarantee: Option<(f64, rr::OpimStop)>,
    /// CELF: spread evaluations made (screenings on a few runs and measurements on all).
    pub evaluations: Option<usize>,
    /// CELF: runs simulated in all while choosing.
    pub runs_simulated: Option<u64>,
}

/// Checks that `k` people can be chosen from `graph`.
pub fn check_k(graph: &Graph, k: usize) -> Result<(), InputError> {
    let n = graph.node_count();
    if k == 0 {
        return Err(InputError::new("k", "k = 0: choose at least one person"));
    }
    if k > n {
        return Err(InputError::new(
            "k",
            format!("k = {k} is larger than the network ({n} people)"),
        ));
    }
    Ok(())
}

/// The first replicate of CELF's Monte-Carlo estimates: far from the replicates `0..runs` that
/// [`recruit`] evaluates every choice on, so CELF is not judged on the runs it chose with.
pub const CELF_REPLICATES: u64 = 1 << 40;

/// Chooses `k` people with `strategy`; `evaluator` supplies the scenario's dynamics to CELF.
pub fn choose(
    strategy: Strategy,
    evaluator: &Evaluator<'_, '_>,
    scenario: &Scenario,
    k: usize,
    options: &Options,
) -> Result<Choice, InputError> {
    choose_with_progress(strategy, evaluator, scenario, k, options, &|_| {})
}

/// [`choose`], telling `progress` how the sampling (OPIM-C) or the candidates (CELF) go.
pub fn choose_with_progress(
    strategy: Strategy,
    evaluator: &Evaluator<'_, '_>,
    scenario: &Scenario,
    k: usize,
    options: &Options,
    progress: &(dyn Fn(RecruitStage) + Sync),
) -> Result<Choice, InputError> {
    let graph = evaluator.graph();
    check_k(graph, k)?;
    let mut choice = Choice {
        strategy,
        seeds: Vec::new(),
        estimate: None,
        rr_sets: None,
        rr_selection: None,
        guarantee: None,
        evaluations: None,
        runs_simulated: None,
    };
    choice.seeds = match strategy {
        Strategy::Imm | Strategy::Opim => {
            let model = Diffusion::of(scenario)?;
            if !(options.epsilon > 0.0 && options.epsilon < 1.0) {
                return Err(InputError::new(
                    "epsilon",
                    format!("epsilon = {} must lie in (0, 1)", options.epsilon),
                ));
            }
            if !(options.ell > 0.0 && options.ell.is_finite()) {
                return Err(InputError::new("ell", "l must be a positive number"));
            }
            if strategy == Strategy::Imm {
                let r = rr::imm(graph, model, k, options.epsilon, options.ell, options.seed);
                choice.estimate = Some(r.estimate);
                choice.rr_sets = Some(r.sampled);
                choice.rr_selection = Some(r.rr_sets);
                r.seeds
            } else {
                let settings = opim_settings(graph, options)?;
                let r = rr::opim(graph, model, k, &settings, options.seed, &|p| {
                    progress(RecruitStage::Sampling {
                        strategy,
                        sets: p.sets,
                        guarantee: p.guarantee,
                    })
                });
                choice.estimate = Some(r.estimate);
                choice.rr_sets = Some(r.sampled);
                choice.rr_selection = Some(r.sampled / 2);
                choice.guarantee = Some((r.guarantee, r.stop));
                r.seeds
            }
        }
        Strategy::Celf => {
            if options.celf_runs == 0 {
                return Err(InputError::new("celf_runs", "give at least 1 run"));
            }
            let candidates = match options.celf_candidates {
                Some(c) if c < graph.node_count() => {
                    crate::model::initial::highest_degree(graph, c.max(k))
                }
                _ => (0..graph.node_count() as u32).collect(),
            };
            let runs = options.celf_runs;
            let of = candidates.len();
            let r = celf::celf_with_progress(
                &candidates,
                k,
                runs,
                |s, range| {
                    evaluator.final_sizes_from(
                        s,
                        CELF_REPLICATES + range.start,
                        range.end - range.start,
                    )
                },
                |p| {
                    progress(RecruitStage::Celf {
                        done: p.done,
                        of,
                        seeds: p.seeds,
                        evaluations: p.evaluations,
                    })
                },
            );
            choice.estimate = Some(r.spread);
            choice.evaluations = Some(r.evaluations);
            choice.runs_simulated = Some(r.runs_simulated);
            r.seeds
        }
        Strategy::Random => heuristics::random(graph, k, options.seed),
        Strategy::Degree => crate::model::initial::highest_degree(graph, k),
        Strategy::PageRank => heuristics::pagerank(graph, k),
        Strategy::KCore => heuristics::k_core(graph, k),
        Strategy::DegreeDiscount => {
            heuristics::degree_discount(graph, k, discount_probability(graph, scenario))
        }
        Strategy::Clustered => heuristics::clustered(graph, k),
    };
    Ok(choice)
}

/// OPIM-C's settings from the options, checking the budgets (`delta = 1/n^l`).
fn opim_settings(graph: &Graph, options: &Options) -> Result<rr::OpimSettings, InputError> {
    let time_budget = match options.time_budget {
        None => None,
        Some(t) if t >= 0.0 && t.is_finite() => Some(std::time::Duration::from_secs_f64(t)),
        Some(t) => {
            return Err(InputError::new(
                "time_budget",
                format!("a time budget of {t} seconds: give a number of seconds, 0 or more"),
            ));
        }
    };
    let memory_budget = match options.memory_budget {
        None => None,
        Some(m) if m >= 0.0 && m.is_finite() => Some((m * 1e6) as usize),
        Some(m) => {
            return Err(InputError::new(
                "memory_budget",
                format!("a memory budget of {m} MB: give a number of megabytes, 0 or more"),
            ));
        }
    };
    let n = graph.node_count().max(2) as f64;
    Ok(rr::OpimSettings {
        epsilon: options.epsilon,
        delta: n.powf(-options.ell).max(f64::MIN_POSITIVE),
        time_budget,
        memory_budget,
        refine: true,
    })
}

/// The edge probability degree discount assumes: the cascade's uniform probability, the mean
/// `1 / in-degree` over edges (`n / m`) for the weighted cascade, and otherwise 0.01 (the value
/// of Chen, Wang and Yang's experiments).
fn discount_probability(graph: &Graph, scenario: &Scenario) -> f64 {
    match scenario.dynamics.rule.edge_probability() {
        Some(EdgeProbability::Uniform(p)) => p,
        Some(EdgeProbability::InverseInDegree) if graph.edge_count() > 0 => {
            (graph.node_count() as f64 / graph.edge_count() as f64).min(1.0)
        }
        _ => 0.01,
    }
}

/// The expected final size of a seed set, from Monte-Carlo runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean final number of followers.
    pub mean: f64,
    /// 95% confidence interval of the mean (normal approximation).
    pub ci: [f64; 2],
    /// Number of runs.
    pub runs: u64,
}

/// Runs a scenario with a given set of initial followers, many times, and measures the final
/// size: the one yardstick every strategy is judged by.
///
/// Run `r` draws thresholds, trust, leaders and dynamics from the streams of replicate `r` of the
/// scenario (point 0), exactly as `followership run` does, with the scenario's `[initial]`
/// replaced by the seed set. Evaluations of different seed sets therefore share their random
/// numbers (common random numbers), which makes differences between them much less noisy.
pub struct Evaluator<'e, 'g> {
    runner: Runner<'e, 'g>,
}

impl<'e, 'g> Evaluator<'e, 'g> {
    /// An evaluator of the experiment `runner` runs, on its network.
    pub fn new(runner: Runner<'e, 'g>) -> Self {
        Evaluator { runner }
    }

    /// The network.
    pub fn graph(&self) -> &'g Graph {
        self.runner.graph()
    }

    /// Final number of followers of run `replicate` with `seeds` as initial followers.
    pub fn final_size(&self, seeds: &[u32], replicate: u64) -> u32 {
        self.runner
            .run_from_checked(replicate, Recording::default(), seeds)
            .outcome
            .final_following
    }

    /// Mean final size over runs `0..runs`, in parallel (the result does not depend on the
    /// number of threads: the sum is of integers).
    pub fn mean_spread(&self, seeds: &[u32], runs: u64) -> f64 {
        self.mean_spread_from(seeds, 0, runs)
    }

    /// Mean final size over runs `first..first + runs` (see [`Evaluator::mean_spread`]).
    pub fn mean_spread_from(&self, seeds: &[u32], first: u64, runs: u64) -> f64 {
        let total: u64 = (first..first + runs)
            .into_par_iter()
            .map(|r| u64::from(self.final_size(seeds, r)))
            .sum();
        total as f64 / runs as f64
    }

    /// The final size of each run `first..first + runs`, in run order (run in parallel).
    pub fn final_sizes_from(&self, seeds: &[u32], first: u64, runs: u64) -> Vec<u32> {
        (first..first + runs)
            .into_par_iter()
            .map(|r| self.final_size(seeds, r))
            .collect()
    }

    /// Mean final size over runs `0..runs` with its 95% confidence interval.
    pub fn evaluate(&self, seeds: &[u32], runs: u64) -> Estimate {
        let sizes: Vec<u32> = (0..runs)
            .into_par_iter()
            .map(|r| self.final_size(seeds, r))
            .collect();
        let m = sizes.len() as f64;
        let mean = sizes.iter().map(|&x| f64::from(x)).sum::<f64>() / m;
        let var = if sizes.len() > 1 {
            sizes
                .iter()
                .map(|&x| (f64::from(x) - mean).powi(2))
                .sum::<f64>()
                / (m - 1.0)
        } else {
            0.0
        };
        let half = 1.96 * (var / m).sqrt();
        Estimate {
            mean,
            ci: [mean - half, mean + half],
            runs,
        }
    }
}

/// What to recruit: how many people, by which strategies, judged on how many runs.
#[derive(Debug, Clone)]
pub struct Request {
    /// How many people to recruit first.
    pub k: usize,
    /// The strategies to choose with, in order; several are compared on the same runs. Empty:
    /// the default strategy of the scenario ([`Request::default_strategy`]).
    pub strategies: Vec<Strategy>,
    /// Settings of the strategies.
    pub options: Options,
    /// Monte-Carlo runs of the final evaluation of each choice; `None`: the scenario's
    /// replicates.
    pub runs: Option<u64>,
}

impl Request {
    /// `k` people by the scenario's default strategy, with default settings.
    pub fn new(k: usize) -> Self {
        Request {
            k,
            strategies: Vec::new(),
            options: Options::default(),
            runs: None,
        }
    }

    /// OPIM-C where the scenario reduces to a model the RR-set strategies apply to, CELF
    /// otherwise. OPIM-C refines past its certificate until its seeds stop improving, which
    /// gives seeds as good as IMM's at epsilon 0.1 from a fraction of IMM's sets (measured in
    /// docs/benchmarks.md).
    pub fn default_strategy(scenario: &Scenario) -> Strategy {
        if Diffusion::of(scenario).is_ok() {
            Strategy::Opim
        } else {
            Strategy::Celf
        }
    }
}

/// One strategy's choice and how it did.
#[derive(Debug, Clone)]
pub struct Recruited {
    /// The people chosen and the strategy's own estimate.
    pub choice: Choice,
    /// The expected final size of the choice, on the same runs as every other strategy's.
    pub estimate: Estimate,
    /// Seconds the strategy took to choose.
    pub seconds: f64,
}

/// What [`recruit`] found.
pub struct SeedReport {
    /// The network the seeds were chosen on (replicate 0's).
    pub graph: Graph,
    /// One entry per strategy, in the order asked.
    pub results: Vec<Recruited>,
    /// How many Monte-Carlo runs judged each choice.
    pub runs: u64,
    /// Things the user should hear (a strategy that does not apply, a setting ignored).
    pub notes: Vec<String>,
    /// Wall time of the whole request, in seconds.
    pub wall_seconds: f64,
}

/// Where [`recruit`] is, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecruitStage {
    /// Choosing with this strategy.
    Choosing(Strategy),
    /// A round of RR-set sampling ended (OPIM-C).
    Sampling {
        /// The strategy sampling.
        strategy: Strategy,
        /// Sets sampled so far.
        sets: usize,
        /// The approximation ratio certified so far.
        guarantee: f64,
    },
    /// CELF evaluated another candidate.
    Celf {
        /// Candidates whose first gain is known (all of them once the first seed is chosen).
        done: usize,
        /// All candidates.
        of: usize,
        /// Seeds chosen so far.
        seeds: usize,
        /// Spread evaluations made so far.
        evaluations: usize,
    },
    /// Evaluating this strategy's choice on this many runs.
    Evaluating(Strategy, u64),
}

/// Chooses whom to recruit first in `experiment`, by every strategy of `request`, and judges
/// every choice on the same Monte-Carlo runs (replicate `r` of the scenario with the choice as
/// its initial followers). Runs on the caller's thread pool; `progress` hears each stage.
///
/// When several strategies are compared, one that does not apply to the scenario (IMM on a
/// movement, say) is skipped with a note; asked for alone, it is an error.
pub fn recruit(
    experiment: &Experiment,
    request: &Request,
    progress: &(dyn Fn(RecruitStage) + Sync),
) -> Result<SeedReport, Error> {
    let started = Instant::now();
    let scenario = experiment.scenario();
    if request.k == 0 {
        return Err(InputError::new("k", "k = 0: choose at least one person").into());
    }
    if request.runs == Some(0) {
        return Err(InputError::new("runs", "give at least 1 run").into());
    }
    let mut notes = Vec::new();
    let graph = experiment.network_noting(0, &mut notes)?;
    if experiment.regenerates_network() {
        notes.push(
            "regenerate_network is ignored: seeds are chosen and evaluated on one network (replicate 0's)"
                .into(),
        );
    }
    check_k(&graph, request.k)?;
    let strategies = if request.strategies.is_empty() {
        vec![Request::default_strategy(scenario)]
    } else {
        request.strategies.clone()
    };
    let runs = request.runs.unwrap_or(scenario.replicates);
    let budgeted = request.options.time_budget.is_some() || request.options.memory_budget.is_some();
    if budgeted && !strategies.contains(&Strategy::Opim) {
        notes.push("the time and memory budgets apply to the opim strategy only".into());
    }
    let options = Options {
        seed: scenario.seed,
        ..request.options.clone()
    };
    let evaluator = Evaluator::new(experiment.runner(&graph)?);
    let mut results = Vec::new();
    for &strategy in &strategies {
        let t = Instant::now();
        progress(RecruitStage::Choosing(strategy));
        let chosen = choose_with_progress(
            strategy, &evaluator, scenario, request.k, &options, progress,
        );
        let choice = match chosen {
            Ok(c) => c,
            Err(e)
                if strategies.len() > 1 && matches!(strategy, Strategy::Imm | Strategy::Opim) =>
            {
                notes.push(format!("{strategy} skipped: {}", e.message));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let seconds = t.elapsed().as_secs_f64();
        progress(RecruitStage::Evaluating(strategy, runs));
        let estimate = evaluator.evaluate(&choice.seeds, runs);
        results.push(Recruited {
            choice,
            estimate,
            seconds,
        });
    }
    drop(evaluator);
    Ok(SeedReport {
        graph,
        results,
        runs,
        notes,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests;
