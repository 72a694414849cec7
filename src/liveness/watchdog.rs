//! The watchdog: a task that looks at the scheduler from outside and logs a stall once, at
//! ERROR, with the phase it is stuck in, and its recovery at INFO.

use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};

use super::Liveness;

/// Logs a stalled scheduler at ERROR (once per stall) until `stop` says true (or its sender is
/// dropped). A stall is a scheduler that has not finished a tick for
/// [`super::STALL_PERIODS`] periods; when ticks resume it logs INFO "scheduler recovered".
/// Looks twice per period, so a stall is logged at most half a period after it begins.
pub async fn watchdog(liveness: Liveness, stop: watch::Receiver<bool>) {
    let mut stop = stop;
    let mut every = tokio::time::interval(liveness.tick_period() / 2);
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // The finished-tick count at the stall last logged: a tick finishing ends that stall, so a
    // later stall (another count) is logged again even if no look fell between the two.
    let mut logged: Option<u64> = None;
    loop {
        if *stop.borrow_and_update() {
            return;
        }
        tokio::select! {
            _ = every.tick() => {}
            changed = stop.changed() => match changed {
                Ok(()) => continue,
                Err(_) => return,
            },
        }
        match liveness.stall_at(Instant::now()) {
            Some(stall) if logged != Some(stall.ticks_finished) => {
                if logged.is_some() {
                    tracing::info!("scheduler recovered");
                }
                let (phase, in_phase) = match &stall.phase {
                    Some((phase, in_phase)) => (phase.as_str(), in_phase.as_secs_f64()),
                    None => ("(no tick running)", 0.0),
                };
                tracing::error!(
                    phase,
                    in_phase_seconds = in_phase,
                    quiet_seconds = stall.quiet.as_secs_f64(),
                    "{stall}"
                );
                logged = Some(stall.ticks_finished);
            }
            Some(_) => {}
            None => {
                if logged.take().is_some() {
                    tracing::info!("scheduler recovered");
                }
            }
        }
    }
}
