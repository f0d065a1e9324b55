//! Cache and cross-replica coordination for Gantry, behind one trait.
//!
//! [`MemoryCache`] is the single-replica default; [`RedisCache`] is required as soon as
//! several replicas run, because tokens, dedupe marks, rate limits and leader locks must
//! then be shared. On top of [`Cache`]: [`CacheTokenStore`] (WeCom credentials with a
//! cross-replica refresh lock), [`LeaderLock`], [`QuotaLimiter`] and [`Dedupe`].

use std::sync::Arc;
use std::time::Duration;

mod dedupe;
mod error;
mod leader;
mod memory;
mod quota;
mod redis_cache;
mod token_store;
mod window;

pub use dedupe::Dedupe;
pub use error::CacheError;
pub use leader::LeaderLock;
pub use memory::MemoryCache;
pub use quota::{API_WINDOWS, MEMBER_WINDOWS, QuotaLimiter};
pub use redis_cache::RedisCache;
pub use token_store::CacheTokenStore;
pub use window::{Admission, Window};

/// Key-value cache plus the atomic primitives coordination needs.
///
/// TTLs are rounded to whole milliseconds, at least 1 ms. Implementations add their
/// namespace to every key.
#[async_trait::async_trait]
pub trait Cache: Send + Sync + std::fmt::Debug {
    /// The value of `key`, if present and not expired.
    async fn get(&self, key: &str) -> Result<Option<String>, CacheError>;

    /// Stores `value`, replacing any previous value and TTL; `None` keeps it forever.
    async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<(), CacheError>;

    /// Stores `value` only if `key` is absent. Returns whether it stored (dedupe marks,
    /// locks).
    async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> Result<bool, CacheError>;

    /// Removes `key`. Returns whether it existed.
    async fn delete(&self, key: &str) -> Result<bool, CacheError>;

    /// Atomically removes `key` only if its value is `value` (release only what you hold).
    async fn delete_if_eq(&self, key: &str, value: &str) -> Result<bool, CacheError>;

    /// Atomically resets the TTL of `key` only if its value is `value` (lock renewal by
    /// the holder only).
    async fn expire_if_eq(&self, key: &str, value: &str, ttl: Duration)
    -> Result<bool, CacheError>;

    /// Sliding-window log limiter, atomic across replicas.
    ///
    /// Grants only if, for every window, the events in `(now - len, now]` plus `cost`
    /// stay within `max`, and then records `cost` events at `now_ms`. Otherwise nothing
    /// is recorded and the answer says when the request could pass. No windows = granted.
    /// A `now_ms` older than the newest recorded event counts as that event's time, so
    /// clock skew between replicas can delay requests but never over-admit.
    async fn admit(
        &self,
        key: &str,
        now_ms: i64,
        windows: &[Window],
        cost: u32,
    ) -> Result<Admission, CacheError>;

    /// Checks the backend is reachable (readiness probes).
    async fn ping(&self) -> Result<(), CacheError>;
}

/// Opens the cache named by `url`: `memory` for [`MemoryCache`], `redis://…` (or
/// `redis+unix://…`) for [`RedisCache`]. Every key gets the `namespace` prefix on Redis;
/// a memory cache is private to its instance and needs none.
pub async fn connect(url: &str, namespace: &str) -> Result<Arc<dyn Cache>, CacheError> {
    let url = url.trim();
    if url == "memory" || url == "memory://" {
        return Ok(Arc::new(MemoryCache::new()));
    }
    if url.starts_with("redis://") || url.starts_with("redis+unix://") {
        return Ok(Arc::new(RedisCache::connect(url, namespace).await?));
    }
    if url.starts_with("rediss://") {
        return Err(CacheError::Other(
            "rediss:// (TLS) is not built in; use redis:// inside the private network".into(),
        ));
    }
    // Never echo the URL: it may carry the Redis password.
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    Err(CacheError::Other(format!(
        "unsupported cache URL (scheme {scheme:?}); expected memory or redis://"
    )))
}

/// A TTL in whole milliseconds, at least 1 (Redis rejects `PX 0`).
pub(crate) fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// A random hex token for locks and unique members; unguessable by other holders.
pub(crate) fn random_token() -> String {
    use rand::Rng;
    format!("{:032x}", rand::rng().random::<u128>())
}
