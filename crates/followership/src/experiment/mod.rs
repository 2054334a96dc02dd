//! Many runs of one scenario: replicates in parallel, each with its own reproducible streams.
//!
//! A replicate's random streams are named by (scenario seed, point, replicate), so the results
//! are identical whatever the number of threads or the order in which replicates finish, and
//! one replicate can be run on its own ([`run_replicate`]) with exactly the result it has inside
//! a full ensemble.

pub mod sweep;

use std::borrow::Cow;
use std::num::NonZeroU32;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, InputError};
use crate::graph::Graph;
use crate::model::{Distribution, Movement};
use crate::random::{Purpose, stream};
use crate::scenario::{LoadedScenario, Scenario};
use crate::simulation::{Prepared, Recording, RunInput, RunRecord, sample_stride, simulate_run};

/// The point of a parameter sweep a run belongs to; 0 for a plain run.
pub type Point = u64;

/// Everything the replicates of one scenario produced.
pub struct Ensemble {
    /// One record per replicate, in replicate order.
    pub runs: Vec<RunRecord>,
    /// The shared network (the first replicate's when each replicate draws its own).
    pub graph: Graph,
    /// Seconds of wall time the runs took (network building included).
    pub wall_seconds: f64,
    /// Seconds of wall time of the runs alone: what is left of `wall_seconds` without building
    /// the network and reading per-person values (what simulation benchmarks compare).
    pub simulation_seconds: f64,
    /// Things the user should hear about the input (edges dropped from a network file, say).
    pub notes: Vec<String>,
    /// The replicate whose changes and leader events were recorded
    /// ([`EnsembleOptions::changes_for`]), when it was one of the replicates run.
    pub recorded: Option<u64>,
    /// The network of the recorded replicate when it is not [`Ensemble::graph`] (each replicate
    /// draws its own network and the recorded one is not replicate 0).
    pub recorded_graph: Option<Graph>,
}

impl Ensemble {
    /// The recorded replicate: its index, its record and the network it ran on.
    pub fn recorded_run(&self) -> Option<(u64, &RunRecord, &Graph)> {
        let r = self.recorded?;
        let record = self.runs.get(usize::try_from(r).ok()?)?;
        Some((
            r,
            record,
            self.recorded_graph.as_ref().unwrap_or(&self.graph),
        ))
    }
}

/// Settings of how an ensemble is run (they never change its results).
#[derive(Default)]
pub struct EnsembleOptions<'a> {
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// The one replicate whose every join, leave and leader event is recorded (for stories and
    /// replays), with its time series even when the scenario records none; `None` records
    /// changes for no replicate. Recording one replicate keeps memory independent of the
    /// number of replicates.
    pub changes_for: Option<u64>,
    /// Called once per finished replicate, from any thread.
    pub on_replicate_done: Option<&'a (dyn Fn() + Sync)>,
    /// The recorded replicate also keeps the trust of at most this many people whenever it
    /// changed, every [`sample_stride`]-th person (see [`Recording::trust_stride`]): what a
    /// replay needs.
    pub trust_sample: Option<usize>,
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

/// Runs every replicate of `loaded` at sweep point `point`.
pub fn run_ensemble(
    loaded: &LoadedScenario,
    point: Point,
    options: &EnsembleOptions<'_>,
) -> Result<Ensemble, Error> {
    let started = Instant::now();
    let s = &loaded.scenario;
    let mut notes = Vec::new();
    let graph = build_graph(loaded, point, 0, &mut notes)?;
    let setup = RunSetup::from_loaded(loaded, point, &graph)?;
    let simulation_started = Instant::now();
    let recording = |r: u64| {
        let recorded = options.changes_for == Some(r);
        Recording {
            trust_stride: options
                .trust_sample
                .filter(|_| recorded)
                .map(|max| sample_stride(graph.node_count(), max)),
            ..setup.recording(recorded)
        }
    };
    let done = || {
        if let Some(done) = options.on_replicate_done {
            done();
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))?;
    let mut recorded_graph = None;
    let runs: Vec<RunRecord> = pool.install(|| {
        if own_networks(loaded) {
            let results = (0..s.replicates)
                .into_par_iter()
                .map(|r| {
                    let run = |g: &Graph| setup.run(g, &setup.prepare(g), r, recording(r));
                    let result = if r == 0 {
                        (run(&graph), None)
                    } else {
                        let own = build_graph(loaded, point, r, &mut Vec::new())?;
                        // The recorded replicate's network is kept for its story.
                        (run(&own), (options.changes_for == Some(r)).then_some(own))
                    };
                    done();
                    Ok(result)
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok::<_, Error>(
                results
                    .into_iter()
                    .map(|(record, keep)| {
                        if keep.is_some() {
                            recorded_graph = keep;
                        }
                        record
                    })
                    .collect(),
            )
        } else {
            let prepared = setup.prepare(&graph);
            Ok((0..s.replicates)
                .into_par_iter()
                .map(|r| {
                    let record = setup.run(&graph, &prepared, r, recording(r));
                    done();
                    record
                })
                .collect())
        }
    })?;
    Ok(Ensemble {
        runs,
        graph,
        wall_seconds: started.elapsed().as_secs_f64(),
        simulation_seconds: simulation_started.elapsed().as_secs_f64(),
        notes,
        recorded: options.changes_for.filter(|&r| r < s.replicates),
        recorded_graph,
    })
}

/// Runs replicate `replicate` of `loaded` at sweep point `point` on its own, recording its time
/// series, every change and every leader event. Its streams are named by (seed, point,
/// replicate), so the record is exactly the one that replicate has in a full ensemble; any index
/// may be given, including one beyond the scenario's number of replicates.
pub fn run_replicate(
    loaded: &LoadedScenario,
    point: Point,
    replicate: u64,
) -> Result<Replicate, Error> {
    run_replicate_recording(loaded, point, replicate, None)
}

/// [`run_replicate`], also keeping the trust of every `trust_stride`-th person whenever it
/// changed (see [`Recording::trust_stride`]): what a replay of the run needs.
pub fn run_replicate_recording(
    loaded: &LoadedScenario,
    point: Point,
    replicate: u64,
    trust_stride: Option<NonZeroU32>,
) -> Result<Replicate, Error> {
    let mut notes = Vec::new();
    let network = if own_networks(loaded) { replicate } else { 0 };
    let graph = build_graph(loaded, point, network, &mut notes)?;
    let setup = RunSetup::from_loaded(loaded, point, &graph)?;
    let recording = Recording {
        trust_stride,
        ..setup.recording(true)
    };
    let record = setup.run(&graph, &setup.prepare(&graph), replicate, recording);
    Ok(Replicate {
        replicate,
        record,
        graph,
        notes,
    })
}

/// Runs the given replicates of `loaded` at sweep point `point`, in parallel on the current
/// thread pool, and returns their outcomes in the order given. Nothing but the outcome is
/// recorded, so memory does not grow with the length of runs.
pub fn run_outcomes(
    loaded: &LoadedScenario,
    point: Point,
    replicates: &[u64],
) -> Result<Vec<crate::simulation::RunOutcome>, Error> {
    let mut notes = Vec::new();
    let graph = build_graph(loaded, point, 0, &mut notes)?;
    let setup = RunSetup::from_loaded(loaded, point, &graph)?;
    let quiet = Recording::default();
    let outcome = |r: RunRecord| r.outcome.expect("finished runs have outcomes");
    if own_networks(loaded) {
        replicates
            .par_iter()
            .map(|&r| {
                let own;
                let g = if r == 0 {
                    &graph
                } else {
                    own = build_graph(loaded, point, r, &mut Vec::new())?;
                    &own
                };
                Ok(outcome(setup.run(g, &setup.prepare(g), r, quiet)))
            })
            .collect()
    } else {
        let prepared = setup.prepare(&graph);
        Ok(replicates
            .par_iter()
            .map(|&r| outcome(setup.run(&graph, &prepared, r, quiet)))
            .collect())
    }
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

/// The network replicate `replicate` of `loaded` at sweep point `point` runs on, checked
/// against the scenario's initial followers and leaders: what [`run_replicate_on`] takes, so a
/// caller that runs the same network again and again (the live view, as sliders move) builds it
/// once.
pub fn network_of(
    loaded: &LoadedScenario,
    point: Point,
    replicate: u64,
    notes: &mut Vec<String>,
) -> Result<Graph, Error> {
    let network = if own_networks(loaded) { replicate } else { 0 };
    build_graph(loaded, point, network, notes)
}

/// [`run_replicate_recording`] on a network built beforehand by [`network_of`] (possibly for
/// other values of the scenario's non-network keys): the same record, without building the
/// network again.
pub fn run_replicate_on(
    loaded: &LoadedScenario,
    point: Point,
    replicate: u64,
    graph: &Graph,
    trust_stride: Option<NonZeroU32>,
) -> Result<RunRecord, Error> {
    fits(loaded, graph)?;
    let setup = RunSetup::from_loaded(loaded, point, graph)?;
    let recording = Recording {
        trust_stride,
        ..setup.recording(true)
    };
    Ok(setup.run(graph, &setup.prepare(graph), replicate, recording))
}

/// What every replicate of a scenario at one point shares: per-person values and the movement
/// mechanisms. Replicate `r` draws everything from the streams of (seed, point, r), so any
/// caller that runs replicate `r` through a `RunSetup` gets the very run `followership run` gets.
pub struct RunSetup {
    scenario: Scenario,
    point: Point,
    thresholds: PersonValues,
    trust: Option<PersonValues>,
    movement: Movement,
}

impl RunSetup {
    /// The setup of `scenario` at sweep point `point` on `graph`; `base` is the directory
    /// relative paths start from. Errors name key paths (locate them with
    /// [`LoadedScenario::locate`]).
    pub fn new(
        scenario: &Scenario,
        base: &Path,
        point: Point,
        graph: &Graph,
    ) -> Result<Self, InputError> {
        // The cascade rule has no thresholds: no need to draw a value per person in every run.
        let thresholds = if scenario.dynamics.rule == crate::model::Rule::Cascade {
            PersonValues::Fixed(vec![0.0; graph.node_count()])
        } else {
            PersonValues::new(&scenario.people.threshold, graph, "people.threshold", base)?
        };
        let trust = match &scenario.trust {
            Some(t) => Some(PersonValues::new(&t.initial, graph, "trust.initial", base)?),
            None => None,
        };
        Ok(RunSetup {
            scenario: scenario.clone(),
            point,
            thresholds,
            trust,
            movement: scenario.movement(),
        })
    }

    fn from_loaded(loaded: &LoadedScenario, point: Point, graph: &Graph) -> Result<Self, Error> {
        Ok(
            RunSetup::new(&loaded.scenario, &loaded.base_dir, point, graph)
                .map_err(|e| loaded.locate(e))?,
        )
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
    pub fn prepare<'g>(&self, g: &'g Graph) -> Prepared<'g> {
        let s = &self.scenario;
        Prepared::with_movement(
            g,
            &s.dynamics,
            &self.movement,
            s.max_ticks,
            s.cascade_cutoff,
        )
    }

    /// Runs replicate `replicate` on `graph` with the scenario's initial followers.
    pub fn run(
        &self,
        graph: &Graph,
        prepared: &Prepared<'_>,
        replicate: u64,
        recording: Recording,
    ) -> RunRecord {
        self.run_with(graph, prepared, replicate, recording, None)
    }

    /// Runs replicate `replicate` on `graph`; `initial`, when given, replaces the scenario's
    /// initial followers (leaders among them are left out): how seed sets are compared on the
    /// same runs.
    pub fn run_with(
        &self,
        graph: &Graph,
        prepared: &Prepared<'_>,
        replicate: u64,
        recording: Recording,
        initial: Option<&[u32]>,
    ) -> RunRecord {
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
        let input = RunInput {
            thresholds: &thresholds,
            initial: &initial,
            leaders: &leaders,
            trust: trust.as_deref(),
        };
        let mut rng = named(Purpose::Dynamics);
        let mut events = named(Purpose::Events);
        simulate_run(prepared, &input, &mut rng, &mut events, recording)
    }
}

/// Per-person values of a scenario: fixed once (constant, listed, from a file) or drawn afresh
/// for every run.
enum PersonValues {
    Fixed(Vec<f64>),
    Drawn(Distribution),
}

impl PersonValues {
    fn new(d: &Distribution, graph: &Graph, key: &str, base: &Path) -> Result<Self, InputError> {
        Ok(match d.fixed_values(graph, key, base)? {
            Some(v) => PersonValues::Fixed(v),
            None => PersonValues::Drawn(d.clone()),
        })
    }

    fn for_run(&self, graph: &Graph, rng: &mut crate::random::Stream) -> Cow<'_, [f64]> {
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
    use crate::scenario::Scenario;
    use crate::simulation::TrustSnapshot;

    fn loaded(extra: &str) -> LoadedScenario {
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
        LoadedScenario {
            scenario: Scenario::from_toml(&text, "small.toml", &[]).unwrap(),
            base_dir: ".".into(),
            origin: "small.toml".into(),
            source: text.clone(),
            written: text,
            overrides: Vec::new(),
        }
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

    #[test]
    fn only_the_chosen_replicate_records_its_changes_and_it_runs_the_same_alone() {
        for extra in ["", "regenerate_network = true"] {
            let loaded = loaded(extra);
            let options = EnsembleOptions {
                threads: Some(2),
                changes_for: Some(3),
                ..Default::default()
            };
            let ensemble = run_ensemble(&loaded, 0, &options).unwrap();
            for (r, run) in ensemble.runs.iter().enumerate() {
                assert_eq!(!run.changes.is_empty(), r == 3, "{extra}: replicate {r}");
                if r != 3 {
                    assert!(run.trust_events.is_empty());
                }
            }
            assert!(!ensemble.runs[3].trust_events.is_empty());
            let (r, record, graph) = ensemble.recorded_run().unwrap();
            assert_eq!(r, 3);
            let alone = run_replicate(&loaded, 0, 3).unwrap();
            same_run(record, &alone.record);
            assert_eq!(graph.edge_count(), alone.graph.edge_count());
            assert_eq!(
                ensemble.recorded_graph.is_some(),
                !extra.is_empty(),
                "a replicate's own network is kept only when it has one"
            );
            // Changes or not, every replicate runs the same.
            let plain = run_ensemble(&loaded, 0, &EnsembleOptions::default()).unwrap();
            assert_eq!(plain.recorded, None);
            assert!(plain.recorded_run().is_none());
            for (a, b) in plain.runs.iter().zip(&ensemble.runs) {
                assert_eq!(a.outcome, b.outcome);
                assert_eq!(a.timeseries, b.timeseries);
            }
        }
    }

    #[test]
    fn a_replicate_beyond_the_ensemble_is_just_another_stream() {
        let mut loaded = loaded("");
        let alone = run_replicate(&loaded, 0, 7).unwrap();
        loaded.scenario.replicates = 8;
        loaded.scenario.output.timeseries = false;
        let options = EnsembleOptions {
            changes_for: Some(7),
            ..Default::default()
        };
        let ensemble = run_ensemble(&loaded, 0, &options).unwrap();
        // The recorded replicate keeps its time series even when the scenario records none.
        assert!(ensemble.runs[..7].iter().all(|r| r.timeseries.is_empty()));
        same_run(&ensemble.runs[7], &alone.record);
        // Asking for a replicate the ensemble does not run records nothing.
        loaded.scenario.replicates = 5;
        let ensemble = run_ensemble(&loaded, 0, &options).unwrap();
        assert!(ensemble.recorded_run().is_none());
        assert!(ensemble.runs.iter().all(|r| r.changes.is_empty()));
    }

    #[test]
    fn trust_snapshots_sample_every_stride_th_person_when_trust_changes() {
        let loaded = loaded("");
        let stride = NonZeroU32::new(7).unwrap();
        let alone = run_replicate_recording(&loaded, 0, 2, Some(stride)).unwrap();
        let snapshots = &alone.record.trust_snapshots;
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
        let plain = run_replicate(&loaded, 0, 2).unwrap();
        assert!(plain.record.trust_snapshots.is_empty());
        same_run(&plain.record, &alone.record);
    }

    #[test]
    fn a_network_built_once_runs_as_the_replicate_would() {
        for extra in ["", "regenerate_network = true"] {
            let loaded = loaded(extra);
            let stride = NonZeroU32::new(3);
            let alone = run_replicate_recording(&loaded, 0, 4, stride).unwrap();
            let graph = network_of(&loaded, 0, 4, &mut Vec::new()).unwrap();
            let on = run_replicate_on(&loaded, 0, 4, &graph, stride).unwrap();
            same_run(&alone.record, &on);
            assert_eq!(alone.record.trust_snapshots, on.trust_snapshots);
        }
    }
}
