//! Judging a snapshot of the scheduler and the gateway as healthy or not, with the reasons in
//! words an operator can act on; the JSON body of `/healthz`.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use super::{Gateway, Liveness, STALL_PERIODS, State};

/// The verdict of `/healthz`: `ok` means 200, and otherwise `reasons` says why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// Whether every check passed; the JSON says it as `status`.
    #[serde(skip)]
    pub ok: bool,
    /// `"ok"` or `"unhealthy"`.
    pub status: &'static str,
    /// `"connected"`, `"disconnected"` or `"not connected yet"`.
    pub gateway: &'static str,
    /// How long the gateway has been down (since start, if it never connected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_down_seconds: Option<f64>,
    /// How long ago the last scheduler tick finished; `null` before the first.
    pub last_tick_seconds_ago: Option<f64>,
    /// What the running tick is doing, if one is running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tick_phase: Option<String>,
    /// How long the running tick has run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tick_running_seconds: Option<f64>,
    /// `"ok"` or `"unavailable"` once probed; absent from a snapshot that did not probe it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
    /// Why the status is not ok, one sentence per failed check; empty when ok.
    pub reasons: Vec<String>,
}

impl Health {
    /// Adds the result of probing the database: a failed probe makes the whole unhealthy, since
    /// no answer can be saved and nothing can be posted without it.
    pub fn with_database(mut self, probe: Result<(), String>) -> Health {
        match probe {
            Ok(()) => self.database = Some("ok"),
            Err(why) => {
                self.database = Some("unavailable");
                self.reasons.push(format!("database unavailable: {why}"));
                self.ok = false;
                self.status = "unhealthy";
            }
        }
        self
    }
}

/// A scheduler that has not finished a tick for [`STALL_PERIODS`] periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stall {
    /// The phase of the tick that is running, and for how long it has been in it; `None` when
    /// no tick is running at all (the scheduler task is gone, or never started).
    pub phase: Option<(String, Duration)>,
    /// How long since the last tick finished (since start, if none has).
    pub quiet: Duration,
    /// Whether any tick has finished.
    pub ever_ticked: bool,
    /// How many ticks had finished when this stall began: the next stall has another count.
    pub ticks_finished: u64,
}

impl fmt::Display for Stall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quiet = seconds(self.quiet);
        match (&self.phase, self.ever_ticked) {
            (Some((phase, in_phase)), true) => write!(
                f,
                "scheduler stuck in {phase} for {} s; no tick finished for {quiet} s",
                seconds(*in_phase)
            ),
            (Some((phase, in_phase)), false) => write!(
                f,
                "scheduler stuck in {phase} for {} s; no tick finished since start, {quiet} s ago",
                seconds(*in_phase)
            ),
            (None, true) => write!(f, "scheduler: no tick for {quiet} s"),
            (None, false) => write!(f, "scheduler: no tick since start, {quiet} s ago"),
        }
    }
}

/// Seconds with one decimal: enough to read a 100 ms period, short enough to read at a glance.
fn seconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 10.0).round() / 10.0
}

pub(super) fn stall(liveness: &Liveness, state: &State, now: Instant) -> Option<Stall> {
    let since = state.last_finished.unwrap_or(liveness.reported.started);
    let quiet = now.saturating_duration_since(since);
    if quiet <= liveness.tick_period * STALL_PERIODS {
        return None;
    }
    Some(Stall {
        phase: state.running.as_ref().map(|running| {
            (
                running.phase.clone(),
                now.saturating_duration_since(running.phase_since),
            )
        }),
        quiet,
        ever_ticked: state.last_finished.is_some(),
        ticks_finished: state.ticks_finished,
    })
}

pub(super) fn judge(liveness: &Liveness, state: &State, now: Instant) -> Health {
    let mut reasons = Vec::new();
    if let Some(stall) = stall(liveness, state, now) {
        reasons.push(stall.to_string());
    }
    let (gateway, gateway_down_seconds) = match state.gateway {
        Gateway::Up => ("connected", None),
        Gateway::Down { since, ever_up } => {
            let down = now.saturating_duration_since(since);
            if down > liveness.gateway_grace {
                reasons.push(if ever_up {
                    format!("gateway down for {} s", seconds(down))
                } else {
                    format!("gateway not connected since start, {} s ago", seconds(down))
                });
            }
            let word = if ever_up {
                "disconnected"
            } else {
                "not connected yet"
            };
            (word, Some(seconds(down)))
        }
    };
    let ok = reasons.is_empty();
    Health {
        ok,
        status: if ok { "ok" } else { "unhealthy" },
        gateway,
        gateway_down_seconds,
        last_tick_seconds_ago: state
            .last_finished
            .map(|at| seconds(now.saturating_duration_since(at))),
        tick_phase: state.running.as_ref().map(|r| r.phase.clone()),
        tick_running_seconds: state
            .running
            .as_ref()
            .map(|r| seconds(now.saturating_duration_since(r.started))),
        database: None,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: Duration = Duration::from_millis(100);
    const GRACE: Duration = Duration::from_secs(1);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A liveness whose gateway is connected, so only the scheduler is judged.
    fn connected() -> Liveness {
        let liveness = Liveness::new(PERIOD).with_gateway_grace(GRACE);
        liveness.gateway_up();
        liveness
    }

    #[tokio::test(start_paused = true)]
    async fn a_fresh_start_is_healthy_until_three_periods_pass_without_a_tick() {
        let liveness = connected();
        let start = Instant::now();
        let fresh = liveness.health_at(start);
        assert!(fresh.ok, "{fresh:?}");
        assert_eq!(fresh.status, "ok");
        assert_eq!(fresh.last_tick_seconds_ago, None);
        assert!(liveness.health_at(start + ms(300)).ok);

        let late = liveness.health_at(start + ms(400));
        assert!(!late.ok);
        assert_eq!(late.status, "unhealthy");
        assert_eq!(
            late.reasons,
            ["scheduler: no tick since start, 0.4 s ago".to_owned()]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_scheduler_ticking_every_period_stays_healthy() {
        let liveness = connected();
        for _ in 0..20 {
            liveness.tick_started();
            liveness.phase("post_due");
            tokio::time::advance(ms(30)).await;
            liveness.tick_finished();
            tokio::time::advance(ms(70)).await;
            let health = liveness.health_at(Instant::now());
            assert!(health.ok, "{health:?}");
            assert_eq!(health.last_tick_seconds_ago, Some(0.1));
            assert_eq!(health.tick_phase, None);
        }
        assert_eq!(liveness.stall_at(Instant::now()), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_tick_stuck_past_three_periods_is_reported_in_its_phase() {
        let liveness = connected();
        liveness.tick_started();
        liveness.tick_finished();
        liveness.tick_started();
        liveness.phase("post_due");
        tokio::time::advance(ms(100)).await;
        liveness.phase("delivering 1 post");
        let phase_set = Instant::now();

        let slow = liveness.health_at(phase_set + ms(200));
        assert!(slow.ok, "one slow tick is not a stall: {slow:?}");
        assert_eq!(slow.tick_phase.as_deref(), Some("delivering 1 post"));
        assert_eq!(slow.tick_running_seconds, Some(0.3));

        let stuck = liveness.health_at(phase_set + ms(1_900));
        assert!(!stuck.ok);
        assert_eq!(
            stuck.reasons,
            [
                "scheduler stuck in delivering 1 post for 1.9 s; no tick finished for 2 s"
                    .to_owned()
            ]
        );
        let stall = liveness.stall_at(phase_set + ms(1_900)).unwrap();
        assert_eq!(
            stall.phase,
            Some(("delivering 1 post".to_owned(), ms(1_900)))
        );
        assert_eq!(stall.ticks_finished, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_scheduler_that_ticks_again_recovers() {
        let liveness = connected();
        liveness.tick_started();
        liveness.phase("reveal_due");
        tokio::time::advance(ms(500)).await;
        assert!(!liveness.health_at(Instant::now()).ok);

        liveness.tick_finished();
        let health = liveness.health_at(Instant::now());
        assert!(health.ok, "{health:?}");
        assert_eq!(health.last_tick_seconds_ago, Some(0.0));
        assert_eq!(liveness.stall_at(Instant::now()), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_gateway_that_never_connected_counts_as_down_since_start() {
        let liveness = Liveness::new(PERIOD).with_gateway_grace(GRACE);
        let start = Instant::now();
        liveness.tick_started();
        liveness.tick_finished();

        let connecting = liveness.health_at(start + ms(300));
        assert!(connecting.ok, "{connecting:?}");
        assert_eq!(connecting.gateway, "not connected yet");
        assert_eq!(connecting.gateway_down_seconds, Some(0.3));

        let health = liveness.health_at(start + ms(1_200));
        assert!(!health.ok);
        assert!(
            health
                .reasons
                .iter()
                .any(|r| r == "gateway not connected since start, 1.2 s ago"),
            "{health:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_gateway_down_past_its_grace_is_reported_until_it_is_back() {
        let liveness = connected();
        let ticking = |liveness: &Liveness| {
            liveness.tick_started();
            liveness.tick_finished();
        };
        tokio::time::advance(ms(5_000)).await;
        liveness.gateway_down();
        tokio::time::advance(ms(900)).await;
        ticking(&liveness);
        let within = liveness.health_at(Instant::now());
        assert!(within.ok, "within the grace: {within:?}");
        assert_eq!(within.gateway, "disconnected");

        // A second loss report while down keeps the first loss's time.
        liveness.gateway_down();
        tokio::time::advance(ms(200)).await;
        ticking(&liveness);
        let down = liveness.health_at(Instant::now());
        assert!(!down.ok);
        assert_eq!(down.reasons, ["gateway down for 1.1 s".to_owned()]);

        liveness.gateway_up();
        let back = liveness.health_at(Instant::now());
        assert!(back.ok, "{back:?}");
        assert_eq!(back.gateway, "connected");
        assert_eq!(back.gateway_down_seconds, None);
    }

    #[tokio::test(start_paused = true)]
    async fn both_failures_are_reported_together_and_the_database_adds_its_own() {
        let liveness = Liveness::new(PERIOD).with_gateway_grace(GRACE);
        let health = liveness
            .health_at(Instant::now() + ms(2_000))
            .with_database(Err("pool timed out".to_owned()));
        assert_eq!(
            health.reasons,
            [
                "scheduler: no tick since start, 2 s ago",
                "gateway not connected since start, 2 s ago",
                "database unavailable: pool timed out",
            ]
        );
        let json = serde_json::to_value(&health).unwrap();
        assert_eq!(json["status"], "unhealthy");
        assert_eq!(json["database"], "unavailable");
        assert_eq!(json["last_tick_seconds_ago"], serde_json::Value::Null);
        assert!(json.get("ok").is_none(), "{json}");
    }

    #[tokio::test(start_paused = true)]
    async fn phases_outside_a_tick_are_ignored() {
        let liveness = connected();
        liveness.phase("post_due");
        assert_eq!(liveness.health_at(Instant::now()).tick_phase, None);
    }

    #[test]
    fn a_stall_reads_as_a_sentence() {
        let stall = Stall {
            phase: None,
            quiet: ms(16_040),
            ever_ticked: true,
            ticks_finished: 3,
        };
        assert_eq!(stall.to_string(), "scheduler: no tick for 16 s");
    }
}
