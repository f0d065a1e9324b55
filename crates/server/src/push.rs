//! Outbox rows for WeCom messages to one member (the one shape replies, notices, cards
//! and alerts share; the member is named so their message quota applies), and for
//! greying out a card with a response code in hand.

use store::NewOutboxItem;
use wecom::client::{Message, MessageBody, Recipients, UpdateCard};

use crate::state::AppState;

/// A `message` row sending `body` to `userid` once, under `key`.
pub fn to_member(
    state: &AppState,
    key: String,
    userid: &str,
    body: MessageBody,
) -> Result<NewOutboxItem, serde_json::Error> {
    let message = Message::new(Recipients::users([userid.to_owned()]), body);
    Ok(NewOutboxItem {
        idempotency_key: key,
        kind: "message".into(),
        agent_id: state.settings.wecom.agent_id,
        recipient: Some(userid.to_owned()),
        payload: serde_json::to_string(&message)?,
        not_before_ms: 0,
    })
}

/// A `card_update` row: `userid`'s card, answered with `response_code`, shows `text`
/// instead of its buttons.
pub fn card_update(
    state: &AppState,
    key: String,
    userid: &str,
    response_code: String,
    text: String,
) -> Result<NewOutboxItem, serde_json::Error> {
    let update = UpdateCard::replace_button(vec![userid.to_owned()], response_code, text);
    Ok(NewOutboxItem {
        idempotency_key: key,
        kind: "card_update".into(),
        agent_id: state.settings.wecom.agent_id,
        recipient: None,
        payload: serde_json::to_string(&update)?,
        not_before_ms: 0,
    })
}

/// Answers a tap on `userid`'s card with `text` in place of its buttons, using the tap's
/// own response code (a tap without one is left as it is): the decision, or why nothing
/// happened.
pub async fn answer_tap(
    state: &AppState,
    userid: &str,
    tap: &wecom::event::TemplateCardEvent,
    text: &str,
) -> crate::intake::Handled {
    use crate::intake::Handled;
    let Some(code) = tap.response_code.clone() else {
        return Handled::Done;
    };
    let key = format!("tapanswer:{}:{code}", tap.task_id);
    let item = match card_update(state, key, userid, code, text.to_owned()) {
        Ok(item) => item,
        Err(e) => return Handled::Dead(format!("cannot encode card update: {e}")),
    };
    match state
        .store
        .outbox()
        .enqueue_now(&item, state.clock.now_ms())
        .await
    {
        Ok(_) => Handled::Done,
        Err(e) => Handled::Retry(format!("database: {e}")),
    }
}
