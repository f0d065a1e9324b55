//! Comments on a task (with photos), the thread people keep about the work.

use sqlx::{AnyConnection, Row as _};

use super::Tasks;
use crate::StoreError;
use crate::sql::{from_json, to_json};

/// A comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Id (0 before it is stored).
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// Who wrote it.
    pub userid: String,
    /// When (unix ms).
    pub at_ms: i64,
    /// Text.
    pub body: String,
    /// Photo keys.
    pub photos: Vec<String>,
}

impl Tasks<'_> {
    /// Stores a comment; returns its id.
    pub async fn add_comment_on(conn: &mut AnyConnection, c: &Comment) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO task_comments (task_id, userid, at_ms, body, photos) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(c.task_id)
        .bind(c.userid.as_str())
        .bind(c.at_ms)
        .bind(c.body.as_str())
        .bind(to_json(&c.photos)?)
        .fetch_one(conn)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// A task's comments, oldest first (at most the latest `limit`).
    pub async fn comments(&self, task_id: i64, limit: u32) -> Result<Vec<Comment>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, task_id, userid, at_ms, body, photos FROM task_comments \
             WHERE task_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(task_id)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?;
        let mut comments = rows
            .iter()
            .map(|r| {
                Ok(Comment {
                    id: r.try_get("id")?,
                    task_id: r.try_get("task_id")?,
                    userid: r.try_get("userid")?,
                    at_ms: r.try_get("at_ms")?,
                    body: r.try_get("body")?,
                    photos: from_json("comment photos", &r.try_get::<String, _>("photos")?)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        comments.reverse();
        Ok(comments)
    }
}
