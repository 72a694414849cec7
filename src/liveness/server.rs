//! The HTTP server of `/healthz` and `/metrics`: hyper's HTTP/1 server on one listener, two GET
//! routes, each connection bounded in time and their number bounded, stopped by a future.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

use super::Liveness;
use crate::store::Store;

/// How long a client may take to send its request's headers: a scraper sends them at once.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one connection may last in all; past it the connection is dropped. Connections are
/// not kept alive, so this bounds one request.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(10);
/// How many connections are served at once; more are closed on accept. A scraper and a health
/// checker need two; this keeps a flood from costing more than a few tasks.
pub const MAX_CONNECTIONS: usize = 32;
/// How long `/healthz` waits for the database to answer `SELECT 1`: a healthy SQLite answers in
/// microseconds, and a health checker's own timeout is a few seconds.
pub const DATABASE_PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// How often the recorder's histograms are drained when nobody scrapes; rendering drains them
/// too, but without a scraper their samples would pile up.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// What the two routes read; cloned into each connection.
#[derive(Debug, Clone)]
struct Routes {
    liveness: Liveness,
    store: Store,
    metrics: PrometheusHandle,
}

/// Serves /healthz and /metrics on `listener` until `shutdown` resolves, then closes every
/// connection still open and returns. `store` is probed with `SELECT 1` on each `/healthz`.
pub async fn serve(
    listener: TcpListener,
    liveness: Liveness,
    store: Store,
    metrics: PrometheusHandle,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let routes = Routes {
        liveness,
        store,
        metrics,
    };
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(false);
    let mut connections = JoinSet::new();
    let mut upkeep = tokio::time::interval(UPKEEP_EVERY);
    upkeep.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        tokio::select! {
            () = &mut shutdown => break,
            _ = upkeep.tick() => routes.metrics.run_upkeep(),
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        pause_after(&e).await;
                        continue;
                    }
                };
                if connections.len() >= MAX_CONNECTIONS {
                    tracing::debug!(%peer, "closed a metrics connection: {MAX_CONNECTIONS} already open");
                    continue;
                }
                let routes = routes.clone();
                let service = service_fn(move |request| {
                    let routes = routes.clone();
                    async move { Ok::<_, Infallible>(routes.answer(request).await) }
                });
                let connection = http.serve_connection(TokioIo::new(stream), service);
                connections.spawn(async move {
                    match tokio::time::timeout(CONNECTION_DEADLINE, connection).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::debug!(%peer, "metrics connection failed: {e}"),
                        Err(_) => tracing::debug!(%peer, "dropped a metrics connection that outlived its deadline"),
                    }
                });
            }
        }
    }
    connections.shutdown().await;
    Ok(())
}

/// After a failed accept: a connection the peer gave up on is nothing, but running out of file
/// descriptors would fail again at once, so wait a little instead of spinning.
async fn pause_after(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionReset, Interrupted};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionReset | Interrupted
    ) {
        return;
    }
    tracing::warn!("cannot accept a metrics connection: {error}");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

impl Routes {
    async fn answer<B>(&self, request: Request<B>) -> Response<Full<Bytes>> {
        let path = request.uri().path();
        if path != "/healthz" && path != "/metrics" {
            return text(
                StatusCode::NOT_FOUND,
                "not found: try /healthz or /metrics\n",
            );
        }
        if request.method() != Method::GET {
            let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET"));
            return response;
        }
        if path == "/healthz" {
            self.healthz().await
        } else {
            let mut response = text(StatusCode::OK, self.metrics.render());
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            response
        }
    }

    async fn healthz(&self) -> Response<Full<Bytes>> {
        let database = probe_database(&self.store).await;
        let health = self
            .liveness
            .health_at(Instant::now())
            .with_database(database);
        let status = if health.ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        // Serialising plain strings and numbers cannot fail; the fallback keeps the status.
        let body = serde_json::to_string(&health)
            .unwrap_or_else(|_| format!("{{\"status\":\"{}\"}}", health.status));
        let mut response = text(status, body + "\n");
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// Whether the database answers a trivial query within [`DATABASE_PROBE_TIMEOUT`].
async fn probe_database(store: &Store) -> Result<(), String> {
    let query = sqlx::query("SELECT 1").execute(store.pool());
    match tokio::time::timeout(DATABASE_PROBE_TIMEOUT, query).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "no answer to SELECT 1 within {} s",
            DATABASE_PROBE_TIMEOUT.as_secs()
        )),
    }
}

/// A response that is never cached: a proxy serving an old "ok" would hide an outage.
fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
