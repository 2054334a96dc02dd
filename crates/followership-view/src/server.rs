//! The connection side: accepting connections and speaking HTTP/1 on them, with the protections
//! that `axum::serve` does not offer. `axum::serve` gives hyper no timer, so hyper's header read
//! timeout never fires and a client that opens connections and never finishes its headers holds
//! them forever; it also accepts every connection. Here hyper gets a timer and a header timeout,
//! and at most [`Limits::max_connections`] connections are served at once.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::Limits;

/// Serves `routes` on `listener` until `shutdown` completes, then lets the requests in progress
/// finish (idle connections close at once) and returns.
pub(crate) async fn serve(
    listener: TcpListener,
    routes: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) {
    // At most u32::MAX, so that waiting for every place back at the end is one call.
    let max_connections = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let connections = Arc::new(Semaphore::new(max_connections));
    let (stop, stopping) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        // Take a place before accepting: when every place is taken, new connections wait in
        // the kernel's queue instead of each costing a task and a buffer here.
        let place = tokio::select! {
            place = connections.clone().acquire_owned() => match place {
                Ok(place) => place,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    pause_after(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let mut builder = http1::Builder::new();
        // Without a timer hyper silently ignores its header timeout.
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        let service = TowerToHyperService::new(routes.clone());
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _place = place;
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                // A connection that fails (a header timeout, a client that went away) has
                // nobody left to tell.
                _ = connection.as_mut() => {}
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(stopping);
    let _ = stop.send(());
    // Every connection holds a place until it ends: having them all back means all ended.
    let _ = connections.acquire_many(max_connections as u32).await;
}

/// After a failed accept: a client that gave up before it was accepted is no reason to wait,
/// but running out of file descriptors is, or the loop would spin on the same error.
async fn pause_after(e: io::Error) {
    if !matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::{ScenarioChoice, routes};
    use std::net::SocketAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// The longest any test here waits for something that happens at once when the server is
    /// right: only a bug (or a machine stopped for this long) reaches it, and then the test
    /// fails instead of hanging.
    const SAFETY: Duration = Duration::from_secs(60);

    fn small_hillside(limits: Limits) -> Arc<App> {
        let base = vec!["network.nodes=300".to_string(), "max_ticks=200".to_string()];
        Arc::new(App::new(ScenarioChoice::Builtin("hillside".into()), base, limits).expect("loads"))
    }

    /// A server of the small hillside on a port the system picks, with `limits`.
    async fn start(limits: Limits) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let address = listener.local_addr().expect("address");
        let routes = routes::router(small_hillside(limits), &limits, true);
        tokio::spawn(async move { serve(listener, routes, &limits, std::future::pending()).await });
        address
    }

    /// Reads until the server closes the connection (or the safety timeout, which fails).
    async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
        let mut seen = Vec::new();
        let mut buffer = [0; 4096];
        loop {
            let read = tokio::time::timeout(SAFETY, stream.read(&mut buffer))
                .await
                .expect("the server closes the connection instead of keeping it open");
            match read {
                Ok(0) | Err(_) => return seen,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
    }

    /// Reads one response: its head, then as many bytes as its Content-Length says.
    async fn read_response(stream: &mut TcpStream) -> String {
        let mut seen = Vec::new();
        let mut buffer = [0; 4096];
        loop {
            let text = String::from_utf8_lossy(&seen).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if seen.len() >= end + 4 + length {
                    return text;
                }
            }
            let read = tokio::time::timeout(SAFETY, stream.read(&mut buffer))
                .await
                .expect("the server answers instead of waiting");
            match read {
                Ok(0) | Err(_) => return text,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
    }

    fn short_timeouts() -> Limits {
        Limits {
            header_timeout: Duration::from_millis(200),
            body_timeout: Duration::from_millis(200),
            ..Limits::default()
        }
    }

    #[tokio::test]
    async fn a_connection_that_never_finishes_its_headers_is_closed() {
        let address = start(short_timeouts()).await;
        // One sends half a request line and stops, one sends nothing at all.
        let mut half = TcpStream::connect(address).await.expect("connects");
        half.write_all(b"GET / HTTP/1.1\r\nHost: 127.0")
            .await
            .expect("writes");
        let mut silent = TcpStream::connect(address).await.expect("connects");
        read_to_close(&mut half).await;
        read_to_close(&mut silent).await;
        // The server itself goes on answering.
        let mut fine = TcpStream::connect(address).await.expect("connects");
        fine.write_all(b"GET /api/scenario HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .expect("writes");
        let response = read_response(&mut fine).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }

    #[tokio::test]
    async fn a_body_announced_larger_than_the_limit_is_refused_before_it_arrives() {
        // The body timeout is long here: the answer must come from the announced length.
        let limits = Limits {
            body_timeout: SAFETY * 2,
            ..Limits::default()
        };
        let address = start(limits).await;
        let mut stream = TcpStream::connect(address).await.expect("connects");
        stream
            .write_all(
                b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                  Content-Length: 10000000000\r\n\r\n{}",
            )
            .await
            .expect("writes");
        let response = read_response(&mut stream).await;
        assert!(response.starts_with("HTTP/1.1 413"), "{response}");
        assert!(response.contains("\"key\":\"request\""), "{response}");
    }

    #[tokio::test]
    async fn a_body_that_stalls_is_answered_408() {
        let address = start(short_timeouts()).await;
        let mut stream = TcpStream::connect(address).await.expect("connects");
        stream
            .write_all(
                b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                  Content-Length: 100\r\n\r\n{\"",
            )
            .await
            .expect("writes");
        let response = read_response(&mut stream).await;
        assert!(response.starts_with("HTTP/1.1 408"), "{response}");
        assert!(response.contains("\"key\":\"request\""), "{response}");
        // The rest of that body will never be read: the connection is not used again.
        read_to_close(&mut stream).await;
    }

    #[tokio::test]
    async fn connections_beyond_the_cap_wait_until_one_closes() {
        let limits = Limits {
            max_connections: 1,
            header_timeout: SAFETY * 2,
            ..Limits::default()
        };
        let address = start(limits).await;
        let request = b"GET /api/scenario HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        let mut first = TcpStream::connect(address).await.expect("connects");
        first.write_all(request).await.expect("writes");
        // Answered, so the first connection holds the only place (it stays open: keep-alive).
        let response = read_response(&mut first).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let mut second = TcpStream::connect(address)
            .await
            .expect("the kernel accepts it");
        second.write_all(request).await.expect("writes");
        // Not answered while the first is open. Waiting can only make this pass wrongly on a
        // machine too slow to answer in this time, never fail wrongly.
        let mut byte = [0; 1];
        let early = tokio::time::timeout(Duration::from_millis(300), second.read(&mut byte)).await;
        assert!(early.is_err(), "answered beyond the cap: {early:?}");
        drop(first);
        let response = read_response(&mut second).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }

    #[tokio::test]
    async fn shutting_down_ends_the_server_and_its_idle_connections() {
        let limits = Limits::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let address = listener.local_addr().expect("address");
        let routes = routes::router(small_hillside(limits), &limits, true);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            serve(listener, routes, &limits, async {
                let _ = stopped.await;
            })
            .await
        });
        let mut idle = TcpStream::connect(address).await.expect("connects");
        idle.write_all(b"GET /api/scenario HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .expect("writes");
        let response = read_response(&mut idle).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        stop.send(()).expect("the server listens for it");
        tokio::time::timeout(SAFETY, server)
            .await
            .expect("the server stops")
            .expect("and does not panic");
        read_to_close(&mut idle).await;
    }
}
