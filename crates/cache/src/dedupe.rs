//! Callback dedupe fast path (protocol §1.9: WeCom retries a callback up to three times).

use std::sync::Arc;
use std::time::Duration;

use crate::{Cache, CacheError};

/// Remembers callback keys (MsgId, or a hash of the whole plaintext plus AgentID) for a
/// while. The database's unique index stays the source of truth; this only spares the
/// work of a retry that arrives while the first delivery is still being handled.
#[derive(Debug, Clone)]
pub struct Dedupe {
    cache: Arc<dyn Cache>,
}

impl Dedupe {
    /// Dedupe marks in `cache`, under `dedupe:{key}`.
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self { cache }
    }

    /// Marks `key` for `ttl`. `true` the first time (process it), `false` for a duplicate
    /// while the mark lives.
    pub async fn seen(&self, key: &str, ttl: Duration) -> Result<bool, CacheError> {
        self.cache.set_nx(&format!("dedupe:{key}"), "1", ttl).await
    }

    /// Drops the mark, e.g. when handling failed and WeCom's retry should be processed.
    pub async fn forget(&self, key: &str) -> Result<(), CacheError> {
        self.cache
            .delete(&format!("dedupe:{key}"))
            .await
            .map(|_| ())
    }
}
