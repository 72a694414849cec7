//! Leaderboard totals per guild, period and member, maintained at each reveal so that reading a
//! leaderboard page is an index range scan however long the history. A board's size and a member's
//! rank come from `standings_points` (members per points total, kept by triggers), so they cost the
//! same for the last-ranked member of a large guild as for the first.

use sqlx::SqliteConnection;

use super::{Result, Row, RowError, int, snowflake};
use crate::domain::ids::{GuildId, UserId};

/// One member's line in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingRow {
    pub user: UserId,
    pub points: i64,
    pub answers: i64,
    pub streak: u32,
}

/// A line as SQLite holds it; [`StandingRow`] is what the rest of the crate reads.
#[derive(sqlx::FromRow)]
struct RawStanding {
    user_id: i64,
    points: i64,
    answers: i64,
    streak: i64,
}

fn from_raw(guild: GuildId, period: &str, raw: RawStanding) -> Result<StandingRow, RowError> {
    let user = raw.user_id;
    let row = Row::new("standings", || {
        format!("guild_id {guild}, period {period}, user_id {user}")
    });
    Ok(StandingRow {
        user: UserId(snowflake(raw.user_id)),
        points: raw.points,
        answers: raw.answers,
        streak: row.number("streak", raw.streak)?,
    })
}

/// Adds an answer's points to a member's total in one period.
pub async fn add(
    conn: &mut SqliteConnection,
    guild: GuildId,
    period: &str,
    user: UserId,
    points: u32,
    streak: u32,
) -> Result<()> {
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
) -> Result<()> {
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

/// A page of a period's board, in leaderboard order.
pub const PAGE_SQL: &str = "SELECT user_id, points, answers, streak FROM standings \
     WHERE guild_id = ? AND period = ? \
     ORDER BY points DESC, answers DESC, streak DESC, user_id ASC LIMIT ? OFFSET ?";

/// How many members a period's board holds: a sum over its distinct points totals.
pub const COUNT_SQL: &str = "SELECT COALESCE(SUM(members), 0) FROM standings_points \
     WHERE guild_id = ? AND period = ?";

/// One member's line.
pub const LINE_SQL: &str = "SELECT user_id, points, answers, streak FROM standings \
     WHERE guild_id = ? AND period = ? AND user_id = ?";

/// Members ahead of a line, in the page order: those with more points, summed per points total,
/// then those of the same points ahead on the tie-breakers, counted in the index (the caller's tie
/// group only). Either way the work does not grow with the caller's rank.
pub const AHEAD_SQL: &str = "SELECT \
       (SELECT COALESCE(SUM(members), 0) FROM standings_points \
        WHERE guild_id = ?1 AND period = ?2 AND points > ?3) \
     + (SELECT COUNT(*) FROM standings \
        WHERE guild_id = ?1 AND period = ?2 AND points = ?3 AND ( \
          answers > ?4 OR (answers = ?4 AND (streak > ?5 OR (streak = ?5 AND user_id < ?6)))))";

/// Every query a leaderboard (a page and the caller's rank) runs here, named, for the benchmark's
/// query plans.
pub const LEADERBOARD_SQL: &[(&str, &str)] = &[
    ("members", COUNT_SQL),
    ("page", PAGE_SQL),
    ("caller's line", LINE_SQL),
    ("caller's rank", AHEAD_SQL),
];

/// One page of a period's leaderboard, in leaderboard order.
pub async fn page(
    conn: &mut SqliteConnection,
    guild: GuildId,
    period: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<StandingRow>> {
    let rows: Vec<RawStanding> = sqlx::query_as(PAGE_SQL)
        .bind(int(guild.0))
        .bind(period)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|raw| from_raw(guild, period, raw))
        .collect::<Result<_, _>>()?)
}

pub async fn count(conn: &mut SqliteConnection, guild: GuildId, period: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(COUNT_SQL)
        .bind(int(guild.0))
        .bind(period)
        .fetch_one(conn)
        .await?)
}

/// A member's line and 1-based rank in a period, if they have one.
pub async fn rank_of(
    conn: &mut SqliteConnection,
    guild: GuildId,
    period: &str,
    user: UserId,
) -> Result<Option<(i64, StandingRow)>> {
    let raw: Option<RawStanding> = sqlx::query_as(LINE_SQL)
        .bind(int(guild.0))
        .bind(period)
        .bind(int(user.0))
        .fetch_optional(&mut *conn)
        .await?;
    let Some(raw) = raw else { return Ok(None) };
    let row = from_raw(guild, period, raw)?;
    let ahead: i64 = sqlx::query_scalar(AHEAD_SQL)
        .bind(int(guild.0))
        .bind(period)
        .bind(row.points)
        .bind(row.answers)
        .bind(i64::from(row.streak))
        .bind(int(row.user.0))
        .fetch_one(conn)
        .await?;
    Ok(Some((ahead + 1, row)))
}
