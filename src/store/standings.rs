//! Leaderboard totals per guild, period and member, maintained at each reveal so that reading a
//! leaderboard page is an index range scan however long the history.

use sqlx::SqliteConnection;

use super::{int, snowflake};
use crate::domain::ids::{GuildId, UserId};

/// One member's line in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingRow {
    pub user: UserId,
    pub points: i64,
    pub answers: i64,
    pub streak: u32,
}

fn from_raw((u, p, a, s): (i64, i64, i64, i64)) -> StandingRow {
    StandingRow {
        user: UserId(snowflake(u)),
        points: p,
        answers: a,
        streak: u32::try_from(s).unwrap_or(0),
    }
}

/// Adds an answer's points to a member's total in one period.
pub async fn add(
    conn: &mut SqliteConnection,
    guild: GuildId,
    period: &str,
    user: UserId,
    points: u32,
    streak: u32,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO standings (guild_id, period, user_id, points, answers, streak) \
         VALUES (?, ?, ?, ?, 1, ?) \
         ON CONFLICT (guild_id, period, user_id) DO UPDATE SET \
         points = points + excluded.points, answers = answers + 1, streak = excluded.streak",
    )
    .bind(int(guild.0))
    .bind(period)
    .bind(int(user.0))
    .bind(i64::from(points))
    .bind(i64::from(streak))
    .execute(conn)
    .await?;
    Ok(())
}

/// Updates the streak tie-breaker of a member's rows in the given periods (a missed post changes
/// a streak without adding points).
pub async fn set_streak(
    conn: &mut SqliteConnection,
    guild: GuildId,
    periods: &[String],
    user: UserId,
    streak: u32,
) -> sqlx::Result<()> {
    for period in periods {
        sqlx::query(
            "UPDATE standings SET streak = ? WHERE guild_id = ? AND period = ? AND user_id = ?",
        )
        .bind(i64::from(streak))
        .bind(int(guild.0))
        .bind(period)
        .bind(int(user.0))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const ORDER: &str = "ORDER BY points DESC, answers DESC, streak DESC, user_id ASC";

/// One page of a period's leaderboard, in leaderboard order.
pub async fn page(
    conn: &mut SqliteConnection,
    guild: GuildId,
    period: &str,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<StandingRow>> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT user_id, points, answers, streak FROM standings \
         WHERE guild_id = ? AND period = ? {ORDER} LIMIT ? OFFSET ?"
    ))
    .bind(int(guild.0))
    .bind(period)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(from_raw).collect())
}

pub async fn count(conn: &mut SqliteConnection, guild: GuildId, period: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM standings WHERE guild_id = ? AND period = ?")
        .bind(int(guild.0))
        .bind(period)
        .fetch_one(conn)
        .await
}

/// A member's line and 1-based rank in a period, if they have one.
pub async fn rank_of(
    conn: &mut SqliteConnection,
    guild: GuildId,
    period: &str,
    user: UserId,
) -> sqlx::Result<Option<(i64, StandingRow)>> {
    let raw: Option<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT user_id, points, answers, streak FROM standings \
         WHERE guild_id = ? AND period = ? AND user_id = ?",
    )
    .bind(int(guild.0))
    .bind(period)
    .bind(int(user.0))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(raw) = raw else { return Ok(None) };
    let row = from_raw(raw);
    // Members ahead: the same comparison as ORDER, written as a range the index can walk.
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM standings WHERE guild_id = ?1 AND period = ?2 AND ( \
           points > ?3 OR (points = ?3 AND (answers > ?4 OR (answers = ?4 AND ( \
           streak > ?5 OR (streak = ?5 AND user_id < ?6))))))",
    )
    .bind(int(guild.0))
    .bind(period)
    .bind(row.points)
    .bind(row.answers)
    .bind(i64::from(row.streak))
    .bind(raw.0)
    .fetch_one(conn)
    .await?;
    Ok(Some((ahead + 1, row)))
}
