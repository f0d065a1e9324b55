//! Site check-ins: photos taken through the JS-SDK arrive as WeCom `media_id`s (valid for
//! three days), are fetched with `media/get` and kept under their SHA-256, so the same
//! photo is stored once and a record can prove what was shown.

use std::path::PathBuf;

use api::{CheckinRequest, TaskUpdate};
use sha2::{Digest as _, Sha256};
use store::Checkin;

use super::service::{self, TaskError};
use crate::state::AppState;

/// Photos per check-in.
const MAX_PHOTOS: usize = 9;
/// Largest photo kept.
const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// Stores a check-in on `task_id` by `userid` with its photos; reported progress updates
/// the task too.
pub async fn record(
    state: &AppState,
    task_id: i64,
    userid: &str,
    req: &CheckinRequest,
) -> Result<Checkin, TaskError> {
    if req.media_ids.len() > MAX_PHOTOS {
        return Err(TaskError::Invalid(format!(
            "每次打卡最多 {MAX_PHOTOS} 张照片"
        )));
    }
    if req.note.chars().count() > 2_000 || req.address.chars().count() > 200 {
        return Err(TaskError::Invalid("备注或地址过长".into()));
    }
    if let Some((lat, lng)) = req.location
        && !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng))
    {
        return Err(TaskError::Invalid("位置无效".into()));
    }
    let mut photos = Vec::with_capacity(req.media_ids.len());
    for media_id in &req.media_ids {
        photos.push(fetch_photo(state, media_id).await?);
    }
    if let Some(progress) = req.progress {
        let update = TaskUpdate {
            progress: Some(progress),
            ..TaskUpdate::default()
        };
        service::update(state, task_id, &update).await?;
    }
    let mut checkin = Checkin {
        id: 0,
        task_id,
        userid: userid.to_owned(),
        at_ms: state.clock.now_ms(),
        location: req.location,
        address: req.address.trim().to_owned(),
        note: req.note.trim().to_owned(),
        photos,
        progress: req.progress,
    };
    checkin.id = state.store.tasks().add_checkin(&checkin).await?;
    Ok(checkin)
}

/// Downloads one photo and stores it by content; returns its key `sha256:<hex>`.
async fn fetch_photo(state: &AppState, media_id: &str) -> Result<String, TaskError> {
    let media = match state.wecom.get_media(media_id).await {
        Ok(media) => media,
        Err(wecom::client::Error::Api { errcode, .. }) => {
            return Err(TaskError::Invalid(format!(
                "照片已失效或不存在（企业微信错误码 {errcode}），请重新拍摄"
            )));
        }
        Err(e) => {
            return Err(TaskError::Internal(anyhow::anyhow!(
                "fetching a photo: {e}"
            )));
        }
    };
    if media.bytes.len() > MAX_PHOTO_BYTES {
        return Err(TaskError::Invalid("照片超过 10 MB".into()));
    }
    if !media
        .content_type
        .as_deref()
        .is_none_or(|t| t.starts_with("image/") || t == "application/octet-stream")
    {
        return Err(TaskError::Invalid("只能上传图片".into()));
    }
    let hex = hex::encode(Sha256::digest(&media.bytes));
    let path = photo_path(state, &hex);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(format!("sha256:{hex}"));
    }
    let write = async {
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Written aside and renamed, so a half-written photo never has the final name.
        let partial = path.with_extension("part");
        tokio::fs::write(&partial, &media.bytes).await?;
        tokio::fs::rename(&partial, &path).await
    };
    write
        .await
        .map_err(|e| TaskError::Internal(anyhow::anyhow!("storing a photo: {e}")))?;
    Ok(format!("sha256:{hex}"))
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
