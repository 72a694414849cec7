//! Members' answers to posts: saved and edited until the reveal, scored at the reveal.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, Row, RowError, Totals, int, snowflake};
use crate::domain::grading::{Grade, Shape, StoredGrade};
use crate::domain::ids::{GuildId, PostId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub user: UserId,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
    pub covered: Option<Vec<usize>>,
    /// The grader's score, 0-100.
    pub coverage_percent: Option<u32>,
    pub points: Option<u32>,
    /// The rest of the grade, when the answer was graded after grades were stored.
    pub grade: Option<StoredGrade>,
    /// When the member had answered a practice quiz on the question before its reveal: the answer
    /// earned no points for its score.
    pub practised_at: Option<DateTime<Utc>>,
}

/// An answer as SQLite holds it; [`AnswerRow`] is what the rest of the crate reads.
#[derive(sqlx::FromRow)]
struct RawAnswer {
    user_id: i64,
    body: String,
    submitted_at: DateTime<Utc>,
    covered: Option<String>,
    coverage_percent: Option<i64>,
    points: Option<i64>,
    grade: Option<i64>,
    misconceptions: Option<String>,
    shape: Option<String>,
    practised_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "user_id, body, submitted_at, covered, coverage_percent, points, grade, \
    misconceptions, shape, practised_at";

fn from_raw(post: PostId, r: RawAnswer) -> Result<AnswerRow, RowError> {
    let user = r.user_id;
    let row = Row::new("answers", || format!("post_id {post}, user_id {user}"));
    Ok(AnswerRow {
        user: UserId(snowflake(r.user_id)),
        body: r.body,
        submitted_at: r.submitted_at,
        covered: r.covered.map(|s| indices(&row, &s)).transpose()?,
        coverage_percent: r
            .coverage_percent
            .map(|v| row.number("coverage_percent", v))
            .transpose()?,
        points: r.points.map(|v| row.number("points", v)).transpose()?,
        grade: stored_grade(&row, r.grade, r.misconceptions, r.shape)?,
        practised_at: r.practised_at,
    })
}

/// The grade columns of `row`, decoded; `None` when the row predates them.
pub(crate) fn stored_grade<K: Fn() -> String>(
    row: &Row<K>,
    grade: Option<i64>,
    misconceptions: Option<String>,
    shape: Option<String>,
) -> Result<Option<StoredGrade>, RowError> {
    let (Some(grade), Some(misconceptions), Some(shape)) = (grade, misconceptions, shape) else {
        return Ok(None);
    };
    Ok(Some(StoredGrade {
        grade: row.number("grade", grade)?,
        misconceptions: decode_indices(&misconceptions).ok_or_else(|| {
            row.error(
                "misconceptions",
                format!("{misconceptions:?} is not a list of indices"),
            )
        })?,
        shape: Shape::parse(&shape)
            .ok_or_else(|| row.error("shape", format!("{shape:?} is not an answer shape")))?,
    }))
}

/// Key point indices as stored: `0,2,3`.
pub(crate) fn encode_indices(indices: &[usize]) -> String {
    indices
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The inverse of [`encode_indices`]; `None` for anything it would not have written.
fn decode_indices(s: &str) -> Option<Vec<usize>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(',').map(|n| n.parse().ok()).collect()
}

/// A stored `covered` column of `row`, decoded.
pub(crate) fn indices<K: Fn() -> String>(row: &Row<K>, s: &str) -> Result<Vec<usize>, RowError> {
    decode_indices(s).ok_or_else(|| {
        row.error(
            "covered",
            format!("{s:?} is not a list of key point indices"),
        )
    })
}

/// What deciding whether a post still takes answers needs, and its answer count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostTally {
    pub guild: GuildId,
    pub reveal_at: DateTime<Utc>,
    pub revealed_at: Option<DateTime<Utc>>,
    pub answers: i64,
}

/// [`PostTally`] of each of `posts` that exists, in one statement: a batch of answers to a few
/// posts reads each post once, in the transaction that saves the answers.
pub async fn tallies(
    conn: &mut SqliteConnection,
    posts: &[PostId],
) -> Result<HashMap<PostId, PostTally>> {
    /// A post's tally as SQLite holds it.
    #[derive(sqlx::FromRow)]
    struct RawTally {
        id: i64,
        guild_id: i64,
        reveal_at: DateTime<Utc>,
        revealed_at: Option<DateTime<Utc>>,
        answers: i64,
    }
    let ids = posts
        .iter()
        .map(|p| p.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<RawTally> = sqlx::query_as(
        "SELECT p.id AS id, p.guild_id AS guild_id, p.reveal_at AS reveal_at, \
           p.revealed_at AS revealed_at, \
           (SELECT COUNT(*) FROM answers AS a WHERE a.post_id = p.id) AS answers \
         FROM posts AS p WHERE p.id IN (SELECT value FROM json_each(?))",
    )
    .bind(format!("[{ids}]"))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let tally = PostTally {
                guild: GuildId(snowflake(r.guild_id)),
                reveal_at: r.reveal_at,
                revealed_at: r.revealed_at,
                answers: r.answers,
            };
            (PostId(r.id), tally)
        })
        .collect())
}

/// An answer to save in a batch.
#[derive(Debug, Clone, Copy)]
pub struct NewAnswer<'a> {
    pub post: PostId,
    pub user: UserId,
    pub body: &'a str,
    pub now: DateTime<Utc>,
}

/// Rows per multi-row INSERT. Full chunks reuse one cached statement; the rest of a batch goes in
/// one statement of its own size, prepared for the occasion and not cached, so that odd sizes do
/// not push other statements out of the connection's cache.
const ROWS_PER_INSERT: usize = 256;

/// Saves or replaces answers, in order: a later answer of the same member to the same post
/// replaces the earlier one. Returns, for each answer, whether it was the member's first to the
/// post. A few statements whatever the batch size (one lookup, one INSERT per 256 rows), since each
/// statement is a round trip to the connection's thread. Callers hold a write transaction.
pub async fn upsert_many(
    conn: &mut SqliteConnection,
    batch: &[NewAnswer<'_>],
) -> Result<Vec<bool>> {
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
    /// The key of an answer already stored.
    #[derive(sqlx::FromRow)]
    struct Existing {
        post_id: i64,
        user_id: i64,
    }
    let existing: Vec<Existing> = sqlx::query_as(
        "SELECT a.post_id AS post_id, a.user_id AS user_id FROM json_each(?) AS k \
         JOIN answers AS a ON a.post_id = k.value ->> 0 AND a.user_id = k.value ->> 1",
    )
    .bind(keys)
    .fetch_all(&mut *conn)
    .await?;
    let mut seen: HashSet<(i64, i64)> = existing
        .into_iter()
        .map(|e| (e.post_id, e.user_id))
        .collect();
    let first = batch
        .iter()
        .map(|a| seen.insert((a.post.0, int(a.user.0))))
        .collect();

    for chunk in batch.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO answers (post_id, user_id, body, submitted_at, updated_at) VALUES {} \
             ON CONFLICT (post_id, user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut insert = sqlx::query(&sql).persistent(chunk.len() == ROWS_PER_INSERT);
        for a in chunk {
            insert = insert
                .bind(a.post.0)
                .bind(int(a.user.0))
                .bind(a.body)
                .bind(a.now)
                .bind(a.now);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(first)
}

pub async fn get(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
) -> Result<Option<AnswerRow>> {
    let raw: Option<RawAnswer> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM answers WHERE post_id = ? AND user_id = ?"
    ))
    .bind(post.0)
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(|r| from_raw(post, r)).transpose()?)
}

/// Every answer to a post, for scoring at the reveal.
pub async fn for_post(conn: &mut SqliteConnection, post: PostId) -> Result<Vec<AnswerRow>> {
    let raws: Vec<RawAnswer> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM answers WHERE post_id = ? ORDER BY user_id"
    ))
    .bind(post.0)
    .fetch_all(conn)
    .await?;
    Ok(raws
        .into_iter()
        .map(|r| from_raw(post, r))
        .collect::<Result<_, _>>()?)
}

pub async fn count(conn: &mut SqliteConnection, post: PostId) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM answers WHERE post_id = ?")
            .bind(post.0)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn record_score(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
    graded: &Grade,
    points: u32,
    practised_at: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query(
        "UPDATE answers SET covered = ?, coverage_percent = ?, points = ?, grade = ?, \
         misconceptions = ?, shape = ?, practised_at = ? WHERE post_id = ? AND user_id = ?",
    )
    .bind(encode_indices(&graded.covered))
    .bind(i64::from(graded.score))
    .bind(i64::from(points))
    .bind(i64::from(graded.grade))
    .bind(encode_indices(&graded.misconceptions))
    .bind(graded.shape.as_str())
    .bind(practised_at)
    .bind(post.0)
    .bind(int(user.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// A member's daily answers in a guild that were scored, and their average coverage.
pub async fn totals(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<Totals> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*) AS count, AVG(a.coverage_percent) AS average_percent \
         FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE p.guild_id = ? AND a.user_id = ? AND a.points IS NOT NULL",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_point_indices_read_back_as_written_and_nothing_else() {
        for indices in [vec![], vec![0], vec![0, 2, 3], vec![11, 4]] {
            assert_eq!(decode_indices(&encode_indices(&indices)), Some(indices));
        }
        for bad in ["0,,2", "1,x", " 1", "-1", "0,2,"] {
            assert_eq!(decode_indices(bad), None, "{bad:?}");
        }
    }
}
