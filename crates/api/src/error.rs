use serde::{Deserialize, Serialize};

/// Every error body: a stable machine code and a human message in Chinese.
///
/// The H5 translates by `code`, never by `message`, so codes never change meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable snake_case code.
    pub code: ErrorCode,
    /// A short explanation for people; never internal details.
    pub message: String,
}

/// Stable error codes. New codes may be added; existing ones keep their meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed (bad JSON, missing or invalid fields).
    BadRequest,
    /// A WeCom callback failed signature, decryption or corp-id checks.
    InvalidCallback,
    /// No session, or it expired.
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// No such resource (or not visible to the caller).
    NotFound,
    /// The change conflicts with the current state (e.g. a duplicate).
    Conflict,
    /// The path exists, but not for this HTTP method.
    MethodNotAllowed,
    /// The request body is larger than allowed.
    PayloadTooLarge,
    /// Too many requests; try again later.
    RateLimited,
    /// A dependency (database, cache, WeCom) is unavailable right now.
    Unavailable,
    /// Something went wrong on our side; details are in the server log.
    Internal,
}

impl ErrorCode {
    /// Every code, so tests can check each one is answered somewhere and the H5 can
    /// translate each.
    pub const ALL: [ErrorCode; 11] = [
        Self::BadRequest,
        Self::InvalidCallback,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::MethodNotAllowed,
        Self::PayloadTooLarge,
        Self::RateLimited,
        Self::Unavailable,
        Self::Internal,
    ];

    /// The default Chinese message for the code.
    pub fn default_message(self) -> &'static str {
        match self {
            Self::BadRequest => "请求格式不正确",
            Self::InvalidCallback => "回调校验失败",
            Self::Unauthenticated => "请先登录",
            Self::Forbidden => "没有权限",
            Self::NotFound => "内容不存在",
            Self::Conflict => "数据已变更，请刷新后重试",
            Self::MethodNotAllowed => "不支持该请求方式",
            Self::PayloadTooLarge => "内容过大",
            Self::RateLimited => "操作过于频繁，请稍后再试",
            Self::Unavailable => "服务暂时不可用，请稍后再试",
            Self::Internal => "服务器内部错误",
        }
    }
}

impl ApiError {
    /// An error with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.default_message().to_owned(),
        }
    }

    /// An error with a specific message.
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding a variant breaks this match until `ALL` lists it too.
    fn position(code: ErrorCode) -> usize {
        match code {
            ErrorCode::BadRequest => 0,
            ErrorCode::InvalidCallback => 1,
            ErrorCode::Unauthenticated => 2,
            ErrorCode::Forbidden => 3,
            ErrorCode::NotFound => 4,
            ErrorCode::Conflict => 5,
            ErrorCode::MethodNotAllowed => 6,
            ErrorCode::PayloadTooLarge => 7,
            ErrorCode::RateLimited => 8,
            ErrorCode::Unavailable => 9,
            ErrorCode::Internal => 10,
        }
    }

    #[test]
    fn all_lists_every_code_once() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(position(*code), i, "{code:?}");
        }
    }

    #[test]
    fn serializes_as_code_and_message() {
        let json = serde_json::to_string(&ApiError::new(ErrorCode::NotFound)).expect("json");
        assert_eq!(json, r#"{"code":"not_found","message":"内容不存在"}"#);
    }
}
