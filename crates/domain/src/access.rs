//! Who may do what: roles, data scopes and the one authorisation function every API calls.
//!
//! - System roles: 系统管理员 (everything) and 财务 (budgets and costs everywhere).
//! - Project roles, per project: 项目经理, 工程师, 安全员, 质检员, 施工员/班组长, 监理, 只读.
//! - Data scope: members see only projects they have a role in; department leaders see (but
//!   do not change) the projects of the departments they lead, subtrees included; budget
//!   and cost only for the project's PM, finance and admins.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Roles that apply across all projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemRole {
    /// 系统管理员.
    Admin,
    /// 财务.
    Finance,
}

/// A member's role inside one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectRole {
    /// 项目经理.
    Manager,
    /// 工程师.
    Engineer,
    /// 安全员.
    Safety,
    /// 质检员.
    Quality,
    /// 施工员 / 班组长.
    Foreman,
    /// 监理.
    Supervisor,
    /// 只读.
    ReadOnly,
}

impl ProjectRole {
    /// Every project role, for pickers and tests.
    pub const ALL: [ProjectRole; 7] = [
        Self::Manager,
        Self::Engineer,
        Self::Safety,
        Self::Quality,
        Self::Foreman,
        Self::Supervisor,
        Self::ReadOnly,
    ];

    /// The stored and wire name (as serde writes it).
    pub fn code(self) -> &'static str {
        match self {
            Self::Manager => "manager",
            Self::Engineer => "engineer",
            Self::Safety => "safety",
            Self::Quality => "quality",
            Self::Foreman => "foreman",
            Self::Supervisor => "supervisor",
            Self::ReadOnly => "read_only",
        }
    }

    /// The role named `code`, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Manager => "项目经理",
            Self::Engineer => "工程师",
            Self::Safety => "安全员",
            Self::Quality => "质检员",
            Self::Foreman => "施工员/班组长",
            Self::Supervisor => "监理",
            Self::ReadOnly => "只读",
        }
    }
}

/// Everything an API can ask permission for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See a project's ledger entry, members and schedule.
    ViewProject,
    /// Change a project's ledger entry.
    EditProject,
    /// Add or remove project members and their roles.
    ManageProjectMembers,
    /// See contract amount, budget and cost.
    ViewBudget,
    /// Change budget and cost.
    EditBudget,
    /// Create, assign and reschedule tasks.
    EditTasks,
    /// Check in on a task with photos and location; file progress and daily reports.
    ReportProgress,
    /// File a quality or safety inspection.
    FileInspection,
    /// Sign off an inspection or a permit.
    SignOffInspection,
    /// Create a new project.
    CreateProject,
    /// Read the audit log.
    ViewAudit,
    /// Grant and revoke system roles.
    ManageRoles,
    /// Edit approval templates.
    ManageTemplates,
    /// Start an org sync, see sync status.
    ManageOrgSync,
    /// See and replay dead letters, queue status.
    ManageQueues,
    /// See the configuration summary.
    ViewConfig,
    /// See unmasked ID-card and bank-account numbers.
    ViewSensitive,
}

impl Action {
    /// Every action, for tests and the admin UI.
    pub const ALL: [Action; 17] = [
        Self::ViewProject,
        Self::EditProject,
        Self::ManageProjectMembers,
        Self::ViewBudget,
        Self::EditBudget,
        Self::EditTasks,
        Self::ReportProgress,
        Self::FileInspection,
        Self::SignOffInspection,
        Self::CreateProject,
        Self::ViewAudit,
        Self::ManageRoles,
        Self::ManageTemplates,
        Self::ManageOrgSync,
        Self::ManageQueues,
        Self::ViewConfig,
        Self::ViewSensitive,
    ];

    /// True for actions about one project (they need a [`ProjectScope`]).
    pub fn is_project_action(self) -> bool {
        matches!(
            self,
            Self::ViewProject
                | Self::EditProject
                | Self::ManageProjectMembers
                | Self::ViewBudget
                | Self::EditBudget
                | Self::EditTasks
                | Self::ReportProgress
                | Self::FileInspection
                | Self::SignOffInspection
        )
    }
}

/// What the caller is, resolved once per request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// UserID.
    pub userid: String,
    /// System roles.
    pub system_roles: BTreeSet<SystemRole>,
    /// Roles per project id.
    pub project_roles: BTreeMap<i64, BTreeSet<ProjectRole>>,
    /// Departments the member leads, with every department below them.
    pub led_departments: BTreeSet<i64>,
}

/// The project an action is about: its id and owning department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectScope {
    /// Project id.
    pub project_id: i64,
    /// The department the project belongs to.
    pub department_id: i64,
}

/// Why a request was refused (for logs; clients only see 403 or 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The subject cannot see the project at all: answer 404 so ids cannot be probed.
    NotVisible,
    /// Visible, but the action is not allowed: answer 403.
    NotAllowed,
}

/// The one authorisation check. `scope` is required for project actions and ignored
/// for system ones.
pub fn authorize(
    subject: &Subject,
    action: Action,
    scope: Option<ProjectScope>,
) -> Result<(), Denied> {
    if subject.system_roles.contains(&SystemRole::Admin) {
        return Ok(());
    }
    let finance = subject.system_roles.contains(&SystemRole::Finance);
    if !action.is_project_action() {
        return match action {
            Action::ViewSensitive if finance => Ok(()),
            _ => Err(Denied::NotAllowed),
        };
    }
    let Some(scope) = scope else {
        return Err(Denied::NotVisible);
    };
    let roles = subject.project_roles.get(&scope.project_id);
    let has = |wanted: &[ProjectRole]| roles.is_some_and(|r| wanted.iter().any(|w| r.contains(w)));
    let leads = subject.led_departments.contains(&scope.department_id);
    let member = roles.is_some_and(|r| !r.is_empty());
    if !(member || leads || finance) {
        return Err(Denied::NotVisible);
    }
    use ProjectRole::*;
    let allowed = match action {
        Action::ViewProject => true,
        Action::ViewBudget | Action::EditBudget => finance || has(&[Manager]),
        Action::EditProject | Action::ManageProjectMembers => has(&[Manager]),
        Action::EditTasks => has(&[Manager, Engineer, Foreman]),
        Action::ReportProgress => has(&[Manager, Engineer, Safety, Quality, Foreman]),
        Action::FileInspection => has(&[Manager, Safety, Quality, Supervisor]),
        Action::SignOffInspection => has(&[Manager, Supervisor]),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::NotAllowed)
    }
}
