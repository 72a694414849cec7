//! When a member who asked for reminders gets one: `hours` before the reveal of a question they
//! have not answered, and only if the question was out by then, so a reminder never arrives with
//! (or before) the question it is about.

use chrono::{DateTime, TimeDelta, Utc};

/// The most hours before a reveal a member may ask to be reminded: a day, the longest default
/// answer window.
pub const MAX_HOURS: u8 = 24;

/// The reminder time of a post fired at `fire_at` and revealed at `reveal_at`, for a member who
/// asked `hours` before; `None` when the answer window is not longer than that (the member is
/// reminded by the post itself).
pub fn remind_at(
    fire_at: DateTime<Utc>,
    reveal_at: DateTime<Utc>,
    hours: u8,
) -> Option<DateTime<Utc>> {
    let at = reveal_at.checked_sub_signed(TimeDelta::hours(i64::from(hours)))?;
    (at > fire_at).then_some(at)
}

/// Whether the reminder is due at `now`: its time has come and the answers are still open.
pub fn due(
    fire_at: DateTime<Utc>,
    reveal_at: DateTime<Utc>,
    hours: u8,
    now: DateTime<Utc>,
) -> bool {
    remind_at(fire_at, reveal_at, hours).is_some_and(|at| at <= now && now < reveal_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_reminder_comes_hours_before_the_reveal_while_answers_are_open() {
        let (fire, reveal) = (utc("2026-06-01T09:00:00Z"), utc("2026-06-02T09:00:00Z"));
        assert_eq!(
            remind_at(fire, reveal, 3),
            Some(utc("2026-06-02T06:00:00Z"))
        );
        assert!(!due(fire, reveal, 3, utc("2026-06-02T05:59:59Z")));
        assert!(due(fire, reveal, 3, utc("2026-06-02T06:00:00Z")));
        assert!(
            due(fire, reveal, 3, utc("2026-06-02T08:59:59Z")),
            "late is still worth it"
        );
        assert!(!due(fire, reveal, 3, reveal), "answers closed");
    }

    #[test]
    fn no_reminder_when_the_window_is_not_longer_than_the_hours() {
        let (fire, reveal) = (utc("2026-06-01T09:00:00Z"), utc("2026-06-01T11:00:00Z"));
        assert_eq!(
            remind_at(fire, reveal, 2),
            None,
            "it would come with the post"
        );
        assert_eq!(remind_at(fire, reveal, 24), None);
        assert_eq!(
            remind_at(fire, reveal, 1),
            Some(utc("2026-06-01T10:00:00Z"))
        );
        assert!(!due(fire, reveal, 2, utc("2026-06-01T10:30:00Z")));
    }
}
