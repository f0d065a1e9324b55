//! Check-in photos on disk, kept under their SHA-256 (key `sha256:<hex>`) at
//! `data_dir/photos/<2 hex>/<hex>`, so the same photo is stored once and a key proves the
//! bytes it names.

pub mod handlers;

use std::io;
use std::path::PathBuf;

use sha2::{Digest as _, Sha256};

use crate::state::AppState;

const PREFIX: &str = "sha256:";

/// How long an upload may be used in a check-in (WeCom keeps a media id as long).
pub const UPLOAD_TTL: std::time::Duration = std::time::Duration::from_secs(3 * 24 * 3600);

/// The cache key that says `userid` uploaded `key` recently.
pub fn upload_mark(key: &str, userid: &str) -> String {
    format!("upload:{userid}:{key}")
}

/// The bytes of upload `key`, when `userid` uploaded it recently (see [`upload_mark`]);
/// `Ok(None)` for a key that is not theirs, has expired or names nothing.
pub async fn own_upload(
    state: &AppState,
    userid: &str,
    key: &str,
) -> anyhow::Result<Option<Vec<u8>>> {
    if state.cache.get(&upload_mark(key, userid)).await?.is_none() {
        return Ok(None);
    }
    Ok(load(state, key).await?)
}

/// Stores `bytes` by content (once); returns the key.
pub async fn store(state: &AppState, bytes: &[u8]) -> io::Result<String> {
    let hex = hex::encode(Sha256::digest(bytes));
    let path = photo_path(state, &hex);
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Written aside under a name of its own (two uploads of one photo may race) and
        // renamed, so a half-written photo never has the final name.
        let partial = path.with_extension(format!("part-{}", crate::auth::new_token()));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
    }
    Ok(format!("{PREFIX}{hex}"))
}

/// The bytes stored under `key`; `None` for a key that is not a SHA-256 key.
pub async fn load(state: &AppState, key: &str) -> io::Result<Option<Vec<u8>>> {
    // Checked so a damaged row can never name a path outside the photo store.
    let Some(hex) = key
        .strip_prefix(PREFIX)
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Ok(None);
    };
    match tokio::fs::read(photo_path(state, hex)).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The MIME type of a stored photo, from its first bytes.
pub fn content_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => "image/jpeg",
        Ok(image::ImageFormat::Png) => "image/png",
        _ => "application/octet-stream",
    }
}

/// Where the photo with SHA-256 `hex` lives.
pub fn photo_path(state: &AppState, hex: &str) -> PathBuf {
    let fan_out = hex.get(..2).unwrap_or("00");
    state
        .settings
        .server
        .data_dir
        .join("photos")
        .join(fan_out)
        .join(hex)
}

/// Largest photo taken from WeCom.
const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// Why a photo from WeCom cannot be kept.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The member's photo is unusable (expired media id, too large, not an image).
    #[error("{0}")]
    Refused(String),
    /// WeCom could not be asked.
    #[error("fetching a photo from WeCom: {0}")]
    WeCom(#[source] wecom::client::Error),
}

impl From<PhotoError> for crate::error::ApiError {
    #[track_caller]
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::Refused(m) => Self::with_message(api::ErrorCode::BadRequest, m),
            PhotoError::WeCom(e) => {
                tracing::warn!(error = %e, "WeCom unavailable for a photo");
                Self::new(api::ErrorCode::Unavailable)
            }
        }
    }
}

/// Downloads one photo, as WeCom gives it (JS-SDK `uploadImage` → media id).
pub async fn fetch_from_wecom(state: &AppState, media_id: &str) -> Result<Vec<u8>, PhotoError> {
    let media = match state.wecom.get_media(media_id).await {
        Ok(media) => media,
        Err(wecom::client::Error::Api { errcode, .. }) => {
            return Err(PhotoError::Refused(format!(
                "照片已失效或不存在（企业微信错误码 {errcode}），请重新拍摄"
            )));
        }
        Err(e) => return Err(PhotoError::WeCom(e)),
    };
    if media.bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::Refused("照片超过 10 MB".into()));
    }
    if !media
        .content_type
        .as_deref()
        .is_none_or(|t| t.starts_with("image/") || t == "application/octet-stream")
    {
        return Err(PhotoError::Refused("只能上传图片".into()));
    }
    Ok(media.bytes)
}

/// A stored photo as an answer: its sniffed type, never guessed by the browser, cached
/// privately for good (the key is the content).
pub fn answer(bytes: Vec<u8>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(content_type(&bytes))
        .insert_header(("Cache-Control", "private, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Encoding", "identity"))
        .body(bytes)
}

/// The photo `key` as an answer (404 when there is none); the caller has checked it
/// belongs to what the member may see.
pub async fn serve(
    state: &AppState,
    key: &str,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    load(state, key)
        .await?
        .map(answer)
        .ok_or_else(|| crate::error::ApiError::new(api::ErrorCode::NotFound))
}
