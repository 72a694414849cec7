//! The bot's Prometheus metrics: one function per event, so that a call site is one line and
//! every metric's name and description live here.
//!
//! Without an installed recorder (`METRICS_ADDR` unset) every function is a no-op: that is the
//! `metrics` crate's behaviour, and it costs a load and a branch.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

pub const POSTS_SENT: &str = "dailydrill_posts_sent_total";
pub const REVEALS_SENT: &str = "dailydrill_reveals_sent_total";
pub const DELIVERY_FAILURES: &str = "dailydrill_delivery_failures_total";
pub const DISCORD_429: &str = "dailydrill_discord_429_total";
pub const RATE_LIMIT_WAITS: &str = "dailydrill_discord_rate_limit_waits_total";
pub const INTERACTION_SECONDS: &str = "dailydrill_interaction_seconds";
pub const ANSWERS_SAVED: &str = "dailydrill_answers_saved_total";
pub const SCHEDULER_LAG: &str = "dailydrill_scheduler_lag_seconds";
pub const DATABASE_ERRORS: &str = "dailydrill_database_errors_total";
pub const GATEWAY_RECONNECTS: &str = "dailydrill_gateway_reconnects_total";

/// Every metric name, for tests and for anyone writing dashboards.
pub const NAMES: [&str; 10] = [
    POSTS_SENT,
    REVEALS_SENT,
    DELIVERY_FAILURES,
    DISCORD_429,
    RATE_LIMIT_WAITS,
    INTERACTION_SECONDS,
    ANSWERS_SAVED,
    SCHEDULER_LAG,
    DATABASE_ERRORS,
    GATEWAY_RECONNECTS,
];

/// Bucket bounds of [`INTERACTION_SECONDS`], in seconds: fine below Discord's 3 s deadline for
/// an interaction's first response, and one bucket past it to count the ones that missed it.
pub const INTERACTION_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0,
];

/// Why a delivery to Discord failed, as the `kind` label of [`DELIVERY_FAILURES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// 429: Discord asked us to slow down.
    RateLimited,
    /// 5xx: Discord failed.
    ServerError,
    /// No answer in time.
    Timeout,
    /// The connection failed (DNS, TLS, reset).
    Transport,
    /// 4xx other than 429: Discord will not accept it (missing permission, deleted channel).
    Refused,
    /// The database could not read or record the delivery.
    Database,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::RateLimited => "rate_limited",
            FailureKind::ServerError => "server_error",
            FailureKind::Timeout => "timeout",
            FailureKind::Transport => "transport",
            FailureKind::Refused => "refused",
            FailureKind::Database => "database",
        }
    }
}

/// A daily question's post was accepted by Discord.
pub fn post_sent() {
    counter!(POSTS_SENT).increment(1);
}

/// A reveal was accepted by Discord.
pub fn reveal_sent() {
    counter!(REVEALS_SENT).increment(1);
}

/// A delivery attempt failed (it may be retried).
pub fn delivery_failed(kind: FailureKind) {
    counter!(DELIVERY_FAILURES, "kind" => kind.as_str()).increment(1);
}

/// Discord answered 429 Too Many Requests to a request the bot retries itself (behind
/// `DISCORD_API_URL`, where serenity's own limiter is off).
pub fn rate_limited() {
    counter!(DISCORD_429).increment(1);
}

/// serenity's own rate limiter waited: a 429 it retries itself, or a route's bucket spent
/// (serenity reports both alike).
pub fn rate_limit_wait() {
    counter!(RATE_LIMIT_WAITS).increment(1);
}

/// An interaction got its first response `elapsed` after it arrived.
pub fn interaction_answered(elapsed: Duration) {
    histogram!(INTERACTION_SECONDS).record(elapsed.as_secs_f64());
}

/// A member's answer was committed.
pub fn answer_saved() {
    counter!(ANSWERS_SAVED).increment(1);
}

/// The last scheduler tick started `lag` after it was due.
pub fn scheduler_lag(lag: Duration) {
    gauge!(SCHEDULER_LAG).set(lag.as_secs_f64());
}

/// A query or transaction failed.
pub fn database_error() {
    counter!(DATABASE_ERRORS).increment(1);
}

/// The gateway connected again after losing its connection.
pub fn gateway_reconnect() {
    counter!(GATEWAY_RECONNECTS).increment(1);
}

/// Gives each metric its `# HELP` line, through whichever recorder is current (the global one,
/// or a test's local one).
pub fn describe() {
    describe_counter!(
        POSTS_SENT,
        Unit::Count,
        "Daily question posts accepted by Discord."
    );
    describe_counter!(REVEALS_SENT, Unit::Count, "Reveals accepted by Discord.");
    describe_counter!(
        DELIVERY_FAILURES,
        Unit::Count,
        "Failed deliveries to Discord, by kind: rate_limited, server_error, timeout, transport, refused, database."
    );
    describe_counter!(
        DISCORD_429,
        Unit::Count,
        "429 Too Many Requests answers the bot retried itself (behind DISCORD_API_URL)."
    );
    describe_counter!(
        RATE_LIMIT_WAITS,
        Unit::Count,
        "Waits of serenity's own rate limiter: 429s it retried, or a route's bucket spent."
    );
    describe_histogram!(
        INTERACTION_SECONDS,
        Unit::Seconds,
        "Time from an interaction's arrival to its first response; Discord's deadline is 3 s."
    );
    describe_counter!(ANSWERS_SAVED, Unit::Count, "Member answers committed.");
    describe_gauge!(
        SCHEDULER_LAG,
        Unit::Seconds,
        "How late the last scheduler tick started against its due time."
    );
    describe_counter!(
        DATABASE_ERRORS,
        Unit::Count,
        "Failed database queries and transactions."
    );
    describe_counter!(
        GATEWAY_RECONNECTS,
        Unit::Count,
        "Gateway connections made again after one was lost."
    );
}

/// The exporter as the bot configures it (the interaction histogram's buckets), without an HTTP
/// listener of its own: [`super::serve`] renders it on its own route. Tests build a local
/// recorder from it.
pub fn builder() -> PrometheusBuilder {
    // Empty buckets, the only thing that could fail here, cannot happen with a non-empty
    // constant; a summary instead of a histogram would still be served if it did.
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(INTERACTION_SECONDS.to_owned()),
            &INTERACTION_BUCKETS,
        )
        .unwrap_or_else(|_| PrometheusBuilder::new())
}

/// The Prometheus recorder could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("cannot install the Prometheus recorder: {0}")]
    Install(#[from] BuildError),
}

/// The handle of the recorder this process installed. The `metrics` crate's recorder is
/// process-wide and can be set once, so the handle is kept beside it and a second call returns it
/// instead of failing (a test binary may start the bot several times). The lock is held only for
/// the check and the install, which call nothing that takes it again: it cannot deadlock.
static INSTALLED: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// Installs the global Prometheus recorder (once per process; later calls return the same handle)
/// and describes every metric. Fails if another recorder was installed first.
pub fn install_recorder() -> Result<PrometheusHandle, MetricsError> {
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let handle = builder().install_recorder()?;
    describe();
    *installed = Some(handle.clone());
    Ok(handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_renders_under_its_name_with_its_help() {
        let recorder = builder().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            describe();
            post_sent();
            reveal_sent();
            delivery_failed(FailureKind::RateLimited);
            delivery_failed(FailureKind::Refused);
            rate_limited();
            rate_limit_wait();
            interaction_answered(Duration::from_millis(120));
            answer_saved();
            scheduler_lag(Duration::from_millis(250));
            database_error();
            gateway_reconnect();
        });
        let text = handle.render();
        for name in NAMES {
            assert!(text.contains(&format!("# TYPE {name} ")), "{name}:\n{text}");
            assert!(text.contains(&format!("# HELP {name} ")), "{name}:\n{text}");
        }
        assert!(text.contains("dailydrill_delivery_failures_total{kind=\"rate_limited\"} 1"));
        assert!(text.contains("dailydrill_delivery_failures_total{kind=\"refused\"} 1"));
        assert!(text.contains("dailydrill_interaction_seconds_bucket{le=\"0.25\"} 1"));
        assert!(text.contains("dailydrill_interaction_seconds_bucket{le=\"0.1\"} 0"));
        assert!(text.contains("dailydrill_scheduler_lag_seconds 0.25"));
    }

    #[test]
    fn without_a_recorder_the_events_do_nothing() {
        post_sent();
        interaction_answered(Duration::from_secs(1));
    }
}
