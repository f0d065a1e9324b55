//! [`TokenStore`] over any [`Cache`]: WeCom credentials shared by all replicas (§4.1, §8.1).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wecom::client::{CachedCredential, LockToken, StoreError, TokenStore};

use crate::{Cache, CacheError, random_token};

/// Shortest TTL given to a stored credential, so an already expired one is still
/// readable for a moment (the client judges freshness, not the store).
const MIN_TTL: Duration = Duration::from_secs(1);
/// Read-match-delete attempts before `invalidate` gives up on a key being rewritten.
const INVALIDATE_ROUNDS: usize = 3;
/// How long the refresh lock outlives a successful refresh (see [`CacheTokenStore`]).
const HANDOFF_GRACE: Duration = Duration::from_secs(1);

/// Stores access_token and both jsapi tickets in a [`Cache`] as JSON with a TTL equal
/// to the remaining lifetime, and provides the cross-replica single-flight refresh lock
/// (`{key}:lock`).
///
/// Every cache error becomes a [`StoreError`]; the wecom client then falls back to its
/// in-process copy and single flight, so a Redis outage does not become a gettoken storm.
///
/// Hand-off: after a refresh that stored a new credential, `unlock` turns the lock into
/// `handoff:{new value}` for one second instead of deleting it. A peer that read
/// the store just before the new value landed then finds the lock taken, polls, and uses
/// the new value instead of fetching (and overwriting) another token right after it.
/// Invalidating that value removes the hand-off at once, so a rejected fresh token does
/// not block the next refresh.
#[derive(Clone)]
pub struct CacheTokenStore {
    cache: Arc<dyn Cache>,
    /// Locks this instance holds: key → (lock token, value it stored meanwhile).
    held: Arc<Mutex<HashMap<String, Held>>>,
}

struct Held {
    token: String,
    stored: Option<String>,
}

impl fmt::Debug for CacheTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheTokenStore")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl CacheTokenStore {
    /// A token store over `cache`.
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self {
            cache,
            held: Arc::default(),
        }
    }

    // A poisoned map is still consistent: each change is one insert, update or remove.
    fn held(&self) -> MutexGuard<'_, HashMap<String, Held>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Removes the entry at `key` if it holds the token `value`; see `invalidate`.
    async fn delete_token(&self, key: &str, value: &str) -> Result<bool, CacheError> {
        // The stored JSON also carries the expiry: match the token, then compare-and-delete
        // the exact JSON read, so a newer token written meanwhile survives. A re-put of the
        // same token in between only costs another round.
        for _ in 0..INVALIDATE_ROUNDS {
            let Some(raw) = self.cache.get(key).await? else {
                return Ok(false);
            };
            // Unreadable JSON under our key is removed too: it can only cause errors.
            let matches = serde_json::from_str::<CachedCredential>(&raw)
                .map_or(true, |stored| stored.value == value);
            if !matches {
                return Ok(false);
            }
            if self.cache.delete_if_eq(key, &raw).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn lock_key(key: &str) -> String {
    format!("{key}:lock")
}

fn handoff(value: &str) -> String {
    format!("handoff:{value}")
}

// The cause goes into the message: the client logs errors with `%e`, without sources.
fn store_error(op: &str, e: CacheError) -> StoreError {
    StoreError::new(format!("{op}: {e}"))
}

fn now_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait::async_trait]
impl TokenStore for CacheTokenStore {
    async fn get(&self, key: &str) -> Result<Option<CachedCredential>, StoreError> {
        let read = self.cache.get(key).await;
        let Some(raw) = read.map_err(|e| store_error("get", e))? else {
            return Ok(None);
        };
        serde_json::from_str(&raw)
            .map(Some)
            .map_err(|e| StoreError::with_source(format!("credential at {key} is not valid"), e))
    }

    async fn put(&self, key: &str, credential: CachedCredential) -> Result<(), StoreError> {
        let raw = serde_json::to_string(&credential)
            .map_err(|e| StoreError::with_source("cannot encode credential", e))?;
        let left_ms = credential.expires_at_unix_ms.saturating_sub(now_unix_ms());
        let ttl = Duration::from_millis(u64::try_from(left_ms).unwrap_or(0)).max(MIN_TTL);
        self.cache
            .set(key, &raw, Some(ttl))
            .await
            .map_err(|e| store_error("put", e))?;
        if let Some(held) = self.held().get_mut(key) {
            held.stored = Some(credential.value);
        }
        Ok(())
    }

    async fn invalidate(&self, key: &str, value: &str) -> Result<bool, StoreError> {
        let removed = self
            .delete_token(key, value)
            .await
            .map_err(|e| store_error("invalidate", e))?;
        // A hand-off guarding the rejected value must not delay the next refresh.
        self.cache
            .delete_if_eq(&lock_key(key), &handoff(value))
            .await
            .map_err(|e| store_error("invalidate", e))?;
        Ok(removed)
    }

    async fn lock(&self, key: &str, ttl: Duration) -> Result<Option<LockToken>, StoreError> {
        let token = random_token();
        let acquired = self
            .cache
            .set_nx(&lock_key(key), &token, ttl)
            .await
            .map_err(|e| store_error("lock", e))?;
        if !acquired {
            return Ok(None);
        }
        let held = Held {
            token: token.clone(),
            stored: None,
        };
        self.held().insert(key.to_owned(), held);
        Ok(Some(LockToken::new(token)))
    }

    async fn unlock(&self, key: &str, token: LockToken) -> Result<(), StoreError> {
        let stored = {
            let mut held = self.held();
            match held.get(key) {
                Some(h) if h.token == token.as_str() => held.remove(key).and_then(|h| h.stored),
                _ => None,
            }
        };
        let lock = lock_key(key);
        let result = match stored {
            // Extending first proves we still hold the lock; the overwrite then cannot
            // clobber a lock another replica took after ours expired.
            Some(value) => match self
                .cache
                .expire_if_eq(&lock, token.as_str(), HANDOFF_GRACE)
                .await
            {
                Ok(true) => {
                    self.cache
                        .set(&lock, &handoff(&value), Some(HANDOFF_GRACE))
                        .await
                }
                other => other.map(|_| ()),
            },
            None => self
                .cache
                .delete_if_eq(&lock, token.as_str())
                .await
                .map(|_| ()),
        };
        result.map_err(|e| store_error("unlock", e))
    }
}
