//! Projects and their members' roles. The ledger fields are read and written by
//! [`ledger`]; lists with filters by [`list`].

mod ledger;
mod list;

use std::collections::HashMap;

use domain::access::ProjectRole;
use domain::project::{Project, ProjectMember, ProjectStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::sql::in_list;
use crate::{Store, StoreError};

pub use ledger::LedgerRecord;
pub use list::{ProjectPage, ProjectQuery, ProjectSort, Visibility};

/// What creating a project needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    /// Unique project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Owning department.
    pub department_id: i64,
    /// Starting status.
    pub status: ProjectStatus,
}

/// How a project's schedule behaves; the thresholds `None` when the deployment's apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleSettings {
    /// Moving a task moves its successors.
    pub shift_successors: bool,
    /// Lag that alerts the PM and department leader.
    pub lag_alert_days: Option<i32>,
    /// Overdue days that escalate a task to the PM.
    pub escalate_after_days: Option<i32>,
    /// The last day a lag alert went out.
    pub alerted_day: Option<domain::calendar::Day>,
}

/// The projects repository; get one from [`Store::projects`].
#[derive(Debug, Clone, Copy)]
pub struct Projects<'a> {
    store: &'a Store,
}

impl<'a> Projects<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Creates a project with only the fields every project needs and returns its id;
    /// fails with [`StoreError::Conflict`] when the code is taken.
    pub async fn create(&self, new: &NewProject, by: &str, now_ms: i64) -> Result<i64, StoreError> {
        let ledger =
            domain::ledger::Ledger::new(&new.code, &new.name, new.department_id, new.status);
        let mut tx = self.store.begin().await?;
        let id = Self::create_on(&mut tx, &ledger, by, now_ms).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A project's schedule settings.
    pub async fn schedule_settings(&self, id: i64) -> Result<Option<ScheduleSettings>, StoreError> {
        Ok(self.schedule_settings_of(&[id]).await?.remove(&id))
    }

    /// The schedule settings of each of `ids` that exists, a few hundred per query.
    pub async fn schedule_settings_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, ScheduleSettings>, StoreError> {
        type Row = (i64, i64, Option<i64>, Option<i64>, Option<i64>);
        let narrow = |n: Option<i64>| n.and_then(|n| i32::try_from(n).ok());
        let mut settings = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, shift_successors, lag_alert_days, escalate_after_days, alerted_day \
                 FROM projects WHERE id IN ({})",
                in_list(1, chunk.len())
            );
            let mut query = sqlx::query_as::<_, Row>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for (id, shift, lag, escalate, alerted) in query.fetch_all(self.store.pool()).await? {
                let found = ScheduleSettings {
                    shift_successors: shift != 0,
                    lag_alert_days: narrow(lag),
                    escalate_after_days: narrow(escalate),
                    alerted_day: narrow(alerted).map(domain::calendar::Day),
                };
                settings.insert(id, found);
            }
        }
        Ok(settings)
    }

    /// Changes a project's schedule settings (not the alert mark); `false` when there is
    /// no such project.
    pub async fn set_schedule_settings(
        &self,
        id: i64,
        settings: &ScheduleSettings,
    ) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::set_schedule_settings_on(&mut conn, id, settings).await
    }

    /// [`Projects::set_schedule_settings`] inside the caller's transaction.
    pub async fn set_schedule_settings_on(
        conn: &mut AnyConnection,
        id: i64,
        settings: &ScheduleSettings,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE projects SET shift_successors = $2, lag_alert_days = $3, \
               escalate_after_days = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(i16::from(settings.shift_successors))
        .bind(settings.lag_alert_days)
        .bind(settings.escalate_after_days)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Projects whose code is `term` or whose name contains it, code matches first.
    pub async fn find(&self, term: &str, limit: u32) -> Result<Vec<Project>, StoreError> {
        let pattern = format!(
            "%{}%",
            term.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let rows = sqlx::query(
            "SELECT id, code, name, department_id, status FROM projects \
             WHERE code = $1 OR name LIKE $2 ESCAPE '\\' \
             ORDER BY CASE WHEN code = $1 THEN 0 ELSE 1 END, id LIMIT $3",
        )
        .bind(term)
        .bind(pattern)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(project_from_row).collect()
    }

    /// One project.
    pub async fn get(&self, id: i64) -> Result<Option<Project>, StoreError> {
        sqlx::query("SELECT id, code, name, department_id, status FROM projects WHERE id = $1")
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?
            .as_ref()
            .map(project_from_row)
            .transpose()
    }

    /// Gives `userid` `role` in the project; `false` when they already had it.
    pub async fn add_member(
        &self,
        project_id: i64,
        userid: &str,
        role: ProjectRole,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::add_member_on(&mut conn, project_id, userid, role, by, now_ms).await
    }

    /// Takes `role` away; `false` when the member did not have it.
    pub async fn remove_member(
        &self,
        project_id: i64,
        userid: &str,
        role: ProjectRole,
    ) -> Result<bool, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::remove_member_on(&mut conn, project_id, userid, role).await
    }

    /// [`Projects::remove_member`] inside the caller's transaction.
    pub async fn remove_member_on(
        conn: &mut AnyConnection,
        project_id: i64,
        userid: &str,
        role: ProjectRole,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM project_members WHERE project_id = $1 AND userid = $2 AND role = $3",
        )
        .bind(project_id)
        .bind(userid)
        .bind(role.code())
        .execute(conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every (member, role) of a project, by role then userid.
    pub async fn members(&self, project_id: i64) -> Result<Vec<ProjectMember>, StoreError> {
        let rows = sqlx::query(
            "SELECT project_id, userid, role FROM project_members WHERE project_id = $1 \
             ORDER BY role, userid",
        )
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    /// Userids holding `role` in the project, current members only (leavers keep their
    /// rows until someone takes over), sorted.
    pub async fn with_role(
        &self,
        project_id: i64,
        role: ProjectRole,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT p.userid FROM project_members p \
             JOIN org_members m ON m.userid = p.userid AND m.left_at_ms IS NULL \
             WHERE p.project_id = $1 AND p.role = $2 ORDER BY p.userid",
        )
        .bind(project_id)
        .bind(role.code())
        .fetch_all(self.store.pool())
        .await?)
    }

    /// Every role `userid` holds, in any project, by project.
    pub async fn roles_of(&self, userid: &str) -> Result<Vec<ProjectMember>, StoreError> {
        let rows = sqlx::query(
            "SELECT project_id, userid, role FROM project_members WHERE userid = $1 \
             ORDER BY project_id, role",
        )
        .bind(userid)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(member_from_row).collect()
    }
}

fn project_from_row(row: &AnyRow) -> Result<Project, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Project {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        department_id: row.try_get("department_id")?,
        status: ProjectStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("project status {status:?}")))?,
    })
}

fn member_from_row(row: &AnyRow) -> Result<ProjectMember, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(ProjectMember {
        project_id: row.try_get("project_id")?,
        userid: row.try_get("userid")?,
        role: ProjectRole::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("project role {role:?}")))?,
    })
}
