//! Templates: a form and a flow of nodes (approvers, CC, conditional branches), and the
//! plan that turns a template, the filled-in form and the org into concrete steps.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::form::{FormSchema, FormValues, SchemaError};
#[cfg(doc)]
use super::initiator::DEFAULT_CHOSEN_MAX;
use super::initiator::{self, ChosenRefusal, SelfApproval, SelfApprovalNote};
use crate::access::ProjectRole;

/// How the approvers of one node decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignMode {
    /// 或签: the first approver's decision is the node's.
    Any,
    /// 会签: every approver must approve; one rejection decides.
    All,
    /// 依次审批: every approver, one after another in order.
    Sequential,
}

/// Who approves (or is copied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApproverRule {
    /// These members.
    Members {
        /// UserIDs.
        userids: Vec<String>,
    },
    /// Members of a WeCom tag.
    Tag {
        /// Tag id.
        tag_id: i64,
    },
    /// The initiator's department leaders `level` levels up (1: their own department's).
    Leader {
        /// Levels up, from 1.
        level: u8,
    },
    /// Every level of leader from 1 to `levels` (with [`SignMode::Sequential`]: 逐级审批).
    LeaderChain {
        /// Highest level.
        levels: u8,
    },
    /// Members holding `role` in the form's project.
    ProjectRole {
        /// The role.
        role: ProjectRole,
    },
    /// Members the initiator picks when submitting (自选).
    Chosen {
        /// Whom they may pick from (a rule resolved for this submission); anyone in the
        /// company when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        among: Option<Box<ApproverRule>>,
        /// How many they may pick ([`DEFAULT_CHOSEN_MAX`] when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u8>,
    },
    /// Members with the finance role (财务).
    Finance,
}

/// Reminders and escalation for a node whose approvers do not act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeout {
    /// Remind the pending approvers after this many hours.
    pub remind_after_hours: u32,
    /// Hand the seat to the approver's leader after this many hours, if set.
    pub escalate_after_hours: Option<u32>,
}

/// Comparison in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    /// >
    Gt,
    /// ≥
    Ge,
    /// <
    Lt,
    /// ≤
    Le,
    /// =
    Eq,
    /// ≠
    Ne,
}

/// When a branch is taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// A form field compared with a value (numbers numerically, else by equality).
    Field {
        /// The field key.
        key: String,
        /// How to compare.
        op: CmpOp,
        /// With what.
        value: Value,
    },
    /// The initiator belongs to one of these departments or a department below them.
    InitiatorIn {
        /// Department ids.
        departments: Vec<i64>,
    },
    /// The form's project is one of these.
    ProjectIn {
        /// Project ids.
        projects: Vec<i64>,
    },
    /// Every condition holds.
    All {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// At least one holds.
    Any {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// It does not hold.
    Not {
        /// The condition.
        of: Box<Condition>,
    },
}

/// One arm of a branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// When to take it.
    pub when: Condition,
    /// What follows.
    pub nodes: Vec<Node>,
}

/// A flow node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Node {
    /// Approvers decide.
    Approve {
        /// Unique in the template.
        id: String,
        /// Shown in the timeline and on cards.
        name: String,
        /// Who.
        rule: ApproverRule,
        /// How they decide together.
        mode: SignMode,
        /// Reminders and escalation.
        #[serde(default)]
        timeout: Option<Timeout>,
    },
    /// Members are told (抄送); nobody decides.
    Cc {
        /// Unique in the template.
        id: String,
        /// Shown in the timeline.
        name: String,
        /// Who.
        rule: ApproverRule,
    },
    /// The first arm whose condition holds, else `otherwise`.
    Branch {
        /// Unique in the template.
        id: String,
        /// The arms, in order.
        arms: Vec<Arm>,
        /// Taken when no arm is.
        #[serde(default)]
        otherwise: Vec<Node>,
    },
}

impl Node {
    fn id(&self) -> &str {
        match self {
            Self::Approve { id, .. } | Self::Cc { id, .. } | Self::Branch { id, .. } => id,
        }
    }
}

/// Where a rejection sends the instance by default (a card's 驳回 button).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectDefault {
    /// Back to the initiator, who may change and resubmit or withdraw.
    #[default]
    Initiator,
    /// The instance ends rejected.
    End,
}

/// An approval template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Stable code, e.g. `purchase`.
    pub code: String,
    /// Chinese name, e.g. 材料采购申请.
    pub name: String,
    /// The form.
    pub form: FormSchema,
    /// The flow.
    pub flow: Vec<Node>,
    /// Form keys shown on the approver's card (amount, project, …), at most a few.
    #[serde(default)]
    pub card_fields: Vec<String>,
    /// What 驳回 does without a target.
    #[serde(default)]
    pub on_reject: RejectDefault,
    /// What happens when the initiator resolves as one of the approvers.
    #[serde(default)]
    pub self_approval: SelfApproval,
}

/// Why a template cannot be used. Every error about a node names its id as `节点 {id}：`
/// (see [`TemplateError::node`]), so an editor can show the message beside that node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The form is wrong.
    #[error(transparent)]
    Form(#[from] SchemaError),
    /// Two nodes share an id.
    #[error("节点 {0}：节点编号重复")]
    DuplicateNode(String),
    /// A branch condition names a field the form lacks.
    #[error("节点 {node}：表单中没有字段 {key}")]
    UnknownField {
        /// Where.
        node: String,
        /// The key.
        key: String,
    },
    /// A fixed approver list is empty, a leader level is 0, or a 自选 node takes nobody.
    #[error("节点 {0}：没有可以审批的人")]
    EmptyRule(String),
    /// A 自选 node's scope is itself 自选.
    #[error("节点 {0}：自选的范围不能再是自选")]
    NestedChosen(String),
    /// A card field the form lacks.
    #[error("卡片字段 {0} 不在表单中")]
    UnknownCardField(String),
}

impl TemplateError {
    /// The id of the flow node at fault, if the error is about one.
    pub fn node(&self) -> Option<&str> {
        match self {
            Self::Form(_) | Self::UnknownCardField(_) => None,
            Self::DuplicateNode(id)
            | Self::UnknownField { node: id, .. }
            | Self::EmptyRule(id)
            | Self::NestedChosen(id) => Some(id),
        }
    }
}

impl Template {
    /// Checks the template is usable: form, unique node ids, fields that exist.
    pub fn check(&self) -> Result<(), TemplateError> {
        self.form.check()?;
        for key in &self.card_fields {
            if self.form.field(key).is_none() {
                return Err(TemplateError::UnknownCardField(key.clone()));
            }
        }
        let mut ids = BTreeSet::new();
        self.check_nodes(&self.flow, &mut ids)
    }

    fn check_nodes<'a>(
        &self,
        nodes: &'a [Node],
        ids: &mut BTreeSet<&'a str>,
    ) -> Result<(), TemplateError> {
        for node in nodes {
            if !ids.insert(node.id()) {
                return Err(TemplateError::DuplicateNode(node.id().to_owned()));
            }
            match node {
                Node::Approve { id, rule, .. } | Node::Cc { id, rule, .. } => {
                    let empty = match rule {
                        ApproverRule::Members { userids } => userids.is_empty(),
                        ApproverRule::Leader { level } => *level == 0,
                        ApproverRule::LeaderChain { levels } => *levels == 0,
                        ApproverRule::Chosen { among, max } => {
                            if let Some(among) = among
                                && matches!(**among, ApproverRule::Chosen { .. })
                            {
                                return Err(TemplateError::NestedChosen(id.clone()));
                            }
                            *max == Some(0)
                        }
                        _ => false,
                    };
                    if empty {
                        return Err(TemplateError::EmptyRule(id.clone()));
                    }
                }
                Node::Branch {
                    id,
                    arms,
                    otherwise,
                } => {
                    for arm in arms {
                        self.check_condition(id, &arm.when)?;
                        self.check_nodes(&arm.nodes, ids)?;
                    }
                    self.check_nodes(otherwise, ids)?;
                }
            }
        }
        Ok(())
    }

    fn check_condition(&self, node: &str, c: &Condition) -> Result<(), TemplateError> {
        match c {
            Condition::Field { key, .. } if self.form.field(key).is_none() => {
                Err(TemplateError::UnknownField {
                    node: node.to_owned(),
                    key: key.clone(),
                })
            }
            Condition::All { of } | Condition::Any { of } => {
                of.iter().try_for_each(|c| self.check_condition(node, c))
            }
            Condition::Not { of } => self.check_condition(node, of),
            _ => Ok(()),
        }
    }
}

/// What the plan needs to know about the org and projects; the server answers from its
/// store before planning (the engine does no I/O).
pub trait Directory {
    /// Still a member (not left, not disabled).
    fn is_active(&self, userid: &str) -> bool;
    /// Members of a tag.
    fn tag_members(&self, tag_id: i64) -> Vec<String>;
    /// `userid`'s department leaders `level` levels up (1: their own department's).
    fn leaders_at(&self, userid: &str, level: u8) -> Vec<String>;
    /// Whether `userid` is in one of `departments` or below them.
    fn is_within(&self, userid: &str, departments: &[i64]) -> bool;
    /// Members holding `role` in `project`.
    fn project_role(&self, project: i64, role: ProjectRole) -> Vec<String>;
    /// Members with the finance role.
    fn finance(&self) -> Vec<String>;
    /// Who acts for `userid` while they are away (out-of-office delegation), if anyone.
    fn delegate_of(&self, userid: &str) -> Option<String>;
    /// Who approves when a rule resolves to nobody (the admins).
    fn fallback(&self) -> Vec<String>;
}

/// What a submission brings besides the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitContext {
    /// Who submits.
    pub initiator: String,
    /// The project the form is about, if any.
    pub project: Option<i64>,
    /// Members the initiator picked, per [`ApproverRule::Chosen`] node id.
    pub chosen: std::collections::BTreeMap<String, Vec<String>>,
}

/// A node made concrete: who, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    /// The template node.
    pub node_id: String,
    /// Its name.
    pub name: String,
    /// Approve with a mode, or copy.
    pub kind: StepKind,
    /// Who, in order; each with whom they stand in for when delegated.
    pub people: Vec<Person>,
    /// The rule resolved to nobody and the fallback approvers stand in.
    pub fallback: bool,
    /// Reminders and escalation.
    pub timeout: Option<Timeout>,
    /// What the self-approval rule did here, when the initiator resolved as an approver.
    pub self_approval: Option<SelfApprovalNote>,
}

impl PlannedStep {
    /// A step of `kind` for these members, with no delegation, fallback or timeout:
    /// hand-built plans in tests and benchmarks.
    pub fn of(node_id: &str, kind: StepKind, userids: &[&str]) -> Self {
        Self {
            node_id: node_id.to_owned(),
            name: node_id.to_owned(),
            kind,
            people: userids
                .iter()
                .map(|u| Person {
                    userid: (*u).to_owned(),
                    on_behalf_of: None,
                })
                .collect(),
            fallback: false,
            timeout: None,
            self_approval: None,
        }
    }
}

/// An approve or CC step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "mode", rename_all = "snake_case")]
pub enum StepKind {
    /// Approvers decide.
    Approve(SignMode),
    /// Members are copied.
    Cc,
}

/// A resolved approver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Who acts.
    pub userid: String,
    /// Whom they act for (out-of-office delegation).
    pub on_behalf_of: Option<String>,
}

/// Why a submission cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// An approve node resolved to nobody and there is no fallback either.
    #[error("审批节点「{0}」找不到审批人，且未配置管理员")]
    NoApprover(String),
    /// Members picked for a node the template does not have (or that is not 自选).
    #[error("chosen.{0}：模板没有这个自选节点")]
    UnknownChosenNode(String),
    /// A pick the node does not take.
    #[error("chosen.{node}：「{name}」{why}")]
    Chosen {
        /// Node id.
        node: String,
        /// Node name.
        name: String,
        /// Why.
        why: ChosenRefusal,
    },
}

/// Turns the template's flow into steps for this submission: branches chosen, rules
/// resolved, leavers dropped, delegates put in, duplicates removed, empty approve nodes
/// given to the fallback approvers (never a stuck instance), empty CC nodes dropped.
pub fn plan(
    template: &Template,
    form: &FormValues,
    ctx: &SubmitContext,
    dir: &dyn Directory,
) -> Result<Vec<PlannedStep>, PlanError> {
    initiator::check_chosen(template, ctx, dir)?;
    let mut steps = Vec::new();
    walk(template, &template.flow, form, ctx, dir, &mut steps)?;
    Ok(steps)
}

fn walk(
    template: &Template,
    nodes: &[Node],
    form: &FormValues,
    ctx: &SubmitContext,
    dir: &dyn Directory,
    steps: &mut Vec<PlannedStep>,
) -> Result<(), PlanError> {
    for node in nodes {
        match node {
            Node::Approve {
                id,
                name,
                rule,
                mode,
                timeout,
            } => {
                let mut people = people_of(rule_userids(rule, id, ctx, dir), dir);
                let fallback = people.is_empty();
                if fallback {
                    if matches!(rule, ApproverRule::Chosen { .. }) {
                        return Err(PlanError::Chosen {
                            node: id.clone(),
                            name: name.clone(),
                            why: ChosenRefusal::Missing,
                        });
                    }
                    people = people_of(dir.fallback(), dir);
                    if people.is_empty() {
                        return Err(PlanError::NoApprover(name.clone()));
                    }
                }
                let self_approval =
                    initiator::apply_rule(template.self_approval, &mut people, ctx, dir, name)?;
                steps.push(PlannedStep {
                    node_id: id.clone(),
                    name: name.clone(),
                    kind: StepKind::Approve(*mode),
                    people,
                    fallback,
                    timeout: *timeout,
                    self_approval,
                });
            }
            Node::Cc { id, name, rule } => {
                let people = people_of(rule_userids(rule, id, ctx, dir), dir);
                if !people.is_empty() {
                    steps.push(PlannedStep {
                        node_id: id.clone(),
                        name: name.clone(),
                        kind: StepKind::Cc,
                        people,
                        fallback: false,
                        timeout: None,
                        self_approval: None,
                    });
                }
            }
            Node::Branch {
                arms, otherwise, ..
            } => {
                let taken = arms
                    .iter()
                    .find(|arm| holds(&arm.when, form, ctx, dir))
                    .map_or(otherwise.as_slice(), |arm| arm.nodes.as_slice());
                walk(template, taken, form, ctx, dir, steps)?;
            }
        }
    }
    Ok(())
}

/// Who `rule` names for this submission, before leavers and delegation.
pub(super) fn rule_userids(
    rule: &ApproverRule,
    node_id: &str,
    ctx: &SubmitContext,
    dir: &dyn Directory,
) -> Vec<String> {
    match rule {
        ApproverRule::Members { userids } => userids.clone(),
        ApproverRule::Tag { tag_id } => dir.tag_members(*tag_id),
        ApproverRule::Leader { level } => dir.leaders_at(&ctx.initiator, *level),
        ApproverRule::LeaderChain { levels } => (1..=*levels)
            .flat_map(|level| dir.leaders_at(&ctx.initiator, level))
            .collect(),
        ApproverRule::ProjectRole { role } => ctx
            .project
            .map(|p| dir.project_role(p, *role))
            .unwrap_or_default(),
        ApproverRule::Chosen { .. } => ctx.chosen.get(node_id).cloned().unwrap_or_default(),
        ApproverRule::Finance => dir.finance(),
    }
}

/// Active members only, each replaced by their delegate when away, first occurrence kept.
pub(super) fn people_of(userids: Vec<String>, dir: &dyn Directory) -> Vec<Person> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for userid in userids {
        if !dir.is_active(&userid) {
            continue;
        }
        let person = match dir.delegate_of(&userid).filter(|d| dir.is_active(d)) {
            Some(delegate) => Person {
                userid: delegate,
                on_behalf_of: Some(userid),
            },
            None => Person {
                userid,
                on_behalf_of: None,
            },
        };
        if seen.insert(person.userid.clone()) {
            out.push(person);
        }
    }
    out
}

fn holds(c: &Condition, form: &FormValues, ctx: &SubmitContext, dir: &dyn Directory) -> bool {
    match c {
        Condition::Field { key, op, value } => form
            .get(key)
            .is_some_and(|actual| compare(actual, *op, value)),
        Condition::InitiatorIn { departments } => dir.is_within(&ctx.initiator, departments),
        Condition::ProjectIn { projects } => ctx.project.is_some_and(|p| projects.contains(&p)),
        Condition::All { of } => of.iter().all(|c| holds(c, form, ctx, dir)),
        Condition::Any { of } => of.iter().any(|c| holds(c, form, ctx, dir)),
        Condition::Not { of } => !holds(of, form, ctx, dir),
    }
}

fn compare(actual: &Value, op: CmpOp, expected: &Value) -> bool {
    if let (Some(a), Some(b)) = (actual.as_f64(), expected.as_f64()) {
        return match op {
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        };
    }
    match op {
        CmpOp::Eq => actual == expected,
        CmpOp::Ne => actual != expected,
        // Ordering only means something for numbers.
        _ => false,
    }
}
