//! What a use case can refuse, in two kinds: refusals a member or admin caused, shown to them as a
//! short message that says what to do, and internal failures, logged and answered with "try again".

use chrono::{DateTime, Utc};

use crate::domain::ids::ScheduleId;
use crate::store::{self, QueryError, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("That question is not part of this server.")]
    PostNotFound,
    #[error("Answers for this question closed at the reveal (<t:{}:f>).", .closed_at.timestamp())]
    AnswersClosed { closed_at: DateTime<Utc> },
    #[error("Your answer is empty. Write your answer, then submit again.")]
    EmptyAnswer,
    #[error(
        "Your answer contains a control character (U+{code:04X}), which cannot be shown; remove it and submit again."
    )]
    ControlCharacter { code: u32 },
    #[error(
        "Your answer is {length} characters long; the limit is {limit}. Shorten it and submit again."
    )]
    AnswerTooLong { length: usize, limit: usize },
    #[error("The model answer has not been revealed yet; feedback comes at <t:{}:f>.", .reveal_at.timestamp())]
    NotRevealedYet { reveal_at: DateTime<Utc> },
    #[error("There is no schedule #{0} in this server; /schedule list shows them.")]
    ScheduleNotFound(ScheduleId),
    #[error("This server already has {limit} schedules, the most allowed; remove one first.")]
    TooManySchedules { limit: usize },
    #[error("Unknown track `{track}`; choose from: {known}.")]
    UnknownTrack { track: String, known: String },
    #[error("Schedule #{0} has no questions to post: its tracks are empty in the current corpus.")]
    EmptyDeck(ScheduleId),
    #[error("Schedule #{0} has no question open right now.")]
    NothingOpen(ScheduleId),
    #[error(
        "Schedule #{0}'s open question has not reached Discord yet, so members have not seen it; it cannot be revealed before they do. The bot keeps sending it; if it never arrives, its day counts as missed. /skip closes it now without scoring."
    )]
    NotDelivered(ScheduleId),
    #[error(
        "That practice question is not yours, or no longer exists; start a new one with /quiz."
    )]
    QuizNotFound,
    #[error("You already answered this practice question; start another with /quiz.")]
    QuizAlreadyAnswered,
    #[error("No practice question matches {0}.")]
    NoQuizQuestions(String),
    #[error("a database error: {0}")]
    Store(#[from] sqlx::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The database refused a write that several members' answers shared (locked by another
    /// process, full, failing): each of them gets this copy of the one error.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
}

impl Error {
    /// Internal failures are logged with their detail; members see only "something went wrong".
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Store(_) | Error::Corrupt(_) | Error::Unavailable(_)
        )
    }

    /// Whether the database as a whole refused the work (busy or locked past the timeout, full,
    /// read-only, failing I/O, no free connection), rather than anything about the data: the same
    /// statements would fail for anyone, and at once again.
    pub fn is_database_unavailable(&self) -> bool {
        match self {
            Error::Unavailable(_) => true,
            Error::Store(e) => store::is_unavailable(e),
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A query the database refused stays a database error (its SQLite code decides whether it is
/// [`Error::is_database_unavailable`]); a row that cannot be read is corrupt data.
impl From<QueryError> for Error {
    fn from(error: QueryError) -> Self {
        match error {
            QueryError::Database(e) => Error::Store(e),
            QueryError::Corrupt(e) => Error::Corrupt(e.to_string()),
        }
    }
}

/// An answer's save failed alone, or as a copy of its batch's one refusal.
impl From<WriteError> for Error {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Query(e) => e.into(),
            WriteError::Shared(e) => Error::Unavailable(e),
            WriteError::NoOutcome => Error::Corrupt(error.to_string()),
        }
    }
}
