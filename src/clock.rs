//! The time source. Calendar logic reads the time only through a [`Clock`], so tests can run thirty
//! days in milliseconds; `tokio::time::pause()` would move tokio's timers but not `Utc::now()`.

use chrono::{DateTime, Duration, Utc};

use crate::sync::Shared;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Shared<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(Shared::new(start))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        self.0.with(|now| *now = to);
    }

    pub fn advance(&self, by: Duration) {
        self.0.with(|now| *now += by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.with(|now| *now)
    }
}
