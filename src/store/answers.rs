//! Members' answers to posts: saved and edited until the reveal, scored at the reveal.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{int, snowflake};
use crate::domain::ids::{PostId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub user: UserId,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
    pub covered: Option<Vec<usize>>,
    pub coverage_percent: Option<u32>,
    pub points: Option<u32>,
}

type RawRow = (
    i64,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn from_raw(r: RawRow) -> AnswerRow {
    AnswerRow {
        user: UserId(snowflake(r.0)),
        body: r.1,
        submitted_at: r.2,
        covered: r.3.map(|s| decode_indices(&s)),
        coverage_percent: r.4.and_then(|v| u32::try_from(v).ok()),
        points: r.5.and_then(|v| u32::try_from(v).ok()),
    }
}

/// Key point indices as stored: `0,2,3`.
pub(crate) fn encode_indices(indices: &[usize]) -> String {
    indices
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn decode_indices(s: &str) -> Vec<usize> {
    s.split(',').filter_map(|n| n.parse().ok()).collect()
}

/// Saves or replaces a member's answer; returns true when it is their first answer to the post.
/// Callers hold a write transaction, so the existence check and the write cannot interleave.
pub async fn upsert(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
    body: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let existed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM answers WHERE post_id = ? AND user_id = ?)",
    )
    .bind(post.0)
    .bind(int(user.0))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO answers (post_id, user_id, body, submitted_at, updated_at) \
         VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (post_id, user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(post.0)
    .bind(int(user.0))
    .bind(body)
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(!existed)
}

/// An answer to save in a batch.
#[derive(Debug, Clone, Copy)]
pub struct NewAnswer<'a> {
    pub post: PostId,
    pub user: UserId,
    pub body: &'a str,
    pub now: DateTime<Utc>,
}

/// Rows per multi-row INSERT: powers of two up to this, so a batch of any size runs a handful of
/// statements drawn from seven cached ones.
const ROWS_PER_INSERT: usize = 256;

/// [`upsert`] for many answers at once, in order: a later answer of the same member to the same
/// post replaces the earlier one. Returns, for each answer, whether it was the member's first to
/// the post. A few statements whatever the batch size (one lookup, one INSERT per 64 rows), since
/// each statement is a round trip to the connection's thread. Callers hold a write transaction.
pub async fn upsert_many(
    conn: &mut SqliteConnection,
    batch: &[NewAnswer<'_>],
) -> sqlx::Result<Vec<bool>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // The keys as a JSON array of [post, user] pairs: integers only, so nothing to escape.
    let keys = format!(
        "[{}]",
        batch
            .iter()
            .map(|a| format!("[{},{}]", a.post.0, int(a.user.0)))
            .collect::<Vec<_>>()
            .join(",")
    );
    let existing: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.post_id, a.user_id FROM json_each(?) AS k \
         JOIN answers AS a ON a.post_id = k.value ->> 0 AND a.user_id = k.value ->> 1",
    )
    .bind(keys)
    .fetch_all(&mut *conn)
    .await?;
    let mut seen: HashSet<(i64, i64)> = existing.into_iter().collect();
    let first = batch
        .iter()
        .map(|a| seen.insert((a.post.0, int(a.user.0))))
        .collect();

    let mut rest = batch;
    while !rest.is_empty() {
        let rows = 1 << rest.len().min(ROWS_PER_INSERT).ilog2();
        let (chunk, tail) = rest.split_at(rows);
        let sql = format!(
            "INSERT INTO answers (post_id, user_id, body, submitted_at, updated_at) VALUES {} \
             ON CONFLICT (post_id, user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            vec!["(?, ?, ?, ?, ?)"; rows].join(", ")
        );
        let mut insert = sqlx::query(&sql);
        for a in chunk {
            insert = insert
                .bind(a.post.0)
                .bind(int(a.user.0))
                .bind(a.body)
                .bind(a.now)
                .bind(a.now);
        }
        insert.execute(&mut *conn).await?;
        rest = tail;
    }
    Ok(first)
}

pub async fn get(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
) -> sqlx::Result<Option<AnswerRow>> {
    let raw: Option<RawRow> = sqlx::query_as(
        "SELECT user_id, body, submitted_at, covered, coverage_percent, points \
         FROM answers WHERE post_id = ? AND user_id = ?",
    )
    .bind(post.0)
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(from_raw))
}

/// Every answer to a post, for scoring at the reveal.
pub async fn for_post(conn: &mut SqliteConnection, post: PostId) -> sqlx::Result<Vec<AnswerRow>> {
    let raws: Vec<RawRow> = sqlx::query_as(
        "SELECT user_id, body, submitted_at, covered, coverage_percent, points \
         FROM answers WHERE post_id = ? ORDER BY user_id",
    )
    .bind(post.0)
    .fetch_all(conn)
    .await?;
    Ok(raws.into_iter().map(from_raw).collect())
}

pub async fn count(conn: &mut SqliteConnection, post: PostId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM answers WHERE post_id = ?")
        .bind(post.0)
        .fetch_one(conn)
        .await
}

pub async fn record_score(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
    covered: &[usize],
    coverage_percent: u32,
    points: u32,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE answers SET covered = ?, coverage_percent = ?, points = ? \
         WHERE post_id = ? AND user_id = ?",
    )
    .bind(encode_indices(covered))
    .bind(i64::from(coverage_percent))
    .bind(i64::from(points))
    .bind(post.0)
    .bind(int(user.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// (answers scored, average coverage percent) for a member's daily answers in a guild.
pub async fn totals(
    conn: &mut SqliteConnection,
    guild: crate::domain::ids::GuildId,
    user: UserId,
) -> sqlx::Result<(i64, Option<f64>)> {
    sqlx::query_as(
        "SELECT COUNT(*), AVG(a.coverage_percent) FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.guild_id = ? AND a.user_id = ? AND a.points IS NOT NULL",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await
}
