//! The tamper-evident audit log: who changed what, when, from where, before → after.
//!
//! Rows form a hash chain. Row `n` stores `prev_hash` (row `n - 1`'s hash, or
//! [`GENESIS_HASH`] for row 1) and `hash`, the SHA-256 of `prev_hash` and all of its own
//! columns (see `chain.rs` for the encoding). Ids are the chain positions 1, 2, 3, …
//! without gaps. Editing a row breaks its hash, removing one leaves a gap, reordering
//! breaks a link; [`Audit::verify`] finds the first such row.
//!
//! The one-row `audit_head` table holds the last id and hash. Appenders take its row
//! lock, so concurrent appends queue up instead of forking the chain, and ids come from
//! it rather than from a sequence (a PostgreSQL sequence is not transactional: a rolled-back
//! business transaction would leave a gap indistinguishable from a deleted row).

mod chain;
mod verify;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};

use crate::{Store, StoreError};

pub use chain::GENESIS_HASH;
pub use verify::{Broken, Problem, VerifyReport};

const COLUMNS: &str = "id, at_ms, actor, ip, action, target_type, target_id, before_json, \
                       after_json, project_id, prev_hash, hash";

/// An audit record to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// When the change happened, unix ms.
    pub at_ms: i64,
    /// The WeCom userid who made it, or `system`.
    pub actor: String,
    /// The client's IP address, when the change came over HTTP.
    pub ip: Option<String>,
    /// What happened, e.g. `project.update`.
    pub action: String,
    /// The kind of thing changed, e.g. `project`.
    pub target_type: String,
    /// Its id, as text.
    pub target_id: String,
    /// JSON text of the target before the change; `None` for a creation.
    pub before_json: Option<String>,
    /// JSON text of the target after the change; `None` for a deletion.
    pub after_json: Option<String>,
    /// The project the target belongs to, when it belongs to one (for filtering).
    pub project_id: Option<i64>,
}

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain: 1, 2, 3, … without gaps.
    pub id: i64,
    /// When the change happened, unix ms.
    pub at_ms: i64,
    /// The WeCom userid who made it, or `system`.
    pub actor: String,
    /// The client's IP address, if known.
    pub ip: Option<String>,
    /// What happened, e.g. `project.update`.
    pub action: String,
    /// The kind of thing changed.
    pub target_type: String,
    /// Its id, as text.
    pub target_id: String,
    /// JSON text before the change.
    pub before_json: Option<String>,
    /// JSON text after the change.
    pub after_json: Option<String>,
    /// The project the target belongs to, if any.
    pub project_id: Option<i64>,
    /// The previous row's hash ([`GENESIS_HASH`] for row 1).
    pub prev_hash: String,
    /// SHA-256 (lower-case hex) of `prev_hash` and every other column.
    pub hash: String,
}

impl AuditEntry {
    /// What `hash` should be for this row's contents; an outside verifier can re-check
    /// exported rows with it.
    pub fn compute_hash(&self) -> String {
        chain::entry_hash(self)
    }
}

/// Which rows [`Audit::list`] returns; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor's rows.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only actions starting with this (`approval.`).
    pub action_prefix: Option<String>,
    /// Only this kind of target.
    pub target_type: Option<String>,
    /// Only this target id (usually with `target_type`).
    pub target_id: Option<String>,
    /// Only rows about this project: those filed under it, and older rows (written before
    /// rows carried a project) whose target is the project itself.
    pub project_id: Option<i64>,
    /// Only rows at or after this instant, unix ms.
    pub from_ms: Option<i64>,
    /// Only rows before this instant, unix ms.
    pub to_ms: Option<i64>,
}

/// A value bound to a filter's placeholder.
enum Bind {
    Text(String),
    Int(i64),
}

impl AuditFilter {
    /// The `WHERE` conditions (each starting with ` AND`) and their values, numbered from
    /// `$1`.
    fn conditions(&self) -> (String, Vec<Bind>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        for (col, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target_type", &self.target_type),
            ("target_id", &self.target_id),
        ] {
            if let Some(value) = value {
                binds.push(Bind::Text(value.clone()));
                sql.push_str(&format!(" AND {col} = ${}", binds.len()));
            }
        }
        if let Some(prefix) = &self.action_prefix {
            binds.push(Bind::Text(prefix.clone()));
            // substr, not LIKE: action codes hold `_`, a LIKE wildcard, and LIKE's case
            // rules differ between the backends.
            sql.push_str(&format!(
                " AND substr(action, 1, length(${n})) = ${n}",
                n = binds.len()
            ));
        }
        if let Some(project) = self.project_id {
            binds.push(Bind::Int(project));
            binds.push(Bind::Text(project.to_string()));
            let n = binds.len();
            sql.push_str(&format!(
                " AND (project_id = ${} OR (project_id IS NULL AND target_type = 'project' \
                 AND target_id = ${n}))",
                n - 1
            ));
        }
        for (op, value) in [(">=", self.from_ms), ("<", self.to_ms)] {
            if let Some(ms) = value {
                binds.push(Bind::Int(ms));
                sql.push_str(&format!(" AND at_ms {op} ${}", binds.len()));
            }
        }
        (sql, binds)
    }
}

/// The audit repository; get one from [`Store::audit`].
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    store: &'a Store,
}

impl<'a> Audit<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Appends `entry` on `conn`, normally the caller's transaction (`&mut *tx` of a
    /// [`Store::begin`]), so a business change and its audit row commit or roll back
    /// together.
    ///
    /// The append locks the chain head until that transaction ends, serialising appends:
    /// append as the last write before committing, to hold the lock briefly and never
    /// wait on other rows while holding it. Outside a transaction the append still runs
    /// atomically in one of its own.
    pub async fn append(
        conn: &mut AnyConnection,
        entry: &NewAuditEntry,
    ) -> Result<AuditEntry, StoreError> {
        // A savepoint inside the caller's transaction, or a transaction of its own: the
        // three statements below must never be seen half done.
        let mut tx = conn.begin().await?;
        // One statement that locks the head (row lock on PostgreSQL, the write lock on
        // SQLite) and claims the next id; concurrent appenders wait here.
        let head = sqlx::query(
            "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 \
             RETURNING last_id, last_hash",
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the audit_head row is missing".into()))?;
        let mut row = AuditEntry {
            id: head.try_get("last_id")?,
            at_ms: entry.at_ms,
            actor: entry.actor.clone(),
            ip: entry.ip.clone(),
            action: entry.action.clone(),
            target_type: entry.target_type.clone(),
            target_id: entry.target_id.clone(),
            before_json: entry.before_json.clone(),
            after_json: entry.after_json.clone(),
            project_id: entry.project_id,
            prev_hash: head.try_get("last_hash")?,
            hash: String::new(),
        };
        row.hash = row.compute_hash();
        sqlx::query(&format!(
            "INSERT INTO audit_log ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(row.id)
        .bind(row.at_ms)
        .bind(row.actor.as_str())
        .bind(row.ip.as_deref())
        .bind(row.action.as_str())
        .bind(row.target_type.as_str())
        .bind(row.target_id.as_str())
        .bind(row.before_json.as_deref())
        .bind(row.after_json.as_deref())
        .bind(row.project_id)
        .bind(row.prev_hash.as_str())
        .bind(row.hash.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
            .bind(row.hash.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Appends `entry` in a transaction of its own, for changes that have no other
    /// writes (logins, exports, config changes made elsewhere).
    pub async fn append_now(&self, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        let mut tx = self.store.begin().await?;
        let row = Self::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Up to `limit` rows matching `filter`, newest first; `before_id` pages on from the
    /// last id of the previous page.
    pub async fn list(
        &self,
        filter: &AuditFilter,
        limit: u32,
        before_id: Option<i64>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let (conditions, mut binds) = filter.conditions();
        let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1{conditions}");
        if let Some(before_id) = before_id {
            binds.push(Bind::Int(before_id));
            sql.push_str(&format!(" AND id < ${}", binds.len()));
        }
        binds.push(Bind::Int(i64::from(limit)));
        sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", binds.len()));
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(n) => query.bind(n),
            };
        }
        let rows = query.fetch_all(self.store.pool()).await?;
        rows.iter().map(from_row).collect()
    }

    /// The row at chain position `id`, if there is one.
    pub async fn get(&self, id: i64) -> Result<Option<AuditEntry>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Walks the whole chain and reports the first broken row; see [`VerifyReport`] for
    /// what can and cannot be detected.
    pub async fn verify(&self) -> Result<VerifyReport, StoreError> {
        verify::run(self.store).await
    }
}

pub(crate) fn from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at_ms: row.try_get("at_ms")?,
        actor: row.try_get("actor")?,
        ip: row.try_get("ip")?,
        action: row.try_get("action")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        before_json: row.try_get("before_json")?,
        after_json: row.try_get("after_json")?,
        project_id: row.try_get("project_id")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}
