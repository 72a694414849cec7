//! Pacing under Discord's global REST limit (50 requests per second per bot; interaction
//! callbacks are exempt). A daily fan-out to thousands of channels would otherwise burst far
//! past it and collect 429s, each of which counts towards the invalid-request ban. serenity's
//! own limiter only reacts to 429s and per-route buckets, and is off behind a proxy or the fake.
//!
//! The pacer hands out evenly spaced send slots, first come first served, shared by everything
//! the bot sends outside interaction callbacks: the scheduler's posts and reveals and the
//! handlers' message edits. Evenly spaced slots never bunch, so any one-second window (however
//! Discord aligns it) holds at most `rate` requests.

use std::time::Duration;

use tokio::time::Instant;

use crate::sync::Shared;

/// Requests per second the bot allows itself: Discord's 50, less a margin for a late wake-up
/// that sends two slots closer together than planned.
pub const DISCORD_RATE: u32 = 48;

/// Evenly spaced send slots; cloning shares the schedule.
#[derive(Debug, Clone)]
pub struct Pacer {
    interval: Duration,
    next: Shared<Option<Instant>>,
}

impl Pacer {
    /// A pacer allowing `per_second` requests per second (at least one).
    pub fn per_second(per_second: u32) -> Pacer {
        Pacer {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: Shared::new(None),
        }
    }

    /// The pacer for Discord's global limit.
    pub fn discord() -> Pacer {
        Pacer::per_second(DISCORD_RATE)
    }

    /// Waits for this caller's slot. Slots are taken in call order; an idle pacer answers at once.
    pub async fn wait(&self) {
        let slot = self.next.with(|next| {
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        });
        tokio::time::sleep_until(slot).await;
    }
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer::discord()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_evenly_spaced_and_an_idle_pacer_does_not_wait() {
        let pacer = Pacer::per_second(50);
        let start = Instant::now();
        pacer.wait().await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the first request goes at once"
        );
        for _ in 0..49 {
            pacer.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(49 * 20));

        // After a pause longer than the interval, the next request is not delayed.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle = Instant::now();
        pacer.wait().await;
        assert_eq!(idle.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_schedule() {
        let pacer = Pacer::per_second(10);
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let pacer = pacer.clone();
            tasks.spawn(async move {
                pacer.wait().await;
                Instant::now()
            });
        }
        let mut times: Vec<Duration> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|t| t - start)
            .collect();
        times.sort();
        let expected: Vec<Duration> = (0..20).map(|i| Duration::from_millis(i * 100)).collect();
        assert_eq!(times, expected, "twenty callers take twenty distinct slots");
        // No one-second window holds more than the rate.
        for (i, t) in times.iter().enumerate() {
            let within = times[i..]
                .iter()
                .take_while(|u| **u < *t + Duration::from_secs(1))
                .count();
            assert!(within <= 10, "{within} requests within a second from {t:?}");
        }
    }
}
