//! The use cases: each is one function and one transaction over the store, applying the domain
//! rules and returning plain data for a front end (Discord, tests, the demo) to render.

mod answers;
mod champion;
mod decks;
mod error;
mod leaderboard;
mod mock;
mod past;
mod posting;
mod privacy;
mod quiz;
mod recap;
mod refusals;
mod reminders;
mod reveal;
mod review;
mod schedules;
mod share;
mod stats;
mod suggestions;
mod views;

pub use champion::ChampionChange;
pub use decks::{DeckEntry, DeckImported, DeckRemoved, DeckSummary};
pub use error::{Error, Result};
pub use mock::{
    DEFAULT_MOCK_QUESTIONS, MAX_MOCK_QUESTIONS, MIN_MOCK_QUESTIONS, MOCK_IDLE, MockAnswer,
    MockQuestionView, MockReport, MockStart, ReportLine,
};
pub use past::{PAST_PAGE_SIZE, PastPage, PastQuestion};
pub use privacy::{
    ExportedAnswer, ExportedCard, ExportedDeck, ExportedMock, ExportedMockQuestion, ExportedQuiz,
    ExportedStanding, ExportedStreak, ExportedSuggestion, MemberExport,
};
pub use recap::{MissedPoint, RECAP_MISSED, RECAP_TOP, RecapView};
pub use reminders::DEFAULT_REMINDER_HOURS;
pub use review::{ReviewResult, ReviewStart, ReviewView};
pub use share::{ShareOffer, ShareView};
pub use suggestions::{
    MAX_OPEN_SUGGESTIONS, MAX_REASON_CHARS, MAX_TOPIC_CHARS, SuggestionText, default_deck,
};
pub use views::*;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::clock::Clock;
use crate::corpus::Corpus;
use crate::domain::ids::GuildId;
use crate::domain::schedule::Zone;
use crate::store::{self, AnswerWriter, Store};
use crate::sync::Shared;

/// The longest answer accepted: Discord's modal text input holds 4,000 characters.
pub const MAX_ANSWER_CHARS: usize = 4000;
/// Schedules per server; each is a daily post, and more would flood a server.
pub const MAX_SCHEDULES_PER_GUILD: usize = 25;

/// Everything the use cases need; cheap to clone and shared by every task.
#[derive(Clone)]
pub struct Service {
    store: Store,
    corpus: Arc<Corpus>,
    clock: Arc<dyn Clock>,
    rng: Shared<ChaCha8Rng>,
    answer_writer: Arc<AnswerWriter>,
    /// The servers' own decks, beside the corpus.
    shelf: Shared<decks::Shelf>,
}

impl Service {
    /// `seed` drives every random choice (deck seeds, quiz picks), so a test run is reproducible.
    pub fn new(store: Store, corpus: Arc<Corpus>, clock: Arc<dyn Clock>, seed: u64) -> Service {
        Service {
            answer_writer: Arc::new(AnswerWriter::new(store.clone())),
            store,
            corpus,
            clock,
            rng: Shared::new(ChaCha8Rng::seed_from_u64(seed)),
            shelf: Shared::default(),
        }
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn with_rng<T>(&self, f: impl FnOnce(&mut ChaCha8Rng) -> T) -> T {
        self.rng.with(f)
    }

    /// The guild's time zone (where its leaderboard weeks begin); UTC until it has a schedule.
    async fn guild_zone(&self, conn: &mut sqlx::SqliteConnection, guild: GuildId) -> Result<Tz> {
        let zone = store::schedules::guild_time_zone(conn, guild).await?;
        Ok(zone.map_or(Tz::UTC, Zone::tz))
    }
}
