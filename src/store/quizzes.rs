//! On-demand practice questions: asked, answered once, scored at once.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::answers::encode_indices;
use super::{Result, Totals, int, snowflake};
use crate::domain::grading::Grade;
use crate::domain::ids::{GuildId, QuizId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizRow {
    pub id: QuizId,
    pub guild: GuildId,
    pub user: UserId,
    pub question_id: String,
    pub answered_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    question_id: &str,
    now: DateTime<Utc>,
) -> Result<QuizId> {
    Ok(QuizId(
        insert_in(conn, "quizzes", guild, user, question_id, now).await?,
    ))
}

/// Starts a row of a practice table of the same shape (`quizzes`, `reviews`); returns its id.
pub(crate) async fn insert_in(
    conn: &mut SqliteConnection,
    table: &'static str,
    guild: GuildId,
    user: UserId,
    question_id: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO {table} (guild_id, user_id, question_id, started_at) VALUES (?, ?, ?, ?) \
         RETURNING id"
    ))
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(question_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A member's own quiz; anyone else's is indistinguishable from a missing one.
pub async fn get(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    id: QuizId,
) -> Result<Option<QuizRow>> {
    /// The part of a quiz row not already known from the key.
    #[derive(sqlx::FromRow)]
    struct RawQuiz {
        question_id: String,
        answered_at: Option<DateTime<Utc>>,
    }
    let raw: Option<RawQuiz> = sqlx::query_as(
        "SELECT question_id, answered_at FROM quizzes WHERE id = ? AND guild_id = ? AND user_id = ?",
    )
    .bind(id.0)
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(|raw| QuizRow {
        id,
        guild,
        user,
        question_id: raw.question_id,
        answered_at: raw.answered_at,
    }))
}

/// Records the answer; false when the quiz was already answered.
pub async fn answer(
    conn: &mut SqliteConnection,
    id: QuizId,
    body: &str,
    graded: &Grade,
    now: DateTime<Utc>,
) -> Result<bool> {
    answer_in(conn, "quizzes", id.0, body, graded, now).await
}

/// Records a graded answer in a practice table of the same shape (`quizzes`, `reviews`); false
/// when the row was already answered.
pub(crate) async fn answer_in(
    conn: &mut SqliteConnection,
    table: &'static str,
    id: i64,
    body: &str,
    graded: &Grade,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE {table} SET answered_at = ?, body = ?, covered = ?, coverage_percent = ?, \
         grade = ?, misconceptions = ?, shape = ? WHERE id = ? AND answered_at IS NULL"
    ))
    .bind(now)
    .bind(body)
    .bind(encode_indices(&graded.covered))
    .bind(i64::from(graded.score))
    .bind(i64::from(graded.grade))
    .bind(encode_indices(&graded.misconceptions))
    .bind(graded.shape.as_str())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Questions the member was quizzed on since `since`, most recent first.
pub async fn seen_since(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT question_id FROM quizzes WHERE guild_id = ? AND user_id = ? AND started_at >= ? \
         ORDER BY started_at DESC, id DESC",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(since)
    .fetch_all(conn)
    .await?)
}

/// A member's answered practice questions, and their average coverage.
pub async fn totals(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<Totals> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*) AS count, AVG(coverage_percent) AS average_percent FROM quizzes \
         WHERE guild_id = ? AND user_id = ? AND answered_at IS NOT NULL",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?)
}

/// The members of `guild` who answered a practice quiz on `question` at or before `before`, each
/// with when they first did: they saw its model answer.
pub async fn practised(
    conn: &mut SqliteConnection,
    guild: GuildId,
    question: &str,
    before: DateTime<Utc>,
) -> Result<std::collections::HashMap<UserId, DateTime<Utc>>> {
    let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
        "SELECT user_id, MIN(answered_at) FROM quizzes WHERE guild_id = ? AND question_id = ? \
         AND answered_at IS NOT NULL AND answered_at <= ? GROUP BY user_id",
    )
    .bind(int(guild.0))
    .bind(question)
    .bind(before)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(user, at)| (UserId(snowflake(user)), at))
        .collect())
}
