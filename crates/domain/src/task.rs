//! Tasks of a project's schedule (WBS): phases hold tasks, tasks hold subtasks.

use serde::{Deserialize, Serialize};

use crate::calendar::Day;

/// Where a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 待开始.
    Todo,
    /// 进行中.
    Doing,
    /// 已完成.
    Done,
    /// 已暂停.
    Paused,
}

impl TaskStatus {
    /// Every status.
    pub const ALL: [TaskStatus; 4] = [Self::Todo, Self::Doing, Self::Done, Self::Paused];

    /// The stored and wire name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::Doing => "doing",
            Self::Done => "done",
            Self::Paused => "paused",
        }
    }

    /// The status named `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Todo => "待开始",
            Self::Doing => "进行中",
            Self::Done => "已完成",
            Self::Paused => "已暂停",
        }
    }

    /// Whether reminders chase it (a paused task waits on purpose).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Todo | Self::Doing)
    }
}

/// A task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Id.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// Its phase or parent task.
    pub parent_id: Option<i64>,
    /// Order among its siblings.
    pub position: i64,
    /// Title.
    pub title: String,
    /// Has children: its dates roll up from them.
    pub summary: bool,
    /// A milestone (no duration).
    pub milestone: bool,
    /// Planned start.
    pub start: Day,
    /// Planned duration in days (0 for a milestone).
    pub days: i32,
    /// Percent done.
    pub progress: u8,
    /// Status.
    pub status: TaskStatus,
    /// The one owner.
    pub owner: Option<String>,
    /// Helpers.
    pub helpers: Vec<String>,
    /// When it was finished.
    pub finished_on: Option<Day>,
}

impl Task {
    /// The exclusive finish day.
    pub fn finish(&self) -> Day {
        self.start.plus(self.days)
    }

    /// The last working day (inclusive): what "due" means to a member.
    pub fn due(&self) -> Day {
        last_day(self.finish(), self.days)
    }
}

/// The last working day of a task finishing (exclusive) on `finish` after `days` days;
/// a milestone's is its own day.
pub fn last_day(finish: Day, days: i32) -> Day {
    if days == 0 { finish } else { finish.plus(-1) }
}

/// The parents' dates rolled up from their children: each summary spans from its
/// earliest child start to its latest child finish. `tasks` may come in any order.
pub fn roll_up(tasks: &mut [Task]) {
    use std::collections::HashMap;
    let index: HashMap<i64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    // Deepest first, so a phase sees its tasks' rolled-up dates.
    let depth = |mut i: usize| {
        let mut d = 0usize;
        while let Some(&p) = tasks[i].parent_id.and_then(|p| index.get(&p)) {
            d += 1;
            i = p;
            if d > tasks.len() {
                break;
            }
        }
        d
    };
    let mut order: Vec<(usize, usize)> = (0..tasks.len()).map(|i| (depth(i), i)).collect();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let mut span: HashMap<i64, (Day, Day)> = HashMap::new();
    for (_, i) in order {
        let t = &mut tasks[i];
        if let Some(&(start, finish)) = span.get(&t.id) {
            t.summary = true;
            t.start = start;
            t.days = finish.since(start);
        }
        let (start, finish) = (t.start, t.finish());
        if let Some(parent) = t.parent_id {
            let entry = span.entry(parent).or_insert((start, finish));
            entry.0 = entry.0.min(start);
            entry.1 = entry.1.max(finish);
        }
    }
}
