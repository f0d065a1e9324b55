//! Approvals: lists, detail, submission, actions, templates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// `pending`, `returned`, `approved`, `rejected`, `withdrawn`.
    pub status: String,
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
    /// Field type (`text`, `money`, …).
    pub kind: String,
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
    /// `waiting`, `pending`, `approved`, `rejected`, `passed`, `skipped`, `copied`.
    pub state: String,
    /// Acting for (delegation).
    pub on_behalf_of: Option<String>,
}

/// One step of the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    /// Name.
    pub name: String,
    /// `approve` or `cc`.
    pub kind: String,
    /// `any`, `all`, `sequential` for approve steps.
    pub mode: Option<String>,
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
    /// What happened (`submitted`, `approved`, `rejected`, …).
    pub kind: String,
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
    /// Status code.
    pub status: String,
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
    /// Actions the viewer may take now: `approve`, `reject`, `transfer`, `add_signer`,
    /// `withdraw`, `remind`, `comment`, `resubmit`.
    pub can: Vec<String>,
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
    /// The whole definition (form and flow), as the engine reads it.
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
