//! Extractor failures (a malformed JSON body, query, path or form) as the `{code, message}`
//! contract with a Chinese message, instead of actix's plain-text defaults.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::web;
use api::ErrorCode;

use super::ApiError;

/// Longest detail taken from a parser's message: it may quote the caller's input.
const MAX_DETAIL: usize = 160;

/// JSON bodies: the app-wide limit and the contract for every failure.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|e, _| json_error(&e).into())
}

/// Query strings.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|e, _| query_error(&e).into())
}

/// Path segments (an id that is not a number, …).
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|e, _| path_error(&e).into())
}

/// URL-encoded forms.
pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|e, _| form_error(&e).into())
}

fn json_error(e: &JsonPayloadError) -> ApiError {
    match e {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(ErrorCode::PayloadTooLarge)
        }
        JsonPayloadError::ContentType => bad("请求体须为 JSON（Content-Type: application/json）"),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            bad(&format!("请求内容不符合要求：{}", detail(e)))
        }
        JsonPayloadError::Deserialize(_) => bad("请求体不是有效的 JSON"),
        _ => bad("请求体读取失败"),
    }
}

fn query_error(e: &QueryPayloadError) -> ApiError {
    match e {
        QueryPayloadError::Deserialize(e) => bad(&format!("查询参数不正确：{}", detail(e))),
        _ => bad("查询参数不正确"),
    }
}

fn path_error(e: &PathError) -> ApiError {
    match e {
        PathError::Deserialize(e) => bad(&format!("路径参数不正确：{}", detail(e))),
        _ => bad("路径参数不正确"),
    }
}

fn form_error(e: &UrlencodedError) -> ApiError {
    match e {
        UrlencodedError::Overflow { .. } => ApiError::new(ErrorCode::PayloadTooLarge),
        UrlencodedError::ContentType => bad("表单须为 application/x-www-form-urlencoded"),
        UrlencodedError::Parse(e) => bad(&format!("表单内容不正确：{}", detail(e))),
        _ => bad("表单读取失败"),
    }
}

fn bad(message: &str) -> ApiError {
    ApiError::with_message(ErrorCode::BadRequest, message)
}

/// The parser's own words (which field, which type), cut short; serde_json's position
/// suffix is dropped since it means nothing to a person.
fn detail(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    let mut cut: String = text.chars().take(MAX_DETAIL).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_short_and_positionless() {
        let e = serde_json::from_str::<u8>("\"x\"").expect_err("not a number");
        assert_eq!(detail(&e), "invalid type: string \"x\", expected u8");
        let long = "x".repeat(1_000);
        assert_eq!(detail(&long).chars().count(), MAX_DETAIL + 1);
    }
}
