//! Departments.

use domain::org::Department;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Org;
use super::touches::{Entity, touch};
use crate::StoreError;
use crate::sql::{from_json, to_json};

const COLUMNS: &str = "id, name, name_en, parent_id, sort_order, leaders";

impl Org<'_> {
    /// Inserts or replaces a department.
    pub async fn upsert_department(
        &self,
        dept: &Department,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.store.begin().await?;
        touch(&mut tx, Entity::Department, &dept.id.to_string(), now_ms).await?;
        write_department(&mut tx, dept, now_ms).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a department; `false` when it was not there. Memberships naming it stay
    /// until their members are next updated (WeCom only deletes empty departments).
    pub async fn delete_department(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.store.begin().await?;
        touch(&mut tx, Entity::Department, &id.to_string(), now_ms).await?;
        let deleted = delete_department_row(&mut tx, id).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// One department.
    pub async fn department(&self, id: i64) -> Result<Option<Department>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM org_departments WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// Names of those of `ids` that exist.
    pub async fn department_names(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let mut names = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, name FROM org_departments WHERE id IN ({})",
                crate::sql::in_list(1, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            names.extend(query.fetch_all(self.store.pool()).await?);
        }
        Ok(names)
    }

    /// Every department, grouped by parent and in WeCom's display order (larger
    /// `order` first).
    pub async fn departments(&self) -> Result<Vec<Department>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM org_departments ORDER BY parent_id, sort_order DESC, id"
        );
        sqlx::query(&sql)
            .fetch_all(self.store.pool())
            .await?
            .iter()
            .map(from_row)
            .collect()
    }
}

/// The delete itself, on any connection.
pub(super) async fn delete_department_row(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM org_departments WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The upsert itself, on any connection (a transaction for batches).
pub(super) async fn write_department(
    conn: &mut AnyConnection,
    dept: &Department,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO org_departments (id, name, name_en, parent_id, sort_order, leaders, \
           updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, \
           parent_id = excluded.parent_id, sort_order = excluded.sort_order, \
           leaders = excluded.leaders, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(dept.id)
    .bind(dept.name.as_str())
    .bind(dept.name_en.as_deref())
    .bind(dept.parent_id)
    .bind(dept.order)
    .bind(to_json(&dept.leaders)?)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Department, StoreError> {
    let leaders: String = row.try_get("leaders")?;
    Ok(Department {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        name_en: row.try_get("name_en")?,
        parent_id: row.try_get("parent_id")?,
        order: row.try_get("sort_order")?,
        leaders: from_json("department leaders", &leaders)?,
    })
}
