//! Streaks per schedule and member.

use sqlx::SqliteConnection;

use super::{Result, Row, RowError, int, snowflake};
use crate::domain::ids::{GuildId, ScheduleId, UserId};
use crate::domain::streak::Streak;

/// A streak as SQLite holds it; [`Streak`] is what the rest of the crate reads.
#[derive(sqlx::FromRow)]
struct RawStreak {
    current: i64,
    longest: i64,
    freezes: i64,
}

impl RawStreak {
    fn convert(self, schedule: i64, user: i64) -> Result<Streak, RowError> {
        let row = Row::new("streaks", || {
            format!("schedule_id {schedule}, user_id {user}")
        });
        Ok(Streak {
            current: row.number("current", self.current)?,
            longest: row.number("longest", self.longest)?,
            freezes: row.number("freezes", self.freezes)?,
        })
    }
}

/// A streak with the schedule and member it belongs to.
#[derive(sqlx::FromRow)]
struct RawKeyedStreak {
    schedule_id: i64,
    user_id: i64,
    #[sqlx(flatten)]
    streak: RawStreak,
}

pub async fn get(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    user: UserId,
) -> Result<Streak> {
    let raw: Option<RawStreak> = sqlx::query_as(
        "SELECT current, longest, freezes FROM streaks WHERE schedule_id = ? AND user_id = ?",
    )
    .bind(schedule.0)
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    match raw {
        Some(raw) => Ok(raw.convert(schedule.0, int(user.0))?),
        None => Ok(Streak::default()),
    }
}

/// Members with a live streak on a schedule: the ones a missed post can affect.
pub async fn live(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
) -> Result<Vec<(UserId, Streak)>> {
    let rows: Vec<RawKeyedStreak> = sqlx::query_as(
        "SELECT schedule_id, user_id, current, longest, freezes FROM streaks \
         WHERE schedule_id = ? AND current > 0 ORDER BY user_id",
    )
    .bind(schedule.0)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let streak = r.streak.convert(r.schedule_id, r.user_id)?;
            Ok((UserId(snowflake(r.user_id)), streak))
        })
        .collect()
}

pub async fn put(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    user: UserId,
    streak: Streak,
) -> Result<()> {
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
) -> Result<Vec<(ScheduleId, Streak)>> {
    let rows: Vec<RawKeyedStreak> = sqlx::query_as(
        "SELECT k.schedule_id, k.user_id, k.current, k.longest, k.freezes FROM streaks k \
         JOIN schedules s ON s.id = k.schedule_id \
         WHERE s.guild_id = ? AND k.user_id = ? ORDER BY s.id",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let streak = r.streak.convert(r.schedule_id, r.user_id)?;
            Ok((ScheduleId(r.schedule_id), streak))
        })
        .collect()
}

/// A member's best current streak across a guild's schedules, the leaderboard's tie-breaker.
pub async fn best_current(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<u32> {
    let best: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(k.current) FROM streaks k JOIN schedules s ON s.id = k.schedule_id \
         WHERE s.guild_id = ? AND k.user_id = ?",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?;
    // No streak yet is 0; a stored streak out of range is an error, as when it is read alone.
    let row = Row::new("streaks", || format!("guild_id {guild}, user_id {user}"));
    Ok(best.map_or(Ok(0), |b| row.number("current", b))?)
}
