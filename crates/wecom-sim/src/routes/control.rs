//! `/sim/...`: JSON controls over HTTP for the demo console and non-Rust tests.

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::faults::FaultSpec;
use crate::interact;
use crate::state::Sim;

fn ok_json(v: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok().json(v)
}

fn bad(msg: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({ "error": msg.to_string() }))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("bad JSON body: {e}"))
}

fn query(req: &HttpRequest, key: &str) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// No `?userid=` filter, or the same member (UserIDs match case-insensitively).
fn is_user(filter: Option<&str>, userid: &str) -> bool {
    filter.is_none_or(|u| userid.eq_ignore_ascii_case(u))
}

#[derive(Debug, Deserialize)]
struct Click {
    userid: String,
    task_id: String,
    key: String,
}

#[derive(Debug, Deserialize)]
struct Text {
    userid: String,
    content: String,
}

#[derive(Debug, Deserialize)]
struct Advance {
    seconds: i64,
}

#[derive(Debug, Deserialize)]
struct UserOnly {
    userid: String,
}

pub(crate) async fn handle(sim: Arc<Sim>, req: &HttpRequest, body: &Bytes) -> HttpResponse {
    route(&sim, req, body).await.unwrap_or_else(bad)
}

/// Err = a 400 with this message.
async fn route(sim: &Sim, req: &HttpRequest, body: &Bytes) -> Result<HttpResponse, String> {
    let get = req.method() == Method::GET;
    Ok(match (get, req.path()) {
        (true, "/sim/config") => ok_json(&json!({
            "corp_id": sim.config.corp_id,
            "contacts_secret": sim.config.contacts_secret,
            "apps": sim.config.apps.iter().map(|a| json!({
                "agent_id": a.agent_id, "secret": a.secret, "new_app_2022": a.new_app_2022,
            })).collect::<Vec<_>>(),
        })),
        (true, "/sim/console") => super::console::page(),
        (true, "/sim/calls") => {
            let path = query(req, "path");
            let limit = match query(req, "limit") {
                Some(l) => Some(l.parse::<usize>().map_err(|_| "limit must be a number")?),
                None => None,
            };
            let st = sim.lock();
            let mut calls: Vec<_> = st
                .calls
                .iter()
                .rev()
                .filter(|c| path.as_ref().is_none_or(|p| &c.path == p))
                .take(limit.unwrap_or(usize::MAX))
                .collect();
            calls.reverse();
            ok_json(&calls)
        }
        (true, "/sim/messages") => {
            let userid = query(req, "userid");
            let st = sim.lock();
            let msgs: Vec<_> = st
                .messages
                .iter()
                .filter(|m| is_user(userid.as_deref(), &m.userid))
                .collect();
            ok_json(&msgs)
        }
        (true, "/sim/dropped") => {
            let userid = query(req, "userid");
            let st = sim.lock();
            let dropped: Vec<_> = st
                .dropped
                .iter()
                .filter(|d| is_user(userid.as_deref(), &d.userid))
                .collect();
            ok_json(&dropped)
        }
        (true, "/sim/card_updates") => {
            let userid = query(req, "userid");
            let st = sim.lock();
            let updates: Vec<_> = st
                .card_updates
                .iter()
                .filter(|u| {
                    userid.is_none() || u.userids.iter().any(|x| is_user(userid.as_deref(), x))
                })
                .collect();
            ok_json(&updates)
        }
        (true, "/sim/message_counts") => ok_json(&super::console::message_counts(&sim.lock())),
        (true, "/sim/appchats") => {
            let st = sim.lock();
            ok_json(&json!({ "chats": st.appchats, "messages": st.appchat_messages }))
        }
        (true, "/sim/org") => ok_json(&sim.lock().org),
        (false, "/sim/faults") => {
            let spec: FaultSpec = parse(body)?;
            let fault = spec.into_fault()?;
            sim.lock().faults.push(fault);
            ok_json(&json!({ "ok": true }))
        }
        (false, "/sim/faults/clear") => {
            sim.lock().faults.clear();
            ok_json(&json!({ "ok": true }))
        }
        (false, "/sim/expire_tokens") => {
            for t in sim.lock().tokens.values_mut() {
                t.expires_at = 0;
            }
            ok_json(&json!({ "ok": true }))
        }
        (false, "/sim/advance") => {
            let a: Advance = parse(body)?;
            let mut st = sim.lock();
            st.offset_ms = st.offset_ms.saturating_add(a.seconds.saturating_mul(1000));
            ok_json(&json!({ "now_ms": st.now_ms() }))
        }
        (false, "/sim/oauth_code") => {
            let u: UserOnly = parse(body)?;
            let code = crate::handle::issue_code(sim, &u.userid, true, None);
            ok_json(&json!({ "code": code }))
        }
        (false, "/sim/click") => {
            let c: Click = parse(body)?;
            let target = sim
                .config
                .callback
                .clone()
                .ok_or("no callback configured")?;
            let d = interact::click_card(sim, &target, &c.userid, &c.task_id, &c.key)
                .await
                .map_err(|e| e.to_string())?;
            ok_json(&d)
        }
        (false, "/sim/text") => {
            let t: Text = parse(body)?;
            let target = sim
                .config
                .callback
                .clone()
                .ok_or("no callback configured")?;
            let d = interact::send_text(sim, &target, &t.userid, &t.content)
                .await
                .map_err(|e| e.to_string())?;
            ok_json(&d)
        }
        _ => HttpResponse::NotFound().json(json!({ "error": "unknown /sim endpoint" })),
    })
}
