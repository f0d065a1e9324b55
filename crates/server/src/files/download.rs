//! Spreadsheets answered as downloads: saved under a Chinese name by the WeCom webview
//! and current browsers (RFC 6266 `filename*` in UTF-8), with a plain ASCII `filename`
//! for clients that read only that; never cached, never compressed again (an .xlsx is a
//! zip already).

use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpResponse, HttpResponseBuilder};

/// The .xlsx MIME type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx download named `name` (`ascii` for old clients); the caller adds the body
/// (and any header of its own).
pub fn xlsx(ascii: &str, name: &str) -> HttpResponseBuilder {
    let mut answer = HttpResponse::Ok();
    answer
        .content_type(XLSX)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![
                DispositionParam::Filename(ascii.to_owned()),
                DispositionParam::FilenameExt(ExtendedValue {
                    charset: Charset::Ext("UTF-8".to_owned()),
                    language_tag: None,
                    value: name.as_bytes().to_vec(),
                }),
            ],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(header::ContentEncoding::Identity);
    answer
}
