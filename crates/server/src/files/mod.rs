//! Photos and uploads in the file store ([`crate::file_store`]), kept under their SHA-256
//! (key `sha256:<hex>`) as `photos/<2 hex>/<hex>`, so the same photo is stored once and a
//! key proves the bytes it names.

pub mod download;
pub mod handlers;

use sha2::{Digest as _, Sha256};

use crate::file_store::FileStoreError;
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
    let Some(bytes) = load(state, key).await? else {
        return Ok(None);
    };
    // Used now, so never swept as an unused upload (a use that then fails keeps a file
    // that could have gone: the safe side).
    if let Some(hex) = key.strip_prefix(PREFIX) {
        let now = state.clock.now_ms();
        state
            .store
            .stored_files()
            .kept(&object_key(hex), now)
            .await?;
    }
    Ok(Some(bytes))
}

/// Why a file could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum KeepError {
    /// The file store failed.
    #[error(transparent)]
    Files(#[from] FileStoreError),
    /// Noting it in the database failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<KeepError> for crate::error::ApiError {
    #[track_caller]
    fn from(e: KeepError) -> Self {
        match e {
            KeepError::Files(e) => e.into(),
            KeepError::Store(e) => e.into(),
        }
    }
}

/// Stores `bytes` by content as a record's own file (a check-in photo, its stamped copy),
/// never swept; returns the key.
pub async fn store(state: &AppState, bytes: &[u8]) -> Result<String, KeepError> {
    let (key, object) = put_by_content(state, bytes).await?;
    let now = state.clock.now_ms();
    state.store.stored_files().kept(&object, now).await?;
    Ok(key)
}

/// Stores a member's upload by content: deleted after `files.unused_upload_hours` unless
/// a check-in, comment or approval uses it first ([`own_upload`]); returns the key.
pub async fn store_upload(state: &AppState, bytes: &[u8]) -> Result<String, KeepError> {
    let (key, object) = put_by_content(state, bytes).await?;
    let now = state.clock.now_ms();
    state.store.stored_files().uploaded(&object, now).await?;
    Ok(key)
}

/// Deletes uploads nothing used within `files.unused_upload_hours`; returns how many.
pub async fn sweep_unused_uploads(state: &AppState) -> Result<usize, KeepError> {
    let hours = i64::from(state.settings.files.unused_upload_hours);
    let before = state.clock.now_ms() - hours * 3_600_000;
    let files = state.store.stored_files();
    let mut deleted = 0;
    loop {
        let batch = files.unused_before(before, 500).await?;
        if batch.is_empty() {
            return Ok(deleted);
        }
        for object in &batch {
            // The row goes first and only while still unused, so a use racing the sweep
            // either keeps the file or finds it gone, never half of each.
            if files.forget_unused(object, before).await? {
                state.files.delete(object).await?;
                deleted += 1;
            }
        }
    }
}

/// Puts `bytes` under their SHA-256 once; returns the key and the object's name.
async fn put_by_content(
    state: &AppState,
    bytes: &[u8],
) -> Result<(String, String), FileStoreError> {
    let hex = hex::encode(Sha256::digest(bytes));
    let object = object_key(&hex);
    // The same bytes under the same name: a second writer racing the first changes nothing.
    if !state.files.exists(&object).await? {
        state.files.put(&object, bytes.to_vec()).await?;
    }
    Ok((format!("{PREFIX}{hex}"), object))
}

/// The bytes stored under `key`; `None` for a key that is not a SHA-256 key or names
/// nothing.
pub async fn load(state: &AppState, key: &str) -> Result<Option<Vec<u8>>, FileStoreError> {
    // Checked so a damaged row can never name anything outside the photo folder.
    let Some(hex) = key
        .strip_prefix(PREFIX)
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Ok(None);
    };
    state.files.get(&object_key(hex)).await
}

/// The MIME type of a stored photo, from its first bytes.
pub fn content_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => "image/jpeg",
        Ok(image::ImageFormat::Png) => "image/png",
        _ => "application/octet-stream",
    }
}

/// The store's name for the photo with SHA-256 `hex`: `photos/<2 hex>/<hex>`, which a
/// local store keeps at `data_dir/photos/…` as earlier versions did.
pub fn object_key(hex: &str) -> String {
    let fan_out = hex.get(..2).unwrap_or("00");
    format!("photos/{fan_out}/{hex}")
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
