//! `Idempotency-Key` on changes: a client that lost an answer (a site network dropping)
//! sends the same request again with the same key and gets the first answer back instead
//! of a second check-in or a second approval. Keys are per member (a queued report may be
//! resent after signing in again); answers are kept a day.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError as _, web};
use api::ErrorCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

const HEADER: &str = "Idempotency-Key";
/// How long an answer is replayed.
const KEEP: Duration = Duration::from_secs(24 * 3600);
/// How long a first request may take before a retry may run it again (a check-in with
/// nine photos fetched from WeCom and stamped can take minutes on a busy server).
const IN_FLIGHT: Duration = Duration::from_secs(600);
/// Answers larger than this are not kept (none of the changes' answers come near).
const MAX_KEPT_BYTES: usize = 256 * 1024;
/// Marks a slot whose first request is still running; the suffix names that request, so
/// only it may store or free the slot.
const PENDING: &str = "pending:";

#[derive(Debug, Serialize, Deserialize)]
struct Kept {
    status: u16,
    content_type: Option<String>,
    body: String,
}

/// A key a client may send: short, and only characters that need no escaping.
pub fn valid_key(key: &str) -> bool {
    (8..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware for `/api/v1`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let changes = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    let (Some(key), true) = (key, changes) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !valid_key(&key) {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "Idempotency-Key 应为 8–100 位字母、数字、- 或 _",
        )
        .into());
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(member) = member_of(&req).await else {
        // Not signed in (only if this runs without the auth layer): nothing to remember.
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let slot = slot(&member, req.method().as_str(), req.path(), &key);
    let mine = format!("{PENDING}{}", crate::auth::new_token());
    match state.cache.set_nx(&slot, &mine, IN_FLIGHT).await {
        Ok(true) => {}
        Ok(false) => return replay(req, &state, &slot).await,
        Err(e) => {
            // Without the cache the request still runs, as it would without a key.
            tracing::warn!(error = %e, "idempotency cache unavailable");
            return Ok(next.call(req).await?.map_into_boxed_body());
        }
    }
    let response = match next.call(req).await {
        Ok(response) => response,
        Err(e) => {
            let _ = state.cache.delete_if_eq(&slot, &mine).await;
            return Err(e);
        }
    };
    keep(&state, &slot, &mine, response).await
}

/// The member whose live session the auth layer (outside this one) already checked.
async fn member_of(req: &ServiceRequest) -> Option<String> {
    CurrentUser::of(req.request())
        .await
        .ok()
        .map(|user| user.userid().to_owned())
}

/// Where the answer to one (member, method, path, key) lives.
fn slot(member: &str, method: &str, path: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{member}\n{method}\n{path}\n{key}"));
    format!("idem:{}", hex::encode(digest))
}

async fn replay(
    req: ServiceRequest,
    state: &AppState,
    slot: &str,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let kept = state.cache.get(slot).await.ok().flatten();
    let response = match kept.as_deref() {
        Some(running) if running.starts_with(PENDING) => busy(),
        // Freed between our try and this look: the first attempt failed; try again later.
        None => busy(),
        Some(json) => match serde_json::from_str::<Kept>(json) {
            Ok(kept) => {
                let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
                let mut builder = HttpResponse::build(status);
                builder.insert_header(("Idempotent-Replayed", "true"));
                if let Some(t) = kept.content_type {
                    builder.insert_header((CONTENT_TYPE, t));
                }
                builder.body(kept.body)
            }
            Err(_) => ApiError::new(ErrorCode::Internal).error_response(),
        },
    };
    Ok(req.into_response(response))
}

/// The first request with this key is still running.
fn busy() -> HttpResponse {
    let mut busy = ApiError::with_message(ErrorCode::Unavailable, "同一请求正在处理中，请稍后")
        .error_response();
    busy.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("2"));
    busy
}

/// Keeps a successful answer for replays; a failed one frees the key so a retry runs again.
/// Only the request that holds the slot (`mine`) stores or frees it.
async fn keep(
    state: &AppState,
    slot: &str,
    mine: &str,
    response: ServiceResponse<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !response.status().is_success() {
        let _ = state.cache.delete_if_eq(slot, mine).await;
        return Ok(response.map_into_boxed_body());
    }
    // Too large to keep: the change is done, so its answer goes out as it is; a retry
    // then finds the slot still held and is told to wait rather than run it again.
    let too_large = match response.response().body().size() {
        actix_web::body::BodySize::Sized(n) => n > MAX_KEPT_BYTES as u64,
        _ => true,
    };
    if too_large {
        return Ok(response.map_into_boxed_body());
    }
    let (req, res) = response.into_parts();
    let status = res.status();
    let content_type = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let headers = res.headers().clone();
    let body = actix_web::body::to_bytes_limited(res.into_body(), MAX_KEPT_BYTES).await;
    let bytes = match body {
        Ok(Ok(bytes)) => bytes,
        _ => {
            let _ = state.cache.delete_if_eq(slot, mine).await;
            return Err(ApiError::new(ErrorCode::Internal).into());
        }
    };
    // Changes answer in JSON; anything else is passed on but not kept.
    let kept = std::str::from_utf8(&bytes).ok().map(|text| Kept {
        status: status.as_u16(),
        content_type,
        body: text.to_owned(),
    });
    // Stored only while the slot is still this request's (it may have outlived IN_FLIGHT).
    match kept.and_then(|k| serde_json::to_string(&k).ok()) {
        Some(json) => match state.cache.get(slot).await {
            Ok(Some(held)) if held == mine => {
                if let Err(e) = state.cache.set(slot, &json, Some(KEEP)).await {
                    tracing::warn!(error = %e, "idempotent answer not kept");
                }
            }
            _ => {}
        },
        None => {
            let _ = state.cache.delete_if_eq(slot, mine).await;
        }
    }
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in &headers {
        rebuilt.append_header((name.clone(), value.clone()));
    }
    Ok(ServiceResponse::new(req, rebuilt.body(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_plain_tokens() {
        assert!(valid_key("18c2f0a-3b9e41"));
        assert!(!valid_key("short"));
        assert!(!valid_key(&"a".repeat(101)));
        assert!(!valid_key("has space in it"));
        assert!(!valid_key("ключ-ключ-ключ"));
    }

    #[test]
    fn slots_differ_by_session_method_path_and_key() {
        let base = slot("s1", "POST", "/api/v1/tasks/1/checkins", "k1234567");
        assert_eq!(
            base,
            slot("s1", "POST", "/api/v1/tasks/1/checkins", "k1234567")
        );
        for other in [
            slot("s2", "POST", "/api/v1/tasks/1/checkins", "k1234567"),
            slot("s1", "PUT", "/api/v1/tasks/1/checkins", "k1234567"),
            slot("s1", "POST", "/api/v1/tasks/2/checkins", "k1234567"),
            slot("s1", "POST", "/api/v1/tasks/1/checkins", "k7654321"),
        ] {
            assert_ne!(base, other);
        }
        assert!(
            !base.contains("s1"),
            "the session token stays out of the cache"
        );
    }
}
