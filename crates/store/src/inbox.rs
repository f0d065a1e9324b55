//! The inbox: verified, decrypted WeCom callbacks waiting to be handled.
//!
//! The callback handler stores a row under a unique dedupe key before it answers WeCom,
//! so a callback WeCom repeats is stored once. Workers claim rows, handle them and
//! complete, retry or bury them (see [`crate::queue`] for the lease rules).

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::queue::{QueueTable, status_of};
use crate::sql::values_list;
use crate::{ItemStatus, QueueStats, Store, StoreError};

/// Rows per multi-row INSERT (6 parameters each). Measured on 1,000-row batches: 64
/// is about as fast as 128 on PostgreSQL and faster on SQLite, where preparing very
/// long statements starts to cost more than the round trips it saves.
const INSERT_CHUNK: usize = 64;

/// Batches up to this size are the common case and keep their prepared statements.
const CACHED_SMALL_BATCH: usize = 8;

const TABLE: QueueTable = QueueTable {
    name: "inbox",
    columns: "id, source, dedupe_key, kind, payload, received_at_ms, attempts, status, \
              last_error, next_attempt_at_ms",
    created_col: "received_at_ms",
    finished_col: "finished_at_ms",
};

/// A callback to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInboxItem {
    /// Which callback URL it came to: `app` or `contacts`.
    pub source: String,
    /// Unique per callback (e.g. `MsgId`, or event fields that identify it); a repeat
    /// with the same key is not stored again.
    pub dedupe_key: String,
    /// What it is, for routing and logs, e.g. `event:change_contact`.
    pub kind: String,
    /// The decrypted XML.
    pub payload: String,
    /// When Gantry received it, unix ms.
    pub received_at_ms: i64,
}

/// A stored callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    /// Row id; increases with arrival.
    pub id: i64,
    /// `app` or `contacts`.
    pub source: String,
    /// The unique dedupe key.
    pub dedupe_key: String,
    /// Kind, e.g. `event:change_contact`.
    pub kind: String,
    /// The decrypted XML.
    pub payload: String,
    /// When Gantry received it, unix ms.
    pub received_at_ms: i64,
    /// How many times it was claimed (including the current claim).
    pub attempts: i32,
    /// Where it is in its life.
    pub status: ItemStatus,
    /// The last failure, kept after success or burial for the admin console.
    pub last_error: Option<String>,
    /// When it is next due, unix ms.
    pub next_attempt_at_ms: i64,
}

/// The inbox repository; get one from [`Store::inbox`].
#[derive(Debug, Clone, Copy)]
pub struct Inbox<'a> {
    store: &'a Store,
}

impl<'a> Inbox<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Stores `items` in one transaction (one commit for the whole group) and says for
    /// each whether it was new (`true`) or a duplicate dedupe key (`false`). Within the
    /// batch, the first of two equal keys wins.
    pub async fn insert_batch(&self, items: &[NewInboxItem]) -> Result<Vec<bool>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        // key → how many rows with it this batch inserted (0 or 1).
        let mut inserted: HashMap<String, usize> = HashMap::new();
        let mut tx = self.store.begin().await?;
        for chunk in items.chunks(INSERT_CHUNK) {
            let sql = insert_sql(chunk.len());
            // Keep prepared statements only for full chunks and the small batches of light
            // load; every other size would be a one-off crowding the statement cache.
            let persistent = chunk.len() == INSERT_CHUNK || chunk.len() <= CACHED_SMALL_BATCH;
            let mut query = sqlx::query_scalar::<_, String>(&sql).persistent(persistent);
            for item in chunk {
                query = query
                    .bind(item.source.as_str())
                    .bind(item.dedupe_key.as_str())
                    .bind(item.kind.as_str())
                    .bind(item.payload.as_str())
                    .bind(item.received_at_ms)
                    .bind(item.received_at_ms);
            }
            for key in query.fetch_all(&mut *tx).await? {
                *inserted.entry(key).or_default() += 1;
            }
        }
        tx.commit().await?;
        Ok(items
            .iter()
            .map(|item| match inserted.get_mut(&item.dedupe_key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .collect())
    }

    /// Claims up to `limit` rows that are due (pending with `next_attempt_at_ms <= now`)
    /// or whose lease ran out (a worker died), oldest first, leasing them for
    /// `lease_ms`. Replicas never claim the same row.
    pub async fn claim(
        &self,
        now_ms: i64,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<InboxItem>, StoreError> {
        let rows = TABLE.claim(self.store, now_ms, limit, lease_ms).await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        items.sort_by_key(|item| item.id);
        Ok(items)
    }

    /// Marks a handled row done. `false` when it was not open (already done or dead).
    pub async fn complete(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(&TABLE.complete_sql(""))
            .bind(id)
            .bind(now_ms)
            .execute(self.store.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Puts a row back to wait until `next_attempt_at_ms`, remembering `error`.
    pub async fn retry_later(
        &self,
        id: i64,
        error: &str,
        next_attempt_at_ms: i64,
    ) -> Result<bool, StoreError> {
        TABLE
            .retry_later(self.store, id, error, next_attempt_at_ms, true)
            .await
    }

    /// Gives up on a row: it becomes a dead letter until [`Inbox::replay`].
    pub async fn bury(&self, id: i64, error: &str) -> Result<bool, StoreError> {
        TABLE.bury(self.store, id, error).await
    }

    /// What the command in the callback with `dedupe_key` answered, if it was carried
    /// out already (see [`Inbox::record_answer_on`]).
    pub async fn answer(&self, dedupe_key: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar::<_, String>(
            "SELECT answer FROM inbox_answers WHERE dedupe_key = $1",
        )
        .bind(dedupe_key)
        .fetch_optional(self.store.pool())
        .await?)
    }

    /// Records, in the transaction that carries out a callback's command (`新建任务`),
    /// that the callback with `dedupe_key` was handled, with the answer it got and the
    /// task it created. `false` when that key was recorded already: the command was
    /// carried out before (a redelivery, a retry after a lost lease, a replayed dead
    /// letter), so the caller rolls back and answers with [`Inbox::answer`]. Unlike
    /// inbox rows, these keys are not purged, so they outlive WeCom's redeliveries.
    pub async fn record_answer_on(
        conn: &mut sqlx::AnyConnection,
        dedupe_key: &str,
        answer: &str,
        task_id: Option<i64>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO inbox_answers (dedupe_key, answer, task_id, answered_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(dedupe_key)
        .bind(answer)
        .bind(task_id)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Counts per status and the age of the oldest open row.
    pub async fn stats(&self, now_ms: i64) -> Result<QueueStats, StoreError> {
        TABLE.stats(self.store, now_ms).await
    }

    /// Dead letters, newest first.
    pub async fn dead(&self, limit: u32, offset: u32) -> Result<Vec<InboxItem>, StoreError> {
        let rows = TABLE.dead(self.store, limit, offset).await?;
        rows.iter().map(from_row).collect()
    }

    /// Makes a dead letter pending again, due at once, with attempts reset. `false`
    /// when the row is not dead.
    pub async fn replay(&self, id: i64) -> Result<bool, StoreError> {
        TABLE.replay(self.store, id).await
    }

    /// [`Inbox::replay`] inside the caller's transaction.
    pub async fn replay_on(conn: &mut sqlx::AnyConnection, id: i64) -> Result<bool, StoreError> {
        TABLE.replay_on(conn, id).await
    }

    /// One row by id.
    pub async fn get(&self, id: i64) -> Result<Option<InboxItem>, StoreError> {
        TABLE
            .get(self.store, id)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// Deletes up to `limit` done rows finished before `before_ms`. Their dedupe keys
    /// are forgotten too, so keep well beyond WeCom's retry window (days, not minutes).
    pub async fn purge_done(&self, before_ms: i64, limit: u32) -> Result<u64, StoreError> {
        TABLE.purge_done(self.store, before_ms, limit).await
    }
}

/// `INSERT … VALUES (…), (…) ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key`,
/// the same text on both backends. A new row is due at once: `next_attempt_at_ms` is
/// bound to `received_at_ms`.
fn insert_sql(rows: usize) -> String {
    format!(
        "INSERT INTO inbox (source, dedupe_key, kind, payload, received_at_ms, next_attempt_at_ms) \
         VALUES {} ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key",
        values_list(rows, 6)
    )
}

fn from_row(row: &AnyRow) -> Result<InboxItem, StoreError> {
    Ok(InboxItem {
        id: row.try_get("id")?,
        source: row.try_get("source")?,
        dedupe_key: row.try_get("dedupe_key")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        received_at_ms: row.try_get("received_at_ms")?,
        attempts: row.try_get("attempts")?,
        status: status_of(row)?,
        last_error: row.try_get("last_error")?,
        next_attempt_at_ms: row.try_get("next_attempt_at_ms")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_numbers_parameters_per_row() {
        let sql = insert_sql(2);
        assert!(sql.contains("VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12) ON"));
        assert!(sql.ends_with("RETURNING dedupe_key"));
    }
}
