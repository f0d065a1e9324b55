//! The one error type of the crate.

/// A cache or coordination failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    /// The backend cannot be reached (refused, timed out, dropped, failing over).
    /// Callers fall back to in-process behaviour instead of failing the request.
    #[error("cache unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bad URL, a wrong password, a script or type error.
    #[error("cache error: {0}")]
    Other(String),
}

impl CacheError {
    /// Whether this is [`CacheError::Unavailable`].
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}
