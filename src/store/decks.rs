//! Server decks: the question files a server imported, by deck.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, int, snowflake};
use crate::corpus::server_deck::{DeckFile, ParsedDeck};
use crate::domain::ids::{GuildId, ScheduleId, UserId};

/// A stored deck question, as the bot's question lookup needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredQuestion {
    /// Its row id: the question is `deck-<id>` to the rest of the bot.
    pub id: i64,
    pub guild_id: i64,
    pub deck: String,
    pub path: String,
    pub text: String,
    /// Still in a deck that is not removed: schedules, quizzes and reviews may draw it.
    pub active: bool,
    pub suggested_by: Option<i64>,
}

/// A deck of a server, with its active questions counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRow {
    pub name: String,
    pub questions: usize,
    pub bytes: usize,
    pub imported_by: Option<UserId>,
    pub imported_at: DateTime<Utc>,
}

type RawDeck = (String, i64, i64, Option<i64>, DateTime<Utc>);

fn deck(raw: RawDeck) -> DeckRow {
    let (name, questions, bytes, by, at) = raw;
    DeckRow {
        name,
        questions: usize::try_from(questions).unwrap_or(0),
        bytes: usize::try_from(bytes).unwrap_or(0),
        imported_by: by.map(|u| UserId(snowflake(u))),
        imported_at: at,
    }
}

const DECK_COLUMNS: &str = "SELECT d.name, \
     (SELECT COUNT(*) FROM deck_questions q WHERE q.deck_id = d.id AND q.active), \
     (SELECT COALESCE(SUM(LENGTH(CAST(q.text AS BLOB))), 0) FROM deck_questions q \
      WHERE q.deck_id = d.id AND q.active), \
     d.imported_by, d.imported_at FROM decks d";

/// Every question of every deck, active or not, for the bot's question lookup at start.
pub async fn all_questions(conn: &mut SqliteConnection) -> Result<Vec<StoredQuestion>> {
    Ok(sqlx::query_as(
        "SELECT q.id, d.guild_id, d.name AS deck, q.path, q.text, \
         (q.active AND d.removed_at IS NULL) AS active, q.suggested_by \
         FROM deck_questions q JOIN decks d ON d.id = q.deck_id ORDER BY q.id",
    )
    .fetch_all(conn)
    .await?)
}

/// The questions of one server's decks, active or not.
pub async fn questions_of(
    conn: &mut SqliteConnection,
    guild: GuildId,
) -> Result<Vec<StoredQuestion>> {
    Ok(sqlx::query_as(
        "SELECT q.id, d.guild_id, d.name AS deck, q.path, q.text, \
         (q.active AND d.removed_at IS NULL) AS active, q.suggested_by \
         FROM deck_questions q JOIN decks d ON d.id = q.deck_id WHERE d.guild_id = ? ORDER BY q.id",
    )
    .bind(int(guild.0))
    .fetch_all(conn)
    .await?)
}

/// The server's decks, by name.
pub async fn list(conn: &mut SqliteConnection, guild: GuildId) -> Result<Vec<DeckRow>> {
    let rows: Vec<RawDeck> = sqlx::query_as(&format!(
        "{DECK_COLUMNS} WHERE d.guild_id = ? AND d.removed_at IS NULL ORDER BY d.name"
    ))
    .bind(int(guild.0))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(deck).collect())
}

/// One deck of the server, unless removed.
pub async fn find(
    conn: &mut SqliteConnection,
    guild: GuildId,
    name: &str,
) -> Result<Option<DeckRow>> {
    let row: Option<RawDeck> = sqlx::query_as(&format!(
        "{DECK_COLUMNS} WHERE d.guild_id = ? AND d.name = ? AND d.removed_at IS NULL"
    ))
    .bind(int(guild.0))
    .bind(name)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(deck))
}

/// The files of a deck as imported, in the order they were imported.
pub async fn files(
    conn: &mut SqliteConnection,
    guild: GuildId,
    name: &str,
) -> Result<Vec<DeckFile>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT q.slug, q.path, q.text FROM deck_questions q JOIN decks d ON d.id = q.deck_id \
         WHERE d.guild_id = ? AND d.name = ? AND d.removed_at IS NULL AND q.active ORDER BY q.id",
    )
    .bind(int(guild.0))
    .bind(name)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, path, text)| {
            Some(DeckFile {
                slug: slug.parse().ok()?,
                path,
                text,
            })
        })
        .collect())
}

/// Stores a deck, replacing the server's deck of that name: a question keeps its id when its file
/// keeps its `id`, and the questions the new files no longer hold become inactive.
pub async fn import(
    conn: &mut SqliteConnection,
    guild: GuildId,
    by: UserId,
    deck: &ParsedDeck,
    now: DateTime<Utc>,
) -> Result<()> {
    let (deck_id,): (i64,) = sqlx::query_as(
        "INSERT INTO decks (guild_id, name, imported_by, imported_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (guild_id, name) DO UPDATE SET imported_by = excluded.imported_by, \
         imported_at = excluded.imported_at, removed_at = NULL RETURNING id",
    )
    .bind(int(guild.0))
    .bind(deck.name.as_str())
    .bind(int(by.0))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE deck_questions SET active = FALSE WHERE deck_id = ?")
        .bind(deck_id)
        .execute(&mut *conn)
        .await?;
    for file in &deck.files {
        sqlx::query(
            "INSERT INTO deck_questions (deck_id, slug, path, text) VALUES (?, ?, ?, ?) \
             ON CONFLICT (deck_id, slug) DO UPDATE SET path = excluded.path, \
             text = excluded.text, active = TRUE",
        )
        .bind(deck_id)
        .bind(file.slug.as_str())
        .bind(&file.path)
        .bind(&file.text)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Removes a deck from use; false when the server has no such deck.
pub async fn remove(
    conn: &mut SqliteConnection,
    guild: GuildId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE decks SET removed_at = ? WHERE guild_id = ? AND name = ? AND removed_at IS NULL",
    )
    .bind(now)
    .bind(int(guild.0))
    .bind(name)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE deck_questions SET active = FALSE \
         WHERE deck_id IN (SELECT id FROM decks WHERE guild_id = ? AND name = ?)",
    )
    .bind(int(guild.0))
    .bind(name)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the server's inactive questions that no open post asks any more: answers given to
/// them stay, without their text.
pub async fn purge(conn: &mut SqliteConnection, guild: GuildId) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM deck_questions WHERE active = FALSE \
         AND deck_id IN (SELECT id FROM decks WHERE guild_id = ?) \
         AND ('deck-' || id) NOT IN (SELECT question_id FROM posts WHERE revealed_at IS NULL)",
    )
    .bind(int(guild.0))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The decks a member last imported in a server (removed ones too): part of their data export.
pub async fn imported_by(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    Ok(sqlx::query_as(
        "SELECT name, imported_at FROM decks WHERE guild_id = ? AND imported_by = ? ORDER BY id",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_all(conn)
    .await?)
}

/// Forgets who imported the server's decks: the decks stay, as the server's.
pub async fn forget(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<u64> {
    let done =
        sqlx::query("UPDATE decks SET imported_by = NULL WHERE guild_id = ? AND imported_by = ?")
            .bind(int(guild.0))
            .bind(int(user.0))
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

/// The server's schedules that draw from the deck `name`.
pub async fn schedules_using(
    conn: &mut SqliteConnection,
    guild: GuildId,
    name: &str,
) -> Result<Vec<ScheduleId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT s.id FROM schedules s JOIN schedule_tracks t ON t.schedule_id = s.id \
         WHERE s.guild_id = ? AND t.track = ? ORDER BY s.id",
    )
    .bind(int(guild.0))
    .bind(name)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ScheduleId).collect())
}

/// Takes the deck `name` out of the server's schedules, and pauses those it leaves with no track
/// (a schedule never falls back to other questions on its own); returns the paused ones.
pub async fn unschedule(
    conn: &mut SqliteConnection,
    guild: GuildId,
    name: &str,
) -> Result<Vec<ScheduleId>> {
    sqlx::query(
        "DELETE FROM schedule_tracks WHERE track = ? \
         AND schedule_id IN (SELECT id FROM schedules WHERE guild_id = ?)",
    )
    .bind(name)
    .bind(int(guild.0))
    .execute(&mut *conn)
    .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE schedules SET paused = TRUE WHERE guild_id = ? AND NOT paused \
         AND id NOT IN (SELECT schedule_id FROM schedule_tracks) RETURNING id",
    )
    .bind(int(guild.0))
    .fetch_all(conn)
    .await?;
    let mut ids: Vec<ScheduleId> = ids.into_iter().map(ScheduleId).collect();
    ids.sort();
    Ok(ids)
}

/// Adds one question to the server's deck `name` (creating the deck, or bringing a removed one
/// back), as an approved suggestion of `suggested_by`.
pub async fn add_question(
    conn: &mut SqliteConnection,
    guild: GuildId,
    name: &str,
    by: UserId,
    file: &DeckFile,
    suggested_by: UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    let (deck_id,): (i64,) = sqlx::query_as(
        "INSERT INTO decks (guild_id, name, imported_by, imported_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (guild_id, name) DO UPDATE SET removed_at = NULL, \
         imported_by = CASE WHEN decks.removed_at IS NULL THEN decks.imported_by ELSE excluded.imported_by END \
         RETURNING id",
    )
    .bind(int(guild.0))
    .bind(name)
    .bind(int(by.0))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO deck_questions (deck_id, slug, path, text, suggested_by) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (deck_id, slug) DO UPDATE SET path = excluded.path, text = excluded.text, \
         active = TRUE, suggested_by = excluded.suggested_by",
    )
    .bind(deck_id)
    .bind(file.slug.as_str())
    .bind(&file.path)
    .bind(&file.text)
    .bind(int(suggested_by.0))
    .execute(conn)
    .await?;
    Ok(())
}
