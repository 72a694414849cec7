//! What a use case can refuse, in two kinds: refusals a member or admin caused, which the front
//! end turns into a short message saying what to do, and internal failures, logged and answered
//! with "try again".

use chrono::{DateTime, Utc};

use crate::domain::ids::ScheduleId;
use crate::service::QuizFilter;
use crate::store::{self, QueryError, WriteError};

/// Each variant carries the data of the refusal; its `Display` is for logs. What a member reads
/// is worded by the front end (`discord::messages`), which knows its markup and command names.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the post is not in this server")]
    PostNotFound,
    #[error("answers closed at {closed_at}")]
    AnswersClosed { closed_at: DateTime<Utc> },
    #[error("the answer is empty")]
    EmptyAnswer,
    #[error("the answer contains control character U+{code:04X}")]
    ControlCharacter { code: u32 },
    #[error("the answer is {length} characters long, over the limit of {limit}")]
    AnswerTooLong { length: usize, limit: usize },
    #[error("not revealed until {reveal_at}")]
    NotRevealedYet { reveal_at: DateTime<Utc> },
    #[error("no schedule #{0} in this server")]
    ScheduleNotFound(ScheduleId),
    #[error("the server already has {limit} schedules")]
    TooManySchedules { limit: usize },
    /// `known` lists the known track ids, comma-separated.
    #[error("unknown track {track:?}")]
    UnknownTrack { track: String, known: String },
    /// `tracks` lists the chosen track ids, comma-separated.
    #[error("no question of tracks {tracks} at difficulty {difficulty:?}")]
    NoQuestionsSelected {
        tracks: String,
        difficulty: Option<crate::corpus::Difficulty>,
    },
    #[error("schedule #{0} has no questions in the current corpus")]
    EmptyDeck(ScheduleId),
    #[error("schedule #{0} has no open question")]
    NothingOpen(ScheduleId),
    #[error("schedule #{0}'s open question has not reached Discord")]
    NotDelivered(ScheduleId),
    #[error("the practice question is not this member's, or does not exist")]
    QuizNotFound,
    #[error("the practice question was answered already")]
    QuizAlreadyAnswered,
    #[error("the member did not answer the post")]
    NotAnswered,
    #[error("the member shared this answer already")]
    AlreadyShared,
    #[error("the mock interview is not this member's, or does not exist")]
    MockNotFound,
    #[error("the mock interview has ended")]
    MockEnded,
    #[error("that question of the mock interview was answered already")]
    MockQuestionAnswered,
    #[error("the review is not this member's, or does not exist")]
    ReviewNotFound,
    #[error("the review was answered already")]
    ReviewAlreadyAnswered,
    /// `total` is how many questions the server has revealed.
    #[error("no revealed question #{number} (the server has {total})")]
    PastNotFound { number: u32, total: u32 },
    #[error("reminders come 1 to {max} hours before the reveal, not {hours}")]
    ReminderHours { hours: u8, max: u8 },
    #[error("no practice question matches {0:?}")]
    NoQuizQuestions(QuizFilter),
    #[error("the upload is {bytes} bytes, over the limit of {limit}")]
    UploadTooLarge { bytes: usize, limit: usize },
    /// Every problem of the deck, located in its file.
    #[error(transparent)]
    InvalidDeck(crate::corpus::Problems),
    #[error("the server already has {limit} decks")]
    TooManyDecks { limit: usize },
    #[error("the server's decks would hold {total} questions, over the limit of {limit}")]
    DeckTooManyQuestions { total: usize, limit: usize },
    #[error("the server's decks would hold {total} bytes, over the limit of {limit}")]
    DeckTooLarge { total: usize, limit: usize },
    #[error("no deck {name:?} in this server")]
    UnknownDeck { name: String },
    #[error("deck {name:?} is used by schedules {schedules:?}")]
    DeckInUse {
        name: String,
        schedules: Vec<ScheduleId>,
    },
    #[error("deck name {name:?} is a bundled track")]
    DeckNameTaken { name: String },
    #[error("the server takes no suggestions: no moderation channel")]
    NoModerationChannel,
    #[error("the member has {limit} open suggestions already")]
    TooManyOpenSuggestions { limit: usize },
    #[error("the {field} is {length} characters long, over the limit of {limit}")]
    SuggestionTooLong {
        field: &'static str,
        length: usize,
        limit: usize,
    },
    #[error("no such suggestion in this server")]
    SuggestionNotFound,
    #[error("the suggestion was decided already")]
    SuggestionDecided,
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
