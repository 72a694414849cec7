//! Everything stored about one member in one server, to export it (`/my-data`) or delete it
//! (`/forget-me`). Kept in one place so a table added later is not forgotten by one of the two.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::answers::{indices, stored_grade};
use super::{Result, Row, RowError, int};
use crate::domain::grading::StoredGrade;
use crate::domain::ids::{GuildId, PostId, ScheduleId, UserId};
use crate::domain::review::CardState;
use crate::domain::streak::Streak;

/// A member's answer to a post, with the post it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAnswer {
    pub post: PostId,
    pub schedule: ScheduleId,
    pub question_id: String,
    pub local_date: NaiveDate,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub covered: Option<Vec<usize>>,
    pub coverage_percent: Option<u32>,
    pub points: Option<u32>,
    pub grade: Option<StoredGrade>,
    /// When the member had practised the question in a quiz before its reveal.
    pub practised_at: Option<DateTime<Utc>>,
}

/// A member's practice question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberQuiz {
    pub question_id: String,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub body: Option<String>,
    pub covered: Option<Vec<usize>>,
    pub coverage_percent: Option<u32>,
    pub grade: Option<StoredGrade>,
}

/// A member's streak on one schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberStreak {
    pub schedule: ScheduleId,
    pub streak: Streak,
}

/// A member's line in one leaderboard period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberStanding {
    pub period: String,
    pub points: i64,
    pub answers: i64,
    pub streak: u32,
}

/// A member's rows in a server, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberRows {
    pub answers: Vec<MemberAnswer>,
    pub quizzes: Vec<MemberQuiz>,
    /// `/review` prompts: the same shape as a quiz.
    pub reviews: Vec<MemberQuiz>,
    /// Review cards, by question.
    pub cards: Vec<(String, CardState)>,
    /// Mock interviews, each with its questions.
    pub mocks: Vec<(super::mocks::MockRow, Vec<super::mocks::MockQuestionRow>)>,
    pub streaks: Vec<MemberStreak>,
    pub standings: Vec<MemberStanding>,
}

/// How many rows of each kind were deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deleted {
    pub answers: u64,
    pub quizzes: u64,
    /// Review prompts and review cards.
    pub reviews: u64,
    pub mocks: u64,
    pub streaks: u64,
    pub standings: u64,
}

// The rows as SQLite holds them; the public types above are what the rest of the crate reads.

#[derive(sqlx::FromRow)]
struct RawAnswer {
    post_id: i64,
    schedule_id: i64,
    question_id: String,
    local_date: NaiveDate,
    body: String,
    submitted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    covered: Option<String>,
    coverage_percent: Option<i64>,
    points: Option<i64>,
    grade: Option<i64>,
    misconceptions: Option<String>,
    shape: Option<String>,
    practised_at: Option<DateTime<Utc>>,
}

impl RawAnswer {
    fn convert(self, user: UserId) -> Result<MemberAnswer, RowError> {
        let post = self.post_id;
        let row = Row::new("answers", || format!("post_id {post}, user_id {user}"));
        Ok(MemberAnswer {
            post: PostId(self.post_id),
            schedule: ScheduleId(self.schedule_id),
            question_id: self.question_id,
            local_date: self.local_date,
            body: self.body,
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
            covered: self.covered.map(|s| indices(&row, &s)).transpose()?,
            coverage_percent: self
                .coverage_percent
                .map(|v| row.number("coverage_percent", v))
                .transpose()?,
            points: self.points.map(|v| row.number("points", v)).transpose()?,
            grade: stored_grade(&row, self.grade, self.misconceptions, self.shape)?,
            practised_at: self.practised_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RawQuiz {
    id: i64,
    question_id: String,
    started_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    body: Option<String>,
    covered: Option<String>,
    coverage_percent: Option<i64>,
    grade: Option<i64>,
    misconceptions: Option<String>,
    shape: Option<String>,
}

impl RawQuiz {
    fn convert(self, table: &'static str) -> Result<MemberQuiz, RowError> {
        let id = self.id;
        let row = Row::new(table, || format!("id {id}"));
        Ok(MemberQuiz {
            question_id: self.question_id,
            started_at: self.started_at,
            answered_at: self.answered_at,
            body: self.body,
            covered: self.covered.map(|s| indices(&row, &s)).transpose()?,
            coverage_percent: self
                .coverage_percent
                .map(|v| row.number("coverage_percent", v))
                .transpose()?,
            grade: stored_grade(&row, self.grade, self.misconceptions, self.shape)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RawStreak {
    schedule_id: i64,
    current: i64,
    longest: i64,
    freezes: i64,
}

impl RawStreak {
    fn convert(self, user: UserId) -> Result<MemberStreak, RowError> {
        let schedule = self.schedule_id;
        let row = Row::new("streaks", || {
            format!("schedule_id {schedule}, user_id {user}")
        });
        Ok(MemberStreak {
            schedule: ScheduleId(self.schedule_id),
            streak: Streak {
                current: row.number("current", self.current)?,
                longest: row.number("longest", self.longest)?,
                freezes: row.number("freezes", self.freezes)?,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct RawStanding {
    period: String,
    points: i64,
    answers: i64,
    streak: i64,
}

impl RawStanding {
    fn convert(self, guild: GuildId, user: UserId) -> Result<MemberStanding, RowError> {
        let period = &self.period;
        let row = Row::new("standings", || {
            format!("guild_id {guild}, period {period}, user_id {user}")
        });
        let streak = row.number("streak", self.streak)?;
        Ok(MemberStanding {
            period: self.period,
            points: self.points,
            answers: self.answers,
            streak,
        })
    }
}

pub async fn rows(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<MemberRows> {
    let (g, u) = (int(guild.0), int(user.0));
    let answers: Vec<RawAnswer> = sqlx::query_as(
        "SELECT a.post_id, p.schedule_id, p.question_id, p.local_date, a.body, a.submitted_at, \
         a.updated_at, a.covered, a.coverage_percent, a.points, a.grade, a.misconceptions, \
         a.shape, a.practised_at \
         FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.guild_id = ? AND a.user_id = ? ORDER BY a.post_id",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut practice = Vec::new();
    for table in ["quizzes", "reviews"] {
        let rows: Vec<RawQuiz> = sqlx::query_as(&format!(
            "SELECT id, question_id, started_at, answered_at, body, covered, coverage_percent, \
             grade, misconceptions, shape FROM {table} WHERE guild_id = ? AND user_id = ? \
             ORDER BY id"
        ))
        .bind(g)
        .bind(u)
        .fetch_all(&mut *conn)
        .await?;
        practice.push(
            rows.into_iter()
                .map(|r| r.convert(table))
                .collect::<Result<Vec<_>, _>>()?,
        );
    }
    let reviews = practice.pop().unwrap_or_default();
    let quizzes = practice.pop().unwrap_or_default();
    let cards = super::reviews::member_cards(&mut *conn, guild, user).await?;
    let mocks = super::mocks::member_mocks(&mut *conn, guild, user).await?;
    let streaks: Vec<RawStreak> = sqlx::query_as(
        "SELECT s.schedule_id, s.current, s.longest, s.freezes FROM streaks s \
         JOIN schedules c ON c.id = s.schedule_id \
         WHERE c.guild_id = ? AND s.user_id = ? ORDER BY s.schedule_id",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let standings: Vec<RawStanding> = sqlx::query_as(
        "SELECT period, points, answers, streak FROM standings \
         WHERE guild_id = ? AND user_id = ? ORDER BY period",
    )
    .bind(g)
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    Ok(MemberRows {
        answers: answers
            .into_iter()
            .map(|r| r.convert(user))
            .collect::<Result<_, _>>()?,
        quizzes,
        reviews,
        cards,
        mocks,
        streaks: streaks
            .into_iter()
            .map(|r| r.convert(user))
            .collect::<Result<_, _>>()?,
        standings: standings
            .into_iter()
            .map(|r| r.convert(guild, user))
            .collect::<Result<_, _>>()?,
    })
}

pub async fn delete(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<Deleted> {
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
    let (prompts, cards) = super::reviews::delete_member(&mut *conn, guild, user).await?;
    let mocks = super::mocks::delete_member(&mut *conn, guild, user).await?;
    // The reminder setting and which posts reminded the member go too (not counted: they are
    // settings, not records of the member's work).
    sqlx::query("DELETE FROM reminders WHERE guild_id = ? AND user_id = ?")
        .bind(g)
        .bind(u)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "DELETE FROM reminders_sent WHERE user_id = ? \
         AND post_id IN (SELECT id FROM posts WHERE guild_id = ?)",
    )
    .bind(u)
    .bind(g)
    .execute(&mut *conn)
    .await?;
    Ok(Deleted {
        answers,
        quizzes,
        reviews: prompts + cards,
        mocks,
        streaks,
        standings,
    })
}
