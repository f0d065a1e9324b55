//! Temporary media: `media/upload` and `media/get` (doc section 4.8).

use serde_json::json;

use super::multipart;
use super::{ApiErr, ApiResult, Ctx, Reply, err, ok};
use crate::codes;
use crate::state::{Caller, Media, random_token};

const MB: usize = 1024 * 1024;
/// media_id lifetime.
const MEDIA_TTL_MS: i64 = 3 * 86_400_000;

/// Size limit and error code per type (image: the newer 10 MB reading of the CONFLICT).
fn limit(kind: &str) -> Option<(usize, i64)> {
    match kind {
        "image" => Some((10 * MB, codes::INVALID_IMAGE_SIZE)),
        "voice" => Some((2 * MB, codes::INVALID_FILE_SIZE)),
        "video" => Some((10 * MB, codes::INVALID_VIDEO_SIZE)),
        "file" => Some((20 * MB, codes::INVALID_FILE_SIZE)),
        _ => None,
    }
}

fn default_type(kind: &str) -> &'static str {
    match kind {
        "image" => "image/jpeg",
        "voice" => "audio/amr",
        "video" => "video/mp4",
        _ => "application/octet-stream",
    }
}

pub(super) fn upload(ctx: &mut Ctx<'_>, _caller: Caller) -> ApiResult {
    let kind = ctx
        .req
        .q("type")
        .ok_or_else(|| err(codes::INVALID_TYPE, "type missing"))?
        .to_owned();
    let (max, size_code) =
        limit(&kind).ok_or_else(|| err(codes::INVALID_MEDIA_TYPE, format!("bad type {kind}")))?;
    let boundary = ctx
        .req
        .content_type
        .and_then(multipart::boundary)
        .ok_or_else(|| err(codes::EMPTY_MEDIA, "not multipart/form-data"))?;
    let part = multipart::parse(ctx.req.body, &boundary)
        .into_iter()
        .find(|p| p.name == "media")
        .ok_or_else(|| err(codes::EMPTY_MEDIA, "no form field named media"))?;
    if part.data.len() <= 5 {
        return Err(err(
            codes::INVALID_FILE_SIZE,
            "file must be larger than 5 bytes",
        ));
    }
    if part.data.len() > max {
        return Err(err(size_code, format!("{kind} over {} MB", max / MB)));
    }
    let media_id = format!("3{}", random_token(63));
    let now = ctx.st.now_ms();
    ctx.st.media.insert(
        media_id.clone(),
        Media {
            content_type: part
                .content_type
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| default_type(&kind).to_owned()),
            filename: part.filename.unwrap_or_else(|| format!("{media_id}.bin")),
            data: part.data,
            created_at: now,
        },
    );
    Ok(ok(json!({
        "type": kind,
        "media_id": media_id,
        "created_at": (now / 1000).to_string(),
    })))
}

/// Raw bytes with their Content-Type; unknown or expired ids answer JSON 40007.
pub(super) fn get(ctx: &mut Ctx<'_>, _caller: Caller) -> Result<Reply, ApiErr> {
    let id = ctx
        .req
        .q("media_id")
        .ok_or_else(|| err(codes::MISSING_MEDIA_ID, "media_id missing"))?;
    let now = ctx.st.now_ms();
    let m = ctx
        .st
        .media
        .get(id)
        .filter(|m| m.created_at + MEDIA_TTL_MS > now)
        .ok_or_else(|| err(codes::INVALID_MEDIA_ID, "unknown or expired media_id"))?;
    Ok(Reply::Bytes {
        content_type: m.content_type.clone(),
        filename: m.filename.clone(),
        data: m.data.clone(),
    })
}
