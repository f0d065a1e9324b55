//! Photos picked in a browser are shrunk before upload, so a site worker on a weak network
//! sends a few hundred KB instead of a 6 MB camera original: long edge at most
//! [`LONG_EDGE`] px, JPEG, with the original's EXIF (capture time and place) carried over
//! (see [`crate::exif`]). WeCom's own camera path is compressed by WeCom.

use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Longest edge of an uploaded photo, px.
pub const LONG_EDGE: u32 = 2048;
/// JPEG quality of the shrunk copy.
const QUALITY: f64 = 0.85;
/// Files at most this large and this wide go as they are.
const SMALL_BYTES: usize = 1024 * 1024;

/// The bytes to upload for `file` and their type: a shrunk JPEG, or the file itself when
/// it is small already or the browser cannot draw it.
pub async fn for_upload(file: &web_sys::File) -> Result<(String, Vec<u8>), String> {
    let original = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "读取照片失败".to_owned())?;
    let original = js_sys::Uint8Array::new(&original).to_vec();
    let kind = if file.type_().is_empty() {
        "image/jpeg".to_owned()
    } else {
        file.type_()
    };
    match shrink(file, original.len()).await {
        Ok(Some(copy)) if copy.len() < original.len() => Ok((
            "image/jpeg".to_owned(),
            crate::exif::carry_exif(&original, &copy),
        )),
        // Small already, or the browser could not: the server still checks the size.
        _ => Ok((kind, original)),
    }
}

/// A JPEG of `file` at most [`LONG_EDGE`] px long; `None` when it is small enough.
async fn shrink(file: &web_sys::File, bytes: usize) -> Result<Option<Vec<u8>>, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    // Decoded upright (EXIF orientation applied), off the main thread where supported.
    let bitmap: web_sys::ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(file)?)
        .await?
        .dyn_into()?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let long = w.max(h);
    if long <= LONG_EDGE && bytes <= SMALL_BYTES {
        return Ok(None);
    }
    let scale = f64::from(LONG_EDGE.min(long)) / f64::from(long.max(1));
    let (cw, ch) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let canvas: web_sys::HtmlCanvasElement = window
        .document()
        .ok_or(JsValue::NULL)?
        .create_element("canvas")?
        .dyn_into()?;
    canvas.set_width(cw);
    canvas.set_height(ch);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.dyn_into()?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(cw),
        f64::from(ch),
    )?;
    bitmap.close();
    let blob = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        let failed = reject.clone();
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call0(&JsValue::NULL)
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if canvas
            .to_blob_with_type_and_encoder_options(
                done.unchecked_ref(),
                "image/jpeg",
                &JsValue::from(QUALITY),
            )
            .is_err()
        {
            let _ = failed.call0(&JsValue::NULL);
        }
    }))
    .await?;
    let blob: web_sys::Blob = blob.dyn_into()?;
    let buffer = JsFuture::from(blob.array_buffer()).await?;
    Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
}
