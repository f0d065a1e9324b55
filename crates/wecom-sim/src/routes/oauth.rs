//! `GET /connect/oauth2/authorize`: a member picker standing in for the WeCom client.
//!
//! `sim_userid=` (or header `X-Sim-Userid`) skips the page for non-interactive tests.

use std::fmt::Write as _;

use url::Url;

use super::{AUTHORIZE, Ctx, Reply};
use crate::state::{OAuthCode, random_token};

const MAX_LISTED: usize = 100;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn error_page(msg: &str) -> Reply {
    Reply::Html {
        status: 400,
        body: format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>参数错误</title></head><body style=\"font-family:sans-serif;padding:2em\">\
<h2>参数错误</h2><p>{}</p></body></html>",
            esc(msg)
        ),
    }
}

pub(super) fn authorize(ctx: &mut Ctx<'_>) -> Reply {
    let q = |k: &str| ctx.req.q(k).unwrap_or("");
    if q("appid") != ctx.cfg.corp_id {
        return error_page("appid 与企业 CorpID 不一致");
    }
    let redirect = match Url::parse(q("redirect_uri")) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => return error_page("redirect_uri 缺失或不是 http(s) 地址"),
    };
    if q("response_type") != "code" {
        return error_page("response_type 必须为 code");
    }
    let scope = q("scope");
    if !matches!(
        scope,
        "snsapi_base" | "snsapi_privateinfo" | "snsapi_userinfo"
    ) {
        return error_page("scope 不合法");
    }
    let state = q("state");
    if state.len() > 128 || !state.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return error_page("state 只能是 a-zA-Z0-9，且不超过128字节 (84025)");
    }
    let agent = match q("agentid") {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(a) if ctx.cfg.apps.iter().any(|app| app.agent_id == a) => Some(a),
            _ => return error_page("agentid 不合法"),
        },
    };
    if scope == "snsapi_privateinfo" && agent.is_none() {
        return error_page("snsapi_privateinfo 必须填写 agentid");
    }
    let picked = ctx.req.sim_userid.or(ctx.req.q("sim_userid"));
    let Some(userid) = picked else {
        return picker(ctx, agent);
    };
    let Some(pos) = ctx.st.idx.user(userid) else {
        return error_page("成员不存在");
    };
    let userid = ctx.st.org.users[pos].userid.clone();
    let code = random_token(64);
    let issued_at = ctx.st.now_ms();
    ctx.st.oauth_codes.insert(
        code.clone(),
        OAuthCode {
            userid,
            private_info: scope == "snsapi_privateinfo",
            agent_id: agent,
            issued_at,
        },
    );
    let mut target = redirect;
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    Reply::Redirect(target.to_string())
}

/// Query string of this request without the simulator's own parameters.
fn base_query(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    ctx.req
        .query
        .iter()
        .filter(|(k, _)| k != "sim_userid" && k != "sim_q")
        .cloned()
        .collect()
}

fn picker(ctx: &Ctx<'_>, agent: Option<i64>) -> Reply {
    let needle = ctx.req.q("sim_q").unwrap_or("").to_lowercase();
    let scope = agent.map(|a| ctx.st.scope(crate::state::Caller::App(a)));
    let base = base_query(ctx);
    let mut rows = String::new();
    let mut shown = 0;
    for u in &ctx.st.org.users {
        if scope.as_ref().is_some_and(|s| !s.sees_user(u)) {
            continue;
        }
        let dept = ctx
            .st
            .idx
            .dept(u.main_department)
            .map_or("", |i| ctx.st.org.departments[i].name.as_str());
        let hay = format!("{} {} {} {}", u.name, u.userid, dept, u.position).to_lowercase();
        if !needle.is_empty() && !hay.contains(&needle) {
            continue;
        }
        if shown == MAX_LISTED {
            rows.push_str("<li class=\"more\">仅显示前 100 位成员，请输入关键字搜索</li>");
            break;
        }
        shown += 1;
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        ser.extend_pairs(base.iter());
        ser.append_pair("sim_userid", &u.userid);
        let _ = write!(
            rows,
            "<li><a href=\"{AUTHORIZE}?{}\"><b>{}</b><span>{} · {} · {}</span></a></li>",
            esc(&ser.finish()),
            esc(&u.name),
            esc(&u.userid),
            esc(dept),
            esc(&u.position),
        );
    }
    if shown == 0 {
        rows.push_str("<li class=\"more\">没有匹配的成员</li>");
    }
    let hidden: String = base
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                esc(k),
                esc(v)
            )
        })
        .collect();
    Reply::Html {
        status: 200,
        body: format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>企业微信 · 选择身份</title><style>\
body{{font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;margin:0;background:#f5f6f7}}\
header{{background:#2b7de9;color:#fff;padding:14px 16px;font-size:17px}}\
form{{padding:12px 16px;display:flex;gap:8px}}input[type=search]{{flex:1;padding:8px;font-size:15px}}\
ul{{list-style:none;margin:0;padding:0 16px}}li{{background:#fff;margin:6px 0;border-radius:6px}}\
li a{{display:block;padding:10px 12px;color:#222;text-decoration:none}}\
li span{{display:block;color:#888;font-size:13px;margin-top:2px}}li.more{{padding:10px 12px;color:#888}}\
</style></head><body><header>企业微信模拟器 · 网页授权</header>\
<p style=\"padding:0 16px;color:#555\">请选择要以哪位成员身份登录（模拟器页面，真实企业微信会自动识别当前成员）。</p>\
<form method=\"get\" action=\"{AUTHORIZE}\">{hidden}\
<input type=\"search\" name=\"sim_q\" value=\"{}\" placeholder=\"搜索姓名、账号、部门、职务\">\
<button type=\"submit\">搜索</button></form><ul>{rows}</ul></body></html>",
            esc(&needle)
        ),
    }
}
