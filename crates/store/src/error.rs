//! One error type for every store call, sorted by what the caller should do about it.

use std::borrow::Cow;

/// A failed store call.
///
/// The variants say what to do, not where it failed: [`StoreError::Unavailable`] means
/// "spool or retry later", [`StoreError::Conflict`] is a client error, the rest are bugs
/// or configuration problems worth logging.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is too busy right now (connection refused or
    /// dropped, pool acquire timeout, SQLite lock wait expired, server shutting down).
    /// The caller should spool or retry later; the same [`crate::Store`] recovers by
    /// itself once the database is back.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A unique constraint refused the write.
    #[error("conflicting row: {0}")]
    Conflict(#[source] sqlx::Error),
    /// The row asked for does not exist.
    #[error("row not found")]
    NotFound,
    /// Applying the embedded migrations failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database URL is malformed or names an unsupported backend.
    #[error("invalid database url: {0}")]
    InvalidUrl(Cow<'static, str>),
    /// A stored value could not be turned back into its Rust type (e.g. bad JSON text).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Anything else the database reported.
    #[error("database error: {0}")]
    Other(#[source] sqlx::Error),
}

impl StoreError {
    /// True when the database is unreachable or saturated and the call may succeed later.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }

    /// True when a unique constraint refused the write.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}

impl StoreError {
    /// A failed migration, except that a lost connection is [`StoreError::Unavailable`]:
    /// the server keeps retrying those while it spools callbacks.
    pub(crate) fn from_migrate(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError::{Execute, ExecuteMigration};
        match e {
            Execute(inner) | ExecuteMigration(inner, _) if is_connection_error(&inner) => {
                StoreError::Unavailable(inner)
            }
            other => StoreError::Migration(other),
        }
    }
}

fn is_connection_error(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
    )
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Migrate(m) = e {
            return StoreError::from_migrate(*m);
        }
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            inner if is_connection_error(inner) => StoreError::Unavailable(e),
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(e),
            sqlx::Error::Database(db) if is_transient(db.as_ref()) => StoreError::Unavailable(e),
            _ => StoreError::Other(e),
        }
    }
}

/// Whether a database error means "not now" rather than "never".
fn is_transient(db: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(code) = db.code() else { return false };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        code.parse().is_ok_and(sqlite_code_is_transient)
    } else {
        pg_code_is_transient(&code)
    }
}

/// SQLite extended result codes: the low byte is the primary code. SQLITE_BUSY (5): the
/// busy_timeout expired waiting for the write lock; SQLITE_LOCKED (6): a conflicting
/// lock in the same process.
fn sqlite_code_is_transient(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6)
}

/// PostgreSQL SQLSTATEs. Class 08: connection exceptions; 57P01-57P03: admin or crash
/// shutdown, cannot connect now; 53300: too many connections; 40001/40P01:
/// serialization failure and deadlock, which succeed when retried.
fn pg_code_is_transient(code: &str) -> bool {
    code.starts_with("08")
        || matches!(
            code,
            "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_codes() {
        assert!(sqlite_code_is_transient(5));
        assert!(sqlite_code_is_transient(517)); // SQLITE_BUSY_SNAPSHOT
        assert!(sqlite_code_is_transient(262)); // SQLITE_LOCKED_SHAREDCACHE
        assert!(!sqlite_code_is_transient(2067)); // SQLITE_CONSTRAINT_UNIQUE
        assert!(pg_code_is_transient("08006"));
        assert!(pg_code_is_transient("57P01"));
        assert!(!pg_code_is_transient("23505"));
        assert!(!pg_code_is_transient("42P01"));
    }

    #[test]
    fn pool_timeout_is_unavailable() {
        assert!(StoreError::from(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(matches!(
            StoreError::from(sqlx::Error::RowNotFound),
            StoreError::NotFound
        ));
    }
}
