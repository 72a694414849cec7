//! Streaks per schedule and member.

use sqlx::SqliteConnection;

use super::{int, snowflake};
use crate::domain::ids::{GuildId, ScheduleId, UserId};
use crate::domain::streak::Streak;

fn from_raw(current: i64, longest: i64, freezes: i64) -> Streak {
    Streak {
        current: u32::try_from(current).unwrap_or(0),
        longest: u32::try_from(longest).unwrap_or(0),
        freezes: u8::try_from(freezes).unwrap_or(0),
    }
}

pub async fn get(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    user: UserId,
) -> sqlx::Result<Streak> {
    let raw: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT current, longest, freezes FROM streaks WHERE schedule_id = ? AND user_id = ?",
    )
    .bind(schedule.0)
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map_or_else(Streak::default, |(c, l, f)| from_raw(c, l, f)))
}

/// Members with a live streak on a schedule: the ones a missed post can affect.
pub async fn live(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
) -> sqlx::Result<Vec<(UserId, Streak)>> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT user_id, current, longest, freezes FROM streaks \
         WHERE schedule_id = ? AND current > 0 ORDER BY user_id",
    )
    .bind(schedule.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(u, c, l, f)| (UserId(snowflake(u)), from_raw(c, l, f)))
        .collect())
}

pub async fn put(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    user: UserId,
    streak: Streak,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO streaks (schedule_id, user_id, current, longest, freezes) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (schedule_id, user_id) DO UPDATE SET \
         current = excluded.current, longest = excluded.longest, freezes = excluded.freezes",
    )
    .bind(schedule.0)
    .bind(int(user.0))
    .bind(i64::from(streak.current))
    .bind(i64::from(streak.longest))
    .bind(i64::from(streak.freezes))
    .execute(conn)
    .await?;
    Ok(())
}

/// A member's streaks on every schedule of a guild, by schedule id.
pub async fn for_member(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> sqlx::Result<Vec<(ScheduleId, Streak)>> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, k.current, k.longest, k.freezes FROM streaks k \
         JOIN schedules s ON s.id = k.schedule_id \
         WHERE s.guild_id = ? AND k.user_id = ? ORDER BY s.id",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(s, c, l, f)| (ScheduleId(s), from_raw(c, l, f)))
        .collect())
}

/// A member's best current streak across a guild's schedules, the leaderboard's tie-breaker.
pub async fn best_current(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> sqlx::Result<u32> {
    let best: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(k.current) FROM streaks k JOIN schedules s ON s.id = k.schedule_id \
         WHERE s.guild_id = ? AND k.user_id = ?",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?;
    Ok(best.and_then(|b| u32::try_from(b).ok()).unwrap_or(0))
}
