//! Mock interviews and their questions.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::answers::{encode_indices, indices, stored_grade};
use super::{Result, Row, RowError, int, snowflake};
use crate::domain::grading::{Grade, StoredGrade};
use crate::domain::ids::{GuildId, MockId, UserId};

/// How a mock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Finished,
    Abandoned,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Finished => "finished",
            Outcome::Abandoned => "abandoned",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRow {
    pub id: MockId,
    pub guild: GuildId,
    pub user: UserId,
    pub size: u8,
    pub started_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub ended: Option<(DateTime<Utc>, Outcome)>,
    /// The private thread it runs in; `None`: in private replies.
    pub thread: Option<u64>,
}

#[derive(sqlx::FromRow)]
struct RawMock {
    id: i64,
    guild_id: i64,
    user_id: i64,
    size: i64,
    started_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    thread_id: Option<i64>,
}

impl RawMock {
    fn convert(self) -> Result<MockRow, RowError> {
        let id = self.id;
        let row = Row::new("mocks", || format!("id {id}"));
        let ended = match (self.ended_at, self.outcome.as_deref()) {
            (Some(at), Some("finished")) => Some((at, Outcome::Finished)),
            (Some(at), Some("abandoned")) => Some((at, Outcome::Abandoned)),
            (None, None) => None,
            (_, outcome) => return Err(row.error("outcome", format!("{outcome:?} with ended_at"))),
        };
        Ok(MockRow {
            id: MockId(self.id),
            guild: GuildId(snowflake(self.guild_id)),
            user: UserId(snowflake(self.user_id)),
            size: row.number("size", self.size)?,
            started_at: self.started_at,
            last_activity_at: self.last_activity_at,
            ended,
            thread: self.thread_id.map(snowflake),
        })
    }
}

const MOCK_COLUMNS: &str =
    "id, guild_id, user_id, size, started_at, last_activity_at, ended_at, outcome, thread_id";

/// A question of a mock as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockQuestionRow {
    pub position: u8,
    pub question_id: String,
    pub asked_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub body: Option<String>,
    pub covered: Option<Vec<usize>>,
    pub grade: Option<StoredGrade>,
}

#[derive(sqlx::FromRow)]
struct RawQuestion {
    position: i64,
    question_id: String,
    asked_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    body: Option<String>,
    covered: Option<String>,
    grade: Option<i64>,
    misconceptions: Option<String>,
    shape: Option<String>,
}

impl RawQuestion {
    fn convert(self, mock: MockId) -> Result<MockQuestionRow, RowError> {
        let position = self.position;
        let row = Row::new("mock_questions", || {
            format!("mock_id {mock}, position {position}")
        });
        Ok(MockQuestionRow {
            position: row.number("position", self.position)?,
            question_id: self.question_id,
            asked_at: self.asked_at,
            answered_at: self.answered_at,
            body: self.body,
            covered: self.covered.map(|s| indices(&row, &s)).transpose()?,
            grade: stored_grade(&row, self.grade, self.misconceptions, self.shape)?,
        })
    }
}

/// The member's open mock, if any.
pub async fn open_for(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<Option<MockRow>> {
    let raw: Option<RawMock> = sqlx::query_as(&format!(
        "SELECT {MOCK_COLUMNS} FROM mocks WHERE guild_id = ? AND user_id = ? AND ended_at IS NULL"
    ))
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(RawMock::convert).transpose()?)
}

/// A member's own mock; anyone else's is indistinguishable from a missing one.
pub async fn get(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    id: MockId,
) -> Result<Option<MockRow>> {
    let raw: Option<RawMock> = sqlx::query_as(&format!(
        "SELECT {MOCK_COLUMNS} FROM mocks WHERE id = ? AND guild_id = ? AND user_id = ?"
    ))
    .bind(id.0)
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(RawMock::convert).transpose()?)
}

/// Starts a mock with its questions, the first shown now.
pub async fn insert(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    questions: &[&str],
    now: DateTime<Utc>,
) -> Result<MockId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO mocks (guild_id, user_id, size, started_at, last_activity_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(i64::try_from(questions.len()).unwrap_or(i64::MAX))
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for (i, question) in questions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO mock_questions (mock_id, position, question_id, asked_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
        .bind(question)
        .bind((i == 0).then_some(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(MockId(id))
}

pub async fn questions(conn: &mut SqliteConnection, mock: MockId) -> Result<Vec<MockQuestionRow>> {
    let raw: Vec<RawQuestion> = sqlx::query_as(
        "SELECT position, question_id, asked_at, answered_at, body, covered, grade, \
         misconceptions, shape FROM mock_questions WHERE mock_id = ? ORDER BY position",
    )
    .bind(mock.0)
    .fetch_all(conn)
    .await?;
    Ok(raw
        .into_iter()
        .map(|r| r.convert(mock))
        .collect::<Result<_, _>>()?)
}

/// Records the private thread the mock runs in.
pub async fn set_thread(conn: &mut SqliteConnection, mock: MockId, thread: u64) -> Result<()> {
    sqlx::query("UPDATE mocks SET thread_id = ? WHERE id = ?")
        .bind(int(thread))
        .bind(mock.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Shows the question at `position` (the clock starts once: a second show keeps the first time).
pub async fn ask(
    conn: &mut SqliteConnection,
    mock: MockId,
    position: u8,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE mock_questions SET asked_at = COALESCE(asked_at, ?) \
         WHERE mock_id = ? AND position = ?",
    )
    .bind(now)
    .bind(mock.0)
    .bind(i64::from(position))
    .execute(&mut *conn)
    .await?;
    touch(conn, mock, now).await
}

/// Records an answer; false when that question was answered already.
pub async fn answer(
    conn: &mut SqliteConnection,
    mock: MockId,
    position: u8,
    body: &str,
    graded: &Grade,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mock_questions SET answered_at = ?, body = ?, covered = ?, coverage_percent = ?, \
         grade = ?, misconceptions = ?, shape = ? \
         WHERE mock_id = ? AND position = ? AND answered_at IS NULL AND asked_at IS NOT NULL",
    )
    .bind(now)
    .bind(body)
    .bind(encode_indices(&graded.covered))
    .bind(i64::from(graded.score))
    .bind(i64::from(graded.grade))
    .bind(encode_indices(&graded.misconceptions))
    .bind(graded.shape.as_str())
    .bind(mock.0)
    .bind(i64::from(position))
    .execute(&mut *conn)
    .await?;
    touch(conn, mock, now).await?;
    Ok(done.rows_affected() == 1)
}

async fn touch(conn: &mut SqliteConnection, mock: MockId, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE mocks SET last_activity_at = ? WHERE id = ?")
        .bind(now)
        .bind(mock.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a mock; false when it had ended already.
pub async fn end(
    conn: &mut SqliteConnection,
    mock: MockId,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done =
        sqlx::query("UPDATE mocks SET ended_at = ?, outcome = ? WHERE id = ? AND ended_at IS NULL")
            .bind(now)
            .bind(outcome.as_str())
            .bind(mock.0)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Open mocks with no activity after `before`, every member's.
pub async fn idle_since(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
) -> Result<Vec<MockRow>> {
    let raw: Vec<RawMock> = sqlx::query_as(&format!(
        "SELECT {MOCK_COLUMNS} FROM mocks WHERE ended_at IS NULL AND last_activity_at <= ? \
         ORDER BY id"
    ))
    .bind(before)
    .fetch_all(conn)
    .await?;
    Ok(raw
        .into_iter()
        .map(RawMock::convert)
        .collect::<Result<_, _>>()?)
}

/// The member's ended mocks before `mock`, newest first, each with its average grade over the
/// questions answered (none answered: `None`).
pub async fn earlier(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    mock: MockId,
) -> Result<Vec<(DateTime<Utc>, Option<f64>)>> {
    Ok(sqlx::query_as(
        "SELECT m.started_at, AVG(q.grade) FROM mocks m \
         LEFT JOIN mock_questions q ON q.mock_id = m.id AND q.grade IS NOT NULL \
         WHERE m.guild_id = ? AND m.user_id = ? AND m.id < ? AND m.ended_at IS NOT NULL \
         GROUP BY m.id ORDER BY m.id DESC",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(mock.0)
    .fetch_all(conn)
    .await?)
}

/// Deletes the member's mocks (their questions go with them); returns how many.
pub async fn delete_member(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM mocks WHERE guild_id = ? AND user_id = ?")
            .bind(int(guild.0))
            .bind(int(user.0))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// A member's mocks with their questions, for `/my-data`.
pub async fn member_mocks(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<Vec<(MockRow, Vec<MockQuestionRow>)>> {
    let raw: Vec<RawMock> = sqlx::query_as(&format!(
        "SELECT {MOCK_COLUMNS} FROM mocks WHERE guild_id = ? AND user_id = ? ORDER BY id"
    ))
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for mock in raw {
        let mock = mock.convert()?;
        let questions = questions(&mut *conn, mock.id).await?;
        out.push((mock, questions));
    }
    Ok(out)
}
