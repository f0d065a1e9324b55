//! The timeout sweep (housekeeping, one replica): every instance with something due gets
//! a tick;
//! approvers past their node's reminder time are reminded once, and those past its
//! escalation time have their seat handed to their own department leader. Each tick or
//! escalation that changes an instance is audited (`approval.tick`, `approval.escalate`)
//! as [`crate::audit::SYSTEM`] in the change's transaction.

use domain::approval::instance::SYSTEM;
use domain::approval::{Action, Effect, Outcome};

use super::service::{self, Origin};
use crate::audit::Actor;
use crate::state::AppState;

/// Instances read per page.
const PAGE: u32 = 500;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Instances with something due.
    pub instances: usize,
    /// Seats handed to a leader.
    pub escalated: usize,
}

/// Ticks every instance with a reminder or escalation due (indexed: a tick with
/// nothing due reads nothing but the index).
pub async fn sweep(state: &AppState) -> anyhow::Result<SweepReport> {
    let mut report = SweepReport::default();
    let mut after = 0;
    let now = state.clock.now_ms();
    loop {
        let ids = state
            .store
            .approvals()
            .due_for_timeout(now, after, PAGE)
            .await?;
        let Some(&last) = ids.last() else {
            return Ok(report);
        };
        after = last;
        for id in ids {
            report.instances += 1;
            report.escalated += tick(state, id).await?;
        }
    }
}

async fn tick(state: &AppState, id: i64) -> anyhow::Result<usize> {
    let origin = Origin::default();
    let effects = match service::act(state, id, &Actor::member(SYSTEM), Action::Tick, &origin).await
    {
        Ok(Outcome::Applied(effects)) => effects,
        Ok(Outcome::AlreadyDone) => return Ok(0),
        // Finished meanwhile, or similar: nothing to do.
        Err(service::ApprovalError::Action(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut escalated = 0;
    for effect in effects {
        let Effect::EscalationDue { userid } = effect else {
            continue;
        };
        let leaders = state.store.org().leader_levels(&userid, 1).await?;
        let Some(leader) = leaders.into_iter().flatten().next() else {
            tracing::warn!(instance = id, approver = %userid,
                "approval timed out but the approver has no leader to escalate to");
            continue;
        };
        let escalate = Action::Escalate {
            from: userid.clone(),
            to: leader,
        };
        match service::act(state, id, &Actor::member(SYSTEM), escalate, &origin).await {
            Ok(Outcome::Applied(_)) => escalated += 1,
            Ok(Outcome::AlreadyDone) | Err(service::ApprovalError::Action(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(escalated)
}
