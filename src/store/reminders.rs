//! Members' reminder settings, and the reminders each post has sent.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, int, snowflake};
use crate::domain::ids::{ChannelId, GuildId, PostId, UserId};

/// Sets a member's reminder, `hours` before reveals, or with `None` turns it off.
pub async fn set(
    conn: &mut SqliteConnection,
    guild: GuildId,
    user: UserId,
    hours: Option<u8>,
) -> Result<()> {
    match hours {
        Some(hours) => {
            sqlx::query(
                "INSERT INTO reminders (guild_id, user_id, hours) VALUES (?, ?, ?) \
                 ON CONFLICT (guild_id, user_id) DO UPDATE SET hours = excluded.hours",
            )
            .bind(int(guild.0))
            .bind(int(user.0))
            .bind(i64::from(hours))
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM reminders WHERE guild_id = ? AND user_id = ?")
                .bind(int(guild.0))
                .bind(int(user.0))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// A member's reminder hours, if they turned reminders on.
pub async fn get(conn: &mut SqliteConnection, guild: GuildId, user: UserId) -> Result<Option<u8>> {
    let hours: Option<i64> =
        sqlx::query_scalar("SELECT hours FROM reminders WHERE guild_id = ? AND user_id = ?")
            .bind(int(guild.0))
            .bind(int(user.0))
            .fetch_optional(conn)
            .await?;
    Ok(hours.and_then(|h| u8::try_from(h).ok()))
}

/// An open question a member asked reminders for, has not answered, and was not reminded of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub post: PostId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub message: u64,
    pub user: UserId,
    pub hours: u8,
    pub fire_at: DateTime<Utc>,
    pub reveal_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RawCandidate {
    id: i64,
    guild_id: i64,
    channel_id: i64,
    message_id: i64,
    user_id: i64,
    hours: i64,
    fire_at: DateTime<Utc>,
    reveal_at: DateTime<Utc>,
}

/// Every candidate reminder; whether its time has come is the caller's rule
/// ([`crate::domain::reminder::due`]). Only questions members can see (Discord accepted them,
/// nothing refused) and still open.
pub async fn candidates(conn: &mut SqliteConnection) -> Result<Vec<Candidate>> {
    let raws: Vec<RawCandidate> = sqlx::query_as(
        "SELECT p.id, p.guild_id, p.channel_id, p.message_id, r.user_id, r.hours, p.fire_at, \
         p.reveal_at FROM posts p JOIN reminders r ON r.guild_id = p.guild_id \
         WHERE p.revealed_at IS NULL AND p.message_id IS NOT NULL AND p.delivery_error IS NULL \
         AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.post_id = p.id AND a.user_id = r.user_id) \
         AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.post_id = p.id AND s.user_id = r.user_id) \
         ORDER BY p.reveal_at, p.id, r.user_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(raws
        .into_iter()
        .filter_map(|r| {
            Some(Candidate {
                post: PostId(r.id),
                guild: GuildId(snowflake(r.guild_id)),
                channel: ChannelId(snowflake(r.channel_id)),
                message: snowflake(r.message_id),
                user: UserId(snowflake(r.user_id)),
                hours: u8::try_from(r.hours).ok()?,
                fire_at: r.fire_at,
                reveal_at: r.reveal_at,
            })
        })
        .collect())
}

/// Records that a post reminded a member (or gave up: their DMs are closed), so it does once.
pub async fn mark_sent(
    conn: &mut SqliteConnection,
    post: PostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO reminders_sent (post_id, user_id, sent_at) VALUES (?, ?, ?)",
    )
    .bind(post.0)
    .bind(int(user.0))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
