//! `POST /cgi-bin/message/send` (doc 90236).

use serde_json::{Map, Value, json};

use super::msgcheck;
use super::recipients::{Targets, resolve, split_bar};
use super::{ApiResult, Ctx, body_agent, err, error_json, ok, s};
use crate::codes;
use crate::limits::Limits;
use crate::records::{DroppedMessage, SentMessage};
use crate::state::{Caller, DupEntry, ResponseCode, random_token};

const DEFAULT_DUP_INTERVAL_S: i64 = 1800;
const MAX_DUP_INTERVAL_S: i64 = 4 * 3600;

fn targets(body: &Map<String, Value>) -> Targets {
    let users = split_bar(s(body, "touser"));
    // "@all" reaches the app's whole visibility; WeCom then ignores the other lists.
    if users.iter().any(|u| u == "@all") {
        return Targets {
            all: true,
            ..Targets::default()
        };
    }
    Targets {
        users,
        all: false,
        parties: split_bar(&id_list(body.get("toparty"))),
        tags: split_bar(&id_list(body.get("totag"))),
    }
}

/// toparty/totag are strings, but some clients send a bare number for a single id.
fn id_list(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub(super) fn send(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let body = ctx.req.json()?;
    if let Some(a) = body.get("agentid").and_then(Value::as_i64)
        && !ctx.cfg.apps.iter().any(|app| app.agent_id == a)
    {
        return Err(err(codes::INVALID_AGENTID, format!("no app {a}")));
    }
    let agent = body_agent(&body, caller)?;
    let msgtype = s(&body, "msgtype").to_owned();
    if msgtype.is_empty() {
        return Err(err(codes::INVALID_MSGTYPE, "msgtype missing"));
    }
    let t = targets(&body);
    if t.users.len() > 1000 {
        return Err(err(codes::INVALID_USER_LIST_LEN, "touser over 1000"));
    }
    if t.parties.len() > 100 {
        return Err(err(codes::INVALID_PARTY_LIST_LEN, "toparty over 100"));
    }
    if t.tags.len() > 100 {
        return Err(err(codes::INVALID_TAG_LIST_LEN, "totag over 100"));
    }
    if t.is_empty() {
        return Err(err(
            codes::INVALID_PARAM,
            "touser, toparty and totag are all empty",
        ));
    }
    let checked = msgcheck::check(&body, &msgtype, ctx.st, true)?;

    let now = ctx.st.now_ms();
    let dup_key = (body.get("enable_duplicate_check").and_then(Value::as_i64) == Some(1))
        .then(|| (agent, Value::Object(body.clone()).to_string()));
    if let Some(entry) = dup_key.as_ref().and_then(|k| ctx.st.dup_check.get(k))
        && now - entry.at < entry.interval_ms
    {
        // Same content within the interval: same answer, nothing delivered again.
        return Ok(entry.response.clone());
    }

    let resolved = resolve(ctx.st, &ctx.st.scope(caller), &t);
    let invalid = json!({
        "invaliduser": resolved.invalid_users.join("|"),
        "invalidparty": resolved.invalid_parties.join("|"),
        "invalidtag": resolved.invalid_tags.join("|"),
        "unlicenseduser": "",
    });
    if resolved.users.is_empty() {
        let mut e = error_json(codes::ALL_RECIPIENTS_INVALID, "no valid recipient");
        merge(&mut e, &invalid);
        return Ok(e);
    }
    if let Some(task) = &checked.task_id {
        if ctx.st.task_ids.contains(&(agent, task.clone())) {
            return Err(err(
                codes::DUPLICATE_TASK_ID,
                format!("task_id {task} already used"),
            ));
        }
        ctx.st.task_ids.insert((agent, task.clone()));
    }

    let msgid = ctx.st.next_msgid();
    let response_code = checked.response_code.then(|| random_token(64));
    if let Some(code) = &response_code {
        ctx.st.response_codes.insert(
            code.clone(),
            ResponseCode {
                agent_id: agent,
                task_id: checked.task_id.clone(),
                issued_at: now,
                used: false,
            },
        );
    }
    let body_value = Value::Object(body.clone());
    let limits = ctx.cfg.limits;
    for pos in resolved.users {
        let userid = ctx.st.org.users[pos].userid.clone();
        match member_hit(&mut ctx.st.limits, agent, &userid, now, &limits) {
            Ok(()) => ctx.st.messages.push(SentMessage {
                msgid: msgid.clone(),
                agent_id: agent,
                userid,
                msgtype: msgtype.clone(),
                body: body_value.clone(),
                response_code: response_code.clone(),
                task_id: checked.task_id.clone(),
                at_ms: now,
                recalled: false,
            }),
            // WeCom answers errcode 0 and silently drops the excess.
            Err(reason) => ctx.st.dropped.push(DroppedMessage {
                msgid: msgid.clone(),
                agent_id: agent,
                userid,
                reason: format!("member_{reason}"),
                at_ms: now,
            }),
        }
    }
    let mut response = ok(invalid);
    response["msgid"] = json!(msgid);
    if let Some(code) = response_code {
        response["response_code"] = json!(code);
    }
    if let Some(key) = dup_key {
        let secs = body
            .get("duplicate_check_interval")
            .and_then(Value::as_i64)
            .unwrap_or(DEFAULT_DUP_INTERVAL_S)
            .clamp(1, MAX_DUP_INTERVAL_S);
        ctx.st.dup_check.insert(
            key,
            DupEntry {
                at: now,
                interval_ms: secs * 1000,
                response: response.clone(),
            },
        );
    }
    Ok(response)
}

fn member_hit(
    limits: &mut Limits,
    agent: i64,
    userid: &str,
    now: i64,
    cfg: &crate::config::SimLimits,
) -> Result<(), &'static str> {
    limits
        .member
        .entry((agent, userid.to_owned()))
        .or_default()
        .try_hit(now, cfg.member_per_minute, cfg.member_per_hour)
}

fn merge(into: &mut Value, from: &Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        for (k, v) in b {
            a.insert(k.clone(), v.clone());
        }
    }
}
