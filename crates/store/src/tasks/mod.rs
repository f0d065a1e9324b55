//! Tasks, their links and baselines, the overdue scan's reads and marks, check-ins and
//! daily reports. A project's whole schedule is read packed ([`packed`]).

mod comments;
mod packed;

pub use comments::Comment;

use std::collections::HashMap;

use domain::calendar::Day;
use domain::schedule::Link;
use domain::task::{Task, TaskStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::sql::{float_text, from_json, in_list, to_json};
use crate::{Store, StoreError};

/// What creating a task needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    /// Its project.
    pub project_id: i64,
    /// Its phase or parent task.
    pub parent_id: Option<i64>,
    /// Title.
    pub title: String,
    /// A milestone (duration 0).
    pub milestone: bool,
    /// Planned start.
    pub start: Day,
    /// Planned duration in days.
    pub days: i32,
    /// Owner.
    pub owner: Option<String>,
    /// Helpers.
    pub helpers: Vec<String>,
}

/// An open task the reminder scan looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTask {
    /// The task.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// Title.
    pub title: String,
    /// Owner, if any.
    pub owner: Option<String>,
    /// Whether the owner has left.
    pub owner_left: bool,
    /// Exclusive finish day.
    pub finish: Day,
    /// Duration (0: milestone).
    pub days: i32,
    /// Last day the owner's digest listed it.
    pub reminded_on: Option<Day>,
    /// Whether the PM has been told.
    pub escalated: bool,
}

/// A site check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    /// Id (0 before it is stored).
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// Who.
    pub userid: String,
    /// When.
    pub at_ms: i64,
    /// Where, when the phone said.
    pub location: Option<(f64, f64)>,
    /// Address text.
    pub address: String,
    /// Note.
    pub note: String,
    /// Keys of the photos to show (stamped with who, where and when).
    pub photos: Vec<String>,
    /// Keys of the untouched photos as WeCom gave them, in the order of `photos`.
    pub originals: Vec<String>,
    /// Progress reported with it.
    pub progress: Option<u8>,
}

/// The tasks repository; get one from [`Store::tasks`].
#[derive(Debug, Clone, Copy)]
pub struct Tasks<'a> {
    store: &'a Store,
}

const COLUMNS: &str = "id, project_id, parent_id, position, title, summary, milestone, \
    start_day, days, progress, status, owner, helpers, finished_day";

const CHECKIN_COLUMNS: &str = "id, task_id, userid, at_ms, latitude, longitude, address, note, \
    photos, originals, progress";

impl<'a> Tasks<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Creates a task at the end of its siblings; its parent becomes a summary.
    pub async fn create(&self, new: &NewTask, by: &str, now_ms: i64) -> Result<i64, StoreError> {
        let mut tx = self.store.begin().await?;
        let id = Self::create_on(&mut tx, new, by, now_ms).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Tasks::create`] inside the caller's transaction.
    pub async fn create_on(
        conn: &mut AnyConnection,
        new: &NewTask,
        by: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let days = if new.milestone { 0 } else { new.days.max(0) };
        let row = sqlx::query(
            "INSERT INTO tasks (project_id, parent_id, position, title, milestone, start_day, \
               days, finish_day, status, owner, helpers, created_by, created_at_ms, \
               updated_at_ms) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM tasks \
               WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2), \
               $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(new.project_id)
        .bind(new.parent_id)
        .bind(new.title.as_str())
        .bind(i16::from(new.milestone))
        .bind(new.start.0)
        .bind(days)
        .bind(new.start.plus(days).0)
        .bind(TaskStatus::Todo.code())
        .bind(new.owner.as_deref())
        .bind(to_json(&new.helpers)?)
        .bind(by)
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await?;
        let id: i64 = row.try_get("id")?;
        if let Some(parent) = new.parent_id {
            sqlx::query("UPDATE tasks SET summary = 1 WHERE id = $1")
                .bind(parent)
                .execute(&mut *conn)
                .await?;
        }
        Ok(id)
    }

    /// One task.
    pub async fn get(&self, id: i64) -> Result<Option<Task>, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::get_on(&mut conn, id).await
    }

    /// [`Tasks::get`] inside the caller's transaction (sees its own writes).
    pub async fn get_on(conn: &mut AnyConnection, id: i64) -> Result<Option<Task>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tasks WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(conn)
            .await?
            .as_ref()
            .map(task_from_row)
            .transpose()
    }

    /// A member's open tasks (owner or helper), soonest finish first.
    pub async fn open_of(&self, userid: &str, limit: u32) -> Result<Vec<Task>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tasks WHERE owner = $1 AND status IN ('todo', 'doing') \
               AND summary = 0 ORDER BY finish_day, id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(userid)
            .bind(i64::from(limit))
            .fetch_all(self.store.pool())
            .await?;
        rows.iter().map(task_from_row).collect()
    }

    /// Saves a task's editable fields. A finish that moves forgets the reminder marks,
    /// so a new due date is chased afresh.
    pub async fn save(&self, task: &Task, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.store.begin().await?;
        let saved = Self::save_on(&mut tx, task, now_ms).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// [`Tasks::save`] on the caller's connection.
    pub async fn save_on(
        conn: &mut AnyConnection,
        task: &Task,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tasks SET title = $2, milestone = $3, start_day = $4, days = $5, \
               reminded_day = CASE WHEN finish_day = $6 THEN reminded_day END, \
               escalated = CASE WHEN finish_day = $6 THEN escalated ELSE 0 END, \
               finish_day = $6, progress = $7, status = $8, owner = $9, helpers = $10, \
               finished_day = $11, updated_at_ms = $12 WHERE id = $1",
        )
        .bind(task.id)
        .bind(task.title.as_str())
        .bind(i16::from(task.milestone))
        .bind(task.start.0)
        .bind(task.days)
        .bind(task.finish().0)
        .bind(i16::from(task.progress))
        .bind(task.status.code())
        .bind(task.owner.as_deref())
        .bind(to_json(&task.helpers)?)
        .bind(task.finished_on.map(|d| d.0))
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Moves tasks to new starts (successors pushed by a move), keeping durations.
    pub async fn move_starts(
        conn: &mut AnyConnection,
        moves: &[(i64, Day)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        for (id, start) in moves {
            sqlx::query(
                "UPDATE tasks SET start_day = $2, finish_day = $2 + days, reminded_day = NULL, \
                   escalated = 0, updated_at_ms = $3 WHERE id = $1",
            )
            .bind(*id)
            .bind(start.0)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Adds or replaces the link between two tasks of a project.
    pub async fn link(&self, project_id: i64, link: &Link) -> Result<(), StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::link_on(&mut conn, project_id, link).await
    }

    /// [`Tasks::link`] on the caller's connection.
    pub async fn link_on(
        conn: &mut AnyConnection,
        project_id: i64,
        link: &Link,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO task_links (project_id, from_id, to_id, kind, lag) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (from_id, to_id) DO UPDATE SET kind = excluded.kind, lag = excluded.lag",
        )
        .bind(project_id)
        .bind(link.from)
        .bind(link.to)
        .bind(link.kind.code())
        .bind(link.lag)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Removes a link; `false` when there was none.
    pub async fn unlink_on(
        conn: &mut AnyConnection,
        from: i64,
        to: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM task_links WHERE from_id = $1 AND to_id = $2")
            .bind(from)
            .bind(to)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Snapshots the project's current plan as its baseline (replacing the last one).
    pub async fn take_baseline(&self, project_id: i64, now_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self.store.begin().await?;
        let taken = Self::take_baseline_on(&mut tx, project_id, now_ms).await?;
        tx.commit().await?;
        Ok(taken)
    }

    /// [`Tasks::take_baseline`] inside the caller's transaction.
    pub async fn take_baseline_on(
        conn: &mut AnyConnection,
        project_id: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM task_baselines WHERE project_id = $1")
            .bind(project_id)
            .execute(&mut *conn)
            .await?;
        let done = sqlx::query(
            "INSERT INTO task_baselines (task_id, project_id, start_day, finish_day, \
               taken_at_ms) SELECT id, project_id, start_day, finish_day, $2 FROM tasks \
             WHERE project_id = $1",
        )
        .bind(project_id)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(done.rows_affected())
    }

    /// The baseline: per task, its (start, exclusive finish) then.
    pub async fn baseline(&self, project_id: i64) -> Result<HashMap<i64, (Day, Day)>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT task_id, start_day, finish_day FROM task_baselines WHERE project_id = $1",
        )
        .bind(project_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, start, finish)| (id, (day(start), day(finish))))
            .collect())
    }

    /// Open leaf tasks finishing by `finish_by` (exclusive finish day), by id after
    /// `after_id`: one page of the overdue scan.
    pub async fn due_by(
        &self,
        finish_by: Day,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<DueTask>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.project_id, t.title, t.owner, t.finish_day, t.days, \
               t.reminded_day, t.escalated, m.left_at_ms \
             FROM tasks t LEFT JOIN org_members m ON m.userid = t.owner \
             WHERE t.status IN ('todo', 'doing') AND t.summary = 0 AND t.finish_day <= $1 \
               AND t.id > $2 ORDER BY t.id LIMIT $3",
        )
        .bind(finish_by.0)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let reminded: Option<i64> = row.try_get("reminded_day")?;
                let escalated: i64 = row.try_get("escalated")?;
                let left: Option<i64> = row.try_get("left_at_ms")?;
                Ok(DueTask {
                    id: row.try_get("id")?,
                    project_id: row.try_get("project_id")?,
                    title: row.try_get("title")?,
                    owner: row.try_get("owner")?,
                    owner_left: left.is_some(),
                    finish: day(row.try_get("finish_day")?),
                    days: narrow(row.try_get("days")?),
                    reminded_on: reminded.map(day),
                    escalated: escalated != 0,
                })
            })
            .collect()
    }

    /// Records that the owners' digests listed `ids` on `day` (on the outbox's transaction).
    pub async fn mark_reminded(
        conn: &mut AnyConnection,
        ids: &[i64],
        day: Day,
    ) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            let sql = format!(
                "UPDATE tasks SET reminded_day = $1 WHERE id IN ({})",
                in_list(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(day.0);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Records that the PMs heard of `ids` (on the outbox's transaction).
    pub async fn mark_escalated(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            let sql = format!(
                "UPDATE tasks SET escalated = 1 WHERE id IN ({})",
                in_list(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Records a project alert on `day`; `false` when one went out that day already.
    pub async fn mark_project_alerted(
        conn: &mut AnyConnection,
        project_id: i64,
        day: Day,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE projects SET alerted_day = $2 WHERE id = $1 \
               AND (alerted_day IS NULL OR alerted_day < $2)",
        )
        .bind(project_id)
        .bind(day.0)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a check-in; returns its id.
    pub async fn add_checkin(&self, c: &Checkin) -> Result<i64, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::add_checkin_on(&mut conn, c).await
    }

    /// [`Tasks::add_checkin`] inside the caller's transaction.
    pub async fn add_checkin_on(conn: &mut AnyConnection, c: &Checkin) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO task_checkins (task_id, userid, at_ms, latitude, longitude, address, \
               note, photos, originals, progress) \
             VALUES ($1, $2, $3, CAST($4 AS DOUBLE PRECISION), CAST($5 AS DOUBLE PRECISION), \
               $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(c.task_id)
        .bind(c.userid.as_str())
        .bind(c.at_ms)
        .bind(float_text(c.location.map(|l| l.0)))
        .bind(float_text(c.location.map(|l| l.1)))
        .bind(c.address.as_str())
        .bind(c.note.as_str())
        .bind(to_json(&c.photos)?)
        .bind(to_json(&c.originals)?)
        .bind(c.progress.map(i16::from))
        .fetch_one(conn)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// A task's check-ins, newest first.
    pub async fn checkins(&self, task_id: i64) -> Result<Vec<Checkin>, StoreError> {
        let sql = format!(
            "SELECT {CHECKIN_COLUMNS} FROM task_checkins WHERE task_id = $1 \
             ORDER BY at_ms DESC, id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(task_id)
            .fetch_all(self.store.pool())
            .await?;
        rows.iter().map(checkin_from_row).collect()
    }

    /// One check-in by id.
    pub async fn checkin(&self, id: i64) -> Result<Option<Checkin>, StoreError> {
        let sql = format!("SELECT {CHECKIN_COLUMNS} FROM task_checkins WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?;
        row.as_ref().map(checkin_from_row).transpose()
    }

    /// Writes (or rewrites) a member's daily report for a project and day.
    pub async fn put_report(
        &self,
        project_id: i64,
        userid: &str,
        day: Day,
        content: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        Self::put_report_on(&mut conn, project_id, userid, day, content, now_ms).await
    }

    /// [`Tasks::put_report`] inside the caller's transaction.
    pub async fn put_report_on(
        conn: &mut AnyConnection,
        project_id: i64,
        userid: &str,
        day: Day,
        content: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO daily_reports (project_id, userid, day, content, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, day, userid) \
             DO UPDATE SET content = excluded.content, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(project_id)
        .bind(userid)
        .bind(day.0)
        .bind(content)
        .bind(now_ms)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Who should have filed a daily report on `day` and has not: (project, userid) for
    /// every current member holding one of `roles` on a project under construction.
    pub async fn unfiled_reports(
        &self,
        day: Day,
        roles: &[&str],
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let placeholders: Vec<String> = (0..roles.len()).map(|n| format!("${}", n + 2)).collect();
        let sql = format!(
            "SELECT DISTINCT pm.project_id, pm.userid FROM project_members pm              JOIN projects p ON p.id = pm.project_id              JOIN org_members m ON m.userid = pm.userid              WHERE p.status = 'active' AND m.left_at_ms IS NULL AND pm.role IN ({})                AND NOT EXISTS (SELECT 1 FROM daily_reports d WHERE d.project_id = pm.project_id                                AND d.userid = pm.userid AND d.day = $1)              ORDER BY pm.project_id, pm.userid",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as(&sql).bind(day.0);
        for role in roles {
            query = query.bind(*role);
        }
        Ok(query.fetch_all(self.store.pool()).await?)
    }

    /// A project's daily reports from `from` to `to` (inclusive): (day, userid, content),
    /// by day then member.
    pub async fn reports_between(
        &self,
        project_id: i64,
        from: Day,
        to: Day,
    ) -> Result<Vec<(Day, String, String)>, StoreError> {
        let rows: Vec<(i32, String, String)> = sqlx::query_as(
            "SELECT day, userid, content FROM daily_reports \
             WHERE project_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, userid",
        )
        .bind(project_id)
        .bind(from.0)
        .bind(to.0)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(|(d, u, c)| (Day(d), u, c)).collect())
    }

    /// A project's daily reports of one day: (userid, content), by member.
    pub async fn reports(
        &self,
        project_id: i64,
        day: Day,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT userid, content FROM daily_reports WHERE project_id = $1 AND day = $2 \
             ORDER BY userid",
        )
        .bind(project_id)
        .bind(day.0)
        .fetch_all(self.store.pool())
        .await?)
    }
}

fn task_from_row(row: &AnyRow) -> Result<Task, StoreError> {
    let helpers: String = row.try_get("helpers")?;
    packed::TaskRow(
        row.try_get("id")?,
        row.try_get("project_id")?,
        row.try_get("parent_id")?,
        row.try_get("position")?,
        row.try_get("title")?,
        row.try_get("summary")?,
        row.try_get("milestone")?,
        row.try_get("start_day")?,
        row.try_get("days")?,
        row.try_get("progress")?,
        row.try_get("status")?,
        row.try_get("owner")?,
        from_json("task helpers", &helpers)?,
        row.try_get("finished_day")?,
    )
    .into_task()
}

impl packed::TaskRow {
    /// The task this row stores.
    fn into_task(self) -> Result<Task, StoreError> {
        let packed::TaskRow(
            id,
            project_id,
            parent_id,
            position,
            title,
            summary,
            milestone,
            start,
            days,
            progress,
            status,
            owner,
            helpers,
            finished,
        ) = self;
        Ok(Task {
            id,
            project_id,
            parent_id,
            position,
            title,
            summary: summary != 0,
            milestone: milestone != 0,
            start: day(start),
            days: narrow(days),
            progress: u8::try_from(progress.clamp(0, 100)).unwrap_or(0),
            status: TaskStatus::from_code(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("task status {status:?}")))?,
            owner,
            helpers,
            finished_on: finished.map(day),
        })
    }
}

fn checkin_from_row(row: &AnyRow) -> Result<Checkin, StoreError> {
    let lat: Option<f64> = row.try_get("latitude")?;
    let lng: Option<f64> = row.try_get("longitude")?;
    let photos: String = row.try_get("photos")?;
    let originals: String = row.try_get("originals")?;
    let progress: Option<i64> = row.try_get("progress")?;
    Ok(Checkin {
        id: row.try_get("id")?,
        task_id: row.try_get("task_id")?,
        userid: row.try_get("userid")?,
        at_ms: row.try_get("at_ms")?,
        location: lat.zip(lng),
        address: row.try_get("address")?,
        note: row.try_get("note")?,
        photos: from_json("check-in photos", &photos)?,
        originals: from_json("check-in originals", &originals)?,
        progress: progress.and_then(|p| u8::try_from(p).ok()),
    })
}

/// An INTEGER column as read through the Any driver (SQLite hands every integer back
/// as 64-bit).
fn narrow(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

fn day(n: i64) -> Day {
    Day(narrow(n))
}
