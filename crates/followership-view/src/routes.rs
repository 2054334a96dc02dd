//! The HTTP side: the page and its scripts, `GET /api/scenario` (name, description, sliders) and
//! `POST /api/run` (slider values and a seed in, the replay out). Every failure is answered as
//! JSON `{"error": "...", "key": "..."}` with a 4xx status for what the page sent and 500 for
//! the rest; nothing a page sends can stop the server.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::app::{App, RunError};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const VIEW_JS: &str = include_str!("../assets/view.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");

/// What the handlers share: the scenario, and one permit per run at a time (a run takes a core;
/// queued requests wait, and are dropped when their page gives up on them).
#[derive(Clone)]
struct Shared {
    app: Arc<App>,
    runs: Arc<Semaphore>,
}

/// The routes of the live view for `app`, taking request bodies of at most `max_body` bytes.
/// With `loopback_only`, requests must name this machine in their `Host` header: a web page
/// elsewhere that points a name of its own at 127.0.0.1 (DNS rebinding) is refused.
pub fn router(app: Arc<App>, max_body: usize, loopback_only: bool) -> Router {
    let shared = Shared {
        app,
        runs: Arc::new(Semaphore::new(1)),
    };
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
                next.run(request).await
            },
        ))
        .with_state(shared)
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

async fn run(State(shared): State<Shared>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let message = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                "the request is larger than this view takes; send only slider values and a seed"
                    .to_string()
            } else {
                rejection.body_text()
            };
            return error(rejection.status(), "request", message);
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
    // Wait for the run before this one; a page that gave up drops this future here.
    let Ok(permit) = shared.runs.clone().acquire_owned().await else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "server",
            "the server is stopping".into(),
        );
    };
    let app = shared.app.clone();
    // The permit goes with the run: a page that gives up now no longer holds the run, but the
    // next run still waits for it to finish.
    let blocking = move || {
        let _permit = permit;
        app.replay_json(&extra)
    };
    match tokio::task::spawn_blocking(blocking).await {
        Ok(Ok(replay)) => json(StatusCode::OK, Bytes::from_owner(replay)),
        Ok(Err(e)) => run_error(e),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "run",
            format!("the run failed: {e}; this is a bug in followership, please report it"),
        ),
    }
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
        let response = router(app, 16 * 1024, false)
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
            let response = router(app.clone(), 16 * 1024, true)
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
