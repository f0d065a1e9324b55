//! JS-SDK tickets (doc 90506) with their hourly quotas.

use serde_json::json;

use super::{ApiResult, Ctx, app_only, err, ok};
use crate::codes;
use crate::limits::HOUR;
use crate::state::{Caller, random_token};

fn ticket_json() -> serde_json::Value {
    ok(json!({ "ticket": random_token(86), "expires_in": 7200 }))
}

/// Corp ticket: ≤400/h per corp and ≤100/h per app (45009; real code UNVERIFIED).
pub(super) fn corp_ticket(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let agent = app_only(caller)?;
    let now = ctx.st.now_ms();
    let l = ctx.cfg.limits;
    let limits = &mut ctx.st.limits;
    let app = limits.corp_ticket_app.entry(agent).or_default();
    if !limits
        .corp_ticket_corp
        .allows(now, HOUR, l.corp_ticket_per_corp_hour)
        || !app.allows(now, HOUR, l.corp_ticket_per_app_hour)
    {
        return Err(err(codes::FREQ_LIMIT, "jsapi_ticket hourly quota exceeded"));
    }
    app.hit(now);
    limits.corp_ticket_corp.hit(now);
    Ok(ticket_json())
}

/// App ticket (`type=agent_config`): ≤100/h per app.
pub(super) fn agent_ticket(ctx: &mut Ctx<'_>, caller: Caller) -> ApiResult {
    let agent = app_only(caller)?;
    if ctx.req.q("type") != Some("agent_config") {
        return Err(err(codes::INVALID_TYPE, "type must be agent_config"));
    }
    let now = ctx.st.now_ms();
    let per_hour = ctx.cfg.limits.agent_ticket_per_app_hour;
    let window = ctx.st.limits.agent_ticket_app.entry(agent).or_default();
    if !window.try_hit(now, HOUR, per_hour) {
        return Err(err(
            codes::FREQ_LIMIT,
            "agent_config ticket hourly quota exceeded",
        ));
    }
    Ok(ticket_json())
}
