//! The outbox: WeCom sends written in the same transaction as the business change.
//!
//! A domain action enqueues its sends with [`Outbox::enqueue`] on its own transaction,
//! so a rolled-back change sends nothing and a committed one is sent at least once. The
//! idempotency key makes a repeated action enqueue nothing new.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::queue::{QueueTable, status_of};
use crate::sql::values_list;
use crate::{ItemStatus, QueueStats, Store, StoreError};

const TABLE: QueueTable = QueueTable {
    name: "outbox",
    columns: "id, idempotency_key, kind, agent_id, recipient, payload, attempts, status, \
              created_at_ms, next_attempt_at_ms, last_error, msgid, response_code, sent_at_ms, \
              claimed_until_ms",
    created_col: "created_at_ms",
    finished_col: "sent_at_ms",
};

/// A send to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxItem {
    /// Unique per intended send; enqueuing the same key again does nothing.
    pub idempotency_key: String,
    /// What to call: `message`, `card_update`, …
    pub kind: String,
    /// The WeCom app (`agentid`) sending it.
    pub agent_id: i64,
    /// The userid WeCom's per-member quota applies to, if one does.
    pub recipient: Option<String>,
    /// The request body, JSON.
    pub payload: String,
    /// Not sent before this instant, unix ms (0: at once).
    pub not_before_ms: i64,
}

/// A stored send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Row id; increases with enqueue order.
    pub id: i64,
    /// The unique idempotency key.
    pub idempotency_key: String,
    /// What to call.
    pub kind: String,
    /// The WeCom app sending it.
    pub agent_id: i64,
    /// The userid the per-member quota applies to.
    pub recipient: Option<String>,
    /// The request body, JSON.
    pub payload: String,
    /// Claims that counted (quota waits give theirs back).
    pub attempts: i32,
    /// Where it is in its life; [`ItemStatus::Done`] means sent.
    pub status: ItemStatus,
    /// When it was enqueued, unix ms.
    pub created_at_ms: i64,
    /// When it is next due, unix ms.
    pub next_attempt_at_ms: i64,
    /// The last failure, kept for the admin console.
    pub last_error: Option<String>,
    /// WeCom's `msgid`, for recalling or updating the message later.
    pub msgid: Option<String>,
    /// WeCom's `response_code`, needed to update a template card's buttons.
    pub response_code: Option<String>,
    /// When WeCom accepted it, unix ms.
    pub sent_at_ms: Option<i64>,
    /// While `processing`: when the current claim's lease runs out, unix ms. It also
    /// identifies the claim (see [`Outbox::renew`]).
    pub claimed_until_ms: Option<i64>,
}

/// The outbox repository; get one from [`Store::outbox`].
#[derive(Debug, Clone, Copy)]
pub struct Outbox<'a> {
    store: &'a Store,
}

impl<'a> Outbox<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Enqueues `item` on the caller's connection, normally inside the transaction that
    /// makes the business change (`Outbox::enqueue(&mut tx, …)`). `false` when the
    /// idempotency key is already there; that is not an error and, unlike a unique
    /// violation, does not abort a PostgreSQL transaction.
    pub async fn enqueue(
        conn: &mut AnyConnection,
        item: &NewOutboxItem,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(Self::enqueue_many(conn, std::slice::from_ref(item), now_ms).await? > 0)
    }

    /// [`Outbox::enqueue`] for many rows in one statement per hundred (one command's
    /// cards and notices); returns how many were new.
    pub async fn enqueue_many(
        conn: &mut AnyConnection,
        items: &[NewOutboxItem],
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let mut inserted = 0;
        for chunk in items.chunks(100) {
            let sql = format!(
                "INSERT INTO outbox (idempotency_key, kind, agent_id, recipient, payload, \
                   created_at_ms, next_attempt_at_ms) VALUES {} \
                 ON CONFLICT (idempotency_key) DO NOTHING",
                values_list(chunk.len(), 7)
            );
            let mut query = sqlx::query(&sql);
            for item in chunk {
                query = query
                    .bind(item.idempotency_key.as_str())
                    .bind(item.kind.as_str())
                    .bind(item.agent_id)
                    .bind(item.recipient.as_deref())
                    .bind(item.payload.as_str())
                    .bind(now_ms)
                    .bind(item.not_before_ms);
            }
            inserted += query.execute(&mut *conn).await?.rows_affected();
        }
        Ok(inserted)
    }

    /// [`Outbox::enqueue`] in a transaction of its own, for sends with no business change.
    pub async fn enqueue_now(&self, item: &NewOutboxItem, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.store.begin().await?;
        let inserted = Self::enqueue(&mut tx, item, now_ms).await?;
        tx.commit().await?;
        Ok(inserted)
    }

    /// Claims up to `limit` due or lease-expired rows, oldest first, leasing them for
    /// `lease_ms`. Replicas never claim the same row.
    pub async fn claim(
        &self,
        now_ms: i64,
        limit: u32,
        lease_ms: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let rows = TABLE.claim(self.store, now_ms, limit, lease_ms).await?;
        let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        items.sort_by_key(|item| item.id);
        Ok(items)
    }

    /// Confirms, just before sending, that this worker's claim on row `id` still holds
    /// (`held_until_ms` is the item's [`OutboxItem::claimed_until_ms`] from the claim or
    /// the last renewal) and extends it to `now_ms + lease_ms`. Returns the new lease, or
    /// `None` when another replica claimed the row after this lease ran out (or it was
    /// finished): then it must not be sent, or it would go out twice.
    pub async fn renew(
        &self,
        id: i64,
        held_until_ms: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        TABLE
            .renew(self.store, id, held_until_ms, now_ms, lease_ms)
            .await
    }

    /// Records that WeCom accepted the send. `false` when the row was not open.
    pub async fn mark_sent(
        &self,
        id: i64,
        msgid: Option<&str>,
        response_code: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(&TABLE.complete_sql(", msgid = $3, response_code = $4"))
            .bind(id)
            .bind(now_ms)
            .bind(msgid)
            .bind(response_code)
            .execute(self.store.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Puts a row back to wait until `next_attempt_at_ms`. With `count_attempt` false
    /// (a quota or rate-limit wait, not a failure) the claim's attempt is given back.
    pub async fn retry_later(
        &self,
        id: i64,
        error: &str,
        next_attempt_at_ms: i64,
        count_attempt: bool,
    ) -> Result<bool, StoreError> {
        TABLE
            .retry_later(self.store, id, error, next_attempt_at_ms, count_attempt)
            .await
    }

    /// Gives up on a send: it becomes a dead letter until [`Outbox::replay`].
    pub async fn bury(&self, id: i64, error: &str) -> Result<bool, StoreError> {
        TABLE.bury(self.store, id, error).await
    }

    /// Counts per status and the age of the oldest open row.
    pub async fn stats(&self, now_ms: i64) -> Result<QueueStats, StoreError> {
        TABLE.stats(self.store, now_ms).await
    }

    /// Dead letters, newest first.
    pub async fn dead(&self, limit: u32, offset: u32) -> Result<Vec<OutboxItem>, StoreError> {
        let rows = TABLE.dead(self.store, limit, offset).await?;
        rows.iter().map(from_row).collect()
    }

    /// Makes a dead letter pending again, due at once, with attempts reset. `false`
    /// when the row is not dead.
    pub async fn replay(&self, id: i64) -> Result<bool, StoreError> {
        TABLE.replay(self.store, id).await
    }

    /// [`Outbox::replay`] inside the caller's transaction.
    pub async fn replay_on(conn: &mut sqlx::AnyConnection, id: i64) -> Result<bool, StoreError> {
        TABLE.replay_on(conn, id).await
    }

    /// One row by id.
    pub async fn get(&self, id: i64) -> Result<Option<OutboxItem>, StoreError> {
        TABLE
            .get(self.store, id)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// One row by idempotency key.
    pub async fn get_by_key(&self, key: &str) -> Result<Option<OutboxItem>, StoreError> {
        let sql = format!(
            "SELECT {} FROM outbox WHERE idempotency_key = $1",
            TABLE.columns
        );
        sqlx::query(&sql)
            .bind(key)
            .fetch_optional(self.store.pool())
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// Deletes up to `limit` sent rows sent before `before_ms`. Their idempotency keys
    /// are forgotten too, so keep them longer than any action could be repeated.
    pub async fn purge_done(&self, before_ms: i64, limit: u32) -> Result<u64, StoreError> {
        TABLE.purge_done(self.store, before_ms, limit).await
    }
}

fn from_row(row: &AnyRow) -> Result<OutboxItem, StoreError> {
    Ok(OutboxItem {
        id: row.try_get("id")?,
        idempotency_key: row.try_get("idempotency_key")?,
        kind: row.try_get("kind")?,
        agent_id: row.try_get("agent_id")?,
        recipient: row.try_get("recipient")?,
        payload: row.try_get("payload")?,
        attempts: row.try_get("attempts")?,
        status: status_of(row)?,
        created_at_ms: row.try_get("created_at_ms")?,
        next_attempt_at_ms: row.try_get("next_attempt_at_ms")?,
        last_error: row.try_get("last_error")?,
        msgid: row.try_get("msgid")?,
        response_code: row.try_get("response_code")?,
        sent_at_ms: row.try_get("sent_at_ms")?,
        claimed_until_ms: row.try_get("claimed_until_ms")?,
    })
}
