//! `CurrentUser`: the signed-in member, or a 401/403 before the handler runs.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, web};
use api::ErrorCode;
use domain::org::Member;
use subtle::ConstantTimeEq as _;

use super::{SESSION_COOKIE, hash_token};
use crate::error::ApiError;
use crate::state::AppState;

/// Activity is written back at most this often, so reads do not all become writes.
const TOUCH_EVERY_MS: i64 = 60_000;
/// Header that must carry the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The member behind the request's session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The member as the org mirror has them.
    pub member: Member,
    /// A Gantry system admin.
    pub is_admin: bool,
    /// The session's CSRF token (for `/api/v1/me`).
    pub csrf_token: String,
    /// The session's token hash (for logout).
    pub session: String,
}

impl CurrentUser {
    /// The member's UserID.
    pub fn userid(&self) -> &str {
        &self.member.userid
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // A middleware that already checked the session (idempotency) left the answer.
        if let Some(user) = req.extensions().get::<CurrentUser>().cloned() {
            return Box::pin(std::future::ready(Ok(user)));
        }
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

impl CurrentUser {
    /// Checks the request's session as the extractor does (live, not idle, a current
    /// member, CSRF on changes) and keeps the answer on the request for the extractor.
    pub async fn of(req: &HttpRequest) -> Result<CurrentUser, ApiError> {
        if let Some(user) = req.extensions().get::<CurrentUser>().cloned() {
            return Ok(user);
        }
        let user = authenticate(req).await?;
        req.extensions_mut().insert(user.clone());
        Ok(user)
    }
}

/// Middleware for `/api/v1`, where every route is for signed-in members: the session is
/// checked before any other extractor runs, so a dead session is always a 401 (never a
/// validation error from a body or query checked while the session lookup waits).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    CurrentUser::of(req.request()).await?;
    next.call(req).await
}

async fn authenticate(req: &HttpRequest) -> Result<CurrentUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let token = req
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let hash = hash_token(&token);
    let store = &state.store;
    let session = store
        .sessions()
        .get(&hash)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let now = state.clock.now_ms();
    let idle_ms = state.settings.auth.idle_hours.saturating_mul(3_600_000);
    if session.revoked_at_ms.is_some()
        || session.expires_at_ms <= now
        || session.last_seen_at_ms.saturating_add(idle_ms) <= now
    {
        return Err(ApiError::with_message(
            ErrorCode::Unauthenticated,
            "登录已过期，请重新打开应用",
        ));
    }
    let member = store
        .org()
        .member(&session.userid)
        .await
        .map_err(unavailable)?;
    let Some(member) = member.filter(Member::is_current) else {
        // Left the company (or vanished from the directory): end every session of theirs.
        let _ = store.sessions().revoke_user(&session.userid, now).await;
        return Err(ApiError::with_message(
            ErrorCode::Unauthenticated,
            "账号已停用或已离职",
        ));
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !bool::from(sent.ct_eq(session.csrf_token.as_bytes())) {
            return Err(ApiError::with_message(
                ErrorCode::Forbidden,
                "请求校验失败，请刷新页面后重试",
            ));
        }
    }
    if now - session.last_seen_at_ms >= TOUCH_EVERY_MS {
        let _ = store.sessions().touch(&hash, now).await;
    }
    let is_admin = state
        .settings
        .auth
        .admins
        .iter()
        .any(|a| a == &member.userid);
    Ok(CurrentUser {
        member,
        is_admin,
        csrf_token: session.csrf_token,
        session: hash,
    })
}

fn unavailable(e: store::StoreError) -> ApiError {
    tracing::warn!(error = %e, "session lookup failed");
    ApiError::new(ErrorCode::Unavailable)
}
