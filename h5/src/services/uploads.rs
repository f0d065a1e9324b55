//! `/uploads`: photos kept by content.

use api::Uploaded;

use super::BASE;
use crate::http::{self, Failure, Method};

/// Uploads photo bytes taken in a browser.
pub async fn upload(content_type: &str, bytes: js_sys::Uint8Array) -> Result<Uploaded, Failure> {
    http::upload("/uploads", content_type, bytes).await
}

/// Has the server keep a photo taken with the JS-SDK (WeCom media ids expire).
pub async fn from_wecom(media_id: &str) -> Result<Uploaded, Failure> {
    let body = serde_json::json!({ "media_id": media_id });
    http::send(Method::Post, "/uploads/wecom", &body).await
}

/// An upload's URL, for an `<img src>`.
pub fn url(key: &str) -> String {
    format!("{BASE}/uploads/{key}")
}
