//! Tags and what they tag (members and departments).

use std::collections::HashMap;

use domain::org::Tag;
use sqlx::{AnyConnection, Row};

use super::touches::{Entity, touch};
use super::{LIST_CHUNK, Org};
use crate::StoreError;
use crate::sql::values_list;

impl Org<'_> {
    /// Inserts or replaces a tag with its member and department lists, in one
    /// transaction.
    pub async fn upsert_tag(&self, tag: &Tag, now_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.store.begin().await?;
        touch(&mut tx, Entity::Tag, &tag.id.to_string(), now_ms).await?;
        write_tag(&mut tx, tag, now_ms).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a tag and its lists (by cascade); `false` when it was not there.
    pub async fn delete_tag(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.store.begin().await?;
        touch(&mut tx, Entity::Tag, &id.to_string(), now_ms).await?;
        let deleted = delete_tag_row(&mut tx, id).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// One tag with its lists (each sorted).
    pub async fn tag(&self, id: i64) -> Result<Option<Tag>, StoreError> {
        Ok(self.load_tags(Some(id)).await?.pop())
    }

    /// Every tag with its lists, by id.
    pub async fn tags(&self) -> Result<Vec<Tag>, StoreError> {
        self.load_tags(None).await
    }

    /// Tags, their members and their departments in three queries, whatever the count.
    async fn load_tags(&self, only: Option<i64>) -> Result<Vec<Tag>, StoreError> {
        // `$1 IS NULL` keeps one statement text for "one tag" and "all tags".
        let filter = "WHERE ($1 IS NULL OR tag_id = $1)";
        let pool = self.store.pool();
        let rows =
            sqlx::query("SELECT id, name FROM org_tags WHERE ($1 IS NULL OR id = $1) ORDER BY id")
                .bind(only)
                .fetch_all(pool)
                .await?;
        let mut tags = Vec::with_capacity(rows.len());
        let mut index = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            index.insert(id, tags.len());
            tags.push(Tag {
                id,
                name: row.try_get("name")?,
                userids: Vec::new(),
                department_ids: Vec::new(),
            });
        }
        let sql =
            format!("SELECT tag_id, userid FROM org_tag_members {filter} ORDER BY tag_id, userid");
        for row in sqlx::query(&sql).bind(only).fetch_all(pool).await? {
            if let Some(&i) = index.get(&row.try_get::<i64, _>("tag_id")?) {
                tags[i].userids.push(row.try_get("userid")?);
            }
        }
        let sql = format!(
            "SELECT tag_id, department_id FROM org_tag_departments {filter} \
             ORDER BY tag_id, department_id"
        );
        for row in sqlx::query(&sql).bind(only).fetch_all(pool).await? {
            if let Some(&i) = index.get(&row.try_get::<i64, _>("tag_id")?) {
                tags[i].department_ids.push(row.try_get("department_id")?);
            }
        }
        Ok(tags)
    }
}

/// The delete itself (lists go by cascade), on any connection.
pub(super) async fn delete_tag_row(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM org_tags WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The upsert itself (row, then both lists replaced), on any connection.
pub(super) async fn write_tag(
    conn: &mut AnyConnection,
    tag: &Tag,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO org_tags (id, name, updated_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
           updated_at_ms = excluded.updated_at_ms",
    )
    .bind(tag.id)
    .bind(tag.name.as_str())
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM org_tag_members WHERE tag_id = $1")
        .bind(tag.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM org_tag_departments WHERE tag_id = $1")
        .bind(tag.id)
        .execute(&mut *conn)
        .await?;
    insert_list(
        &mut *conn,
        "org_tag_members (tag_id, userid)",
        tag.id,
        &tag.userids,
    )
    .await?;
    insert_list(
        &mut *conn,
        "org_tag_departments (tag_id, department_id)",
        tag.id,
        &tag.department_ids,
    )
    .await?;
    Ok(())
}

/// Inserts `(tag_id, value)` rows in chunks; duplicates in `values` are ignored.
async fn insert_list<T>(
    conn: &mut AnyConnection,
    table_and_columns: &str,
    tag_id: i64,
    values: &[T],
) -> Result<(), StoreError>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Sync,
{
    for chunk in values.chunks(LIST_CHUNK) {
        let sql = format!(
            "INSERT INTO {table_and_columns} VALUES {} ON CONFLICT DO NOTHING",
            values_list(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for value in chunk {
            query = query.bind(tag_id).bind(value);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
