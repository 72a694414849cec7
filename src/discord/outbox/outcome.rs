//! What deliveries report: a pass's counts, how one delivery ended, and why one failed.

use serenity::http::HttpError;

use crate::discord::retry::is_transient;
use crate::liveness::FailureKind;
use crate::service;

/// What one delivery pass did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// Posts Discord accepted in this pass (new ones and resends).
    pub posted: usize,
    /// Reveals Discord accepted in this pass (new ones and resends).
    pub revealed: usize,
    /// Deliveries that failed; transient ones are retried on the next pass.
    pub failed: usize,
    /// Deliveries another task holds, or still under way when the pass stopped waiting: they
    /// finish on their own, and a later pass picks up whatever they leave unsent.
    pub pending: usize,
}

impl std::ops::AddAssign for Delivered {
    fn add_assign(&mut self, other: Delivered) {
        self.posted += other.posted;
        self.revealed += other.revealed;
        self.failed += other.failed;
        self.pending += other.pending;
    }
}

/// How one delivery ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Discord accepted it now.
    Now,
    /// Nothing was left to send: delivered by another task, closed, or refused for good earlier.
    Already,
    /// Another task is delivering it at this moment.
    Elsewhere,
}

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("Discord: {0}")]
    Discord(#[from] serenity::Error),
    #[error("{0}")]
    Store(#[from] service::Error),
    #[error("the question's post could not be edited: {0}")]
    Edit(String),
}

impl DeliveryError {
    /// The failure's kind, as `/metrics` counts it.
    pub fn kind(&self) -> FailureKind {
        match self {
            DeliveryError::Discord(serenity::Error::Http(HttpError::UnsuccessfulRequest(r))) => {
                match r.status_code.as_u16() {
                    429 => FailureKind::RateLimited,
                    500.. => FailureKind::ServerError,
                    _ => FailureKind::Refused,
                }
            }
            DeliveryError::Discord(serenity::Error::Io(e))
                if e.kind() == std::io::ErrorKind::TimedOut =>
            {
                FailureKind::Timeout
            }
            DeliveryError::Discord(serenity::Error::Http(HttpError::Request(e)))
                if e.is_timeout() =>
            {
                FailureKind::Timeout
            }
            DeliveryError::Discord(e) if is_transient(e) => FailureKind::Transport,
            DeliveryError::Discord(_) => FailureKind::Refused,
            DeliveryError::Store(_) => FailureKind::Database,
            DeliveryError::Edit(_) => FailureKind::ServerError,
        }
    }

    /// Whether a later pass may succeed where this one failed.
    pub fn is_transient(&self) -> bool {
        match self {
            DeliveryError::Discord(e) => is_transient(e),
            DeliveryError::Store(e) => !matches!(e, service::Error::Corrupt(_)),
            DeliveryError::Edit(_) => true,
        }
    }
}

/// Discord's JSON error code of a refused request, if any.
pub(super) fn discord_code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}
