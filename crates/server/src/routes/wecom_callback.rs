//! `GET`/`POST /wecom/callback` (the app's 接收消息) and `/wecom/contacts/callback`
//! (the 通讯录同步 event server, with its own Token and EncodingAESKey).
//!
//! GET answers the console's URL verification with the decrypted echostr. POST verifies,
//! decrypts and parses, stores the callback durably (inbox, or the spool when the database
//! is down) and only then answers 200 with an empty body. Handling happens later in the
//! inbox worker, well inside WeCom's 5-second deadline.
//!
//! Both refuse, before anything is stored, a signed `timestamp` further than
//! `wecom.callback_max_skew_secs` from the app's clock (a replay of a captured callback
//! once its dedupe key is gone), and POST refuses a decrypted message that is not one
//! well-formed `<xml>` document or carries a DTD (`wecom::callback::check_message`).

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use api::ErrorCode;
use store::NewInboxItem;
use wecom::callback::{CallbackCrypto, CallbackError, CallbackQuery, Freshness};

use crate::error::ApiError;
use crate::intake::Outcome;
use crate::state::AppState;

/// How long a seen dedupe key short-cuts repeats in the cache; WeCom retries within seconds.
const SEEN_TTL: Duration = Duration::from_secs(600);

/// Which callback configuration a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The app's own callback URL.
    App,
    /// The 通讯录同步 event server.
    Contacts,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::App => "app",
            Source::Contacts => "contacts",
        }
    }

    fn crypto(self, state: &AppState) -> Result<&CallbackCrypto, ApiError> {
        match self {
            Source::App => Ok(&state.app_crypto),
            Source::Contacts => state
                .contacts_crypto
                .as_ref()
                .ok_or_else(|| ApiError::new(ErrorCode::NotFound)),
        }
    }
}

/// Registers both callback URLs.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/wecom/callback",
        web::get().to(|r, s| verify(r, s, Source::App)),
    )
    .route(
        "/wecom/callback",
        web::post().to(|r, s, b| receive(r, s, b, Source::App)),
    )
    .route(
        "/wecom/contacts/callback",
        web::get().to(|r, s| verify(r, s, Source::Contacts)),
    )
    .route(
        "/wecom/contacts/callback",
        web::post().to(|r, s, b| receive(r, s, b, Source::Contacts)),
    );
}

async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    source: Source,
) -> Result<HttpResponse, ApiError> {
    let crypto = source.crypto(&state)?;
    let query = parse_query(req.query_string())?;
    let echo = crypto
        .verify_url_fresh(&query, freshness(&state))
        .map_err(|e| rejected(&state, source, &e))?;
    tracing::info!(source = source.as_str(), "callback URL verified");
    // Exactly the decrypted bytes: no quotes, no newline.
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(echo))
}

async fn receive(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
    source: Source,
) -> Result<HttpResponse, ApiError> {
    let crypto = source.crypto(&state)?;
    let query = parse_query(req.query_string())?;
    let plaintext = crypto
        .open_fresh(&query, &body, freshness(&state))
        .map_err(|e| rejected(&state, source, &e))?;
    let item = inbox_item(source, plaintext, state.clock.now_ms());
    let seen_key = format!("cb:{}", item.dedupe_key);
    if let Ok(Some(_)) = state.cache.get(&seen_key).await {
        state.metrics.callback(&item.kind, "duplicate");
        return Ok(HttpResponse::Ok().finish());
    }
    let kind = item.kind.clone();
    let outcome = state.intake.submit(item).await;
    let label = match outcome {
        Outcome::Stored { duplicate: false } => "stored",
        Outcome::Stored { duplicate: true } => "duplicate",
        Outcome::Spooled => "spooled",
        Outcome::Failed => "failed",
    };
    state.metrics.callback(&kind, label);
    if !outcome.is_durable() {
        return Err(ApiError::new(ErrorCode::Unavailable));
    }
    // Best effort: a cache outage only loses the fast path, the inbox still dedupes.
    let _ = state.cache.set(&seen_key, "1", Some(SEEN_TTL)).await;
    Ok(HttpResponse::Ok().finish())
}

/// The window around the app's clock a signed callback timestamp must fall in.
fn freshness(state: &AppState) -> Freshness {
    Freshness {
        now_secs: state.clock.now_ms().div_euclid(1000),
        max_skew_secs: state.settings.wecom.callback_max_skew_secs,
    }
}

/// Turns decrypted XML into an inbox row. The document is already known to be well-formed
/// `<xml>` without a DTD; one that is not a known event shape is still kept (under a hash
/// of its bytes) so nothing WeCom sent is lost; the worker dead-letters it.
fn inbox_item(source: Source, plaintext: Vec<u8>, now_ms: i64) -> NewInboxItem {
    let (dedupe_key, kind) = match wecom::event::parse(&plaintext, wecom::event::DEFAULT_MAX_LEN) {
        Ok(inbound) => (inbound.dedupe_key(&plaintext), inbound.kind()),
        Err(e) => {
            tracing::warn!(error = %e, "callback XML did not parse; keeping it for review");
            (wecom::event::hash_key(&plaintext), "unparsed".to_owned())
        }
    };
    NewInboxItem {
        source: source.as_str().to_owned(),
        dedupe_key,
        kind,
        payload: String::from_utf8_lossy(&plaintext).into_owned(),
        received_at_ms: now_ms,
    }
}

fn rejected(state: &AppState, source: Source, error: &CallbackError) -> ApiError {
    // A stale timestamp is a replay or a wrong clock, not a forgery: its own reason.
    let reason = match error {
        CallbackError::StaleTimestamp { .. } => "stale_timestamp".to_owned(),
        other => other.official_code().to_string(),
    };
    state.metrics.rejected(source.as_str(), &reason);
    // Forged or misconfigured requests: worth a warning, never the payload or secrets.
    tracing::warn!(
        source = source.as_str(),
        error = %error,
        wecom_code = error.official_code(),
        "callback rejected"
    );
    match error {
        CallbackError::TooLarge { .. } => ApiError::new(ErrorCode::PayloadTooLarge),
        CallbackError::StaleTimestamp { .. } => ApiError::with_message(
            ErrorCode::InvalidCallback,
            "timestamp 不在允许的时间窗内（重放的回调，或服务器时钟不准）",
        ),
        _ => ApiError::new(ErrorCode::InvalidCallback),
    }
}

/// Reads the query string, percent-decoding only: a literal `+` stays `+` (form decoding
/// would turn it into a space and break the signature over Base64 values).
fn parse_query(raw: &str) -> Result<CallbackQuery, ApiError> {
    let mut query = CallbackQuery {
        msg_signature: String::new(),
        timestamp: String::new(),
        nonce: String::new(),
        echostr: None,
    };
    for pair in raw.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(|_| ApiError::new(ErrorCode::BadRequest))?
            .into_owned();
        match key {
            "msg_signature" => query.msg_signature = value,
            "timestamp" => query.timestamp = value,
            "nonce" => query.nonce = value,
            "echostr" => query.echostr = Some(value),
            _ => {}
        }
    }
    if query.msg_signature.is_empty() || query.timestamp.is_empty() || query.nonce.is_empty() {
        return Err(ApiError::with_message(
            ErrorCode::InvalidCallback,
            "缺少 msg_signature、timestamp 或 nonce",
        ));
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_plus_and_decodes_percent() {
        let q =
            parse_query("msg_signature=a&timestamp=1&nonce=2&echostr=ab+c%2Bd%3D%3D").expect("ok");
        assert_eq!(q.echostr.as_deref(), Some("ab+c+d=="));
        assert!(parse_query("timestamp=1&nonce=2").is_err());
    }
}
