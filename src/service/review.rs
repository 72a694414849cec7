//! `/review`: each member's own questions again, when FSRS says they are about to be forgotten.
//! Every graded answer rates the member's card for its question (see [`rate_card`]); `/review`
//! shows the due cards one at a time, graded like a quiz, each answer rating the card again.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::decks::QuestionRef;
use crate::corpus::{Question, TrackId};
use crate::domain::grading::Grader;
use crate::domain::ids::{GuildId, ReviewId, UserId};
use crate::domain::review::{self, CardState, Recall};
use crate::feedback::Assessment;
use crate::store::posts;
use crate::store::reviews::{self, Source};

use super::answers::check;
use super::{Error, Result, Service};

/// A due card, shown to its member.
#[derive(Debug, Clone)]
pub struct ReviewView {
    pub id: ReviewId,
    pub question: Question,
    /// Cards due now, this one included.
    pub due: u32,
    pub card: CardState,
}

/// What `/review` has for a member now.
#[derive(Debug, Clone)]
pub enum ReviewStart {
    Card(Box<ReviewView>),
    /// Nothing due: when the next card is (if any), and how many cards the member has.
    NothingDue {
        next: Option<DateTime<Utc>>,
        cards: u32,
    },
}

/// A review answer, graded at once, with the model answer and when the card comes back.
#[derive(Debug, Clone)]
pub struct ReviewResult {
    pub question: Question,
    pub assessment: Assessment,
    pub recall: Recall,
    pub next_due: DateTime<Utc>,
    /// Cards still due after this one.
    pub remaining: u32,
}

impl Service {
    /// Rates the member's card for `question_id` from a grade `source` gave at `now`, creating the
    /// card on a first answer; nothing when `source` rated it before (a reveal run again), or when
    /// the question has no rubric (a deck's): its grade measures nothing to review.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn rate_card(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guild: GuildId,
        user: UserId,
        question_id: &str,
        source: Source,
        grade: u8,
        now: DateTime<Utc>,
    ) -> Result<Option<CardState>> {
        if self
            .question(question_id)
            .is_some_and(|q| q.key_points.is_empty())
        {
            return Ok(None);
        }
        let current = reviews::card(conn, guild, user, question_id).await?;
        // History rated late never moves a card back in time.
        let now = current.as_ref().map_or(now, |c| now.max(c.last_review));
        let next = review::rate(current.as_ref(), grade, now);
        let recall = Recall::of_grade(grade);
        let logged = reviews::log_rating(
            conn,
            guild,
            user,
            question_id,
            source,
            grade,
            recall.number(),
            now,
            next.due,
        )
        .await?;
        if !logged {
            return Ok(None);
        }
        reviews::put_card(conn, guild, user, question_id, &next).await?;
        Ok(Some(next))
    }
}

impl Service {
    /// The member's longest-overdue card whose question is still in the corpus and not open as
    /// a daily question in the server (its model answer would give the day away). A second
    /// `/review` before answering shows the same prompt.
    /// With `track`, only cards of that track (a corpus track or a server deck).
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user))]
    pub async fn start_review(
        &self,
        guild: GuildId,
        user: UserId,
        track: Option<&TrackId>,
    ) -> Result<ReviewStart> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let due = self.due_cards(&mut tx, guild, user, track, now).await?;
        let Some((question, card)) = due.first().map(|(q, c)| (Question::clone(q), c.clone()))
        else {
            let (next, cards) = reviews::next_due(&mut tx, guild, user, now).await?;
            return Ok(ReviewStart::NothingDue { next, cards });
        };
        let id = match reviews::open_for(&mut tx, guild, user, question.id.as_str()).await? {
            Some(row) => row.id,
            None => reviews::insert(&mut tx, guild, user, question.id.as_str(), now).await?,
        };
        tx.commit().await?;
        Ok(ReviewStart::Card(Box::new(ReviewView {
            id,
            question,
            due: u32::try_from(due.len()).unwrap_or(u32::MAX),
            card,
        })))
    }

    /// How many of the member's cards of `track` are due now.
    pub async fn reviews_due_in(
        &self,
        guild: GuildId,
        user: UserId,
        track: &TrackId,
    ) -> Result<u32> {
        let mut conn = self.store.read().await?;
        let due = self
            .due_cards(&mut conn, guild, user, Some(track), self.now())
            .await?;
        Ok(u32::try_from(due.len()).unwrap_or(u32::MAX))
    }

    /// The member's due cards, longest overdue first, whose question is known and not open as a
    /// daily question in the server; with `track`, of that track only.
    async fn due_cards(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guild: GuildId,
        user: UserId,
        track: Option<&TrackId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(QuestionRef<'_>, CardState)>> {
        let open: HashSet<String> = posts::open_questions(conn, guild)
            .await?
            .into_iter()
            .collect();
        Ok(reviews::due(conn, guild, user, now)
            .await?
            .into_iter()
            .filter(|(id, _)| !open.contains(id))
            .filter_map(|(id, card)| self.question(&id).map(|q| (q, card)))
            .filter(|(q, _)| track.is_none_or(|t| &q.track == t))
            .collect())
    }

    /// Checks that a review is the member's own and unanswered before its form is shown.
    pub async fn check_review(&self, guild: GuildId, user: UserId, id: ReviewId) -> Result<()> {
        let mut conn = self.store.read().await?;
        let row = reviews::get(&mut conn, guild, user, id)
            .await?
            .ok_or(Error::ReviewNotFound)?;
        if row.answered_at.is_some() {
            return Err(Error::ReviewAlreadyAnswered);
        }
        Ok(())
    }

    /// Grades a review answer, rates the card and says when it comes back. Answered once.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user, review = %id))]
    pub async fn answer_review(
        &self,
        guild: GuildId,
        user: UserId,
        id: ReviewId,
        text: &str,
    ) -> Result<ReviewResult> {
        let text = check(text)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let row = reviews::get(&mut tx, guild, user, id)
            .await?
            .ok_or(Error::ReviewNotFound)?;
        if row.answered_at.is_some() {
            return Err(Error::ReviewAlreadyAnswered);
        }
        let question = self
            .question(&row.question_id)
            .map(QuestionRef::into_owned)
            .ok_or(Error::ReviewNotFound)?;
        let graded = Grader::new(&question).grade(text);
        if !reviews::answer(&mut tx, id, text, &graded, now).await? {
            return Err(Error::ReviewAlreadyAnswered);
        }
        let card = self
            .rate_card(
                &mut tx,
                guild,
                user,
                &row.question_id,
                Source::Review(id.0),
                graded.grade,
                now,
            )
            .await?
            .ok_or_else(|| {
                Error::Corrupt(format!("review {id} was rated before it was answered"))
            })?;
        let remaining = reviews::due_count(&mut tx, guild, user, now).await?;
        tx.commit().await?;
        Ok(ReviewResult {
            assessment: Assessment::new(Some(&question), &graded),
            question,
            recall: Recall::of_grade(graded.grade),
            next_due: card.due,
            remaining,
        })
    }

    /// How many of the member's cards are due now (shown after they answer the daily question).
    pub async fn reviews_due(&self, guild: GuildId, user: UserId) -> Result<u32> {
        let mut conn = self.store.read().await?;
        Ok(reviews::due_count(&mut conn, guild, user, self.now()).await?)
    }

    /// Rates the cards of answers and quizzes graded before review cards existed, oldest first,
    /// so a server's history is reviewable from the first `/review`. Returns how many it rated;
    /// run at startup, and a no-op once done.
    pub async fn rate_history(&self) -> Result<usize> {
        let mut tx = self.store.write().await?;
        let pending = reviews::unrated(&mut tx).await?;
        let mut rated = 0;
        for r in pending {
            if self
                .rate_card(
                    &mut tx,
                    r.guild,
                    r.user,
                    &r.question_id,
                    r.source,
                    r.grade,
                    r.at,
                )
                .await?
                .is_some()
            {
                rated += 1;
            }
        }
        tx.commit().await?;
        if rated > 0 {
            tracing::info!(
                rated,
                "review cards made from answers graded before /review"
            );
        }
        Ok(rated)
    }
}
