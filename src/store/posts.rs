//! Posted questions: one row per scheduled post (unique per schedule and local date), its Discord
//! message, and its reveal.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{Result, Row, RowError, int, snowflake};
use crate::domain::ids::{ChannelId, GuildId, PostId, ScheduleId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRow {
    pub id: PostId,
    pub schedule: ScheduleId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub manual: bool,
    pub local_date: NaiveDate,
    pub question_id: String,
    pub deck_cycle: u32,
    pub fire_at: DateTime<Utc>,
    pub reveal_at: DateTime<Utc>,
    pub revealed_at: Option<DateTime<Utc>>,
    pub skipped: bool,
    pub nonce: String,
    pub message_id: Option<u64>,
    /// When Discord accepted every part of the reveal (or there was nothing to send).
    pub reveal_sent_at: Option<DateTime<Utc>>,
    /// Why Discord refused the post or its reveal for good; such a post is not sent again.
    pub delivery_error: Option<String>,
    /// Closed at its reveal time without ever reaching Discord: not revealed, not scored.
    pub undelivered: bool,
}

/// A row as SQLite holds it; [`PostRow`] is what the rest of the crate reads.
#[derive(sqlx::FromRow)]
struct RawPost {
    id: i64,
    schedule_id: i64,
    guild_id: i64,
    channel_id: i64,
    kind: String,
    local_date: NaiveDate,
    question_id: String,
    deck_cycle: i64,
    fire_at: DateTime<Utc>,
    reveal_at: DateTime<Utc>,
    revealed_at: Option<DateTime<Utc>>,
    skipped: bool,
    nonce: String,
    message_id: Option<i64>,
    reveal_sent_at: Option<DateTime<Utc>>,
    delivery_error: Option<String>,
    undelivered: bool,
}

const COLUMNS: &str = "id, schedule_id, guild_id, channel_id, kind, local_date, question_id, \
    deck_cycle, fire_at, reveal_at, revealed_at, skipped, nonce, message_id, reveal_sent_at, \
    delivery_error, undelivered";

fn from_raw(r: RawPost) -> Result<PostRow, RowError> {
    let id = r.id;
    let row = Row::new("posts", || format!("id {id}"));
    let manual = match r.kind.as_str() {
        "manual" => true,
        "scheduled" => false,
        other => return Err(row.error("kind", format!("{other:?} is not scheduled or manual"))),
    };
    Ok(PostRow {
        id: PostId(r.id),
        schedule: ScheduleId(r.schedule_id),
        guild: GuildId(snowflake(r.guild_id)),
        channel: ChannelId(snowflake(r.channel_id)),
        manual,
        local_date: r.local_date,
        question_id: r.question_id,
        deck_cycle: row.number("deck_cycle", r.deck_cycle)?,
        fire_at: r.fire_at,
        reveal_at: r.reveal_at,
        revealed_at: r.revealed_at,
        skipped: r.skipped,
        nonce: r.nonce,
        message_id: r.message_id.map(snowflake),
        reveal_sent_at: r.reveal_sent_at,
        delivery_error: r.delivery_error,
        undelivered: r.undelivered,
    })
}

#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub schedule: ScheduleId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub manual: bool,
    pub local_date: NaiveDate,
    pub question_id: &'a str,
    pub deck_cycle: u32,
    pub fire_at: DateTime<Utc>,
    pub reveal_at: DateTime<Utc>,
    pub nonce: &'a str,
    pub now: DateTime<Utc>,
}

/// Inserts a post; `None` when a scheduled post for that schedule and date already exists, which
/// is how a second run of the due step (a retry, a race, a restart) knows to do nothing.
pub async fn insert(conn: &mut SqliteConnection, p: &NewPost<'_>) -> Result<Option<PostId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO posts (schedule_id, guild_id, channel_id, kind, local_date, question_id, \
         deck_cycle, fire_at, created_at, reveal_at, nonce) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (schedule_id, local_date) WHERE kind = 'scheduled' DO NOTHING RETURNING id",
    )
    .bind(p.schedule.0)
    .bind(int(p.guild.0))
    .bind(int(p.channel.0))
    .bind(if p.manual { "manual" } else { "scheduled" })
    .bind(p.local_date)
    .bind(p.question_id)
    .bind(i64::from(p.deck_cycle))
    .bind(p.fire_at)
    .bind(p.now)
    .bind(p.reveal_at)
    .bind(p.nonce)
    .fetch_optional(conn)
    .await?;
    Ok(id.map(PostId))
}

pub async fn get(conn: &mut SqliteConnection, id: PostId) -> Result<Option<PostRow>> {
    let raw: Option<RawPost> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM posts WHERE id = ?"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    Ok(raw.map(from_raw).transpose()?)
}

/// Questions a schedule already posted in a deck cycle, so the deck does not repeat them.
pub async fn questions_in_cycle(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
    cycle: u32,
) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar(
            "SELECT question_id FROM posts WHERE schedule_id = ? AND deck_cycle = ?",
        )
        .bind(schedule.0)
        .bind(i64::from(cycle))
        .fetch_all(conn)
        .await?,
    )
}

/// The schedule's most recent post.
pub async fn latest(conn: &mut SqliteConnection, schedule: ScheduleId) -> Result<Option<PostRow>> {
    let raw: Option<RawPost> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM posts WHERE schedule_id = ? ORDER BY id DESC LIMIT 1"
    ))
    .bind(schedule.0)
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(from_raw).transpose()?)
}

/// The schedule's latest post that is still open for answers.
pub async fn latest_open(
    conn: &mut SqliteConnection,
    schedule: ScheduleId,
) -> Result<Option<PostRow>> {
    let raw: Option<RawPost> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM posts WHERE schedule_id = ? AND revealed_at IS NULL \
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(schedule.0)
    .fetch_optional(conn)
    .await?;
    Ok(raw.map(from_raw).transpose()?)
}

/// Posts whose reveal time has come, in reveal order (then post order, so streaks advance in the
/// order the questions were asked).
pub async fn reveal_due(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<Vec<PostId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM posts WHERE revealed_at IS NULL AND reveal_at <= ? ORDER BY reveal_at, id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(PostId).collect())
}

/// Marks a post revealed; false when it already was, so a reveal is applied exactly once.
pub async fn mark_revealed(
    conn: &mut SqliteConnection,
    id: PostId,
    now: DateTime<Utc>,
    skipped: bool,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE posts SET revealed_at = ?, skipped = ? WHERE id = ? AND revealed_at IS NULL",
    )
    .bind(now)
    .bind(skipped)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the Discord message of a post once Discord accepted it; returns whether the post is
/// closed already (its reveal time came while it was being sent), read in the same statement.
pub async fn set_message(conn: &mut SqliteConnection, id: PostId, message_id: u64) -> Result<bool> {
    let closed: Option<bool> = sqlx::query_scalar(
        "UPDATE posts SET message_id = ? WHERE id = ? RETURNING revealed_at IS NOT NULL",
    )
    .bind(int(message_id))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    Ok(closed.unwrap_or(false))
}

/// Posts committed but not (known to be) sent: a crash or an outage came between the commit and
/// Discord's answer. They are sent again with the same nonce, which Discord deduplicates.
pub async fn unsent(conn: &mut SqliteConnection) -> Result<Vec<PostId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM posts WHERE message_id IS NULL AND revealed_at IS NULL \
         AND delivery_error IS NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(PostId).collect())
}

/// Reveals committed (and scored) whose model answer Discord has not yet accepted, oldest first.
pub async fn unsent_reveals(conn: &mut SqliteConnection) -> Result<Vec<PostId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM posts WHERE revealed_at IS NOT NULL AND reveal_sent_at IS NULL \
         AND delivery_error IS NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(PostId).collect())
}

/// Closes a post that never reached Discord, at its reveal time: nothing to reveal or send.
/// False when it was closed meanwhile or its message was recorded after all.
pub async fn close_undelivered(
    conn: &mut SqliteConnection,
    id: PostId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE posts SET revealed_at = ?, reveal_sent_at = ?, undelivered = TRUE \
         WHERE id = ? AND revealed_at IS NULL AND message_id IS NULL",
    )
    .bind(now)
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that every part of a post's reveal was accepted by Discord.
pub async fn set_reveal_sent(
    conn: &mut SqliteConnection,
    id: PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE posts SET reveal_sent_at = ? WHERE id = ? AND reveal_sent_at IS NULL")
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records that Discord refused a post or its reveal for good, so it is no longer retried.
pub async fn set_delivery_error(
    conn: &mut SqliteConnection,
    id: PostId,
    error: &str,
) -> Result<()> {
    sqlx::query("UPDATE posts SET delivery_error = ? WHERE id = ?")
        .bind(error)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Questions currently open for answers in a guild: a quiz must not reveal their model answers.
pub async fn open_questions(conn: &mut SqliteConnection, guild: GuildId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT question_id FROM posts WHERE guild_id = ? AND revealed_at IS NULL",
    )
    .bind(int(guild.0))
    .fetch_all(conn)
    .await?)
}

/// A guild's posts still open for answers whose message was sent, newest first.
pub async fn open_in_guild(conn: &mut SqliteConnection, guild: GuildId) -> Result<Vec<PostRow>> {
    let raws: Vec<RawPost> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM posts WHERE guild_id = ? AND revealed_at IS NULL \
         AND message_id IS NOT NULL ORDER BY id DESC"
    ))
    .bind(int(guild.0))
    .fetch_all(conn)
    .await?;
    Ok(raws.into_iter().map(from_raw).collect::<Result<_, _>>()?)
}

/// A post with its number among its guild's revealed posts (1 = the first revealed).
#[derive(sqlx::FromRow)]
struct NumberedRaw {
    number: i64,
    #[sqlx(flatten)]
    post: RawPost,
}

/// The guild's posts whose model answer members saw (revealed, and delivered), numbered in
/// reveal order so a number keeps naming the same question as more are revealed.
const REVEALED: &str = "SELECT ROW_NUMBER() OVER (ORDER BY revealed_at, id) AS number, {COLUMNS} \
    FROM posts WHERE guild_id = ? AND revealed_at IS NOT NULL AND message_id IS NOT NULL";

fn numbered(raws: Vec<NumberedRaw>) -> Result<Vec<(u32, PostRow)>> {
    raws.into_iter()
        .map(|r| {
            let number = u32::try_from(r.number).unwrap_or(u32::MAX);
            Ok((number, from_raw(r.post)?))
        })
        .collect()
}

/// A page of the guild's revealed posts, newest first.
pub async fn revealed_page(
    conn: &mut SqliteConnection,
    guild: GuildId,
    limit: u32,
    offset: u32,
) -> Result<Vec<(u32, PostRow)>> {
    let sql = format!(
        "SELECT * FROM ({}) ORDER BY number DESC LIMIT ? OFFSET ?",
        REVEALED.replace("{COLUMNS}", COLUMNS)
    );
    let raws: Vec<NumberedRaw> = sqlx::query_as(&sql)
        .bind(int(guild.0))
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(conn)
        .await?;
    numbered(raws)
}

/// The guild's revealed post with this number, if there is one.
pub async fn revealed_number(
    conn: &mut SqliteConnection,
    guild: GuildId,
    number: u32,
) -> Result<Option<(u32, PostRow)>> {
    let sql = format!(
        "SELECT * FROM ({}) WHERE number = ?",
        REVEALED.replace("{COLUMNS}", COLUMNS)
    );
    let raws: Vec<NumberedRaw> = sqlx::query_as(&sql)
        .bind(int(guild.0))
        .bind(i64::from(number))
        .fetch_all(conn)
        .await?;
    Ok(numbered(raws)?.into_iter().next())
}

/// How many posts of the guild have been revealed to members.
pub async fn revealed_count(conn: &mut SqliteConnection, guild: GuildId) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM posts WHERE guild_id = ? AND revealed_at IS NOT NULL \
         AND message_id IS NOT NULL",
    )
    .bind(int(guild.0))
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A post or reveal Discord refused for good that its server's log channel has not been told of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnloggedRefusal {
    pub post: PostId,
    pub schedule: ScheduleId,
    pub channel: ChannelId,
    pub log_channel: ChannelId,
    pub local_date: NaiveDate,
    pub error: String,
}

#[derive(sqlx::FromRow)]
struct RawRefusal {
    id: i64,
    schedule_id: i64,
    channel_id: i64,
    log_channel_id: i64,
    local_date: NaiveDate,
    delivery_error: String,
}

/// Refusals to report, oldest first, in servers that have a log channel.
pub async fn unlogged_refusals(conn: &mut SqliteConnection) -> Result<Vec<UnloggedRefusal>> {
    let raws: Vec<RawRefusal> = sqlx::query_as(
        "SELECT p.id, p.schedule_id, p.channel_id, g.log_channel_id, p.local_date, \
         p.delivery_error FROM posts p JOIN guild_settings g ON g.guild_id = p.guild_id \
         WHERE p.delivery_error IS NOT NULL AND p.refusal_logged_at IS NULL \
         AND g.log_channel_id IS NOT NULL ORDER BY p.id",
    )
    .fetch_all(conn)
    .await?;
    Ok(raws
        .into_iter()
        .map(|r| UnloggedRefusal {
            post: PostId(r.id),
            schedule: ScheduleId(r.schedule_id),
            channel: ChannelId(snowflake(r.channel_id)),
            log_channel: ChannelId(snowflake(r.log_channel_id)),
            local_date: r.local_date,
            error: r.delivery_error,
        })
        .collect())
}

/// Records that a refusal was reported (or that reporting it was given up), so it is reported once.
pub async fn set_refusal_logged(
    conn: &mut SqliteConnection,
    id: PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE posts SET refusal_logged_at = ? WHERE id = ?")
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}
