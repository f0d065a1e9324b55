//! Projects' schedules in the server: task and link changes, the Gantt payload, and the
//! overdue scan that reminds members and escalates to project managers.

pub mod assign;
pub mod chat;
pub mod checkin;
pub mod daily_reports;
pub mod extension;
pub mod gantt;
pub mod handlers;
pub mod reminders;
pub mod service;
pub mod watermark;
pub mod wire;

pub use service::TaskError;
