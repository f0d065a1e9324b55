//! Everything a Gantt draws in one answer: bars in WBS order with critical flags, float
//! and baseline, the links, today, and how far the project lags.

use std::collections::HashMap;

use api::{Gantt, GanttBar, TaskView};
use domain::calendar::Day;
use domain::schedule::{Progress, critical_path, forecast, lag_days};
use domain::task::{Task, TaskStatus, roll_up};

use super::service::TaskError;
use crate::state::AppState;

/// [`GanttBar::f`] bit: on the critical path.
pub const CRITICAL: u8 = 1;
/// [`GanttBar::f`] bit: a milestone.
pub const MILESTONE: u8 = 2;
/// [`GanttBar::f`] bit: a phase whose dates roll up from its children.
pub const SUMMARY: u8 = 4;
/// [`GanttBar::f`] bit: open and past its last day.
pub const OVERDUE: u8 = 8;

/// Days `task` is past its last day on `today` (0 when done, paused or not late).
pub fn overdue_days(task: &Task, today: Day) -> i32 {
    if task.status.is_open() && !task.summary {
        today.since(task.due()).max(0)
    } else {
        0
    }
}

/// The wire view of a task.
pub fn view(task: &Task, today: Day) -> TaskView {
    TaskView {
        id: task.id,
        project_id: task.project_id,
        parent_id: task.parent_id,
        title: task.title.clone(),
        start: task.start.to_string(),
        finish: task.due().to_string(),
        days: task.days,
        progress: task.progress,
        status: super::wire::status(task.status),
        owner: task.owner.clone(),
        helpers: task.helpers.clone(),
        milestone: task.milestone,
        summary: task.summary,
        overdue_days: overdue_days(task, today),
    }
}

/// Tasks in WBS order: each parent followed by its children, siblings by position.
pub fn wbs_order(tasks: Vec<Task>) -> Vec<Task> {
    let ids: std::collections::HashSet<i64> = tasks.iter().map(|t| t.id).collect();
    let mut children: HashMap<Option<i64>, Vec<Task>> = HashMap::new();
    for t in tasks {
        // A parent outside the list makes the task a root rather than losing it.
        let parent = t.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(t);
    }
    for list in children.values_mut() {
        list.sort_by_key(|t| (t.position, t.id));
    }
    let mut ordered = Vec::with_capacity(ids.len());
    let mut stack: Vec<Task> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(t) = stack.pop() {
        if let Some(mut kids) = children.remove(&Some(t.id)) {
            kids.reverse();
            stack.extend(kids);
        }
        ordered.push(t);
    }
    ordered
}

/// The project's Gantt on `today`.
pub async fn gantt(state: &AppState, project_id: i64, today: Day) -> Result<Gantt, TaskError> {
    let repo = state.store.tasks();
    let (tasks, links, baseline) = tokio::try_join!(
        repo.of_project(project_id),
        repo.links(project_id),
        repo.baseline(project_id),
    )?;
    build(project_id, tasks, &links, &baseline, today)
}

/// [`gantt`] from what the store returned.
pub fn build(
    project_id: i64,
    mut tasks: Vec<Task>,
    links: &[domain::schedule::Link],
    baseline: &HashMap<i64, (Day, Day)>,
    today: Day,
) -> Result<Gantt, TaskError> {
    roll_up(&mut tasks);
    let tasks = wbs_order(tasks);
    let activities: Vec<_> = tasks
        .iter()
        .filter(|t| !t.summary)
        .map(|t| domain::schedule::Activity {
            id: t.id,
            start: t.start,
            days: t.days,
        })
        .collect();
    let plan = critical_path(&activities, links)?;
    let progress: HashMap<i64, Progress> = tasks
        .iter()
        .map(|t| {
            let p = Progress {
                percent: t.progress,
                finished_on: t.finished_on.filter(|_| t.status == TaskStatus::Done),
            };
            (t.id, p)
        })
        .collect();
    let outlook = forecast(&activities, links, &progress, today)?;
    let planned_finish = baseline.values().map(|b| b.1).max().or(plan.finish);
    let timing: HashMap<i64, &domain::schedule::Timing> =
        plan.timings.iter().map(|t| (t.id, t)).collect();
    let origin = tasks.iter().map(|t| t.start).min().unwrap_or(today);
    let bars = tasks
        .iter()
        .map(|t| {
            let cpm = timing.get(&t.id);
            let mut flags = 0;
            if cpm.is_some_and(|c| c.critical) {
                flags |= CRITICAL;
            }
            if t.milestone {
                flags |= MILESTONE;
            }
            if t.summary {
                flags |= SUMMARY;
            }
            if overdue_days(t, today) > 0 {
                flags |= OVERDUE;
            }
            GanttBar {
                id: t.id,
                p: t.parent_id,
                t: t.title.clone(),
                s: t.start.since(origin),
                d: t.days,
                pr: t.progress,
                st: super::wire::status(t.status),
                f: flags,
                fl: cpm.map_or(0, |c| c.total_float),
                b: baseline
                    .get(&t.id)
                    .map(|(s, f)| (s.since(origin), f.since(*s))),
                o: t.owner.clone(),
            }
        })
        .collect();
    let last_day = |finish: Option<Day>| finish.map(|f| f.plus(-1).to_string());
    Ok(Gantt {
        project_id,
        origin: origin.to_string(),
        today: today.since(origin),
        bars,
        links: links
            .iter()
            .map(|l| (l.from, l.to, super::wire::link_kind(l.kind), l.lag))
            .collect(),
        finish: last_day(plan.finish),
        forecast_finish: last_day(outlook.finish),
        lag_days: lag_days(planned_finish, outlook.finish),
    })
}
