//! Which stored files are unused uploads (see migration 0020): the sweep deletes those
//! nothing kept in time, and never a file something keeps.

use sqlx::Row as _;

use crate::{Store, StoreError};

/// The repository; get one from [`Store::stored_files`].
#[derive(Debug, Clone, Copy)]
pub struct StoredFiles<'a> {
    store: &'a Store,
}

impl<'a> StoredFiles<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Notes an upload of `key`: unkept from now, unless something keeps it already.
    pub async fn uploaded(&self, key: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO stored_files (object_key, uploaded_at_ms) VALUES ($1, $2) \
             ON CONFLICT (object_key) DO UPDATE SET uploaded_at_ms = excluded.uploaded_at_ms \
             WHERE stored_files.kept_at_ms IS NULL",
        )
        .bind(key)
        .bind(now_ms)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Notes that `key` is kept for good (used, or stored as a record's own file).
    pub async fn kept(&self, key: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO stored_files (object_key, uploaded_at_ms, kept_at_ms) VALUES ($1, $2, $2) \
             ON CONFLICT (object_key) DO UPDATE \
             SET kept_at_ms = COALESCE(stored_files.kept_at_ms, excluded.kept_at_ms)",
        )
        .bind(key)
        .bind(now_ms)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Up to `limit` unkept uploads older than `before_ms`, oldest first.
    pub async fn unused_before(
        &self,
        before_ms: i64,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT object_key FROM stored_files WHERE kept_at_ms IS NULL AND uploaded_at_ms < $1 \
             ORDER BY uploaded_at_ms LIMIT $2",
        )
        .bind(before_ms)
        .bind(limit)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                r.try_get::<String, _>("object_key")
                    .map_err(StoreError::from)
            })
            .collect()
    }

    /// Forgets `key` if it is still an unkept upload older than `before_ms`; `true` when
    /// it was, and its object may go.
    pub async fn forget_unused(&self, key: &str, before_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM stored_files WHERE object_key = $1 AND kept_at_ms IS NULL \
             AND uploaded_at_ms < $2",
        )
        .bind(key)
        .bind(before_ms)
        .execute(self.store.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
