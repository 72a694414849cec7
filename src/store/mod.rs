//! Storage: a SQLite database through sqlx, with the migrations in `migrations/` applied at open.
//!
//! Queries live in one file per table group and take a `&mut SqliteConnection`, so a use case can
//! compose several of them inside one transaction. Each file reads rows into a private
//! `#[derive(sqlx::FromRow)]` struct and converts it there, once, into the typed row the rest of
//! the crate uses: integers become typed ids and counts, text becomes schedule times, zones and
//! reveal rules. A value that does not convert is a [`RowError`], never a silent default.
//!
//! [`AnswerWriter`] is the one piece of storage policy with a task of its own: members' answers
//! are committed in groups.

pub mod activity;
pub mod answer_writer;
pub mod answers;
pub mod backup;
pub mod decks;
mod error;
pub mod guild_settings;
pub mod members;
pub mod mocks;
pub mod posts;
pub mod quizzes;
pub mod recaps;
pub mod reminders;
pub mod reviews;
pub mod schedules;
pub mod shares;
pub mod standings;
pub mod streaks;
pub mod suggestions;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::config::DatabaseUrl;

pub use answer_writer::{AnswerOutcome, AnswerWriter, WriteError};
pub(crate) use error::Row;
pub use error::{QueryError, RowError, StoreError, is_unavailable};

/// What every query returns: its value, or why it failed.
pub type Result<T, E = QueryError> = std::result::Result<T, E>;

/// How long a writer waits for another writer before giving up with "database is locked". Short
/// enough that a member whose answer cannot be saved (the file locked by another process, say) is
/// told to try again within Discord's 3 s interaction deadline, instead of seeing the interaction
/// fail; the bot's own transactions last milliseconds, so they never wait this long for each other.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a use case waits for a free connection, for the same reason.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(2500);

/// The database, shared by every task (cheap to clone).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if missing) and migrates the database. WAL lets readers proceed during a
    /// write; `synchronous = FULL` makes a committed answer survive a power cut, not only a crash,
    /// because members are told "saved" only after the commit.
    pub async fn open(url: &DatabaseUrl) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url.as_str())?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_release(|conn, _| Box::pin(async move { Ok(still_usable(conn).await) }))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so two use cases that
    /// read then write wait for each other (busy timeout) instead of failing on the upgrade.
    pub async fn write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// A read-only snapshot.
    pub async fn read(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Copies what the write-ahead log holds into the database file, as far as readers allow,
    /// without waiting for any lock (a PASSIVE checkpoint). SQLite checkpoints by itself, but
    /// inside the commit that fills the log to 1,000 pages, which then waits for the copy and its
    /// flush; a writer that commits often runs this beside its next transaction instead, so that
    /// the automatic checkpoint finds almost nothing left to copy.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Whether a connection returned to the pool can serve another transaction.
///
/// When a statement fails with SQLITE_FULL or an I/O error, SQLite rolls the transaction back on
/// its own; sqlx's rollback on drop then fails ("no transaction is active") and the connection
/// keeps believing it is inside a transaction, so every later `BEGIN` on it fails with
/// `InvalidSavePointStatement`: the bot would never recover from a full disk. Probing with a
/// `BEGIN`/`ROLLBACK` (microseconds) finds such a connection, and the pool closes it.
async fn still_usable(conn: &mut sqlx::SqliteConnection) -> bool {
    use sqlx::Connection;
    match conn.begin_with("BEGIN").await {
        Ok(tx) => tx.rollback().await.is_ok(),
        Err(e) => {
            tracing::warn!("closing a database connection left in a failed transaction: {e}");
            false
        }
    }
}

/// How many of a member's answers (or practice questions) were scored, and their average coverage
/// percent (`None` with none scored). Aggregates, read as they are: nothing in them to convert.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct Totals {
    pub count: i64,
    pub average_percent: Option<f64>,
}

/// Converts a stored INTEGER to a Discord snowflake; snowflakes fit in 63 bits.
pub(crate) fn snowflake(raw: i64) -> u64 {
    raw as u64
}

/// Converts a Discord snowflake for storage.
pub(crate) fn int(id: u64) -> i64 {
    id as i64
}
