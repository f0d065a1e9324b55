//! Schedules (进度计划): the critical path over task links, the forecast that re-plans the
//! unfinished work from today, and how far a project lags (进度滞后天数).

mod cpm;
pub mod sample;

use std::collections::HashMap;

pub use cpm::{
    Activity, Link, LinkKind, Schedule, ScheduleError, Timing, critical_path, shift_successors,
};

use crate::calendar::Day;

/// Where a task stands, for the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Percent done, 0–100.
    pub percent: u8,
    /// The day it was finished, when it is.
    pub finished_on: Option<Day>,
}

/// The remaining work of each task re-planned from `today`: finished tasks stay where
/// they finished, started ones need what their percentage leaves, nothing unfinished
/// starts in the past. Returns the forecast schedule.
pub fn forecast(
    activities: &[Activity],
    links: &[Link],
    progress: &HashMap<i64, Progress>,
    today: Day,
) -> Result<Schedule, ScheduleError> {
    let replanned: Vec<Activity> = activities
        .iter()
        .map(|a| match progress.get(&a.id) {
            Some(Progress {
                finished_on: Some(day),
                ..
            }) => Activity {
                id: a.id,
                start: *day,
                days: 0,
            },
            Some(p) if p.percent > 0 => Activity {
                id: a.id,
                start: today,
                days: remaining_days(a.days, p.percent),
            },
            _ => Activity {
                id: a.id,
                start: a.start.max(today),
                days: a.days,
            },
        })
        .collect();
    critical_path(&replanned, links)
}

/// Days left of a `days`-long task that is `percent` done (rounded up: a started day
/// is a day).
pub fn remaining_days(days: i32, percent: u8) -> i32 {
    let left = 100 - i32::from(percent.min(100));
    (days * left + 99) / 100
}

/// How many days the forecast finish is behind the planned (or baseline) finish; 0 when
/// on time or ahead.
pub fn lag_days(planned_finish: Option<Day>, forecast_finish: Option<Day>) -> i32 {
    match (planned_finish, forecast_finish) {
        (Some(plan), Some(forecast)) => forecast.since(plan).max(0),
        _ => 0,
    }
}

/// A task's movement against its baseline, in days (positive: later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slip {
    /// Start moved by.
    pub start: i32,
    /// Finish moved by.
    pub finish: i32,
}

/// How `now` (start, exclusive finish) moved against `baseline`.
pub fn slip(now: (Day, Day), baseline: (Day, Day)) -> Slip {
    Slip {
        start: now.0.since(baseline.0),
        finish: now.1.since(baseline.1),
    }
}
