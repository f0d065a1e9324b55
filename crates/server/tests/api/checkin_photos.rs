//! Check-in photos through the API: a real JPEG uploaded to wecom-sim as the JS-SDK would,
//! then read back through `GET /api/v1/tasks/{task}/checkins/{id}/photos/{index}`: the
//! untouched original byte for byte, and the stamped copy.

use std::io::Cursor;

use reqwest::header::{
    CACHE_CONTROL, CONTENT_TYPE, COOKIE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::approvals::{Member, call, sign_in};
use crate::helpers::TestApp;

/// A small JPEG of a smooth scene, as a phone would send.
pub(crate) fn site_jpeg(width: u32, height: u32) -> Vec<u8> {
    let scene = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 200])
    });
    let mut out = Cursor::new(Vec::new());
    scene
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encoded");
    out.into_inner()
}

/// Uploads `bytes` to wecom-sim; returns the media id the JS-SDK would hand the H5.
pub(crate) async fn upload(app: &TestApp, bytes: Vec<u8>) -> String {
    app.state
        .wecom
        .upload_media(
            wecom::client::MediaKind::Image,
            "site.jpg",
            bytes,
            "image/jpeg",
        )
        .await
        .expect("uploaded")
        .media_id
}

async fn get(app: &TestApp, who: &Member, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = app
        .http
        .get(format!("{}/api/v1/{path}", app.base_url))
        .header(COOKIE, &who.cookie);
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    request.send().await.expect("sent")
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Files in the photo store.
async fn stored_files(app: &TestApp) -> usize {
    app.state
        .files
        .keys_below("photos")
        .await
        .expect("listed")
        .len()
}

/// The check-in `stored` (the POST's answer) on `task` shows a stamped copy of `uploaded`
/// and keeps `uploaded` itself untouched.
pub(crate) async fn are_stamped_and_kept(
    app: &TestApp,
    who: &Member,
    task: i64,
    stored: &Value,
    uploaded: &[u8],
) {
    let id = stored["id"].as_i64().expect("check-in id");
    let base = format!("tasks/{task}/checkins/{id}/photos");
    let key = |list: &str| stored[list][0].as_str().expect("a photo key").to_owned();
    let (stamped_key, original_key) = (key("photos"), key("originals"));
    assert_ne!(stamped_key, original_key, "{stored}");
    let (_, list) = call(
        app,
        who,
        Method::GET,
        &format!("tasks/{task}/checkins"),
        None,
    )
    .await;
    assert_eq!(list[0]["photos"], json!([stamped_key]), "{list}");
    assert_eq!(list[0]["originals"], json!([original_key]), "{list}");

    let original = get(app, who, &format!("{base}/0?original=1"), None).await;
    assert_eq!(original.status(), StatusCode::OK);
    assert_eq!(header(&original, CONTENT_TYPE), "image/jpeg");
    assert_eq!(header(&original, X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&original, ETAG), format!("\"{original_key}\""));
    let original = original.bytes().await.expect("body");
    assert_eq!(
        &original[..],
        uploaded,
        "the evidence is kept byte for byte"
    );

    let stamped = get(app, who, &format!("{base}/0"), None).await;
    assert_eq!(stamped.status(), StatusCode::OK);
    assert_eq!(header(&stamped, CONTENT_TYPE), "image/jpeg");
    assert_eq!(
        header(&stamped, CACHE_CONTROL),
        "private, max-age=31536000, immutable"
    );
    let etag = header(&stamped, ETAG);
    assert_eq!(etag, format!("\"{stamped_key}\""));
    let stamped = stamped.bytes().await.expect("body");
    assert_ne!(&stamped[..], uploaded);
    let shown = image::load_from_memory_with_format(&stamped, image::ImageFormat::Jpeg)
        .expect("the stamped copy is a JPEG");
    let taken = image::load_from_memory(uploaded).expect("the upload decodes");
    assert_eq!(
        (shown.width(), shown.height()),
        (taken.width(), taken.height())
    );

    let again = get(app, who, &format!("{base}/0"), Some(&etag)).await;
    assert_eq!(
        again.status(),
        StatusCode::NOT_MODIFIED,
        "content addressed"
    );
    for missing in [
        format!("{base}/1"),
        format!("{base}/1?original=1"),
        format!("tasks/{}/checkins/{id}/photos/0", task + 1),
        format!("tasks/{task}/checkins/{}/photos/0", id + 1),
    ] {
        let response = get(app, who, &missing, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    let stranger = sign_in(app, &app.active_user(90)).await;
    let response = get(app, &stranger, &format!("{base}/0?original=1"), None).await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "a project they cannot see"
    );
}

/// A photo that is not an image is refused, and nothing is stored.
pub(crate) async fn a_non_image_is_refused(app: &TestApp, who: &Member, task: i64) {
    let path = format!("tasks/{task}/checkins");
    let files = stored_files(app).await;
    let (_, before) = call(app, who, Method::GET, &path, None).await;
    // A JPEG's first bytes, then nothing a decoder can use.
    let media_id = upload(app, vec![0xFF, 0xD8, 0xFF, 1, 2, 3, 4, 5]).await;
    let (code, refused) = call(
        app,
        who,
        Method::POST,
        &path,
        Some(json!({ "media_ids": [media_id], "progress": 90 })),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("无法识别照片")),
        "{refused}"
    );
    let (_, after) = call(app, who, Method::GET, &path, None).await;
    assert_eq!(before, after, "no check-in recorded");
    assert_eq!(stored_files(app).await, files, "no photo stored");
}
