//! The one HTTP error type: a status per code, a `{code, message}` body, opaque 500s.

mod bounded;
mod contract;
mod extractors;

pub use bounded::Bounded;
pub use contract::json_errors;
pub use extractors::{form_config, json_config, path_config, query_config};

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

/// The store's verdict decides the status: an outage is 503 (the H5 keeps the submission
/// and sends it again), a unique-key refusal 409, a missing row 404; the rest is a bug.
impl From<store::StoreError> for ApiError {
    #[track_caller]
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                Self::new(ErrorCode::Unavailable)
            }
            store::StoreError::Conflict(_) => Self::new(ErrorCode::Conflict),
            store::StoreError::NotFound => Self::new(ErrorCode::NotFound),
            other => Self::internal(other),
        }
    }
}

impl From<store::sqlx::Error> for ApiError {
    #[track_caller]
    fn from(e: store::sqlx::Error) -> Self {
        store::StoreError::from(e).into()
    }
}

/// An internal failure, unless a store error sits in its chain (then as above).
impl From<anyhow::Error> for ApiError {
    #[track_caller]
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<store::StoreError>() {
            Ok(store) => store.into(),
            Err(other) => Self::internal(format!("{other:#}")),
        }
    }
}

/// Encoding our own values cannot fail on input; when it does it is a bug.
impl From<serde_json::Error> for ApiError {
    #[track_caller]
    fn from(e: serde_json::Error) -> Self {
        Self::internal(e)
    }
}

/// A local file (photo, spool) could not be read or written: our side, not the caller's.
impl From<std::io::Error> for ApiError {
    #[track_caller]
    fn from(e: std::io::Error) -> Self {
        Self::internal(e)
    }
}

/// A spreadsheet we generate failed to build: a bug, never the caller's input.
impl From<rust_xlsxwriter::XlsxError> for ApiError {
    #[track_caller]
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::internal(e)
    }
}

/// The OAuth URL is built from our own settings, which startup validated.
impl From<wecom::oauth::OAuthError> for ApiError {
    #[track_caller]
    fn from(e: wecom::oauth::OAuthError) -> Self {
        Self::internal(e)
    }
}

impl From<cache::CacheError> for ApiError {
    #[track_caller]
    fn from(e: cache::CacheError) -> Self {
        if e.is_unavailable() {
            tracing::warn!(error = %e, "cache unavailable");
            Self::new(ErrorCode::Unavailable)
        } else {
            Self::internal(e)
        }
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
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use api::ErrorCode;

    /// A code that nothing answers is a promise the H5 translates for nothing (the status
    /// table in this file does not count as a use).
    #[test]
    fn every_error_code_is_answered_somewhere() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let table = std::fs::read_to_string(src.join("error/mod.rs")).unwrap_or_default();
        let mut text = String::new();
        crate::tests::read_all(&src, &mut text);
        let text = text.replace(&table, "");
        for code in ErrorCode::ALL {
            let name = format!("ErrorCode::{code:?}");
            assert!(text.contains(&name), "{name} is defined but never answered");
        }
    }
}
