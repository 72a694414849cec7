//! Answers members chose to share in the discussion thread after the reveal.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, int};
use crate::domain::ids::{PostId, UserId};

/// A member's sharing of their answer to a post, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shared {
    pub at: DateTime<Utc>,
    pub with_grade: bool,
    /// Set once Discord accepted the message.
    pub message_id: Option<u64>,
}

/// The sharing columns of an answer, as stored.
type RawShare = (Option<DateTime<Utc>>, Option<i64>, Option<i64>);

pub async fn get(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
) -> Result<Option<Shared>> {
    let row: Option<RawShare> = sqlx::query_as(
        "SELECT shared_at, share_grade, share_message_id FROM answers \
         WHERE post_id = ? AND user_id = ?",
    )
    .bind(post.0)
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(at, grade, message)| {
        at.map(|at| Shared {
            at,
            with_grade: grade == Some(1),
            message_id: message.map(super::snowflake),
        })
    }))
}

/// Records the member's choice (again, when an earlier one never reached Discord); false when
/// the member has no answer to the post or it was shared already.
pub async fn choose(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
    with_grade: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE answers SET shared_at = COALESCE(shared_at, ?), share_grade = ? \
         WHERE post_id = ? AND user_id = ? AND share_message_id IS NULL",
    )
    .bind(now)
    .bind(i64::from(with_grade))
    .bind(post.0)
    .bind(int(user.0))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the message that carried the shared answer.
pub async fn sent(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
    message_id: u64,
) -> Result<()> {
    sqlx::query(
        "UPDATE answers SET share_message_id = ? WHERE post_id = ? AND user_id = ? \
         AND shared_at IS NOT NULL",
    )
    .bind(int(message_id))
    .bind(post.0)
    .bind(int(user.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// How many answers to a post were shared, for the thread's summary and tests.
pub async fn count(conn: &mut SqliteConnection, post: PostId) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM answers WHERE post_id = ? AND share_message_id IS NOT NULL",
    )
    .bind(post.0)
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
