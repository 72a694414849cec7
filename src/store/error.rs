//! What the store can fail with: opening the database, a query SQLite refused, and a stored value
//! the crate cannot represent, named by table, row and column.

use std::fmt;
use std::str::FromStr;

/// The database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Why a query failed. Every query of the store returns it, so that a row read as something it
/// cannot be is an error its caller sees, never a silent default.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// SQLite refused or failed the statement (or the pool had no connection).
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A row it read holds a value the crate cannot represent.
    #[error(transparent)]
    Corrupt(#[from] RowError),
}

impl QueryError {
    /// Whether the database as a whole refused the work (see [`is_unavailable`]), rather than
    /// anything about the data.
    pub fn is_unavailable(&self) -> bool {
        match self {
            QueryError::Database(e) => is_unavailable(e),
            QueryError::Corrupt(_) => false,
        }
    }
}

/// Whether the database as a whole refused the work (busy or locked past the timeout, full,
/// read-only, failing I/O, no free connection), rather than anything about the data: the same
/// statements would fail for anyone, and at once again.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    // SQLite's primary result codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
    const UNAVAILABLE: [i64; 6] = [5, 6, 8, 10, 13, 14];
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(e) => e
            .code()
            .and_then(|code| code.parse::<i64>().ok())
            .is_some_and(|code| UNAVAILABLE.contains(&(code & 0xff))),
        _ => false,
    }
}

/// A stored value that cannot be what its column means: the database was edited by hand, or
/// written by something other than this crate (which validates every value it stores). Names the
/// table, the row and the column, so the operator can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table} row ({key}) has an invalid {column}: {problem}")]
pub struct RowError {
    pub table: &'static str,
    /// The row's key columns and values, e.g. `id 3` or `schedule_id 3, user_id 7`.
    pub key: String,
    pub column: &'static str,
    /// The value and what is wrong with it.
    pub problem: String,
}

/// A row being converted, to name it in a [`RowError`]. The key is formatted only when a value
/// fails, so a large read pays nothing for it.
pub(crate) struct Row<K> {
    table: &'static str,
    key: K,
}

impl<K: Fn() -> String> Row<K> {
    pub(crate) fn new(table: &'static str, key: K) -> Self {
        Row { table, key }
    }

    /// The error for `column` of this row, for a problem no helper below covers.
    pub(crate) fn error(&self, column: &'static str, problem: impl fmt::Display) -> RowError {
        RowError {
            table: self.table,
            key: (self.key)(),
            column,
            problem: problem.to_string(),
        }
    }

    /// A stored INTEGER as the narrower type the crate uses (a count, a percent, a cycle): a
    /// negative or overflowing value is an error, not a wrapped or zeroed number.
    pub(crate) fn number<T: TryFrom<i64>>(
        &self,
        column: &'static str,
        value: i64,
    ) -> Result<T, RowError> {
        T::try_from(value).map_err(|_| {
            let target = std::any::type_name::<T>();
            self.error(column, format!("{value} is out of range for a {target}"))
        })
    }

    /// A stored TEXT parsed as the type the crate writes it from; the problem is the type's own
    /// parse error (which quotes the value).
    pub(crate) fn parse<T>(&self, column: &'static str, value: &str) -> Result<T, RowError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        value.parse().map_err(|e| self.error(column, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::Zone;

    #[test]
    fn a_value_that_does_not_convert_names_its_table_row_and_column() {
        let row = Row::new("streaks", || "schedule_id 3, user_id 7".to_owned());
        assert_eq!(row.number::<u32>("current", 12).ok(), Some(12));
        let negative = row.number::<u32>("current", -1).unwrap_err();
        assert_eq!(
            negative.to_string(),
            "streaks row (schedule_id 3, user_id 7) has an invalid current: -1 is out of range for a u32"
        );
        let overflow = row.number::<u8>("freezes", 300).unwrap_err();
        assert_eq!(overflow.column, "freezes");
        assert_eq!(overflow.problem, "300 is out of range for a u8");

        let row = Row::new("guilds", || "guild_id 42".to_owned());
        let zone = row
            .parse::<Zone>("time_zone", "Mars/Olympus_Mons")
            .unwrap_err();
        assert!(
            zone.to_string()
                .starts_with("guilds row (guild_id 42) has an invalid time_zone: unknown time zone \"Mars/Olympus_Mons\""),
            "{zone}"
        );
        assert_eq!(row.parse::<Zone>("time_zone", "UTC").ok(), Some(Zone::UTC));
    }
}
