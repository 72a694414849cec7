//! A member's activity across every way of answering (daily questions, quizzes, reviews, mock
//! interviews), for the picture `/stats` draws.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, int};
use crate::domain::ids::{GuildId, UserId};

/// When the member answered anything in the server since `since`: a daily answer when first
/// submitted, practice when answered.
pub async fn answer_times(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    let (g, u) = (int(guild.0), int(user.0));
    Ok(sqlx::query_scalar(
        "SELECT a.submitted_at FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.guild_id = ?1 AND a.user_id = ?2 AND a.submitted_at >= ?3 \
         UNION ALL SELECT answered_at FROM quizzes \
         WHERE guild_id = ?1 AND user_id = ?2 AND answered_at >= ?3 \
         UNION ALL SELECT answered_at FROM reviews \
         WHERE guild_id = ?1 AND user_id = ?2 AND answered_at >= ?3 \
         UNION ALL SELECT q.answered_at FROM mock_questions q JOIN mocks m ON m.id = q.mock_id \
         WHERE m.guild_id = ?1 AND m.user_id = ?2 AND q.answered_at >= ?3",
    )
    .bind(g)
    .bind(u)
    .bind(since)
    .fetch_all(conn)
    .await?)
}

/// Every grade the member earned in the server, with its question.
pub async fn grades(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<Vec<(String, i64)>> {
    let (g, u) = (int(guild.0), int(user.0));
    Ok(sqlx::query_as(
        "SELECT p.question_id, a.grade FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.guild_id = ?1 AND a.user_id = ?2 AND a.grade IS NOT NULL \
         UNION ALL SELECT question_id, grade FROM quizzes \
         WHERE guild_id = ?1 AND user_id = ?2 AND grade IS NOT NULL \
         UNION ALL SELECT question_id, grade FROM reviews \
         WHERE guild_id = ?1 AND user_id = ?2 AND grade IS NOT NULL \
         UNION ALL SELECT q.question_id, q.grade FROM mock_questions q \
         JOIN mocks m ON m.id = q.mock_id \
         WHERE m.guild_id = ?1 AND m.user_id = ?2 AND q.grade IS NOT NULL",
    )
    .bind(g)
    .bind(u)
    .fetch_all(conn)
    .await?)
}
