//! Per-server settings that are not a schedule's: where the bot reports what went wrong, and
//! the champion role it gives each week's or month's leader.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Result, int, snowflake};
use crate::domain::ids::{ChannelId, GuildId, RoleId, UserId};
use crate::domain::period::Period;

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

/// The server's champion role: which role, for which period's leader, who holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Champion {
    pub guild: GuildId,
    pub role: RoleId,
    pub period: Period,
    pub holder: Option<UserId>,
}

/// Sets the champion role (given to each `period`'s leader from `next` on) or, with `None`,
/// stops giving it. The holder is forgotten: whoever holds the old role keeps it until an admin
/// takes it back, as the bot no longer manages that role.
pub async fn set_champion(
    conn: &mut SqliteConnection,
    guild: GuildId,
    champion: Option<(RoleId, Period, DateTime<Utc>)>,
) -> Result<()> {
    let (role, period, next) = match champion {
        Some((role, period, next)) => (Some(int(role.0)), Some(period.as_str()), Some(next)),
        None => (None, None, None),
    };
    sqlx::query(
        "INSERT INTO guild_settings (guild_id, champion_role_id, champion_period, next_champion_at) \
         VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET \
         champion_role_id = excluded.champion_role_id, champion_period = excluded.champion_period, \
         next_champion_at = excluded.next_champion_at, champion_user_id = NULL",
    )
    .bind(int(guild.0))
    .bind(role)
    .bind(period)
    .bind(next)
    .execute(conn)
    .await?;
    Ok(())
}

/// The server's champion role, if set.
pub async fn champion(conn: &mut SqliteConnection, guild: GuildId) -> Result<Option<Champion>> {
    let raw: Option<RawChampion> = sqlx::query_as(
        "SELECT guild_id, champion_role_id, champion_period, champion_user_id FROM guild_settings \
         WHERE guild_id = ?",
    )
    .bind(int(guild.0))
    .fetch_optional(conn)
    .await?;
    Ok(raw.and_then(to_champion))
}

#[derive(sqlx::FromRow)]
struct RawChampion {
    guild_id: i64,
    champion_role_id: Option<i64>,
    champion_period: Option<String>,
    champion_user_id: Option<i64>,
}

/// A stored champion setting; `None` when no role is set (or the row does not convert).
fn to_champion(raw: RawChampion) -> Option<Champion> {
    Some(Champion {
        guild: GuildId(snowflake(raw.guild_id)),
        role: RoleId(snowflake(raw.champion_role_id?)),
        period: raw.champion_period?.parse().ok()?,
        holder: raw.champion_user_id.map(|h| UserId(snowflake(h))),
    })
}

/// Servers whose champion is due to change at `now`.
pub async fn champions_due(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Champion>> {
    let raws: Vec<RawChampion> = sqlx::query_as(
        "SELECT guild_id, champion_role_id, champion_period, champion_user_id FROM guild_settings \
         WHERE next_champion_at IS NOT NULL AND next_champion_at <= ? ORDER BY guild_id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(raws.into_iter().filter_map(to_champion).collect())
}

/// Records who holds the champion role now, and when it changes next.
pub async fn record_champion(
    conn: &mut SqliteConnection,
    guild: GuildId,
    holder: Option<UserId>,
    next: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query(
        "UPDATE guild_settings SET champion_user_id = ?, next_champion_at = ? WHERE guild_id = ?",
    )
    .bind(holder.map(|h| int(h.0)))
    .bind(next)
    .bind(int(guild.0))
    .execute(conn)
    .await?;
    Ok(())
}
