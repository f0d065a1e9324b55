//! The JSON contract between the H5 workbench and the server.
//!
//! Only serde types live here, so the crate builds for `wasm32-unknown-unknown` and both
//! sides share one definition of every field. It does not depend on `domain`: the server
//! maps domain values to these types, so a domain change never silently changes the wire.
//!
//! Every closed set of values on the wire (statuses, roles, kinds) is an enum with stable
//! snake_case names, a `label()` in Chinese as people read it, and an `ALL` list for pickers.

#![warn(missing_docs)]

/// A closed set of wire values: the enum with its serde names, `ALL`, `code()`,
/// `from_code()` and the Chinese `label()`. `code` must equal the serde name (tested).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal => $label:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order pickers list them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire name (what serde writes).
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The value whose wire name is `code`.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// The Chinese label shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }
    };
}

mod admin;
mod approvals;
mod audit;
mod bundles;
mod directory;
mod error;
mod health;
pub mod limits;
mod me;
mod projects;
mod tasks;

pub use admin::{
    CacheKind, ConfigSummary, DatabaseKind, DeadLetter, LastSync, QueueName, QueueStatus, Queues,
    RoleGrant, SyncProgress, SyncStage, SyncStatus, SystemRole,
};
pub use approvals::{
    ApprovalAction, ApprovalActionKind, ApprovalCounts, ApprovalDetail, ApprovalForm, ApprovalList,
    ApprovalListQuery, ApprovalPage, ApprovalStatus, ApprovalSummary, BranchArm, ChosenNode,
    Created, Delegation, DelegationView, FieldType, FieldValue, FlowNode, FormDefinition,
    FormField, NodeType, RejectDefault, RuleSpec, RuleType, SeatState, SeatView, SelfApproval,
    SignMode, StepKind, StepView, SubmitApproval, TemplateDefinition, TemplateView, TimelineEntry,
    TimelineKind,
};
pub use audit::{
    AUDIT_ACTION_GROUPS, AUDIT_ACTIONS, AuditAnchor, AuditPage, AuditRow, AuditVerdict,
    AuditVerification, audit_action_label, audit_target_label,
};
pub use bundles::Bundle;
pub use directory::{DepartmentEntry, DirectoryEntry, Uploaded};
pub use error::{ApiError, ErrorCode};
pub use health::{Check, Readiness};
pub use me::{JsSdkKind, JsSdkSignature, Me};
pub use projects::{
    ContractStatus, ImportProblem, ImportReport, MemberRoleRequest, PersonRef, ProjectAction,
    ProjectInput, ProjectMemberView, ProjectPage, ProjectRole, ProjectStatus, ProjectView,
    ReassignmentKind, ReassignmentView, ResolveReassignment, ScheduleSettingsView,
};
pub use tasks::{
    CheckinRequest, CheckinView, CommentView, Crew, DailyReport, ExtensionRequest, Gantt, GanttBar,
    LinkKind, LinkView, NewComment, NewTaskRequest, TaskChanged, TaskStatus, TaskUpdate, TaskView,
    Weather,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// `code()` is what serde writes and reads, for every value of every enum.
    fn check<T>(all: &[T], code: impl Fn(&T) -> &'static str, label: impl Fn(&T) -> &'static str)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let mut codes = std::collections::BTreeSet::new();
        for value in all {
            let json = serde_json::to_string(value).expect("json");
            assert_eq!(json, format!("\"{}\"", code(value)));
            let back: T = serde_json::from_str(&json).expect("read back");
            assert_eq!(&back, value);
            assert!(!label(value).is_empty());
            assert!(codes.insert(code(value)), "duplicate code {}", code(value));
        }
    }

    macro_rules! check_all {
        ($($t:ty),+ $(,)?) => {
            $(check(<$t>::ALL, |v| v.code(), |v| v.label());)+
        };
    }

    #[test]
    fn every_code_is_its_serde_name() {
        check_all!(
            ApprovalStatus,
            ApprovalList,
            ApprovalActionKind,
            SeatState,
            StepKind,
            SignMode,
            TimelineKind,
            FieldType,
            NodeType,
            RuleType,
            RejectDefault,
            SelfApproval,
            TaskStatus,
            LinkKind,
            Weather,
            ProjectRole,
            ProjectAction,
            ProjectStatus,
            ContractStatus,
            ReassignmentKind,
            QueueName,
            SystemRole,
            SyncStage,
            DatabaseKind,
            CacheKind,
            AuditVerdict,
        );
    }

    #[test]
    fn a_template_definition_reads_and_writes_the_engine_json() {
        let json = serde_json::json!({
            "code": "t", "name": "模板",
            "form": {"fields": [
                {"key": "a", "label": "事由", "type": "text", "max_len": 20, "required": true},
                {"key": "b", "label": "天数", "type": "number", "required": false, "min": 0.5,
                 "max": 30.5},
                {"key": "c", "label": "照片", "type": "attachments", "max": 9, "required": false}
            ]},
            "flow": [
                {"type": "approve", "id": "n1", "name": "经理", "mode": "any",
                 "rule": {"type": "project_role", "role": "manager"},
                 "timeout": {"remind_after_hours": 24, "escalate_after_hours": null}},
                {"type": "branch", "id": "b", "arms": [{"when": {"type": "field", "key": "b",
                 "op": "gt", "value": 3}, "nodes": [{"type": "cc", "id": "n2", "name": "抄送",
                 "rule": {"type": "tag", "tag_id": 7}}]}]}
            ],
            "card_fields": ["a"],
            "on_reject": "end",
            "self_approval": "skip"
        });
        let typed: TemplateDefinition = serde_json::from_value(json.clone()).expect("reads");
        assert_eq!(typed.form.fields[0].kind, FieldType::Text);
        assert_eq!(typed.form.fields[0].max_len, Some(20));
        assert_eq!(typed.form.fields[2].max, Some(9.0));
        let rule = typed.flow[0].rule.as_ref().expect("rule");
        assert_eq!(rule.role, Some(ProjectRole::Manager));
        assert_eq!(
            serde_json::to_value(&typed).expect("json"),
            json,
            "every key kept; counts stay integers"
        );
        let bare: TemplateDefinition =
            serde_json::from_value(serde_json::json!({"code": "x", "name": "x",
                "form": {"fields": []}, "flow": []}))
            .expect("defaults");
        assert_eq!(bare.on_reject, RejectDefault::Initiator);
        assert_eq!(
            bare.self_approval,
            SelfApproval::Leader,
            "nobody decides their own"
        );
    }

    #[test]
    fn links_keep_their_upper_case_names() {
        assert_eq!(
            serde_json::to_string(&LinkKind::ALL).expect("json"),
            r#"["FS","SS","FF","SF"]"#
        );
        assert_eq!(LinkKind::from_code("SS"), Some(LinkKind::StartStart));
    }

    #[test]
    fn project_roles_read_as_people_say_them() {
        let labels: Vec<_> = ProjectRole::ALL.iter().map(|r| r.label()).collect();
        assert_eq!(
            labels,
            [
                "项目经理",
                "工程师",
                "安全员",
                "质检员",
                "施工员/班组长",
                "监理",
                "只读"
            ]
        );
        assert_eq!(
            serde_json::to_string(&ProjectRole::ReadOnly).expect("json"),
            r#""read_only""#
        );
    }

    #[test]
    fn a_task_view_carries_its_status_as_a_code() {
        let json = serde_json::json!({
            "id": 1, "project_id": 1, "parent_id": null, "title": "浇筑",
            "start": "2026-12-01", "finish": "2026-12-07", "days": 7, "progress": 50,
            "status": "doing", "owner": null, "helpers": [], "milestone": false,
            "summary": false, "overdue_days": 0
        });
        let task: TaskView = serde_json::from_value(json.clone()).expect("task");
        assert_eq!(task.status, TaskStatus::Doing);
        assert_eq!(serde_json::to_value(&task).expect("json"), json);
    }
}
