//! `GET /sim/console`: the demo console, one self-contained page (inline CSS and vanilla JS,
//! no external assets) that shows each member's chat with the app and drives `/sim/click`
//! and `/sim/text`. The page is assembled at compile time from `console/`.

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde::Serialize;

use crate::state::Inner;

const PAGE: &str = concat!(
    "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<title>企业微信模拟器 · 控制台</title>\n",
    // No favicon request (it would show up as a 404 call in the log).
    "<link rel=\"icon\" href=\"data:,\">\n<style>\n",
    include_str!("console/console.css"),
    "</style>\n</head>\n",
    include_str!("console/body.html"),
    "<script>\n",
    include_str!("console/console.js"),
    "</script>\n</html>\n",
);

pub(super) fn page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(PAGE)
}

/// One member's line in `GET /sim/message_counts`.
#[derive(Debug, Default, Serialize)]
pub(super) struct Counts {
    messages: usize,
    dropped: usize,
    last_at_ms: i64,
}

/// Deliveries and drops per member (as stored in the directory), for the console's list.
pub(super) fn message_counts(st: &Inner) -> BTreeMap<&str, Counts> {
    let mut out: BTreeMap<&str, Counts> = BTreeMap::new();
    for m in &st.messages {
        let c = out.entry(&m.userid).or_default();
        c.messages += 1;
        c.last_at_ms = c.last_at_ms.max(m.at_ms);
    }
    for d in &st.dropped {
        let c = out.entry(&d.userid).or_default();
        c.dropped += 1;
        c.last_at_ms = c.last_at_ms.max(d.at_ms);
    }
    out
}
