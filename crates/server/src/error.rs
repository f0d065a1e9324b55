//! The one HTTP error type: a status per code, a `{code, message}` body, opaque 500s.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use api::ErrorCode;

/// An error answered to a client. Internal causes are logged where they happen and never
/// put in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(pub api::ApiError);

impl ApiError {
    /// The code with its default Chinese message.
    pub fn new(code: ErrorCode) -> Self {
        Self(api::ApiError::new(code))
    }

    /// The code with a specific message (safe to show).
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(api::ApiError::with_message(code, message))
    }

    /// Logs `cause` and returns an opaque internal error.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %cause, at = %at, "internal error");
        Self::new(ErrorCode::Internal)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.0.code, self.0.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self.0.code {
            ErrorCode::BadRequest | ErrorCode::InvalidCallback => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    // actix's default body is the Display text; ours is always the JSON contract.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(&self.0)
    }
}
