//! Errors of the API client and the retry advice derived from them.

use std::time::Duration;

use super::api;

/// WeCom `errcode` values that drive control flow (doc 90313).
///
/// Branch on these, never on `errmsg` text: the text is localised and changes.
pub mod errcode {
    /// 系统繁忙: back off and retry.
    pub const ERR_BUSY: i64 = -1;
    /// Invalid secret (from gettoken) or invalid credential (from other calls).
    pub const INVALID_SECRET: i64 = 40001;
    /// Invalid `corpid` (from gettoken): a configuration error.
    pub const INVALID_CORPID: i64 = 40013;
    /// Invalid access_token.
    pub const INVALID_TOKEN: i64 = 40014;
    /// Invalid or already used OAuth `code`.
    pub const INVALID_CODE: i64 = 40029;
    /// access_token expired.
    pub const TOKEN_EXPIRED: i64 = 42001;
    /// API call frequency exceeded.
    pub const FREQ_LIMIT: i64 = 45009;
    /// API concurrency exceeded.
    pub const CONCURRENCY_LIMIT: i64 = 45033;
    /// API not permitted for this token.
    pub const API_FORBIDDEN: i64 = 48002;
    /// `redirect_uri` is not a trusted domain.
    pub const REDIRECT_NOT_TRUSTED: i64 = 50001;
    /// Member, department or tag outside the app's visibility.
    pub const OUT_OF_SCOPE: i64 = 60011;
    /// Caller IP is not in 企业可信IP.
    pub const IP_NOT_TRUSTED: i64 = 60020;
    /// Every recipient of a message was invalid.
    pub const ALL_RECIPIENTS_INVALID: i64 = 81013;
    /// The token belongs to another app than the `agentid` sent.
    pub const WRONG_APP_TOKEN: i64 = 301002;
}

/// What a caller should do about a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAdvice {
    /// Retrying cannot help (bad request, configuration, permissions).
    Never,
    /// Transient: retry later with backoff. For non-idempotent calls (message/send)
    /// see [`Error::outcome_unknown`] first.
    Backoff,
    /// The access_token was rejected. The client already refreshed and replayed once,
    /// so seeing this from a client method means the fresh token was rejected too.
    RefreshToken,
}

/// A failure from the token store (see [`super::TokenStore`]).
#[derive(Debug, thiserror::Error)]
#[error("token store: {message}")]
pub struct StoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// A store error with a message only.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A store error wrapping the backend's error.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}

/// Any failure of a WeCom API call. `api` is the request path, e.g. `/cgi-bin/message/send`.
///
/// Messages never contain secrets or tokens: URLs are stripped from transport errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// WeCom answered with a non-zero `errcode`.
    #[error("{api}: errcode {errcode}: {errmsg}")]
    Api {
        /// Request path.
        api: &'static str,
        /// WeCom error code (see [`errcode`]).
        errcode: i64,
        /// WeCom's message, for humans only.
        errmsg: String,
    },
    /// A non-2xx HTTP status.
    #[error("{api}: HTTP status {status}")]
    Http {
        /// Request path.
        api: &'static str,
        /// HTTP status code.
        status: u16,
    },
    /// The request timed out; it may or may not have reached WeCom.
    #[error("{api}: timed out")]
    Timeout {
        /// Request path.
        api: &'static str,
    },
    /// Connection or protocol failure below HTTP.
    #[error("{api}: transport error: {source}")]
    Transport {
        /// Request path.
        api: &'static str,
        /// The underlying error, with its URL removed (it carries the token).
        #[source]
        source: reqwest::Error,
    },
    /// The body was not the expected JSON (or lacked `errcode`).
    #[error("{api}: cannot decode response: {message}")]
    Decode {
        /// Request path.
        api: &'static str,
        /// What was wrong; never includes the body.
        message: String,
    },
    /// The request was rejected locally before sending (limits, missing fields).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client configuration is unusable.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The token store failed in a way the client could not work around.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Result alias for the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Builds a [`Error::Transport`] or [`Error::Timeout`] from a reqwest error, dropping
    /// the URL because it carries the token (or, for gettoken, the secret).
    pub(crate) fn from_reqwest(api: &'static str, err: reqwest::Error) -> Self {
        if err.is_timeout() {
            Self::Timeout { api }
        } else {
            Self::Transport {
                api,
                source: err.without_url(),
            }
        }
    }

    /// Builds a [`Error::Decode`].
    pub(crate) fn decode(api: &'static str, message: impl Into<String>) -> Self {
        Self::Decode {
            api,
            message: message.into(),
        }
    }

    /// The WeCom `errcode`, if WeCom answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Self::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// The API path the error belongs to, if any.
    pub fn api(&self) -> Option<&'static str> {
        match self {
            Self::Api { api, .. }
            | Self::Http { api, .. }
            | Self::Timeout { api }
            | Self::Transport { api, .. }
            | Self::Decode { api, .. } => Some(api),
            Self::InvalidRequest(_) | Self::Config(_) | Self::Store(_) => None,
        }
    }

    /// How to react to this error.
    pub fn retry(&self) -> RetryAdvice {
        match self {
            Self::Api { api, errcode, .. } => classify_errcode(api, *errcode),
            Self::Http { status, .. } if *status >= 500 || *status == 429 => RetryAdvice::Backoff,
            Self::Timeout { .. } | Self::Transport { .. } | Self::Store(_) => RetryAdvice::Backoff,
            Self::Http { .. } | Self::Decode { .. } | Self::InvalidRequest(_) | Self::Config(_) => {
                RetryAdvice::Never
            }
        }
    }

    /// True when a later retry (with backoff) may succeed.
    pub fn is_retryable(&self) -> bool {
        self.retry() == RetryAdvice::Backoff
    }

    /// True when the request may have been applied by WeCom although it failed here
    /// (timeout, dropped connection after sending, 5xx, garbled answer). A caller must
    /// not blindly resend a non-idempotent call (message/send) after such an error,
    /// unless `enable_duplicate_check` was on.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Decode { .. } => true,
            // The doc advises against resending sends after -1 without duplicate check.
            Self::Api { errcode, .. } => *errcode == errcode::ERR_BUSY,
            // A refused connection never reached WeCom.
            Self::Transport { source, .. } => !source.is_connect(),
            Self::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// A minimum delay before retrying, when [`Error::retry`] says [`RetryAdvice::Backoff`].
    pub fn suggested_backoff(&self) -> Option<Duration> {
        match self.retry() {
            RetryAdvice::Backoff => Some(match self.errcode() {
                // Frequency windows are per minute (§5).
                Some(errcode::FREQ_LIMIT) => Duration::from_secs(60),
                _ => Duration::from_secs(1),
            }),
            RetryAdvice::Never | RetryAdvice::RefreshToken => None,
        }
    }
}

/// Classifies an errcode. Token errors from gettoken itself are configuration errors:
/// refreshing cannot fix a wrong secret and would only burn the gettoken quota.
fn classify_errcode(api: &str, code: i64) -> RetryAdvice {
    match code {
        errcode::ERR_BUSY | errcode::FREQ_LIMIT | errcode::CONCURRENCY_LIMIT => {
            RetryAdvice::Backoff
        }
        errcode::INVALID_SECRET | errcode::INVALID_TOKEN | errcode::TOKEN_EXPIRED
            if api != api::GETTOKEN =>
        {
            RetryAdvice::RefreshToken
        }
        _ => RetryAdvice::Never,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn api_err(api: &'static str, code: i64) -> Error {
        Error::Api {
            api,
            errcode: code,
            errmsg: "x".into(),
        }
    }

    #[test]
    fn classifies_token_errors() {
        for code in [40001, 40014, 42001] {
            assert_eq!(
                api_err(api::MESSAGE_SEND, code).retry(),
                RetryAdvice::RefreshToken
            );
            // gettoken answering these is a configuration problem.
            assert_eq!(api_err(api::GETTOKEN, code).retry(), RetryAdvice::Never);
        }
        assert_eq!(
            api_err(api::GETTOKEN, errcode::INVALID_CORPID).retry(),
            RetryAdvice::Never
        );
    }

    #[test]
    fn classifies_backoff_and_never() {
        for code in [-1, 45009, 45033] {
            let e = api_err(api::USER_GET, code);
            assert_eq!(e.retry(), RetryAdvice::Backoff);
            assert!(e.is_retryable());
        }
        for code in [40029, 48002, 50001, 60011, 60020, 81013, 301002, 12345] {
            assert_eq!(api_err(api::USER_GET, code).retry(), RetryAdvice::Never);
        }
        assert_eq!(
            api_err(api::USER_GET, errcode::FREQ_LIMIT).suggested_backoff(),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn classifies_http_and_local_errors() {
        let http = |status| Error::Http {
            api: api::USER_GET,
            status,
        };
        assert!(http(502).is_retryable());
        assert!(http(502).outcome_unknown());
        assert_eq!(http(404).retry(), RetryAdvice::Never);
        let timeout = Error::Timeout {
            api: api::MESSAGE_SEND,
        };
        assert!(timeout.is_retryable());
        assert!(timeout.outcome_unknown());
        assert_eq!(
            Error::InvalidRequest("x".into()).retry(),
            RetryAdvice::Never
        );
        assert_eq!(
            Error::decode(api::USER_GET, "x").retry(),
            RetryAdvice::Never
        );
        assert!(api_err(api::MESSAGE_SEND, -1).outcome_unknown());
        assert!(!api_err(api::MESSAGE_SEND, 45009).outcome_unknown());
        assert_eq!(api_err(api::USER_GET, 60011).errcode(), Some(60011));
        assert_eq!(timeout.api(), Some(api::MESSAGE_SEND));
    }
}
