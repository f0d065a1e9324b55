//! Small named values: sync cursors, last sync time, and the like, as JSON text.

use crate::{Store, StoreError};

/// The settings repository; get one from [`Store::settings`].
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    store: &'a Store,
}

impl<'a> Settings<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// The value stored under `key`.
    pub async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(key)
                .fetch_optional(self.store.pool())
                .await?,
        )
    }

    /// Stores `value` under `key`, replacing what was there.
    pub async fn set(&self, key: &str, value: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value, updated_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, \
               updated_at_ms = excluded.updated_at_ms",
        )
        .bind(key)
        .bind(value)
        .bind(now_ms)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Removes `key`; `false` when it was not there.
    pub async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM settings WHERE name = $1")
            .bind(key)
            .execute(self.store.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
