//! Tasks, the Gantt payload, check-ins and daily reports. Days are `"YYYY-MM-DD"`; a
//! `finish` is the last working day (inclusive), as people read a schedule.

use serde::{Deserialize, Serialize};

wire_enum! {
    /// Where a task is.
    pub enum TaskStatus {
        /// 待开始.
        Todo = "todo" => "待开始",
        /// 进行中.
        Doing = "doing" => "进行中",
        /// 已完成.
        Done = "done" => "已完成",
        /// 已暂停.
        Paused = "paused" => "已暂停",
    }
}

wire_enum! {
    /// How a link ties its successor to its predecessor (upper-case names on the wire).
    pub enum LinkKind {
        /// Finish to start.
        #[serde(rename = "FS")]
        FinishStart = "FS" => "完成-开始",
        /// Start to start.
        #[serde(rename = "SS")]
        StartStart = "SS" => "开始-开始",
        /// Finish to finish.
        #[serde(rename = "FF")]
        FinishFinish = "FF" => "完成-完成",
        /// Start to finish.
        #[serde(rename = "SF")]
        StartFinish = "SF" => "开始-完成",
    }
}

/// A task as lists and details show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// Parent (phase or task).
    pub parent_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Planned start.
    pub start: String,
    /// Planned last day.
    pub finish: String,
    /// Duration in days.
    pub days: i32,
    /// Percent done.
    pub progress: u8,
    /// Status.
    pub status: TaskStatus,
    /// Owner.
    pub owner: Option<String>,
    /// Helpers.
    pub helpers: Vec<String>,
    /// A milestone.
    pub milestone: bool,
    /// A phase (dates rolled up from its children).
    pub summary: bool,
    /// Days past its last day (0 when not overdue).
    pub overdue_days: i32,
}

impl TaskView {
    /// Due on `day` (`"YYYY-MM-DD"`) and not done: 今日到期 when `day` is today. One rule
    /// for the server's first screen and the H5's counts and filters.
    pub fn due_on(&self, day: &str) -> bool {
        self.finish == day && self.status != TaskStatus::Done
    }
}

/// Creating a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTaskRequest {
    /// Parent.
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Planned start.
    pub start: String,
    /// Duration in days (ignored for a milestone).
    #[serde(default)]
    pub days: i32,
    /// A milestone.
    #[serde(default)]
    pub milestone: bool,
    /// Owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Helpers.
    #[serde(default)]
    pub helpers: Vec<String>,
}

/// Changing a task; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskUpdate {
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Planned start (successors move with it when the project says so).
    #[serde(default)]
    pub start: Option<String>,
    /// Duration.
    #[serde(default)]
    pub days: Option<i32>,
    /// Percent done.
    #[serde(default)]
    pub progress: Option<u8>,
    /// Status.
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// Owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Helpers.
    #[serde(default)]
    pub helpers: Option<Vec<String>>,
}

/// `POST /api/v1/tasks/{id}/extension`: 申请延期, decided by the project manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    /// Days to add to the task (1–365).
    pub days: i32,
    /// Why.
    pub reason: String,
}

/// What a task change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskChanged {
    /// The task now.
    pub task: TaskView,
    /// Successors moved with it: (id, new start).
    pub moved: Vec<(i64, String)>,
}

/// A dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    /// Predecessor.
    pub from: i64,
    /// Successor.
    pub to: i64,
    /// Kind.
    pub kind: LinkKind,
    /// Lag in days (negative: lead).
    #[serde(default)]
    pub lag: i32,
}

/// One bar of the Gantt, compact: short keys, days as offsets from [`Gantt::origin`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GanttBar {
    /// Task id.
    pub id: i64,
    /// Parent id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub p: Option<i64>,
    /// Title.
    pub t: String,
    /// Start offset (days from origin).
    pub s: i32,
    /// Duration in days.
    pub d: i32,
    /// Percent done.
    pub pr: u8,
    /// Status.
    pub st: TaskStatus,
    /// Flags: 1 critical, 2 milestone, 4 summary, 8 overdue.
    pub f: u8,
    /// Total float in days.
    pub fl: i32,
    /// Baseline start offset and duration, when a baseline exists.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub b: Option<(i32, i32)>,
    /// Owner.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub o: Option<String>,
}

/// Everything a Gantt draws, in one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gantt {
    /// Project id.
    pub project_id: i64,
    /// The day offsets count from.
    pub origin: String,
    /// Today's offset.
    pub today: i32,
    /// Bars, parents before children.
    pub bars: Vec<GanttBar>,
    /// Links as (from, to, kind, lag).
    pub links: Vec<(i64, i64, LinkKind, i32)>,
    /// Planned finish (last day), if any tasks.
    pub finish: Option<String>,
    /// Forecast finish from progress so far.
    pub forecast_finish: Option<String>,
    /// 进度滞后天数.
    pub lag_days: i32,
}

/// A site check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckinRequest {
    /// Latitude, longitude.
    #[serde(default)]
    pub location: Option<(f64, f64)>,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Note.
    #[serde(default)]
    pub note: String,
    /// WeCom media ids of photos taken with the JS-SDK.
    #[serde(default)]
    pub media_ids: Vec<String>,
    /// Keys of photos uploaded from a browser (`POST /api/v1/uploads`).
    #[serde(default)]
    pub uploads: Vec<String>,
    /// Progress to record.
    #[serde(default)]
    pub progress: Option<u8>,
}

/// A stored check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckinView {
    /// Id.
    pub id: i64,
    /// Who.
    pub userid: String,
    /// When (unix ms).
    pub at_ms: i64,
    /// Where.
    pub location: Option<(f64, f64)>,
    /// Address.
    pub address: String,
    /// Note.
    pub note: String,
    /// Keys of the stamped photos to show.
    pub photos: Vec<String>,
    /// Keys of the untouched photos as taken, in the order of `photos`.
    pub originals: Vec<String>,
    /// Progress recorded.
    pub progress: Option<u8>,
}

wire_enum! {
    /// The day's weather on site, as a 施工日志 records it.
    pub enum Weather {
        /// 晴.
        Sunny = "sunny" => "晴",
        /// 多云.
        Cloudy = "cloudy" => "多云",
        /// 阴.
        Overcast = "overcast" => "阴",
        /// 雨.
        Rain = "rain" => "雨",
        /// 雪.
        Snow = "snow" => "雪",
        /// 大风.
        Wind = "wind" => "大风",
    }
}

/// One trade's headcount on site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crew {
    /// 工种, e.g. 钢筋工.
    pub trade: String,
    /// People.
    pub count: u32,
}

/// A daily report (施工日志 / 日报): one member's account of one day on one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReport {
    /// Who (set by the server).
    #[serde(default)]
    pub userid: String,
    /// Their name (set by the server in lists).
    #[serde(default)]
    pub name: String,
    /// Which day.
    pub day: String,
    /// 施工内容: the work done.
    pub content: String,
    /// 天气.
    #[serde(default)]
    pub weather: Option<Weather>,
    /// 出勤: headcount by trade.
    #[serde(default)]
    pub workforce: Vec<Crew>,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// 明日计划.
    #[serde(default)]
    pub tomorrow: String,
    /// Photo keys (the writer's uploads).
    #[serde(default)]
    pub photos: Vec<String>,
}

/// `POST /api/v1/tasks/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComment {
    /// Text.
    pub text: String,
    /// Keys of the writer's uploaded photos (`POST /api/v1/uploads[/wecom]`).
    #[serde(default)]
    pub uploads: Vec<String>,
}

/// A comment on a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    /// Id.
    pub id: i64,
    /// Who.
    pub userid: String,
    /// Their name.
    pub name: String,
    /// When (unix ms).
    pub at_ms: i64,
    /// Text.
    pub text: String,
    /// Photo keys (`GET /api/v1/uploads/{key}`).
    pub photos: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::{TaskStatus, TaskView};

    #[test]
    fn due_today_means_its_last_day_and_not_done() {
        let mut task = TaskView {
            id: 1,
            project_id: 1,
            parent_id: None,
            title: "浇筑".into(),
            start: "2026-12-01".into(),
            finish: "2026-12-07".into(),
            days: 7,
            progress: 50,
            status: TaskStatus::Doing,
            owner: None,
            helpers: Vec::new(),
            milestone: false,
            summary: false,
            overdue_days: 0,
        };
        assert!(task.due_on("2026-12-07"));
        assert!(!task.due_on("2026-12-08"));
        task.status = TaskStatus::Done;
        assert!(!task.due_on("2026-12-07"));
    }
}
