//! WeCom endpoints. Handlers are synchronous and run under the state lock.

mod appchat;
mod auth;
mod card;
mod console;
mod contacts;
pub(crate) mod control;
mod media;
mod message;
mod msgcheck;
mod multipart;
mod oauth;
mod recipients;
mod ticket;
mod token;

use actix_web::http::Method;
use actix_web::web::Bytes;
use serde_json::{Map, Value, json};

use crate::codes;
use crate::config::SimConfig;
use crate::state::{Caller, Inner};

/// The callback button keys of a card (what a click may send as EventKey).
pub(crate) fn msgcheck_keys(card: &Value) -> Vec<String> {
    msgcheck::button_keys(card)
}

/// One request, already read.
#[derive(Debug)]
pub(crate) struct ApiRequest<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: &'a Bytes,
    pub(crate) content_type: Option<&'a str>,
    /// `X-Sim-Userid`: skips the OAuth picker page.
    pub(crate) sim_userid: Option<&'a str>,
}

impl ApiRequest<'_> {
    /// First value of a query parameter, `None` when absent or empty.
    pub(crate) fn q(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The body as a JSON object (47001 otherwise).
    pub(crate) fn json(&self) -> Result<Map<String, Value>, ApiErr> {
        match serde_json::from_slice::<Value>(self.body) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(err(codes::BAD_JSON, "body is not a JSON object")),
        }
    }
}

/// Handler context.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) cfg: &'a SimConfig,
    pub(crate) st: &'a mut Inner,
    pub(crate) req: &'a ApiRequest<'a>,
}

/// What to send back.
#[derive(Debug)]
pub(crate) enum Reply {
    /// HTTP 200 JSON carrying errcode.
    Json(Value),
    /// Raw bytes (media/get).
    Bytes {
        content_type: String,
        filename: String,
        data: Bytes,
    },
    /// An HTML page.
    Html { status: u16, body: String },
    /// HTTP 302.
    Redirect(String),
    /// Not a WeCom endpoint.
    NotFound,
}

/// A WeCom error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiErr {
    pub(crate) code: i64,
    pub(crate) detail: String,
}

pub(crate) fn err(code: i64, detail: impl Into<String>) -> ApiErr {
    ApiErr {
        code,
        detail: detail.into(),
    }
}

/// `{errcode, errmsg}` in WeCom's style (`msg, hint: [...]`).
pub(crate) fn error_json(code: i64, detail: &str) -> Value {
    json!({
        "errcode": code,
        "errmsg": format!("{}, hint: [sim: {detail}]", codes::errmsg(code)),
    })
}

impl ApiErr {
    pub(crate) fn into_json(self) -> Value {
        error_json(self.code, &self.detail)
    }
}

pub(crate) type ApiResult = Result<Value, ApiErr>;

/// Adds `errcode: 0, errmsg: "ok"` to a success object.
pub(crate) fn ok(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("errcode".into(), json!(0));
        m.insert("errmsg".into(), json!("ok"));
    }
    v
}

type Handler = fn(&mut Ctx<'_>, Caller) -> ApiResult;

/// Token-protected JSON endpoints: (path, POST only, handler).
const ROUTES: &[(&str, bool, Handler)] = &[
    ("/cgi-bin/department/list", false, contacts::department_list),
    ("/cgi-bin/department/get", false, contacts::department_get),
    (
        "/cgi-bin/department/simplelist",
        false,
        contacts::department_simplelist,
    ),
    ("/cgi-bin/user/get", false, contacts::user_get),
    ("/cgi-bin/user/simplelist", false, contacts::user_simplelist),
    ("/cgi-bin/user/list", false, contacts::user_list),
    ("/cgi-bin/user/list_id", true, contacts::user_list_id),
    ("/cgi-bin/tag/list", false, contacts::tag_list),
    ("/cgi-bin/tag/get", false, contacts::tag_get),
    ("/cgi-bin/message/send", true, message::send),
    (
        "/cgi-bin/message/update_template_card",
        true,
        card::update_template_card,
    ),
    ("/cgi-bin/message/recall", true, card::recall),
    ("/cgi-bin/auth/getuserinfo", false, auth::getuserinfo),
    ("/cgi-bin/user/getuserinfo", false, auth::getuserinfo_legacy),
    ("/cgi-bin/auth/getuserdetail", true, auth::getuserdetail),
    ("/cgi-bin/user/getuserdetail", true, auth::getuserdetail),
    ("/cgi-bin/get_jsapi_ticket", false, ticket::corp_ticket),
    ("/cgi-bin/ticket/get", false, ticket::agent_ticket),
    ("/cgi-bin/media/upload", true, media::upload),
    ("/cgi-bin/appchat/create", true, appchat::create),
    ("/cgi-bin/appchat/send", true, appchat::send),
    ("/cgi-bin/appchat/get", false, appchat::get),
];

const MEDIA_GET: &str = "/cgi-bin/media/get";
const GETTOKEN: &str = "/cgi-bin/gettoken";
pub(crate) const AUTHORIZE: &str = "/connect/oauth2/authorize";

/// Whether the path is an endpoint the simulator serves (and rate-limits).
pub(crate) fn is_known(path: &str) -> bool {
    path == MEDIA_GET || path == GETTOKEN || ROUTES.iter().any(|r| r.0 == path)
}

/// Handles one WeCom request.
pub(crate) fn route(ctx: &mut Ctx<'_>) -> Reply {
    let path = ctx.req.path;
    if path == AUTHORIZE {
        return oauth::authorize(ctx);
    }
    let result = if path == GETTOKEN {
        token::gettoken(ctx)
    } else if path == MEDIA_GET {
        match auth(ctx).and_then(|caller| media::get(ctx, caller)) {
            Ok(reply) => return reply,
            Err(e) => Err(e),
        }
    } else if let Some((_, post_only, handler)) = ROUTES.iter().find(|r| r.0 == path) {
        if *post_only && ctx.req.method != Method::POST {
            Err(err(codes::REQUIRE_POST, "this API takes POST"))
        } else {
            auth(ctx).and_then(|caller| handler(ctx, caller))
        }
    } else {
        return Reply::NotFound;
    };
    Reply::Json(result.unwrap_or_else(ApiErr::into_json))
}

/// Resolves `access_token` to its owner: 41001 missing, 40014 unknown, 42001 expired.
fn auth(ctx: &Ctx<'_>) -> Result<Caller, ApiErr> {
    let token = ctx
        .req
        .q("access_token")
        .ok_or_else(|| err(codes::MISSING_TOKEN, "access_token missing"))?;
    let info = ctx
        .st
        .tokens
        .get(token)
        .ok_or_else(|| err(codes::INVALID_TOKEN, "unknown access_token"))?;
    if info.expires_at <= ctx.st.now_ms() {
        return Err(err(codes::TOKEN_EXPIRED, "access_token expired"));
    }
    Ok(info.caller)
}

/// 48002 unless the caller is an app; returns its agent id.
pub(crate) fn app_only(caller: Caller) -> Result<i64, ApiErr> {
    match caller {
        Caller::App(a) => Ok(a),
        Caller::Contacts => Err(err(codes::API_FORBIDDEN, "needs an app access_token")),
    }
}

/// The `agentid` field of a body: 41011 missing, 301002 not the token's app.
pub(crate) fn body_agent(body: &Map<String, Value>, caller: Caller) -> Result<i64, ApiErr> {
    let agent = body
        .get("agentid")
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .ok_or_else(|| err(codes::MISSING_AGENTID, "agentid missing"))?;
    match caller {
        Caller::App(a) if a == agent => Ok(agent),
        _ => Err(err(
            codes::WRONG_APP,
            "agentid does not belong to this access_token",
        )),
    }
}

/// A string field of a JSON object ("" when absent).
pub(crate) fn s<'a>(m: &'a Map<String, Value>, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}
