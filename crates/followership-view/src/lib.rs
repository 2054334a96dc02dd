//! The live view: a local web app that draws a scenario's people on a canvas and re-runs the
//! scenario on the server as sliders move.
//!
//! [`serve`] loads the scenario, runs it once (so that a broken scenario or network file is
//! reported on the terminal, not in the page), listens on `127.0.0.1` by default, prints the
//! address and serves until Ctrl-C:
//!
//! - `/`: the page (`assets/index.html`, `view.js`, `style.css`, and the replay drawing code
//!   `people.js` shared with `report.html`), all embedded in the binary: nothing is fetched
//!   from anywhere else;
//! - `GET /api/scenario`: the scenario's name, description, seed and sliders (only those whose
//!   section the scenario has);
//! - `POST /api/run` with `{"values": {"leaders.persistence": 120, ...}, "seed": 7}`: replicate
//!   0 of the scenario with those values, as the replay JSON of
//!   [`followership_report::replay::Replay`]. What a page sends is checked against the sliders
//!   (known keys, within range, no network above [`Limits::max_nodes`], a small body); anything
//!   wrong is answered with a JSON `{"error", "key"}` and a 4xx status, never a crash. The last
//!   few replays are kept and answered at once; other runs take a core each on a blocking
//!   thread, at most [`Limits::max_runs`] at once, the rest queued first come, first served (a
//!   full queue is answered 503 with `Retry-After`). The network is built again only when its
//!   own keys or the seed change.
//!
//! What protects it (see [`Limits`]): on loopback, requests must name this machine in `Host`
//! (DNS rebinding); a POST from a page of another origin (by `Origin`, or `Sec-Fetch-Site` when
//! there is none) is refused with 403; a body announced larger than the limit is answered 413
//! before it is read, one that stalls 408; a connection that does not finish its headers (or
//! stays idle) within [`Limits::header_timeout`] is closed; and at most
//! [`Limits::max_connections`] connections are served at once.
#![warn(missing_docs)]

mod app;
mod routes;
mod server;
mod sliders;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use followership::error::{Error, InputError};
use followership_report::replay::{DEFAULT_MAX_EDGES, DEFAULT_MAX_PEOPLE};

use app::App;

/// Which scenario to view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioChoice {
    /// A scenario file.
    File(PathBuf),
    /// A built-in scenario, by name.
    Builtin(String),
}

/// What a page may ask of the server, and how much the view draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most people a page may ask for with the `network.nodes` slider (the command line's own
    /// network may be larger: it is shown as a sample).
    pub max_nodes: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Most people drawn; larger networks are shown as a sample.
    pub max_people: usize,
    /// Most ties drawn.
    pub max_edges: usize,
    /// How long a client may take to send a request's headers (and how long an idle connection
    /// is kept between requests) before the connection is closed.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body before it is answered 408.
    pub body_timeout: Duration,
    /// Most connections served at once; more wait to be accepted until one closes.
    pub max_connections: usize,
    /// Most runs at once (each takes a core); a run answered from the cache takes none.
    pub max_runs: usize,
    /// Most runs waiting for a core, in the order they came; more are answered 503.
    pub max_queued_runs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_nodes: 200_000,
            max_body_bytes: 16 * 1024,
            max_people: DEFAULT_MAX_PEOPLE,
            max_edges: DEFAULT_MAX_EDGES,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            // A browser opens about six connections to a server; 64 leaves room for several
            // pages and scripts while bounding what idle or slow clients can hold.
            max_connections: 64,
            max_runs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_queued_runs: 16,
        }
    }
}

/// Everything [`serve`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewOptions {
    /// The scenario.
    pub scenario: ScenarioChoice,
    /// `key.path=value` overrides applied to it first (`--set`, and `seed=N` for `--seed`); the
    /// page's slider values come on top.
    pub overrides: Vec<String>,
    /// The address to listen on (127.0.0.1 unless told otherwise).
    pub host: IpAddr,
    /// The port; 0 lets the system pick a free one.
    pub port: u16,
    /// What a page may ask for.
    pub limits: Limits,
    /// Classroom mode: large people, big type and the chapter buttons, for a projector.
    pub classroom: bool,
}

impl ViewOptions {
    /// Options for viewing `scenario` on 127.0.0.1, on a port the system picks.
    pub fn new(scenario: ScenarioChoice) -> Self {
        ViewOptions {
            scenario,
            overrides: Vec::new(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            limits: Limits::default(),
            classroom: false,
        }
    }
}

/// Serves the live view until Ctrl-C. Prints `followership view: http://ADDRESS/ (Ctrl-C to
/// stop)` on standard output once listening; notes about the input (edges dropped from a
/// network file, sampling) are shown in the page. An invalid scenario, a network that cannot be built, or an address that cannot be listened on
/// are input errors, returned before anything is printed.
pub fn serve(options: ViewOptions) -> Result<(), Error> {
    let app = App::new(
        options.scenario.clone(),
        options.overrides.clone(),
        options.limits,
    )?
    .classroom(options.classroom);
    // Run the scenario as the page will first ask for it: errors in the network show here, and
    // the first page load finds the replay ready.
    let first = app.first_request();
    app.replay_json(&first).map_err(|e| match e {
        app::RunError::Input(i) => Error::Input(i),
        app::RunError::Refused(r) => InputError::new(r.key, r.message).into(),
        app::RunError::Failed(m) => Error::io("network", std::io::Error::other(m)),
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))?;
    runtime.block_on(async move {
        let address = SocketAddr::new(options.host, options.port);
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
            InputError::new(
                "--port",
                format!(
                    "cannot listen on {address}: {e}; give another --port (0 picks a free one)"
                ),
            )
        })?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io("listening socket", e))?;
        let mut out = std::io::stdout().lock();
        // A closed standard output must not stop a server that is otherwise fine.
        let _ = writeln!(out, "followership view: http://{bound}/ (Ctrl-C to stop)");
        let _ = out.flush();
        drop(out);
        if !bound.ip().is_loopback() {
            eprintln!(
                "note: listening on {}, so other machines can reach the view",
                bound.ip()
            );
        }
        let routes = routes::router(Arc::new(app), &options.limits, options.host.is_loopback());
        server::serve(listener, routes, &options.limits, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_scenario_is_an_input_error_before_listening() {
        let mut options = ViewOptions::new(ScenarioChoice::Builtin("hilside".into()));
        options.port = 1;
        let e = serve(options).expect_err("no such builtin");
        assert!(e.is_input_error());
        assert!(e.to_string().contains("did you mean `hillside`"), "{e}");

        let mut options = ViewOptions::new(ScenarioChoice::Builtin("hillside".into()));
        options.overrides = vec!["leaders.persistence=0".into()];
        let e = serve(options).expect_err("invalid value");
        assert!(e.to_string().contains("leaders.persistence"), "{e}");
    }
}
