//! `GET /api/v1/tasks/{task}/checkins/{checkin}/photos/{index}`: a check-in photo, the
//! stamped copy by default or the untouched one with `?original=1`. Photos are content
//! addressed, so a URL's answer never changes and may be cached for good.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use api::ErrorCode;
use domain::access::Action as Permission;
use serde::Deserialize;

use super::task_project;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::files as photos;
use crate::state::AppState;

/// Registers the route (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/tasks/{task}/checkins/{checkin}/photos/{index}",
        web::get().to(photo),
    );
}

#[derive(Debug, Deserialize)]
struct PhotoQuery {
    #[serde(default)]
    original: Option<u8>,
}

async fn photo(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64, usize)>,
    query: web::Query<PhotoQuery>,
) -> Result<HttpResponse, ApiError> {
    let (task_id, checkin_id, index) = path.into_inner();
    task_project(&state, &user, task_id, Permission::ViewProject).await?;
    let checkin = state
        .store
        .tasks()
        .checkin(checkin_id)
        .await?
        .filter(|c| c.task_id == task_id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let keys = if query.original.unwrap_or(0) != 0 {
        &checkin.originals
    } else {
        &checkin.photos
    };
    let key = keys
        .get(index)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let etag = format!("\"{key}\"");
    let cache = (
        header::CACHE_CONTROL,
        "private, max-age=31536000, immutable",
    );
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return Ok(HttpResponse::NotModified()
            .insert_header(cache)
            .insert_header((header::ETAG, etag))
            .finish());
    }
    let bytes = photos::load(&state, key)
        .await
        .map_err(|e| ApiError::internal(format!("reading photo {key}: {e}")))?
        .ok_or_else(|| ApiError::internal(format!("photo {key} is missing from the store")))?;
    Ok(HttpResponse::Ok()
        .content_type(photos::content_type(&bytes))
        // Never let a browser guess a type from bytes a member uploaded.
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // JPEG and PNG are compressed already.
        .insert_header(header::ContentEncoding::Identity)
        .insert_header(cache)
        .insert_header((header::ETAG, etag))
        .body(bytes))
}
