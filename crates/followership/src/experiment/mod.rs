//! Many runs of one scenario: the engine's one entry point.
//!
//! An [`Experiment`] is a scenario ready to run: read from a built-in, a file, TOML text or a
//! [`Scenario`] value, changed key by key with typed values ([`Experiment::set`]), possibly on a
//! network the caller brings ([`Experiment::with_network`]) and with per-person values the
//! caller gives. [`Experiment::runner`] binds it to a network: a [`Runner`] runs replicates
//! ([`Runner::run`]), many of them in parallel ([`Runner::outcomes`]), or one tick by tick
//! ([`Runner::simulation`]). Sweeps ([`sweep`]) and the sensitivity analysis are experiments
//! at many points.
//!
//! A replicate's random streams are named by (scenario seed, point, replicate), so the results
//! are identical whatever the number of threads or the order in which replicates finish, and
//! one replicate can be run on its own with exactly the result it has inside a full ensemble.
//! The library builds no thread pool of its own: parallel work runs on the caller's rayon pool.

mod ensemble;
pub mod sweep;
mod value;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, InputError};
use crate::graph::Graph;
use crate::model::{Distribution, Movement};
use crate::random::{Purpose, Stream, stream};
use crate::scenario::{LoadedScenario, Override, Scenario};
use crate::simulation::{Prepared, Recording, RunInput, RunOutcome, RunRecord, Simulation};

pub use ensemble::{DEFAULT_BLOCK, Ensemble, EnsembleOptions, RunBlock, RunSink};
pub use value::Value;

/// The point of a parameter sweep a run belongs to; 0 for a plain run.
pub type Point = u64;

/// One scenario, ready to run: the engine's entry point for every front end.
///
/// ```
/// use followership::experiment::Experiment;
/// use followership::simulation::Recording;
///
/// # fn main() -> Result<(), followership::error::Error> {
/// let experiment = Experiment::builtin("hillside")?
///     .set("network.nodes", 500)?
///     .set("leaders.persistence", 80)?
///     .with_seed(7)?;
/// let network = experiment.network(0)?;
/// let runner = experiment.runner(&network)?;
/// let outcomes = runner.outcomes(0..100);
/// let movements = outcomes.iter().filter(|o| o.cascaded).count();
/// let mean = outcomes.iter().map(|o| o.final_fraction).sum::<f64>() / 100.0;
/// println!("{movements} movements in 100 runs; mean final size {:.1}%", 100.0 * mean);
///
/// // One run again, with its story: the same run as replicate 3 of the 100.
/// let record = runner.run(3, Recording::everything());
/// assert_eq!(record.outcome, outcomes[3]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Experiment {
    loaded: LoadedScenario,
    point: Point,
    network: Option<Arc<Graph>>,
    thresholds: Option<Arc<[f64]>>,
    initial_trust: Option<Arc<[f64]>>,
}

impl Experiment {
    /// The built-in scenario `name` (see [`crate::scenario::builtin::BUILTINS`]).
    pub fn builtin(name: &str) -> Result<Self, Error> {
        Ok(Self::from_loaded(Scenario::load_builtin(name, &[])?))
    }

    /// The scenario file at `path`; relative paths in it start from its directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(Self::from_loaded(Scenario::load_file(path.as_ref(), &[])?))
    }

    /// A scenario from TOML text; relative paths in it start from the current directory.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let origin = "scenario";
        let scenario = Scenario::from_toml(text, origin, &[])?;
        Ok(Self::from_loaded(LoadedScenario {
            scenario,
            base_dir: ".".into(),
            origin: origin.into(),
            source: text.to_string(),
            written: text.to_string(),
            overrides: Vec::new(),
        }))
    }

    /// A scenario built in Rust, checked as a file would be.
    pub fn from_scenario(scenario: Scenario) -> Result<Self, Error> {
        scenario.validate()?;
        let text = scenario.to_toml();
        Self::from_toml(&text)
    }

    /// A scenario already loaded (with the place it came from, for error messages).
    pub fn from_loaded(loaded: LoadedScenario) -> Self {
        Experiment {
            loaded,
            point: 0,
            network: None,
            thresholds: None,
            initial_trust: None,
        }
    }

    /// The experiment with the key path `key` (such as `leaders.persistence`) set to `value`,
    /// checked as strictly as a scenario file: an unknown key or an out-of-range value is an
    /// error naming the key.
    pub fn set(self, key: &str, value: impl Into<Value>) -> Result<Self, Error> {
        let o = Override::new(key, value.into().to_toml())?;
        self.with_overrides(&[o])
    }

    /// The experiment with every key path of `settings` set to its value at once (as a sweep
    /// point sets its parameters): one check of the whole scenario, with the errors of
    /// [`Experiment::set`].
    pub fn set_all<K: AsRef<str>>(
        self,
        settings: impl IntoIterator<Item = (K, Value)>,
    ) -> Result<Self, Error> {
        let overrides = settings
            .into_iter()
            .map(|(key, value)| Override::new(key.as_ref(), value.to_toml()))
            .collect::<Result<Vec<_>, _>>()?;
        self.with_overrides(&overrides)
    }

    /// The experiment with every override applied at once (as `--set` gives them).
    pub fn with_overrides(mut self, overrides: &[Override]) -> Result<Self, Error> {
        if !overrides.is_empty() {
            self.loaded = self.loaded.with_overrides(overrides)?;
            self.check_per_person_values()?;
        }
        Ok(self)
    }

    /// The experiment with another seed (0 to 2^63 - 1).
    pub fn with_seed(self, seed: u64) -> Result<Self, Error> {
        self.set("seed", seed)
    }

    /// The experiment with another number of replicates (at least 1).
    pub fn with_replicates(self, replicates: u64) -> Result<Self, Error> {
        self.set("replicates", replicates)
    }

    /// The experiment at sweep point `point`: its runs draw from the streams of (seed, point,
    /// replicate), as the runs of that point of a sweep do.
    pub fn at_point(mut self, point: Point) -> Self {
        self.point = point;
        self
    }

    /// The experiment on `graph` instead of the scenario's network (every replicate runs on
    /// it); its leaders and initial followers must fit it.
    pub fn with_network(mut self, graph: Graph) -> Result<Self, Error> {
        if graph.node_count() == 0 {
            return Err(InputError::new("network", "the network given has no people").into());
        }
        fits(&self.loaded, &graph)?;
        self.network = Some(Arc::new(graph));
        self.check_per_person_values()?;
        Ok(self)
    }

    /// The experiment with everyone's threshold given, by dense id (instead of the scenario's
    /// `people.threshold`); one finite value of zero or more per person.
    pub fn with_thresholds(mut self, thresholds: Vec<f64>) -> Result<Self, Error> {
        check_values(&thresholds, "thresholds", 0.0, f64::MAX)?;
        self.thresholds = Some(thresholds.into());
        self.check_per_person_values()?;
        Ok(self)
    }

    /// The experiment with everyone's initial trust in the leader given, by dense id (instead
    /// of the scenario's `trust.initial`); one value in [0, 1] per person, and a `[trust]`
    /// section.
    pub fn with_initial_trust(mut self, trust: Vec<f64>) -> Result<Self, Error> {
        if self.loaded.scenario.trust.is_none() {
            return Err(InputError::new(
                "trust",
                "initial trust was given but the scenario does not model trust; add a [trust] section (set trust.floor, say)",
            )
            .into());
        }
        check_values(&trust, "initial trust", 0.0, 1.0)?;
        self.initial_trust = Some(trust.into());
        self.check_per_person_values()?;
        Ok(self)
    }

    /// The scenario, with every default filled in.
    pub fn scenario(&self) -> &Scenario {
        &self.loaded.scenario
    }

    /// The scenario, to change in place, for the engine's own callers that check it
    /// themselves (a fit writes a particle's numbers and validates the scenario once).
    pub(crate) fn scenario_mut(&mut self) -> &mut Scenario {
        &mut self.loaded.scenario
    }

    /// The scenario with the place it came from.
    pub fn loaded(&self) -> &LoadedScenario {
        &self.loaded
    }

    /// The sweep point whose streams the runs draw from (0 for a plain run).
    pub fn point(&self) -> Point {
        self.point
    }

    /// Whether each replicate draws its own network (`regenerate_network` with a random
    /// generator, and no network brought by the caller).
    pub fn regenerates_network(&self) -> bool {
        self.network.is_none() && own_networks(&self.loaded)
    }

    /// The network replicate `replicate` runs on (the same for every replicate unless the
    /// scenario regenerates it), checked against the leaders and initial followers.
    pub fn network(&self, replicate: u64) -> Result<Graph, Error> {
        self.network_noting(replicate, &mut Vec::new())
    }

    /// [`Experiment::network`], adding to `notes` what the user should hear about the input
    /// (edges dropped from a network file, say).
    pub fn network_noting(&self, replicate: u64, notes: &mut Vec<String>) -> Result<Graph, Error> {
        if let Some(g) = &self.network {
            return Ok(Graph::clone(g));
        }
        let network = if own_networks(&self.loaded) {
            replicate
        } else {
            0
        };
        build_graph(&self.loaded, self.point, network, notes)
    }

    /// The experiment bound to `graph`: ready to run replicates on it. Checks that the leaders,
    /// the initial followers and the per-person values fit the network.
    pub fn runner<'e, 'g>(&'e self, graph: &'g Graph) -> Result<Runner<'e, 'g>, Error> {
        fits(&self.loaded, graph)?;
        let setup = RunSetup::new(self, graph).map_err(|e| self.loaded.locate(e))?;
        let prepared = setup.prepare(graph);
        Ok(Runner {
            experiment: self,
            graph,
            setup,
            prepared,
        })
    }

    /// The outcomes of `replicates`, in the order given, computed in parallel on the current
    /// thread pool; each replicate on its own network when the scenario regenerates it.
    /// Nothing but the outcome is recorded, so memory does not grow with the length of runs.
    pub fn outcomes(&self, replicates: &[u64]) -> Result<Vec<RunOutcome>, Error> {
        let graph = self.network(0)?;
        let runner = self.runner(&graph)?;
        if !self.regenerates_network() {
            return Ok(runner.outcomes(replicates.iter().copied()));
        }
        replicates
            .par_iter()
            .map(|&r| {
                if r == 0 {
                    return Ok(runner.run(r, Recording::default()).outcome);
                }
                let own = self.network(r)?;
                Ok(self.runner(&own)?.run(r, Recording::default()).outcome)
            })
            .collect()
    }

    /// Replicate `replicate` on its own network, recording `recording`: exactly the run that
    /// replicate is inside a full ensemble. Any index may be given, also beyond the scenario's
    /// number of replicates (it names the run's random streams).
    pub fn replicate(&self, replicate: u64, recording: Recording) -> Result<Replicate, Error> {
        let mut notes = Vec::new();
        let graph = self.network_noting(replicate, &mut notes)?;
        let record = self.runner(&graph)?.run(replicate, recording);
        Ok(Replicate {
            replicate,
            record,
            graph,
            notes,
        })
    }

    /// Every replicate of the scenario, in blocks, each in parallel on the current thread pool:
    /// what is kept is the shared network, the recorded replicate's record and the aggregates
    /// of every run (see [`Ensemble`]); memory does not hold the runs.
    pub fn ensemble(&self, options: &EnsembleOptions<'_>) -> Result<Ensemble, Error> {
        ensemble::run_ensemble(self, options, &mut ())
    }

    /// [`Experiment::ensemble`], handing every block of records, in replicate order, to `sink`
    /// (the files of a run, say, or a `Vec<RunRecord>` to keep them all).
    pub fn ensemble_into(
        &self,
        options: &EnsembleOptions<'_>,
        sink: &mut dyn RunSink,
    ) -> Result<Ensemble, Error> {
        ensemble::run_ensemble(self, options, sink)
    }

    /// Per-person values given by the caller must match the network given by the caller.
    fn check_per_person_values(&self) -> Result<(), Error> {
        if let Some(g) = &self.network {
            check_length(self.thresholds.as_deref(), g, "thresholds")?;
            check_length(self.initial_trust.as_deref(), g, "initial trust")?;
        }
        Ok(())
    }
}

/// Checks values given per person: finite and within `[low, high]`.
fn check_values(values: &[f64], what: &str, low: f64, high: f64) -> Result<(), InputError> {
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= low && **v <= high))
    {
        let range = if high == f64::MAX {
            format!("finite and at least {low}")
        } else {
            format!("in [{low}, {high}]")
        };
        return Err(InputError::new(
            format!("{what}[{i}]"),
            format!("{v} is not a valid value; every one must be {range}"),
        ));
    }
    Ok(())
}

/// Checks that per-person values have one value per person of `graph`.
fn check_length(values: Option<&[f64]>, graph: &Graph, what: &str) -> Result<(), InputError> {
    match values {
        Some(v) if v.len() != graph.node_count() => Err(InputError::new(
            what,
            format!(
                "{} values given for a network of {} people; give one per person, by dense id",
                v.len(),
                graph.node_count()
            ),
        )),
        _ => Ok(()),
    }
}

/// An experiment bound to a network: runs replicates on it, one at a time, many in parallel,
/// or tick by tick.
pub struct Runner<'e, 'g> {
    experiment: &'e Experiment,
    graph: &'g Graph,
    setup: RunSetup,
    prepared: Prepared<'g>,
}

impl<'e, 'g> Runner<'e, 'g> {
    /// The network the runs happen on.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The experiment it runs.
    pub fn experiment(&self) -> &'e Experiment {
        self.experiment
    }

    /// Runs replicate `replicate`, recording `recording` besides its outcome.
    pub fn run(&self, replicate: u64, recording: Recording) -> RunRecord {
        self.setup
            .run(self.graph, &self.prepared, replicate, recording, None)
    }

    /// Runs replicate `replicate` with `initial` (dense ids) as the initial followers instead of
    /// the scenario's (leaders among them are left out): how seed sets are compared on the same
    /// runs. An id that is not a person of the network is an error naming it.
    pub fn run_from(
        &self,
        replicate: u64,
        recording: Recording,
        initial: &[u32],
    ) -> Result<RunRecord, InputError> {
        let n = self.graph.node_count();
        if let Some((i, v)) = initial.iter().enumerate().find(|(_, v)| **v as usize >= n) {
            return Err(InputError::new(
                format!("initial[{i}]"),
                format!(
                    "{v} is not a person of this network; dense ids run from 0 to {}",
                    n - 1
                ),
            ));
        }
        Ok(self.run_from_checked(replicate, recording, initial))
    }

    /// [`Runner::run_from`] with ids already known to be people of the network (seed sets
    /// the strategies chose).
    pub(crate) fn run_from_checked(
        &self,
        replicate: u64,
        recording: Recording,
        initial: &[u32],
    ) -> RunRecord {
        self.setup.run(
            self.graph,
            &self.prepared,
            replicate,
            recording,
            Some(initial),
        )
    }

    /// The outcomes of `replicates`, in the order given, computed in parallel on the current
    /// thread pool, all on this runner's network.
    pub fn outcomes(&self, replicates: impl IntoIterator<Item = u64>) -> Vec<RunOutcome> {
        let replicates: Vec<u64> = replicates.into_iter().collect();
        replicates
            .par_iter()
            .map(|&r| self.run(r, Recording::default()).outcome)
            .collect()
    }

    /// Replicate `replicate` at tick 0, to be played tick by tick with
    /// [`Simulation::step`]: stepped to its end, it records exactly what [`Runner::run`] does.
    pub fn simulation(&self, replicate: u64, recording: Recording) -> Simulation<'_, 'g> {
        self.setup
            .simulation(self.graph, &self.prepared, replicate, recording, None)
    }
}

/// One replicate run on its own.
pub struct Replicate {
    /// Its index: the name of its random streams.
    pub replicate: u64,
    /// What it recorded: outcome, time series, every change and every leader event.
    pub record: RunRecord,
    /// The network it ran on.
    pub graph: Graph,
    /// Things the user should hear about the input (edges dropped from a network file, say).
    pub notes: Vec<String>,
}

/// Whether each replicate draws its own network.
fn own_networks(loaded: &LoadedScenario) -> bool {
    let s = &loaded.scenario;
    s.regenerate_network && s.network.is_random()
}

/// Builds and checks the network of replicate `replicate` (its network stream).
fn build_graph(
    loaded: &LoadedScenario,
    point: Point,
    replicate: u64,
    notes: &mut Vec<String>,
) -> Result<Graph, Error> {
    let s = &loaded.scenario;
    let graph = s
        .network
        .build(
            &mut stream(s.seed, point, replicate, Purpose::Network),
            &loaded.base_dir,
            notes,
        )
        .map_err(|e| match e {
            Error::Input(i) => Error::Input(loaded.locate(i)),
            other => other,
        })?;
    if graph.node_count() == 0 {
        return Err(loaded.locate(s.network.empty_network_error()).into());
    }
    fits(loaded, &graph)?;
    Ok(graph)
}

/// Checks that the scenario's initial followers and leaders can be placed on `graph`.
fn fits(loaded: &LoadedScenario, graph: &Graph) -> Result<(), Error> {
    let s = &loaded.scenario;
    s.initial
        .validate(graph, "initial")
        .map_err(|e| loaded.locate(e))?;
    if let Some(l) = &s.leaders {
        l.placement()
            .validate(graph, "leaders")
            .map_err(|e| loaded.locate(e))?;
    }
    Ok(())
}

/// What every replicate of an experiment shares: per-person values and the movement
/// mechanisms. Replicate `r` draws everything from the streams of (seed, point, r), so any
/// caller that runs replicate `r` through a `RunSetup` gets the very run `followership run` gets.
struct RunSetup {
    scenario: Scenario,
    point: Point,
    thresholds: PersonValues,
    trust: Option<PersonValues>,
    movement: Movement,
}

/// What replicate `r` starts from, drawn from its streams.
struct Start<'a> {
    thresholds: Cow<'a, [f64]>,
    trust: Option<Cow<'a, [f64]>>,
    leaders: Vec<u32>,
    initial: Vec<u32>,
    rng: Stream,
    events: Stream,
}

impl RunSetup {
    /// The setup of `experiment` on `graph`. Errors name key paths.
    fn new(experiment: &Experiment, graph: &Graph) -> Result<Self, InputError> {
        let scenario = experiment.scenario();
        let base = &experiment.loaded.base_dir;
        check_length(experiment.thresholds.as_deref(), graph, "thresholds")?;
        check_length(experiment.initial_trust.as_deref(), graph, "initial trust")?;
        let thresholds = if let Some(given) = &experiment.thresholds {
            PersonValues::Fixed(Arc::clone(given))
        } else if scenario.dynamics.rule.kind() == crate::model::RuleKind::Cascade {
            // The cascade rule has no thresholds: no need to draw a value per person in every
            // run.
            PersonValues::Fixed(vec![0.0; graph.node_count()].into())
        } else {
            PersonValues::new(&scenario.people.threshold, graph, "people.threshold", base)?
        };
        let trust = match (&scenario.trust, &experiment.initial_trust) {
            (Some(_), Some(given)) => Some(PersonValues::Fixed(Arc::clone(given))),
            (Some(t), None) => Some(PersonValues::new(&t.initial, graph, "trust.initial", base)?),
            (None, _) => None,
        };
        Ok(RunSetup {
            scenario: scenario.clone(),
            point: experiment.point,
            thresholds,
            trust,
            movement: scenario.movement(),
        })
    }

    /// What a replicate records: the scenario's time series, or everything when `recorded`.
    fn recording(&self, recorded: bool) -> Recording {
        Recording {
            timeseries: self.scenario.output.timeseries || recorded,
            changes: recorded,
            trust_stride: None,
        }
    }

    /// The part of every run that depends only on the network and the dynamics.
    fn prepare<'g>(&self, g: &'g Graph) -> Prepared<'g> {
        let s = &self.scenario;
        Prepared::with_movement(
            g,
            &s.dynamics,
            &self.movement,
            s.max_ticks,
            s.cascade_cutoff,
        )
    }

    /// What replicate `replicate` starts from; `initial`, when given, replaces the scenario's
    /// initial followers (leaders among them are left out).
    fn start(&self, graph: &Graph, replicate: u64, initial: Option<&[u32]>) -> Start<'_> {
        let s = &self.scenario;
        let named = |purpose| stream(s.seed, self.point, replicate, purpose);
        let thresholds = self.thresholds.for_run(graph, &mut named(Purpose::People));
        let trust = self
            .trust
            .as_ref()
            .map(|t| t.for_run(graph, &mut named(Purpose::Trust)));
        let leaders = s
            .leaders
            .as_ref()
            .map(|l| l.placement().place(graph, &mut named(Purpose::Leaders)))
            .unwrap_or_default();
        let initial: Vec<u32> = match initial {
            Some(seeds) => seeds
                .iter()
                .copied()
                .filter(|v| !leaders.contains(v))
                .collect(),
            None => s
                .initial
                .place_excluding(graph, &mut named(Purpose::Placement), &leaders),
        };
        Start {
            thresholds,
            trust,
            leaders,
            initial,
            rng: named(Purpose::Dynamics),
            events: named(Purpose::Events),
        }
    }

    /// Replicate `replicate` at tick 0.
    fn simulation<'a, 'g>(
        &'a self,
        graph: &Graph,
        prepared: &'a Prepared<'g>,
        replicate: u64,
        recording: Recording,
        initial: Option<&[u32]>,
    ) -> Simulation<'a, 'g> {
        let Start {
            thresholds,
            trust,
            leaders,
            initial,
            rng,
            events,
        } = self.start(graph, replicate, initial);
        let input = RunInput {
            // The simulation keeps the thresholds it is given apart (they may be owned).
            thresholds: &[],
            initial: &initial,
            leaders: &leaders,
            trust: trust.as_deref(),
        };
        Simulation::start(prepared, &input, thresholds, rng, events, recording)
    }

    /// Runs replicate `replicate` to its end.
    fn run(
        &self,
        graph: &Graph,
        prepared: &Prepared<'_>,
        replicate: u64,
        recording: Recording,
        initial: Option<&[u32]>,
    ) -> RunRecord {
        let mut start = self.start(graph, replicate, initial);
        let input = RunInput {
            thresholds: &start.thresholds,
            initial: &start.initial,
            leaders: &start.leaders,
            trust: start.trust.as_deref(),
        };
        crate::simulation::simulate_run(
            prepared,
            &input,
            &mut start.rng,
            &mut start.events,
            recording,
        )
    }
}

/// Per-person values of a scenario: fixed once (constant, listed, from a file, given by the
/// caller) or drawn afresh for every run.
enum PersonValues {
    Fixed(Arc<[f64]>),
    Drawn(Distribution),
}

impl PersonValues {
    fn new(d: &Distribution, graph: &Graph, key: &str, base: &Path) -> Result<Self, InputError> {
        Ok(match d.fixed_values(graph, key, base)? {
            Some(v) => PersonValues::Fixed(v.into()),
            None => PersonValues::Drawn(d.clone()),
        })
    }

    fn for_run(&self, graph: &Graph, rng: &mut Stream) -> Cow<'_, [f64]> {
        match self {
            PersonValues::Fixed(v) => Cow::Borrowed(v),
            PersonValues::Drawn(d) => {
                let mut v = Vec::new();
                d.sample_into(rng, &mut v, graph.node_count());
                Cow::Owned(v)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    use crate::simulation::TrustSnapshot;

    fn experiment(extra: &str) -> Experiment {
        let text = format!(
            r#"
name = "small-hillside"
seed = 11
replicates = 6
max_ticks = 200
{extra}
[network]
kind = "random-geometric"
nodes = 300
mean_degree = 10.0
[people]
threshold = {{ distribution = "normal", mean = 2.0, sd = 0.5, low = 1.2, high = 10.0 }}
[dynamics]
social_proof = "count"
spontaneous = 0.002
[leaders]
weight = 1.5
persistence = 60
[influence]
first_follower = 1.5
embrace = true
[leaving]
hysteresis = 0.5
[trust]
floor = 0.3
[[events]]
tick = 40
kind = "character-violation"
[initial]
placement = "none"
"#
        );
        Experiment::from_toml(&text).unwrap()
    }

    fn alone(e: &Experiment, replicate: u64, stride: Option<NonZeroU32>) -> Replicate {
        e.replicate(replicate, Recording::everything().with_trust_stride(stride))
            .unwrap()
    }

    fn same_run(a: &RunRecord, b: &RunRecord) {
        assert_eq!(a.outcome, b.outcome);
        assert_eq!(a.timeseries, b.timeseries);
        assert_eq!(a.changes, b.changes);
        assert_eq!(a.trust_events, b.trust_events);
        assert_eq!(a.leaders, b.leaders);
        assert_eq!(a.first_follower, b.first_follower);
        assert_eq!(a.second_follower, b.second_follower);
    }

    /// The ensemble of `e` with every record kept.
    fn collected(e: &Experiment, options: &EnsembleOptions<'_>) -> (Ensemble, Vec<RunRecord>) {
        let mut runs: Vec<RunRecord> = Vec::new();
        let ensemble = e.ensemble_into(options, &mut runs).unwrap();
        (ensemble, runs)
    }

    #[test]
    fn only_the_chosen_replicate_records_its_changes_and_it_runs_the_same_alone() {
        for extra in ["", "regenerate_network = true"] {
            let e = experiment(extra);
            let options = EnsembleOptions {
                changes_for: Some(3),
                ..Default::default()
            };
            let (ensemble, runs) = collected(&e, &options);
            for (r, run) in runs.iter().enumerate() {
                assert_eq!(!run.changes.is_empty(), r == 3, "{extra}: replicate {r}");
                if r != 3 {
                    assert!(run.trust_events.is_empty());
                }
            }
            assert!(!runs[3].trust_events.is_empty());
            let (r, record, graph) = ensemble.recorded_run().unwrap();
            assert_eq!(r, 3);
            same_run(record, &runs[3]);
            let alone = alone(&e, 3, None);
            same_run(record, &alone.record);
            assert_eq!(graph.edge_count(), alone.graph.edge_count());
            assert_eq!(
                ensemble.recorded_graph.is_some(),
                !extra.is_empty(),
                "a replicate's own network is kept only when it has one"
            );
            // Changes or not, every replicate runs the same, on one thread or several, in
            // blocks of any size.
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap();
            let small_blocks = EnsembleOptions {
                block: 4,
                ..Default::default()
            };
            let (plain, plain_runs) = one.install(|| collected(&e, &small_blocks));
            assert_eq!(plain.recorded, None);
            assert!(plain.recorded_run().is_none());
            assert_eq!(plain_runs.len(), 6);
            for (a, b) in plain_runs.iter().zip(&runs) {
                assert_eq!(a.outcome, b.outcome);
                assert_eq!(a.timeseries, b.timeseries);
            }
            let replicates: Vec<u64> = (0..6).collect();
            let outcomes = e.outcomes(&replicates).unwrap();
            for (a, b) in outcomes.iter().zip(&plain_runs) {
                assert_eq!(*a, b.outcome);
            }
        }
    }

    #[test]
    fn a_replicate_beyond_the_ensemble_is_just_another_stream() {
        let e = experiment("");
        let alone = alone(&e, 7, None);
        let e = e
            .with_replicates(8)
            .unwrap()
            .set("output.timeseries", false)
            .unwrap();
        let options = EnsembleOptions {
            changes_for: Some(7),
            block: 3,
            ..Default::default()
        };
        let (ensemble, runs) = collected(&e, &options);
        // The recorded replicate keeps its time series even when the scenario records none.
        assert!(runs[..7].iter().all(|r| r.timeseries.is_empty()));
        same_run(&runs[7], &alone.record);
        same_run(ensemble.recorded_run().unwrap().1, &alone.record);
        assert_eq!(
            ensemble.aggregates.series.runs(),
            1,
            "only it draws a curve"
        );
        // Asking for a replicate the ensemble does not run records nothing.
        let e = e.with_replicates(5).unwrap();
        let (ensemble, runs) = collected(&e, &options);
        assert!(ensemble.recorded_run().is_none());
        assert!(runs.iter().all(|r| r.changes.is_empty()));
    }

    #[test]
    fn trust_snapshots_sample_every_stride_th_person_when_trust_changes() {
        let e = experiment("");
        let stride = NonZeroU32::new(7).unwrap();
        let with_trust = alone(&e, 2, Some(stride));
        let snapshots = &with_trust.record.trust_snapshots;
        assert_eq!(snapshots[0].tick, 0, "the starting trust comes first");
        assert!(
            snapshots.iter().any(|s| s.tick == 40),
            "the scripted violation at tick 40 changes trust"
        );
        let shown = 300_usize.div_ceil(7);
        for s in snapshots {
            assert_eq!(s.trust.len(), shown);
            assert!(s.trust.iter().all(|t| (0.0..=1.0).contains(t)));
        }
        let before = snapshots.iter().rfind(|s| s.tick < 40).unwrap();
        let after = snapshots.iter().find(|s| s.tick == 40).unwrap();
        let mean = |s: &TrustSnapshot| s.trust.iter().sum::<f32>() / s.trust.len() as f32;
        assert!(mean(after) < mean(before), "a violation lowers trust");
        // Snapshots are only taken when asked, and never change the run.
        let plain = alone(&e, 2, None);
        assert!(plain.record.trust_snapshots.is_empty());
        same_run(&plain.record, &with_trust.record);
    }

    #[test]
    fn a_network_built_once_runs_as_the_replicate_would() {
        for extra in ["", "regenerate_network = true"] {
            let e = experiment(extra);
            let stride = NonZeroU32::new(3);
            let alone = alone(&e, 4, stride);
            let graph = e.network(4).unwrap();
            let on = e
                .runner(&graph)
                .unwrap()
                .run(4, Recording::everything().with_trust_stride(stride));
            same_run(&alone.record, &on);
            assert_eq!(alone.record.trust_snapshots, on.trust_snapshots);
        }
    }

    #[test]
    fn stepping_a_run_to_its_end_records_what_running_it_does() {
        for extra in ["", "regenerate_network = true"] {
            let e = experiment(extra);
            let graph = e.network(0).unwrap();
            let runner = e.runner(&graph).unwrap();
            for r in 0..4 {
                let run = runner.run(r, Recording::everything());
                let mut sim = runner.simulation(r, Recording::everything());
                assert_eq!(sim.tick(), 0);
                let mut ticks = Vec::new();
                while let Some(tick) = sim.step() {
                    assert_eq!(tick.tick, sim.tick());
                    assert_eq!(tick.following, sim.following());
                    let dancing = (0..graph.node_count() as u32)
                        .filter(|&v| sim.state(v) == crate::simulation::PersonState::Following)
                        .count();
                    assert_eq!(dancing as u32, tick.following, "states agree with counts");
                    assert!(sim.trust().is_some(), "the scenario models trust");
                    ticks.push(tick);
                }
                assert!(sim.is_over());
                assert!(sim.step().is_none(), "a finished run plays no more ticks");
                let stepped = sim.finish();
                same_run(&run, &stepped);
                assert_eq!(ticks[..], run.timeseries[1..], "every tick after tick 0");
            }
        }
    }

    #[test]
    fn typed_settings_go_through_the_checks_of_a_file() {
        let e = experiment("");
        let changed = e.clone().set("leaders.persistence", 80_u32).unwrap();
        assert_eq!(
            changed.scenario().leaders.as_ref().unwrap().persistence,
            Some(80)
        );
        let unknown = e.clone().set("leaders.persistance", 80).unwrap_err();
        assert!(unknown.to_string().contains("persistence"), "{unknown}");
        let out_of_range = e.clone().set("cascade_cutoff", 2.0).unwrap_err();
        assert!(
            out_of_range.to_string().contains("cascade_cutoff"),
            "{out_of_range}"
        );
        assert!(
            e.clone().with_seed(u64::MAX).is_err(),
            "seeds stop at 2^63 - 1"
        );
        assert!(e.clone().with_replicates(0).is_err());
        let same = Experiment::from_scenario(e.scenario().clone()).unwrap();
        assert_eq!(same.scenario(), e.scenario());
    }

    #[test]
    fn networks_and_per_person_values_from_the_caller_are_checked_and_used() {
        let e = experiment("");
        let graph = e.network(0).unwrap();
        let n = graph.node_count();
        // Someone's own graph: the same runs as the scenario's network.
        let own = e.clone().with_network(graph.clone()).unwrap();
        let a = e.runner(&graph).unwrap().run(1, Recording::everything());
        let b = own.replicate(1, Recording::everything()).unwrap().record;
        same_run(&a, &b);
        // Thresholds of the wrong length, or not finite, are errors naming what is wrong.
        let short = own.clone().with_thresholds(vec![1.0; n - 1]).unwrap_err();
        assert!(short.to_string().contains("299 values"), "{short}");
        let nan = own.clone().with_thresholds(vec![f64::NAN; n]).unwrap_err();
        assert!(nan.to_string().contains("thresholds[0]"), "{nan}");
        let wrong = e.clone().with_thresholds(vec![1.0; 3]).unwrap();
        assert!(
            wrong.runner(&graph).is_err(),
            "checked when bound to a network"
        );
        // Thresholds nobody reaches: nobody follows the leader.
        let stubborn = own.clone().with_thresholds(vec![1e9; n]).unwrap();
        let runner = stubborn.runner(&graph).unwrap();
        let o = runner.run(0, Recording::default());
        assert_eq!(o.outcome.final_following, 0);
        // Initial followers that are not people are an error naming them, not a panic.
        let e = runner
            .run_from(0, Recording::default(), &[3, n as u32])
            .unwrap_err();
        assert_eq!(e.place, "initial[1]", "{e}");
        let seeded = runner
            .run_from(0, Recording::everything(), &[3, 4])
            .unwrap();
        let started: Vec<u32> = seeded
            .changes
            .iter()
            .filter(|c| c.tick == 0 && c.joined && !seeded.leaders.contains(&c.person))
            .map(|c| c.person)
            .collect();
        assert_eq!(started, [3, 4], "the seeds start dancing at tick 0");
        assert!(own.clone().with_initial_trust(vec![2.0; n]).is_err());
        let trusting = own.with_initial_trust(vec![1.0; n]).unwrap();
        assert!(trusting.replicate(0, Recording::default()).is_ok());
    }
}
