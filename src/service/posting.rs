//! Posting each schedule's question when it is due, exactly once per local date, and recording the
//! Discord message it became.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rand::Rng;
use sqlx::SqliteConnection;

use crate::corpus::QuestionId;
use crate::domain::deck::{self, DeckState};
use crate::domain::ids::RoleId;
use crate::domain::ids::{GuildId, PostId, ScheduleId};
use crate::domain::schedule;
use crate::store::posts::{self, NewPost, PostRow};
use crate::store::schedules::{self, ScheduleRow};

use super::{Error, PostDue, PostView, Result, Service};

/// The message nonce of a scheduled post: derived from what makes it unique, so every resend
/// carries the same one. Hex keeps it within Discord's 25 characters: at most 16 + 1 + 5.
fn nonce(schedule: ScheduleId, date: NaiveDate) -> String {
    format!("{:x}-{:x}", schedule.0, date.num_days_from_ce())
}

impl Service {
    /// Posts every schedule whose time has come. Safe to run at any moment, repeatedly or
    /// concurrently: each schedule is claimed inside one write transaction and a post is unique
    /// per schedule and local date. After downtime, a schedule posts its latest due date once;
    /// earlier dates whose reveal has passed are recorded as missed, never silently dropped.
    #[tracing::instrument(skip_all)]
    pub async fn post_due(&self) -> Result<PostDue> {
        let now = self.now();
        let due = {
            let mut conn = self.store.read().await?;
            schedules::due(&mut conn, now).await?
        };
        let mut out = PostDue::default();
        for id in due {
            match self.post_schedule(id, now, &mut out).await {
                Ok(()) => {}
                // One broken schedule must not stop the others from posting.
                Err(e @ Error::Corrupt(_)) => {
                    tracing::error!(schedule = %id, "cannot post: {e}");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    async fn post_schedule(
        &self,
        id: ScheduleId,
        now: DateTime<Utc>,
        out: &mut PostDue,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        let Some(row) = schedules::get_any(&mut tx, id).await? else {
            return Ok(());
        };
        if row.paused || row.next_fire_at > now {
            return Ok(()); // claimed by a concurrent run, or paused meanwhile
        }
        let (date, fire) = schedule::latest_post_at_or_before(now, row.time, &row.zone, row.days);
        let mut day = row.next_local_date;
        while day < date {
            // A day the schedule does not post on is not a miss.
            if row.days.contains(day.weekday()) {
                tracing::warn!(schedule = %id, date = %day, "a day could not be posted: the bot was down past its reveal");
                schedules::record_missed_day(&mut tx, id, day, now).await?;
                out.missed.push((id, day));
            }
            day = day.succ_opt().unwrap_or(date);
        }
        let reveal_at = schedule::reveal_at(fire, row.reveal, &row.zone);
        let pick = if reveal_at > now {
            match self.pick_question(&mut tx, &row).await {
                Ok(pick) => Some(pick),
                // The schedule's tracks have no questions in this corpus: the day is recorded as
                // missed (and the schedule moves on) rather than retried and logged every tick.
                Err(e @ Error::EmptyDeck(_)) => {
                    tracing::error!(schedule = %id, date = %date, "cannot post: {e}");
                    None
                }
                Err(e) => return Err(e),
            }
        } else {
            tracing::warn!(schedule = %id, date = %date, "a day could not be posted: the bot was down past its reveal");
            None
        };
        let mut cycle = row.deck_cycle;
        match pick {
            None => {
                schedules::record_missed_day(&mut tx, id, date, now).await?;
                out.missed.push((id, date));
            }
            Some(pick) => {
                cycle = pick.cycle;
                let inserted = posts::insert(
                    &mut tx,
                    &NewPost {
                        schedule: id,
                        guild: row.guild,
                        channel: row.channel,
                        manual: false,
                        local_date: date,
                        question_id: pick.question.as_str(),
                        deck_cycle: pick.cycle,
                        fire_at: fire,
                        reveal_at,
                        nonce: &nonce(id, date),
                        now,
                    },
                )
                .await?;
                if let Some(post) = inserted {
                    let post = posts::get(&mut tx, post)
                        .await?
                        .ok_or(Error::PostNotFound)?;
                    out.posted.push(self.post_view(post, row.mention_role)?);
                }
            }
        }
        let (next_date, next_fire) = schedule::next_post_after(now, row.time, &row.zone, row.days);
        schedules::advance(&mut tx, id, next_fire, next_date, cycle).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The schedule's next question from its deck.
    async fn pick_question(
        &self,
        conn: &mut SqliteConnection,
        row: &ScheduleRow,
    ) -> Result<deck::Pick> {
        let eligible: Vec<QuestionId> = self
            .questions_in(row.guild)
            .iter()
            .filter(|q| row.tracks.iter().any(|t| t == q.track.as_str()))
            .filter(|q| row.difficulty.is_none_or(|d| q.difficulty == d))
            .map(|q| q.id.clone())
            .collect();
        let used: HashSet<QuestionId> = posts::questions_in_cycle(conn, row.id, row.deck_cycle)
            .await?
            .into_iter()
            .filter_map(|q| q.parse().ok())
            .collect();
        let last: Option<QuestionId> = posts::latest(conn, row.id)
            .await?
            .and_then(|p| p.question_id.parse().ok());
        let state = DeckState {
            seed: row.deck_seed,
            cycle: row.deck_cycle,
        };
        deck::next(&eligible, &used, last.as_ref(), state).ok_or(Error::EmptyDeck(row.id))
    }

    /// A post as sent, with the role its schedule mentions.
    fn post_view(&self, post: PostRow, mention_role: Option<RoleId>) -> Result<PostView> {
        let question = self
            .question(&post.question_id)
            .ok_or_else(|| {
                Error::Corrupt(format!(
                    "post {} asks {:?}, not in the corpus",
                    post.id, post.question_id
                ))
            })?
            .into_owned();
        let track_name = self.track_name(&question.track);
        Ok(PostView {
            id: post.id,
            schedule: post.schedule,
            guild: post.guild,
            channel: post.channel,
            local_date: post.local_date,
            question,
            track_name,
            reveal_at: post.reveal_at,
            mention_role,
            nonce: post.nonce,
            message_id: post.message_id,
            revealed: post.revealed_at.is_some(),
        })
    }

    /// Records the Discord message a post became, once Discord accepted it. True when the post
    /// was closed meanwhile, so the front end can show it closed at once.
    pub async fn record_message(&self, post: PostId, message_id: u64) -> Result<bool> {
        let mut tx = self.store.write().await?;
        let closed = posts::set_message(&mut tx, post, message_id).await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// Posts committed but not known to be sent (a crash between commit and Discord's reply, an
    /// outage, a delivery still under way): the outbox sends each again with its nonce.
    pub async fn unsent_posts(&self) -> Result<Vec<PostId>> {
        let mut conn = self.store.read().await?;
        Ok(posts::unsent(&mut conn).await?)
    }

    /// A post as it must be sent now, read again under the delivery's claim: a list made before
    /// another task delivered or closed it is stale. `None` when nothing is left to send
    /// (Discord has it, it was closed, Discord refused it for good, or it was deleted), and when
    /// its reveal time has come: nobody could answer it any more, and the reveal closes it as a
    /// missed day instead.
    pub async fn post_to_send(&self, post: PostId) -> Result<Option<PostView>> {
        let now = self.now();
        let mut conn = self.store.read().await?;
        let Some(row) = posts::get(&mut conn, post).await? else {
            return Ok(None);
        };
        if row.message_id.is_some()
            || row.revealed_at.is_some()
            || row.delivery_error.is_some()
            || row.reveal_at <= now
        {
            return Ok(None);
        }
        self.view_of(&mut conn, row).await
    }
}

impl Service {
    /// An admin posts the schedule's next question now, in addition to its daily posts (for
    /// example after skipping one). It is a post like any other: it is revealed by the schedule's
    /// rule and counts for streaks.
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %id))]
    pub async fn post_now(&self, guild: GuildId, id: ScheduleId) -> Result<PostView> {
        let now = self.now();
        let nonce = self.with_rng(|rng| format!("m{:x}", rng.next_u64()));
        let mut tx = self.store.write().await?;
        let row = schedules::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::ScheduleNotFound(id))?;
        let pick = self.pick_question(&mut tx, &row).await?;
        let post = posts::insert(
            &mut tx,
            &NewPost {
                schedule: id,
                guild,
                channel: row.channel,
                manual: true,
                local_date: schedule::local_date(now, &row.zone),
                question_id: pick.question.as_str(),
                deck_cycle: pick.cycle,
                fire_at: now,
                reveal_at: schedule::reveal_at(now, row.reveal, &row.zone),
                nonce: &nonce,
                now,
            },
        )
        .await?
        .ok_or_else(|| Error::Corrupt("a manual post conflicted".into()))?;
        schedules::advance(
            &mut tx,
            id,
            row.next_fire_at,
            row.next_local_date,
            pick.cycle,
        )
        .await?;
        let post = posts::get(&mut tx, post)
            .await?
            .ok_or(Error::PostNotFound)?;
        let view = self.post_view(post, row.mention_role)?;
        tx.commit().await?;
        Ok(view)
    }
}

impl Service {
    /// A post as it stands, whatever its server, for the outbox that delivers it.
    pub async fn post_by_id(&self, post: PostId) -> Result<Option<PostView>> {
        let mut conn = self.store.read().await?;
        let Some(row) = posts::get(&mut conn, post).await? else {
            return Ok(None);
        };
        self.view_of(&mut conn, row).await
    }

    /// A post of `guild` as sent, to render it again (e.g. with a new answer count).
    pub async fn post(&self, guild: GuildId, post: PostId) -> Result<PostView> {
        self.post_by_id(post)
            .await?
            .filter(|view| view.guild == guild)
            .ok_or(Error::PostNotFound)
    }

    /// A post row as members see it, with its schedule's role to mention; `None` when the
    /// schedule is gone.
    async fn view_of(&self, conn: &mut SqliteConnection, row: PostRow) -> Result<Option<PostView>> {
        let Some(mention_role) = schedules::mention_role(conn, row.schedule).await? else {
            return Ok(None);
        };
        self.post_view(row, mention_role).map(Some)
    }
}

impl Service {
    /// The guild's questions open for answers right now, newest first (for `/question`).
    pub async fn open_posts(&self, guild: GuildId) -> Result<Vec<PostView>> {
        let mut conn = self.store.read().await?;
        let mut views = Vec::new();
        for row in posts::open_in_guild(&mut conn, guild).await? {
            views.extend(self.view_of(&mut conn, row).await?);
        }
        Ok(views)
    }
}
