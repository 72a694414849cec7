//! `/healthz`, `/metrics` and the watchdog as an operator meets them: the real server on
//! loopback over a real SQLite file, a scheduler that ticks every 100 ms, stalls in a phase, and
//! ticks again.

use std::net::SocketAddr;
use std::time::Duration;

use dailydrill::config::DatabaseUrl;
use dailydrill::liveness::metrics::{self, FailureKind};
use dailydrill::liveness::{self, Liveness, probe};
use dailydrill::store::Store;
use metrics_exporter_prometheus::{PrometheusHandle, PrometheusRecorder};
use serde_json::Value;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

const PERIOD: Duration = Duration::from_millis(100);
/// Room for a loaded machine (another build beside the tests) on top of what the rule allows.
const SLACK: Duration = Duration::from_millis(700);

/// The server on 127.0.0.1:0 over a fresh database, and how to stop it.
struct Server {
    addr: SocketAddr,
    liveness: Liveness,
    store: Store,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

async fn start(liveness: Liveness, metrics: PrometheusHandle) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("test.db").display()
    ))
    .unwrap();
    let store = Store::open(&url).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(liveness::serve(
        listener,
        liveness.clone(),
        store.clone(),
        metrics,
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        addr,
        liveness,
        store,
        stop: Some(stop),
        task,
        _dir: dir,
    }
}

impl Server {
    async fn get(&self, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
        self.request(reqwest::Method::GET, path).await
    }

    async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> (u16, String, reqwest::header::HeaderMap) {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let response = client
            .request(method, format!("http://{}{path}", self.addr))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, response.text().await.unwrap(), headers)
    }

    async fn healthz(&self) -> (u16, Value) {
        let (status, body, _) = self.get("/healthz").await;
        (status, serde_json::from_str(&body).unwrap())
    }

    /// Polls /healthz every 20 ms until it answers `status`; how long that took, and the body.
    async fn healthz_until(&self, status: u16, limit: Duration) -> (Duration, Value) {
        let from = Instant::now();
        loop {
            let (now, body) = self.healthz().await;
            if now == status {
                return (from.elapsed(), body);
            }
            assert!(
                from.elapsed() < limit,
                "no {status} within {limit:?}; last answer {now} {body}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap().unwrap();
    }
}

/// A scheduler that ticks every period, through two phases, until aborted.
fn ticking(liveness: Liveness) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PERIOD);
        loop {
            every.tick().await;
            liveness.tick_started();
            liveness.phase("post_due");
            liveness.phase("reveal_due");
            liveness.tick_finished();
        }
    })
}

fn unused_recorder() -> PrometheusHandle {
    metrics::builder().build_recorder().handle()
}

fn reasons(body: &Value) -> Vec<String> {
    body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn healthz_follows_the_scheduler_through_a_stall_and_back() {
    let liveness = Liveness::new(PERIOD);
    liveness.gateway_up();
    let server = start(liveness.clone(), unused_recorder()).await;

    let scheduler = ticking(server.liveness.clone());
    for _ in 0..5 {
        let (status, body) = server.healthz().await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "ok");
        assert_eq!(body["gateway"], "connected");
        assert_eq!(body["database"], "ok");
        assert_eq!(reasons(&body), Vec::<String>::new());
        tokio::time::sleep(PERIOD).await;
    }
    let (_, body) = server.healthz().await;
    assert!(
        body["last_tick_seconds_ago"].as_f64().unwrap() <= 0.3,
        "{body}"
    );

    // The scheduler stops inside a tick, delivering.
    scheduler.abort();
    let _ = scheduler.await;
    liveness.tick_started();
    liveness.phase("delivering 1 post");
    let (took, body) = server.healthz_until(503, 3 * PERIOD + SLACK).await;
    assert!(took <= 3 * PERIOD + SLACK, "{took:?}");
    assert_eq!(body["status"], "unhealthy");
    assert_eq!(body["tick_phase"], "delivering 1 post");
    let why = reasons(&body);
    assert_eq!(why.len(), 1, "{body}");
    assert!(
        why[0].starts_with("scheduler stuck in delivering 1 post for "),
        "{why:?}"
    );
    assert!(why[0].contains("; no tick finished for "), "{why:?}");

    // It finishes, and ticks again.
    liveness.tick_finished();
    let scheduler = ticking(liveness.clone());
    let (took, body) = server.healthz_until(200, SLACK).await;
    assert!(took <= SLACK, "{took:?}");
    assert_eq!(body["status"], "ok");
    assert!(body.get("tick_phase").is_none(), "{body}");

    scheduler.abort();
    let addr = server.addr;
    server.stop().await;
    let after = probe::healthz(addr, probe::TIMEOUT).await;
    assert!(
        matches!(after, Err(probe::ProbeError::Connect { .. })),
        "the server stopped listening: {after:?}"
    );
}

#[tokio::test]
async fn the_healthcheck_client_reads_what_the_server_says() {
    let liveness = Liveness::new(PERIOD).with_gateway_grace(Duration::from_millis(200));
    liveness.tick_started();
    liveness.tick_finished();
    liveness.gateway_up();
    let server = start(liveness.clone(), unused_recorder()).await;
    let answer = probe::healthz(server.addr, probe::TIMEOUT).await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["status"], "ok");

    // The gateway drops and stays down past its grace (the scheduler keeps ticking).
    let scheduler = ticking(liveness.clone());
    liveness.gateway_down();
    let (_, body) = server
        .healthz_until(503, Duration::from_millis(200) + SLACK)
        .await;
    assert_eq!(body["gateway"], "disconnected");
    let why = reasons(&body);
    assert!(
        why.len() == 1 && why[0].starts_with("gateway down for "),
        "{why:?}"
    );
    let answer = probe::healthz(server.addr, probe::TIMEOUT).await.unwrap();
    assert_eq!(answer.status, 503);

    liveness.gateway_up();
    let (status, body) = server.healthz().await;
    assert_eq!(status, 200, "{body}");
    scheduler.abort();
    server.stop().await;
}

#[tokio::test]
async fn a_closed_database_turns_healthz_503_naming_the_database() {
    let liveness = Liveness::new(PERIOD);
    liveness.gateway_up();
    let server = start(liveness.clone(), unused_recorder()).await;
    let scheduler = ticking(liveness.clone());
    let (status, body) = server.healthz().await;
    assert_eq!(status, 200, "{body}");

    server.store.close().await;
    let (status, body) = server.healthz().await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["database"], "unavailable");
    let why = reasons(&body);
    assert!(
        why.len() == 1 && why[0].starts_with("database unavailable: "),
        "{why:?}"
    );
    scheduler.abort();
    server.stop().await;
}

/// Runs `event` with `recorder` as the current recorder (on this thread only: the server renders
/// through its handle, wherever it runs).
fn recorded(recorder: &PrometheusRecorder, event: impl FnOnce()) {
    ::metrics::with_local_recorder(recorder, event);
}

#[tokio::test]
async fn metrics_shows_each_metric_after_its_event_and_only_two_paths_exist() {
    let recorder = metrics::builder().build_recorder();
    let server = start(Liveness::new(PERIOD), recorder.handle()).await;
    recorded(&recorder, metrics::describe);

    let events: [(&str, fn()); 10] = [
        (metrics::POSTS_SENT, metrics::post_sent),
        (metrics::REVEALS_SENT, metrics::reveal_sent),
        (metrics::DELIVERY_FAILURES, || {
            metrics::delivery_failed(FailureKind::ServerError)
        }),
        (metrics::DISCORD_429, metrics::rate_limited),
        (metrics::RATE_LIMIT_WAITS, metrics::rate_limit_wait),
        (metrics::INTERACTION_SECONDS, || {
            metrics::interaction_answered(Duration::from_millis(40))
        }),
        (metrics::ANSWERS_SAVED, metrics::answer_saved),
        (metrics::SCHEDULER_LAG, || {
            metrics::scheduler_lag(Duration::from_millis(1500))
        }),
        (metrics::DATABASE_ERRORS, metrics::database_error),
        (metrics::GATEWAY_RECONNECTS, metrics::gateway_reconnect),
    ];
    for (name, event) in events {
        let (_, before, _) = server.get("/metrics").await;
        assert!(!before.contains(name), "{name} before its event:\n{before}");
        recorded(&recorder, event);
        let (status, after, headers) = server.get("/metrics").await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        assert!(
            after.contains(&format!("# HELP {name} ")),
            "{name}:\n{after}"
        );
        assert!(
            after.contains(&format!("# TYPE {name} ")),
            "{name}:\n{after}"
        );
    }
    let (_, text, _) = server.get("/metrics?from=prometheus").await;
    for line in [
        "dailydrill_posts_sent_total 1",
        "dailydrill_delivery_failures_total{kind=\"server_error\"} 1",
        "dailydrill_interaction_seconds_bucket{le=\"0.05\"} 1",
        "dailydrill_interaction_seconds_bucket{le=\"0.025\"} 0",
        "dailydrill_interaction_seconds_count 1",
        "dailydrill_scheduler_lag_seconds 1.5",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}:\n{text}");
    }

    for path in ["/", "/health", "/healthz/", "/metrics/x", "/favicon.ico"] {
        let (status, _, _) = server.get(path).await;
        assert_eq!(status, 404, "{path}");
    }
    for method in [reqwest::Method::POST, reqwest::Method::DELETE] {
        let (status, _, headers) = server.request(method.clone(), "/healthz").await;
        assert_eq!(status, 405, "{method}");
        assert_eq!(headers["allow"], "GET");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_is_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let liveness = Liveness::new(PERIOD);
    liveness.gateway_up();
    let server = start(liveness.clone(), unused_recorder()).await;
    let scheduler = ticking(liveness);
    let mut slow = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let from = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was never closed");
    assert!(
        from.elapsed() < Duration::from_secs(5),
        "{:?}",
        from.elapsed()
    );
    // The server still answers others.
    let (status, body) = server.healthz().await;
    assert_eq!(status, 200, "{body}");
    scheduler.abort();
    server.stop().await;
}

/// One period of a healthy scheduler.
async fn one_tick(liveness: &Liveness) {
    liveness.tick_started();
    liveness.phase("post_due");
    tokio::time::sleep(PERIOD / 10).await;
    liveness.tick_finished();
    tokio::time::sleep(PERIOD - PERIOD / 10).await;
}

// Paused time on the current thread: the watchdog runs on this thread, under this thread's
// subscriber, and sleeps end exactly when due.
#[tokio::test(start_paused = true)]
async fn the_watchdog_logs_each_stall_once_at_error_and_its_recovery() {
    let logs = crate::common::LogBuffer::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let liveness = Liveness::new(PERIOD);
    let (stop, stopped) = watch::channel(false);
    let watchdog = tokio::spawn(liveness::watchdog(liveness.clone(), stopped));
    for _ in 0..10 {
        one_tick(&liveness).await;
    }
    assert_eq!(logs.lines_with(&["ERROR"]), Vec::<String>::new());

    // A tick stuck for 20 periods is one stall: one ERROR, naming the phase.
    liveness.tick_started();
    liveness.phase("delivering 1 post");
    tokio::time::sleep(20 * PERIOD).await;
    let errors = logs.lines_with(&["ERROR"]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("scheduler stuck in delivering 1 post for "),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("phase=\"delivering 1 post\""),
        "{errors:?}"
    );
    // Logged within half a period of the stall's start, 3 periods after the last finished tick
    // (which was 0.9 periods before the stuck tick began).
    assert!(
        errors[0].contains("for 0.2 s") || errors[0].contains("for 0.3 s"),
        "{errors:?}"
    );
    assert_eq!(
        logs.lines_with(&["scheduler recovered"]),
        Vec::<String>::new()
    );

    liveness.tick_finished();
    tokio::time::sleep(PERIOD).await;
    let recovered = logs.lines_with(&["INFO", "scheduler recovered"]);
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    for _ in 0..5 {
        one_tick(&liveness).await;
    }
    assert_eq!(logs.lines_with(&["ERROR"]).len(), 1);

    // A second stall, with no tick running at all this time, is logged again.
    tokio::time::sleep(10 * PERIOD).await;
    let errors = logs.lines_with(&["ERROR"]);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[1].contains("scheduler: no tick for "), "{errors:?}");

    stop.send(true).unwrap();
    watchdog.await.unwrap();
    one_tick(&liveness).await;
    assert_eq!(logs.lines_with(&["scheduler recovered"]).len(), 1);
}
