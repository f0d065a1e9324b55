//! Reading and writing the ledger fields of projects, with their tags.

use std::collections::HashMap;

use domain::access::ProjectRole;
use domain::calendar::Day;
use domain::ledger::{ContractStatus, Coordinates, Ledger};
use domain::project::ProjectStatus;
use sqlx::AnyConnection;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::Projects;
use crate::StoreError;
use crate::sql::{AnyQuery, float_text, in_list, values_list};

/// A project's ledger entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRecord {
    /// Id.
    pub id: i64,
    /// The entry.
    pub ledger: Ledger,
    /// Bumped by every edit.
    pub version: i64,
    /// Who created it.
    pub created_by: String,
    /// When (unix ms).
    pub created_at_ms: i64,
    /// Last change (unix ms).
    pub updated_at_ms: i64,
}

/// The columns [`record_from_row`] reads, for `SELECT {LEDGER_COLUMNS} FROM projects p`.
pub(super) const LEDGER_COLUMNS: &str = "p.id, p.code, p.name, p.kind, p.client, p.address, \
     p.latitude, p.longitude, p.contract_fen, p.budget_fen, p.contract_status, \
     p.planned_start, p.planned_finish, p.actual_start, p.actual_finish, p.department_id, \
     p.status, p.version, p.created_by, p.created_at_ms, p.updated_at_ms";

impl Projects<'_> {
    /// Creates a project from its ledger entry (tags included) on the caller's
    /// connection; fails with [`StoreError::Conflict`] when the code is taken.
    pub async fn create_on(
        conn: &mut AnyConnection,
        ledger: &Ledger,
        by: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let row = bind_ledger(
            sqlx::query(
                "INSERT INTO projects (code, name, kind, client, address, latitude, longitude, \
                   contract_fen, budget_fen, contract_status, planned_start, planned_finish, \
                   actual_start, actual_finish, department_id, status, created_by, \
                   created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, CAST($6 AS DOUBLE PRECISION), \
                   CAST($7 AS DOUBLE PRECISION), $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                   $17, $18, $18) RETURNING id",
            ),
            ledger,
        )
        .bind(by)
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await?;
        let id: i64 = row.try_get("id")?;
        write_tags(conn, id, &ledger.tags).await?;
        Ok(id)
    }

    /// Replaces a project's ledger entry when its version is still `version`; returns
    /// the new version, or `None` when someone changed it first (or it is gone).
    pub async fn update_on(
        conn: &mut AnyConnection,
        id: i64,
        version: i64,
        ledger: &Ledger,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let done = bind_ledger(
            sqlx::query(
                "UPDATE projects SET code = $1, name = $2, kind = $3, client = $4, \
                   address = $5, latitude = CAST($6 AS DOUBLE PRECISION), \
                   longitude = CAST($7 AS DOUBLE PRECISION), contract_fen = $8, \
                   budget_fen = $9, contract_status = $10, planned_start = $11, \
                   planned_finish = $12, actual_start = $13, actual_finish = $14, \
                   department_id = $15, status = $16, version = version + 1, \
                   updated_at_ms = $17 \
                 WHERE id = $18 AND version = $19",
            ),
            ledger,
        )
        .bind(now_ms)
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query("DELETE FROM project_tags WHERE project_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        write_tags(conn, id, &ledger.tags).await?;
        Ok(Some(version + 1))
    }

    /// Gives `userid` `role` in the project on the caller's connection; `false` when they
    /// already had it.
    pub async fn add_member_on(
        conn: &mut AnyConnection,
        project_id: i64,
        userid: &str,
        role: ProjectRole,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO project_members (project_id, userid, role, added_by, added_at_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, userid, role) DO NOTHING",
        )
        .bind(project_id)
        .bind(userid)
        .bind(role.code())
        .bind(by)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// One project's ledger entry.
    pub async fn ledger(&self, id: i64) -> Result<Option<LedgerRecord>, StoreError> {
        let sql = format!("SELECT {LEDGER_COLUMNS} FROM projects p WHERE p.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut record = record_from_row(&row)?;
        record.ledger.tags = self.tags_of(&[id]).await?.remove(&id).unwrap_or_default();
        Ok(Some(record))
    }

    /// The ledger entries with these codes, by code (for imports).
    pub async fn ledgers_by_code(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, LedgerRecord>, StoreError> {
        let mut found = HashMap::with_capacity(codes.len());
        for chunk in codes.chunks(500) {
            let sql = format!(
                "SELECT {LEDGER_COLUMNS} FROM projects p WHERE p.code IN ({})",
                in_list(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for code in chunk {
                query = query.bind(code.as_str());
            }
            for row in query.fetch_all(self.store.pool()).await? {
                let record = record_from_row(&row)?;
                found.insert(record.ledger.code.clone(), record);
            }
        }
        let ids: Vec<i64> = found.values().map(|r| r.id).collect();
        let mut tags = self.tags_of(&ids).await?;
        for record in found.values_mut() {
            record.ledger.tags = tags.remove(&record.id).unwrap_or_default();
        }
        Ok(found)
    }

    /// Tags of each of `ids` that has any, sorted.
    pub(super) async fn tags_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<String>>, StoreError> {
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT project_id, tag FROM project_tags WHERE project_id IN ({}) \
                 ORDER BY project_id, tag",
                in_list(1, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for (id, tag) in query.fetch_all(self.store.pool()).await? {
                tags.entry(id).or_default().push(tag);
            }
        }
        Ok(tags)
    }

    /// Members holding `role` in each of `ids`, leavers included (a ledger shows who
    /// held the post), sorted.
    pub async fn holders_of(
        &self,
        ids: &[i64],
        role: ProjectRole,
    ) -> Result<HashMap<i64, Vec<String>>, StoreError> {
        let mut holders: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT project_id, userid FROM project_members \
                 WHERE role = $1 AND project_id IN ({}) ORDER BY project_id, userid",
                in_list(2, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql).bind(role.code());
            for id in chunk {
                query = query.bind(*id);
            }
            for (id, userid) in query.fetch_all(self.store.pool()).await? {
                holders.entry(id).or_default().push(userid);
            }
        }
        Ok(holders)
    }
}

/// Binds the ledger's sixteen fields as `$1` … `$16`, in the order both writes name them.
fn bind_ledger<'q>(query: AnyQuery<'q>, ledger: &'q Ledger) -> AnyQuery<'q> {
    let day = |d: Option<Day>| d.map(|d| d.0);
    query
        .bind(ledger.code.as_str())
        .bind(ledger.name.as_str())
        .bind(ledger.kind.as_str())
        .bind(ledger.client.as_str())
        .bind(ledger.address.as_str())
        .bind(float_text(ledger.location.map(|c| c.lat)))
        .bind(float_text(ledger.location.map(|c| c.lng)))
        .bind(ledger.contract_fen)
        .bind(ledger.budget_fen)
        .bind(ledger.contract_status.code())
        .bind(day(ledger.planned_start))
        .bind(day(ledger.planned_finish))
        .bind(day(ledger.actual_start))
        .bind(day(ledger.actual_finish))
        .bind(ledger.department_id)
        .bind(ledger.status.code())
}

async fn write_tags(conn: &mut AnyConnection, id: i64, tags: &[String]) -> Result<(), StoreError> {
    if tags.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO project_tags (project_id, tag) VALUES {}",
        values_list(tags.len(), 2)
    );
    let mut query = sqlx::query(&sql);
    for tag in tags {
        query = query.bind(id).bind(tag.as_str());
    }
    query.execute(conn).await?;
    Ok(())
}

/// A ledger record from a row with [`LEDGER_COLUMNS`]; tags are filled in separately.
pub(super) fn record_from_row(row: &AnyRow) -> Result<LedgerRecord, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    let status: String = row.try_get("status")?;
    let contract: String = row.try_get("contract_status")?;
    let day = |column: &str| -> Result<Option<Day>, StoreError> {
        let value: Option<i64> = row.try_get(column)?;
        value
            .map(|d| i32::try_from(d).map(Day))
            .transpose()
            .map_err(|_| StoreError::Corrupt(format!("{column} out of range")))
    };
    let lat: Option<f64> = row.try_get("latitude")?;
    let lng: Option<f64> = row.try_get("longitude")?;
    let ledger = Ledger {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        client: row.try_get("client")?,
        address: row.try_get("address")?,
        location: lat.zip(lng).map(|(lat, lng)| Coordinates { lat, lng }),
        contract_fen: row.try_get("contract_fen")?,
        budget_fen: row.try_get("budget_fen")?,
        contract_status: ContractStatus::from_code(&contract)
            .ok_or_else(|| corrupt("contract status", &contract))?,
        planned_start: day("planned_start")?,
        planned_finish: day("planned_finish")?,
        actual_start: day("actual_start")?,
        actual_finish: day("actual_finish")?,
        department_id: row.try_get("department_id")?,
        status: ProjectStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
        tags: Vec::new(),
    };
    Ok(LedgerRecord {
        id: row.try_get("id")?,
        ledger,
        version: row.try_get("version")?,
        created_by: row.try_get("created_by")?,
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}
