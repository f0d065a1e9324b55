//! Approvals: lists, detail, submission, actions, templates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

wire_enum! {
    /// Where an approval instance is.
    pub enum ApprovalStatus {
        /// Waiting for approvers.
        Pending = "pending" => "审批中",
        /// Rejected back to the initiator, who may resubmit or withdraw.
        Returned = "returned" => "已退回",
        /// Finished: approved.
        Approved = "approved" => "已通过",
        /// Finished: rejected.
        Rejected = "rejected" => "已驳回",
        /// Finished: withdrawn by the initiator.
        Withdrawn = "withdrawn" => "已撤回",
    }
}

wire_enum! {
    /// Which of the caller's approval lists (`GET /api/v1/approvals?list=…`).
    pub enum ApprovalList {
        /// Waiting for the caller's decision.
        Pending = "pending" => "待我审批",
        /// The caller acted on them.
        Done = "done" => "我已处理",
        /// The caller was copied.
        Cc = "cc" => "抄送我的",
        /// The caller submitted them.
        Mine = "mine" => "我发起的",
    }
}

wire_enum! {
    /// What a viewer may do to an instance now (the tag of [`ApprovalAction`]).
    pub enum ApprovalActionKind {
        /// 同意.
        Approve = "approve" => "同意",
        /// 驳回.
        Reject = "reject" => "驳回",
        /// 转交.
        Transfer = "transfer" => "转交",
        /// 加签.
        AddSigner = "add_signer" => "加签",
        /// 撤回.
        Withdraw = "withdraw" => "撤回",
        /// 催办.
        Remind = "remind" => "催办",
        /// 评论.
        Comment = "comment" => "评论",
        /// 重新提交.
        Resubmit = "resubmit" => "重新提交",
    }
}

wire_enum! {
    /// One approver's place in a step.
    pub enum SeatState {
        /// Not their turn yet.
        Waiting = "waiting" => "待处理",
        /// Their decision is wanted now.
        Pending = "pending" => "审批中",
        /// Approved.
        Approved = "approved" => "已同意",
        /// Rejected.
        Rejected = "rejected" => "已驳回",
        /// Handed to someone else (transfer or escalation).
        Passed = "passed" => "已转交",
        /// No longer needed: someone else decided the step.
        Skipped = "skipped" => "无需处理",
        /// A CC recipient, told.
        Copied = "copied" => "已抄送",
    }
}

wire_enum! {
    /// An approve or CC step.
    pub enum StepKind {
        /// Approvers decide.
        Approve = "approve" => "审批",
        /// Members are copied.
        Cc = "cc" => "抄送",
    }
}

wire_enum! {
    /// How the approvers of one step decide together.
    pub enum SignMode {
        /// 或签: the first decision is the step's.
        Any = "any" => "或签",
        /// 会签: everyone must approve.
        All = "all" => "会签",
        /// 依次审批: everyone, one after another.
        Sequential = "sequential" => "依次审批",
    }
}

wire_enum! {
    /// What a timeline entry records.
    pub enum TimelineKind {
        /// Submitted or resubmitted.
        Submitted = "submitted" => "提交",
        /// Approved.
        Approved = "approved" => "同意",
        /// Rejected.
        Rejected = "rejected" => "驳回",
        /// Handed their seat on.
        Transferred = "transferred" => "转交",
        /// Added a signer.
        SignerAdded = "signer_added" => "加签",
        /// Withdrawn by the initiator.
        Withdrawn = "withdrawn" => "撤回",
        /// 催办 sent.
        Reminded = "reminded" => "催办",
        /// A comment.
        Commented = "commented" => "评论",
        /// Recipients copied.
        Copied = "copied" => "抄送",
        /// A timed-out seat handed to the approver's leader.
        Escalated = "escalated" => "超时转交",
        /// The instance finished.
        Finished = "finished" => "结束",
    }
}

wire_enum! {
    /// What a form field holds: the `type` of a field in a template's `form.fields`, and
    /// [`FieldValue::kind`]. The one list of field types; the server maps the engine's
    /// field definitions onto it and the H5 draws forms and the template editor from it.
    pub enum FieldType {
        /// Free text (`max_len`).
        Text = "text" => "文本",
        /// A number (`min`, `max`).
        Number = "number" => "数字",
        /// An amount in fen, typed in 元.
        Money = "money" => "金额",
        /// A day.
        Date = "date" => "日期",
        /// Two days.
        DateRange = "date_range" => "日期区间",
        /// One of `options`.
        Select = "select" => "单选",
        /// Any of `options`.
        MultiSelect = "multi_select" => "多选",
        /// Members (`multiple`).
        Members = "members" => "成员",
        /// Departments (`multiple`).
        Departments = "departments" => "部门",
        /// A project.
        Project = "project" => "项目",
        /// Photos or files (`max`).
        Attachments = "attachments" => "照片/附件",
        /// The sum of money fields (`of`), computed by the server.
        Total = "total" => "合计",
    }
}

wire_enum! {
    /// The `type` of a node in a template's `flow`.
    pub enum NodeType {
        /// Approvers decide (`rule`, `mode`, `timeout`).
        Approve = "approve" => "审批",
        /// Members are copied (`rule`).
        Cc = "cc" => "抄送",
        /// Conditional branches (`arms`, `otherwise`).
        Branch = "branch" => "条件分支",
    }
}

wire_enum! {
    /// The `type` of a node's `rule`: who approves or is copied.
    pub enum RuleType {
        /// These members (`userids`).
        Members = "members" => "指定成员",
        /// The initiator's leader `level` levels up.
        Leader = "leader" => "上级领导",
        /// Every leader up to `levels`.
        LeaderChain = "leader_chain" => "逐级领导",
        /// Holders of a `role` in the form's project.
        ProjectRole = "project_role" => "项目角色",
        /// Picked by the initiator on submit (自选).
        Chosen = "chosen" => "发起人自选",
        /// Members with the finance role.
        Finance = "finance" => "财务",
        /// Members of a WeCom tag (`tag_id`).
        Tag = "tag" => "标签成员",
    }
}

wire_enum! {
    /// A template's `on_reject`: where 驳回 without a target sends the instance.
    pub enum RejectDefault {
        /// Back to the initiator.
        Initiator = "initiator" => "退回发起人",
        /// The instance ends rejected.
        End = "end" => "直接结束",
    }
}

/// `GET /api/v1/approvals` query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalListQuery {
    /// Which list; [`ApprovalList::Pending`] when absent.
    #[serde(default)]
    pub list: Option<ApprovalList>,
    /// Only this template code.
    #[serde(default)]
    pub template: Option<String>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<ApprovalStatus>,
    /// Ids below this one (the previous page's `next_before`).
    #[serde(default)]
    pub before: Option<i64>,
    /// Page size, 1–100 (20 when absent).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One line of an approval list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalSummary {
    /// Id.
    pub id: i64,
    /// Template code.
    pub template: String,
    /// e.g. 张三的材料采购申请.
    pub title: String,
    /// Who submitted.
    pub initiator: String,
    /// Status.
    pub status: ApprovalStatus,
    /// When submitted, unix ms.
    pub submitted_at_ms: i64,
    /// Last change, unix ms.
    pub updated_at_ms: i64,
}

/// A page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPage {
    /// The lines.
    pub items: Vec<ApprovalSummary>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<i64>,
}

/// How many each list holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalCounts {
    /// 待我审批.
    pub pending: i64,
    /// 我已处理.
    pub done: i64,
    /// 抄送我的.
    pub cc: i64,
    /// 我发起的.
    pub mine: i64,
}

/// One filled-in field, labelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Field type.
    pub kind: FieldType,
    /// Value as submitted (money in fen).
    pub value: Value,
}

/// One approver or CC recipient of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatView {
    /// UserID.
    pub userid: String,
    /// Name.
    pub name: String,
    /// Their state.
    pub state: SeatState,
    /// Acting for (delegation).
    pub on_behalf_of: Option<String>,
}

/// One step of the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    /// Name.
    pub name: String,
    /// Approve or CC.
    pub kind: StepKind,
    /// How approvers decide, for approve steps.
    pub mode: Option<SignMode>,
    /// Who.
    pub seats: Vec<SeatView>,
    /// Fallback approvers stand in.
    pub fallback: bool,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When, unix ms.
    pub at_ms: i64,
    /// Who (`system` for timeouts).
    pub actor: String,
    /// Their name.
    pub actor_name: String,
    /// What happened.
    pub kind: TimelineKind,
    /// Comment or reason.
    pub comment: Option<String>,
    /// Attachment ids.
    pub attachments: Vec<String>,
}

/// An instance as the H5 shows it, with what the viewer may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalDetail {
    /// Id.
    pub id: i64,
    /// Template code.
    pub template: String,
    /// Template name.
    pub template_name: String,
    /// List line.
    pub title: String,
    /// Status.
    pub status: ApprovalStatus,
    /// Who submitted.
    pub initiator: String,
    /// 1, then one more per resubmission.
    pub round: u32,
    /// The form.
    pub fields: Vec<FieldValue>,
    /// The flow of this round.
    pub steps: Vec<StepView>,
    /// The current step.
    pub current: usize,
    /// Everything that happened.
    pub timeline: Vec<TimelineEntry>,
    /// Actions the viewer may take now.
    pub can: Vec<ApprovalActionKind>,
}

/// A new submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitApproval {
    /// Template code.
    pub template: String,
    /// Field values by key (money in fen).
    pub form: BTreeMap<String, Value>,
    /// Members picked for 自选 nodes, by node id.
    #[serde(default)]
    pub chosen: BTreeMap<String, Vec<String>>,
}

/// The id of what was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// Id.
    pub id: i64,
}

/// An action on an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ApprovalAction {
    /// 同意.
    Approve {
        /// Optional comment.
        #[serde(default)]
        comment: Option<String>,
    },
    /// 驳回: to the initiator (default), to an earlier step, or ending it.
    Reject {
        /// Why.
        #[serde(default)]
        reason: Option<String>,
        /// Earlier step index to go back to.
        #[serde(default)]
        to_step: Option<usize>,
        /// End the instance instead of returning it.
        #[serde(default)]
        end: bool,
    },
    /// 转交.
    Transfer {
        /// To whom.
        to: String,
        /// Optional comment.
        #[serde(default)]
        comment: Option<String>,
    },
    /// 加签.
    AddSigner {
        /// Whom.
        who: String,
        /// Before the actor (else after).
        #[serde(default)]
        before: bool,
        /// Optional comment.
        #[serde(default)]
        comment: Option<String>,
    },
    /// 撤回.
    Withdraw,
    /// 催办.
    Remind,
    /// Comment with attachments.
    Comment {
        /// Text.
        text: String,
        /// Attachment ids.
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// Resubmit a returned instance with a changed form.
    Resubmit {
        /// Field values.
        form: BTreeMap<String, Value>,
        /// 自选 members.
        #[serde(default)]
        chosen: BTreeMap<String, Vec<String>>,
    },
}

impl ApprovalAction {
    /// Which action this is.
    pub fn kind(&self) -> ApprovalActionKind {
        match self {
            Self::Approve { .. } => ApprovalActionKind::Approve,
            Self::Reject { .. } => ApprovalActionKind::Reject,
            Self::Transfer { .. } => ApprovalActionKind::Transfer,
            Self::AddSigner { .. } => ApprovalActionKind::AddSigner,
            Self::Withdraw => ApprovalActionKind::Withdraw,
            Self::Remind => ApprovalActionKind::Remind,
            Self::Comment { .. } => ApprovalActionKind::Comment,
            Self::Resubmit { .. } => ApprovalActionKind::Resubmit,
        }
    }
}

/// A template as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Offered to initiators.
    pub enabled: bool,
    /// Bumped on every change.
    pub version: i64,
    /// The whole definition as the engine reads it: `code`, `name`, `form.fields` (each
    /// `key`, `label`, `required` and a [`FieldType`] `type` with its settings), `flow`
    /// (nodes with a [`NodeType`] `type`, a [`RuleType`] `rule.type`, a [`SignMode`]
    /// `mode`), `card_fields` and a [`RejectDefault`] `on_reject`. Kept as JSON: the
    /// editor passes through what it does not draw (branch conditions, timeouts), and a
    /// typed tagged/flattened schema would cost the field app ~18 KB of wasm.
    pub definition: Value,
}

/// Out of office: while away, new approval seats go to `delegate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    /// Who approves instead (a current member, not oneself).
    pub delegate: String,
    /// From, unix ms.
    pub from_ms: i64,
    /// Until (exclusive), unix ms.
    pub until_ms: i64,
}
