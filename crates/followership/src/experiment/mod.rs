//! Many runs of one scenario: replicates in parallel, each with its own reproducible streams.
//!
//! A replicate's random streams are named by (scenario seed, point, replicate), so the results
//! are identical whatever the number of threads or the order in which replicates finish.

use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, InputError};
use crate::graph::Graph;
use crate::model::Distribution;
use crate::random::{Purpose, stream};
use crate::scenario::LoadedScenario;
use crate::simulation::{Prepared, Recording, RunInput, RunRecord, simulate_run};

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
    /// Things the user should hear about the input (edges dropped from a network file, say).
    pub notes: Vec<String>,
}

/// Settings of how an ensemble is run (they never change its results).
#[derive(Default)]
pub struct EnsembleOptions<'a> {
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// Also record every join, leave and leader event (for stories and replays).
    pub record_changes: bool,
    /// Called once per finished replicate, from any thread.
    pub on_replicate_done: Option<&'a (dyn Fn() + Sync)>,
}

/// Runs every replicate of `loaded` at sweep point `point`.
pub fn run_ensemble(
    loaded: &LoadedScenario,
    point: Point,
    options: &EnsembleOptions<'_>,
) -> Result<Ensemble, Error> {
    let started = Instant::now();
    let s = &loaded.scenario;
    let build = |replicate: u64, notes: &mut Vec<String>| -> Result<Graph, Error> {
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
            return Err(InputError::new("network", "the network has no people").into());
        }
        s.initial
            .validate(&graph, "initial")
            .map_err(|e| loaded.locate(e))?;
        if let Some(l) = &s.leaders {
            l.placement()
                .validate(&graph, "leaders")
                .map_err(|e| loaded.locate(e))?;
        }
        Ok(graph)
    };
    let mut notes = Vec::new();
    let graph = build(0, &mut notes)?;
    let thresholds = PersonValues::new(&s.people.threshold, &graph, "people.threshold", loaded)?;
    let trust = match &s.trust {
        Some(t) => Some(PersonValues::new(
            &t.initial,
            &graph,
            "trust.initial",
            loaded,
        )?),
        None => None,
    };
    let movement = s.movement();
    let recording = Recording {
        timeseries: s.output.timeseries,
        changes: options.record_changes,
    };
    let one_run = |graph: &Graph, prepared: &Prepared<'_>, replicate: u64| -> RunRecord {
        let named = |purpose| stream(s.seed, point, replicate, purpose);
        let thresholds = thresholds.for_run(graph, &mut named(Purpose::People));
        let trust = trust
            .as_ref()
            .map(|t| t.for_run(graph, &mut named(Purpose::Trust)));
        let leaders = s
            .leaders
            .as_ref()
            .map(|l| l.placement().place(graph, &mut named(Purpose::Leaders)))
            .unwrap_or_default();
        let initial = s
            .initial
            .place_excluding(graph, &mut named(Purpose::Placement), &leaders);
        let input = RunInput {
            thresholds: &thresholds,
            initial: &initial,
            leaders: &leaders,
            trust: trust.as_deref(),
        };
        let mut rng = named(Purpose::Dynamics);
        let mut events = named(Purpose::Events);
        let record = simulate_run(prepared, &input, &mut rng, &mut events, recording);
        if let Some(done) = options.on_replicate_done {
            done();
        }
        record
    };
    fn prepare<'g>(
        g: &'g Graph,
        s: &crate::scenario::Scenario,
        movement: &crate::model::Movement,
    ) -> Prepared<'g> {
        Prepared::with_movement(g, &s.dynamics, movement, s.max_ticks, s.cascade_cutoff)
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))?;
    let runs: Vec<RunRecord> = pool.install(|| {
        if s.regenerate_network && s.network.is_random() {
            (0..s.replicates)
                .into_par_iter()
                .map(|r| {
                    let own;
                    let g = if r == 0 {
                        &graph
                    } else {
                        own = build(r, &mut Vec::new())?;
                        &own
                    };
                    Ok(one_run(g, &prepare(g, s, &movement), r))
                })
                .collect::<Result<Vec<_>, Error>>()
        } else {
            let prepared = prepare(&graph, s, &movement);
            Ok((0..s.replicates)
                .into_par_iter()
                .map(|r| one_run(&graph, &prepared, r))
                .collect())
        }
    })?;
    Ok(Ensemble {
        runs,
        graph,
        wall_seconds: started.elapsed().as_secs_f64(),
        notes,
    })
}

/// Per-person values of a scenario: fixed once (constant, listed, from a file) or drawn afresh
/// for every run.
enum PersonValues<'a> {
    Fixed(Vec<f64>),
    Drawn(&'a Distribution),
}

impl<'a> PersonValues<'a> {
    fn new(
        d: &'a Distribution,
        graph: &Graph,
        key: &str,
        loaded: &LoadedScenario,
    ) -> Result<Self, Error> {
        Ok(
            match d
                .fixed_values(graph, key, &loaded.base_dir)
                .map_err(|e| loaded.locate(e))?
            {
                Some(v) => PersonValues::Fixed(v),
                None => PersonValues::Drawn(d),
            },
        )
    }

    fn for_run<'b>(
        &'b self,
        graph: &Graph,
        rng: &mut crate::random::Stream,
    ) -> std::borrow::Cow<'b, [f64]> {
        match self {
            PersonValues::Fixed(v) => std::borrow::Cow::Borrowed(v),
            PersonValues::Drawn(d) => {
                let mut v = Vec::new();
                d.sample_into(rng, &mut v, graph.node_count());
                std::borrow::Cow::Owned(v)
            }
        }
    }
}
