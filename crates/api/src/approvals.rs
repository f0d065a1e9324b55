//! Approvals: lists, detail, submission, actions, templates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ProjectRole;

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
        /// The initiator was an approver of a step and the template's rule applied.
        SelfApproval = "self_approval" => "发起人自审",
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
    /// A template's `self_approval`: what happens when the initiator resolves as one of
    /// a step's approvers.
    pub enum SelfApproval {
        /// Their seat goes to their leader (the admins when they have none).
        Leader = "leader" => "转交发起人的上级审批",
        /// Their seat is dropped; a step left with nobody is passed over.
        Skip = "skip" => "跳过发起人",
        /// They decide their own request (opt-in).
        Allow = "allow" => "允许发起人自己审批",
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
    /// When the viewer may resubmit ([`ApprovalActionKind::Resubmit`] in `can`): the form
    /// to fix, as the template version the request was filed under has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resubmit_form: Option<ApprovalForm>,
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
    /// The whole definition, as the engine reads it.
    pub definition: TemplateDefinition,
}

/// An approval template: what `PUT /api/v1/approval-templates/{code}` takes and
/// [`TemplateView::definition`] carries. The JSON is the engine's own; every key of it is
/// named here (plain structs with optional settings, no tagged enums: cheap in wasm), so a
/// stored definition reads into this and back losslessly (the server tests it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateDefinition {
    /// Stable code, e.g. `purchase`.
    pub code: String,
    /// Chinese name, e.g. 材料采购申请.
    pub name: String,
    /// The form.
    pub form: FormDefinition,
    /// The flow, top to bottom.
    pub flow: Vec<FlowNode>,
    /// Form keys shown on the approver's card.
    #[serde(default)]
    pub card_fields: Vec<String>,
    /// What 驳回 does without a target.
    #[serde(default = "reject_to_initiator")]
    pub on_reject: RejectDefault,
    /// When the initiator resolves as an approver.
    #[serde(default = "self_approval_to_leader")]
    pub self_approval: SelfApproval,
}

fn reject_to_initiator() -> RejectDefault {
    RejectDefault::Initiator
}

fn self_approval_to_leader() -> SelfApproval {
    SelfApproval::Leader
}

/// A template's form: fields in display order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// The fields.
    pub fields: Vec<FormField>,
}

/// One field of a template's form: its [`FieldType`] and that type's settings, each
/// present only for the types that take it (the server checks the combination).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// Key in the values map; unique in the form.
    pub key: String,
    /// Label.
    pub label: String,
    /// What it holds.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Must be filled in.
    #[serde(default)]
    pub required: bool,
    /// [`FieldType::Text`]: longest text, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    /// [`FieldType::Number`]: smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// [`FieldType::Number`]: largest value; [`FieldType::Attachments`]: most files.
    /// Whole numbers are written as JSON integers (a count must read as one).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "whole_as_integer"
    )]
    pub max: Option<f64>,
    /// [`FieldType::Select`], [`FieldType::MultiSelect`]: the choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// [`FieldType::Members`], [`FieldType::Departments`]: more than one allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<bool>,
    /// [`FieldType::Total`]: the money fields added up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Vec<String>>,
}

impl FormField {
    /// A field of `kind` with no settings.
    pub fn new(key: &str, label: &str, kind: FieldType) -> Self {
        Self {
            key: key.to_owned(),
            label: label.to_owned(),
            kind,
            required: false,
            max_len: None,
            min: None,
            max: None,
            options: None,
            multiple: None,
            of: None,
        }
    }
}

fn whole_as_integer<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    // ±2^53: every integer up to it is exact in an f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match *v {
        // Whole and within ±2^53, so the cast is exact.
        Some(n) if n.fract() == 0.0 && n.abs() <= EXACT => s.serialize_i64(n as i64),
        Some(n) => s.serialize_f64(n),
        None => s.serialize_none(),
    }
}

/// One node of a template's flow: its [`NodeType`] and that type's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowNode {
    /// What the node is.
    #[serde(rename = "type")]
    pub kind: NodeType,
    /// Unique in the template.
    pub id: String,
    /// Approve and CC nodes: shown in the timeline and on cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Approve and CC nodes: who.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleSpec>,
    /// Approve nodes: how the approvers decide together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<SignMode>,
    /// Approve nodes: reminders and escalation
    /// (`{"remind_after_hours", "escalate_after_hours"}`), passed through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Value>,
    /// Branch nodes: the arms, in order; the first whose condition holds is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arms: Option<Vec<BranchArm>>,
    /// Branch nodes: taken when no arm is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub otherwise: Vec<FlowNode>,
}

/// One arm of a branch node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchArm {
    /// When to take it: the engine's condition (a field compared with a value, the
    /// initiator's department, the project, and all/any/not of those), passed through.
    pub when: Value,
    /// What follows.
    pub nodes: Vec<FlowNode>,
}

/// Who approves (or is copied) at a node: its [`RuleType`] and that type's setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Which rule.
    #[serde(rename = "type")]
    pub kind: RuleType,
    /// [`RuleType::Members`]: UserIDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userids: Option<Vec<String>>,
    /// [`RuleType::Leader`]: levels up, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// [`RuleType::LeaderChain`]: the highest level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<u8>,
    /// [`RuleType::ProjectRole`]: the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ProjectRole>,
    /// [`RuleType::Tag`]: the WeCom tag id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_id: Option<i64>,
    /// [`RuleType::Chosen`]: whom the initiator may pick from; anyone when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub among: Option<Box<RuleSpec>>,
    /// [`RuleType::Chosen`]: how many they may pick (20 when absent, at most
    /// [`crate::limits::CHOSEN_PER_NODE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u8>,
}

impl RuleSpec {
    /// A rule of `kind` with no setting.
    pub fn new(kind: RuleType) -> Self {
        Self {
            kind,
            userids: None,
            level: None,
            levels: None,
            role: None,
            tag_id: None,
            among: None,
            max: None,
        }
    }
}

/// A template as an initiator fills it in (`GET /api/v1/approval-forms`): its fields and
/// the nodes whose approvers they pick. The flow itself (who approves) is shown only to
/// those who manage templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalForm {
    /// Template code.
    pub code: String,
    /// Name, e.g. 材料采购申请.
    pub name: String,
    /// The form's fields, in display order.
    pub fields: Vec<FormField>,
    /// Nodes whose approvers the initiator picks (自选), in flow order, branches included.
    pub chosen: Vec<ChosenNode>,
}

/// An approval node the initiator staffs (自选).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenNode {
    /// Node id (the key of `SubmitApproval::chosen`).
    pub id: String,
    /// Shown as the picker's label.
    pub name: String,
    /// How many may be picked.
    pub max: u8,
}

/// A delegation not yet over (`GET /api/v1/approval-delegation` lists the caller's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationView {
    /// Who approves instead.
    pub delegate: crate::PersonRef,
    /// From, unix ms.
    pub from_ms: i64,
    /// Until (exclusive), unix ms.
    pub until_ms: i64,
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
