//! A consistent copy of the live database, taken while the bot runs.
//!
//! `VACUUM INTO` reads one snapshot of the database (WAL readers never block the bot's writer, nor
//! it them) and writes it as a compact, self-contained file with no `-wal` beside it. The copy is
//! written next to its destination under a temporary name, checked with `integrity_check`, synced,
//! and only then renamed into place, so an interrupted backup never leaves a file that looks
//! complete.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::BUSY_TIMEOUT;
use crate::config::DatabaseUrl;

/// What a finished backup holds, for the operator to check at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub schedules: i64,
    pub posts: i64,
    pub answers: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name (a backup never overwrites)")]
    Exists(PathBuf),
    #[error("there is no database at {0}")]
    NoDatabase(String),
    #[error("cannot read the database: {0}")]
    Source(sqlx::Error),
    #[error("cannot write the backup to {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error("the backup at {0} failed its integrity check: {1}")]
    Corrupt(PathBuf, String),
}

/// Copies the database at `url` to `destination`, which must not exist yet.
pub async fn backup(url: &DatabaseUrl, destination: &Path) -> Result<BackupSummary, BackupError> {
    if destination.exists() {
        return Err(BackupError::Exists(destination.to_owned()));
    }
    let write_error = |reason: String| BackupError::Write {
        path: destination.to_owned(),
        reason,
    };
    // Read-only and never created: a mistyped DATABASE_URL must not produce an empty "backup".
    let options = SqliteConnectOptions::from_str(url.as_str())
        .map_err(BackupError::Source)?
        .read_only(true)
        .create_if_missing(false)
        .busy_timeout(BUSY_TIMEOUT);
    if !options.get_filename().exists() {
        return Err(BackupError::NoDatabase(url.to_string()));
    }
    let mut source = SqliteConnection::connect_with(&options)
        .await
        .map_err(BackupError::Source)?;

    let partial = partial_path(destination);
    let _ = std::fs::remove_file(&partial);
    let target = partial
        .to_str()
        .ok_or_else(|| write_error("the path is not valid UTF-8".to_owned()))?
        .to_owned();
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(&target)
        .execute(&mut source)
        .await;
    let _ = source.close().await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(write_error(e.to_string()));
    }

    let summary = check(&partial).await;
    let summary = match summary {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let finish = || -> std::io::Result<u64> {
        let file = std::fs::File::open(&partial)?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        std::fs::rename(&partial, destination)?;
        Ok(bytes)
    };
    match finish() {
        Ok(bytes) => Ok(BackupSummary {
            path: destination.to_owned(),
            bytes,
            ..summary
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(write_error(e.to_string()))
        }
    }
}

fn partial_path(destination: &Path) -> PathBuf {
    let mut name = destination.file_name().unwrap_or_default().to_owned();
    name.push(".partial");
    destination.with_file_name(name)
}

/// Opens the copy on its own and checks it is whole.
async fn check(path: &Path) -> Result<BackupSummary, BackupError> {
    let corrupt = |m: String| BackupError::Corrupt(path.to_owned(), m);
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut copy = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    if verdict != "ok" {
        return Err(corrupt(verdict));
    }
    let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
    let mut counts = [0i64; 3];
    for (n, table) in ["schedules", "posts", "answers"].into_iter().enumerate() {
        counts[n] = sqlx::query_scalar(&count(table))
            .fetch_one(&mut copy)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
    }
    let _ = copy.close().await;
    Ok(BackupSummary {
        path: path.to_owned(),
        bytes: 0,
        schedules: counts[0],
        posts: counts[1],
        answers: counts[2],
    })
}
