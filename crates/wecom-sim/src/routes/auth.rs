//! OAuth code exchange: `auth/getuserinfo` and `auth/getuserdetail` (docs 91023, 95833).

use serde_json::json;

use super::{ApiErr, ApiResult, Ctx, app_only, err, ok, s};
use crate::codes;
use crate::state::{Caller, UserTicket, random_token};

/// An OAuth code lives 5 minutes unused.
pub(crate) const CODE_TTL_MS: i64 = 5 * 60_000;
const TICKET_TTL_S: i64 = 1800;

/// Who a code identified.
#[derive(Debug)]
enum Identity {
    /// A member, with a user_ticket for snsapi_privateinfo inside the visibility.
    Member(String, Option<String>),
    /// Not a member of the corp.
    Outsider(String),
}

/// Consumes a code.
fn redeem(ctx: &mut Ctx<'_>, caller: Caller) -> Result<Identity, ApiErr> {
    let agent = app_only(caller)?;
    let code = ctx
        .req
        .q("code")
        .ok_or_else(|| err(codes::MISSING_CODE, "code missing"))?
        .to_owned();
    let now = ctx.st.now_ms();
    // Single use: the code is gone whatever happens next.
    let entry = ctx
        .st
        .oauth_codes
        .remove(&code)
        .filter(|c| now - c.issued_at <= CODE_TTL_MS)
        .filter(|c| c.agent_id.is_none_or(|a| a == agent))
        .ok_or_else(|| err(codes::INVALID_OAUTH_CODE, "code unknown, used or expired"))?;
    let Some(pos) = ctx.st.idx.user(&entry.userid) else {
        return Ok(Identity::Outsider(format!("oSim{}", entry.userid)));
    };
    let visible = ctx.st.scope(caller).sees_user(&ctx.st.org.users[pos]);
    let ticket = (entry.private_info && visible).then(|| {
        let t = random_token(86);
        ctx.st.user_tickets.insert(
            t.clone(),
            UserTicket {
                userid: entry.userid.clone(),
                agent_id: agent,
                expires_at: now + TICKET_TTL_S * 1000,
            },
        );
        t
    });
    Ok(Identity::Member(entry.userid, ticket))
}

pub(super) fn getuserinfo(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let (userid, ticket) = match redeem(ctx, caller)? {
        Identity::Member(u, t) => (u, t),
        Identity::Outsider(openid) => {
            return Ok(ok(json!({ "openid": openid, "external_userid": "" })));
        }
    };
    let mut out = json!({ "userid": userid });
    if let Some(t) = ticket {
        out["user_ticket"] = json!(t);
    }
    Ok(ok(out))
}

/// The pre-2022 path answers with capitalised keys (`UserId`, `DeviceId`).
pub(super) fn getuserinfo_legacy(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let (userid, ticket) = match redeem(ctx, caller)? {
        Identity::Member(u, t) => (u, t),
        Identity::Outsider(openid) => {
            return Ok(ok(json!({ "OpenId": openid, "DeviceId": "" })));
        }
    };
    let mut out = json!({ "UserId": userid, "DeviceId": "" });
    if let Some(t) = ticket {
        out["user_ticket"] = json!(t);
    }
    Ok(ok(out))
}

pub(super) fn getuserdetail(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let agent = app_only(caller)?;
    let body = ctx.req.json()?;
    let ticket = s(&body, "user_ticket");
    let entry = ctx
        .st
        .user_tickets
        .get(ticket)
        .filter(|t| t.agent_id == agent)
        .ok_or_else(|| err(codes::USER_TICKET_INVALID, "unknown user_ticket"))?;
    if entry.expires_at <= ctx.st.now_ms() {
        return Err(err(codes::USER_TICKET_EXPIRED, "user_ticket expired"));
    }
    let pos = ctx
        .st
        .idx
        .user(&entry.userid)
        .ok_or_else(|| err(codes::USER_NOT_FOUND, "member no longer exists"))?;
    let u = &ctx.st.org.users[pos];
    Ok(ok(json!({
        "userid": u.userid,
        "gender": u.gender,
        "avatar": u.avatar,
        "qr_code": u.qr_code,
        "mobile": u.mobile,
        "email": u.email,
        "biz_mail": u.biz_mail,
        "address": u.address,
    })))
}
