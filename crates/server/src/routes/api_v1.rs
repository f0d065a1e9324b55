//! `/api/v1`: the JSON API the H5 calls. Every handler takes a [`CurrentUser`].

use actix_web::{HttpResponse, web};
use api::{ErrorCode, JsSdkKind, JsSdkSignature, Me};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Registers the API routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            // Negotiated by Accept-Encoding; already-compressed bodies (xlsx, photos)
            // opt out with `Content-Encoding: identity`.
            // Inside compression, so kept answers are the plain JSON.
            .wrap(actix_web::middleware::from_fn(
                crate::idempotency::middleware,
            ))
            // Outside the idempotency layer: a kept answer only ever goes to a live session.
            .wrap(actix_web::middleware::from_fn(crate::auth::middleware))
            .wrap(actix_web::middleware::Compress::default())
            // Outermost: whatever an inner layer answers as an error leaves as JSON.
            .wrap(actix_web::middleware::from_fn(crate::error::json_errors))
            .route("/me", web::get().to(me))
            .route("/jssdk/signature", web::get().to(jssdk_signature))
            .configure(crate::admin::handlers::configure)
            .configure(crate::admin::audit_log::handlers::configure)
            .configure(crate::approvals::handlers::configure)
            .configure(crate::projects::handlers::configure)
            .configure(crate::leavers::handlers::configure)
            .configure(crate::tasks::handlers::configure)
            .configure(crate::org::handlers::configure)
            .configure(crate::files::handlers::configure)
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::NotFound))
}

async fn me(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // Admins by configuration or by a granted role: the H5 shows them 管理.
    let is_admin = user.is_admin
        || state
            .store
            .roles()
            .of(user.userid())
            .await?
            .iter()
            .any(|r| r == "admin");
    let m = &user.member;
    let mut departments: Vec<i64> = m.departments.iter().map(|d| d.department_id).collect();
    if let Some(main) = m.main_department {
        departments.sort_by_key(|&d| d != main);
    }
    Ok(HttpResponse::Ok().json(Me {
        userid: m.userid.clone(),
        name: m.name.clone(),
        position: m.position.clone(),
        avatar: m.avatar.clone(),
        departments,
        is_admin,
        csrf_token: user.csrf_token.clone(),
        corp_id: state.settings.wecom.corp_id.clone(),
        agent_id: state.settings.wecom.agent_id,
    }))
}

#[derive(Debug, Deserialize)]
struct SignatureQuery {
    url: String,
    kind: JsSdkKind,
}

/// Signs a page URL for `ww.register`. Only pages on Gantry's own (trusted) domain are
/// signed, so the endpoint cannot be used to sign for someone else's page.
async fn jssdk_signature(
    _user: CurrentUser,
    query: web::Query<SignatureQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let page = wecom::jssdk::signable_url(&query.url);
    if !same_origin(page, &state.settings.server.public_url) {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "只能为本应用域名下的页面签名",
        ));
    }
    let ticket = match query.kind {
        JsSdkKind::Config => state.wecom.jsapi_ticket().await,
        JsSdkKind::Agent => state.wecom.agent_config_ticket().await,
    }
    .map_err(|e| {
        tracing::warn!(error = %e, "JS-SDK ticket unavailable");
        ApiError::new(ErrorCode::Unavailable)
    })?;
    let signed = wecom::jssdk::signature_for(&ticket, page, state.clock.now_ms() / 1000);
    Ok(HttpResponse::Ok().json(JsSdkSignature {
        corp_id: state.settings.wecom.corp_id.clone(),
        agent_id: (query.kind == JsSdkKind::Agent).then_some(state.settings.wecom.agent_id),
        timestamp: signed.timestamp,
        nonce_str: signed.nonce_str,
        signature: signed.signature,
    }))
}

fn same_origin(page: &str, public_url: &str) -> bool {
    match (url::Url::parse(page), url::Url::parse(public_url)) {
        (Ok(page), Ok(public)) => page.origin() == public.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn signs_only_our_origin() {
        let ours = "https://gantry.example.com";
        assert!(same_origin("https://gantry.example.com/tasks?x=1", ours));
        assert!(!same_origin("https://gantry.example.com.evil.cn/", ours));
        assert!(!same_origin("http://gantry.example.com/", ours));
        assert!(!same_origin("https://gantry.example.com:8443/", ours));
        assert!(!same_origin("not a url", ours));
    }
}
