//! Schedules, their tracks, and the per-guild time zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::SqliteConnection;

use super::{Result, Row, int, snowflake};
use crate::corpus::Difficulty;
use crate::domain::ids::{ChannelId, GuildId, RoleId, ScheduleId};
use crate::domain::schedule::{PostDays, PostTime, RevealRule, Zone};

/// A schedule as the crate uses it: its time, zone and reveal rule were parsed once, here, from
/// the text they are stored as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub id: ScheduleId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub time: PostTime,
    pub zone: Zone,
    pub reveal: RevealRule,
    pub mention_role: Option<RoleId>,
    pub paused: bool,
    pub deck_seed: u64,
    pub deck_cycle: u32,
    pub next_fire_at: DateTime<Utc>,
    pub next_local_date: NaiveDate,
    pub tracks: Vec<String>,
    /// The one difficulty it draws; `None` draws every difficulty.
    pub difficulty: Option<Difficulty>,
    /// The weekdays it posts on.
    pub days: PostDays,
    /// When its next weekly recap is due; `None` when recaps are off.
    pub next_recap_at: Option<DateTime<Utc>>,
}

/// What a new schedule is made of.
#[derive(Debug, Clone)]
pub struct NewSchedule<'a> {
    pub guild: GuildId,
    pub channel: ChannelId,
    pub time: PostTime,
    pub zone: Zone,
    pub reveal: RevealRule,
    pub mention_role: Option<RoleId>,
    pub deck_seed: u64,
    pub next_fire_at: DateTime<Utc>,
    pub next_local_date: NaiveDate,
    pub tracks: &'a [String],
    pub difficulty: Option<Difficulty>,
    pub days: PostDays,
    pub now: DateTime<Utc>,
}

/// A row as SQLite holds it; [`ScheduleRow`] is what the rest of the crate reads.
#[derive(sqlx::FromRow)]
struct RawSchedule {
    id: i64,
    guild_id: i64,
    channel_id: i64,
    post_time: String,
    time_zone: String,
    reveal_rule: String,
    mention_role_id: Option<i64>,
    paused: bool,
    deck_seed: i64,
    deck_cycle: i64,
    next_fire_at: DateTime<Utc>,
    next_local_date: NaiveDate,
    difficulty: Option<String>,
    post_days: i64,
    next_recap_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, guild_id, channel_id, post_time, time_zone, reveal_rule, \
    mention_role_id, paused, deck_seed, deck_cycle, next_fire_at, next_local_date, difficulty, post_days, \
    next_recap_at";

/// Converts a stored schedule, reading its tracks.
async fn with_tracks(conn: &mut SqliteConnection, raw: RawSchedule) -> Result<ScheduleRow> {
    let id = raw.id;
    let row = Row::new("schedules", || format!("id {id}"));
    let time = row.parse("post_time", &raw.post_time)?;
    let zone = row.parse("time_zone", &raw.time_zone)?;
    let reveal = row.parse("reveal_rule", &raw.reveal_rule)?;
    let deck_cycle = row.number("deck_cycle", raw.deck_cycle)?;
    let difficulty = raw
        .difficulty
        .as_deref()
        .map(|d| row.parse("difficulty", d))
        .transpose()?;
    let days = row
        .number::<u8>("post_days", raw.post_days)
        .ok()
        .and_then(PostDays::from_bits)
        .ok_or_else(|| {
            row.error(
                "post_days",
                format!("{} is not a set of days", raw.post_days),
            )
        })?;
    let tracks: Vec<String> = sqlx::query_scalar(
        "SELECT track FROM schedule_tracks WHERE schedule_id = ? ORDER BY track",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ScheduleRow {
        id: ScheduleId(id),
        guild: GuildId(snowflake(raw.guild_id)),
        channel: ChannelId(snowflake(raw.channel_id)),
        time,
        zone,
        reveal,
        mention_role: raw.mention_role_id.map(|r| RoleId(snowflake(r))),
        paused: raw.paused,
        // Stored as the same 64 bits (`insert` binds `deck_seed as i64`), so the cast restores it.
        deck_seed: raw.deck_seed as u64,
        deck_cycle,
        next_fire_at: raw.next_fire_at,
        next_local_date: raw.next_local_date,
        tracks,
        difficulty,
        days,
        next_recap_at: raw.next_recap_at,
    })
}

/// Records the guild's time zone the first time it configures a schedule; later schedules in
/// other zones do not move the guild's leaderboard weeks.
pub async fn ensure_guild(conn: &mut SqliteConnection, guild: GuildId, zone: Zone) -> Result<()> {
    sqlx::query("INSERT INTO guilds (guild_id, time_zone) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(int(guild.0))
        .bind(zone.name())
        .execute(conn)
        .await?;
    Ok(())
}

/// The guild's time zone; `None` until it configured a schedule. Read as the exact IANA name
/// [`ensure_guild`] writes (chrono-tz's own parser, not the forgiving one admins type into).
pub async fn guild_time_zone(conn: &mut SqliteConnection, guild: GuildId) -> Result<Option<Zone>> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT time_zone FROM guilds WHERE guild_id = ?")
            .bind(int(guild.0))
            .fetch_optional(conn)
            .await?;
    let row = Row::new("guilds", || format!("guild_id {guild}"));
    Ok(name
        .map(|name| row.parse::<Tz>("time_zone", &name).map(Zone::from))
        .transpose()?)
}

pub async fn insert(conn: &mut SqliteConnection, s: &NewSchedule<'_>) -> Result<ScheduleId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO schedules (guild_id, channel_id, post_time, time_zone, reveal_rule, \
         mention_role_id, deck_seed, next_fire_at, next_local_date, created_at, difficulty, post_days) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(int(s.guild.0))
    .bind(int(s.channel.0))
    .bind(s.time.to_string())
    .bind(s.zone.name())
    .bind(s.reveal.to_string())
    .bind(s.mention_role.map(|r| int(r.0)))
    .bind(s.deck_seed as i64)
    .bind(s.next_fire_at)
    .bind(s.next_local_date)
    .bind(s.now)
    .bind(s.difficulty.map(Difficulty::as_str))
    .bind(s.days.bits())
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

pub async fn count_in_guild(conn: &mut SqliteConnection, guild: GuildId) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM schedules WHERE guild_id = ?")
            .bind(int(guild.0))
            .fetch_one(conn)
            .await?,
    )
}

/// A schedule of `guild`; another guild's schedule is indistinguishable from a missing one.
pub async fn get(
    conn: &mut SqliteConnection,
    guild: GuildId,
    id: ScheduleId,
) -> Result<Option<ScheduleRow>> {
    Ok(get_any(conn, id).await?.filter(|row| row.guild == guild))
}

/// Whether `guild` has the schedule, without converting it: closing its open post needs nothing
/// more, and works even when the schedule's own time or zone is unreadable.
pub async fn exists(conn: &mut SqliteConnection, guild: GuildId, id: ScheduleId) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM schedules WHERE id = ? AND guild_id = ?")
            .bind(id.0)
            .bind(int(guild.0))
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// The role a schedule's posts mention: `None` when the schedule is gone, `Some(None)` when it
/// mentions nobody. All a post needs of its schedule to be sent, so a post still goes out when
/// its schedule's own time or zone is unreadable.
pub async fn mention_role(
    conn: &mut SqliteConnection,
    id: ScheduleId,
) -> Result<Option<Option<RoleId>>> {
    let role: Option<Option<i64>> =
        sqlx::query_scalar("SELECT mention_role_id FROM schedules WHERE id = ?")
            .bind(id.0)
            .fetch_optional(conn)
            .await?;
    Ok(role.map(|role| role.map(|r| RoleId(snowflake(r)))))
}

pub async fn list(conn: &mut SqliteConnection, guild: GuildId) -> Result<Vec<ScheduleRow>> {
    let raws: Vec<RawSchedule> = sqlx::query_as(&format!(
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
pub async fn due(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<Vec<ScheduleId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM schedules WHERE NOT paused AND next_fire_at <= ? ORDER BY next_fire_at, id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ScheduleId).collect())
}

/// A schedule by id alone, for the scheduler (which acts for every guild).
pub async fn get_any(conn: &mut SqliteConnection, id: ScheduleId) -> Result<Option<ScheduleRow>> {
    let raw: Option<RawSchedule> =
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
) -> Result<()> {
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
) -> Result<()> {
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

pub async fn missed_days(conn: &mut SqliteConnection, id: ScheduleId) -> Result<Vec<NaiveDate>> {
    Ok(sqlx::query_scalar(
        "SELECT local_date FROM missed_days WHERE schedule_id = ? ORDER BY local_date",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?)
}

/// The changeable parts of a schedule.
#[derive(Debug, Clone)]
pub struct ScheduleUpdate<'a> {
    pub channel: ChannelId,
    pub time: PostTime,
    pub zone: Zone,
    pub reveal: RevealRule,
    pub mention_role: Option<RoleId>,
    pub paused: bool,
    pub next_fire_at: DateTime<Utc>,
    pub next_local_date: NaiveDate,
    pub tracks: &'a [String],
    pub difficulty: Option<Difficulty>,
    pub days: PostDays,
}

pub async fn update(
    conn: &mut SqliteConnection,
    id: ScheduleId,
    u: &ScheduleUpdate<'_>,
) -> Result<()> {
    sqlx::query(
        "UPDATE schedules SET channel_id = ?, post_time = ?, time_zone = ?, reveal_rule = ?, \
         mention_role_id = ?, paused = ?, next_fire_at = ?, next_local_date = ?, difficulty = ?, \
         post_days = ? WHERE id = ?",
    )
    .bind(int(u.channel.0))
    .bind(u.time.to_string())
    .bind(u.zone.name())
    .bind(u.reveal.to_string())
    .bind(u.mention_role.map(|r| int(r.0)))
    .bind(u.paused)
    .bind(u.next_fire_at)
    .bind(u.next_local_date)
    .bind(u.difficulty.map(Difficulty::as_str))
    .bind(u.days.bits())
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
) -> Result<()> {
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

/// How many posts, answers and streaks deleting schedule `id` takes with it.
pub async fn removal_counts(
    conn: &mut SqliteConnection,
    id: ScheduleId,
) -> Result<(i64, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM posts WHERE schedule_id = ?1), \
         (SELECT COUNT(*) FROM answers a JOIN posts p ON p.id = a.post_id WHERE p.schedule_id = ?1), \
         (SELECT COUNT(*) FROM streaks WHERE schedule_id = ?1)",
    )
    .bind(id.0)
    .fetch_one(conn)
    .await?)
}

/// Deletes a schedule with its posts, answers and streaks; standings already earned stay.
pub async fn delete(conn: &mut SqliteConnection, guild: GuildId, id: ScheduleId) -> Result<bool> {
    let done = sqlx::query("DELETE FROM schedules WHERE id = ? AND guild_id = ?")
        .bind(id.0)
        .bind(int(guild.0))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
