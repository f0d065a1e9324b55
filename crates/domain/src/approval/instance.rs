//! An approval instance as a state machine: [`Instance::start`] from planned steps, then
//! [`Instance::act`] for every command (see `command`). Each call checks the actor may
//! do it, changes the state, appends to the timeline and returns the [`Effect`]s the
//! server turns into cards, card updates and messages (through the outbox). A finished instance refuses
//! every command and never changes.

use serde::{Deserialize, Serialize};

use super::command::{Action, ActionError, CardNote, Effect, Outcome, RejectTo};
use super::flow::{PlannedStep, RejectDefault, SignMode, StepKind, Timeout};
use super::form::FormValues;
use super::initiator::SelfApprovalNote;

/// Least time between two 催办 of one instance.
pub const REMIND_INTERVAL_MS: i64 = 30 * 60 * 1000;
/// A reason recorded for a rejection without one (a card's 驳回 button).
pub const DEFAULT_REJECT_REASON: &str = "驳回（从企业微信卡片）";

/// Where an instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for approvers.
    Pending,
    /// Rejected back to the initiator, who may resubmit or withdraw.
    Returned,
    /// Finished: every approve step approved.
    Approved,
    /// Finished: rejected.
    Rejected,
    /// Finished: withdrawn by the initiator.
    Withdrawn,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 5] = [
        Self::Pending,
        Self::Returned,
        Self::Approved,
        Self::Rejected,
        Self::Withdrawn,
    ];

    /// The stored and wire name (as serde writes it).
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Returned => "returned",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The status named `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Finished instances never change again.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Approved | Self::Rejected | Self::Withdrawn)
    }
}

/// One approver's place in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatState {
    /// Not their turn yet (sequential, or a signer added before them).
    Waiting,
    /// Their decision is wanted now.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Handed to someone else (transfer or escalation).
    Passed,
    /// No longer needed: someone else decided the step.
    Skipped,
    /// A CC recipient, told.
    Copied,
}

/// One approver in a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    /// Who.
    pub userid: String,
    /// Their state.
    pub state: SeatState,
    /// Whom they act for (delegation), if anyone.
    pub on_behalf_of: Option<String>,
    /// When their current state began, unix ms (pending since, for timeouts).
    pub since_ms: i64,
    /// Reminded by the timeout already.
    pub reminded: bool,
    /// Escalated by the timeout already.
    pub escalated: bool,
}

/// A concrete step of this instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The template node (or `add:<n>` for an added signer).
    pub node_id: String,
    /// Shown in the timeline.
    pub name: String,
    /// Approve with a mode, or CC.
    pub kind: StepKind,
    /// The approvers or recipients, in order.
    pub seats: Vec<Seat>,
    /// Fallback approvers stand in.
    pub fallback: bool,
    /// Reminders and escalation.
    pub timeout: Option<Timeout>,
    /// What the self-approval rule did here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_approval: Option<SelfApprovalNote>,
}

impl Step {
    fn mode(&self) -> Option<SignMode> {
        match self.kind {
            StepKind::Approve(mode) => Some(mode),
            StepKind::Cc => None,
        }
    }

    fn pending(&self) -> impl Iterator<Item = &Seat> {
        self.seats.iter().filter(|s| s.state == SeatState::Pending)
    }

    fn pending_seat(&self, userid: &str) -> Option<usize> {
        self.seats
            .iter()
            .position(|s| s.userid == userid && s.state == SeatState::Pending)
    }

    /// Every seat that must approve has (Passed and Skipped seats count as done).
    fn all_approved(&self) -> bool {
        self.seats.iter().all(|s| {
            matches!(
                s.state,
                SeatState::Approved | SeatState::Passed | SeatState::Skipped
            )
        })
    }
}

/// What happened, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntryKind {
    /// Submitted (round 1) or resubmitted.
    Submitted {
        /// 1 for the first submission.
        round: u32,
    },
    /// Approved a step (or their seat of it).
    Approved,
    /// Rejected: to the initiator, to an earlier step, or ending the instance.
    Rejected {
        /// The step it went back to, when it did.
        back_to: Option<usize>,
    },
    /// Handed their seat to `to`.
    Transferred {
        /// The new approver.
        to: String,
    },
    /// Added a signer before or after themself.
    SignerAdded {
        /// The signer.
        who: String,
        /// Before the actor (the actor decides after them).
        before: bool,
    },
    /// Withdrawn by the initiator.
    Withdrawn,
    /// 催办 sent to the pending approvers.
    Reminded {
        /// Who was reminded.
        to: Vec<String>,
    },
    /// A comment.
    Commented,
    /// Recipients copied.
    Copied {
        /// Who.
        to: Vec<String>,
    },
    /// A timed-out seat handed to the approver's leader.
    Escalated {
        /// From whom.
        from: String,
        /// To whom.
        to: String,
    },
    /// The instance finished.
    Finished {
        /// How.
        status: Status,
    },
    /// The initiator resolved as an approver of this step and the template's
    /// self-approval rule applied.
    SelfApproval {
        /// What it did.
        note: SelfApprovalNote,
    },
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When, unix ms.
    pub at_ms: i64,
    /// Who (`system` for timeouts).
    pub actor: String,
    /// The step it concerns, if any.
    pub step: Option<usize>,
    /// What.
    #[serde(flatten)]
    pub kind: EntryKind,
    /// Comment or reason.
    pub comment: Option<String>,
    /// Attachment ids.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Who finds an instance in which list (see [`Instance::listed`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    /// Pending approvers.
    pub pending: std::collections::BTreeSet<String>,
    /// Those who acted.
    pub done: std::collections::BTreeSet<String>,
    /// CC recipients.
    pub cc: std::collections::BTreeSet<String>,
}

/// Who acts for the system (timeouts, escalation).
pub const SYSTEM: &str = "system";

/// An approval instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Template code.
    pub template: String,
    /// Who submitted.
    pub initiator: String,
    /// The validated form.
    pub form: FormValues,
    /// Where it is.
    pub status: Status,
    /// The steps of the current round.
    pub steps: Vec<Step>,
    /// Index of the current step (== `steps.len()` once past the last).
    pub current: usize,
    /// 1, then one more per resubmission.
    pub round: u32,
    /// What 驳回 without a target does.
    pub on_reject: RejectDefault,
    /// Everything that happened, oldest first.
    pub timeline: Vec<Entry>,
}

impl Instance {
    /// A new instance from a plan: the first approve step asked, CC steps before it
    /// copied. A plan without approve steps finishes approved at once.
    pub fn start(
        template: &str,
        initiator: &str,
        form: FormValues,
        steps: Vec<PlannedStep>,
        on_reject: RejectDefault,
        now_ms: i64,
    ) -> (Self, Vec<Effect>) {
        let mut instance = Self {
            template: template.to_owned(),
            initiator: initiator.to_owned(),
            form,
            status: Status::Pending,
            steps: Vec::new(),
            current: 0,
            round: 1,
            on_reject,
            timeline: Vec::new(),
        };
        let effects = instance.begin_round(steps, now_ms);
        (instance, effects)
    }

    fn begin_round(&mut self, steps: Vec<PlannedStep>, now_ms: i64) -> Vec<Effect> {
        self.steps = steps.into_iter().map(|p| step_of(p, now_ms)).collect();
        self.status = Status::Pending;
        self.current = 0;
        let actor = self.initiator.clone();
        self.log(
            now_ms,
            &actor,
            None,
            EntryKind::Submitted { round: self.round },
            None,
        );
        let notes: Vec<(usize, SelfApprovalNote)> = self
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, step)| step.self_approval.clone().map(|note| (i, note)))
            .collect();
        for (i, note) in notes {
            self.log(
                now_ms,
                SYSTEM,
                Some(i),
                EntryKind::SelfApproval { note },
                None,
            );
        }
        let mut effects = Vec::new();
        self.enter(0, now_ms, &mut effects);
        effects
    }

    /// Who finds this instance in which list: 待我审批 (pending), 我已处理 (done: decided,
    /// transferred or added a signer), 抄送我的 (copied).
    pub fn listed(&self) -> Listed {
        let done = self
            .timeline
            .iter()
            .filter(|e| {
                e.actor != SYSTEM
                    && matches!(
                        e.kind,
                        EntryKind::Approved
                            | EntryKind::Rejected { .. }
                            | EntryKind::Transferred { .. }
                            | EntryKind::SignerAdded { .. }
                    )
            })
            .map(|e| e.actor.clone())
            .collect();
        let cc = self
            .steps
            .iter()
            .flat_map(|s| &s.seats)
            .filter(|seat| seat.state == SeatState::Copied)
            .map(|seat| seat.userid.clone())
            .collect();
        Listed {
            pending: self.pending_approvers().into_iter().collect(),
            done,
            cc,
        }
    }

    /// When the next reminder or escalation falls due, if any: the timeout sweep reads
    /// only instances whose time has come.
    pub fn next_timeout_ms(&self) -> Option<i64> {
        if self.status != Status::Pending {
            return None;
        }
        let step = self.steps.get(self.current)?;
        let timeout = step.timeout?;
        let hours = |h: u32| i64::from(h) * 3_600_000;
        step.pending()
            .flat_map(|seat| {
                let remind =
                    (!seat.reminded).then(|| seat.since_ms + hours(timeout.remind_after_hours));
                let escalate = timeout
                    .escalate_after_hours
                    .filter(|_| !seat.escalated)
                    .map(|h| seat.since_ms + hours(h));
                remind.into_iter().chain(escalate)
            })
            .min()
    }

    /// Pending approvers of the current step.
    pub fn pending_approvers(&self) -> Vec<String> {
        if self.status != Status::Pending {
            return Vec::new();
        }
        self.steps
            .get(self.current)
            .map(|s| s.pending().map(|seat| seat.userid.clone()).collect())
            .unwrap_or_default()
    }

    /// Applies a command by `actor` at `now_ms`.
    pub fn act(
        &mut self,
        actor: &str,
        action: Action,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        if self.status.is_finished() {
            return Err(ActionError::Finished);
        }
        match action {
            Action::Approve { comment } => self.approve(actor, comment, now_ms),
            Action::Reject { reason, to } => self.reject(actor, reason, to, now_ms),
            Action::Transfer { to, comment } => self.transfer(actor, &to, comment, now_ms),
            Action::AddSigner {
                who,
                before,
                comment,
            } => self.add_signer(actor, &who, before, comment, now_ms),
            Action::Withdraw => self.withdraw(actor, now_ms),
            Action::Remind => self.remind(actor, now_ms),
            Action::Comment { text, attachments } => {
                let text = text.trim().to_owned();
                if text.is_empty() && attachments.is_empty() {
                    return Err(ActionError::Invalid("评论不能为空"));
                }
                self.timeline.push(Entry {
                    at_ms: now_ms,
                    actor: actor.to_owned(),
                    step: None,
                    kind: EntryKind::Commented,
                    comment: Some(text).filter(|t| !t.is_empty()),
                    attachments,
                });
                Ok(Outcome::Applied(Vec::new()))
            }
            Action::Resubmit { form, steps } => self.resubmit(actor, form, steps, now_ms),
            Action::Tick => {
                let effects = self.tick(now_ms);
                // Nothing due changes nothing: the caller need not save.
                Ok(if effects.is_empty() {
                    Outcome::AlreadyDone
                } else {
                    Outcome::Applied(effects)
                })
            }
            Action::Escalate { from, to } => self.escalate(actor, &from, &to, now_ms),
        }
    }

    fn approve(
        &mut self,
        actor: &str,
        comment: Option<String>,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        let step = self.current;
        let seat = self.own_pending_seat(actor)?;
        let Some(seat) = seat else {
            return Ok(Outcome::AlreadyDone);
        };
        let mut effects = Vec::new();
        self.set_seat(step, seat, SeatState::Approved, now_ms);
        self.log(now_ms, actor, Some(step), EntryKind::Approved, comment);
        effects.push(close(step, vec![actor.to_owned()], CardNote::YouApproved));
        let s = &mut self.steps[step];
        let done = match s.mode() {
            Some(SignMode::Any) => true,
            Some(SignMode::All) => s.all_approved(),
            Some(SignMode::Sequential) => {
                match s.seats.iter().position(|x| x.state == SeatState::Waiting) {
                    Some(next) => {
                        s.seats[next].state = SeatState::Pending;
                        s.seats[next].since_ms = now_ms;
                        effects.push(Effect::AskApprovers {
                            step,
                            userids: vec![s.seats[next].userid.clone()],
                        });
                        false
                    }
                    None => true,
                }
            }
            None => true,
        };
        if done {
            let others = self.skip_pending(step, now_ms);
            if !others.is_empty() {
                effects.push(close(
                    step,
                    others,
                    CardNote::DecidedBy {
                        userid: actor.to_owned(),
                        approved: true,
                    },
                ));
            }
            self.enter(step + 1, now_ms, &mut effects);
        }
        Ok(Outcome::Applied(effects))
    }

    fn reject(
        &mut self,
        actor: &str,
        reason: Option<String>,
        to: Option<RejectTo>,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        let step = self.current;
        let Some(seat) = self.own_pending_seat(actor)? else {
            return Ok(Outcome::AlreadyDone);
        };
        let to = to.unwrap_or(match self.on_reject {
            RejectDefault::Initiator => RejectTo::Initiator,
            RejectDefault::End => RejectTo::End,
        });
        if let RejectTo::Step(back) = to
            && (back >= step || !matches!(self.steps[back].kind, StepKind::Approve(_)))
        {
            return Err(ActionError::Invalid("只能退回到之前的审批节点"));
        }
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| DEFAULT_REJECT_REASON.to_owned());
        self.set_seat(step, seat, SeatState::Rejected, now_ms);
        let back_to = match to {
            RejectTo::Step(back) => Some(back),
            _ => None,
        };
        self.log(
            now_ms,
            actor,
            Some(step),
            EntryKind::Rejected { back_to },
            Some(reason),
        );
        let mut effects = vec![close(step, vec![actor.to_owned()], CardNote::YouRejected)];
        let others = self.skip_pending(step, now_ms);
        if !others.is_empty() {
            effects.push(close(
                step,
                others,
                CardNote::DecidedBy {
                    userid: actor.to_owned(),
                    approved: false,
                },
            ));
        }
        match to {
            RejectTo::End => self.finish(Status::Rejected, now_ms, &mut effects),
            RejectTo::Initiator => {
                self.status = Status::Returned;
                effects.push(Effect::TellInitiator {
                    status: Status::Returned,
                });
            }
            RejectTo::Step(back) => {
                // Every step from `back` on is decided again.
                for s in &mut self.steps[back..=step] {
                    for seat in &mut s.seats {
                        if seat.state != SeatState::Passed {
                            seat.state = SeatState::Waiting;
                        }
                    }
                }
                self.enter(back, now_ms, &mut effects);
            }
        }
        Ok(Outcome::Applied(effects))
    }

    fn transfer(
        &mut self,
        actor: &str,
        to: &str,
        comment: Option<String>,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        let step = self.current;
        let Some(seat) = self.own_pending_seat(actor)? else {
            return Err(ActionError::NotPendingApprover);
        };
        self.check_newcomer(step, to)?;
        let effects = self.hand_over(seat, actor, to, now_ms);
        self.log(
            now_ms,
            actor,
            Some(step),
            EntryKind::Transferred { to: to.to_owned() },
            comment,
        );
        Ok(Outcome::Applied(effects))
    }

    fn add_signer(
        &mut self,
        actor: &str,
        who: &str,
        before: bool,
        comment: Option<String>,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        let step = self.current;
        let Some(seat) = self.own_pending_seat(actor)? else {
            return Err(ActionError::NotPendingApprover);
        };
        self.check_newcomer(step, who)?;
        let added = Step {
            node_id: format!("add:{}", self.steps.len()),
            name: "加签".into(),
            kind: StepKind::Approve(SignMode::Any),
            seats: vec![new_seat(who, None, SeatState::Waiting, now_ms)],
            fallback: false,
            timeout: self.steps[step].timeout,
            self_approval: None,
        };
        self.log(
            now_ms,
            actor,
            Some(step),
            EntryKind::SignerAdded {
                who: who.to_owned(),
                before,
            },
            comment,
        );
        let mut effects = Vec::new();
        if before {
            // The signer decides first; then the actor's step is asked again.
            self.set_seat(step, seat, SeatState::Waiting, now_ms);
            let others = self.wait_pending(step);
            let mut closed = vec![actor.to_owned()];
            closed.extend(others);
            effects.push(close(
                step,
                closed,
                CardNote::PassedTo {
                    userid: who.to_owned(),
                },
            ));
            self.steps.insert(step, added);
            self.enter(step, now_ms, &mut effects);
        } else {
            // The actor approves now; the signer decides after this step.
            self.steps.insert(step + 1, added);
            match self.approve(actor, None, now_ms)? {
                Outcome::Applied(more) => effects.extend(more),
                Outcome::AlreadyDone => {}
            }
        }
        Ok(Outcome::Applied(effects))
    }

    fn withdraw(&mut self, actor: &str, now_ms: i64) -> Result<Outcome, ActionError> {
        if actor != self.initiator {
            return Err(ActionError::NotInitiator);
        }
        if self.status == Status::Pending && self.anyone_acted() {
            return Err(ActionError::NotNow("已有人处理，不能撤回"));
        }
        let step = self.current;
        let pending = self.skip_pending(step, now_ms);
        self.log(now_ms, actor, None, EntryKind::Withdrawn, None);
        let mut effects = Vec::new();
        if !pending.is_empty() {
            effects.push(close(step, pending, CardNote::Withdrawn));
        }
        self.finish(Status::Withdrawn, now_ms, &mut effects);
        Ok(Outcome::Applied(effects))
    }

    fn remind(&mut self, actor: &str, now_ms: i64) -> Result<Outcome, ActionError> {
        if actor != self.initiator {
            return Err(ActionError::NotInitiator);
        }
        if self.status != Status::Pending {
            return Err(ActionError::NotNow("当前没有待审批人"));
        }
        let last =
            self.timeline.iter().rev().find(|e| {
                e.actor == self.initiator && matches!(e.kind, EntryKind::Reminded { .. })
            });
        if last.is_some_and(|e| now_ms - e.at_ms < REMIND_INTERVAL_MS) {
            return Err(ActionError::TooSoon("催办太频繁，请稍后再试"));
        }
        let to = self.pending_approvers();
        self.log(
            now_ms,
            actor,
            Some(self.current),
            EntryKind::Reminded { to: to.clone() },
            None,
        );
        Ok(Outcome::Applied(vec![Effect::Remind { userids: to }]))
    }

    fn resubmit(
        &mut self,
        actor: &str,
        form: FormValues,
        steps: Vec<PlannedStep>,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        if actor != self.initiator {
            return Err(ActionError::NotInitiator);
        }
        if self.status != Status::Returned {
            return Err(ActionError::NotNow("只有被退回的审批可以重新提交"));
        }
        self.form = form;
        self.round += 1;
        Ok(Outcome::Applied(self.begin_round(steps, now_ms)))
    }

    fn tick(&mut self, now_ms: i64) -> Vec<Effect> {
        if self.status != Status::Pending {
            return Vec::new();
        }
        let step = self.current;
        let Some(timeout) = self.steps.get(step).and_then(|s| s.timeout) else {
            return Vec::new();
        };
        let hours = |h: u32| i64::from(h) * 3_600_000;
        let mut remind = Vec::new();
        let mut escalate = Vec::new();
        for seat in &mut self.steps[step].seats {
            if seat.state != SeatState::Pending {
                continue;
            }
            let waited = now_ms - seat.since_ms;
            if !seat.reminded && waited >= hours(timeout.remind_after_hours) {
                seat.reminded = true;
                remind.push(seat.userid.clone());
            }
            if let Some(after) = timeout.escalate_after_hours
                && !seat.escalated
                && waited >= hours(after)
            {
                seat.escalated = true;
                escalate.push(seat.userid.clone());
            }
        }
        let mut effects = Vec::new();
        if !remind.is_empty() {
            self.log(
                now_ms,
                SYSTEM,
                Some(step),
                EntryKind::Reminded { to: remind.clone() },
                None,
            );
            effects.push(Effect::Remind { userids: remind });
        }
        effects.extend(
            escalate
                .into_iter()
                .map(|userid| Effect::EscalationDue { userid }),
        );
        effects
    }

    fn escalate(
        &mut self,
        actor: &str,
        from: &str,
        to: &str,
        now_ms: i64,
    ) -> Result<Outcome, ActionError> {
        if actor != SYSTEM {
            return Err(ActionError::Invalid("只有系统可以升级"));
        }
        let step = self.current;
        let Some(seat) = self.steps.get(step).and_then(|s| s.pending_seat(from)) else {
            // Decided meanwhile: nothing to escalate.
            return Ok(Outcome::AlreadyDone);
        };
        self.check_newcomer(step, to)?;
        let effects = self.hand_over(seat, from, to, now_ms);
        self.log(
            now_ms,
            SYSTEM,
            Some(step),
            EntryKind::Escalated {
                from: from.to_owned(),
                to: to.to_owned(),
            },
            None,
        );
        Ok(Outcome::Applied(effects))
    }

    /// The actor's pending seat in the current step; `None` when they already decided
    /// this or an earlier step (a double tap); an error when they have no part in it.
    fn own_pending_seat(&self, actor: &str) -> Result<Option<usize>, ActionError> {
        if self.status != Status::Pending {
            return Err(ActionError::NotPendingApprover);
        }
        let Some(step) = self.steps.get(self.current) else {
            return Err(ActionError::NotPendingApprover);
        };
        if let Some(seat) = step.pending_seat(actor) {
            return Ok(Some(seat));
        }
        // A repeated tap on a card of this or an earlier step of the round.
        let decided = self.steps[..=self.current].iter().any(|step| {
            step.seats.iter().any(|s| {
                s.userid == actor && matches!(s.state, SeatState::Approved | SeatState::Rejected)
            })
        });
        if decided {
            Ok(None)
        } else {
            Err(ActionError::NotPendingApprover)
        }
    }

    /// A new approver for the current step must be someone else with no open seat there.
    fn check_newcomer(&self, step: usize, userid: &str) -> Result<(), ActionError> {
        if userid.trim().is_empty() {
            return Err(ActionError::Invalid("请选择人员"));
        }
        // Handing a seat to the initiator would let them decide their own request.
        if userid == self.initiator {
            return Err(ActionError::Invalid("不能转交或加签给发起人本人"));
        }
        let busy = self.steps[step].seats.iter().any(|s| {
            s.userid == userid && matches!(s.state, SeatState::Pending | SeatState::Waiting)
        });
        if busy {
            return Err(ActionError::Invalid("此人已在当前节点"));
        }
        Ok(())
    }

    /// Hands `from`'s pending `seat` in the current step to `to`, who takes its place
    /// (and its turn in a sequence); the effects close `from`'s card and ask `to`.
    /// Transfer and escalation share it.
    fn hand_over(&mut self, seat: usize, from: &str, to: &str, now_ms: i64) -> Vec<Effect> {
        let step = self.current;
        self.set_seat(step, seat, SeatState::Passed, now_ms);
        self.steps[step]
            .seats
            .insert(seat + 1, new_seat(to, None, SeatState::Pending, now_ms));
        vec![
            close(
                step,
                vec![from.to_owned()],
                CardNote::PassedTo {
                    userid: to.to_owned(),
                },
            ),
            Effect::AskApprovers {
                step,
                userids: vec![to.to_owned()],
            },
        ]
    }

    fn set_seat(&mut self, step: usize, seat: usize, state: SeatState, now_ms: i64) {
        let s = &mut self.steps[step].seats[seat];
        s.state = state;
        s.since_ms = now_ms;
    }

    /// Marks the step's pending and waiting seats skipped; returns the pending ones.
    fn skip_pending(&mut self, step: usize, now_ms: i64) -> Vec<String> {
        let Some(s) = self.steps.get_mut(step) else {
            return Vec::new();
        };
        let mut pending = Vec::new();
        for seat in &mut s.seats {
            match seat.state {
                SeatState::Pending => {
                    pending.push(seat.userid.clone());
                    seat.state = SeatState::Skipped;
                    seat.since_ms = now_ms;
                }
                SeatState::Waiting => {
                    seat.state = SeatState::Skipped;
                    seat.since_ms = now_ms;
                }
                _ => {}
            }
        }
        pending
    }

    /// Puts the step's other pending seats back to waiting; returns them.
    fn wait_pending(&mut self, step: usize) -> Vec<String> {
        let mut out = Vec::new();
        for seat in &mut self.steps[step].seats {
            if seat.state == SeatState::Pending {
                seat.state = SeatState::Waiting;
                out.push(seat.userid.clone());
            }
        }
        out
    }

    /// Someone other than the initiator decided, transferred or added a signer.
    fn anyone_acted(&self) -> bool {
        self.timeline.iter().any(|e| {
            e.actor != self.initiator
                && matches!(
                    e.kind,
                    EntryKind::Approved
                        | EntryKind::Rejected { .. }
                        | EntryKind::Transferred { .. }
                        | EntryKind::SignerAdded { .. }
                )
        })
    }

    /// Makes `index` current: CC steps are copied and passed, the first approve step with
    /// seats left to decide is asked; past the end, the instance is approved.
    fn enter(&mut self, mut index: usize, now_ms: i64, effects: &mut Vec<Effect>) {
        while let Some(step) = self.steps.get_mut(index) {
            match step.kind {
                StepKind::Cc => {
                    let mut to = Vec::new();
                    for seat in &mut step.seats {
                        if seat.state != SeatState::Copied {
                            seat.state = SeatState::Copied;
                            seat.since_ms = now_ms;
                            to.push(seat.userid.clone());
                        }
                    }
                    if !to.is_empty() {
                        self.log(
                            now_ms,
                            SYSTEM,
                            Some(index),
                            EntryKind::Copied { to: to.clone() },
                            None,
                        );
                        effects.push(Effect::Copy { userids: to });
                    }
                    index += 1;
                }
                StepKind::Approve(mode) => {
                    let mut asked = Vec::new();
                    for seat in &mut step.seats {
                        if seat.state != SeatState::Waiting {
                            continue;
                        }
                        seat.state = SeatState::Pending;
                        seat.since_ms = now_ms;
                        seat.reminded = false;
                        seat.escalated = false;
                        asked.push(seat.userid.clone());
                        if mode == SignMode::Sequential {
                            break;
                        }
                    }
                    if asked.is_empty() {
                        // Nothing left to decide here (approved before a return).
                        index += 1;
                        continue;
                    }
                    self.current = index;
                    self.status = Status::Pending;
                    effects.push(Effect::AskApprovers {
                        step: index,
                        userids: asked,
                    });
                    return;
                }
            }
        }
        self.current = self.steps.len();
        self.finish(Status::Approved, now_ms, effects);
    }

    fn finish(&mut self, status: Status, now_ms: i64, effects: &mut Vec<Effect>) {
        self.status = status;
        for step in &mut self.steps {
            for seat in &mut step.seats {
                if matches!(seat.state, SeatState::Pending | SeatState::Waiting) {
                    seat.state = SeatState::Skipped;
                    seat.since_ms = now_ms;
                }
            }
        }
        self.log(now_ms, SYSTEM, None, EntryKind::Finished { status }, None);
        effects.push(Effect::TellInitiator { status });
    }

    fn log(
        &mut self,
        at_ms: i64,
        actor: &str,
        step: Option<usize>,
        kind: EntryKind,
        comment: Option<String>,
    ) {
        self.timeline.push(Entry {
            at_ms,
            actor: actor.to_owned(),
            step,
            kind,
            comment,
            attachments: Vec::new(),
        });
    }
}

fn close(step: usize, userids: Vec<String>, note: CardNote) -> Effect {
    Effect::CloseCards {
        step,
        userids,
        note,
    }
}

fn new_seat(userid: &str, on_behalf_of: Option<String>, state: SeatState, now_ms: i64) -> Seat {
    Seat {
        userid: userid.to_owned(),
        state,
        on_behalf_of,
        since_ms: now_ms,
        reminded: false,
        escalated: false,
    }
}

fn step_of(p: PlannedStep, now_ms: i64) -> Step {
    Step {
        seats: p
            .people
            .into_iter()
            .map(|person| {
                new_seat(
                    &person.userid,
                    person.on_behalf_of,
                    SeatState::Waiting,
                    now_ms,
                )
            })
            .collect(),
        node_id: p.node_id,
        name: p.name,
        kind: p.kind,
        fallback: p.fallback,
        timeout: p.timeout,
        self_approval: p.self_approval,
    }
}
