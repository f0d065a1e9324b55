//! Cached credentials with single-flight refresh.
//!
//! Per key, one tokio mutex serialises refreshes inside the process; the store is
//! re-checked after taking it, so N concurrent callers cause one HTTP call. The store
//! may add a cross-replica lock. If the store fails, the copy kept under the mutex is
//! used so a store outage does not turn into a gettoken storm (§8.1).

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;

use super::{CachedCredential, Client, Result};

/// How often to poll the store while another replica holds the refresh lock.
const PEER_POLL: Duration = Duration::from_millis(100);

/// One cached credential: its store key and the in-process copy and lock.
pub(super) struct Slot {
    key: String,
    local: Mutex<Option<CachedCredential>>,
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slot").field("key", &self.key).finish_non_exhaustive()
    }
}

impl Slot {
    pub(super) fn new(key: String) -> Self {
        Self { key, local: Mutex::new(None) }
    }
}

/// A credential freshly obtained from WeCom.
pub(super) struct Fetched {
    pub(super) value: String,
    pub(super) expires_in: Duration,
}

pub(super) fn now_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Client {
    /// The current access_token, fetched with gettoken if missing or about to expire.
    pub async fn access_token(&self) -> Result<String> {
        self.cached(&self.inner.token, || self.fetch_access_token()).await
    }

    /// Drops `token` from the cache if it is still the cached one (compare-and-delete),
    /// e.g. after WeCom rejected it in a call made outside this client.
    pub async fn invalidate_access_token(&self, token: &str) {
        self.invalidate(&self.inner.token, token).await;
    }

    /// Returns the cached credential of `slot`, or runs `fetch` once for all waiters.
    pub(super) async fn cached<F, Fut>(&self, slot: &Slot, fetch: F) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched>>,
    {
        let store = &self.inner.store;
        // Fast path without the mutex.
        match store.get(&slot.key).await {
            Ok(Some(c)) if self.is_fresh(&c) => return Ok(c.value),
            Ok(_) => {}
            Err(e) => tracing::warn!(key = %slot.key, error = %e, "token store read failed"),
        }

        let mut local = slot.local.lock().await;
        // Re-check: the holder before us has probably refreshed already.
        let (store_ok, stored) = match store.get(&slot.key).await {
            Ok(Some(c)) if self.is_fresh(&c) => {
                *local = Some(c.clone());
                return Ok(c.value);
            }
            Ok(stored) => (true, stored),
            Err(e) => {
                tracing::warn!(key = %slot.key, error = %e, "token store read failed; using in-process cache");
                (false, None)
            }
        };
        // With a working store its state wins: a missing entry may have been invalidated
        // by another replica. Without one, the local copy is the cache.
        if !store_ok && let Some(c) = local.as_ref().filter(|c| self.is_fresh(c)) {
            return Ok(c.value.clone());
        }
        // Still valid, only inside the refresh window: usable if the refresh fails.
        let fallback = if store_ok { stored } else { local.clone() }
            .filter(|c| c.expires_at_unix_ms > now_unix_ms());

        let lock = if store_ok { self.store_lock(slot).await } else { Ok(None) };
        let lock = match lock {
            Ok(lock) => lock,
            Err(Some(peer)) => {
                *local = Some(peer.clone());
                return Ok(peer.value);
            }
            Err(None) => None,
        };

        let fetched = fetch().await;
        let result = match fetched {
            Ok(f) => {
                let credential = CachedCredential {
                    value: f.value,
                    expires_at_unix_ms: now_unix_ms().saturating_add(duration_ms(f.expires_in)),
                };
                if let Err(e) = store.put(&slot.key, credential.clone()).await {
                    tracing::warn!(key = %slot.key, error = %e, "token store write failed; keeping credential in process");
                }
                let value = credential.value.clone();
                *local = Some(credential);
                Ok(value)
            }
            Err(e) => match fallback {
                Some(c) => {
                    tracing::warn!(key = %slot.key, error = %e, "refresh failed; using the still valid credential");
                    Ok(c.value)
                }
                None => Err(e),
            },
        };
        if let Some(token) = lock
            && let Err(e) = store.unlock(&slot.key, token).await
        {
            tracing::warn!(key = %slot.key, error = %e, "token store unlock failed");
        }
        result
    }

    /// Takes the store's refresh lock. `Ok(Some)` = held, `Ok(None)` = proceed without
    /// (lock failed), `Err(Some(c))` = a peer refreshed meanwhile, `Err(None)` = the peer
    /// did not finish in time; proceed without the lock.
    async fn store_lock(
        &self,
        slot: &Slot,
    ) -> Result<Option<super::LockToken>, Option<CachedCredential>> {
        let store = &self.inner.store;
        let ttl = self.lock_ttl();
        match store.lock(&slot.key, ttl).await {
            Ok(Some(token)) => Ok(Some(token)),
            Ok(None) => {
                let deadline = tokio::time::Instant::now() + ttl;
                while tokio::time::Instant::now() < deadline {
                    tokio::time::sleep(PEER_POLL).await;
                    if let Ok(Some(c)) = store.get(&slot.key).await
                        && self.is_fresh(&c)
                    {
                        return Err(Some(c));
                    }
                }
                tracing::warn!(key = %slot.key, "peer refresh did not finish; refreshing here");
                Err(None)
            }
            Err(e) => {
                tracing::warn!(key = %slot.key, error = %e, "token store lock failed");
                Ok(None)
            }
        }
    }

    /// Compare-and-delete `value` in the store and in the local copy.
    pub(super) async fn invalidate(&self, slot: &Slot, value: &str) {
        match self.inner.store.invalidate(&slot.key, value).await {
            Ok(removed) => tracing::debug!(key = %slot.key, removed, "credential invalidated"),
            Err(e) => tracing::warn!(key = %slot.key, error = %e, "token store invalidate failed"),
        }
        let mut local = slot.local.lock().await;
        if local.as_ref().is_some_and(|c| c.value == value) {
            *local = None;
        }
    }

    fn is_fresh(&self, c: &CachedCredential) -> bool {
        let ahead = duration_ms(self.inner.config.refresh_ahead);
        c.expires_at_unix_ms.saturating_sub(ahead) > now_unix_ms()
    }

    /// A ticket refresh may take gettoken + ticket + one replay of each.
    fn lock_ttl(&self) -> Duration {
        self.inner.config.timeout * 4 + Duration::from_secs(1)
    }
}
