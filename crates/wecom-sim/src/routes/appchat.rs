//! App group chats: `appchat/create`, `appchat/send`, `appchat/get` (docs 90245/90248).

use serde_json::{Value, json};

use super::{ApiErr, ApiResult, Ctx, app_only, err, msgcheck, ok, s};
use crate::codes;
use crate::config::Visibility;
use crate::limits::DAY;
use crate::records::{AppChat, AppChatMessage};
use crate::state::{Caller, random_token};

/// Only apps whose visibility is the root department may use group chats.
fn root_app(ctx: &Ctx<'_>, caller: Caller) -> Result<i64, ApiErr> {
    let agent = app_only(caller)?;
    let root = ctx.cfg.apps.iter().any(|a| {
        a.agent_id == agent
            && match &a.visibility {
                Visibility::Root => true,
                Visibility::Departments(d) => d.contains(&1),
                Visibility::Users(_) => false,
            }
    });
    if !root {
        return Err(err(
            codes::API_FORBIDDEN,
            "appchat needs root-department visibility",
        ));
    }
    Ok(agent)
}

fn valid_chatid(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

pub(super) fn create(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let agent = root_app(ctx, caller)?;
    let body = ctx.req.json()?;
    let name = s(&body, "name").to_owned();
    if name.chars().count() > 50 {
        return Err(err(codes::INVALID_CHAT_NAME, "name over 50 characters"));
    }
    let userlist: Vec<String> = body
        .get("userlist")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    // CONFLICT in the docs (500 vs 2000): the newer 2000 is used.
    if !(2..=2000).contains(&userlist.len()) {
        return Err(err(
            codes::CHAT_MEMBER_COUNT,
            "userlist must have 2..2000 members",
        ));
    }
    let mut members = Vec::with_capacity(userlist.len());
    for u in &userlist {
        let pos = ctx
            .st
            .idx
            .user(u)
            .ok_or_else(|| err(codes::INVALID_CHAT_MEMBER, format!("unknown member {u}")))?;
        members.push(ctx.st.org.users[pos].userid.clone());
    }
    let owner = match s(&body, "owner") {
        "" => members[0].clone(),
        o => members
            .iter()
            .find(|m| m.eq_ignore_ascii_case(o))
            .cloned()
            .ok_or_else(|| err(codes::INVALID_CHAT_OWNER, "owner must be in userlist"))?,
    };
    let chatid = match s(&body, "chatid") {
        "" => random_token(32),
        c if valid_chatid(c) && !ctx.st.appchats.iter().any(|x| x.chatid == c) => c.to_owned(),
        _ => return Err(err(codes::INVALID_CHATID, "chatid invalid or already used")),
    };
    let now = ctx.st.now_ms();
    let per_day = ctx.cfg.limits.appchat_create_per_day;
    if !ctx.st.limits.appchat_create.try_hit(now, DAY, per_day) {
        return Err(err(
            codes::FREQ_LIMIT,
            "appchat/create daily quota exceeded",
        ));
    }
    ctx.st.appchats.push(AppChat {
        chatid: chatid.clone(),
        name,
        owner,
        userlist: members,
        agent_id: agent,
    });
    Ok(ok(json!({ "chatid": chatid })))
}

pub(super) fn send(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let agent = root_app(ctx, caller)?;
    let body = ctx.req.json()?;
    let chatid = s(&body, "chatid").to_owned();
    if !ctx.st.appchats.iter().any(|c| c.chatid == chatid) {
        return Err(err(codes::CHATID_NOT_FOUND, "chatid not found"));
    }
    let msgtype = s(&body, "msgtype").to_owned();
    msgcheck::check(&body, &msgtype, ctx.st, false)?;
    let now = ctx.st.now_ms();
    ctx.st.appchat_messages.push(AppChatMessage {
        chatid,
        agent_id: agent,
        msgtype,
        body: Value::Object(body),
        at_ms: now,
    });
    Ok(ok(json!({})))
}

pub(super) fn get(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    root_app(ctx, caller)?;
    let id = ctx.req.q("chatid").unwrap_or("");
    let chat = ctx
        .st
        .appchats
        .iter()
        .find(|c| c.chatid == id)
        .ok_or_else(|| err(codes::CHATID_NOT_FOUND, "chatid not found"))?;
    Ok(ok(json!({
        "chat_info": { "chatid": chat.chatid, "name": chat.name, "owner": chat.owner,
                       "userlist": chat.userlist }
    })))
}
