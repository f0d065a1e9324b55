//! A tap on a decision card (`template_card_event`): find the card's instance, apply
//! 同意 or 驳回 as the tapping member, and update the tapped card with the tap's own
//! response code — to the decision, or to why nothing happened. A decision is audited in
//! its own transaction as the tapping member, with no address (WeCom's servers call us).

use domain::approval::{Action, ActionError, EntryKind, Instance};
use wecom::event::TemplateCardEvent;

use super::cards::{APPROVE_KEY, REJECT_KEY};
use super::service::{self, ApprovalError, Origin};
use crate::audit::Actor;
use crate::intake::Handled;
use crate::state::AppState;

/// Handles one tap by `userid`.
pub async fn handle(state: &AppState, userid: &str, tap: &TemplateCardEvent) -> Handled {
    let card = match state.store.approvals().card(&tap.task_id).await {
        Ok(Some(card)) => card,
        Ok(None) => {
            tracing::info!(task_id = %tap.task_id, "tap on a card Gantry does not know; ignored");
            return Handled::Done;
        }
        Err(e) => return Handled::Retry(format!("database: {e}")),
    };
    let action = match tap.event_key.as_str() {
        APPROVE_KEY => Action::Approve { comment: None },
        REJECT_KEY => Action::Reject {
            reason: None,
            to: None,
        },
        other => {
            tracing::info!(key = %other, "unknown card button; ignored");
            return Handled::Done;
        }
    };
    let origin = Origin {
        card: tap
            .response_code
            .clone()
            .map(|code| (tap.task_id.clone(), code)),
    };
    let instance = match state.store.approvals().get(card.instance_id).await {
        Ok(Some(stored)) => stored.instance,
        Ok(None) => return answer(state, userid, tap, "审批不存在").await,
        Err(e) => return Handled::Retry(format!("database: {e}")),
    };
    // A card asks one member about one step of one round: once that has passed, a tap on
    // it must not decide what the instance asks now.
    if let Some(why) = stale(&card, &instance, userid) {
        return answer(state, userid, tap, why).await;
    }
    let refused = match service::act(
        state,
        card.instance_id,
        &Actor::member(userid),
        action,
        &origin,
    )
    .await
    {
        Ok(_) => return Handled::Done,
        Err(ApprovalError::Action(ActionError::Finished)) => "审批已结束",
        Err(ApprovalError::Action(ActionError::NotPendingApprover)) => "已处理或你不是当前审批人",
        Err(ApprovalError::Action(_)) => "无法处理，请在详情页操作",
        Err(ApprovalError::UnknownInstance) => "审批不存在",
        Err(ApprovalError::Internal(e)) => return Handled::Retry(e.to_string()),
        Err(e) => return Handled::Dead(e.to_string()),
    };
    answer(state, userid, tap, refused).await
}

/// Why `card` no longer applies to `instance`, if it does not.
fn stale(card: &store::ApprovalCard, instance: &Instance, userid: &str) -> Option<&'static str> {
    if card.userid != userid {
        return Some("此卡片不是发给你的");
    }
    if instance.status.is_finished() {
        return Some("审批已结束");
    }
    // Cards are named `ap{id}_{seq}_…` with seq the timeline's length when they were sent;
    // the current round began at its `Submitted` entry.
    let sent_at = card
        .task_id
        .strip_prefix("ap")
        .and_then(|rest| rest.split('_').nth(1))
        .and_then(|seq| seq.parse::<usize>().ok());
    let round_began = instance
        .timeline
        .iter()
        .rposition(|e| matches!(e.kind, EntryKind::Submitted { round } if round == instance.round));
    if let (Some(sent_at), Some(began)) = (sent_at, round_began)
        && sent_at <= began
    {
        return Some("此卡片属于上一轮审批，已失效，请在详情页查看");
    }
    if usize::try_from(card.step).ok() != Some(instance.current) {
        return Some("审批已流转到其他环节，此卡片已失效");
    }
    None
}

/// Tells the tapper, on the tapped card itself, why nothing happened.
async fn answer(state: &AppState, userid: &str, tap: &TemplateCardEvent, refused: &str) -> Handled {
    crate::push::answer_tap(state, userid, tap, refused).await
}
