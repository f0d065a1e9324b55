//! The project ledger (项目台账), its members and schedule settings, and spreadsheet
//! import. Amounts are fen (分); days are `"YYYY-MM-DD"`; a location is `[lat, lng]`.

use serde::{Deserialize, Serialize};

wire_enum! {
    /// A member's role inside one project.
    pub enum ProjectRole {
        /// 项目经理.
        Manager = "manager" => "项目经理",
        /// 工程师.
        Engineer = "engineer" => "工程师",
        /// 安全员.
        Safety = "safety" => "安全员",
        /// 质检员.
        Quality = "quality" => "质检员",
        /// 施工员 / 班组长.
        Foreman = "foreman" => "施工员/班组长",
        /// 监理.
        Supervisor = "supervisor" => "监理",
        /// 只读.
        ReadOnly = "read_only" => "只读",
    }
}

wire_enum! {
    /// Where a project is in its life.
    pub enum ProjectStatus {
        /// 立项.
        Initiated = "initiated" => "立项",
        /// 在建.
        Active = "active" => "在建",
        /// 停工.
        Suspended = "suspended" => "停工",
        /// 竣工.
        Completed = "completed" => "竣工",
        /// 归档.
        Archived = "archived" => "归档",
    }
}

wire_enum! {
    /// Where a project's contract stands.
    pub enum ContractStatus {
        /// 洽谈中.
        Negotiating = "negotiating" => "洽谈中",
        /// 已签订.
        Signed = "signed" => "已签订",
        /// 履约中.
        Performing = "performing" => "履约中",
        /// 已结算.
        Settled = "settled" => "已结算",
        /// 已终止.
        Terminated = "terminated" => "已终止",
    }
}

wire_enum! {
    /// What the viewer may change about one project, as the server's one authorisation
    /// check answers it (the H5 shows only the buttons that will work).
    pub enum ProjectAction {
        /// Edit the ledger entry and the schedule settings.
        Edit = "edit" => "编辑",
        /// Add and remove members and change their roles.
        ManageMembers = "manage_members" => "管理成员",
    }
}

wire_enum! {
    /// What a member who left still holds.
    pub enum ReassignmentKind {
        /// A role in a project.
        ProjectRole = "project_role" => "项目角色",
        /// A seat in an approval step.
        ApprovalStep = "approval_step" => "审批节点",
        /// A task they own.
        Task = "task" => "任务",
    }
}

/// A member named in a view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    /// UserID.
    pub userid: String,
    /// Name (the userid when unknown).
    pub name: String,
}

/// A project's ledger entry as the list and the detail show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectView {
    /// Id.
    pub id: i64,
    /// Project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type (房建, 市政 …).
    pub kind: String,
    /// Client (建设单位).
    pub client: String,
    /// Site address.
    pub address: String,
    /// Site coordinates.
    pub location: Option<(f64, f64)>,
    /// Contract amount; `None` when unset or not visible to the caller.
    pub contract_fen: Option<i64>,
    /// Budget; `None` when unset or not visible to the caller.
    pub budget_fen: Option<i64>,
    /// Whether the caller may see amounts.
    pub amounts_visible: bool,
    /// Contract status.
    pub contract_status: ContractStatus,
    /// Planned start.
    pub planned_start: Option<String>,
    /// Planned finish.
    pub planned_finish: Option<String>,
    /// Actual start.
    pub actual_start: Option<String>,
    /// Actual finish.
    pub actual_finish: Option<String>,
    /// Owning department.
    pub department_id: i64,
    /// Its name.
    pub department: String,
    /// Status.
    pub status: ProjectStatus,
    /// Project managers.
    pub managers: Vec<PersonRef>,
    /// Tags.
    pub tags: Vec<String>,
    /// Send back with an edit; a stale one is refused with `conflict`.
    pub version: i64,
    /// Last change (unix ms).
    pub updated_at_ms: i64,
    /// What the viewer may change.
    #[serde(default)]
    pub can: Vec<ProjectAction>,
}

/// Creating a project, or replacing its ledger entry (`PUT`, with `version`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectInput {
    /// Project code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type.
    #[serde(default)]
    pub kind: String,
    /// Client.
    #[serde(default)]
    pub client: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Coordinates.
    #[serde(default)]
    pub location: Option<(f64, f64)>,
    /// Contract amount (ignored when the caller may not see amounts).
    #[serde(default)]
    pub contract_fen: Option<i64>,
    /// Budget (ignored when the caller may not see amounts).
    #[serde(default)]
    pub budget_fen: Option<i64>,
    /// Contract status as typed: a [`ContractStatus`] code or its Chinese label (the same
    /// type reads spreadsheet cells, so it stays text and is checked per cell);
    /// `negotiating` when absent.
    #[serde(default)]
    pub contract_status: Option<String>,
    /// Planned start.
    #[serde(default)]
    pub planned_start: Option<String>,
    /// Planned finish.
    #[serde(default)]
    pub planned_finish: Option<String>,
    /// Actual start.
    #[serde(default)]
    pub actual_start: Option<String>,
    /// Actual finish.
    #[serde(default)]
    pub actual_finish: Option<String>,
    /// Owning department.
    pub department_id: i64,
    /// Status as typed: a [`ProjectStatus`] code or its Chinese label (checked per cell,
    /// as for `contract_status`); `initiated` when absent.
    #[serde(default)]
    pub status: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// On create: the project manager.
    #[serde(default)]
    pub pm: Option<String>,
    /// On edit: the version read.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `GET /api/v1/projects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectPage {
    /// Matching projects in all.
    pub total: u64,
    /// This page.
    pub items: Vec<ProjectView>,
    /// The viewer may create projects (and import them).
    #[serde(default)]
    pub can_create: bool,
}

/// A member's role in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectMemberView {
    /// UserID.
    pub userid: String,
    /// Name.
    pub name: String,
    /// The role.
    pub role: ProjectRole,
    /// Has left the company (their work awaits handing over).
    pub left: bool,
}

/// Giving a member a role (`PUT /api/v1/projects/{id}/members`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRoleRequest {
    /// UserID.
    pub userid: String,
    /// The role.
    pub role: ProjectRole,
}

/// How a project's schedule behaves (`GET|PUT /api/v1/projects/{id}/schedule-settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSettingsView {
    /// Moving a task moves its successors.
    pub shift_successors: bool,
    /// Lag in days that alerts the PM and department leader; `None`: the deployment's.
    pub lag_alert_days: Option<i32>,
    /// Days overdue before a task goes to the PM; `None`: the deployment's.
    pub escalate_after_days: Option<i32>,
}

/// One refused spreadsheet cell or row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// Spreadsheet row, counting the header as 1.
    pub row: u32,
    /// Column header (empty for the whole row).
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// The outcome of `POST /api/v1/projects/import`: either every row applied, or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// True when the rows were written (no problems, not a dry run).
    pub applied: bool,
    /// Rows that create a project.
    pub created: u32,
    /// Rows that change one.
    pub updated: u32,
    /// Rows equal to what is stored.
    pub unchanged: u32,
    /// Problems; any at all and nothing is written.
    pub problems: Vec<ImportProblem>,
}

/// Work a member who left still holds (`GET /api/v1/admin/reassignments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignmentView {
    /// Id (resolve with `POST /api/v1/admin/reassignments/{id}/resolve`).
    pub id: i64,
    /// Who left.
    pub leaver: PersonRef,
    /// What they hold.
    pub kind: ReassignmentKind,
    /// What exactly.
    pub item: String,
    /// Project, if any.
    pub project_id: Option<i64>,
    /// Description.
    pub detail: String,
    /// When flagged (unix ms).
    pub flagged_at_ms: i64,
    /// Who should take it, as the server suggests (the leaver's leader), if anyone.
    #[serde(default)]
    pub suggested: Option<PersonRef>,
}

/// Resolving a reassignment (`POST …/reassignments/{id}/resolve`): with `to`, an approval
/// seat the leaver still holds is handed to that member first; without, it is only marked
/// handed over (tasks and roles are handed over through their own routes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveReassignment {
    /// Who takes the leaver's approval seat.
    #[serde(default)]
    pub to: Option<String>,
}
