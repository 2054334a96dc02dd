//! The `Simulation` class: one replicate played tick by tick from Python.
//!
//! The engine's `Simulation` borrows a `Runner`, which borrows the experiment and the network;
//! a Python object cannot hold borrows, so the class owns them: an `Arc` of the experiment and
//! of the network, a `Runner` borrowing both (the first self-referential cell) and the
//! `Simulation` borrowing the runner (the second), built with `self_cell`. Every step is the
//! engine's own step: nothing is replayed.

use std::sync::Arc;

use followership::experiment::{Experiment as Engine, Runner};
use followership::graph::Graph as EngineGraph;
use followership::simulation::{
    PersonState, Recording, RunRecord, Simulation as EngineSimulation, TickRecord,
};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use self_cell::self_cell;

use crate::errors::scenario_error;
use crate::graph::Graph;

/// What the runner borrows.
struct Owner {
    experiment: Arc<Engine>,
    graph: Arc<EngineGraph>,
}

type BoundRunner<'a> = Runner<'a, 'a>;

self_cell!(
    /// A runner together with the experiment and network it borrows.
    struct RunnerCell {
        owner: Owner,
        #[covariant]
        dependent: BoundRunner,
    }
);

/// The simulation, or `None` once `finish` took it.
type Stepper<'a> = Option<EngineSimulation<'a, 'a>>;

self_cell!(
    /// A simulation together with the runner it borrows.
    struct SimulationCell {
        owner: RunnerCell,
        #[not_covariant]
        dependent: Stepper,
    }
);

/// One replicate of an experiment, played tick by tick: `step()` plays one tick and returns
/// what it recorded; `status()` and `trust()` read the state between ticks. Stepped to its
/// end it records exactly what running the replicate does.
#[pyclass(module = "followership._native")]
pub struct Simulation {
    cell: Option<SimulationCell>,
    replicate: u64,
    graph: Arc<EngineGraph>,
    /// The record of a finished simulation (after `finish`).
    finished: Option<RunRecord>,
}

impl Simulation {
    /// Replicate `replicate` of `experiment` on `graph`, at tick 0.
    pub fn start(
        experiment: Arc<Engine>,
        graph: Arc<EngineGraph>,
        replicate: u64,
    ) -> PyResult<Self> {
        let owner = Owner {
            experiment,
            graph: Arc::clone(&graph),
        };
        let runner = RunnerCell::try_new(owner, |o| o.experiment.runner(&o.graph))
            .map_err(scenario_error)?;
        let cell = SimulationCell::new(runner, |r| {
            Some(
                r.borrow_dependent()
                    .simulation(replicate, Recording::everything()),
            )
        });
        Ok(Simulation {
            cell: Some(cell),
            replicate,
            graph,
            finished: None,
        })
    }

    fn read<T>(&self, f: impl for<'a> FnOnce(&EngineSimulation<'a, 'a>) -> T) -> PyResult<T> {
        match &self.cell {
            Some(c) => c
                .with_dependent(|_, s| s.as_ref().map(f))
                .ok_or_else(finished),
            None => Err(finished()),
        }
    }
}

/// The error of reading a finished simulation.
fn finished() -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(
        "the simulation was finished; start another with experiment.simulation()",
    )
}

/// A tick's record as a dict.
fn tick_dict<'py>(py: Python<'py>, t: &TickRecord) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("tick", t.tick)?;
    d.set_item("following", t.following)?;
    d.set_item("joined", t.joined)?;
    d.set_item("left", t.left)?;
    d.set_item("leaders_dancing", t.leaders_dancing)?;
    d.set_item("mean_trust", t.mean_trust)?;
    d.set_item("mean_trust_followers", t.mean_trust_followers)?;
    Ok(d)
}

#[pymethods]
impl Simulation {
    /// Plays the next tick and returns its record as a dict (the columns of `timeseries.csv`
    /// but the replicate), or `None` once the run is over.
    fn step<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(cell) = &mut self.cell else {
            return Ok(None);
        };
        match cell.with_dependent_mut(|_, s| s.as_mut().and_then(|s| s.step())) {
            Some(t) => Ok(Some(tick_dict(py, &t)?)),
            None => Ok(None),
        }
    }

    /// The current tick (0 before the first step).
    #[getter]
    fn tick(&self) -> PyResult<u32> {
        self.read(|s| s.tick())
    }

    /// Whether the run is over.
    #[getter]
    fn over(&self) -> bool {
        self.read(|s| s.is_over()).unwrap_or(true)
    }

    /// How many of the crowd follow now.
    #[getter]
    fn following(&self) -> PyResult<u32> {
        self.read(|s| s.following())
    }

    /// The replicate (the name of its random streams).
    #[getter]
    fn replicate(&self) -> u64 {
        self.replicate
    }

    /// Where everyone stands now, by dense id: 0 watching, 1 following, 2 leading, 3 a leader
    /// who quit.
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<i8>>> {
        let n = self.graph.node_count() as u32;
        let v = self.read(|s| {
            (0..n)
                .map(|v| match s.state(v) {
                    PersonState::Watching => 0,
                    PersonState::Following => 1,
                    PersonState::Leading => 2,
                    PersonState::Quit => 3,
                })
                .collect::<Vec<i8>>()
        })?;
        Ok(PyArray1::from_vec(py, v))
    }

    /// Everyone's trust in the leader now, by dense id; `None` when trust is not modelled.
    fn trust<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyArray1<f64>>>> {
        let t = self.read(|s| s.trust().map(<[f64]>::to_vec))?;
        Ok(t.map(|t| PyArray1::from_vec(py, t)))
    }

    /// The leaders (dense ids).
    fn leaders(&self) -> PyResult<Vec<u32>> {
        self.read(|s| s.record().leaders.clone())
    }

    /// The network the simulation runs on.
    fn network(&self) -> Graph {
        Graph {
            graph: Arc::clone(&self.graph),
        }
    }

    /// Ends the run where it stands and returns its outcome (the columns of `summary.csv`
    /// but the replicate; ticks that never came are None).
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        if let Some(cell) = self.cell.take() {
            let mut cell = cell;
            self.finished = cell.with_dependent_mut(|_, s| s.take().map(|s| s.finish()));
        }
        let o = self
            .finished
            .as_ref()
            .map(|r| r.outcome)
            .ok_or_else(|| scenario_error(followership::error::Error::Interrupted))?;
        let d = PyDict::new(py);
        d.set_item("final_following", o.final_following)?;
        d.set_item("final_fraction", o.final_fraction)?;
        d.set_item("peak_fraction", o.peak_fraction)?;
        d.set_item("ticks", o.ticks)?;
        d.set_item("cascaded", o.cascaded)?;
        d.set_item("first_follower_tick", o.first_follower_tick)?;
        d.set_item("second_follower_tick", o.second_follower_tick)?;
        d.set_item("critical_mass_tick", o.critical_mass_tick)?;
        d.set_item("leader_quit_tick", o.leader_quit_tick)?;
        d.set_item("final_mean_trust", o.final_mean_trust)?;
        d.set_item("final_50_tick", o.final_50_tick)?;
        d.set_item("final_90_tick", o.final_90_tick)?;
        Ok(d)
    }
}
