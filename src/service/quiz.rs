//! On-demand practice: a question the member has not seen recently, scored as soon as they
//! answer, with the model answer. Quizzes count towards a member's stats, not streaks or points.

use std::collections::HashSet;

use chrono::Duration;
use rand::seq::IndexedRandom;

use super::decks::QuestionRef;
use crate::corpus::Question;
use crate::domain::grading::Grader;
use crate::domain::ids::{GuildId, QuizId, UserId};
use crate::feedback::Assessment;
use crate::store::{posts, quizzes};

use super::answers::check;
use super::{Error, QuizFilter, QuizResult, QuizView, Result, Service};
use crate::store::reviews::Source;

/// How far back a member's quiz history keeps a question from coming up again.
pub const QUIZ_MEMORY: Duration = Duration::days(30);

impl Service {
    /// The questions practice (a quiz, a mock interview) may ask: those matching `filter`, never
    /// one open as a daily question in the server, whose model answer would give the day away.
    pub(super) async fn practice_candidates(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guild: GuildId,
        filter: &QuizFilter,
    ) -> Result<Vec<QuestionRef<'_>>> {
        let open: HashSet<String> = posts::open_questions(conn, guild)
            .await?
            .into_iter()
            .collect();
        Ok(self
            .questions_in(guild)
            .into_iter()
            .filter(|q| filter.track.as_ref().is_none_or(|t| &q.track == t))
            .filter(|q| filter.difficulty.is_none_or(|d| q.difficulty == d))
            .filter(|q| !open.contains(q.id.as_str()))
            .collect())
    }

    /// Picks a practice question: never one open in the guild's daily posts (its model answer
    /// would give the day away), preferably one the member has not been quizzed on in the last
    /// 30 days, else the one they saw longest ago.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user))]
    pub async fn start_quiz(
        &self,
        guild: GuildId,
        user: UserId,
        filter: QuizFilter,
    ) -> Result<QuizView> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let candidates = self.practice_candidates(&mut tx, guild, &filter).await?;
        if candidates.is_empty() {
            return Err(Error::NoQuizQuestions(filter));
        }
        let recent = quizzes::seen_since(&mut tx, guild, user, now - QUIZ_MEMORY).await?;
        let fresh: Vec<&Question> = candidates
            .iter()
            .map(|q| &**q)
            .filter(|q| !recent.iter().any(|r| r == q.id.as_str()))
            .collect();
        let question = if fresh.is_empty() {
            // Everything was seen recently: the one seen longest ago (last in most-recent-first).
            let oldest = recent
                .iter()
                .rev()
                .find_map(|r| candidates.iter().find(|q| q.id.as_str() == r));
            &**oldest.unwrap_or(&candidates[0])
        } else {
            self.with_rng(|rng| fresh.choose(rng).copied())
                .unwrap_or(fresh[0])
        };
        let id = quizzes::insert(&mut tx, guild, user, question.id.as_str(), now).await?;
        tx.commit().await?;
        Ok(QuizView {
            id,
            question: question.clone(),
        })
    }

    /// Checks that a practice question is the member's own, in this server, and still unanswered,
    /// before its answer form is shown: a tampered or stale button is refused at the click.
    pub async fn check_quiz(&self, guild: GuildId, user: UserId, quiz: QuizId) -> Result<()> {
        let mut conn = self.store.read().await?;
        let row = quizzes::get(&mut conn, guild, user, quiz)
            .await?
            .ok_or(Error::QuizNotFound)?;
        if row.answered_at.is_some() {
            return Err(Error::QuizAlreadyAnswered);
        }
        Ok(())
    }

    /// Scores a practice answer at once and returns the model answer. A quiz is answered once.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user, quiz = %quiz))]
    pub async fn answer_quiz(
        &self,
        guild: GuildId,
        user: UserId,
        quiz: QuizId,
        text: &str,
    ) -> Result<QuizResult> {
        let text = check(text)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let row = quizzes::get(&mut tx, guild, user, quiz)
            .await?
            .ok_or(Error::QuizNotFound)?;
        if row.answered_at.is_some() {
            return Err(Error::QuizAlreadyAnswered);
        }
        let question = self
            .question(&row.question_id)
            .map(QuestionRef::into_owned)
            .ok_or(Error::QuizNotFound)?;
        let graded = Grader::new(&question).grade(text);
        if !quizzes::answer(&mut tx, quiz, text, &graded, now).await? {
            return Err(Error::QuizAlreadyAnswered);
        }
        let source = Source::Quiz(quiz.0);
        self.rate_card(
            &mut tx,
            guild,
            user,
            &row.question_id,
            source,
            graded.grade,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(QuizResult {
            assessment: Assessment::new(Some(&question), &graded),
            question,
        })
    }
}
