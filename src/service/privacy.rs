//! A member's own data: what `/my-data` exports and `/forget-me` deletes, limited to the server
//! the command came from (the bot only knows the member is in that one).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::grading::StoredGrade;
use crate::domain::ids::{GuildId, UserId};
use crate::store::members::{self, Deleted, MemberQuiz};

use super::{Result, Service};

/// Everything dailydrill keeps about a member in a server, as they would read it.
#[derive(Debug, Clone, Serialize)]
pub struct MemberExport {
    pub guild_id: String,
    pub user_id: String,
    pub exported_at: DateTime<Utc>,
    pub answers: Vec<ExportedAnswer>,
    pub quizzes: Vec<ExportedQuiz>,
    /// Questions answered again in `/review`.
    pub reviews: Vec<ExportedQuiz>,
    /// When each question the member answered comes back in `/review`, and how it went so far.
    pub review_cards: Vec<ExportedCard>,
    pub mock_interviews: Vec<ExportedMock>,
    pub streaks: Vec<ExportedStreak>,
    pub leaderboard: Vec<ExportedStanding>,
    /// Server decks the member imported (last), by name.
    pub decks_imported: Vec<ExportedDeck>,
    /// Questions the member suggested (`/suggest`), and what the moderators decided.
    pub suggestions: Vec<ExportedSuggestion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedSuggestion {
    pub id: i64,
    pub question: String,
    pub answer: String,
    pub topic: String,
    /// `open`, `approved` or `rejected`.
    pub status: String,
    pub suggested_at: DateTime<Utc>,
    /// The deck it joined, once approved.
    pub deck: Option<String>,
    /// The moderator's reason, when rejected with one.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedDeck {
    pub name: String,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedAnswer {
    pub post: i64,
    pub schedule: i64,
    pub date: String,
    pub question_id: String,
    pub question: Option<String>,
    pub answer: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set once the model answer was revealed and the answer scored.
    /// The grader's score, 0-100.
    pub coverage_percent: Option<i64>,
    pub points: Option<i64>,
    pub key_points_covered: Vec<String>,
    /// The grade (0-4), when the answer was graded after grades were stored.
    pub grade: Option<u8>,
    /// The misconceptions and red flags the answer stated, by their claims.
    pub misconceptions: Vec<String>,
    /// When the member had practised the question in a quiz before its reveal (so the answer
    /// earned the points for answering only).
    pub practised_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedQuiz {
    pub question_id: String,
    pub question: Option<String>,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
    pub coverage_percent: Option<i64>,
    pub grade: Option<u8>,
    pub misconceptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedMock {
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// `finished`, `abandoned`, or none while under way.
    pub outcome: Option<String>,
    pub questions: Vec<ExportedMockQuestion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedMockQuestion {
    pub question_id: String,
    pub question: Option<String>,
    pub asked_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Option<String>,
    pub grade: Option<u8>,
    pub key_points_covered: Vec<String>,
    pub misconceptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedCard {
    pub question_id: String,
    pub question: Option<String>,
    pub due: DateTime<Utc>,
    pub last_review: DateTime<Utc>,
    /// Times rated, and times forgotten after being learnt.
    pub reviews: i64,
    pub lapses: i64,
    /// FSRS's model of the member's memory: days until recall drops to 90%, and 1-10.
    pub stability_days: f64,
    pub difficulty: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedStreak {
    pub schedule: i64,
    pub current: i64,
    pub longest: i64,
    pub freezes: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedStanding {
    /// `all`, `week:YYYY-MM-DD` (the Monday) or `month:YYYY-MM`.
    pub period: String,
    pub points: i64,
    pub answers: i64,
    pub streak: i64,
}

impl Service {
    /// Everything stored about the member in this server.
    pub async fn my_data(&self, guild: GuildId, user: UserId) -> Result<MemberExport> {
        let (rows, decks_imported) = {
            let mut conn = self.store.read().await?;
            let rows = members::rows(&mut conn, guild, user).await?;
            let decks = crate::store::decks::imported_by(&mut conn, guild, user).await?;
            let suggested = crate::store::suggestions::of_member(&mut conn, guild, user).await?;
            (rows, (decks, suggested))
        };
        let (decks_imported, suggested) = decks_imported;
        let labels = |question_id: &str, covered: Option<&[usize]>| -> Vec<String> {
            let Some(question) = self.question(question_id) else {
                return Vec::new();
            };
            covered
                .unwrap_or_default()
                .iter()
                .filter_map(|&i| question.key_points.get(i).map(|k| k.label.clone()))
                .collect()
        };
        let claims = |question_id: &str, grade: Option<&StoredGrade>| -> Vec<String> {
            let (Some(question), Some(grade)) = (self.question(question_id), grade) else {
                return Vec::new();
            };
            grade
                .misconceptions
                .iter()
                .filter_map(|&i| question.misconceptions.get(i).map(|m| m.claim.clone()))
                .collect()
        };
        let practice = |q: MemberQuiz| ExportedQuiz {
            grade: q.grade.as_ref().map(|g| g.grade),
            misconceptions: claims(&q.question_id, q.grade.as_ref()),
            question: self.question(&q.question_id).map(|x| x.question.clone()),
            question_id: q.question_id,
            started_at: q.started_at,
            answered_at: q.answered_at,
            answer: q.body,
            coverage_percent: q.coverage_percent.map(i64::from),
        };
        Ok(MemberExport {
            guild_id: guild.0.to_string(),
            user_id: user.0.to_string(),
            exported_at: self.now(),
            answers: rows
                .answers
                .into_iter()
                .map(|a| ExportedAnswer {
                    key_points_covered: labels(&a.question_id, a.covered.as_deref()),
                    grade: a.grade.as_ref().map(|g| g.grade),
                    misconceptions: claims(&a.question_id, a.grade.as_ref()),
                    question: self.question(&a.question_id).map(|q| q.question.clone()),
                    post: a.post.0,
                    schedule: a.schedule.0,
                    date: a.local_date.to_string(),
                    question_id: a.question_id,
                    answer: a.body,
                    submitted_at: a.submitted_at,
                    updated_at: a.updated_at,
                    coverage_percent: a.coverage_percent.map(i64::from),
                    points: a.points.map(i64::from),
                    practised_at: a.practised_at,
                })
                .collect(),
            quizzes: rows.quizzes.into_iter().map(practice).collect(),
            reviews: rows.reviews.into_iter().map(practice).collect(),
            review_cards: rows
                .cards
                .into_iter()
                .map(|(id, card)| ExportedCard {
                    question: self.question(&id).map(|q| q.question.clone()),
                    question_id: id,
                    due: card.due,
                    last_review: card.last_review,
                    reviews: card.reps,
                    lapses: card.lapses,
                    stability_days: card.stability,
                    difficulty: card.difficulty,
                })
                .collect(),
            mock_interviews: rows
                .mocks
                .into_iter()
                .map(|(mock, questions)| ExportedMock {
                    started_at: mock.started_at,
                    ended_at: mock.ended.map(|(at, _)| at),
                    outcome: mock.ended.map(|(_, o)| {
                        match o {
                            crate::store::mocks::Outcome::Finished => "finished",
                            crate::store::mocks::Outcome::Abandoned => "abandoned",
                        }
                        .to_owned()
                    }),
                    questions: questions
                        .into_iter()
                        .map(|q| ExportedMockQuestion {
                            key_points_covered: labels(&q.question_id, q.covered.as_deref()),
                            grade: q.grade.as_ref().map(|g| g.grade),
                            misconceptions: claims(&q.question_id, q.grade.as_ref()),
                            question: self.question(&q.question_id).map(|x| x.question.clone()),
                            question_id: q.question_id,
                            asked_at: q.asked_at,
                            answered_at: q.answered_at,
                            answer: q.body,
                        })
                        .collect(),
                })
                .collect(),
            streaks: rows
                .streaks
                .into_iter()
                .map(|s| ExportedStreak {
                    schedule: s.schedule.0,
                    current: i64::from(s.streak.current),
                    longest: i64::from(s.streak.longest),
                    freezes: i64::from(s.streak.freezes),
                })
                .collect(),
            leaderboard: rows
                .standings
                .into_iter()
                .map(|s| ExportedStanding {
                    period: s.period,
                    points: s.points,
                    answers: s.answers,
                    streak: i64::from(s.streak),
                })
                .collect(),
            decks_imported: decks_imported
                .into_iter()
                .map(|(name, imported_at)| ExportedDeck { name, imported_at })
                .collect(),
            suggestions: suggested
                .into_iter()
                .map(|s| ExportedSuggestion {
                    id: s.id,
                    question: s.question,
                    answer: s.answer,
                    topic: s.track,
                    status: format!("{:?}", s.status).to_lowercase(),
                    suggested_at: s.created_at,
                    deck: s.deck,
                    reason: s.reason,
                })
                .collect(),
        })
    }

    /// Deletes everything stored about the member in this server, in one transaction: answers
    /// (also to open questions), quizzes, streaks and leaderboard rows. Posts stay: they belong
    /// to the server.
    pub async fn forget_member(&self, guild: GuildId, user: UserId) -> Result<Deleted> {
        let mut tx = self.store.write().await?;
        let deleted = members::delete(&mut tx, guild, user).await?;
        crate::store::decks::forget(&mut tx, guild, user).await?;
        crate::store::suggestions::forget(&mut tx, guild, user).await?;
        tx.commit().await?;
        self.reload_decks_of(guild).await?;
        tracing::info!(guild = %guild, ?deleted, "a member's data was deleted at their request");
        Ok(deleted)
    }
}
