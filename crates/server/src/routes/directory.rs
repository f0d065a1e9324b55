//! `/api/v1/directory`: the member picker used outside WeCom (inside WeCom the client's own
//! `selectEnterpriseContact` is used).

use actix_web::{HttpResponse, web};
use api::DirectoryEntry;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Most members one search returns.
const MAX_RESULTS: u32 = 50;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/directory/members", web::get().to(members));
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
    let found = state
        .store
        .org()
        .search(&query.q, limit)
        .await
        .map_err(ApiError::internal)?;
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
