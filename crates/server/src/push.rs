//! Outbox rows for WeCom messages to one member: the one shape replies, notices, cards
//! and alerts share (the member named as recipient, so their message quota applies).

use store::NewOutboxItem;
use wecom::client::{Message, MessageBody, Recipients};

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
