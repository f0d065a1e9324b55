//! `message/update_template_card` (doc 94888) and `message/recall` (doc 94867).

use std::collections::HashSet;

use serde_json::{Value, json};

use super::recipients::{Targets, resolve};
use super::{ApiResult, Ctx, app_only, body_agent, err, ok, s};
use crate::codes;
use crate::records::CardUpdate;
use crate::state::Caller;

/// response_code lifetime (CONFLICT in the docs: 72 h current, 24 h older copies).
pub(crate) const RESPONSE_CODE_TTL_MS: i64 = 72 * 3_600_000;
const RECALL_WINDOW_MS: i64 = 24 * 3_600_000;

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| match x {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

pub(super) fn update_template_card(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let body = ctx.req.json()?;
    let agent = body_agent(&body, caller)?;
    let code = s(&body, "response_code").to_owned();
    if code.is_empty() {
        return Err(err(codes::INVALID_PARAM_DETAIL, "response_code missing"));
    }
    let replace_name = body
        .get("button")
        .and_then(|b| b.get("replace_name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let template_card = body.get("template_card").filter(|c| c.is_object()).cloned();
    match (&replace_name, &template_card) {
        (Some(n), _) if n.is_empty() => {
            return Err(err(
                codes::INVALID_PARAM_DETAIL,
                "button.replace_name empty",
            ));
        }
        (None, None) => {
            return Err(err(
                codes::INVALID_PARAM_DETAIL,
                "button or template_card required",
            ));
        }
        _ => {}
    }
    let now = ctx.st.now_ms();
    let entry = ctx
        .st
        .response_codes
        .get(&code)
        .filter(|e| !e.used && e.agent_id == agent && now - e.issued_at <= RESPONSE_CODE_TTL_MS)
        .cloned()
        .ok_or_else(|| {
            err(
                codes::RESPONSE_CODE_INVALID,
                "response_code unknown, used or expired",
            )
        })?;

    let t = Targets {
        users: strings(body.get("userids")),
        all: body.get("atall").and_then(Value::as_i64) == Some(1),
        parties: strings(body.get("partyids")),
        tags: strings(body.get("tagids")),
    };
    if t.users.len() > 1000 {
        return Err(err(codes::INVALID_USER_LIST_LEN, "userids over 1000"));
    }
    if t.parties.len() > 100 || t.tags.len() > 100 {
        return Err(err(
            codes::INVALID_PARTY_LIST_LEN,
            "partyids/tagids over 100",
        ));
    }
    // Members who hold this card; an update reaches no one else.
    let holders: Vec<String> = ctx
        .st
        .messages
        .iter()
        .filter(|m| m.agent_id == agent && m.task_id.is_some() && m.task_id == entry.task_id)
        .map(|m| m.userid.clone())
        .collect();
    let (userids, invalid) = if t.is_empty() {
        (dedup(holders), Vec::new())
    } else {
        let resolved = resolve(ctx.st, &ctx.st.scope(caller), &t);
        let mut invalid = resolved.invalid_users;
        let mut userids = Vec::new();
        for pos in resolved.users {
            let u = &ctx.st.org.users[pos].userid;
            if holders.contains(u) {
                userids.push(u.clone());
            } else {
                invalid.push(u.to_ascii_lowercase());
            }
        }
        (userids, invalid)
    };
    if let Some(e) = ctx.st.response_codes.get_mut(&code) {
        e.used = true;
    }
    ctx.st.card_updates.push(CardUpdate {
        agent_id: agent,
        response_code: code,
        task_id: entry.task_id,
        userids,
        replace_name,
        template_card,
        body: Value::Object(body),
        at_ms: now,
    });
    Ok(ok(json!({ "invaliduser": invalid })))
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|x| seen.insert(x.clone())).collect()
}

pub(super) fn recall(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let agent = app_only(caller)?;
    let body = ctx.req.json()?;
    let msgid = s(&body, "msgid").to_owned();
    let now = ctx.st.now_ms();
    let mut found = false;
    for m in ctx
        .st
        .messages
        .iter_mut()
        .filter(|m| m.msgid == msgid && m.agent_id == agent)
    {
        if m.recalled || now - m.at_ms > RECALL_WINDOW_MS {
            break;
        }
        m.recalled = true;
        found = true;
    }
    if msgid.is_empty() || !found {
        return Err(err(
            codes::RECALL_INVALID_MSGID,
            "msgid unknown, already recalled or older than 24 h",
        ));
    }
    Ok(ok(json!({})))
}
