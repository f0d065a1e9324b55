//! Member actions that produce callbacks: clicking a card, typing a message.

use rand::Rng as _;
use serde_json::Value;

use crate::callback::{self, CallbackDelivery, unix_now};
use crate::config::CallbackTarget;
use crate::error::SimError;
use crate::routes::msgcheck_keys;
use crate::state::{ResponseCode, Sim, random_token};
use crate::xml::{self, CardClick};

/// Builds the `template_card_event` for a click and registers its fresh response code.
/// Returns (plaintext XML, agent id).
pub(crate) fn prepare_click(
    sim: &Sim,
    userid: &str,
    task_id: &str,
    key: &str,
) -> Result<(String, i64), SimError> {
    let no_card = || SimError::NoSuchCard {
        userid: userid.to_owned(),
        task_id: task_id.to_owned(),
    };
    let mut st = sim.lock();
    let pos = st.idx.user(userid).ok_or_else(no_card)?;
    let userid = st.org.users[pos].userid.clone();
    let msg = st
        .messages
        .iter()
        .rev()
        .find(|m| m.userid == userid && m.task_id.as_deref() == Some(task_id) && !m.recalled)
        .ok_or_else(no_card)?;
    let agent = msg.agent_id;
    let mut card = msg.body.get("template_card").cloned().unwrap_or_default();
    let mut closed = false;
    let updates = st.card_updates.iter().filter(|u| {
        u.agent_id == agent && u.task_id.as_deref() == Some(task_id) && u.userids.contains(&userid)
    });
    for up in updates {
        if let Some(tc) = &up.template_card {
            card = tc.clone();
            closed = false;
        } else if up.replace_name.is_some() {
            closed = true;
        }
    }
    let replaced = card
        .get("replace_text")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.is_empty());
    if closed || replaced {
        return Err(SimError::CardClosed {
            userid,
            task_id: task_id.to_owned(),
        });
    }
    if !msgcheck_keys(&card).iter().any(|k| k == key) {
        return Err(SimError::NoSuchButton {
            task_id: task_id.to_owned(),
            key: key.to_owned(),
        });
    }
    let card_type = card
        .get("card_type")
        .and_then(Value::as_str)
        .unwrap_or("button_interaction")
        .to_owned();
    let code = random_token(64);
    let issued_at = st.now_ms();
    st.response_codes.insert(
        code.clone(),
        ResponseCode {
            agent_id: agent,
            task_id: Some(task_id.to_owned()),
            issued_at,
            used: false,
        },
    );
    let click = CardClick {
        from: &userid,
        task_id,
        card_type: &card_type,
        event_key: key,
        response_code: &code,
        agent_id: agent,
    };
    Ok((
        xml::card_click(&sim.config.corp_id, &click, unix_now()),
        agent,
    ))
}

/// A member clicks a button of a card they received; the event goes to `target`.
pub(crate) async fn click_card(
    sim: &Sim,
    target: &CallbackTarget,
    userid: &str,
    task_id: &str,
    key: &str,
) -> Result<CallbackDelivery, SimError> {
    let (xml, agent) = prepare_click(sim, userid, task_id, key)?;
    callback::send(sim, target, &xml, Some(agent)).await
}

/// A fresh 19-digit MsgId.
pub(crate) fn msg_id() -> u64 {
    rand::rng().random_range(1_000_000_000_000_000_000..9_000_000_000_000_000_000)
}

/// A member sends a text message to the first app.
pub(crate) async fn send_text(
    sim: &Sim,
    target: &CallbackTarget,
    userid: &str,
    content: &str,
) -> Result<CallbackDelivery, SimError> {
    let agent = sim.config.apps.first().map_or(0, |a| a.agent_id);
    let xml = xml::text_message(
        &sim.config.corp_id,
        userid,
        content,
        agent,
        msg_id(),
        unix_now(),
    );
    callback::send(sim, target, &xml, Some(agent)).await
}
