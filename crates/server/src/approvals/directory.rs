//! The org and project facts one submission's plan needs, read from the store ahead of
//! planning (the engine is pure and synchronous): only what the template's rules and
//! conditions ask for.

use std::collections::{BTreeMap, BTreeSet};

use domain::access::ProjectRole;
use domain::approval::{
    ApproverRule, Condition, Directory, Node, SelfApproval, SubmitContext, Template,
};

use crate::state::AppState;

/// A read-ahead [`Directory`].
#[derive(Debug, Default)]
pub struct Snapshot {
    active: BTreeSet<String>,
    tags: BTreeMap<i64, Vec<String>>,
    levels: Vec<Vec<String>>,
    initiator_ancestry: BTreeSet<i64>,
    project_roles: BTreeMap<ProjectRole, Vec<String>>,
    finance: Vec<String>,
    delegates: BTreeMap<String, String>,
    fallback: Vec<String>,
}

/// What the template's rules and conditions refer to.
#[derive(Debug, Default)]
struct Needs {
    tags: BTreeSet<i64>,
    levels: u8,
    roles: BTreeSet<ProjectRole>,
    finance: bool,
    members: BTreeSet<String>,
    departments: bool,
}

impl Needs {
    fn of(nodes: &[Node], needs: &mut Self) {
        for node in nodes {
            match node {
                Node::Approve { rule, .. } | Node::Cc { rule, .. } => needs.rule(rule),
                Node::Branch {
                    arms, otherwise, ..
                } => {
                    for arm in arms {
                        needs.condition(&arm.when);
                        Self::of(&arm.nodes, needs);
                    }
                    Self::of(otherwise, needs);
                }
            }
        }
    }

    fn rule(&mut self, rule: &ApproverRule) {
        match rule {
            ApproverRule::Members { userids } => self.members.extend(userids.iter().cloned()),
            ApproverRule::Tag { tag_id } => {
                self.tags.insert(*tag_id);
            }
            ApproverRule::Leader { level } => self.levels = self.levels.max(*level),
            ApproverRule::LeaderChain { levels } => self.levels = self.levels.max(*levels),
            ApproverRule::ProjectRole { role } => {
                self.roles.insert(*role);
            }
            ApproverRule::Finance => self.finance = true,
            ApproverRule::Chosen { among, .. } => {
                if let Some(among) = among {
                    self.rule(among);
                }
            }
        }
    }

    fn condition(&mut self, c: &Condition) {
        match c {
            Condition::InitiatorIn { .. } => self.departments = true,
            Condition::All { of } | Condition::Any { of } => {
                of.iter().for_each(|c| self.condition(c));
            }
            Condition::Not { of } => self.condition(of),
            Condition::Field { .. } | Condition::ProjectIn { .. } => {}
        }
    }
}

impl Snapshot {
    /// Reads what `template` needs for a submission by `ctx.initiator` at `now_ms`.
    pub async fn load(
        state: &AppState,
        template: &Template,
        ctx: &SubmitContext,
        now_ms: i64,
    ) -> anyhow::Result<Self> {
        let mut needs = Needs::default();
        Needs::of(&template.flow, &mut needs);
        let org = state.store.org();
        let mut snap = Self::default();
        for tag in &needs.tags {
            snap.tags.insert(*tag, org.userids_with_tag(*tag).await?);
        }
        if needs.levels > 0 {
            snap.levels = org
                .leader_levels(&ctx.initiator, u32::from(needs.levels))
                .await?;
        }
        if let Some(project) = ctx.project {
            for role in &needs.roles {
                let holders = state.store.projects().with_role(project, *role).await?;
                snap.project_roles.insert(*role, holders);
            }
        }
        let grants = state.store.roles().all().await?;
        if needs.finance {
            snap.finance = grants
                .iter()
                .filter(|g| g.role == "finance")
                .map(|g| g.userid.clone())
                .collect();
        }
        let mut admins: Vec<String> = state.settings.auth.admins.clone();
        admins.extend(
            grants
                .iter()
                .filter(|g| g.role == "admin")
                .map(|g| g.userid.clone()),
        );
        admins.sort();
        admins.dedup();
        snap.fallback = admins;
        if needs.departments
            && let Some(member) = org.member(&ctx.initiator).await?
        {
            for m in &member.departments {
                let mut id = Some(m.department_id);
                while let Some(d) = id {
                    if !snap.initiator_ancestry.insert(d) {
                        break;
                    }
                    id = org
                        .department(d)
                        .await?
                        .map(|dept| dept.parent_id)
                        .filter(|&p| p != 0);
                }
            }
        }
        snap.delegates = state.store.approvals().delegates_at(now_ms).await?;

        // Everyone who might get a seat must be checked against the org.
        let mut candidates: BTreeSet<String> = needs.members;
        candidates.extend(snap.tags.values().flatten().cloned());
        candidates.extend(snap.levels.iter().flatten().cloned());
        candidates.extend(snap.project_roles.values().flatten().cloned());
        candidates.extend(snap.finance.iter().cloned());
        candidates.extend(snap.fallback.iter().cloned());
        candidates.extend(ctx.chosen.values().flatten().cloned());
        candidates.extend(snap.delegates.values().cloned());
        // The self-approval rule hands the initiator's seat to their leader: read them
        // only when the initiator could hold a seat.
        if template.self_approval == SelfApproval::Leader
            && snap.levels.is_empty()
            && (candidates.contains(&ctx.initiator)
                || snap.delegates.values().any(|d| *d == ctx.initiator))
        {
            snap.levels = org.leader_levels(&ctx.initiator, 1).await?;
            candidates.extend(snap.levels.iter().flatten().cloned());
        }
        let candidates: Vec<String> = candidates.into_iter().collect();
        snap.active = org.current_among(&candidates).await?;
        Ok(snap)
    }
}

impl Directory for Snapshot {
    fn is_active(&self, userid: &str) -> bool {
        self.active.contains(userid)
    }

    fn tag_members(&self, tag_id: i64) -> Vec<String> {
        self.tags.get(&tag_id).cloned().unwrap_or_default()
    }

    fn leaders_at(&self, _userid: &str, level: u8) -> Vec<String> {
        // Loaded for the initiator, the only member whose leaders rules ask for.
        usize::from(level)
            .checked_sub(1)
            .and_then(|i| self.levels.get(i))
            .cloned()
            .unwrap_or_default()
    }

    fn is_within(&self, _userid: &str, departments: &[i64]) -> bool {
        departments
            .iter()
            .any(|d| self.initiator_ancestry.contains(d))
    }

    fn project_role(&self, _project: i64, role: ProjectRole) -> Vec<String> {
        self.project_roles.get(&role).cloned().unwrap_or_default()
    }

    fn finance(&self) -> Vec<String> {
        self.finance.clone()
    }

    fn delegate_of(&self, userid: &str) -> Option<String> {
        self.delegates.get(userid).cloned()
    }

    fn fallback(&self) -> Vec<String> {
        self.fallback.clone()
    }
}
