//! The `Experiment` class: a scenario ready to run, changed key by key, on the scenario's
//! network or one given from Python; its runs come back as columns of numpy arrays that the
//! Python layer turns into DataFrames.

use std::sync::Arc;
use std::time::Instant;

use followership::analysis::ensemble::EnsembleSummary;
use followership::experiment::{Experiment as Engine, Value};
use followership::graph::Graph as EngineGraph;
use followership::output::csv::final_dancers;
use followership::simulation::{Recording, RunOutcome, RunRecord};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rayon::prelude::*;

use crate::errors::{bad_input, network_error, scenario_error};
use crate::graph::Graph;
use crate::pool::{in_blocks, pool};
use crate::simulation::Simulation;

/// A scenario ready to run: the engine's `Experiment`. Every change returns a new experiment.
#[pyclass(module = "followership._native", frozen)]
#[derive(Clone)]
pub struct Experiment {
    /// The engine's experiment.
    pub inner: Arc<Engine>,
    /// The network given from Python, if any (the engine keeps it too; kept here to hand it
    /// back without a copy).
    pub given: Option<Arc<EngineGraph>>,
}

impl Experiment {
    fn wrap(inner: Engine, given: Option<Arc<EngineGraph>>) -> Self {
        Experiment {
            inner: Arc::new(inner),
            given,
        }
    }

    fn changed(
        &self,
        f: impl FnOnce(Engine) -> followership::error::Result<Engine>,
    ) -> PyResult<Self> {
        let inner = f(Engine::clone(&self.inner)).map_err(scenario_error)?;
        Ok(Self::wrap(inner, self.given.clone()))
    }

    /// The network replicate `replicate` runs on.
    pub fn graph_of(&self, replicate: u64) -> PyResult<EngineGraph> {
        self.inner.network(replicate).map_err(network_error)
    }
}

/// A Python value as a typed scenario value.
fn value_of(v: &Bound<'_, PyAny>, key: &str) -> PyResult<Value> {
    if v.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        return match v.extract::<i64>() {
            Ok(i) => Ok(Value::Integer(i)),
            Err(_) => Ok(Value::Float(v.extract::<f64>()?)),
        };
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(Value::Float(v.extract()?));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(Value::Text(v.extract()?));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = v.extract()?;
        return items
            .iter()
            .map(|i| value_of(i, key))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::List);
    }
    // numpy scalars and other numbers: ints first (so 3 stays 3), then floats.
    if v.hasattr("__index__")?
        && let Ok(i) = v.call_method0("__index__")?.extract::<i64>()
    {
        return Ok(Value::Integer(i));
    }
    if let Ok(x) = v.extract::<f64>() {
        return Ok(Value::Float(x));
    }
    Err(PyTypeError::new_err(format!(
        "{key}: a scenario value must be a bool, an int, a float, a str or a list of them, not {}",
        v.get_type().name()?
    )))
}

/// Per-person values from a float64 array, checked for being one-dimensional.
fn values_of(a: PyReadonlyArray1<'_, f64>) -> PyResult<Vec<f64>> {
    Ok(a.as_array().to_vec())
}

/// What `run` returns: columns of numpy arrays keyed by name.
type Columns<'py> = Bound<'py, PyDict>;

/// The summary columns (those of `summary.csv`) of `outcomes`; ticks that never came are -1.
fn summary_columns<'py>(py: Python<'py>, outcomes: &[RunOutcome]) -> PyResult<Columns<'py>> {
    let d = PyDict::new(py);
    let n = outcomes.len() as u64;
    d.set_item(
        "replicate",
        PyArray1::from_vec(py, (0..n).collect::<Vec<u64>>()),
    )?;
    let col_u = |f: &dyn Fn(&RunOutcome) -> u32| -> Vec<u32> { outcomes.iter().map(f).collect() };
    let col_f = |f: &dyn Fn(&RunOutcome) -> f64| -> Vec<f64> { outcomes.iter().map(f).collect() };
    let col_t = |f: &dyn Fn(&RunOutcome) -> Option<u32>| -> Vec<i64> {
        outcomes
            .iter()
            .map(|o| f(o).map_or(-1, i64::from))
            .collect()
    };
    d.set_item(
        "final_following",
        PyArray1::from_vec(py, col_u(&|o| o.final_following)),
    )?;
    d.set_item(
        "final_fraction",
        PyArray1::from_vec(py, col_f(&|o| o.final_fraction)),
    )?;
    d.set_item(
        "peak_fraction",
        PyArray1::from_vec(py, col_f(&|o| o.peak_fraction)),
    )?;
    d.set_item("ticks", PyArray1::from_vec(py, col_u(&|o| o.ticks)))?;
    d.set_item(
        "cascaded",
        PyArray1::from_vec(
            py,
            outcomes.iter().map(|o| o.cascaded).collect::<Vec<bool>>(),
        ),
    )?;
    d.set_item(
        "first_follower_tick",
        PyArray1::from_vec(py, col_t(&|o| o.first_follower_tick)),
    )?;
    d.set_item(
        "second_follower_tick",
        PyArray1::from_vec(py, col_t(&|o| o.second_follower_tick)),
    )?;
    d.set_item(
        "critical_mass_tick",
        PyArray1::from_vec(py, col_t(&|o| o.critical_mass_tick)),
    )?;
    d.set_item(
        "leader_quit_tick",
        PyArray1::from_vec(py, col_t(&|o| o.leader_quit_tick)),
    )?;
    d.set_item(
        "final_mean_trust",
        PyArray1::from_vec(py, col_f(&|o| o.final_mean_trust)),
    )?;
    d.set_item(
        "final_50_tick",
        PyArray1::from_vec(py, col_t(&|o| o.final_50_tick)),
    )?;
    d.set_item(
        "final_90_tick",
        PyArray1::from_vec(py, col_t(&|o| o.final_90_tick)),
    )?;
    Ok(d)
}

/// Adds to `summary`, on a network with blocks (an organisation's levels), the final share
/// following of each block's crowd (`final_fraction_block_0`, ...), as `summary.csv` has them;
/// NaN where a run has no share for a block (the empty cell of `summary.csv`).
fn block_columns(summary: &Columns<'_>, graph: &EngineGraph, runs: &[RunRecord]) -> PyResult<()> {
    let Some(blocks) = graph.blocks() else {
        return Ok(());
    };
    let n_blocks = blocks.iter().max().map_or(0, |&m| m as usize + 1);
    let shares: Vec<Vec<f64>> = runs.iter().map(|r| r.final_block_shares(blocks)).collect();
    for b in 0..n_blocks {
        let column: Vec<f64> = shares
            .iter()
            .map(|s| s.get(b).copied().unwrap_or(f64::NAN))
            .collect();
        summary.set_item(
            format!("final_fraction_block_{b}"),
            PyArray1::from_vec(summary.py(), column),
        )?;
    }
    Ok(())
}

/// The time series of `runs` as long columns (those of `timeseries.csv`); a mean trust of
/// followers when nobody follows is NaN.
fn timeseries_columns<'py>(py: Python<'py>, runs: &[RunRecord]) -> PyResult<Columns<'py>> {
    let rows: usize = runs.iter().map(|r| r.timeseries.len()).sum();
    let mut replicate = Vec::with_capacity(rows);
    let mut tick = Vec::with_capacity(rows);
    let mut following = Vec::with_capacity(rows);
    let mut joined = Vec::with_capacity(rows);
    let mut left = Vec::with_capacity(rows);
    let mut leaders = Vec::with_capacity(rows);
    let mut trust = Vec::with_capacity(rows);
    let mut trust_followers = Vec::with_capacity(rows);
    for (r, run) in runs.iter().enumerate() {
        for t in &run.timeseries {
            replicate.push(r as u64);
            tick.push(t.tick);
            following.push(t.following);
            joined.push(t.joined);
            left.push(t.left);
            leaders.push(t.leaders_dancing);
            trust.push(t.mean_trust);
            trust_followers.push(t.mean_trust_followers.unwrap_or(f64::NAN));
        }
    }
    let d = PyDict::new(py);
    d.set_item("replicate", PyArray1::from_vec(py, replicate))?;
    d.set_item("tick", PyArray1::from_vec(py, tick))?;
    d.set_item("following", PyArray1::from_vec(py, following))?;
    d.set_item("joined", PyArray1::from_vec(py, joined))?;
    d.set_item("left", PyArray1::from_vec(py, left))?;
    d.set_item("leaders_dancing", PyArray1::from_vec(py, leaders))?;
    d.set_item("mean_trust", PyArray1::from_vec(py, trust))?;
    d.set_item(
        "mean_trust_followers",
        PyArray1::from_vec(py, trust_followers),
    )?;
    Ok(d)
}

/// Who dances at the end of `record` (the columns of `followers.csv`, in dense ids).
fn followers_columns<'py>(py: Python<'py>, record: &RunRecord) -> PyResult<Columns<'py>> {
    let dancers = final_dancers(record);
    let d = PyDict::new(py);
    d.set_item(
        "id",
        PyArray1::from_vec(py, dancers.iter().map(|d| d.0).collect::<Vec<u32>>()),
    )?;
    d.set_item(
        "joined_tick",
        PyArray1::from_vec(py, dancers.iter().map(|d| d.1).collect::<Vec<u32>>()),
    )?;
    d.set_item(
        "leader",
        PyArray1::from_vec(
            py,
            dancers
                .iter()
                .map(|d| record.leaders.contains(&d.0))
                .collect::<Vec<bool>>(),
        ),
    )?;
    Ok(d)
}

#[pymethods]
impl Experiment {
    /// The built-in scenario `name` (see `followership.scenarios()`).
    #[staticmethod]
    fn builtin(name: &str) -> PyResult<Self> {
        Ok(Self::wrap(
            Engine::builtin(name).map_err(scenario_error)?,
            None,
        ))
    }

    /// The scenario file at `path`; relative paths in it start from its directory.
    #[staticmethod]
    fn from_file(path: std::path::PathBuf) -> PyResult<Self> {
        Ok(Self::wrap(
            Engine::from_file(path).map_err(scenario_error)?,
            None,
        ))
    }

    /// A scenario from TOML text; relative paths in it start from the current directory.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        Ok(Self::wrap(
            Engine::from_toml(text).map_err(scenario_error)?,
            None,
        ))
    }

    /// A scenario from JSON text (the tables and keys of a scenario file, as a mapping).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| bad_input("scenario", format!("not a mapping of scenario keys: {e}")))?;
        let toml = toml::to_string(&value).map_err(|e| {
            bad_input(
                "scenario",
                format!("cannot be written as a scenario (values must be numbers, strings, booleans, lists or mappings; no None): {e}"),
            )
        })?;
        Self::from_toml(&toml)
    }

    /// The experiment with the key path `key` set to `value` (a bool, int, float, str or a
    /// list of them), checked as strictly as a scenario file.
    fn set(&self, key: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        let v = value_of(value, key)?;
        let inner = Engine::clone(&self.inner).set(key, v).map_err(|e| {
            if key.starts_with("network.") {
                network_error(e)
            } else {
                scenario_error(e)
            }
        })?;
        Ok(Self::wrap(inner, self.given.clone()))
    }

    /// The experiment on `graph` instead of the scenario's network.
    fn with_network(&self, graph: &Graph) -> PyResult<Self> {
        let g = EngineGraph::clone(&graph.graph);
        let inner = Engine::clone(&self.inner)
            .with_network(g)
            .map_err(network_error)?;
        Ok(Self::wrap(inner, Some(Arc::clone(&graph.graph))))
    }

    /// The experiment with everyone's threshold given, by dense id.
    fn with_thresholds(&self, values: PyReadonlyArray1<'_, f64>) -> PyResult<Self> {
        let v = values_of(values)?;
        self.changed(|e| e.with_thresholds(v))
    }

    /// The experiment with everyone's initial trust in the leader given, by dense id.
    fn with_initial_trust(&self, values: PyReadonlyArray1<'_, f64>) -> PyResult<Self> {
        let v = values_of(values)?;
        self.changed(|e| e.with_initial_trust(v))
    }

    /// The resolved scenario as TOML, every default written out.
    fn to_toml(&self) -> String {
        self.inner.scenario().to_toml()
    }

    /// The resolved scenario as TOML with every relative file path made absolute: runs the
    /// same from any directory or machine that sees the files.
    fn portable_toml(&self) -> String {
        let loaded = self.inner.loaded();
        loaded
            .scenario
            .clone()
            .with_absolute_paths(&loaded.base_dir)
            .to_toml()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.scenario().name.clone()
    }

    /// The seed of every random stream.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.scenario().seed
    }

    /// The number of replicates.
    #[getter]
    fn replicates(&self) -> u64 {
        self.inner.scenario().replicates
    }

    /// Whether each replicate draws its own network.
    #[getter]
    fn regenerates_network(&self) -> bool {
        self.inner.regenerates_network()
    }

    /// Where the scenario came from: a file path, `builtin:NAME` or `scenario`.
    #[getter]
    fn origin(&self) -> String {
        self.inner.loaded().origin.clone()
    }

    /// The scenario's own `[sweep]` section as JSON, if it has one.
    fn sweep_section(&self) -> Option<String> {
        self.inner
            .scenario()
            .sweep
            .as_ref()
            .map(|s| serde_json::to_string(s).expect("a sweep section serialises"))
    }

    /// The scenario's own `[sensitivity]` section as JSON, if it has one.
    fn sensitivity_section(&self) -> Option<String> {
        self.inner
            .scenario()
            .sensitivity
            .as_ref()
            .map(|s| serde_json::to_string(s).expect("a sensitivity section serialises"))
    }

    /// The network given with `with_network`, if any.
    fn given_network(&self) -> Option<Graph> {
        self.given.as_ref().map(|g| Graph {
            graph: Arc::clone(g),
        })
    }

    /// The network replicate `replicate` runs on.
    fn network(&self, py: Python<'_>, replicate: u64) -> PyResult<Graph> {
        let g = py.detach(|| self.graph_of(replicate))?;
        Ok(Graph::new(g))
    }

    /// Runs replicates `0..replicates` on `threads` threads (None: one per core) with the GIL
    /// released, checking for Ctrl-C between blocks and calling `progress(done, total)` after
    /// each. Records every replicate's time series when `timeseries`, and replicate 0's
    /// changes (its final set). Returns a dict of columns.
    #[pyo3(signature = (threads=None, progress=None, timeseries=true))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
        timeseries: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let e = &*self.inner;
        let n = usize::try_from(e.scenario().replicates)
            .map_err(|_| bad_input("replicates", "too many replicates for this machine"))?;
        let pool = pool(threads)?;
        let started = Instant::now();
        let graph = py.detach(|| self.graph_of(0))?;
        let runner = e.runner(&graph).map_err(scenario_error)?;
        let regenerates = e.regenerates_network();
        let recording = |r: u64| Recording {
            timeseries,
            changes: r == 0,
            trust_stride: None,
        };
        let simulation_started = Instant::now();
        let blocks = in_blocks(py, &pool, 0, n, progress.as_ref(), |block| {
            block
                .into_par_iter()
                .map(|r| {
                    let r = r as u64;
                    if regenerates && r > 0 {
                        let own = e.network(r)?;
                        Ok(e.runner(&own)?.run(r, recording(r)))
                    } else {
                        Ok(runner.run(r, recording(r)))
                    }
                })
                .collect::<followership::error::Result<Vec<RunRecord>>>()
        })?;
        let simulation_seconds = simulation_started.elapsed().as_secs_f64();
        let mut runs = Vec::with_capacity(n);
        for b in blocks {
            runs.extend(b.map_err(scenario_error)?);
        }
        let wall_seconds = started.elapsed().as_secs_f64();
        let outcomes: Vec<RunOutcome> = runs.iter().map(|r| r.outcome).collect();
        let stats = serde_json::to_string(&EnsembleSummary::new(&outcomes))
            .expect("the summary serialises");
        let d = PyDict::new(py);
        let summary = summary_columns(py, &outcomes)?;
        block_columns(&summary, &graph, &runs)?;
        d.set_item("summary", summary)?;
        d.set_item("timeseries", timeseries_columns(py, &runs)?)?;
        d.set_item("followers", followers_columns(py, &runs[0])?)?;
        d.set_item("stats", stats)?;
        d.set_item("wall_seconds", wall_seconds)?;
        d.set_item("simulation_seconds", simulation_seconds)?;
        drop(runner);
        d.set_item("graph", Graph::new(graph))?;
        Ok(d)
    }

    /// The outcomes of replicates `replicates` only (the summary columns), in the order given:
    /// each the very run it is inside a full ensemble.
    #[pyo3(signature = (replicates, threads=None))]
    fn outcomes<'py>(
        &self,
        py: Python<'py>,
        replicates: Vec<u64>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let pool = pool(threads)?;
        let e = &*self.inner;
        let blocks = in_blocks(py, &pool, 0, replicates.len(), None, |block| {
            e.outcomes(&replicates[block])
        })?;
        let mut outcomes = Vec::with_capacity(replicates.len());
        for b in blocks {
            outcomes.extend(b.map_err(scenario_error)?);
        }
        let d = summary_columns(py, &outcomes)?;
        d.set_item("replicate", PyArray1::from_vec(py, replicates))?;
        Ok(d)
    }

    /// The story of replicate `replicate` (Markdown): the same run as that replicate of `run`.
    fn story(&self, py: Python<'_>, replicate: u64) -> PyResult<String> {
        let e = &*self.inner;
        py.detach(|| {
            let run = e
                .replicate(replicate, Recording::everything())
                .map_err(scenario_error)?;
            Ok(followership::output::story::story(
                e.scenario(),
                &run.graph,
                &run.record,
                run.replicate,
            ))
        })
    }

    /// Whom to recruit first: `k` people by each of `strategies` (names; empty: the scenario's
    /// default), each choice judged on the same `runs` Monte-Carlo runs (None: the scenario's
    /// replicates), by the engine's `seeding::recruit` on `threads` threads. The work runs on
    /// another thread with the GIL released; this one comes back to Python every 0.1 s for
    /// Ctrl-C (KeyboardInterrupt at once; the work stops at its next stage) and to call
    /// `progress(message)` with each new stage. Returns `results` (one dict per strategy:
    /// `strategy`, `seeds` in dense ids, `mean`, `ci_low`, `ci_high`, `runs`,
    /// `own_estimate`, `rr_sets`, `rr_selection_sets`, `guarantee`, `stopped`,
    /// `evaluations`, `seconds`), `runs`, `notes`, `wall_seconds` and the `graph` chosen on.
    #[pyo3(signature = (k, strategies, runs=None, epsilon=0.1, ell=1.0, time_budget=None, memory_budget=None, celf_runs=100, candidates=Some(500), threads=None, progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn seed_set<'py>(
        &self,
        py: Python<'py>,
        k: usize,
        strategies: Vec<String>,
        runs: Option<u64>,
        epsilon: f64,
        ell: f64,
        time_budget: Option<f64>,
        memory_budget: Option<f64>,
        celf_runs: u64,
        candidates: Option<usize>,
        threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        use followership::seeding::{Options, Request, Strategy};
        let strategies = strategies
            .iter()
            .map(|s| s.parse::<Strategy>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| scenario_error(e.into()))?;
        let request = Request {
            k,
            strategies,
            options: Options {
                epsilon,
                ell,
                time_budget,
                memory_budget,
                celf_runs,
                celf_candidates: candidates,
                seed: self.inner.scenario().seed,
            },
            runs,
        };
        let pool = pool(threads)?;
        let report = crate::seeding::recruit_interruptibly(
            py,
            Arc::clone(&self.inner),
            request,
            pool,
            progress.as_ref(),
        )?;
        let results = PyList::empty(py);
        for r in &report.results {
            let c = &r.choice;
            let d = PyDict::new(py);
            d.set_item("strategy", c.strategy.name())?;
            d.set_item("seeds", PyArray1::from_slice(py, &c.seeds))?;
            d.set_item("mean", r.estimate.mean)?;
            d.set_item("ci_low", r.estimate.ci[0])?;
            d.set_item("ci_high", r.estimate.ci[1])?;
            d.set_item("runs", r.estimate.runs)?;
            d.set_item("own_estimate", c.estimate)?;
            d.set_item("rr_sets", c.rr_sets)?;
            d.set_item("rr_selection_sets", c.rr_selection)?;
            d.set_item("guarantee", c.guarantee.map(|(g, _)| g))?;
            d.set_item("stopped", c.guarantee.map(|(_, s)| s.describe()))?;
            d.set_item("evaluations", c.evaluations)?;
            d.set_item("seconds", r.seconds)?;
            results.append(d)?;
        }
        let d = PyDict::new(py);
        d.set_item("results", results)?;
        d.set_item("runs", report.runs)?;
        d.set_item("notes", report.notes.clone())?;
        d.set_item("wall_seconds", report.wall_seconds)?;
        d.set_item("graph", Graph::new(report.graph))?;
        Ok(d)
    }

    /// Replicate `replicate` at tick 0, to be stepped tick by tick.
    fn simulation(&self, py: Python<'_>, replicate: u64) -> PyResult<Simulation> {
        let graph = py.detach(|| self.graph_of(replicate))?;
        Simulation::start(Arc::clone(&self.inner), Arc::new(graph), replicate)
    }

    fn __repr__(&self) -> String {
        let s = self.inner.scenario();
        format!(
            "<followership._native.Experiment {:?}: seed {}, {} replicates>",
            s.name, s.seed, s.replicates
        )
    }
}
