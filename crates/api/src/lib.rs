//! The JSON contract between the H5 workbench and the server.
//!
//! Only serde types live here, so the crate builds for `wasm32-unknown-unknown` and both
//! sides share one definition of every field. It does not depend on `domain`: the server
//! maps domain values to these types, so a domain change never silently changes the wire.

mod admin;
mod approvals;
mod directory;
mod error;
mod health;
mod me;
mod projects;
mod tasks;

pub use admin::{
    ConfigSummary, DeadLetter, LastSync, QueueStatus, Queues, RoleGrant, SyncProgress, SyncStatus,
};
pub use approvals::{
    ApprovalAction, ApprovalCounts, ApprovalDetail, ApprovalPage, ApprovalSummary, Created,
    Delegation, FieldValue, SeatView, StepView, SubmitApproval, TemplateView, TimelineEntry,
};
pub use directory::{DepartmentEntry, DirectoryEntry, Uploaded};
pub use error::{ApiError, ErrorCode};
pub use health::{Check, Readiness};
pub use me::{JsSdkKind, JsSdkSignature, Me};
pub use projects::{
    ImportProblem, ImportReport, MemberRoleRequest, PersonRef, ProjectInput, ProjectMemberView,
    ProjectPage, ProjectView, ReassignmentView, ScheduleSettingsView,
};
pub use tasks::{
    CheckinRequest, CheckinView, CommentView, DailyReport, Gantt, GanttBar, LinkView, NewComment,
    NewTaskRequest, TaskChanged, TaskUpdate, TaskView,
};
