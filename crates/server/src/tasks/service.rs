//! Creating and changing tasks and links: validation, successors that move with a task,
//! cycles refused before they are stored.

use anyhow::Context as _;
use api::{NewTaskRequest, TaskChanged, TaskUpdate};
use domain::calendar::Day;
use domain::schedule::{Activity, Link, ScheduleError, critical_path, shift_successors};
use domain::task::{Task, TaskStatus};
use store::{NewTask, Tasks};

use crate::audit::{self, Actor, Target};
use crate::error::ApiError;
use crate::state::AppState;
use api::ErrorCode;

/// Longest task a plan may hold (ten years).
const MAX_DAYS: i32 = 3_650;

/// Why a task change was refused.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// No such project.
    #[error("项目不存在")]
    UnknownProject,
    /// No such task (in this project).
    #[error("任务不存在")]
    UnknownTask,
    /// A field is wrong; the message says which.
    #[error("{0}")]
    Invalid(String),
    /// The links would not form a schedule.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// Storage failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<store::StoreError> for TaskError {
    fn from(e: store::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<crate::files::PhotoError> for TaskError {
    fn from(e: crate::files::PhotoError) -> Self {
        match e {
            crate::files::PhotoError::Refused(m) => Self::Invalid(m),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::audit::AuditError> for TaskError {
    fn from(e: crate::audit::AuditError) -> Self {
        match e {
            crate::audit::AuditError::Store(e) => e.into(),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<TaskError> for ApiError {
    #[track_caller]
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::UnknownProject | TaskError::UnknownTask => {
                ApiError::new(ErrorCode::NotFound)
            }
            TaskError::Invalid(m) => ApiError::with_message(ErrorCode::BadRequest, m),
            TaskError::Schedule(e) => ApiError::with_message(ErrorCode::Conflict, e.to_string()),
            TaskError::Internal(e) => e.into(),
        }
    }
}

fn invalid<T>(message: &str) -> Result<T, TaskError> {
    Err(TaskError::Invalid(message.to_owned()))
}

fn check_title(title: &str) -> Result<String, TaskError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > api::limits::TITLE_CHARS {
        return invalid("任务名称不能为空，且不超过 200 字");
    }
    Ok(title.to_owned())
}

fn check_days(days: i32) -> Result<i32, TaskError> {
    if !(0..=MAX_DAYS).contains(&days) {
        return invalid("工期应在 0 到 3650 天之间");
    }
    Ok(days)
}

fn parse_day(s: &str) -> Result<Day, TaskError> {
    Day::parse(s).ok_or_else(|| TaskError::Invalid(format!("日期 {s:?} 应为 YYYY-MM-DD")))
}

/// Most open tasks listed for one member (我的任务, 工作台).
const OPEN_SHOWN: u32 = 500;

/// A member's open tasks as lists show them, with today's overdue days.
pub async fn open_views(
    state: &AppState,
    userid: &str,
) -> Result<Vec<api::TaskView>, store::StoreError> {
    let tasks = state.store.tasks().open_of(userid, OPEN_SHOWN).await?;
    let today = Day::of_ms(state.clock.now_ms());
    Ok(tasks.iter().map(|t| super::gantt::view(t, today)).collect())
}

/// Creates a task in `project_id`, audited in the same transaction.
pub async fn create(
    state: &AppState,
    project_id: i64,
    req: &NewTaskRequest,
    actor: &Actor,
) -> Result<Task, TaskError> {
    let new = plan_create(state, project_id, req).await?;
    let mut tx = state.store.begin().await?;
    let task = create_on(&mut tx, state, &new, actor).await?;
    tx.commit().await.context("committing a new task")?;
    // An assignment card may be waiting (`assign::tell_owner_on`).
    state.wake.outbox.notify_one();
    Ok(task)
}

/// Checks a new task for `project_id`; writes nothing.
pub async fn plan_create(
    state: &AppState,
    project_id: i64,
    req: &NewTaskRequest,
) -> Result<NewTask, TaskError> {
    state
        .store
        .projects()
        .get(project_id)
        .await?
        .ok_or(TaskError::UnknownProject)?;
    if let Some(parent) = req.parent_id {
        let parent = state.store.tasks().get(parent).await?;
        if parent.is_none_or(|p| p.project_id != project_id) {
            return invalid("上级任务不属于该项目");
        }
    }
    Ok(NewTask {
        project_id,
        parent_id: req.parent_id,
        title: check_title(&req.title)?,
        milestone: req.milestone,
        start: parse_day(&req.start)?,
        days: if req.milestone {
            0
        } else {
            check_days(req.days)?
        },
        owner: req.owner.clone().filter(|o| !o.is_empty()),
        helpers: req.helpers.clone(),
    })
}

/// Writes a checked new task and its audit row on `conn` (the caller's transaction).
pub async fn create_on(
    conn: &mut store::sqlx::AnyConnection,
    state: &AppState,
    new: &NewTask,
    actor: &Actor,
) -> Result<Task, TaskError> {
    let now = state.clock.now_ms();
    let id = Tasks::create_on(conn, new, &actor.userid, now).await?;
    let task = Tasks::get_on(conn, id)
        .await?
        .ok_or(TaskError::UnknownTask)?;
    let key = id.to_string();
    let view = super::gantt::view(&task, Day::of_ms(now));
    audit::append(
        conn,
        state,
        actor,
        "task.create",
        Target::new("task", &key).in_project(Some(task.project_id)),
        audit::NONE,
        Some(&view),
    )
    .await?;
    super::assign::tell_owner_on(conn, state, &task, actor).await?;
    Ok(task)
}

/// Applies `update` to task `id`, audited in the same transaction; returns the task and
/// the successors that moved.
pub async fn update(
    state: &AppState,
    id: i64,
    update: &TaskUpdate,
    actor: &Actor,
) -> Result<TaskChanged, TaskError> {
    let planned = plan_update(state, id, update).await?;
    let mut tx = state.store.begin().await?;
    let changed = write_update(&mut tx, state, actor, planned).await?;
    tx.commit().await.context("committing a task change")?;
    // An assignment card may be waiting (`assign::tell_owner_on`).
    state.wake.outbox.notify_one();
    Ok(changed)
}

/// A checked change to one task, not yet written.
#[derive(Debug)]
pub struct PlannedUpdate {
    before: Task,
    task: Task,
    moved: Vec<(i64, Day)>,
}

/// Checks `update` against task `id` and the plan; writes nothing.
pub async fn plan_update(
    state: &AppState,
    id: i64,
    update: &TaskUpdate,
) -> Result<PlannedUpdate, TaskError> {
    let tasks = state.store.tasks();
    let before = tasks.get(id).await?.ok_or(TaskError::UnknownTask)?;
    let mut task = before.clone();
    let today = Day::of_ms(state.clock.now_ms());
    if let Some(title) = &update.title {
        task.title = check_title(title)?;
    }
    if let Some(start) = &update.start {
        task.start = parse_day(start)?;
    }
    if let Some(days) = update.days {
        task.days = if task.milestone { 0 } else { check_days(days)? };
    }
    if let Some(owner) = &update.owner {
        task.owner = Some(owner.clone()).filter(|o| !o.is_empty());
    }
    if let Some(helpers) = &update.helpers {
        task.helpers.clone_from(helpers);
    }
    if let Some(progress) = update.progress {
        if progress > 100 {
            return invalid("进度应在 0 到 100 之间");
        }
        task.progress = progress;
        task.status = match progress {
            100 => TaskStatus::Done,
            0 if task.status == TaskStatus::Done => TaskStatus::Todo,
            0 => task.status,
            _ => TaskStatus::Doing,
        };
    }
    if let Some(status) = update.status {
        task.status = super::wire::status_of(status);
        if task.status == TaskStatus::Done {
            task.progress = 100;
        }
    }
    task.finished_on = match (before.status, task.status) {
        (_, TaskStatus::Done) => before.finished_on.or(Some(today)),
        _ => None,
    };
    if task.summary && (task.start != before.start || task.days != before.days) {
        return invalid("阶段的日期由其下任务汇总，请修改下级任务");
    }
    let moved = if task.start != before.start || task.days != before.days {
        successors_to_move(state, &task).await?
    } else {
        Vec::new()
    };
    Ok(PlannedUpdate {
        before,
        task,
        moved,
    })
}

/// Writes a planned change and its audit row on `conn` (the caller's transaction).
pub async fn write_update(
    conn: &mut store::sqlx::AnyConnection,
    state: &AppState,
    actor: &Actor,
    PlannedUpdate {
        before,
        task,
        moved,
    }: PlannedUpdate,
) -> Result<TaskChanged, TaskError> {
    let now = state.clock.now_ms();
    let today = Day::of_ms(now);
    let changed = TaskChanged {
        task: super::gantt::view(&task, today),
        moved: moved.iter().map(|(id, d)| (*id, d.to_string())).collect(),
    };
    let key = task.id.to_string();
    let shown_before = super::gantt::view(&before, today);
    Tasks::save_on(conn, &task, now).await?;
    Tasks::move_starts(conn, &moved, now).await?;
    if task.owner != before.owner {
        super::assign::tell_owner_on(conn, state, &task, actor).await?;
    }
    audit::append(
        conn,
        state,
        actor,
        "task.update",
        Target::new("task", &key).in_project(Some(task.project_id)),
        Some(&shown_before),
        Some(&changed),
    )
    .await?;
    Ok(changed)
}

/// The successors a new plan for `task` pushes, when its project moves them.
async fn successors_to_move(state: &AppState, task: &Task) -> Result<Vec<(i64, Day)>, TaskError> {
    if !shifts_successors(state, task.project_id).await? {
        return Ok(Vec::new());
    }
    let (mut activities, links) = network(state, task.project_id).await?;
    for a in &mut activities {
        if a.id == task.id {
            a.days = task.days;
        }
    }
    Ok(shift_successors(&activities, &links, task.id, task.start)?)
}

/// Whether moving a task in the project moves its successors.
async fn shifts_successors(state: &AppState, project_id: i64) -> Result<bool, TaskError> {
    Ok(state
        .store
        .projects()
        .schedule_settings(project_id)
        .await?
        .is_some_and(|s| s.shift_successors))
}

/// The project's leaf tasks as activities, and its links.
pub(crate) async fn network(
    state: &AppState,
    project_id: i64,
) -> Result<(Vec<Activity>, Vec<Link>), TaskError> {
    let tasks = state.store.tasks().of_project(project_id).await?;
    let activities = tasks
        .iter()
        .filter(|t| !t.summary)
        .map(|t| Activity {
            id: t.id,
            start: t.start,
            days: t.days,
        })
        .collect();
    let links = state.store.tasks().links(project_id).await?;
    Ok((activities, links))
}

/// Adds or changes a link between two leaf tasks of the project; a link that would close
/// a cycle is refused and nothing is stored. When the project moves successors, the new
/// successor (and what follows it) moves to where the link puts it; returns those moves.
pub async fn link(
    state: &AppState,
    project_id: i64,
    link: Link,
    actor: &Actor,
) -> Result<Vec<(i64, Day)>, TaskError> {
    let (activities, mut links) = network(state, project_id).await?;
    let Some(from) = activities.iter().find(|a| a.id == link.from).copied() else {
        return invalid("依赖只能连接本项目的具体任务（不能连接阶段）");
    };
    if !activities.iter().any(|a| a.id == link.to) {
        return invalid("依赖只能连接本项目的具体任务（不能连接阶段）");
    }
    if !(-MAX_DAYS..=MAX_DAYS).contains(&link.lag) {
        return invalid("搭接天数过大");
    }
    links.retain(|l| (l.from, l.to) != (link.from, link.to));
    links.push(link);
    critical_path(&activities, &links)?;
    let moved = if shifts_successors(state, project_id).await? {
        shift_successors(&activities, &links, from.id, from.start)?
    } else {
        Vec::new()
    };
    let key = project_id.to_string();
    let shown = api::LinkView {
        from: link.from,
        to: link.to,
        kind: super::wire::link_kind(link.kind),
        lag: link.lag,
    };
    let mut tx = state.store.begin().await?;
    Tasks::link_on(&mut tx, project_id, &link).await?;
    Tasks::move_starts(&mut tx, &moved, state.clock.now_ms()).await?;
    audit::append(
        &mut tx,
        state,
        actor,
        "task.link",
        Target::new("project", &key),
        audit::NONE,
        Some(&shown),
    )
    .await?;
    tx.commit().await.context("committing a link")?;
    Ok(moved)
}

/// Removes the link `from` → `to` of the project.
pub async fn unlink(
    state: &AppState,
    project_id: i64,
    (from, to): (i64, i64),
    actor: &Actor,
) -> Result<(), TaskError> {
    let links = state.store.tasks().links(project_id).await?;
    if !links.iter().any(|l| (l.from, l.to) == (from, to)) {
        return Err(TaskError::UnknownTask);
    }
    let key = project_id.to_string();
    let what = format!("{from}->{to}");
    let mut tx = state.store.begin().await?;
    Tasks::unlink_on(&mut tx, from, to).await?;
    audit::append(
        &mut tx,
        state,
        actor,
        "task.unlink",
        Target::new("project", &key),
        Some(&what),
        audit::NONE,
    )
    .await?;
    tx.commit().await.context("committing an unlink")?;
    Ok(())
}

/// Snapshots the project's plan as its baseline; returns how many tasks it holds.
pub async fn take_baseline(
    state: &AppState,
    project_id: i64,
    actor: &Actor,
) -> Result<u64, TaskError> {
    let key = project_id.to_string();
    let mut tx = state.store.begin().await?;
    let tasks = Tasks::take_baseline_on(&mut tx, project_id, state.clock.now_ms()).await?;
    audit::append(
        &mut tx,
        state,
        actor,
        "task.baseline",
        Target::new("project", &key),
        audit::NONE,
        Some(&tasks),
    )
    .await?;
    tx.commit().await.context("committing a baseline")?;
    Ok(tasks)
}
