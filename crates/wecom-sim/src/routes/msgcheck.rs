//! Per-msgtype content rules shared by message/send and appchat/send (doc 90236).

use serde_json::{Map, Value};

use super::{ApiErr, err, s};
use crate::codes;
use crate::state::Inner;

/// What the content check learned about a template card.
#[derive(Debug, Default)]
pub(super) struct Checked {
    pub(super) task_id: Option<String>,
    pub(super) response_code: bool,
}

const MEDIA_TTL_MS: i64 = 3 * 86_400_000;
const CARD_TYPES: &[&str] = &[
    "text_notice",
    "news_notice",
    "button_interaction",
    "vote_interaction",
    "multiple_interaction",
];

fn obj<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    m.get(key).and_then(Value::as_object)
}

fn bad(detail: &str) -> ApiErr {
    err(codes::INVALID_PARAM_DETAIL, detail)
}

/// Checks the content of `msgtype`; `cards` allows template_card (message/send only).
pub(super) fn check(
    body: &Map<String, Value>,
    msgtype: &str,
    st: &Inner,
    cards: bool,
) -> Result<Checked, ApiErr> {
    let content = obj(body, msgtype);
    let empty = Map::new();
    let c = content.unwrap_or(&empty);
    match msgtype {
        "text" | "markdown" => {
            let text = s(c, "content");
            if text.is_empty() {
                return Err(err(codes::EMPTY_CONTENT, "content is empty"));
            }
            if text.len() > 2048 {
                return Err(err(codes::CONTENT_TOO_LONG, "content over 2048 bytes"));
            }
        }
        "textcard" => textcard(c)?,
        "image" | "voice" | "video" | "file" => {
            let id = s(c, "media_id");
            if id.is_empty() {
                return Err(err(codes::MISSING_MEDIA_ID, "media_id missing"));
            }
            let now = st.now_ms();
            if st
                .media
                .get(id)
                .is_none_or(|m| m.created_at + MEDIA_TTL_MS <= now)
            {
                return Err(err(codes::INVALID_MEDIA_ID, "unknown or expired media_id"));
            }
        }
        "news" | "mpnews" => {
            let articles = c.get("articles").and_then(Value::as_array);
            let n = articles.map_or(0, Vec::len);
            if !(1..=8).contains(&n) {
                return Err(err(codes::BAD_ARTICLE_COUNT, "articles must be 1..8"));
            }
            let untitled = articles.into_iter().flatten().any(|a| {
                a.get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty()
            });
            if untitled {
                return Err(err(codes::MISSING_TITLE, "article title missing"));
            }
        }
        "template_card" if cards => return template_card(c, content.is_some()),
        _ => {
            return Err(err(
                codes::INVALID_MSGTYPE,
                format!("unsupported msgtype {msgtype}"),
            ));
        }
    }
    Ok(Checked::default())
}

fn textcard(c: &Map<String, Value>) -> Result<(), ApiErr> {
    let (title, desc, url) = (s(c, "title"), s(c, "description"), s(c, "url"));
    if title.is_empty() {
        return Err(err(codes::MISSING_TITLE, "textcard.title missing"));
    }
    if desc.is_empty() {
        return Err(err(
            codes::MISSING_DESCRIPTION,
            "textcard.description missing",
        ));
    }
    if url.is_empty() {
        return Err(err(codes::MISSING_URL, "textcard.url missing"));
    }
    let too_long = title.chars().count() > 128
        || desc.chars().count() > 512
        || url.len() > 2048
        || s(c, "btntxt").chars().count() > 4;
    if too_long {
        return Err(err(
            codes::CONTENT_TOO_LONG,
            "textcard field over its limit",
        ));
    }
    Ok(())
}

fn valid_task_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'@'))
}

fn template_card(c: &Map<String, Value>, present: bool) -> Result<Checked, ApiErr> {
    if !present {
        return Err(bad("template_card missing"));
    }
    let card_type = s(c, "card_type");
    if !CARD_TYPES.contains(&card_type) {
        return Err(bad("template_card.card_type invalid"));
    }
    let interactive = card_type.ends_with("_interaction");
    let has_menu = c.contains_key("action_menu");
    let task_id = c.get("task_id").and_then(Value::as_str);
    match task_id {
        Some(id) if !valid_task_id(id) => {
            return Err(bad("task_id must be 1..128 bytes of [0-9a-zA-Z_-@]"));
        }
        None if interactive || has_menu => return Err(bad("task_id required for this card")),
        _ => {}
    }
    let title = obj(c, "main_title").map_or("", |t| s(t, "title"));
    match card_type {
        "text_notice" | "news_notice" => {
            if title.is_empty() && s(c, "sub_title_text").is_empty() {
                return Err(bad("main_title.title or sub_title_text required"));
            }
            let action = obj(c, "card_action").ok_or_else(|| bad("card_action required"))?;
            let ok = match action.get("type").and_then(Value::as_i64) {
                Some(1) => !s(action, "url").is_empty(),
                Some(2) => !s(action, "appid").is_empty(),
                _ => false,
            };
            if !ok {
                return Err(bad("card_action needs type 1 + url or type 2 + appid"));
            }
        }
        "button_interaction" => {
            if title.is_empty() {
                return Err(bad("main_title.title required"));
            }
            buttons(c)?;
        }
        _ => {
            let submit = obj(c, "submit_button").map_or("", |b| s(b, "key"));
            if submit.is_empty() {
                return Err(bad("submit_button.key required"));
            }
        }
    }
    Ok(Checked {
        task_id: task_id.map(str::to_owned),
        response_code: interactive || has_menu,
    })
}

fn buttons(c: &Map<String, Value>) -> Result<(), ApiErr> {
    let list = c
        .get("button_list")
        .and_then(Value::as_array)
        .filter(|l| (1..=6).contains(&l.len()))
        .ok_or_else(|| bad("button_list must have 1..6 buttons"))?;
    let mut keys = Vec::new();
    for b in list {
        let b = b
            .as_object()
            .ok_or_else(|| bad("button must be an object"))?;
        if s(b, "text").is_empty() {
            return Err(bad("button text required"));
        }
        if b.get("type").and_then(Value::as_i64) == Some(1) {
            if s(b, "url").is_empty() {
                return Err(bad("url button needs url"));
            }
            continue;
        }
        let key = s(b, "key");
        if key.is_empty() || key.len() > 1024 || keys.contains(&key) {
            return Err(bad("button key must be unique and 1..1024 bytes"));
        }
        keys.push(key);
    }
    Ok(())
}

/// The callback button keys of a card (what a click may send as EventKey).
pub(crate) fn button_keys(card: &Value) -> Vec<String> {
    let mut keys: Vec<String> = card
        .get("button_list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|b| b.get("type").and_then(Value::as_i64) != Some(1))
        .filter_map(|b| b.get("key").and_then(Value::as_str).map(str::to_owned))
        .collect();
    if let Some(k) = card.pointer("/submit_button/key").and_then(Value::as_str) {
        keys.push(k.to_owned());
    }
    if let Some(menu) = card
        .pointer("/action_menu/action_list")
        .and_then(Value::as_array)
    {
        keys.extend(
            menu.iter()
                .filter_map(|a| a.get("key").and_then(Value::as_str).map(str::to_owned)),
        );
    }
    keys
}
