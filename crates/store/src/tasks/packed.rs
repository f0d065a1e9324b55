//! A project's tasks and links read as one JSON value per query instead of a row each.
//!
//! sqlx's SQLite driver hands every row from its worker thread to the caller through a
//! channel, a wake-up per row; for a 2,000-task Gantt that hand-off cost more than the
//! query itself. Aggregating in SQL (`json_group_array` / `json_agg`) makes it one.

use domain::schedule::{Link, LinkKind};
use domain::task::Task;
use serde::Deserialize;

use super::{Tasks, narrow};
use crate::StoreError;
use crate::sql::from_json;
use crate::target::Backend;

/// A task row in `COLUMNS` order, as the aggregate writes it.
#[derive(Debug, Deserialize)]
pub(super) struct TaskRow(
    pub i64,
    pub i64,
    pub Option<i64>,
    pub i64,
    pub String,
    pub i64,
    pub i64,
    pub i64,
    pub i64,
    pub i64,
    pub String,
    pub Option<String>,
    pub Vec<String>,
    pub Option<i64>,
);

#[derive(Debug, Deserialize)]
struct LinkRow(i64, i64, String, i64);

const TASK_ITEM: &str = "id, project_id, parent_id, position, title, summary, milestone, \
     start_day, days, progress, status, owner, {helpers}, finished_day";

impl Tasks<'_> {
    /// Every task of a project, parents before children, siblings in order.
    pub async fn of_project(&self, project_id: i64) -> Result<Vec<Task>, StoreError> {
        let sql = self.packed(
            "tasks",
            &TASK_ITEM.replace("{helpers}", self.helpers_json()),
        );
        let rows: Vec<TaskRow> = self.fetch_packed(&sql, project_id, "tasks").await?;
        let mut tasks = rows
            .into_iter()
            .map(TaskRow::into_task)
            .collect::<Result<Vec<_>, _>>()?;
        tasks.sort_by_key(|t| (t.parent_id.unwrap_or(0), t.position, t.id));
        Ok(tasks)
    }

    /// A project's links, by predecessor then successor.
    pub async fn links(&self, project_id: i64) -> Result<Vec<Link>, StoreError> {
        let sql = self.packed("task_links", "from_id, to_id, kind, lag");
        let rows: Vec<LinkRow> = self.fetch_packed(&sql, project_id, "links").await?;
        let mut links = rows
            .into_iter()
            .map(|LinkRow(from, to, kind, lag)| {
                Ok(Link {
                    from,
                    to,
                    kind: LinkKind::from_code(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("link kind {kind:?}")))?,
                    lag: narrow(lag),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        links.sort_by_key(|l| (l.from, l.to));
        Ok(links)
    }

    /// `SELECT` of one JSON array of `[items…]` arrays for a project's rows of `table`.
    fn packed(&self, table: &str, items: &str) -> String {
        match self.store.backend() {
            Backend::Sqlite => format!(
                "SELECT json_group_array(json_array({items})) FROM {table} WHERE project_id = $1"
            ),
            Backend::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array({items})), '[]')::text FROM {table} \
                 WHERE project_id = $1"
            ),
        }
    }

    /// The helpers column (JSON text) as JSON inside the aggregate.
    fn helpers_json(&self) -> &'static str {
        match self.store.backend() {
            Backend::Sqlite => "json(helpers)",
            Backend::Postgres => "helpers::json",
        }
    }

    async fn fetch_packed<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        project_id: i64,
        what: &str,
    ) -> Result<Vec<T>, StoreError> {
        let text: String = sqlx::query_scalar(sql)
            .bind(project_id)
            .fetch_one(self.store.pool())
            .await?;
        from_json(what, &text)
    }
}
