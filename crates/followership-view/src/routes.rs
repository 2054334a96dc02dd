//! The HTTP side: the page and its scripts, `GET /api/scenario` (name, description, sliders) and
//! `POST /api/run` (slider values and a seed in, the replay out). Every failure is answered as
//! JSON `{"error": "...", "key": "..."}` with a 4xx status for what the page sent (503 when too
//! many runs wait) and 500 for the rest; nothing a page sends can stop the server.
//!
//! What guards it: the `Host` check (against DNS rebinding), the `Origin` check (a page of
//! another site may send a POST here, and the browser sends it even though that page cannot read
//! the answer, so the run would cost a core for nothing), a body limit checked on the announced
//! length before any of the body is read, a body timeout, and a fair queue of runs, at most
//! [`Limits::max_runs`] at once, that cache hits skip.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use crate::Limits;
use crate::app::{App, RunError};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const VIEW_JS: &str = include_str!("../assets/view.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");

/// What the handlers share: the scenario, the queue of runs and how long a body may take.
#[derive(Clone)]
struct Shared {
    app: Arc<App>,
    runs: Runs,
    body_timeout: Duration,
}

/// The permits to run (one per core the view may use) and the requests waiting for one.
///
/// Tokio's semaphore hands permits out in the order they were asked for, so runs are served
/// first come, first served; a page that gives up drops its place in the queue. Which run goes
/// first changes nothing in a replay: each is replicate 0 of its own values.
#[derive(Clone)]
pub(crate) struct Runs {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

impl Runs {
    /// `max_runs` runs at once (at least one), and at most `max_waiting` waiting.
    pub(crate) fn new(max_runs: usize, max_waiting: usize) -> Runs {
        Runs {
            permits: Arc::new(Semaphore::new(max_runs.clamp(1, Semaphore::MAX_PERMITS))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting,
        }
    }

    /// A permit to run now, or after the runs queued before this one; the error response when
    /// the queue is full.
    async fn permit(&self) -> Result<OwnedSemaphorePermit, Response> {
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => return Ok(permit),
            Err(TryAcquireError::Closed) => return Err(stopping()),
            Err(TryAcquireError::NoPermits) => {}
        }
        let Some(_place) = Waiting::enter(&self.waiting, self.max_waiting) else {
            // Queueing more would only make every page wait longer for runs that are likely
            // stale by then; the page may ask again.
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "server",
                format!(
                    "the server is busy: {} runs are already waiting for it; try again in a moment",
                    self.max_waiting
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Err(response);
        };
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| stopping())
    }
}

/// A place in the queue of runs, given back when dropped (also when the page gives up).
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn enter(waiting: &Arc<AtomicUsize>, max: usize) -> Option<Waiting> {
        waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        Some(Waiting(waiting.clone()))
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The routes of the live view for `app`, within `limits`. With `loopback_only`, requests must
/// name this machine in their `Host` header: a web page elsewhere that points a name of its own
/// at 127.0.0.1 (DNS rebinding) is refused.
pub fn router(app: Arc<App>, limits: &Limits, loopback_only: bool) -> Router {
    router_with(
        app,
        limits,
        loopback_only,
        Runs::new(limits.max_runs, limits.max_queued_runs),
    )
}

/// [`router`] with its queue of runs given (tests hold its permits).
fn router_with(app: Arc<App>, limits: &Limits, loopback_only: bool, runs: Runs) -> Router {
    let shared = Shared {
        app,
        runs,
        body_timeout: limits.body_timeout,
    };
    let max_body = limits.max_body_bytes;
    Router::new()
        .route(
            "/",
            get(|| async { file("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/view.js",
            get(|| async { file("text/javascript; charset=utf-8", VIEW_JS) }),
        )
        .route(
            "/people.js",
            get(|| async {
                file(
                    "text/javascript; charset=utf-8",
                    followership_report::assets::PEOPLE_JS,
                )
            }),
        )
        .route(
            "/style.css",
            get(|| async { file("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route("/api/scenario", get(scenario))
        .route("/api/run", post(run))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "path",
                "no such page; the view is at /".into(),
            )
        })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| async move {
                if loopback_only && !names_this_machine(&request) {
                    return error(
                        StatusCode::FORBIDDEN,
                        "host",
                        "the view answers only to 127.0.0.1, localhost or [::1]".into(),
                    );
                }
                if let Some(message) = from_another_site(&request) {
                    return error(StatusCode::FORBIDDEN, "origin", message);
                }
                if announced_length(&request).is_some_and(|n| n > max_body as u64) {
                    // Answered before reading: a client announcing more than it sends would
                    // otherwise be waited for until the limit is reached, which may be never.
                    return closing(error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "request",
                        TOO_LARGE.into(),
                    ));
                }
                next.run(request).await
            },
        ))
        .with_state(shared)
}

const TOO_LARGE: &str =
    "the request is larger than this view takes; send only slider values and a seed";

/// Why a request that changes something or costs a run comes from a page of another site, if
/// it does: its `Origin` is not this server's (compared with the `Host` it was sent to), or,
/// with no `Origin`, `Sec-Fetch-Site` says another site. Reading requests (GET, HEAD, OPTIONS)
/// pass, as do requests with neither header (programs such as curl, which no web page can make
/// send a request).
fn from_another_site(request: &Request) -> Option<String> {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return None;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let own = || match host {
        Some(host) => format!("http://{host}"),
        None => "this server".to_string(),
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        let same = host.is_some_and(|host| {
            origin
                .strip_prefix("http://")
                .is_some_and(|o| o.eq_ignore_ascii_case(host))
        });
        return (!same).then(|| {
            format!(
                "this request comes from a page at {origin}, not from the view's own page at {}; \
                 open the view there (programs that send no Origin header are answered too)",
                own()
            )
        });
    }
    // Browsers that send no Origin still say where the request comes from; "same-site" is
    // another origin too (another port on this machine, for one).
    match headers.get("sec-fetch-site").and_then(|h| h.to_str().ok()) {
        Some(site @ ("cross-site" | "same-site")) => Some(format!(
            "this request comes from a page of another origin (Sec-Fetch-Site: {site}), not from \
             the view's own page at {}; open the view there",
            own()
        )),
        _ => None,
    }
}

/// The body length a request announces in `Content-Length`, if it does.
fn announced_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `response`, telling the client that the connection closes after it: the rest of the body
/// the client sends is not read.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn stopping() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "server",
        "the server is stopping".into(),
    )
}

/// Whether the request's `Host` header names this machine (any port).
fn names_this_machine(request: &Request) -> bool {
    let Some(host) = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    matches!(name, "127.0.0.1" | "localhost" | "::1")
}

fn file(content_type: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // The page is embedded in the binary: a new build must never meet an old script.
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.into(),
    )
        .into_response()
}

fn error(status: StatusCode, key: &str, message: String) -> Response {
    let body = serde_json::json!({ "error": message, "key": key });
    json(status, body.to_string())
}

async fn scenario(State(shared): State<Shared>) -> Response {
    match serde_json::to_vec(shared.app.info()) {
        Ok(body) => json(StatusCode::OK, body),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, "scenario", e.to_string()),
    }
}

/// The body of `POST /api/run`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    /// Slider values by key.
    #[serde(default)]
    values: BTreeMap<String, serde_json::Value>,
    /// The seed (any JSON value: checked with a clear message, not by serde).
    #[serde(default)]
    seed: Option<serde_json::Value>,
}

async fn run(State(shared): State<Shared>, request: Request) -> Response {
    let body =
        match tokio::time::timeout(shared.body_timeout, Bytes::from_request(request, &())).await {
            Ok(Ok(b)) => b,
            Ok(Err(rejection)) => {
                let message = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    TOO_LARGE.to_string()
                } else {
                    rejection.body_text()
                };
                return error(rejection.status(), "request", message);
            }
            Err(_) => {
                return closing(error(
                    StatusCode::REQUEST_TIMEOUT,
                    "request",
                    format!(
                        "the request's body did not arrive within {:?}; send it whole and at once",
                        shared.body_timeout
                    ),
                ));
            }
        };
    let request: RunRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RunRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "request",
                    format!(
                        "the request is not the JSON this view expects ({e}); send {{\"values\": {{\"key.path\": number}}, \"seed\": number}}"
                    ),
                );
            }
        }
    };
    let extra = match shared.app.request(&request.values, request.seed.as_ref()) {
        Ok(extra) => extra,
        Err(e) => return run_error(e),
    };
    // A replay in the cache takes no core, so it waits for no run.
    if let Some(replay) = shared.app.cached(&extra) {
        return json(StatusCode::OK, Bytes::from_owner(replay));
    }
    let asked = Instant::now();
    // Wait for a core; a page that gave up drops this future, and its place, here.
    let permit = match shared.runs.permit().await {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    let queued = asked.elapsed();
    let app = shared.app.clone();
    // The permit goes with the run: a page that gives up now no longer holds the run, but the
    // core stays taken until it finishes.
    let blocking = move || {
        let _permit = permit;
        app.replay_json(&extra)
    };
    let mut response = match tokio::task::spawn_blocking(blocking).await {
        Ok(Ok(replay)) => json(StatusCode::OK, Bytes::from_owner(replay)),
        Ok(Err(e)) => run_error(e),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "run",
            format!("the run failed: {e}; this is a bug in followership, please report it"),
        ),
    };
    // How long the run waited for a core and then took, for the browser's network panel.
    let timing = format!(
        "queue;dur={:.1}, run;dur={:.1}",
        queued.as_secs_f64() * 1e3,
        (asked.elapsed() - queued).as_secs_f64() * 1e3
    );
    if let Ok(timing) = HeaderValue::from_str(&timing) {
        response.headers_mut().insert("server-timing", timing);
    }
    response
}

fn run_error(e: RunError) -> Response {
    match e {
        RunError::Refused(r) => error(StatusCode::BAD_REQUEST, &r.key, r.message),
        RunError::Input(i) => {
            let key = i.place.clone();
            error(StatusCode::UNPROCESSABLE_ENTITY, &key, i.to_string())
        }
        RunError::Failed(message) => error(StatusCode::INTERNAL_SERVER_ERROR, "run", message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, ScenarioChoice};
    use axum::http::Request;
    use tower::ServiceExt;

    fn small_hillside() -> Arc<App> {
        let base = vec!["network.nodes=300".to_string(), "max_ticks=200".to_string()];
        Arc::new(
            App::new(
                ScenarioChoice::Builtin("hillside".into()),
                base,
                Limits::default(),
            )
            .expect("loads"),
        )
    }

    async fn call(app: Arc<App>, request: Request<Body>) -> (StatusCode, String, Option<String>) {
        let response = router(app, &Limits::default(), false)
            .oneshot(request)
            .await
            .expect("answers");
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&body).into_owned(), kind)
    }

    fn post(body: impl Into<Body>) -> Request<Body> {
        Request::post("/api/run")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .expect("request")
    }

    fn get(path: &str) -> Request<Body> {
        Request::get(path).body(Body::empty()).expect("request")
    }

    #[tokio::test]
    async fn on_loopback_only_requests_naming_this_machine_are_answered() {
        let app = small_hillside();
        for (host, allowed) in [
            (Some("127.0.0.1:8080"), true),
            (Some("localhost:3000"), true),
            (Some("[::1]:3000"), true),
            (Some("evil.example:8080"), false),
            (Some("127.0.0.1.evil.example"), false),
            (None, false),
        ] {
            let mut request = Request::get("/api/scenario");
            if let Some(host) = host {
                request = request.header(header::HOST, host);
            }
            let response = router(app.clone(), &Limits::default(), true)
                .oneshot(request.body(Body::empty()).expect("request"))
                .await
                .expect("answers");
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(response.status(), expected, "Host {host:?}");
        }
    }

    #[tokio::test]
    async fn the_page_and_its_scripts_are_served() {
        let app = small_hillside();
        let (status, body, kind) = call(app.clone(), get("/")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("<canvas id=\"people\""));
        assert_eq!(kind.as_deref(), Some("text/html; charset=utf-8"));
        let (_, body, _) = call(app.clone(), get("/people.js")).await;
        assert!(body.contains("FollowershipPeople"));
        let (status, _, _) = call(app.clone(), get("/view.js")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = call(app.clone(), get("/style.css")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body, _) = call(app, get("/nothing")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("\"error\""));
    }

    #[tokio::test]
    async fn the_scenario_lists_its_sliders() {
        let (status, body, kind) = call(small_hillside(), get("/api/scenario")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind.as_deref(), Some("application/json"));
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["name"], "hillside");
        assert_eq!(v["seed"], 2009);
        let keys: Vec<&str> = v["sliders"]
            .as_array()
            .expect("sliders")
            .iter()
            .map(|s| s["key"].as_str().expect("key"))
            .collect();
        assert!(keys.contains(&"leaders.persistence"));
        assert!(!keys.contains(&"leaders.character"));
    }

    #[tokio::test]
    async fn a_run_returns_a_replay_and_the_same_run_comes_from_the_cache() {
        let app = small_hillside();
        let body =
            r#"{"values": {"leaders.persistence": 50, "influence.embrace": false}, "seed": 7}"#;
        let (status, first, _) = call(app.clone(), post(body)).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let v: serde_json::Value = serde_json::from_str(&first).expect("json");
        assert_eq!(v["format"], 1);
        assert_eq!(v["shown"], 300);
        assert_eq!(v["critical_mass"], 0.1);
        let (_, second, _) = call(app.clone(), post(body)).await;
        assert_eq!(first, second);
        // An empty body runs the scenario as it is.
        let (status, _, _) = call(app, post("")).await;
        assert_eq!(status, StatusCode::OK);
    }

    #[tokio::test]
    async fn bad_requests_get_clear_json_errors() {
        let app = small_hillside();
        let cases = [
            (
                r#"{"values": {"leaders.persistence": -5}}"#,
                StatusCode::BAD_REQUEST,
                "leaders.persistence",
            ),
            (
                r#"{"values": {"network.kind": "complete"}}"#,
                StatusCode::BAD_REQUEST,
                "network.kind",
            ),
            (
                r#"{"values": {"network.nodes": 900000}}"#,
                StatusCode::BAD_REQUEST,
                "network.nodes",
            ),
            (r#"{"seed": "seven"}"#, StatusCode::BAD_REQUEST, "seed"),
            (r#"{"values": [1, 2]}"#, StatusCode::BAD_REQUEST, "request"),
            (r#"{"nonsense": 1}"#, StatusCode::BAD_REQUEST, "request"),
            ("not json", StatusCode::BAD_REQUEST, "request"),
        ];
        for (body, want, key) in cases {
            let (status, text, kind) = call(app.clone(), post(body)).await;
            assert_eq!(status, want, "{body}: {text}");
            assert_eq!(kind.as_deref(), Some("application/json"));
            let v: serde_json::Value = serde_json::from_str(&text).expect("json");
            assert_eq!(v["key"], key, "{body}: {text}");
            assert!(!v["error"].as_str().expect("message").is_empty());
        }
        let huge = format!(r#"{{"seed": 1, "pad": "{}"}}"#, "x".repeat(40_000));
        let (status, text, _) = call(app.clone(), post(huge)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
        assert!(text.contains("larger than this view takes"));
    }

    /// The longest a test waits for what happens at once when the server is right: only a bug
    /// reaches it, and the test then fails instead of hanging.
    const SAFETY: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn runs_asked_by_a_page_of_another_origin_are_refused() {
        let app = small_hillside();
        let body = r#"{"seed": 3}"#;
        let cases: [(&[(&str, &str)], StatusCode); 9] = [
            (&[("origin", "http://evil.example")], StatusCode::FORBIDDEN),
            (&[("origin", "null")], StatusCode::FORBIDDEN),
            // Another port on this machine is another origin.
            (
                &[("origin", "http://127.0.0.1:9999")],
                StatusCode::FORBIDDEN,
            ),
            (
                &[("origin", "https://127.0.0.1:8080")],
                StatusCode::FORBIDDEN,
            ),
            (&[("sec-fetch-site", "cross-site")], StatusCode::FORBIDDEN),
            (&[("sec-fetch-site", "same-site")], StatusCode::FORBIDDEN),
            // The view's own page, and programs that send neither header.
            (&[("origin", "http://127.0.0.1:8080")], StatusCode::OK),
            (&[("sec-fetch-site", "same-origin")], StatusCode::OK),
            (&[], StatusCode::OK),
        ];
        for (headers, want) in cases {
            let mut request = Request::post("/api/run")
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::CONTENT_TYPE, "text/plain");
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = router(app.clone(), &Limits::default(), true)
                .oneshot(request.body(Body::from(body)).expect("request"))
                .await
                .expect("answers");
            assert_eq!(response.status(), want, "{headers:?}");
            if want == StatusCode::FORBIDDEN {
                let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .expect("body");
                let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
                assert_eq!(v["key"], "origin", "{headers:?}");
                assert!(
                    v["error"]
                        .as_str()
                        .expect("message")
                        .contains("not from the view's own page"),
                    "{v}"
                );
            }
        }
        // Reading the scenario is harmless: another site's page cannot read the answer.
        let request = Request::get("/api/scenario")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, "http://evil.example")
            .body(Body::empty())
            .expect("request");
        let response = router(app, &Limits::default(), true)
            .oneshot(request)
            .await
            .expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// The body of a run request with `seed`, and the settings it asks for.
    fn seeded(app: &App, seed: u64) -> (String, Vec<crate::sliders::Setting>) {
        let extra = app
            .request(&BTreeMap::new(), Some(&serde_json::json!(seed)))
            .expect("a valid request");
        (format!(r#"{{"seed": {seed}}}"#), extra)
    }

    #[tokio::test]
    async fn a_cached_run_is_answered_while_every_core_is_busy() {
        let app = small_hillside();
        let runs = Runs::new(1, 4);
        let routes = router_with(app.clone(), &Limits::default(), false, runs.clone());
        let (body, _) = seeded(&app, 11);
        let first = routes
            .clone()
            .oneshot(post(body.clone()))
            .await
            .expect("answers");
        assert_eq!(first.status(), StatusCode::OK);
        // A long run holds the only core.
        let _busy = runs.permits.clone().acquire_owned().await.expect("permit");
        let again = tokio::time::timeout(SAFETY, routes.oneshot(post(body)))
            .await
            .expect("a cache hit does not wait for the run")
            .expect("answers");
        assert_eq!(again.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn runs_queue_in_order_up_to_a_limit_then_are_told_to_come_back() {
        let app = small_hillside();
        let runs = Runs::new(1, 1);
        let routes = router_with(app.clone(), &Limits::default(), false, runs.clone());
        let (cached, _) = seeded(&app, 21);
        let response = routes
            .clone()
            .oneshot(post(cached.clone()))
            .await
            .expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
        let busy = runs.permits.clone().acquire_owned().await.expect("permit");
        // One run waits for the core...
        let (waiting, _) = seeded(&app, 22);
        let queued = tokio::spawn(routes.clone().oneshot(post(waiting)));
        tokio::time::timeout(SAFETY, async {
            while runs.waiting.load(Ordering::Acquire) < 1 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the run queues");
        // ...so the next is told the server is busy, at once and in JSON...
        let (refused, _) = seeded(&app, 23);
        let response = tokio::time::timeout(SAFETY, routes.clone().oneshot(post(refused)))
            .await
            .expect("answered at once")
            .expect("answers");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["key"], "server");
        // ...while a cached run is still answered.
        let response = routes.oneshot(post(cached)).await.expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
        drop(busy);
        let response = tokio::time::timeout(SAFETY, queued)
            .await
            .expect("the queued run runs once the core is free")
            .expect("no panic")
            .expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().contains_key("server-timing"));
        assert_eq!(runs.waiting.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn a_run_does_not_wait_while_a_core_is_free() {
        let app = small_hillside();
        let runs = Runs::new(2, 0);
        let routes = router_with(app.clone(), &Limits::default(), false, runs.clone());
        // A long run holds one of the two cores; with no queue at all, a run that had to wait
        // would be refused.
        let _busy = runs.permits.clone().acquire_owned().await.expect("permit");
        let (body, _) = seeded(&app, 41);
        let response = tokio::time::timeout(SAFETY, routes.oneshot(post(body)))
            .await
            .expect("runs on the free core")
            .expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_at_once_give_the_replays_of_runs_one_by_one() {
        let seeds = [31, 32, 33, 34];
        let alone = small_hillside();
        let mut expected = Vec::new();
        for seed in seeds {
            let (_, extra) = seeded(&alone, seed);
            expected.push(alone.replay_json(&extra).expect("runs"));
        }
        let app = small_hillside();
        let routes = router_with(app.clone(), &Limits::default(), false, Runs::new(4, 4));
        let answers: Vec<_> = seeds
            .iter()
            .map(|&seed| tokio::spawn(routes.clone().oneshot(post(seeded(&app, seed).0))))
            .collect();
        for (answer, want) in answers.into_iter().zip(expected) {
            let response = answer.await.expect("no panic").expect("answers");
            assert_eq!(response.status(), StatusCode::OK);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            assert_eq!(&body[..], &want[..]);
        }
    }

    #[tokio::test]
    async fn an_invalid_scenario_is_a_422_naming_the_key() {
        let e = followership::error::InputError::new("leaders.persistence", "too small");
        let response = run_error(RunError::Input(e));
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["key"], "leaders.persistence");
        assert_eq!(v["error"], "leaders.persistence: too small");
    }
}
