//! `/api/v1/directory`: the member picker used outside WeCom (inside WeCom the client's own
//! `selectEnterpriseContact` is used).

use actix_web::{HttpResponse, web};
use api::{DepartmentEntry, DirectoryEntry};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::org::personal;
use crate::sealed::{mask_email, mask_mobile};
use crate::state::AppState;

/// Most members one search returns.
const MAX_RESULTS: u32 = 50;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/directory/members", web::get().to(members))
        .route("/directory/departments", web::get().to(departments));
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    limit: Option<u32>,
}

async fn members(
    _user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(20).clamp(1, MAX_RESULTS);
    // A phone number or an email address finds its member through the keyed digests.
    let digests = personal::search_digests(&state.cipher, query.q.trim());
    let found = state.store.org().search(&query.q, &digests, limit).await?;
    let cipher = &state.cipher;
    let entries: Vec<DirectoryEntry> = found
        .into_iter()
        .map(|hit| DirectoryEntry {
            masked_mobile: personal::masked(cipher, hit.mobile.as_deref(), mask_mobile),
            masked_email: personal::masked(
                cipher,
                hit.biz_mail
                    .as_deref()
                    .filter(|m| !m.is_empty())
                    .or(hit.email.as_deref()),
                mask_email,
            ),
            userid: hit.userid,
            name: hit.name,
            position: hit.position,
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}

async fn departments(
    _user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = state.store.org().departments().await?;
    let entries: Vec<DepartmentEntry> = all
        .into_iter()
        .map(|d| DepartmentEntry {
            id: d.id,
            name: d.name,
            parent_id: d.parent_id,
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
