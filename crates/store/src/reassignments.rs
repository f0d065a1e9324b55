//! Work a member who left still holds, flagged for handing over, and which leaves have
//! been followed up.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::{Store, StoreError};

/// A flag to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReassignment {
    /// Who left.
    pub leaver: String,
    /// What kind of work: `project_role`, later `approval_step`, `task`.
    pub kind: String,
    /// Which item of that kind (unique per leaver and kind).
    pub item: String,
    /// The project it belongs to, if any.
    pub project_id: Option<i64>,
    /// A line for people: what has to be handed over.
    pub detail: String,
}

/// A raised flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassignment {
    /// Row id.
    pub id: i64,
    /// Who left.
    pub leaver: String,
    /// Kind of work.
    pub kind: String,
    /// Which item.
    pub item: String,
    /// Its project.
    pub project_id: Option<i64>,
    /// For people.
    pub detail: String,
    /// When flagged, unix ms.
    pub flagged_at_ms: i64,
    /// When handed over, if it has been.
    pub resolved_at_ms: Option<i64>,
}

/// The repository; get one from [`Store::reassignments`].
#[derive(Debug, Clone, Copy)]
pub struct Reassignments<'a> {
    store: &'a Store,
}

impl<'a> Reassignments<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Raises a flag; `false` when this leaver's item was flagged before.
    pub async fn flag(&self, new: &NewReassignment, now_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reassignments (leaver, kind, item, project_id, detail, flagged_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (leaver, kind, item) DO NOTHING",
        )
        .bind(new.leaver.as_str())
        .bind(new.kind.as_str())
        .bind(new.item.as_str())
        .bind(new.project_id)
        .bind(new.detail.as_str())
        .bind(now_ms)
        .execute(self.store.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Open flags, of one project or all, oldest first.
    pub async fn open(&self, project_id: Option<i64>) -> Result<Vec<Reassignment>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, leaver, kind, item, project_id, detail, flagged_at_ms, resolved_at_ms \
             FROM reassignments WHERE resolved_at_ms IS NULL \
               AND ($1 IS NULL OR project_id = $1) ORDER BY id",
        )
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One flag, open or handed over.
    pub async fn get(&self, id: i64) -> Result<Option<Reassignment>, StoreError> {
        let row = sqlx::query(
            "SELECT id, leaver, kind, item, project_id, detail, flagged_at_ms, resolved_at_ms \
             FROM reassignments WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.store.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Marks a flag handed over; `false` when it was not open.
    pub async fn resolve(&self, id: i64, by: &str, now_ms: i64) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::resolve_on(&mut conn, id, by, now_ms).await
    }

    /// [`Reassignments::resolve`] inside the caller's transaction.
    pub async fn resolve_on(
        conn: &mut AnyConnection,
        id: i64,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE reassignments SET resolved_at_ms = $2, resolved_by = $3 \
             WHERE id = $1 AND resolved_at_ms IS NULL",
        )
        .bind(id)
        .bind(now_ms)
        .bind(by)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Leaves not yet followed up, oldest first: (userid, left_at_ms).
    pub async fn leaves_to_handle(&self, limit: u32) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.userid, m.left_at_ms FROM org_members m \
             WHERE m.left_at_ms IS NOT NULL AND NOT EXISTS ( \
               SELECT 1 FROM leavers_handled h \
               WHERE h.userid = m.userid AND h.left_at_ms = m.left_at_ms) \
             ORDER BY m.left_at_ms, m.userid LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("userid")?, r.try_get("left_at_ms")?)))
            .collect()
    }

    /// Records that a leave has been followed up.
    pub async fn leave_handled(
        &self,
        userid: &str,
        left_at_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO leavers_handled (userid, left_at_ms, handled_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (userid, left_at_ms) DO NOTHING",
        )
        .bind(userid)
        .bind(left_at_ms)
        .bind(now_ms)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }
}

fn from_row(row: &AnyRow) -> Result<Reassignment, StoreError> {
    Ok(Reassignment {
        id: row.try_get("id")?,
        leaver: row.try_get("leaver")?,
        kind: row.try_get("kind")?,
        item: row.try_get("item")?,
        project_id: row.try_get("project_id")?,
        detail: row.try_get("detail")?,
        flagged_at_ms: row.try_get("flagged_at_ms")?,
        resolved_at_ms: row.try_get("resolved_at_ms")?,
    })
}
