//! Liveness an operator can see: what the scheduler and the gateway last did, judged healthy or
//! not, served as `/healthz` and `/metrics`, and a watchdog that logs a stalled scheduler.
//!
//! The scheduler and the Discord event handler report events to a shared [`Liveness`]; nothing
//! here calls them back, so a stuck task can be seen from outside without being waited on.

mod health;
pub mod metrics;
pub mod probe;
mod server;
mod watchdog;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::sync::Shared;

pub use health::{Health, Stall};
pub use metrics::{FailureKind, MetricsError, install_recorder};
pub use server::serve;
pub use watchdog::watchdog;

/// How long the gateway may be down before `/healthz` says so: serenity reconnects by itself
/// within seconds, so a minute of silence means it is not going to on its own.
pub const GATEWAY_GRACE: Duration = Duration::from_secs(60);

/// How many scheduler periods may pass without a finished tick before the scheduler counts as
/// stalled: one slow tick (a fan-out, a slow disk) is normal, three in a row are not.
pub const STALL_PERIODS: u32 = 3;

/// What the scheduler and the gateway last reported; cheap to clone and shared by every task.
#[derive(Debug, Clone)]
pub struct Liveness {
    tick_period: Duration,
    gateway_grace: Duration,
    reported: Arc<Reported>,
}

#[derive(Debug)]
struct Reported {
    /// When this `Liveness` was made: the scheduler and the gateway are judged from here until
    /// they first report.
    started: Instant,
    /// The last events reported. Every method reaches it through one short closure
    /// ([`Shared::with`]) that writes or copies a few fields and calls nothing else, so it is
    /// never held across an `.await` nor taken twice by one thread: it cannot deadlock, and a
    /// reporting task never waits behind `/healthz` for more than a copy.
    state: Shared<State>,
}

/// The last events reported, as plain values so that [`Liveness::health_at`] judges a copy.
#[derive(Debug, Clone)]
struct State {
    /// When the last tick finished, if one has.
    last_finished: Option<Instant>,
    /// How many ticks have finished: the watchdog tells one stall from the next by it.
    ticks_finished: u64,
    /// The tick running now, if any.
    running: Option<RunningTick>,
    gateway: Gateway,
}

#[derive(Debug, Clone)]
struct RunningTick {
    started: Instant,
    phase: String,
    phase_since: Instant,
}

#[derive(Debug, Clone, Copy)]
enum Gateway {
    /// Down since `since`; `ever_up` is false until the first connection.
    Down {
        since: Instant,
        ever_up: bool,
    },
    Up,
}

impl Liveness {
    /// `tick_period` is the scheduler's period (production 5 s; tests use ~100 ms).
    pub fn new(tick_period: Duration) -> Liveness {
        let started = Instant::now();
        Liveness {
            // A zero period would make the watchdog's interval panic and every gap a stall.
            tick_period: tick_period.max(Duration::from_millis(1)),
            gateway_grace: GATEWAY_GRACE,
            reported: Arc::new(Reported {
                started,
                state: Shared::new(State {
                    last_finished: None,
                    ticks_finished: 0,
                    running: None,
                    gateway: Gateway::Down {
                        since: started,
                        ever_up: false,
                    },
                }),
            }),
        }
    }

    /// How long the gateway may be down before `/healthz` reports it ([`GATEWAY_GRACE`] unless
    /// set). Set it before cloning: clones made earlier keep the grace they had.
    pub fn with_gateway_grace(self, grace: Duration) -> Liveness {
        Liveness {
            gateway_grace: grace,
            ..self
        }
    }

    /// The scheduler's period this was made with.
    pub fn tick_period(&self) -> Duration {
        self.tick_period
    }

    /// A scheduler tick began.
    pub fn tick_started(&self) {
        let now = Instant::now();
        self.with_state(|state| {
            state.running = Some(RunningTick {
                started: now,
                phase: "starting".to_owned(),
                phase_since: now,
            });
        });
    }

    /// What the running tick is doing now, e.g. "post_due", "delivering 3 posts", "reveal_due":
    /// a stall report names it. Ignored outside a tick.
    pub fn phase(&self, phase: impl Into<String>) {
        let phase = phase.into();
        let now = Instant::now();
        self.with_state(|state| {
            if let Some(running) = &mut state.running {
                running.phase = phase;
                running.phase_since = now;
            }
        });
    }

    /// The running tick finished (whether or not what it did succeeded: a failed tick is logged
    /// where it fails, and the scheduler is alive).
    pub fn tick_finished(&self) {
        let now = Instant::now();
        self.with_state(|state| {
            state.running = None;
            state.last_finished = Some(now);
            state.ticks_finished += 1;
        });
    }

    /// The gateway connected (READY) or resumed.
    pub fn gateway_up(&self) {
        self.with_state(|state| state.gateway = Gateway::Up);
    }

    /// The gateway connection was lost; the time of the first loss is kept until it is back.
    pub fn gateway_down(&self) {
        let now = Instant::now();
        self.with_state(|state| {
            if let Gateway::Up = state.gateway {
                state.gateway = Gateway::Down {
                    since: now,
                    ever_up: true,
                };
            }
        });
    }

    /// Pure snapshot of the scheduler and gateway state at `now`, judged: the scheduler must have
    /// finished a tick within [`STALL_PERIODS`] periods, and the gateway must not have been down
    /// longer than the grace. The database is not probed here (see [`Health::with_database`]).
    pub fn health_at(&self, now: Instant) -> Health {
        let state = self.with_state(|state| state.clone());
        health::judge(self, &state, now)
    }

    /// The scheduler's stall at `now`, if it is stalled.
    pub fn stall_at(&self, now: Instant) -> Option<Stall> {
        let state = self.with_state(|state| state.clone());
        health::stall(self, &state, now)
    }

    /// Runs `f` on the reported state. A panic elsewhere cannot leave it half-written (each
    /// closure only assigns).
    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        self.reported.state.with(f)
    }
}
