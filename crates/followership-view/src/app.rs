//! The scenario being viewed and its runs: loading it with a page's values, running one
//! replicate, turning it into a replay, and keeping the last few replays so that going back to
//! earlier values (or the first page load) answers at once, and the last network, so that a
//! slider of the dynamics does not build the network again.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use followership::error::{Error, InputError};
use followership::experiment::Experiment;
use followership::graph::Graph;
use followership::scenario::{Override, Scenario};
use followership::simulation::Recording;
use followership_report::replay::{Replay, ReplayOptions, stride};
use serde::Serialize;

use crate::sliders::{self, Refusal, Setting, Slider};
use crate::{Limits, ScenarioChoice};

/// Replays kept for requests seen recently.
const CACHE_SIZE: usize = 16;

/// Recent requests (their settings) and their replays as JSON, the latest first.
type Cache = VecDeque<(Vec<Setting>, Arc<[u8]>)>;

/// A network with what it was built from, and the notes building it gave.
type NetworkEntry = (String, Arc<Graph>, Vec<String>);

/// Why a run could not be done.
#[derive(Debug)]
pub enum RunError {
    /// What the page sent was refused before loading the scenario (HTTP 400).
    Refused(Refusal),
    /// The scenario with the page's values is not valid (HTTP 422).
    Input(InputError),
    /// Anything else: a file that went missing, a failure of the engine (HTTP 500).
    Failed(String),
}

/// What `/api/scenario` tells the page.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// The scenario's name.
    pub name: String,
    /// Its first line.
    pub summary: String,
    /// Its whole description.
    pub description: String,
    /// Where it came from (`builtin:hillside` or a path).
    pub origin: String,
    /// Its seed.
    pub seed: u64,
    /// Its tick limit.
    pub max_ticks: u32,
    /// The sliders the page may move.
    pub sliders: Vec<Slider>,
    /// Most people drawn, and most people a page may ask for.
    pub max_people: usize,
    /// Most people a page may ask for (network.nodes).
    pub max_nodes: usize,
    /// Classroom mode (`--classroom`): large people, big type and the chapter buttons up
    /// front, for a projector.
    pub classroom: bool,
}

/// The scenario being viewed.
pub struct App {
    /// The scenario with the command line's `--set` overrides (and `--seed`): what every
    /// page's settings apply to.
    base: Experiment,
    limits: Limits,
    info: ScenarioInfo,
    /// The last network built, with what it is built from (its `[network]`, seed and
    /// `regenerate_network`) and the notes building it gave.
    network: Mutex<Option<NetworkEntry>>,
    cache: Mutex<Cache>,
}

impl App {
    /// Loads the scenario (an error here is the command line's, reported before listening).
    pub fn new(choice: ScenarioChoice, base: Vec<String>, limits: Limits) -> Result<App, Error> {
        let base = load(&choice, &base)?;
        let loaded = base.loaded();
        let s = &loaded.scenario;
        let info = ScenarioInfo {
            name: s.name.clone(),
            summary: s.summary().to_string(),
            description: s.description.trim().to_string(),
            origin: loaded.origin.clone(),
            seed: s.seed,
            max_ticks: s.max_ticks,
            sliders: sliders::sliders_for(loaded, &limits),
            max_people: limits.max_people,
            max_nodes: limits.max_nodes,
            classroom: false,
        };
        Ok(App {
            base,
            limits,
            info,
            network: Mutex::new(None),
            cache: Mutex::new(VecDeque::new()),
        })
    }

    /// The same app in classroom mode (or not): the page draws large people in big type.
    pub fn classroom(mut self, on: bool) -> Self {
        self.info.classroom = on;
        self
    }

    /// What the page needs to build its controls.
    pub fn info(&self) -> &ScenarioInfo {
        &self.info
    }

    /// The settings of a page's request, checked against the sliders.
    pub fn request(
        &self,
        values: &BTreeMap<String, serde_json::Value>,
        seed: Option<&serde_json::Value>,
    ) -> Result<Vec<Setting>, RunError> {
        sliders::overrides(&self.info.sliders, values, seed, &self.limits)
            .map_err(RunError::Refused)
    }

    /// The request a page makes first: every slider at the scenario's value, and its seed.
    pub fn first_request(&self) -> Vec<Setting> {
        let values = self
            .info
            .sliders
            .iter()
            .map(|s| {
                let v = if s.kind == "toggle" {
                    serde_json::Value::Bool(s.value != 0.0)
                } else {
                    serde_json::json!(s.value)
                };
                (s.key.to_string(), v)
            })
            .collect();
        self.request(&values, Some(&serde_json::json!(self.info.seed)))
            .unwrap_or_default()
    }

    /// The replay (as JSON) of replicate 0 of the scenario with `extra` settings: from the
    /// cache, or run now. Blocking: call it off the async threads.
    pub fn replay_json(&self, extra: &[Setting]) -> Result<Arc<[u8]>, RunError> {
        if let Some(hit) = self.cached(extra) {
            return Ok(hit);
        }
        let experiment = self.with(extra).map_err(|e| match e {
            Error::Input(i) => RunError::Input(i),
            other => RunError::Failed(other.to_string()),
        })?;
        let replay = self.run(&experiment).map_err(|e| match e {
            Error::Input(i) => RunError::Input(i),
            other => RunError::Failed(other.to_string()),
        })?;
        let json: Arc<[u8]> = serde_json::to_vec(&replay)
            .map_err(|e| RunError::Failed(format!("cannot write the replay: {e}")))?
            .into();
        self.remember(extra, json.clone());
        Ok(json)
    }

    /// The scenario with a page's settings.
    fn with(&self, settings: &[Setting]) -> Result<Experiment, Error> {
        settings
            .iter()
            .try_fold(self.base.clone(), |e, (key, value)| {
                e.set(key, value.clone())
            })
    }

    fn run(&self, experiment: &Experiment) -> Result<Replay, Error> {
        let s = experiment.scenario();
        let options = ReplayOptions {
            max_people: self.limits.max_people,
            max_edges: self.limits.max_edges,
            ..ReplayOptions::default()
        };
        let critical_mass = s.momentum.as_ref().map(|m| m.critical_mass);
        let (graph, notes) = self.network(experiment)?;
        let trust_stride = stride(graph.node_count(), options.max_people);
        let record = experiment.runner(&graph)?.run(
            0,
            Recording::everything().with_trust_stride(Some(trust_stride)),
        );
        let mut replay = Replay::new(&record, &graph, critical_mass, &options);
        replay.trust_floor = s.trust.as_ref().map(|t| t.floor);
        replay.notes.extend(notes);
        Ok(replay)
    }

    /// The network of replicate 0: the one built last when the scenario's network and seed
    /// are the same (most sliders change only the dynamics), otherwise built now.
    fn network(&self, experiment: &Experiment) -> Result<(Arc<Graph>, Vec<String>), Error> {
        let s = experiment.scenario();
        let key = format!("{:?} {} {}", s.network, s.seed, s.regenerate_network);
        let mut last = self.network.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, graph, notes)) = last.as_ref()
            && *k == key
        {
            return Ok((graph.clone(), notes.clone()));
        }
        let mut notes = Vec::new();
        let graph = Arc::new(experiment.network_noting(0, &mut notes)?);
        *last = Some((key, graph.clone(), notes.clone()));
        Ok((graph, notes))
    }

    /// The replay of `key` if it is in the cache (answered without a run, so without waiting
    /// for one).
    pub fn cached(&self, key: &[Setting]) -> Option<Arc<[u8]>> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let at = cache.iter().position(|(k, _)| k == key)?;
        let entry = cache.remove(at)?;
        let json = entry.1.clone();
        cache.push_front(entry);
        Some(json)
    }

    fn remember(&self, key: &[Setting], json: Arc<[u8]>) {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(k, _)| k != key);
        cache.push_front((key.to_vec(), json));
        cache.truncate(CACHE_SIZE);
    }
}

/// Loads the scenario with the command line's overrides.
fn load(choice: &ScenarioChoice, base: &[String]) -> Result<Experiment, Error> {
    let overrides = base
        .iter()
        .map(|t| t.parse::<Override>())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Experiment::from_loaded(match choice {
        ScenarioChoice::File(path) => Scenario::load_file(path, &overrides)?,
        ScenarioChoice::Builtin(name) => Scenario::load_builtin(name, &overrides)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use followership::experiment::Value;

    #[test]
    fn the_first_request_of_every_builtin_loads() {
        for b in followership::scenario::builtin::BUILTINS {
            let app = App::new(
                ScenarioChoice::Builtin(b.name.into()),
                Vec::new(),
                Limits::default(),
            )
            .expect("loads");
            let first = app.first_request();
            assert!(first.iter().any(|(k, _)| k == "seed"), "{}", b.name);
            app.with(&first)
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        }
    }

    #[test]
    fn the_network_is_built_again_only_when_it_changes() {
        let app = App::new(
            ScenarioChoice::Builtin("hillside".into()),
            vec!["network.nodes=400".into(), "max_ticks=50".into()],
            Limits::default(),
        )
        .expect("loads");
        let with = |extra: &[(&str, Value)]| {
            let extra: Vec<Setting> = extra
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            app.with(&extra).expect("loads")
        };
        let (first, _) = app.network(&with(&[])).expect("builds");
        let (same, _) = app
            .network(&with(&[("leaders.persistence", 20.into())]))
            .expect("builds");
        assert!(
            Arc::ptr_eq(&first, &same),
            "a dynamics slider keeps the network"
        );
        let (other, _) = app
            .network(&with(&[("network.nodes", 500.into())]))
            .expect("builds");
        assert_eq!(other.node_count(), 500);
        let (reseeded, _) = app.network(&with(&[("seed", 5.into())])).expect("builds");
        assert!(
            !Arc::ptr_eq(&other, &reseeded),
            "another seed, another network"
        );
        // Whatever the cache holds, a replay is the run of those values.
        let persistence = [("leaders.persistence".to_string(), Value::from(20))];
        let cached = app.replay_json(&persistence).expect("runs");
        let fresh = App::new(
            ScenarioChoice::Builtin("hillside".into()),
            vec!["network.nodes=400".into(), "max_ticks=50".into()],
            Limits::default(),
        )
        .expect("loads")
        .replay_json(&persistence)
        .expect("runs");
        assert_eq!(cached, fresh);
    }

    #[test]
    fn a_file_network_gets_the_trust_stride_of_its_size() {
        let dir = std::env::temp_dir().join(format!("followership-view-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let edges: String = (0..60).map(|i| format!("{i} {}\n", (i + 1) % 60)).collect();
        std::fs::write(dir.join("ring.txt"), edges).expect("edges");
        let scenario = r#"
name = "ring"
max_ticks = 50
[network]
kind = "file"
path = "ring.txt"
cache = false
[leaders]
count = 1
[trust]
"#;
        std::fs::write(dir.join("ring.toml"), scenario).expect("scenario");
        let limits = Limits {
            max_people: 25,
            ..Limits::default()
        };
        let app = App::new(
            ScenarioChoice::File(dir.join("ring.toml")),
            Vec::new(),
            limits,
        )
        .expect("loads");
        let json = app.replay_json(&[]).expect("runs");
        let replay: Replay = serde_json::from_slice(&json).expect("replay");
        assert_eq!((replay.stride, replay.sampled), (3, 20));
        let trust = replay.trust.expect("trust of the sample");
        assert!(trust.values.iter().all(|v| v.len() == 20));
        assert!(replay.note.is_some());
        std::fs::remove_dir_all(&dir).ok();
    }
}
