//! What the inbox and outbox have in common: row status, stats, and the lease-based
//! claim / complete / retry / bury / replay cycle, written once over a table name.
//!
//! A worker *claims* due rows: they become `processing` with a lease (`claimed_until_ms`).
//! If the worker dies, the lease runs out and the next claim takes the row again, so
//! every row is handled at least once. `attempts` counts claims, so a row that crashes
//! its worker every time still reaches the retry limit and can be buried.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Backend, Store, StoreError};

/// Where an inbox or outbox row is in its life. Stored as lower-case TEXT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemStatus {
    /// Waiting until `next_attempt_at_ms`.
    Pending,
    /// Claimed by a worker until its lease runs out.
    Processing,
    /// Handled (inbox) or sent (outbox).
    Done,
    /// Gave up: a dead letter until an admin replays it.
    Dead,
}

impl ItemStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::Processing => "processing",
            ItemStatus::Done => "done",
            ItemStatus::Dead => "dead",
        }
    }

    /// Parses the stored text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(ItemStatus::Pending),
            "processing" => Some(ItemStatus::Processing),
            "done" => Some(ItemStatus::Done),
            "dead" => Some(ItemStatus::Dead),
            _ => None,
        }
    }
}

/// Row counts per status, for `/metrics` and the admin console.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Waiting rows (due or not).
    pub pending: i64,
    /// Claimed rows (including ones whose lease ran out and await recovery).
    pub processing: i64,
    /// Handled or sent rows not yet purged.
    pub done: i64,
    /// Dead letters.
    pub dead: i64,
    /// Age of the oldest row still open (pending or processing); `None` when none is.
    pub oldest_pending_age_ms: Option<i64>,
}

/// One queue table and the columns its item type reads.
#[derive(Debug)]
pub(crate) struct QueueTable {
    pub name: &'static str,
    /// The `SELECT`/`RETURNING` list the item's row mapper expects.
    pub columns: &'static str,
    /// When the row entered the queue.
    pub created_col: &'static str,
    /// When the row was done (what [`QueueTable::purge_done`] ages by).
    pub finished_col: &'static str,
}

/// Rows are only moved out of the open set; a late worker whose lease expired cannot
/// resurrect a row another worker already finished or buried.
const OPEN: &str = "status IN ('pending', 'processing')";

impl QueueTable {
    pub async fn claim(
        &self,
        store: &Store,
        now_ms: i64,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<AnyRow>, StoreError> {
        // On PostgreSQL, SKIP LOCKED lets replicas claim side by side without waiting on
        // or double-claiming each other's rows. SQLite has one writer at a time, so the
        // single UPDATE statement is already exclusive.
        let lock = match store.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE {t} SET status = 'processing', claimed_until_ms = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM {t} WHERE {OPEN} \
               AND ((status = 'pending' AND next_attempt_at_ms <= $1) \
                 OR (status = 'processing' AND claimed_until_ms <= $1)) \
               ORDER BY id LIMIT $3{lock}) \
             RETURNING {cols}",
            t = self.name,
            cols = self.columns,
        );
        // RETURNING order is unspecified on both backends: callers sort by id.
        Ok(sqlx::query(&sql)
            .bind(now_ms)
            .bind(now_ms.saturating_add(lease_ms))
            .bind(i64::from(limit))
            .fetch_all(store.pool())
            .await?)
    }

    /// Marks an open row done; `extra_set` adds columns bound from `$3` on.
    pub fn complete_sql(&self, extra_set: &str) -> String {
        format!(
            "UPDATE {t} SET status = 'done', claimed_until_ms = NULL, {f} = $2{extra_set} \
             WHERE id = $1 AND {OPEN}",
            t = self.name,
            f = self.finished_col,
        )
    }

    /// Confirms that the caller still holds its claim on row `id` and extends it: the
    /// row must still be `processing` with the `claimed_until_ms` the caller's claim (or
    /// last renewal) set. Leases only grow (a later claim sets a later instant), so that
    /// value identifies the claim. `None` when the row was taken over by another worker
    /// (its lease ran out) or finished: the caller must leave it alone.
    pub async fn renew(
        &self,
        store: &Store,
        id: i64,
        held_until_ms: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let until = now_ms.saturating_add(lease_ms).max(held_until_ms);
        let sql = format!(
            "UPDATE {t} SET claimed_until_ms = $3 \
             WHERE id = $1 AND status = 'processing' AND claimed_until_ms = $2",
            t = self.name,
        );
        let done = sqlx::query(&sql)
            .bind(id)
            .bind(held_until_ms)
            .bind(until)
            .execute(store.pool())
            .await?;
        Ok((done.rows_affected() > 0).then_some(until))
    }

    pub async fn retry_later(
        &self,
        store: &Store,
        id: i64,
        error: &str,
        next_attempt_at_ms: i64,
        count_attempt: bool,
    ) -> Result<bool, StoreError> {
        // The claim already counted this attempt; a wait that should not count (a quota
        // pause) gives it back.
        let sql = format!(
            "UPDATE {t} SET status = 'pending', claimed_until_ms = NULL, last_error = $2, \
               next_attempt_at_ms = $3, \
               attempts = CASE WHEN $4 = 0 AND attempts > 0 THEN attempts - 1 ELSE attempts END \
             WHERE id = $1 AND {OPEN}",
            t = self.name,
        );
        let done = sqlx::query(&sql)
            .bind(id)
            .bind(error)
            .bind(next_attempt_at_ms)
            .bind(i32::from(count_attempt))
            .execute(store.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn bury(&self, store: &Store, id: i64, error: &str) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE {t} SET status = 'dead', claimed_until_ms = NULL, last_error = $2 \
             WHERE id = $1 AND {OPEN}",
            t = self.name,
        );
        let done = sqlx::query(&sql)
            .bind(id)
            .bind(error)
            .execute(store.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn replay(&self, store: &Store, id: i64) -> Result<bool, StoreError> {
        let mut conn = store.pool().acquire().await?;
        self.replay_on(&mut conn, id).await
    }

    /// [`QueueTable::replay`] inside the caller's transaction.
    pub async fn replay_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        id: i64,
    ) -> Result<bool, StoreError> {
        // next_attempt_at 0: due at once. last_error stays as the reason it died.
        let sql = format!(
            "UPDATE {t} SET status = 'pending', attempts = 0, next_attempt_at_ms = 0, \
               claimed_until_ms = NULL \
             WHERE id = $1 AND status = 'dead'",
            t = self.name,
        );
        let done = sqlx::query(&sql).bind(id).execute(conn).await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn stats(&self, store: &Store, now_ms: i64) -> Result<QueueStats, StoreError> {
        let mut stats = QueueStats::default();
        let sql = format!(
            "SELECT status, COUNT(*) AS n FROM {t} GROUP BY status",
            t = self.name
        );
        for row in sqlx::query(&sql).fetch_all(store.pool()).await? {
            let n: i64 = row.try_get("n")?;
            match ItemStatus::parse(row.try_get("status")?) {
                Some(ItemStatus::Pending) => stats.pending = n,
                Some(ItemStatus::Processing) => stats.processing = n,
                Some(ItemStatus::Done) => stats.done = n,
                Some(ItemStatus::Dead) => stats.dead = n,
                None => {}
            }
        }
        let sql = format!(
            "SELECT MIN({c}) AS oldest FROM {t} WHERE {OPEN}",
            c = self.created_col,
            t = self.name
        );
        let oldest: Option<i64> = sqlx::query(&sql)
            .fetch_one(store.pool())
            .await?
            .try_get("oldest")?;
        stats.oldest_pending_age_ms = oldest.map(|t| now_ms.saturating_sub(t).max(0));
        Ok(stats)
    }

    /// Dead letters, newest first.
    pub async fn dead(
        &self,
        store: &Store,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let sql = format!(
            "SELECT {cols} FROM {t} WHERE status = 'dead' ORDER BY id DESC LIMIT $1 OFFSET $2",
            cols = self.columns,
            t = self.name
        );
        Ok(sqlx::query(&sql)
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(store.pool())
            .await?)
    }

    pub async fn get(&self, store: &Store, id: i64) -> Result<Option<AnyRow>, StoreError> {
        let sql = format!(
            "SELECT {cols} FROM {t} WHERE id = $1",
            cols = self.columns,
            t = self.name
        );
        Ok(sqlx::query(&sql)
            .bind(id)
            .fetch_optional(store.pool())
            .await?)
    }

    /// Deletes up to `limit` done rows finished before `before_ms`, oldest first.
    pub async fn purge_done(
        &self,
        store: &Store,
        before_ms: i64,
        limit: u32,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "DELETE FROM {t} WHERE id IN (SELECT id FROM {t} \
               WHERE status = 'done' AND {f} < $1 ORDER BY id LIMIT $2)",
            t = self.name,
            f = self.finished_col,
        );
        let done = sqlx::query(&sql)
            .bind(before_ms)
            .bind(i64::from(limit))
            .execute(store.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

/// Reads the status column.
pub(crate) fn status_of(row: &AnyRow) -> Result<ItemStatus, StoreError> {
    let s: String = row.try_get("status")?;
    ItemStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("unknown status {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text_round_trips() {
        for s in [
            ItemStatus::Pending,
            ItemStatus::Processing,
            ItemStatus::Done,
            ItemStatus::Dead,
        ] {
            assert_eq!(ItemStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ItemStatus::parse("sent"), None);
    }
}
