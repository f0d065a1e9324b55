//! WeCom login: `/auth/wecom/login` → WeCom OAuth → `/auth/wecom/callback` → session
//! cookie → back to the page the member opened. `POST /auth/logout` ends the session.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use api::ErrorCode;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use wecom::client::UserIdentity;
use wecom::oauth::{Scope, authorize_url};

use crate::audit::{self, Actor, Target};
use crate::auth::{self, CurrentUser};
use crate::error::ApiError;
use crate::org::personal;
use crate::org::sync as org_sync;
use crate::state::AppState;

/// An OAuth round trip must finish within this (WeCom's codes live 5 minutes).
const STATE_TTL: Duration = Duration::from_secs(600);

/// Registers the login routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/auth")
            .wrap(actix_web::middleware::from_fn(crate::error::json_errors))
            .route("/wecom/login", web::get().to(login))
            .route("/wecom/callback", web::get().to(callback))
            .route("/logout", web::post().to(logout))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(api::ErrorCode::NotFound))
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    redirect: Option<String>,
}

/// Only paths on this site: anything else would make login an open redirect. Browsers
/// drop tabs and newlines from URLs and read `\\` as `/`, so `/\t/evil.example` would be
/// `//evil.example`: a target with any control character, whitespace or backslash is
/// refused outright, and what is left must resolve to this origin.
fn safe_redirect(redirect: Option<&str>) -> String {
    const HOME: &str = "/";
    let Some(r) = redirect else {
        return HOME.to_owned();
    };
    let suspicious = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if !r.starts_with('/') || r.starts_with("//") || r.chars().any(suspicious) {
        return HOME.to_owned();
    }
    let Ok(base) = url::Url::parse("https://gantry.invalid/") else {
        return HOME.to_owned();
    };
    match base.join(r) {
        Ok(target) if target.origin() == base.origin() => {
            target[url::Position::BeforePath..].to_owned()
        }
        _ => HOME.to_owned(),
    }
}

/// The cookie that ties an OAuth round trip to the browser that started it, so a callback
/// URL handed to someone else signs nobody in.
const STATE_COOKIE: &str = "gantry_oauth";

fn state_cookie(state: &AppState, nonce: &str, ttl: Duration) -> Cookie<'static> {
    Cookie::build(STATE_COOKIE, nonce.to_owned())
        .path("/auth/wecom/callback")
        .http_only(true)
        // Lax: WeCom's redirect back is a top-level GET, which carries it.
        .same_site(SameSite::Lax)
        .secure(state.settings.server.public_url.starts_with("https://"))
        .max_age(CookieDuration::seconds(
            i64::try_from(ttl.as_secs()).unwrap_or(600),
        ))
        .finish()
}

/// What a sign-in's audit row keeps beside the address.
#[derive(Debug, Serialize)]
struct SignIn<'a> {
    /// The browser or WeCom client, as it named itself (cut to 256 characters).
    user_agent: Option<&'a str>,
}

/// What the cache keeps for one OAuth round trip.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    /// The value of the browser's state cookie.
    browser: String,
    /// Where to go once signed in.
    redirect: String,
}

async fn login(
    query: web::Query<LoginQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let redirect = safe_redirect(query.redirect.as_deref());
    let oauth_state = auth::new_token();
    let browser = auth::new_token();
    let pending = serde_json::to_string(&Pending {
        browser: browser.clone(),
        redirect,
    })?;
    state
        .cache
        .set(
            &format!("oauth:state:{oauth_state}"),
            &pending,
            Some(STATE_TTL),
        )
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot keep the OAuth state");
            ApiError::new(ErrorCode::Unavailable)
        })?;
    let settings = &state.settings;
    let scope = if settings.auth.request_private_info {
        Scope::PrivateInfo
    } else {
        Scope::Base
    };
    let redirect_uri = format!(
        "{}/auth/wecom/callback",
        settings.server.public_url.trim_end_matches('/')
    );
    let url = authorize_url(
        &settings.wecom.oauth_base,
        &settings.wecom.corp_id,
        &redirect_uri,
        scope,
        &oauth_state,
        Some(settings.wecom.agent_id),
    )?;
    Ok(HttpResponse::Found()
        .cookie(state_cookie(&state, &browser, STATE_TTL))
        .insert_header((header::LOCATION, url))
        .finish())
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
}

async fn callback(
    req: HttpRequest,
    query: web::Query<CallbackQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let expired =
        || ApiError::with_message(ErrorCode::Unauthenticated, "登录已过期，请重新打开应用");
    let (Some(code), Some(oauth_state)) = (query.code.as_deref(), query.state.as_deref()) else {
        return Err(expired());
    };
    // Single use: only the request that deletes the state may continue.
    let key = format!("oauth:state:{oauth_state}");
    let kept = state
        .cache
        .get(&key)
        .await
        .ok()
        .flatten()
        .ok_or_else(expired)?;
    let pending: Pending = serde_json::from_str(&kept).map_err(|_| expired())?;
    // The browser that asked for this sign-in, and no other, finishes it.
    let browser = req
        .cookie(STATE_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if !bool::from(browser.as_bytes().ct_eq(pending.browser.as_bytes())) {
        tracing::warn!("OAuth callback from a browser that did not start the sign-in");
        return Err(expired());
    }
    if !state.cache.delete_if_eq(&key, &kept).await.unwrap_or(false) {
        return Err(expired());
    }
    let redirect = pending.redirect;
    let identity = state.wecom.get_user_info(code).await.map_err(|e| {
        tracing::warn!(error = %e, "OAuth code rejected");
        expired()
    })?;
    let UserIdentity::Member {
        userid,
        user_ticket,
    } = identity
    else {
        return Err(ApiError::with_message(
            ErrorCode::Forbidden,
            "仅限企业成员使用",
        ));
    };
    let mut member = match state.store.org().member(&userid).await? {
        Some(mut member) => {
            personal::open(&state.cipher, &mut member).warn_unreadable(&userid);
            member
        }
        // Not synced yet (a new hire): read them from WeCom now.
        None => {
            let user = state.wecom.user_get(&userid).await.map_err(|e| {
                tracing::warn!(error = %e, "new member could not be read from WeCom");
                ApiError::new(ErrorCode::Unavailable)
            })?;
            org_sync::member(&user)
        }
    };
    if !member.is_current() {
        return Err(ApiError::with_message(
            ErrorCode::Forbidden,
            "账号已停用或已离职",
        ));
    }
    if let Some(ticket) = user_ticket {
        fill_private_fields(&state, &mut member, &ticket).await;
    }
    let now = state.clock.now_ms();
    let sealed = personal::seal(&state.cipher, &member).map_err(ApiError::internal)?;
    state.store.org().upsert_member(&sealed, now).await?;

    let token = auth::new_token();
    let session = store::NewSession {
        token_hash: auth::hash_token(&token),
        userid: member.userid.clone(),
        csrf_token: auth::new_token(),
        now_ms: now,
        expires_at_ms: now + state.settings.auth.session_hours.saturating_mul(3_600_000),
        ip: req
            .connection_info()
            .realip_remote_addr()
            .map(str::to_owned),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(256).collect()),
    };
    // Who signed in, from where and with what, in the session's own transaction.
    let actor = Actor {
        userid: member.userid.clone(),
        ip: session.ip.clone(),
    };
    let seen = SignIn {
        user_agent: session.user_agent.as_deref(),
    };
    let mut tx = state.store.begin().await?;
    store::Sessions::create_on(&mut tx, &session).await?;
    let target = Target::new("member", &member.userid);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "session.login",
        target,
        audit::NONE,
        Some(&seen),
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    tracing::info!(userid = %member.userid, "member signed in");
    let mut done = state_cookie(&state, "", STATE_TTL);
    done.make_removal();
    Ok(HttpResponse::Found()
        .cookie(auth::session_cookie(&state, &token))
        .cookie(done)
        .insert_header((header::LOCATION, redirect))
        .finish())
}

/// With consent, WeCom shares what the 2022 rules hide from the directory API.
async fn fill_private_fields(state: &AppState, member: &mut domain::org::Member, ticket: &str) {
    match state.wecom.get_user_detail(ticket).await {
        Ok(detail) => {
            member.mobile = detail.mobile.or(member.mobile.take());
            member.email = detail.email.or(member.email.take());
            member.biz_mail = detail.biz_mail.or(member.biz_mail.take());
            member.avatar = detail.avatar.or(member.avatar.take());
            member.address = detail.address.or(member.address.take());
        }
        Err(e) => tracing::warn!(error = %e, "getuserdetail failed; keeping directory fields"),
    }
}

async fn logout(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let actor = Actor::of(&req, &user);
    let mut tx = state.store.begin().await?;
    store::Sessions::revoke_on(&mut tx, &user.session, state.clock.now_ms()).await?;
    let target = Target::new("member", user.userid());
    audit::append(
        &mut tx,
        &state,
        &actor,
        "session.logout",
        target,
        audit::NONE,
        audit::NONE,
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    Ok(HttpResponse::NoContent()
        .cookie(auth::expired_cookie(&state))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::safe_redirect;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_redirect(Some("/tasks/3?x=1")), "/tasks/3?x=1");
        assert_eq!(safe_redirect(Some("/approvals#top")), "/approvals#top");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/\u{0}x",
        ] {
            assert_eq!(safe_redirect(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_redirect(None), "/");
    }
}
