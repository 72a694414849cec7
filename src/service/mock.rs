//! `/mock`: a mock interview. A member asks for 3 to 8 questions; each is shown with a suggested
//! time and timed from when it is shown, graded at once (the grader's feedback, then the
//! interviewer's follow-up question where the corpus has one), and the last answer brings a
//! report card compared with the member's previous mocks. Every answer rates the member's review
//! card, and a question shown but never answered counts as missed, so what went wrong comes back
//! in `/review`. One open mock per member; one idle for 30 minutes ends itself.

use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;

use super::decks::QuestionRef;
use crate::corpus::{Difficulty, Question};
use crate::domain::grading::Grader;
use crate::domain::ids::{GuildId, MockId, UserId};
use crate::feedback::Assessment;
use crate::store::mocks::{self, MockQuestionRow, MockRow, Outcome};
use crate::store::reviews::Source;

use super::answers::check;
use super::{Error, QuizFilter, Result, Service};

/// How long a mock waits for the member's next step before it ends itself.
pub const MOCK_IDLE: Duration = Duration::minutes(30);
pub const MIN_MOCK_QUESTIONS: u8 = 3;
pub const MAX_MOCK_QUESTIONS: u8 = 8;
pub const DEFAULT_MOCK_QUESTIONS: u8 = 5;

/// The time an interviewer would give a question of this difficulty.
pub fn suggested_minutes(difficulty: Difficulty) -> i64 {
    match difficulty {
        Difficulty::Easy => 3,
        Difficulty::Medium => 4,
        Difficulty::Hard => 6,
    }
}

/// A mock's question as shown.
#[derive(Debug, Clone)]
pub struct MockQuestionView {
    pub mock: MockId,
    pub position: u8,
    pub size: u8,
    pub question: Question,
    pub asked_at: DateTime<Utc>,
    pub suggested_minutes: i64,
    /// The private thread the mock runs in; `None`: in private replies.
    pub thread: Option<u64>,
}

/// What `/mock` opens: a new mock, or the one under way again.
#[derive(Debug, Clone)]
pub struct MockStart {
    pub current: MockQuestionView,
    pub resumed: bool,
    /// The member's previous mock, when it had ended itself since they last looked.
    pub abandoned: Option<MockReport>,
}

/// One answer in a mock, graded at once.
#[derive(Debug, Clone)]
pub struct MockAnswer {
    pub question: Question,
    pub assessment: Assessment,
    pub position: u8,
    pub size: u8,
    pub taken: Duration,
    pub suggested_minutes: i64,
    pub follow_up: Option<String>,
    pub thread: Option<u64>,
    /// After the last question.
    pub report: Option<MockReport>,
}

/// One question of the report card.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    pub position: u8,
    pub question: String,
    /// `None`: shown and not answered, or never shown.
    pub grade: Option<u8>,
    pub taken: Option<Duration>,
    pub missed: Vec<String>,
    pub misconceptions: Vec<String>,
}

/// The report card of an ended mock.
#[derive(Debug, Clone, PartialEq)]
pub struct MockReport {
    pub outcome: Outcome,
    pub lines: Vec<ReportLine>,
    /// The time spent on the questions answered.
    pub total: Duration,
    pub suggested_minutes: i64,
    pub average: Option<f64>,
    /// The member's previous mock: when it started and its average grade.
    pub previous: Option<(DateTime<Utc>, Option<f64>)>,
}

impl Service {
    /// Opens a mock of `size` questions matching `filter`, never one open as a daily question in
    /// the server; or, when the member has one under way, shows its current question again.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user))]
    pub async fn start_mock(
        &self,
        guild: GuildId,
        user: UserId,
        filter: QuizFilter,
        size: u8,
    ) -> Result<MockStart> {
        let size = size.clamp(MIN_MOCK_QUESTIONS, MAX_MOCK_QUESTIONS);
        let now = self.now();
        let mut tx = self.store.write().await?;
        let mut abandoned = None;
        if let Some(open) = mocks::open_for(&mut tx, guild, user).await? {
            if now - open.last_activity_at < MOCK_IDLE {
                let current = self.current_question(&mut tx, &open, now).await?;
                tx.commit().await?;
                return Ok(MockStart {
                    current,
                    resumed: true,
                    abandoned: None,
                });
            }
            abandoned = Some(
                self.end_mock(&mut tx, &open, Outcome::Abandoned, now)
                    .await?,
            );
        }
        let candidates = self.practice_candidates(&mut tx, guild, &filter).await?;
        if candidates.len() < usize::from(MIN_MOCK_QUESTIONS) {
            return Err(Error::NoQuizQuestions(filter));
        }
        let chosen: Vec<&Question> = self.with_rng(|rng| {
            candidates
                .sample(rng, usize::from(size))
                .map(|q| &**q)
                .collect()
        });
        let ids: Vec<&str> = chosen.iter().map(|q| q.id.as_str()).collect();
        let id = mocks::insert(&mut tx, guild, user, &ids, now).await?;
        tx.commit().await?;
        Ok(MockStart {
            current: MockQuestionView {
                mock: id,
                position: 1,
                size: u8::try_from(ids.len()).unwrap_or(size),
                question: chosen[0].clone(),
                asked_at: now,
                suggested_minutes: suggested_minutes(chosen[0].difficulty),
                thread: None,
            },
            resumed: false,
            abandoned,
        })
    }

    /// The member's open mock, ended now (with its misses rated) when it has been idle too long.
    async fn live_mock(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guild: GuildId,
        user: UserId,
        mock: MockId,
        now: DateTime<Utc>,
    ) -> Result<MockRow> {
        let row = mocks::get(conn, guild, user, mock)
            .await?
            .ok_or(Error::MockNotFound)?;
        if row.ended.is_some() {
            return Err(Error::MockEnded);
        }
        if now - row.last_activity_at >= MOCK_IDLE {
            self.end_mock(conn, &row, Outcome::Abandoned, now).await?;
            return Err(Error::MockEnded);
        }
        Ok(row)
    }

    /// Records the private thread the bot opened for the member's mock.
    pub async fn set_mock_thread(
        &self,
        guild: GuildId,
        user: UserId,
        mock: MockId,
        thread: u64,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        mocks::get(&mut tx, guild, user, mock)
            .await?
            .ok_or(Error::MockNotFound)?;
        mocks::set_thread(&mut tx, mock, thread).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks that `position` is the question the member is answering, before its form shows.
    pub async fn check_mock_question(
        &self,
        guild: GuildId,
        user: UserId,
        mock: MockId,
        position: u8,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let questions = match self.live_mock(&mut tx, guild, user, mock, now).await {
            Ok(row) => mocks::questions(&mut tx, row.id).await.map_err(Error::from),
            Err(e) => Err(e),
        };
        // An idle mock ended by the check stays ended.
        tx.commit().await?;
        match questions?.iter().find(|q| q.position == position) {
            Some(q) if q.asked_at.is_some() && q.answered_at.is_none() => Ok(()),
            Some(_) => Err(Error::MockQuestionAnswered),
            None => Err(Error::MockNotFound),
        }
    }

    /// Grades an answer in a mock. The last one ends the mock with its report card.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user, mock = %mock))]
    pub async fn answer_mock(
        &self,
        guild: GuildId,
        user: UserId,
        mock: MockId,
        position: u8,
        text: &str,
    ) -> Result<MockAnswer> {
        let text = check(text)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        let row = match self.live_mock(&mut tx, guild, user, mock, now).await {
            Ok(row) => row,
            Err(e) => {
                tx.commit().await?;
                return Err(e);
            }
        };
        let questions = mocks::questions(&mut tx, mock).await?;
        let asked = questions
            .iter()
            .find(|q| q.position == position)
            .ok_or(Error::MockNotFound)?;
        let question = self
            .question(&asked.question_id)
            .map(QuestionRef::into_owned)
            .ok_or(Error::MockNotFound)?;
        let graded = Grader::new(&question).grade(text);
        if !mocks::answer(&mut tx, mock, position, text, &graded, now).await? {
            return Err(Error::MockQuestionAnswered);
        }
        let source = Source::Mock(mock.0 * 10 + i64::from(position));
        self.rate_card(
            &mut tx,
            guild,
            user,
            &asked.question_id,
            source,
            graded.grade,
            now,
        )
        .await?;
        let report = if position >= row.size {
            Some(self.end_mock(&mut tx, &row, Outcome::Finished, now).await?)
        } else {
            None
        };
        tx.commit().await?;
        Ok(MockAnswer {
            assessment: Assessment::new(Some(&question), &graded),
            position,
            size: row.size,
            taken: now - asked.asked_at.unwrap_or(now),
            suggested_minutes: suggested_minutes(question.difficulty),
            follow_up: question.follow_ups.first().cloned(),
            thread: row.thread,
            question,
            report,
        })
    }

    /// Shows the mock's next question, timed from now.
    pub async fn next_mock_question(
        &self,
        guild: GuildId,
        user: UserId,
        mock: MockId,
    ) -> Result<MockQuestionView> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let shown = match self.live_mock(&mut tx, guild, user, mock, now).await {
            Ok(row) => self.current_question(&mut tx, &row, now).await,
            Err(e) => Err(e),
        };
        tx.commit().await?;
        shown
    }

    /// The first unanswered question, shown (and timed) from now if it was not shown before.
    async fn current_question(
        &self,
        conn: &mut sqlx::SqliteConnection,
        row: &MockRow,
        now: DateTime<Utc>,
    ) -> Result<MockQuestionView> {
        let questions = mocks::questions(conn, row.id).await?;
        let next = questions
            .iter()
            .find(|q| q.answered_at.is_none())
            .ok_or(Error::MockEnded)?;
        mocks::ask(conn, row.id, next.position, now).await?;
        let question = self
            .question(&next.question_id)
            .map(QuestionRef::into_owned)
            .ok_or(Error::MockNotFound)?;
        Ok(MockQuestionView {
            mock: row.id,
            position: next.position,
            size: row.size,
            suggested_minutes: suggested_minutes(question.difficulty),
            question,
            asked_at: next.asked_at.unwrap_or(now),
            thread: row.thread,
        })
    }

    /// Ends a mock: a question shown and not answered is rated as missed, so it comes back in
    /// `/review`; returns the report card.
    async fn end_mock(
        &self,
        conn: &mut sqlx::SqliteConnection,
        row: &MockRow,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<MockReport> {
        mocks::end(conn, row.id, outcome, now).await?;
        let questions = mocks::questions(conn, row.id).await?;
        for q in questions
            .iter()
            .filter(|q| q.asked_at.is_some() && q.answered_at.is_none())
        {
            let source = Source::Mock(row.id.0 * 10 + i64::from(q.position));
            self.rate_card(conn, row.guild, row.user, &q.question_id, source, 0, now)
                .await?;
        }
        let previous = mocks::earlier(conn, row.guild, row.user, row.id)
            .await?
            .into_iter()
            .next();
        Ok(self.report(outcome, &questions, previous))
    }

    fn report(
        &self,
        outcome: Outcome,
        questions: &[MockQuestionRow],
        previous: Option<(DateTime<Utc>, Option<f64>)>,
    ) -> MockReport {
        let lines: Vec<ReportLine> = questions
            .iter()
            .map(|q| {
                let corpus = self.question(&q.question_id);
                let covered = q.covered.clone().unwrap_or_default();
                let answered = q.answered_at.is_some();
                ReportLine {
                    position: q.position,
                    question: corpus
                        .as_ref()
                        .map_or_else(|| q.question_id.clone(), |c| c.question.clone()),
                    grade: q.grade.as_ref().map(|g| g.grade),
                    taken: q.answered_at.zip(q.asked_at).map(|(a, s)| a - s),
                    missed: corpus
                        .as_ref()
                        .filter(|_| answered)
                        .map(|c| {
                            c.key_points
                                .iter()
                                .enumerate()
                                .filter(|(i, _)| !covered.contains(i))
                                .map(|(_, k)| k.label.clone())
                                .collect()
                        })
                        .unwrap_or_default(),
                    misconceptions: match (&corpus, &q.grade) {
                        (Some(c), Some(g)) => g
                            .misconceptions
                            .iter()
                            .filter_map(|&i| c.misconceptions.get(i).map(|m| m.claim.clone()))
                            .collect(),
                        _ => Vec::new(),
                    },
                }
            })
            .collect();
        let grades: Vec<f64> = lines
            .iter()
            .filter_map(|l| l.grade.map(f64::from))
            .collect();
        let average =
            (!grades.is_empty()).then(|| grades.iter().sum::<f64>() / grades.len() as f64);
        let suggested_minutes = questions
            .iter()
            .filter_map(|q| self.question(&q.question_id))
            .map(|q| suggested_minutes(q.difficulty))
            .sum();
        MockReport {
            outcome,
            total: lines
                .iter()
                .filter_map(|l| l.taken)
                .fold(Duration::zero(), |a, b| a + b),
            lines,
            suggested_minutes,
            average,
            previous,
        }
    }

    /// Ends every mock idle for [`MOCK_IDLE`], rating its unanswered questions as missed;
    /// returns how many ended. Run by the scheduler.
    pub async fn end_idle_mocks(&self) -> Result<usize> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let idle = mocks::idle_since(&mut tx, now - MOCK_IDLE).await?;
        for row in &idle {
            self.end_mock(&mut tx, row, Outcome::Abandoned, now).await?;
        }
        tx.commit().await?;
        if !idle.is_empty() {
            tracing::info!(
                ended = idle.len(),
                "mock interviews ended after 30 idle minutes"
            );
        }
        Ok(idle.len())
    }
}
