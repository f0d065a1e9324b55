//! The live-change journal: every single-entity write (a contact event, a login filling
//! in a member) takes the next number of one counter and records it per entity. A full
//! sync notes the counter when it starts and, through [`super::SyncWriter`], leaves alone
//! whatever was touched after that: its snapshot of that entity may be older.
//!
//! Both kinds of write first update the counter row, which serialises them: the row
//! lock on PostgreSQL, the database write lock on SQLite (taken before any read, so a
//! deferred SQLite transaction never has to upgrade a stale snapshot).

use std::collections::HashSet;

use sqlx::{AnyConnection, Row};

use super::Org;
use crate::StoreError;

/// What a journal entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Member,
    Department,
    Tag,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Department => "department",
            Self::Tag => "tag",
        }
    }
}

impl Org<'_> {
    /// The number of the latest live change; a full sync starts by reading it.
    pub async fn change_seq(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT value FROM org_change_seq WHERE id = 1")
            .fetch_one(self.store.pool())
            .await?;
        Ok(row.try_get("value")?)
    }

    /// Drops journal entries up to `seq` (a finished sync's start: no later sync needs
    /// them). Returns how many were dropped.
    pub async fn forget_touches_through(&self, seq: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM org_touches WHERE seq <= $1")
            .bind(seq)
            .execute(self.store.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

/// Takes the next number and records it for `entity`/`key`; call first in the
/// transaction that makes the change.
pub(super) async fn touch(
    conn: &mut AnyConnection,
    entity: Entity,
    key: &str,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let row =
        sqlx::query("UPDATE org_change_seq SET value = value + 1 WHERE id = 1 RETURNING value")
            .fetch_one(&mut *conn)
            .await?;
    let seq: i64 = row.try_get("value")?;
    sqlx::query(
        "INSERT INTO org_touches (entity, entity_key, seq, touched_at_ms) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (entity, entity_key) DO UPDATE SET seq = excluded.seq, \
           touched_at_ms = excluded.touched_at_ms",
    )
    .bind(entity.as_str())
    .bind(key)
    .bind(seq)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(seq)
}

/// Locks out live changes for the rest of the transaction, then returns the keys of
/// `entity` touched after `since`.
pub(super) async fn lock_and_read_since(
    conn: &mut AnyConnection,
    entity: Entity,
    since: i64,
) -> Result<HashSet<String>, StoreError> {
    sqlx::query("UPDATE org_change_seq SET value = value WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let rows = sqlx::query("SELECT entity_key FROM org_touches WHERE entity = $1 AND seq > $2")
        .bind(entity.as_str())
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            r.try_get::<String, _>("entity_key")
                .map_err(StoreError::from)
        })
        .collect()
}
