//! Per-server settings that are not a schedule's: where the bot reports what went wrong.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, int, snowflake};
use crate::domain::ids::{ChannelId, GuildId};

/// Sets (or with `None` clears) the server's log channel. Refusals already recorded are shown in
/// `/schedule list` and are not reported late, so a new log channel starts with what comes next.
pub async fn set_log_channel(
    conn: &mut SqliteConnection,
    guild: GuildId,
    channel: Option<ChannelId>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO guild_settings (guild_id, log_channel_id) VALUES (?, ?) \
         ON CONFLICT (guild_id) DO UPDATE SET log_channel_id = excluded.log_channel_id",
    )
    .bind(int(guild.0))
    .bind(channel.map(|c| int(c.0)))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE posts SET refusal_logged_at = ? \
         WHERE guild_id = ? AND delivery_error IS NOT NULL AND refusal_logged_at IS NULL",
    )
    .bind(now)
    .bind(int(guild.0))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The server's log channel, if an admin set one.
pub async fn log_channel(conn: &mut SqliteConnection, guild: GuildId) -> Result<Option<ChannelId>> {
    let channel: Option<Option<i64>> =
        sqlx::query_scalar("SELECT log_channel_id FROM guild_settings WHERE guild_id = ?")
            .bind(int(guild.0))
            .fetch_optional(conn)
            .await?;
    Ok(channel.flatten().map(|c| ChannelId(snowflake(c))))
}
