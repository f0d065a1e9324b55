//! The initiator's place in their own request's flow: they never decide it unless the
//! template opts in, and the approvers they pick (自选) are bounded, checked and never
//! themselves.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::flow::{ApproverRule, Directory, Node, Person, PlanError, SubmitContext, Template};

/// Members a 自选 node takes when its template sets no bound.
pub const DEFAULT_CHOSEN_MAX: u8 = 20;

/// What happens when the initiator resolves as an approver of their own request
/// (发起人自审), as WeCom's approvals and the Chinese BPM tools offer it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfApproval {
    /// Their seat goes to their own leader (the admins when they have none).
    #[default]
    Leader,
    /// Their seat is dropped; a step left with nobody is passed over.
    Skip,
    /// They decide like any approver (an explicit opt-in).
    Allow,
}

/// What the rule did at one step, kept on the step for the timeline and the cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SelfApprovalNote {
    /// The initiator's seat went to these members (their leader, or the admins).
    HandedOver {
        /// Who sits there now.
        to: Vec<String>,
    },
    /// The initiator's seat was dropped.
    Skipped,
    /// The template lets the initiator decide.
    Allowed,
}

/// Whether `person` holds the initiator's seat: the initiator, or someone acting for them.
fn is_initiators(person: &Person, initiator: &str) -> bool {
    person.userid == initiator || person.on_behalf_of.as_deref() == Some(initiator)
}

/// Applies the template's rule to one approve step's `people`; `None` when the
/// initiator is not among them.
pub(super) fn apply_rule(
    rule: SelfApproval,
    people: &mut Vec<Person>,
    ctx: &SubmitContext,
    dir: &dyn Directory,
    step_name: &str,
) -> Result<Option<SelfApprovalNote>, PlanError> {
    let initiator = ctx.initiator.as_str();
    let Some(at) = people.iter().position(|p| is_initiators(p, initiator)) else {
        return Ok(None);
    };
    let note = match rule {
        SelfApproval::Allow => SelfApprovalNote::Allowed,
        SelfApproval::Skip => {
            people.retain(|p| !is_initiators(p, initiator));
            SelfApprovalNote::Skipped
        }
        SelfApproval::Leader => {
            let others = |userids: Vec<String>| -> Vec<Person> {
                super::flow::people_of(userids, dir)
                    .into_iter()
                    .filter(|p| !is_initiators(p, initiator))
                    .collect()
            };
            let mut stand_ins = others(dir.leaders_at(initiator, 1));
            if stand_ins.is_empty() {
                stand_ins = others(dir.fallback());
            }
            if stand_ins.is_empty() {
                return Err(PlanError::NoApprover(step_name.to_owned()));
            }
            let to = stand_ins.iter().map(|p| p.userid.clone()).collect();
            let before = std::mem::take(people);
            let mut seen = BTreeSet::new();
            for (i, person) in before.into_iter().enumerate() {
                let here = if i == at {
                    stand_ins.clone()
                } else if is_initiators(&person, initiator) {
                    Vec::new()
                } else {
                    vec![person]
                };
                for p in here {
                    if seen.insert(p.userid.clone()) {
                        people.push(p);
                    }
                }
            }
            SelfApprovalNote::HandedOver { to }
        }
    };
    Ok(Some(note))
}

/// A 自选 node as the initiator staffs it.
#[derive(Debug, Clone, Copy)]
pub struct ChosenNode<'t> {
    /// Node id (the key of [`SubmitContext::chosen`]).
    pub id: &'t str,
    /// Node name.
    pub name: &'t str,
    /// Whom they may pick from; anyone in the company when `None`.
    pub among: Option<&'t ApproverRule>,
    /// How many they may pick.
    pub max: u8,
    /// An approve node (a CC node may be left empty).
    pub approves: bool,
}

impl Template {
    /// Nodes whose members the initiator picks, in flow order, branches included: which
    /// branch applies is only known on submit.
    pub fn chosen(&self) -> Vec<ChosenNode<'_>> {
        fn walk<'t>(nodes: &'t [Node], out: &mut Vec<ChosenNode<'t>>) {
            for node in nodes {
                let (id, name, rule, approves) = match node {
                    Node::Approve { id, name, rule, .. } => (id, name, rule, true),
                    Node::Cc { id, name, rule } => (id, name, rule, false),
                    Node::Branch {
                        arms, otherwise, ..
                    } => {
                        for arm in arms {
                            walk(&arm.nodes, out);
                        }
                        walk(otherwise, out);
                        continue;
                    }
                };
                if let ApproverRule::Chosen { among, max } = rule {
                    out.push(ChosenNode {
                        id,
                        name,
                        among: among.as_deref(),
                        max: max.unwrap_or(DEFAULT_CHOSEN_MAX),
                        approves,
                    });
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.flow, &mut out);
        out
    }
}

/// Checks what the initiator picked: known nodes, within each node's bound, never
/// themselves, current members, and inside the node's eligible scope.
pub(super) fn check_chosen(
    template: &Template,
    ctx: &SubmitContext,
    dir: &dyn Directory,
) -> Result<(), PlanError> {
    let nodes = template.chosen();
    for (node_id, picked) in &ctx.chosen {
        let Some(node) = nodes.iter().find(|n| n.id == node_id) else {
            return Err(PlanError::UnknownChosenNode(node_id.clone()));
        };
        let refuse = |why: ChosenRefusal| PlanError::Chosen {
            node: node.id.to_owned(),
            name: node.name.to_owned(),
            why,
        };
        if picked.len() > usize::from(node.max) {
            return Err(refuse(ChosenRefusal::TooMany(node.max)));
        }
        if picked.contains(&ctx.initiator) {
            return Err(refuse(ChosenRefusal::Initiator));
        }
        let eligible: Option<BTreeSet<String>> = node.among.map(|rule| {
            super::flow::rule_userids(rule, node.id, ctx, dir)
                .into_iter()
                .collect()
        });
        for userid in picked {
            if !dir.is_active(userid) {
                return Err(refuse(ChosenRefusal::NotMember(userid.clone())));
            }
            if eligible.as_ref().is_some_and(|e| !e.contains(userid)) {
                return Err(refuse(ChosenRefusal::OutOfScope(userid.clone())));
            }
        }
    }
    Ok(())
}

/// Why a pick was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChosenRefusal {
    /// More than the node takes.
    #[error("最多选 {0} 人")]
    TooMany(u8),
    /// The initiator picked themself.
    #[error("不能选择发起人自己")]
    Initiator,
    /// Not a current member.
    #[error("{0} 不是在职成员")]
    NotMember(String),
    /// Outside the node's eligible scope.
    #[error("{0} 不在可选范围内")]
    OutOfScope(String),
    /// An approve node on the taken path with nobody picked.
    #[error("请选择审批人")]
    Missing,
}
