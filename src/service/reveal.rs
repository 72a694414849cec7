//! Revealing a post's model answer: in the same transaction every answer is scored, points are
//! added to the standings and each member's streak advances, so a crash never leaves a reveal
//! half-applied.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::decks::QuestionRef;
use crate::domain::grading::Grader;
use crate::domain::ids::{GuildId, PostId, ScheduleId, UserId};
use crate::domain::period::{Period, period_key};
use crate::domain::scoring;
use crate::domain::streak::Outcome;
use crate::store::reviews::Source;
use crate::store::{answers, posts, quizzes, schedules, standings, streaks};

use super::share::group_summary;
use super::{Error, Result, RevealView, Service};

impl Service {
    /// Reveals every post whose reveal time has come, oldest first, so streaks advance in the
    /// order questions were asked. A post that never reached Discord is closed instead, unscored
    /// (see [`RevealView::never_posted`]). One post that cannot be revealed (a corrupt row, say)
    /// is logged and left for the next pass without holding up the others; the pass fails only
    /// when every due post failed, as when the database is down.
    #[tracing::instrument(skip_all)]
    pub async fn reveal_due(&self) -> Result<Vec<RevealView>> {
        let now = self.now();
        let due = {
            let mut conn = self.store.read().await?;
            posts::reveal_due(&mut conn, now).await?
        };
        let mut revealed = Vec::new();
        let mut first_error = None;
        for post in due {
            match self.reveal_post(post, now, Closing::Scheduled).await {
                Ok(Some(view)) => revealed.push(view),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(post = %post, "could not reveal (retried at the next pass): {e}");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) if revealed.is_empty() => Err(e),
            _ => Ok(revealed),
        }
    }

    /// Reveals one post; `None` when it was already revealed (by a concurrent run or an admin).
    /// A skipped post is revealed without scoring: it neither extends nor breaks streaks.
    ///
    /// Members can only answer a question they saw, so a post whose message Discord never
    /// accepted is not revealed: the schedule's own reveal closes it unscored, the day recorded
    /// as missed (as a day the bot was down: no streak moves, no freeze is spent); an admin's
    /// `/reveal-now` is refused while it may still arrive, and `/skip` closes it the same way.
    async fn reveal_post(
        &self,
        post: PostId,
        now: DateTime<Utc>,
        closing: Closing,
    ) -> Result<Option<RevealView>> {
        let skipped = closing == Closing::Skip;
        let mut tx = self.store.write().await?;
        let Some(row) = posts::get(&mut tx, post).await? else {
            return Ok(None);
        };
        if row.revealed_at.is_some() {
            return Ok(None);
        }
        if row.message_id.is_none() {
            if closing == Closing::RevealNow {
                return Err(Error::NotDelivered(row.schedule));
            }
            if !posts::close_undelivered(&mut tx, post, now).await? {
                return Ok(None);
            }
            if !row.manual {
                schedules::record_missed_day(&mut tx, row.schedule, row.local_date, now).await?;
            }
            tx.commit().await?;
            tracing::warn!(post = %post, schedule = %row.schedule, "closed unrevealed: the question never reached Discord, the day counts as missed");
            return Ok(Some(RevealView {
                post,
                guild: row.guild,
                channel: row.channel,
                message_id: None,
                question: self.question(&row.question_id).map(QuestionRef::into_owned),
                answer_count: 0,
                skipped,
                never_posted: true,
                streak_events: Vec::new(),
                summary: None,
            }));
        }
        if !posts::mark_revealed(&mut tx, post, now, skipped).await? {
            return Ok(None);
        }
        let question = self.question(&row.question_id).map(QuestionRef::into_owned);
        let submitted = answers::for_post(&mut tx, post).await?;
        let mut events = Vec::new();
        if !skipped {
            let zone = self.guild_zone(&mut tx, row.guild).await?;
            // Points count towards the periods the question was asked in.
            let award_periods: Vec<String> = Period::ALL
                .iter()
                .map(|p| period_key(*p, row.fire_at, zone))
                .collect();
            let current_periods: Vec<String> = Period::ALL
                .iter()
                .map(|p| period_key(*p, now, zone))
                .collect();
            // A question that left the corpus has no rubric: its answers cover nothing.
            let grader = question
                .as_ref()
                .map_or_else(|| Grader::from_key_points(&[]), Grader::new);

            // Members who saw this model answer in a practice quiz earn no points for its score.
            let practised = quizzes::practised(&mut tx, row.guild, &row.question_id, now).await?;

            let mut answered = HashSet::new();
            for answer in &submitted {
                let graded = grader.grade(&answer.body);
                let practised_at = practised.get(&answer.user).copied();
                let points = match practised_at {
                    Some(_) => scoring::points_after_practice(),
                    None => scoring::points(graded.score),
                };
                answers::record_score(&mut tx, post, answer.user, &graded, points, practised_at)
                    .await?;
                // The member's review card: the question comes back when FSRS says.
                self.rate_card(
                    &mut tx,
                    row.guild,
                    answer.user,
                    &row.question_id,
                    Source::Daily(post.0),
                    graded.grade,
                    now,
                )
                .await?;
                let (streak, event) = streaks::get(&mut tx, row.schedule, answer.user)
                    .await?
                    .apply(Outcome::Answered);
                streaks::put(&mut tx, row.schedule, answer.user, streak).await?;
                let best = streaks::best_current(&mut tx, row.guild, answer.user).await?;
                for period in &award_periods {
                    standings::add(&mut tx, row.guild, period, answer.user, points, best).await?;
                }
                answered.insert(answer.user);
                events.push((answer.user, event));
            }
            let missed: Vec<(UserId, _)> = streaks::live(&mut tx, row.schedule)
                .await?
                .into_iter()
                .filter(|(user, _)| !answered.contains(user))
                .collect();
            for (user, streak) in missed {
                let (streak, event) = streak.apply(Outcome::Missed);
                streaks::put(&mut tx, row.schedule, user, streak).await?;
                let best = streaks::best_current(&mut tx, row.guild, user).await?;
                standings::set_streak(&mut tx, row.guild, &current_periods, user, best).await?;
                events.push((user, event));
            }
        }
        tx.commit().await?;
        tracing::info!(post = %post, answers = submitted.len(), skipped, "revealed");
        Ok(Some(RevealView {
            post,
            guild: row.guild,
            channel: row.channel,
            message_id: row.message_id,
            question,
            answer_count: submitted.len(),
            skipped,
            never_posted: false,
            streak_events: events,
            summary: None,
        }))
    }
}

/// Who closes a post, which decides what happens to one that never reached Discord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// Its reveal time came.
    Scheduled,
    /// An admin's `/reveal-now`.
    RevealNow,
    /// An admin's `/skip`: revealed without scoring.
    Skip,
}

impl Service {
    /// Reveals committed but not yet accepted by Discord (a crash, an outage, a refusal that may
    /// pass, a delivery still under way), oldest first, for the outbox to send again.
    pub async fn unsent_reveals(&self) -> Result<Vec<PostId>> {
        let mut conn = self.store.read().await?;
        Ok(posts::unsent_reveals(&mut conn).await?)
    }

    /// A reveal as it must be sent now, read again under the delivery's claim; `None` when
    /// nothing is left to send (sent already, refused for good, or never revealed).
    pub async fn reveal_to_send(&self, post: PostId) -> Result<Option<RevealView>> {
        let mut conn = self.store.read().await?;
        let Some(row) = posts::get(&mut conn, post).await? else {
            return Ok(None);
        };
        if row.revealed_at.is_none() || row.reveal_sent_at.is_some() || row.delivery_error.is_some()
        {
            return Ok(None);
        }
        let answer_count = answers::count(&mut conn, row.id).await?;
        let question = self.question(&row.question_id).map(QuestionRef::into_owned);
        let summary = match (&question, row.skipped) {
            (Some(question), false) => Some(group_summary(&mut conn, post, question).await?),
            _ => None,
        };
        Ok(Some(RevealView {
            post: row.id,
            guild: row.guild,
            channel: row.channel,
            message_id: row.message_id,
            question,
            answer_count: usize::try_from(answer_count).unwrap_or(0),
            skipped: row.skipped,
            never_posted: row.undelivered,
            streak_events: Vec::new(),
            summary,
        }))
    }

    /// Records that Discord accepted every part of a post's reveal.
    pub async fn record_reveal_sent(&self, post: PostId) -> Result<()> {
        let mut tx = self.store.write().await?;
        posts::set_reveal_sent(&mut tx, post, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that Discord refused a post or its reveal for good (the channel is gone, the bot
    /// lost access), so it is not retried; the reason stays in the database for the operator.
    pub async fn record_delivery_error(&self, post: PostId, error: &str) -> Result<()> {
        let mut tx = self.store.write().await?;
        posts::set_delivery_error(&mut tx, post, error).await?;
        tx.commit().await?;
        tracing::error!(post = %post, "Discord refused delivery for good: {error}");
        Ok(())
    }
}

impl Service {
    /// An admin reveals the schedule's open question now, scoring it as at its reveal time.
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %schedule))]
    pub async fn reveal_now(&self, guild: GuildId, schedule: ScheduleId) -> Result<RevealView> {
        self.close_open_post(guild, schedule, false).await
    }

    /// An admin skips the schedule's open question: its model answer is revealed but nothing is
    /// scored, so it neither extends nor breaks anyone's streak; the deck moves on.
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %schedule))]
    pub async fn skip(&self, guild: GuildId, schedule: ScheduleId) -> Result<RevealView> {
        self.close_open_post(guild, schedule, true).await
    }

    async fn close_open_post(
        &self,
        guild: GuildId,
        schedule: ScheduleId,
        skipped: bool,
    ) -> Result<RevealView> {
        let open = {
            let mut conn = self.store.read().await?;
            if !schedules::exists(&mut conn, guild, schedule).await? {
                return Err(Error::ScheduleNotFound(schedule));
            }
            posts::latest_open(&mut conn, schedule).await?
        };
        let post = open.ok_or(Error::NothingOpen(schedule))?;
        let closing = if skipped {
            Closing::Skip
        } else {
            Closing::RevealNow
        };
        self.reveal_post(post.id, self.now(), closing)
            .await?
            .ok_or(Error::NothingOpen(schedule))
    }
}
