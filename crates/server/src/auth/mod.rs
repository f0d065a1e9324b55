//! Sessions for members signed in through WeCom OAuth, and the extractor every API uses.
//!
//! The cookie holds a random token; the database holds only its SHA-256. Sessions end at an
//! absolute lifetime, after an idle period, on logout or revocation, and as soon as the
//! member is no longer current in the org mirror (left the company).

mod current_user;
mod subject;
mod token;

pub use current_user::{CurrentUser, middleware};
pub use subject::{require, require_on_project, subject};
pub use token::{SESSION_COOKIE, hash_token, new_token};

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};

use crate::state::AppState;

/// The session cookie: HttpOnly, SameSite=Lax, Secure whenever Gantry is served over https.
pub fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.server.public_url.starts_with("https://"))
        .max_age(CookieDuration::hours(state.settings.auth.session_hours))
        .finish()
}

/// A cookie that deletes the session cookie.
pub fn expired_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, "");
    cookie.make_removal();
    cookie
}
