//! Everything stored about one member in one server, to export it (`/my-data`) or delete it
//! (`/forget-me`). Kept in one place so a table added later is not forgotten by one of the two.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::int;
use crate::domain::ids::{GuildId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberAnswer {
    pub post_id: i64,
    pub schedule_id: i64,
    pub question_id: String,
    pub local_date: NaiveDate,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub covered: Option<String>,
    pub coverage_percent: Option<i64>,
    pub points: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberQuiz {
    pub question_id: String,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub body: Option<String>,
    pub covered: Option<String>,
    pub coverage_percent: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberStreak {
    pub schedule_id: i64,
    pub current: i64,
    pub longest: i64,
    pub freezes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberStanding {
    pub period: String,
    pub points: i64,
    pub answers: i64,
    pub streak: i64,
}

/// A member's rows in a server, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberRows {
    pub answers: Vec<MemberAnswer>,
    pub quizzes: Vec<MemberQuiz>,
    pub streaks: Vec<MemberStreak>,
    pub standings: Vec<MemberStanding>,
}

/// How many rows of each kind were deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deleted {
    pub answers: u64,
    pub quizzes: u64,
    pub streaks: u64,
    pub standings: u64,
}

pub async fn rows(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> sqlx::Result<MemberRows> {
    let (g, u) = (int(guild.0), int(user.0));
    let answers = sqlx::query_as(
        "SELECT a.post_id, p.schedule_id, p.question_id, p.local_date, a.body, a.submitted_at, \
         a.updated_at, a.covered, a.coverage_percent, a.points \
         FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.guild_id = ? AND a.user_id = ? ORDER BY a.post_id",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let quizzes = sqlx::query_as(
        "SELECT question_id, started_at, answered_at, body, covered, coverage_percent \
         FROM quizzes WHERE guild_id = ? AND user_id = ? ORDER BY id",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let streaks = sqlx::query_as(
        "SELECT s.schedule_id, s.current, s.longest, s.freezes FROM streaks s \
         JOIN schedules c ON c.id = s.schedule_id \
         WHERE c.guild_id = ? AND s.user_id = ? ORDER BY s.schedule_id",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let standings = sqlx::query_as(
        "SELECT period, points, answers, streak FROM standings \
         WHERE guild_id = ? AND user_id = ? ORDER BY period",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    Ok(MemberRows {
        answers,
        quizzes,
        streaks,
        standings,
    })
}

pub async fn delete(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> sqlx::Result<Deleted> {
    let (g, u) = (int(guild.0), int(user.0));
    let answers = sqlx::query(
        "DELETE FROM answers WHERE user_id = ? \
         AND post_id IN (SELECT id FROM posts WHERE guild_id = ?)",
    )
    .bind(u)
    .bind(g)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let quizzes = sqlx::query("DELETE FROM quizzes WHERE guild_id = ? AND user_id = ?")
        .bind(g)
        .bind(u)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let streaks = sqlx::query(
        "DELETE FROM streaks WHERE user_id = ? \
         AND schedule_id IN (SELECT id FROM schedules WHERE guild_id = ?)",
    )
    .bind(u)
    .bind(g)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let standings = sqlx::query("DELETE FROM standings WHERE guild_id = ? AND user_id = ?")
        .bind(g)
        .bind(u)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(Deleted {
        answers,
        quizzes,
        streaks,
        standings,
    })
}
