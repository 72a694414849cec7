//! Members' suggestions for the server's decks, and the channel where moderators see them.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, Row, RowError, int, snowflake};
use crate::domain::ids::{ChannelId, GuildId, UserId};

/// Where a suggestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Approved,
    Rejected,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }
}

/// A suggestion, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionRow {
    pub id: i64,
    pub guild: GuildId,
    pub user: UserId,
    pub question: String,
    pub answer: String,
    pub track: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// The moderation post, once Discord accepted it.
    pub message: Option<(ChannelId, u64)>,
    pub decided_by: Option<UserId>,
    pub deck: Option<String>,
    pub reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Raw {
    id: i64,
    guild_id: i64,
    user_id: i64,
    question: String,
    answer: String,
    track: String,
    status: String,
    created_at: DateTime<Utc>,
    channel_id: Option<i64>,
    message_id: Option<i64>,
    decided_by: Option<i64>,
    deck: Option<String>,
    reason: Option<String>,
}

const COLUMNS: &str = "SELECT id, guild_id, user_id, question, answer, track, status, created_at, \
     channel_id, message_id, decided_by, deck, reason FROM suggestions";

fn convert(raw: Raw) -> Result<SuggestionRow, RowError> {
    let status = match raw.status.as_str() {
        "open" => Status::Open,
        "approved" => Status::Approved,
        "rejected" => Status::Rejected,
        other => {
            let row = Row::new("suggestions", || format!("id {}", raw.id));
            return Err(row.error("status", format!("{other:?} is not a status")));
        }
    };
    Ok(SuggestionRow {
        id: raw.id,
        guild: GuildId(snowflake(raw.guild_id)),
        user: UserId(snowflake(raw.user_id)),
        question: raw.question,
        answer: raw.answer,
        track: raw.track,
        status,
        created_at: raw.created_at,
        message: raw
            .channel_id
            .zip(raw.message_id)
            .map(|(c, m)| (ChannelId(snowflake(c)), snowflake(m))),
        decided_by: raw.decided_by.map(|u| UserId(snowflake(u))),
        deck: raw.deck,
        reason: raw.reason,
    })
}

fn all(rows: Vec<Raw>) -> Result<Vec<SuggestionRow>> {
    Ok(rows
        .into_iter()
        .map(convert)
        .collect::<Result<_, RowError>>()?)
}

/// A new open suggestion; its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    (question, answer, track): (&str, &str, &str),
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO suggestions (guild_id, user_id, question, answer, track, created_at) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .bind(question)
    .bind(answer)
    .bind(track)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// How many of the member's suggestions in the server are still open.
pub async fn open_count(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM suggestions WHERE guild_id = ? AND user_id = ? AND status = 'open'",
    )
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_one(conn)
    .await?)
}

pub async fn get(
    conn: &mut SqliteConnection,
    guild: GuildId,
    id: i64,
) -> Result<Option<SuggestionRow>> {
    let raw: Option<Raw> = sqlx::query_as(&format!("{COLUMNS} WHERE guild_id = ? AND id = ?"))
        .bind(int(guild.0))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(raw.map(convert).transpose()?)
}

/// Changes an open suggestion's text; false when it is no longer open.
pub async fn edit(
    conn: &mut SqliteConnection,
    guild: GuildId,
    id: i64,
    (question, answer, track): (&str, &str, &str),
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE suggestions SET question = ?, answer = ?, track = ? \
         WHERE guild_id = ? AND id = ? AND status = 'open'",
    )
    .bind(question)
    .bind(answer)
    .bind(track)
    .bind(int(guild.0))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A moderator's decision on a suggestion.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub status: Status,
    pub by: UserId,
    /// The deck an approved suggestion joined.
    pub deck: Option<&'a str>,
    /// Why it was rejected, when the moderator said.
    pub reason: Option<&'a str>,
}

/// Closes an open suggestion as decided; false when it was no longer open (another moderator
/// decided first).
pub async fn decide(
    conn: &mut SqliteConnection,
    guild: GuildId,
    id: i64,
    decision: Decision<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Decision {
        status,
        by,
        deck,
        reason,
    } = decision;
    let done = sqlx::query(
        "UPDATE suggestions SET status = ?, decided_by = ?, deck = ?, reason = ?, decided_at = ? \
         WHERE guild_id = ? AND id = ? AND status = 'open'",
    )
    .bind(status.as_str())
    .bind(int(by.0))
    .bind(deck)
    .bind(reason)
    .bind(now)
    .bind(int(guild.0))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Open suggestions not yet posted for moderation, in servers with a moderation channel, with
/// that channel.
pub async fn unposted(conn: &mut SqliteConnection) -> Result<Vec<(SuggestionRow, ChannelId)>> {
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "{COLUMNS} WHERE status = 'open' AND message_id IS NULL AND post_error IS NULL ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for row in all(rows)? {
        if let Some(channel) = moderation_channel(conn, row.guild).await? {
            out.push((row, channel));
        }
    }
    Ok(out)
}

pub async fn set_posted(
    conn: &mut SqliteConnection,
    id: i64,
    channel: ChannelId,
    message: u64,
) -> Result<()> {
    sqlx::query("UPDATE suggestions SET channel_id = ?, message_id = ? WHERE id = ?")
        .bind(int(channel.0))
        .bind(int(message))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records that Discord refused a suggestion's moderation post for good: it is not tried again
/// until an admin sets the moderation channel again.
pub async fn set_post_error(conn: &mut SqliteConnection, id: i64, reason: &str) -> Result<()> {
    sqlx::query("UPDATE suggestions SET post_error = ? WHERE id = ?")
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The open suggestions of a server whose moderation post Discord refused for good, and the
/// latest reason.
pub async fn refused(conn: &mut SqliteConnection, guild: GuildId) -> Result<(i64, Option<String>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), MAX(post_error) FROM suggestions \
         WHERE guild_id = ? AND status = 'open' AND message_id IS NULL AND post_error IS NOT NULL",
    )
    .bind(int(guild.0))
    .fetch_one(conn)
    .await?)
}

/// Decided suggestions whose suggester has not been told yet.
pub async fn unnotified(conn: &mut SqliteConnection) -> Result<Vec<SuggestionRow>> {
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "{COLUMNS} WHERE status != 'open' AND notified_at IS NULL ORDER BY id"
    ))
    .fetch_all(conn)
    .await?;
    all(rows)
}

pub async fn set_notified(conn: &mut SqliteConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE suggestions SET notified_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A member's suggestions in the server, for their data export.
pub async fn of_member(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
) -> Result<Vec<SuggestionRow>> {
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "{COLUMNS} WHERE guild_id = ? AND user_id = ? ORDER BY id"
    ))
    .bind(int(guild.0))
    .bind(int(user.0))
    .fetch_all(conn)
    .await?;
    all(rows)
}

/// Deletes a member's suggestions in the server and their credit on approved ones (the
/// questions stay, as the server's).
pub async fn forget(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<()> {
    sqlx::query("DELETE FROM suggestions WHERE guild_id = ? AND user_id = ?")
        .bind(int(guild.0))
        .bind(int(user.0))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE deck_questions SET suggested_by = NULL WHERE suggested_by = ? \
         AND deck_id IN (SELECT id FROM decks WHERE guild_id = ?)",
    )
    .bind(int(user.0))
    .bind(int(guild.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets (or clears) the channel where suggestions are posted for moderation; suggestions Discord
/// refused to post are tried again there.
pub async fn set_moderation_channel(
    conn: &mut SqliteConnection,
    guild: GuildId,
    channel: Option<ChannelId>,
) -> Result<()> {
    sqlx::query(
        "UPDATE suggestions SET post_error = NULL \
         WHERE guild_id = ? AND status = 'open' AND message_id IS NULL",
    )
    .bind(int(guild.0))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO guild_settings (guild_id, suggestion_channel_id) VALUES (?, ?) \
         ON CONFLICT (guild_id) DO UPDATE SET suggestion_channel_id = excluded.suggestion_channel_id",
    )
    .bind(int(guild.0))
    .bind(channel.map(|c| int(c.0)))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn moderation_channel(
    conn: &mut SqliteConnection,
    guild: GuildId,
) -> Result<Option<ChannelId>> {
    let channel: Option<Option<i64>> =
        sqlx::query_scalar("SELECT suggestion_channel_id FROM guild_settings WHERE guild_id = ?")
            .bind(int(guild.0))
            .fetch_optional(conn)
            .await?;
    Ok(channel.flatten().map(|c| ChannelId(snowflake(c))))
}
