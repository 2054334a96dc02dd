//! Many runs of one scenario: replicates in parallel, each with its own reproducible streams.
//!
//! A replicate's random streams are named by (scenario seed, point, replicate), so the results
//! are identical whatever the number of threads or the order in which replicates finish.

use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, InputError};
use crate::graph::Graph;
use crate::random::{Purpose, stream};
use crate::scenario::LoadedScenario;
use crate::simulation::{Prepared, Recording, RunRecord, simulate};

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
    /// Also record every join (for stories and replays).
    pub record_joins: bool,
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
        s.initial.validate(&graph).map_err(|e| loaded.locate(e))?;
        Ok(graph)
    };
    let mut notes = Vec::new();
    let graph = build(0, &mut notes)?;
    let fixed = s
        .people
        .threshold
        .fixed_values(&graph, "people.threshold", &loaded.base_dir)
        .map_err(|e| loaded.locate(e))?;
    let recording = Recording {
        timeseries: s.output.timeseries,
        joins: options.record_joins,
    };
    let one_run = |graph: &Graph, prepared: &Prepared<'_>, replicate: u64| -> RunRecord {
        let thresholds = match &fixed {
            Some(v) => std::borrow::Cow::Borrowed(v.as_slice()),
            None => {
                let mut v = Vec::new();
                let mut rng = stream(s.seed, point, replicate, Purpose::People);
                s.people
                    .threshold
                    .sample_into(&mut rng, &mut v, graph.node_count());
                std::borrow::Cow::Owned(v)
            }
        };
        let initial = s.initial.place(
            graph,
            &mut stream(s.seed, point, replicate, Purpose::Placement),
        );
        let mut rng = stream(s.seed, point, replicate, Purpose::Dynamics);
        let record = simulate(prepared, &thresholds, &initial, &mut rng, recording);
        if let Some(done) = options.on_replicate_done {
            done();
        }
        record
    };
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
                    let prepared = Prepared::new(g, &s.dynamics, s.max_ticks, s.cascade_cutoff);
                    Ok(one_run(g, &prepared, r))
                })
                .collect::<Result<Vec<_>, Error>>()
        } else {
            let prepared = Prepared::new(&graph, &s.dynamics, s.max_ticks, s.cascade_cutoff);
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
