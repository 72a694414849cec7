//! Schedules, their tracks, and the per-guild time zone.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{int, snowflake};
use crate::domain::ids::{ChannelId, GuildId, RoleId, ScheduleId};

/// A schedule as stored; times and zones stay text here and are parsed by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub id: ScheduleId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub post_time: String,
    pub time_zone: String,
    pub reveal_rule: String,
    pub mention_role: Option<RoleId>,
    pub paused: bool,
    pub deck_seed: u64,
    pub deck_cycle: u32,
    pub next_fire_at: DateTime<Utc>,
    pub next_local_date: NaiveDate,
    pub tracks: Vec<String>,
}

/// What a new schedule is made of.
#[derive(Debug, Clone)]
pub struct NewSchedule<'a> {
    pub guild: GuildId,
    pub channel: ChannelId,
    pub post_time: &'a str,
    pub time_zone: &'a str,
    pub reveal_rule: &'a str,
    pub mention_role: Option<RoleId>,
    pub deck_seed: u64,
    pub next_fire_at: DateTime<Utc>,
    pub next_local_date: NaiveDate,
    pub tracks: &'a [String],
    pub now: DateTime<Utc>,
}

type RawRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    bool,
    i64,
    i64,
    DateTime<Utc>,
    NaiveDate,
);

const COLUMNS: &str = "id, guild_id, channel_id, post_time, time_zone, reveal_rule, \
    mention_role_id, paused, deck_seed, deck_cycle, next_fire_at, next_local_date";

async fn with_tracks(conn: &mut SqliteConnection, raw: RawRow) -> sqlx::Result<ScheduleRow> {
    let tracks: Vec<String> = sqlx::query_scalar(
        "SELECT track FROM schedule_tracks WHERE schedule_id = ? ORDER BY track",
    )
    .bind(raw.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ScheduleRow {
        id: ScheduleId(raw.0),
        guild: GuildId(snowflake(raw.1)),
        channel: ChannelId(snowflake(raw.2)),
        post_time: raw.3,
        time_zone: raw.4,
        reveal_rule: raw.5,
        mention_role: raw.6.map(|r| RoleId(snowflake(r))),
        paused: raw.7,
        deck_seed: raw.8 as u64,
        deck_cycle: u32::try_from(raw.9).unwrap_or(0),
        next_fire_at: raw.10,
        next_local_date: raw.11,
        tracks,
    })
}

/// Records the guild's time zone the first time it configures a schedule; later schedules in
/// other zones do not move the guild's leaderboard weeks.
pub async fn ensure_guild(
    conn: &mut SqliteConnection,
    guild: GuildId,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO guilds (guild_id, time_zone) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(int(guild.0))
        .bind(time_zone)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn guild_time_zone(
    conn: &mut SqliteConnection,
    guild: GuildId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT time_zone FROM guilds WHERE guild_id = ?")
        .bind(int(guild.0))
        .fetch_optional(conn)
        .await
}

pub async fn insert(conn: &mut SqliteConnection, s: &NewSchedule<'_>) -> sqlx::Result<ScheduleId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO schedules (guild_id, channel_id, post_time, time_zone, reveal_rule, \
         mention_role_id, deck_seed, next_fire_at, next_local_date, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(int(s.guild.0))
    .bind(int(s.channel.0))
    .bind(s.post_time)
    .bind(s.time_zone)
    .bind(s.reveal_rule)
    .bind(s.mention_role.map(|r| int(r.0)))
    .bind(s.deck_seed as i64)
    .bind(s.next_fire_at)
    .bind(s.next_local_date)
    .bind(s.now)
    .fetch_one(&mut *conn)
    .await?;
    for track in s.tracks {
        sqlx::query("INSERT INTO schedule_tracks (schedule_id, track) VALUES (?, ?)")
            .bind(id)
            .bind(track)
            .execute(&mut *conn)
            .await?;
    }
    Ok(ScheduleId(id))
}

pub async fn count_in_guild(conn: &mut SqliteConnection, guild: GuildId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM schedules WHERE guild_id = ?")
        .bind(int(guild.0))
        .fetch_one(conn)
        .await
}

/// A schedule of `guild`; another guild's schedule is indistinguishable from a missing one.
pub async fn get(
    conn: &mut SqliteConnection,
    guild: GuildId,
    id: ScheduleId,
) -> sqlx::Result<Option<ScheduleRow>> {
    Ok(get_any(conn, id).await?.filter(|row| row.guild == guild))
}

pub async fn list(conn: &mut SqliteConnection, guild: GuildId) -> sqlx::Result<Vec<ScheduleRow>> {
    let raws: Vec<RawRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM schedules WHERE guild_id = ? ORDER BY id"
    ))
    .bind(int(guild.0))
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = Vec::with_capacity(raws.len());
    for raw in raws {
        rows.push(with_tracks(conn, raw).await?);
    }
    Ok(rows)
}

/// Active schedules whose next post is due at `now`, oldest first.
pub async fn due(conn: &mut SqliteConnection, now: DateTime<Utc>) -> sqlx::Result<Vec<ScheduleId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM schedules WHERE NOT paused AND next_fire_at <= ? ORDER BY next_fire_at, id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ScheduleId).collect())
}

/// A schedule by id alone, for the scheduler (which acts for every guild).
pub async fn get_any(
    conn: &mut SqliteConnection,
    id: ScheduleId,
) -> sqlx::Result<Option<ScheduleRow>> {
    let raw: Option<RawRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM schedules WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
    match raw {
        Some(raw) => Ok(Some(with_tracks(conn, raw).await?)),
        None => Ok(None),
    }
}

/// Moves a schedule to its next post and records the deck cycle it is in.
pub async fn advance(
    conn: &mut SqliteConnection,
    id: ScheduleId,
    next_fire_at: DateTime<Utc>,
    next_local_date: NaiveDate,
    deck_cycle: u32,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE schedules SET next_fire_at = ?, next_local_date = ?, deck_cycle = ? WHERE id = ?",
    )
    .bind(next_fire_at)
    .bind(next_local_date)
    .bind(i64::from(deck_cycle))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records days a schedule could not post, so the gap is visible rather than silent.
pub async fn record_missed_day(
    conn: &mut SqliteConnection,
    id: ScheduleId,
    local_date: NaiveDate,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO missed_days (schedule_id, local_date, recorded_at) VALUES (?, ?, ?) \
         ON CONFLICT DO NOTHING",
    )
    .bind(id.0)
    .bind(local_date)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn missed_days(
    conn: &mut SqliteConnection,
    id: ScheduleId,
) -> sqlx::Result<Vec<NaiveDate>> {
    sqlx::query_scalar(
        "SELECT local_date FROM missed_days WHERE schedule_id = ? ORDER BY local_date",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await
}

/// The changeable parts of a schedule, as stored text.
#[derive(Debug, Clone)]
pub struct ScheduleUpdate<'a> {
    pub channel: ChannelId,
    pub post_time: &'a str,
    pub time_zone: &'a str,
    pub reveal_rule: &'a str,
    pub mention_role: Option<RoleId>,
    pub paused: bool,
    pub next_fire_at: DateTime<Utc>,
    pub next_local_date: NaiveDate,
    pub tracks: &'a [String],
}

pub async fn update(
    conn: &mut SqliteConnection,
    id: ScheduleId,
    u: &ScheduleUpdate<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE schedules SET channel_id = ?, post_time = ?, time_zone = ?, reveal_rule = ?, \
         mention_role_id = ?, paused = ?, next_fire_at = ?, next_local_date = ? WHERE id = ?",
    )
    .bind(int(u.channel.0))
    .bind(u.post_time)
    .bind(u.time_zone)
    .bind(u.reveal_rule)
    .bind(u.mention_role.map(|r| int(r.0)))
    .bind(u.paused)
    .bind(u.next_fire_at)
    .bind(u.next_local_date)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM schedule_tracks WHERE schedule_id = ?")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for track in u.tracks {
        sqlx::query("INSERT INTO schedule_tracks (schedule_id, track) VALUES (?, ?)")
            .bind(id.0)
            .bind(track)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Pauses or resumes a schedule, with the post it fires next.
pub async fn set_paused(
    conn: &mut SqliteConnection,
    id: ScheduleId,
    paused: bool,
    next_fire_at: DateTime<Utc>,
    next_local_date: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE schedules SET paused = ?, next_fire_at = ?, next_local_date = ? WHERE id = ?",
    )
    .bind(paused)
    .bind(next_fire_at)
    .bind(next_local_date)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a schedule with its posts, answers and streaks; standings already earned stay.
pub async fn delete(
    conn: &mut SqliteConnection,
    guild: GuildId,
    id: ScheduleId,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM schedules WHERE id = ? AND guild_id = ?")
        .bind(id.0)
        .bind(int(guild.0))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
