//! `GET /cgi-bin/gettoken` (doc 91039).

use serde_json::json;

use super::{ApiResult, Ctx, err, ok};
use crate::codes;
use crate::state::{Caller, Token, random_token};

/// Issues a fresh token per call; earlier tokens stay valid until they expire.
pub(super) fn gettoken(ctx: &mut Ctx<'_>) -> ApiResult {
    let corpid = ctx
        .req
        .q("corpid")
        .ok_or_else(|| err(codes::MISSING_CORPID, "corpid missing"))?;
    let secret = ctx
        .req
        .q("corpsecret")
        .ok_or_else(|| err(codes::MISSING_SECRET, "corpsecret missing"))?;
    if corpid != ctx.cfg.corp_id {
        return Err(err(codes::INVALID_CORPID, "unknown corpid"));
    }
    let caller = if secret == ctx.cfg.contacts_secret {
        Caller::Contacts
    } else if let Some(app) = ctx.cfg.apps.iter().find(|a| a.secret == secret) {
        Caller::App(app.agent_id)
    } else {
        return Err(err(
            codes::INVALID_SECRET,
            "corpsecret does not match any app",
        ));
    };
    let ttl_ms = i64::try_from(ctx.cfg.token_ttl.as_millis()).unwrap_or(i64::MAX);
    // Real tokens are opaque and long; 96 characters keeps clients from assuming a size.
    let token = random_token(96);
    let expires_at = ctx.st.now_ms().saturating_add(ttl_ms);
    ctx.st
        .tokens
        .insert(token.clone(), Token { caller, expires_at });
    Ok(ok(json!({
        "access_token": token,
        "expires_in": ctx.cfg.token_ttl.as_secs(),
    })))
}
