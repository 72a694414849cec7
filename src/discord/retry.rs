//! Retries for the REST calls the bot must not lose (a daily post, a reveal).
//!
//! Behind a base-URL override (a fake Discord, or a rate-limit proxy) serenity's own rate limiter
//! is off, and serenity then returns a 429 as an error without its `retry_after` (the field is not
//! kept in `DiscordJsonError`). So this backs off exponentially from `first`, which is set at or
//! above Discord's usual per-route reset, and retries only what can succeed later: 429, 5xx and
//! transport errors. Other 4xx answers are final: repeating them would only add to Discord's
//! invalid-request count (10,000 per 10 minutes bans the bot's IP).
//!
//! Every attempt is bounded by [`Backoff::attempt_timeout`]: a request that is accepted and never
//! answered (a stalled proxy, a half-open connection) fails as a timeout and is retried like a
//! 5xx, instead of holding its delivery, and everything waiting on it, forever.

use std::future::Future;
use std::time::Duration;

use serenity::Error;
use serenity::http::HttpError;

/// How long one attempt may take at most in production: longer than any answer Discord gives
/// (serenity's own limiter may wait out a route's reset inside an attempt), far shorter than
/// "forever".
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long to wait between attempts, how many to make, and how long each may take.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub attempts: u32,
    pub attempt_timeout: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(30),
            attempts: 6,
            attempt_timeout: ATTEMPT_TIMEOUT,
        }
    }
}

impl Backoff {
    /// The wait before attempt `n` (1-based retries): first, 2×first, 4×first, ... up to max.
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.first.saturating_mul(factor).min(self.max)
    }
}

/// Whether an error may succeed if the same request is sent again.
pub fn is_transient(error: &Error) -> bool {
    match error {
        Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            let status = response.status_code.as_u16();
            status == 429 || status >= 500
        }
        Error::Http(HttpError::Request(_)) => true,
        Error::Io(e) => e.kind() == std::io::ErrorKind::TimedOut,
        _ => false,
    }
}

/// The HTTP status of a refused request.
fn status(error: &Error) -> Option<u16> {
    match error {
        Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.status_code.as_u16())
        }
        _ => None,
    }
}

/// The error of an attempt that did not finish within `limit`.
pub fn timed_out(limit: Duration) -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("Discord did not answer within {} s", limit.as_secs_f32()),
    ))
}

/// Runs one attempt, failing it as a timeout after `limit`.
pub async fn bounded<T>(
    limit: Duration,
    attempt: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match tokio::time::timeout(limit, attempt).await {
        Ok(result) => result,
        Err(_) => Err(timed_out(limit)),
    }
}

/// Runs `op` until it succeeds, fails for good, or the attempts run out; each attempt is bounded
/// by the backoff's `attempt_timeout`.
pub async fn with_retry<T, F, Fut>(backoff: Backoff, mut op: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut attempt = 1;
    loop {
        match bounded(backoff.attempt_timeout, op()).await {
            Ok(value) => return Ok(value),
            Err(e) if is_transient(&e) && attempt < backoff.attempts => {
                if status(&e) == Some(429) {
                    crate::liveness::metrics::rate_limited();
                }
                let wait = backoff.delay(attempt);
                tracing::warn!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "Discord request failed, retrying: {e}"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let b = Backoff {
            first: Duration::from_millis(200),
            max: Duration::from_secs(1),
            attempts: 9,
            attempt_timeout: ATTEMPT_TIMEOUT,
        };
        let delays: Vec<u128> = (1..=5).map(|n| b.delay(n).as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1000, 1000]);
        assert_eq!(
            Backoff::default().delay(40),
            Duration::from_secs(30),
            "no overflow"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_attempt_that_never_answers_times_out_and_is_retried() {
        let backoff = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(100),
            attempts: 3,
            attempt_timeout: Duration::from_secs(2),
        };
        let mut attempts = 0;
        let started = tokio::time::Instant::now();
        let result: Result<(), Error> = with_retry(backoff, || {
            attempts += 1;
            std::future::pending()
        })
        .await;
        let error = result.expect_err("no attempt answers");
        assert!(is_transient(&error), "{error}");
        assert_eq!(attempts, 3);
        assert_eq!(started.elapsed(), Duration::from_millis(3 * 2000 + 2 * 100));
    }
}
