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

use super::{CachedCredential, Client, Error, Result};

/// How often to poll the store while another replica holds the refresh lock.
const PEER_POLL: Duration = Duration::from_millis(100);
/// After a failed refresh, how long this process reuses the old credential or the error
/// instead of asking again: a wrong secret or 45009 must not turn every API call into a
/// gettoken call.
const FAILURE_HOLD_MS: i64 = 5_000;

/// One cached credential: its store key and the in-process copy and lock.
pub(super) struct Slot {
    key: String,
    local: Mutex<Local>,
}

/// The in-process copy. `refresh_at_ms` is when to refresh *this* value: for a value
/// fetched here it is `expires_at - min(refresh_ahead, lifetime / 2)`, so a short-lived
/// credential (a test simulator, or WeCom handing back the same token with its remaining
/// lifetime) is not refetched on every call.
#[derive(Default)]
struct Local {
    credential: Option<CachedCredential>,
    refresh_at_ms: i64,
    failure: Option<Failure>,
}

/// The last refresh error from WeCom, replayed to callers until `until_ms`.
struct Failure {
    until_ms: i64,
    api: &'static str,
    errcode: i64,
    errmsg: String,
}

impl Local {
    fn set(&mut self, credential: CachedCredential, refresh_at_ms: i64) {
        self.credential = Some(credential);
        self.refresh_at_ms = refresh_at_ms;
        self.failure = None;
    }

    /// Whether `c` is the local copy and before its own refresh point.
    fn covers(&self, c: &CachedCredential, now: i64) -> bool {
        self.credential.as_ref() == Some(c)
            && now < self.refresh_at_ms
            && c.expires_at_unix_ms > now
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slot")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Slot {
    pub(super) fn new(key: String) -> Self {
        Self {
            key,
            local: Mutex::new(Local::default()),
        }
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
        self.cached(&self.inner.token, || self.fetch_access_token())
            .await
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
        // Re-check: the holder before us has probably refreshed already. With a working
        // store its state wins (a missing entry may have been invalidated by another
        // replica); without one, the local copy is the cache.
        let now = now_unix_ms();
        let (store_ok, current) = match store.get(&slot.key).await {
            Ok(stored) => (true, stored),
            Err(e) => {
                tracing::warn!(key = %slot.key, error = %e, "token store read failed; using in-process cache");
                (false, local.credential.clone())
            }
        };
        if let Some(c) = current.as_ref() {
            if local.covers(c, now) {
                return Ok(c.value.clone());
            }
            if self.is_fresh(c) {
                local.set(c.clone(), self.standard_refresh_at(c));
                return Ok(c.value.clone());
            }
        }
        if let Some(f) = local.failure.as_ref().filter(|f| f.until_ms > now) {
            return Err(Error::Api {
                api: f.api,
                errcode: f.errcode,
                errmsg: f.errmsg.clone(),
            });
        }
        // Still valid, only inside the refresh window: usable if the refresh fails.
        let fallback = current.filter(|c| c.expires_at_unix_ms > now);

        let lock = if store_ok {
            self.store_lock(slot, fallback.as_ref()).await
        } else {
            Ok(None)
        };
        let lock = match lock {
            Ok(lock) => lock,
            Err(Some(peer)) => {
                local.set(peer.clone(), self.standard_refresh_at(&peer));
                return Ok(peer.value);
            }
            Err(None) => None,
        };

        let result = match fetch().await {
            Ok(f) => {
                let now = now_unix_ms();
                let lifetime = duration_ms(f.expires_in);
                let credential = CachedCredential {
                    value: f.value,
                    expires_at_unix_ms: now.saturating_add(lifetime),
                };
                let ahead = duration_ms(self.inner.config.refresh_ahead).min(lifetime / 2);
                if let Err(e) = store.put(&slot.key, credential.clone()).await {
                    tracing::warn!(key = %slot.key, error = %e, "token store write failed; keeping credential in process");
                }
                let value = credential.value.clone();
                let refresh_at = credential.expires_at_unix_ms.saturating_sub(ahead);
                local.set(credential, refresh_at);
                Ok(value)
            }
            Err(e) => {
                let hold_until = now_unix_ms().saturating_add(FAILURE_HOLD_MS);
                match fallback {
                    Some(c) => {
                        tracing::warn!(key = %slot.key, error = %e, "refresh failed; using the still valid credential");
                        let value = c.value.clone();
                        local.set(c, hold_until);
                        Ok(value)
                    }
                    None => {
                        if let Error::Api {
                            api,
                            errcode,
                            errmsg,
                        } = &e
                        {
                            let errmsg = errmsg.clone();
                            let (api, errcode) = (*api, *errcode);
                            local.failure = Some(Failure {
                                until_ms: hold_until,
                                api,
                                errcode,
                                errmsg,
                            });
                        }
                        Err(e)
                    }
                }
            }
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
        seen: Option<&CachedCredential>,
    ) -> Result<Option<super::LockToken>, Option<CachedCredential>> {
        let store = &self.inner.store;
        let ttl = self.lock_ttl();
        match store.lock(&slot.key, ttl).await {
            Ok(Some(token)) => {
                // A peer may have stored its result between our read and our lock.
                if let Ok(Some(c)) = store.get(&slot.key).await
                    && Some(&c) != seen
                    && self.is_fresh(&c)
                {
                    if let Err(e) = store.unlock(&slot.key, token).await {
                        tracing::warn!(key = %slot.key, error = %e, "token store unlock failed");
                    }
                    return Err(Some(c));
                }
                Ok(Some(token))
            }
            Ok(None) => {
                let deadline = tokio::time::Instant::now() + ttl;
                while tokio::time::Instant::now() < deadline {
                    tokio::time::sleep(PEER_POLL).await;
                    // Any new, unexpired value is the peer's result.
                    if let Ok(Some(c)) = store.get(&slot.key).await
                        && Some(&c) != seen
                        && c.expires_at_unix_ms > now_unix_ms()
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
        if local.credential.as_ref().is_some_and(|c| c.value == value) {
            *local = Local::default();
        }
    }

    fn standard_refresh_at(&self, c: &CachedCredential) -> i64 {
        c.expires_at_unix_ms
            .saturating_sub(duration_ms(self.inner.config.refresh_ahead))
    }

    fn is_fresh(&self, c: &CachedCredential) -> bool {
        self.standard_refresh_at(c) > now_unix_ms()
    }

    /// A ticket refresh may take gettoken + ticket + one replay of each.
    fn lock_ttl(&self) -> Duration {
        self.inner.config.timeout * 4 + Duration::from_secs(1)
    }
}
