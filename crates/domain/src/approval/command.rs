//! Commands to an instance and what comes back: the action asked, the effects the
//! server carries out, and why a command was refused.

use serde::{Deserialize, Serialize};

use super::flow::PlannedStep;
use super::form::FormValues;
use super::instance::Status;

/// What a command asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// 同意.
    Approve {
        /// Optional comment.
        comment: Option<String>,
    },
    /// 驳回, to the template's default, the initiator, an earlier step, or the end.
    Reject {
        /// Why (a default is recorded when empty).
        reason: Option<String>,
        /// Where to: `None` is the template's default.
        to: Option<RejectTo>,
    },
    /// 转交 the actor's seat.
    Transfer {
        /// The new approver.
        to: String,
        /// Optional comment.
        comment: Option<String>,
    },
    /// 加签.
    AddSigner {
        /// The signer.
        who: String,
        /// Before the actor (else after: the actor approves now).
        before: bool,
        /// Optional comment.
        comment: Option<String>,
    },
    /// 撤回 by the initiator until someone acted (or while returned to them).
    Withdraw,
    /// 催办 by the initiator, at most once per [`super::instance::REMIND_INTERVAL_MS`].
    Remind,
    /// A comment with attachments.
    Comment {
        /// Text.
        text: String,
        /// Attachment ids.
        attachments: Vec<String>,
    },
    /// Resubmission of a returned instance with a new form and freshly planned steps.
    Resubmit {
        /// The validated form.
        form: FormValues,
        /// The new plan.
        steps: Vec<PlannedStep>,
    },
    /// Timeout check (system): reminds and asks for escalations that are due.
    Tick,
    /// Hands a timed-out seat to `to` (system, after [`Effect::EscalationDue`]).
    Escalate {
        /// The approver who did not act.
        from: String,
        /// Their leader.
        to: String,
    },
}

/// Where a rejection sends the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "step", rename_all = "snake_case")]
pub enum RejectTo {
    /// The initiator, who may resubmit.
    Initiator,
    /// An earlier approve step, by index.
    Step(usize),
    /// The end: finished, rejected.
    End,
}

/// What the server must do after a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Send these approvers the decision card for `step`.
    AskApprovers {
        /// The step.
        step: usize,
        /// Who.
        userids: Vec<String>,
    },
    /// Close these approvers' cards (already decided, transferred, withdrawn, …) with
    /// `note`, e.g. 已由 张三 同意.
    CloseCards {
        /// The step.
        step: usize,
        /// Whose cards.
        userids: Vec<String>,
        /// What the closed card says happened.
        note: CardNote,
    },
    /// Tell CC recipients.
    Copy {
        /// Who.
        userids: Vec<String>,
    },
    /// Tell the initiator the instance finished or came back to them.
    TellInitiator {
        /// The new status.
        status: Status,
    },
    /// Remind pending approvers (催办 or timeout).
    Remind {
        /// Who.
        userids: Vec<String>,
    },
    /// A seat timed out: the server finds the approver's leader and sends
    /// [`Action::Escalate`].
    EscalationDue {
        /// The approver.
        userid: String,
    },
}

/// What a closed card says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CardNote {
    /// The card holder approved.
    YouApproved,
    /// The card holder rejected.
    YouRejected,
    /// Someone else decided the step.
    DecidedBy {
        /// Who.
        userid: String,
        /// Approved (else rejected).
        approved: bool,
    },
    /// The seat went to someone else.
    PassedTo {
        /// Who.
        userid: String,
    },
    /// The initiator withdrew.
    Withdrawn,
    /// The instance went back (rejected elsewhere).
    Returned,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The instance has finished.
    #[error("审批已结束")]
    Finished,
    /// The actor is not a pending approver of the current step.
    #[error("你不是当前节点的待审批人")]
    NotPendingApprover,
    /// Only the initiator may do this.
    #[error("只有发起人可以这样做")]
    NotInitiator,
    /// Not in this state (withdraw after someone acted, resubmit while pending, …).
    #[error("{0}")]
    NotNow(&'static str),
    /// Allowed, but not again so soon (催办 has a minimum interval).
    #[error("{0}")]
    TooSoon(&'static str),
    /// Bad target (transfer to oneself, reject to a later step, …).
    #[error("{0}")]
    Invalid(&'static str),
}

/// What a command did: the effects to carry out, or nothing when it repeated an action
/// already taken (a double tap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Applied.
    Applied(Vec<Effect>),
    /// Already so; nothing changed.
    AlreadyDone,
}
