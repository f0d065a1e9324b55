//! Overdue and due-soon reminders: who hears about which task today, and what goes up to
//! the project manager. One digest per member per run, each task at most once a day,
//! nothing in quiet hours.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::Day;

/// The knobs, configurable per deployment (and the lag thresholds per project).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Tasks finishing within this many days count as due soon.
    pub due_soon_days: i32,
    /// Quiet hours start, minutes after midnight (CST).
    pub quiet_from_min: u32,
    /// Quiet hours end, minutes after midnight (CST).
    pub quiet_until_min: u32,
    /// Overdue this many days → the project manager hears of it.
    pub escalate_after_days: i32,
    /// A project this many days behind → its PM and department leader hear of it.
    pub lag_alert_days: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            due_soon_days: 1,
            quiet_from_min: 22 * 60,
            quiet_until_min: 8 * 60,
            escalate_after_days: 3,
            lag_alert_days: 7,
        }
    }
}

impl Policy {
    /// Whether `minute_of_day` (CST) falls in quiet hours (which may wrap midnight).
    pub fn is_quiet(&self, minute_of_day: u32) -> bool {
        let (from, until) = (self.quiet_from_min, self.quiet_until_min);
        if from == until {
            false
        } else if from < until {
            (from..until).contains(&minute_of_day)
        } else {
            minute_of_day >= from || minute_of_day < until
        }
    }
}

/// An open (not finished) task with a planned finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTask {
    /// Id.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// Title.
    pub title: String,
    /// Owner's userid.
    pub owner: String,
    /// Whether the owner has left the company.
    pub owner_left: bool,
    /// Last planned working day (inclusive).
    pub due: Day,
    /// The last day its owner was reminded of it.
    pub reminded_on: Option<Day>,
    /// Whether the PM has already been told it is overdue.
    pub escalated: bool,
}

/// Why a task is in a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "days", rename_all = "snake_case")]
pub enum Due {
    /// Past its date by this many days.
    Overdue(i32),
    /// Due in this many days (0: today).
    Soon(i32),
}

/// One task in a member's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Task id.
    pub task_id: i64,
    /// Its project.
    pub project_id: i64,
    /// Title.
    pub title: String,
    /// Why.
    pub due: Due,
}

/// Why the PM hears of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalation {
    /// Overdue for the policy's days or more.
    Overdue(i32),
    /// Its owner left; nobody is reminded of it.
    OwnerLeft,
}

/// A task the project manager hears of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalated {
    /// Task id.
    pub task_id: i64,
    /// Its project.
    pub project_id: i64,
    /// Title.
    pub title: String,
    /// Owner.
    pub owner: String,
    /// Why.
    pub reason: Escalation,
}

/// What one run sends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    /// Per member, their lines: overdue first (most overdue first), then due soon.
    pub digests: BTreeMap<String, Vec<Line>>,
    /// Tasks for the project managers.
    pub escalations: Vec<Escalated>,
}

/// What to send `today` about `tasks`. The caller skips runs in quiet hours and records
/// the reminders and escalations it queues, so a later run the same day sends nothing new.
pub fn plan(policy: &Policy, tasks: &[OpenTask], today: Day) -> Run {
    let mut run = Run::default();
    for task in tasks {
        let late_by = today.since(task.due);
        if task.owner_left {
            if !task.escalated {
                run.escalations.push(escalated(task, Escalation::OwnerLeft));
            }
            continue;
        }
        let due = if late_by > 0 {
            Due::Overdue(late_by)
        } else if -late_by <= policy.due_soon_days {
            Due::Soon(-late_by)
        } else {
            continue;
        };
        if task.reminded_on != Some(today) {
            run.digests
                .entry(task.owner.clone())
                .or_default()
                .push(Line {
                    task_id: task.id,
                    project_id: task.project_id,
                    title: task.title.clone(),
                    due,
                });
        }
        if late_by >= policy.escalate_after_days && !task.escalated {
            run.escalations
                .push(escalated(task, Escalation::Overdue(late_by)));
        }
    }
    for lines in run.digests.values_mut() {
        lines.sort_by_key(|l| match l.due {
            Due::Overdue(days) => (0, -days, l.task_id),
            Due::Soon(days) => (1, days, l.task_id),
        });
    }
    run
}

fn escalated(task: &OpenTask, reason: Escalation) -> Escalated {
    Escalated {
        task_id: task.id,
        project_id: task.project_id,
        title: task.title.clone(),
        owner: task.owner.clone(),
        reason,
    }
}

/// Whether a project's lag or a missed milestone calls for its PM and department leader.
pub fn project_alert(policy: &Policy, lag_days: i32, missed_milestones: usize) -> bool {
    lag_days >= policy.lag_alert_days || missed_milestones > 0
}
