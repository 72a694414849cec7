//! Review cards (one per member and question, FSRS's state), the log of ratings applied to them,
//! and the `/review` prompts answered through a form.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, Row, RowError, int};
use crate::domain::grading::Grade;
use crate::domain::ids::{GuildId, ReviewId, UserId};
use crate::domain::review::CardState;

/// Where a grade that rated a card came from; with the row's id it identifies the rating, so a
/// repeated reveal rates nothing twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A daily answer, by its post's id.
    Daily(i64),
    Quiz(i64),
    Review(i64),
    /// A mock's question: the mock's id times 10 plus the position.
    Mock(i64),
}

impl Source {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Source::Daily(id) => ("daily", id),
            Source::Quiz(id) => ("quiz", id),
            Source::Review(id) => ("review", id),
            Source::Mock(id) => ("mock", id),
        }
    }
}

#[derive(sqlx::FromRow)]
struct RawCard {
    question_id: String,
    due: DateTime<Utc>,
    stability: f64,
    difficulty: f64,
    elapsed_days: i64,
    scheduled_days: i64,
    reps: i64,
    lapses: i64,
    state: i64,
    last_review: DateTime<Utc>,
}

impl RawCard {
    fn convert(self, user: UserId) -> Result<(String, CardState), RowError> {
        let question = self.question_id.clone();
        let row = Row::new("review_cards", || {
            format!("user_id {user}, question_id {question}")
        });
        let state = row.number("state", self.state)?;
        Ok((
            self.question_id,
            CardState {
                due: self.due,
                stability: self.stability,
                difficulty: self.difficulty,
                elapsed_days: self.elapsed_days,
                scheduled_days: self.scheduled_days,
                reps: self.reps,
                lapses: self.lapses,
                state,
                last_review: self.last_review,
            },
        ))
    }
}

const CARD_COLUMNS: &str = "question_id, due, stability, difficulty, elapsed_days, \
                            scheduled_days, reps, lapses, state, last_review";

pub async fn card(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    question_id: &str,
) -> Result<Option<CardState>> {
    let raw: Option<RawCard> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM review_cards \
         WHERE guild_id = ? AND user_id = ? AND question_id = ?"
    ))
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(question_id)
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(|r| r.convert(user)).transpose()?.map(|(_, c)| c))
}

/// Records that `source` rated the member's card for `question_id`; false (and nothing written)
/// when that rating was recorded before.
#[allow(clippy::too_many_arguments)]
pub async fn log_rating(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    question_id: &str,
    source: Source,
    grade: u8,
    rating: u8,
    now: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<bool> {
    let (kind, id) = source.parts();
    let done = sqlx::query(
        "INSERT INTO review_log (guild_id, user_id, question_id, source, source_id, grade, \
         rating, reviewed_at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (guild_id, user_id, source, source_id) DO NOTHING",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(question_id)
    .bind(kind)
    .bind(id)
    .bind(i64::from(grade))
    .bind(i64::from(rating))
    .bind(now)
    .bind(due)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn put_card(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    question_id: &str,
    card: &CardState,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO review_cards (guild_id, user_id, question_id, due, stability, difficulty, \
         elapsed_days, scheduled_days, reps, lapses, state, last_review) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET due = excluded.due, \
         stability = excluded.stability, difficulty = excluded.difficulty, \
         elapsed_days = excluded.elapsed_days, scheduled_days = excluded.scheduled_days, \
         reps = excluded.reps, lapses = excluded.lapses, state = excluded.state, \
         last_review = excluded.last_review",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(question_id)
    .bind(card.due)
    .bind(card.stability)
    .bind(card.difficulty)
    .bind(card.elapsed_days)
    .bind(card.scheduled_days)
    .bind(card.reps)
    .bind(card.lapses)
    .bind(i64::from(card.state))
    .bind(card.last_review)
    .execute(conn)
    .await?;
    Ok(())
}

/// The member's cards due at `now`, the longest overdue first.
pub async fn due(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<(String, CardState)>> {
    cards(conn, guild, user, Some(now)).await
}

/// The member's cards (those due by `due_by`, when given), soonest due first.
async fn cards(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    due_by: Option<DateTime<Utc>>,
) -> Result<Vec<(String, CardState)>> {
    let due = if due_by.is_some() { "AND due <= ?" } else { "" };
    let query = format!(
        "SELECT {CARD_COLUMNS} FROM review_cards WHERE guild_id = ? AND user_id = ? {due} \
         ORDER BY due, question_id"
    );
    let mut query = sqlx::query_as::<_, RawCard>(&query)
        .bind(int(guild.0))
        .bind(int(user.0));
    if let Some(at) = due_by {
        query = query.bind(at);
    }
    let raw = query.fetch_all(conn).await?;
    Ok(raw
        .into_iter()
        .map(|r| r.convert(user))
        .collect::<Result<_, _>>()?)
}

/// How many of the member's cards are due at `now`.
pub async fn due_count(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_cards WHERE guild_id = ? AND user_id = ? AND due <= ?",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// When the member's next card comes due after `now`, and how many cards they have in all.
pub async fn next_due(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, u32)> {
    let (next, total): (Option<DateTime<Utc>>, i64) = sqlx::query_as(
        "SELECT MIN(CASE WHEN due > ? THEN due END), COUNT(*) FROM review_cards \
         WHERE guild_id = ? AND user_id = ?",
    )
    .bind(now)
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?;
    Ok((next, u32::try_from(total).unwrap_or(u32::MAX)))
}

/// A `/review` prompt as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub id: ReviewId,
    pub question_id: String,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct RawReview {
    id: i64,
    question_id: String,
    started_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
}

impl From<RawReview> for ReviewRow {
    fn from(raw: RawReview) -> ReviewRow {
        ReviewRow {
            id: ReviewId(raw.id),
            question_id: raw.question_id,
            started_at: raw.started_at,
            answered_at: raw.answered_at,
        }
    }
}

pub async fn insert(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    question_id: &str,
    now: DateTime<Utc>,
) -> Result<ReviewId> {
    let id = super::quizzes::insert_in(conn, "reviews", guild, user, question_id, now).await?;
    Ok(ReviewId(id))
}

/// A member's own review prompt; anyone else's is indistinguishable from a missing one.
pub async fn get(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    id: ReviewId,
) -> Result<Option<ReviewRow>> {
    let raw: Option<RawReview> = sqlx::query_as(
        "SELECT id, question_id, started_at, answered_at FROM reviews \
         WHERE id = ? AND guild_id = ? AND user_id = ?",
    )
    .bind(id.0)
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(ReviewRow::from))
}

/// The member's unanswered prompt for `question_id`, so a second `/review` shows the same one.
pub async fn open_for(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    question_id: &str,
) -> Result<Option<ReviewRow>> {
    let raw: Option<RawReview> = sqlx::query_as(
        "SELECT id, question_id, started_at, answered_at FROM reviews \
         WHERE guild_id = ? AND user_id = ? AND question_id = ? AND answered_at IS NULL \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(question_id)
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(ReviewRow::from))
}

/// Records the answer; false when the prompt was already answered.
pub async fn answer(
    conn: &mut SqliteConnection,
    id: ReviewId,
    body: &str,
    graded: &Grade,
    now: DateTime<Utc>,
) -> Result<bool> {
    super::quizzes::answer_in(conn, "reviews", id.0, body, graded, now).await
}

/// How many review prompts the member answered, for `/stats`.
pub async fn answered_count(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reviews WHERE guild_id = ? AND user_id = ? \
         AND answered_at IS NOT NULL",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A graded answer or quiz whose card was never rated from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrated {
    pub guild: GuildId,
    pub user: UserId,
    pub question_id: String,
    pub source: Source,
    pub grade: u8,
    /// When it was graded: the reveal, or the quiz's answer.
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RawUnrated {
    guild_id: i64,
    user_id: i64,
    question_id: String,
    source: String,
    source_id: i64,
    grade: i64,
    at: DateTime<Utc>,
}

/// Graded answers and quizzes with no rating in the log (history from before review cards
/// existed), oldest first.
pub async fn unrated(conn: &mut SqliteConnection) -> Result<Vec<Unrated>> {
    let rows: Vec<RawUnrated> = sqlx::query_as(
        "SELECT p.guild_id, a.user_id, p.question_id, 'daily' AS source, a.post_id AS source_id, \
         a.grade, p.revealed_at AS at \
         FROM answers a JOIN posts p ON p.id = a.post_id \
         WHERE a.grade IS NOT NULL AND p.revealed_at IS NOT NULL AND NOT EXISTS ( \
           SELECT 1 FROM review_log l WHERE l.guild_id = p.guild_id AND l.user_id = a.user_id \
           AND l.source = 'daily' AND l.source_id = a.post_id) \
         UNION ALL \
         SELECT q.guild_id, q.user_id, q.question_id, 'quiz', q.id, q.grade, q.answered_at \
         FROM quizzes q WHERE q.grade IS NOT NULL AND q.answered_at IS NOT NULL AND NOT EXISTS ( \
           SELECT 1 FROM review_log l WHERE l.guild_id = q.guild_id AND l.user_id = q.user_id \
           AND l.source = 'quiz' AND l.source_id = q.id) \
         ORDER BY at",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Unrated {
            guild: GuildId(super::snowflake(r.guild_id)),
            user: UserId(super::snowflake(r.user_id)),
            question_id: r.question_id,
            source: if r.source == "daily" {
                Source::Daily(r.source_id)
            } else {
                Source::Quiz(r.source_id)
            },
            grade: u8::try_from(r.grade.clamp(0, 4)).unwrap_or(0),
            at: r.at,
        })
        .collect())
}

/// A member's cards, for `/my-data`.
pub async fn member_cards(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<Vec<(String, CardState)>> {
    cards(conn, guild, user, None).await
}

/// Deletes the member's cards, rating log and review prompts; returns the prompts and cards
/// deleted.
pub async fn delete_member(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<(u64, u64)> {
    let mut counts = [0; 3];
    for (i, table) in ["reviews", "review_cards", "review_log"].iter().enumerate() {
        counts[i] = sqlx::query(&format!(
            "DELETE FROM {table} WHERE guild_id = ? AND user_id = ?"
        ))
        .bind(int(guild.0))
        .bind(int(user.0))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok((counts[0], counts[1]))
}
