//! `/api/v1/directory`: the member picker used outside WeCom (inside WeCom the client's own
//! `selectEnterpriseContact` is used).

use actix_web::{HttpResponse, web};
use api::{DepartmentEntry, DirectoryEntry};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
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
    let found = state.store.org().search(&query.q, limit).await?;
    let entries: Vec<DirectoryEntry> = found
        .into_iter()
        .map(|(userid, name, position)| DirectoryEntry {
            userid,
            name,
            position,
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
