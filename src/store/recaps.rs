//! Weekly recaps: which schedules want one and when the next is due, the recaps committed (one
//! per schedule and week) and whether Discord took them, and the week's answers they summarise.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{Result, int};
use crate::domain::ids::ScheduleId;

/// Turns a schedule's recap on (due at `next`) or off (`None`).
pub async fn set_next(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    next: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query("UPDATE schedules SET next_recap_at = ? WHERE id = ?")
        .bind(next)
        .bind(schedule.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Schedules whose recap is due at `now`.
pub async fn due(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<Vec<ScheduleId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM schedules WHERE next_recap_at IS NOT NULL AND next_recap_at <= ? \
         ORDER BY next_recap_at, id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ScheduleId).collect())
}

/// How many of the schedule's posts were revealed (and not skipped) in `[start, end)`.
pub async fn revealed_between(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM posts WHERE schedule_id = ? AND revealed_at >= ? \
         AND revealed_at < ? AND NOT skipped AND NOT undelivered",
    )
    .bind(schedule.0)
    .bind(start)
    .bind(end)
    .fetch_one(conn)
    .await?)
}

/// Commits the recap of a week; false when it was committed already.
pub async fn insert(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    week: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO recaps (schedule_id, week_start, committed_at) VALUES (?, ?, ?)",
    )
    .bind(schedule.0)
    .bind(week)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Recaps committed and neither accepted nor refused by Discord yet, oldest first.
pub async fn unsent(conn: &mut SqliteConnection) -> Result<Vec<(ScheduleId, NaiveDate)>> {
    let rows: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT schedule_id, week_start FROM recaps \
         WHERE message_id IS NULL AND delivery_error IS NULL ORDER BY committed_at, schedule_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s, w)| (ScheduleId(s), w)).collect())
}

/// Records Discord's answer to a recap: its message, or why it was refused for good.
pub async fn record(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    week: NaiveDate,
    outcome: Result<u64, &str>,
) -> Result<()> {
    let (message, error) = match outcome {
        Ok(message) => (Some(int(message)), None),
        Err(error) => (None, Some(error)),
    };
    sqlx::query(
        "UPDATE recaps SET message_id = ?, delivery_error = ? WHERE schedule_id = ? AND week_start = ?",
    )
    .bind(message)
    .bind(error)
    .bind(schedule.0)
    .bind(week)
    .execute(conn)
    .await?;
    Ok(())
}

/// The scored answers to the schedule's questions revealed in `[start, end)`: each question id
/// with the key points the answer covered (`"0,2,3"`).
pub async fn week_answers(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.question_id, a.covered FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.schedule_id = ? AND p.revealed_at >= ? AND p.revealed_at < ? AND NOT p.skipped \
         AND a.covered IS NOT NULL ORDER BY p.id",
    )
    .bind(schedule.0)
    .bind(start)
    .bind(end)
    .fetch_all(conn)
    .await?)
}
