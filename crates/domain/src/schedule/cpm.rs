//! The critical path method: a forward pass for the earliest dates, a backward pass for
//! the latest, total float as their difference. Days are whole calendar days; a finish is
//! exclusive (a 3-day task starting on the 1st finishes at the start of the 4th).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::calendar::Day;

/// How a link ties its successor to its predecessor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkKind {
    /// Finish to start: the successor starts after the predecessor finishes.
    #[serde(rename = "FS")]
    FinishStart,
    /// Start to start.
    #[serde(rename = "SS")]
    StartStart,
    /// Finish to finish.
    #[serde(rename = "FF")]
    FinishFinish,
    /// Start to finish.
    #[serde(rename = "SF")]
    StartFinish,
}

impl LinkKind {
    /// The stored and wire name.
    pub fn code(self) -> &'static str {
        match self {
            Self::FinishStart => "FS",
            Self::StartStart => "SS",
            Self::FinishFinish => "FF",
            Self::StartFinish => "SF",
        }
    }

    /// The kind named `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::FinishStart,
            Self::StartStart,
            Self::FinishFinish,
            Self::StartFinish,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// A dependency between two tasks, with a lag in days (negative: a lead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Predecessor.
    pub from: i64,
    /// Successor.
    pub to: i64,
    /// Kind.
    pub kind: LinkKind,
    /// Lag in days.
    pub lag: i32,
}

/// A task as the schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    /// Task id.
    pub id: i64,
    /// Planned start: the task starts no earlier than this.
    pub start: Day,
    /// Duration in days; 0 for a milestone.
    pub days: i32,
}

/// One task's computed dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// Task id.
    pub id: i64,
    /// Earliest start.
    pub early_start: Day,
    /// Earliest finish (exclusive).
    pub early_finish: Day,
    /// Latest start that keeps the project finish.
    pub late_start: Day,
    /// Latest finish (exclusive).
    pub late_finish: Day,
    /// Days the task can slip without moving the project finish.
    pub total_float: i32,
    /// On the critical path (no float).
    pub critical: bool,
}

/// A computed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Per task, in the order given.
    pub timings: Vec<Timing>,
    /// The project's earliest start.
    pub start: Option<Day>,
    /// The project's earliest finish (exclusive).
    pub finish: Option<Day>,
}

/// Why a schedule cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The links go round in a circle through these tasks.
    #[error("任务依赖存在循环：{0:?}")]
    Cycle(Vec<i64>),
    /// A link names a task that is not in the schedule.
    #[error("依赖指向不存在的任务 {0}")]
    UnknownTask(i64),
    /// A task linked to itself.
    #[error("任务 {0} 不能依赖自身")]
    SelfLink(i64),
    /// Two tasks share an id.
    #[error("任务 {0} 重复")]
    DuplicateTask(i64),
    /// A negative duration.
    #[error("任务 {0} 的工期不能为负")]
    NegativeDuration(i64),
}

/// The graph in index form, tasks in topological order.
struct Graph {
    order: Vec<usize>,
    /// Per task: (successor index, link).
    out: Vec<Vec<(usize, Link)>>,
    /// Per task: (predecessor index, link).
    ins: Vec<Vec<(usize, Link)>>,
}

fn graph(activities: &[Activity], links: &[Link]) -> Result<Graph, ScheduleError> {
    let mut index = HashMap::with_capacity(activities.len());
    for (i, a) in activities.iter().enumerate() {
        if a.days < 0 {
            return Err(ScheduleError::NegativeDuration(a.id));
        }
        if index.insert(a.id, i).is_some() {
            return Err(ScheduleError::DuplicateTask(a.id));
        }
    }
    let n = activities.len();
    let mut out = vec![Vec::new(); n];
    let mut ins = vec![Vec::new(); n];
    for link in links {
        if link.from == link.to {
            return Err(ScheduleError::SelfLink(link.from));
        }
        let from = *index
            .get(&link.from)
            .ok_or(ScheduleError::UnknownTask(link.from))?;
        let to = *index
            .get(&link.to)
            .ok_or(ScheduleError::UnknownTask(link.to))?;
        out[from].push((to, *link));
        ins[to].push((from, *link));
    }
    // Kahn's algorithm; what is left over sits on or behind a cycle.
    let mut waiting: Vec<usize> = ins.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let i = order[next];
        next += 1;
        for &(j, _) in &out[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                order.push(j);
            }
        }
    }
    if order.len() < n {
        return Err(ScheduleError::Cycle(cycle(activities, &out, &waiting)));
    }
    Ok(Graph { order, out, ins })
}

/// One cycle among the tasks Kahn's algorithm could not place, in link order.
fn cycle(activities: &[Activity], out: &[Vec<(usize, Link)>], waiting: &[usize]) -> Vec<i64> {
    let stuck = |i: usize| waiting[i] > 0;
    let Some(mut at) = (0..waiting.len()).find(|&i| stuck(i)) else {
        return Vec::new();
    };
    // Walk stuck successors until a task repeats; the walk from it is the cycle.
    let mut seen = HashMap::new();
    let mut path = Vec::new();
    loop {
        if let Some(&from) = seen.get(&at) {
            return path[from..]
                .iter()
                .map(|&i: &usize| activities[i].id)
                .collect();
        }
        seen.insert(at, path.len());
        path.push(at);
        match out[at].iter().find(|(j, _)| stuck(*j)) {
            Some(&(j, _)) => at = j,
            None => return path.iter().map(|&i| activities[i].id).collect(),
        }
    }
}

/// The earliest start a link allows its successor (of `days` duration).
fn forward(link: &Link, pred_start: i32, pred_finish: i32, days: i32) -> i32 {
    match link.kind {
        LinkKind::FinishStart => pred_finish + link.lag,
        LinkKind::StartStart => pred_start + link.lag,
        LinkKind::FinishFinish => pred_finish + link.lag - days,
        LinkKind::StartFinish => pred_start + link.lag - days,
    }
}

/// The latest finish a link allows its predecessor (of `days` duration).
fn backward(link: &Link, succ_start: i32, succ_finish: i32, days: i32) -> i32 {
    match link.kind {
        LinkKind::FinishStart => succ_start - link.lag,
        LinkKind::StartStart => succ_start - link.lag + days,
        LinkKind::FinishFinish => succ_finish - link.lag,
        LinkKind::StartFinish => succ_finish - link.lag + days,
    }
}

/// Computes earliest and latest dates, float and the critical path.
pub fn critical_path(activities: &[Activity], links: &[Link]) -> Result<Schedule, ScheduleError> {
    let g = graph(activities, links)?;
    let n = activities.len();
    let mut es = vec![0i32; n];
    for &i in &g.order {
        let a = &activities[i];
        es[i] = g.ins[i]
            .iter()
            .map(|(p, link)| forward(link, es[*p], es[*p] + activities[*p].days, a.days))
            .fold(a.start.0, i32::max);
    }
    let ef: Vec<i32> = (0..n).map(|i| es[i] + activities[i].days).collect();
    let finish = ef.iter().copied().max();
    let start = es.iter().copied().min();
    let end = finish.unwrap_or(0);
    let mut lf = vec![end; n];
    for &i in g.order.iter().rev() {
        let days = activities[i].days;
        lf[i] = g.out[i]
            .iter()
            .map(|(s, link)| backward(link, lf[*s] - activities[*s].days, lf[*s], days))
            .fold(end, i32::min);
    }
    let timings = (0..n)
        .map(|i| {
            let ls = lf[i] - activities[i].days;
            let float = ls - es[i];
            Timing {
                id: activities[i].id,
                early_start: Day(es[i]),
                early_finish: Day(ef[i]),
                late_start: Day(ls),
                late_finish: Day(lf[i]),
                total_float: float,
                critical: float <= 0,
            }
        })
        .collect();
    Ok(Schedule {
        timings,
        start: start.map(Day),
        finish: finish.map(Day),
    })
}

/// New starts for the tasks that must move when `moved` starts on `new_start`: only its
/// successors, and only as far as their links demand (a later plan is kept).
pub fn shift_successors(
    activities: &[Activity],
    links: &[Link],
    moved: i64,
    new_start: Day,
) -> Result<Vec<(i64, Day)>, ScheduleError> {
    let g = graph(activities, links)?;
    let Some(root) = activities.iter().position(|a| a.id == moved) else {
        return Err(ScheduleError::UnknownTask(moved));
    };
    let mut start: Vec<i32> = activities.iter().map(|a| a.start.0).collect();
    start[root] = new_start.0;
    let mut reached = vec![false; activities.len()];
    reached[root] = true;
    let mut changes = Vec::new();
    for &i in &g.order {
        if i == root || !g.ins[i].iter().any(|(p, _)| reached[*p]) {
            continue;
        }
        reached[i] = true;
        let days = activities[i].days;
        let needed = g.ins[i]
            .iter()
            .map(|(p, link)| forward(link, start[*p], start[*p] + activities[*p].days, days))
            .fold(start[i], i32::max);
        if needed != start[i] {
            start[i] = needed;
            changes.push((activities[i].id, Day(needed)));
        }
    }
    Ok(changes)
}
