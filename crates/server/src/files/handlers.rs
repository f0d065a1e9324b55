//! `POST /api/v1/uploads`: a photo taken in a browser outside WeCom (where there is no
//! JS-SDK `uploadImage`), kept by content; the uploader's check-ins (for three days, as
//! with a WeCom media id) and approval attachments name it by the key returned, and `GET /api/v1/uploads/{key}` shows it to signed-in members (the key
//! is the photo's SHA-256: knowing it takes having seen where it is attached).

use std::time::Duration;

use actix_web::{HttpResponse, web};
use api::{ErrorCode, Uploaded};
use cache::{Admission, Window};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::files as photos;
use crate::state::AppState;

/// As large as a photo WeCom would hand over.
const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Registers the route (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/uploads")
            .app_data(web::PayloadConfig::new(MAX_UPLOAD_BYTES))
            .route(web::post().to(upload)),
    )
    .route("/uploads/wecom", web::post().to(from_wecom))
    .route("/uploads/{key}", web::get().to(show));
}

#[derive(Debug, serde::Deserialize)]
struct FromWecom {
    media_id: String,
}

/// A photo taken with the JS-SDK (`uploadImage` → `media_id`), fetched from WeCom now and
/// kept like a browser upload: a media id expires after three days, an approval's photos
/// must not.
async fn from_wecom(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<FromWecom>,
) -> Result<HttpResponse, ApiError> {
    let bytes = photos::fetch_from_wecom(&state, &body.media_id).await?;
    keep_upload(&state, &user, &bytes).await
}

/// A fresh upload, to its uploader only: once attached, a photo is read through what it
/// belongs to (an approval, a task's comment), with that thing's visibility.
async fn show(
    user: CurrentUser,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let bytes = photos::own_upload(&state, user.userid(), &key)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(photos::answer(bytes))
}

async fn upload(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if body.is_empty() {
        return Err(ApiError::with_message(ErrorCode::BadRequest, "照片是空的"));
    }
    keep_upload(&state, &user, &body).await
}

/// Stores a photo by content and lets its uploader use it in check-ins. Judged by the
/// bytes, not a declared type: only photos are kept.
/// Photos one member may upload: a site day's worth, not a script's.
const UPLOADS: [Window; 2] = [
    Window::new(Duration::from_secs(600), 60),
    Window::new(Duration::from_secs(86_400), 600),
];
/// MiB one member may upload a day.
const UPLOAD_MIB_PER_DAY: [Window; 1] = [Window::new(Duration::from_secs(86_400), 1_000)];

/// Counts an upload against the member's quotas (shared by every replica through the
/// cache); over them, a 429 and nothing is stored.
async fn admit_upload(state: &AppState, userid: &str, bytes: usize) -> Result<(), ApiError> {
    let now = state.clock.now_ms();
    let mib = u32::try_from(bytes.div_ceil(1024 * 1024))
        .unwrap_or(u32::MAX)
        .max(1);
    for (key, windows, cost) in [
        (format!("quota:uploads:{userid}"), &UPLOADS[..], 1),
        (
            format!("quota:upload-mib:{userid}"),
            &UPLOAD_MIB_PER_DAY[..],
            mib,
        ),
    ] {
        if let Admission::Denied { .. } = state.cache.admit(&key, now, windows, cost).await? {
            return Err(ApiError::with_message(
                ErrorCode::RateLimited,
                "上传太频繁或今日上传量已满，请稍后再试",
            ));
        }
    }
    Ok(())
}

async fn keep_upload(
    state: &AppState,
    user: &CurrentUser,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    if photos::content_type(body) == "application/octet-stream" {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "只能上传 JPEG 或 PNG 照片",
        ));
    }
    admit_upload(state, user.userid(), body.len()).await?;
    let key = photos::store_upload(state, body).await?;
    // Only the uploader may check in with it, for as long as WeCom keeps a media id: a
    // photo already on record cannot be passed off as new evidence by someone else.
    state
        .cache
        .set(
            &photos::upload_mark(&key, user.userid()),
            "1",
            Some(photos::UPLOAD_TTL),
        )
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot record an upload");
            ApiError::new(ErrorCode::Unavailable)
        })?;
    tracing::info!(userid = %user.userid(), bytes = body.len(), "photo kept");
    Ok(HttpResponse::Created().json(Uploaded { key }))
}
