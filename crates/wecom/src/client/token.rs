//! Where cached credentials (access_token, jsapi tickets) live, and their key names.
//!
//! The client keeps one process-local single-flight lock per key; a shared store
//! (Redis, written by the server) makes replicas reuse each other's tokens and can add
//! a cross-replica lock through [`TokenStore::lock`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::StoreError;

/// A cached credential. `Debug` hides the value: it is a bearer token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedCredential {
    /// The token or ticket.
    pub value: String,
    /// When WeCom said it expires, in Unix milliseconds (wall clock, shared by replicas).
    pub expires_at_unix_ms: i64,
}

impl fmt::Debug for CachedCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedCredential")
            .field("value", &"***")
            .field("expires_at_unix_ms", &self.expires_at_unix_ms)
            .finish()
    }
}

/// Proof of holding a store lock, handed back to [`TokenStore::unlock`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockToken(String);

impl LockToken {
    /// Wraps a store-specific lock value (e.g. a random string for Redis `SET NX`).
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The lock value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Storage for cached credentials, shared by all clients of a process or of a fleet.
///
/// Implementations must be safe for concurrent use. Errors are tolerated by the client:
/// it logs them and falls back to its in-process cache.
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Returns the stored credential, expired or not (the client judges freshness).
    async fn get(&self, key: &str) -> Result<Option<CachedCredential>, StoreError>;

    /// Stores (overwrites) the credential.
    async fn put(&self, key: &str, credential: CachedCredential) -> Result<(), StoreError>;

    /// Compare-and-delete: removes the entry only if its value is still `value`, so a
    /// replica holding a rejected token cannot delete a newer one. Returns whether it
    /// removed anything.
    async fn invalidate(&self, key: &str, value: &str) -> Result<bool, StoreError>;

    /// Tries to take a cross-replica refresh lock for `key` that expires after `ttl`.
    /// `Some` = acquired, `None` = another holder is refreshing (the client then polls
    /// [`TokenStore::get`] until `ttl` passes). Implementations should namespace the lock
    /// key (e.g. `{key}:lock`). The default has no distributed lock and always succeeds.
    async fn lock(&self, key: &str, ttl: Duration) -> Result<Option<LockToken>, StoreError> {
        let _ = (key, ttl);
        Ok(Some(LockToken::new("")))
    }

    /// Releases a lock taken with [`TokenStore::lock`], only if `token` still owns it.
    async fn unlock(&self, key: &str, token: LockToken) -> Result<(), StoreError> {
        let _ = (key, token);
        Ok(())
    }
}

/// In-process [`TokenStore`]; enough for a single replica.
#[derive(Default)]
pub struct MemoryTokenStore {
    entries: Mutex<HashMap<String, CachedCredential>>,
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.map().len();
        f.debug_struct("MemoryTokenStore")
            .field("entries", &len)
            .finish()
    }
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    // A poisoned map is still a valid map: every write replaces whole entries.
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedCredential>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl TokenStore for MemoryTokenStore {
    async fn get(&self, key: &str) -> Result<Option<CachedCredential>, StoreError> {
        Ok(self.map().get(key).cloned())
    }

    async fn put(&self, key: &str, credential: CachedCredential) -> Result<(), StoreError> {
        self.map().insert(key.to_owned(), credential);
        Ok(())
    }

    async fn invalidate(&self, key: &str, value: &str) -> Result<bool, StoreError> {
        let mut map = self.map();
        if map.get(key).is_some_and(|c| c.value == value) {
            map.remove(key);
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

/// The kinds of credentials the client caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// `access_token` from gettoken.
    AccessToken,
    /// Corp jsapi_ticket (`wx.config`).
    JsapiTicket,
    /// App ticket (`wx.agentConfig`).
    AgentTicket,
}

impl CredentialKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::AccessToken => "wecom:access_token",
            Self::JsapiTicket => "wecom:jsapi_ticket",
            Self::AgentTicket => "wecom:agent_ticket",
        }
    }

    /// The store key, e.g. `wecom:access_token:{corp_id}:{agent_id}`.
    ///
    /// Credentials are per secret, i.e. per app, never per corp only (a token of another
    /// app gives 301002). `scope` is the agent id, or `noagent-…` for a secret without an
    /// app (see [`super::ClientConfig::credential_scope`]).
    pub fn key(self, corp_id: &str, scope: &str) -> String {
        format!("{}:{corp_id}:{scope}", self.prefix())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cred(v: &str) -> CachedCredential {
        CachedCredential {
            value: v.into(),
            expires_at_unix_ms: 1,
        }
    }

    #[test]
    fn keys_are_per_corp_and_app() {
        assert_eq!(
            CredentialKind::AccessToken.key("ww1", "1000002"),
            "wecom:access_token:ww1:1000002"
        );
        assert_eq!(
            CredentialKind::JsapiTicket.key("ww1", "7"),
            "wecom:jsapi_ticket:ww1:7"
        );
        assert_eq!(
            CredentialKind::AgentTicket.key("ww1", "7"),
            "wecom:agent_ticket:ww1:7"
        );
    }

    #[test]
    fn debug_hides_value() {
        let shown = format!("{:?}", cred("secret-token"));
        assert!(!shown.contains("secret-token"));
    }

    #[tokio::test]
    async fn memory_store_compare_and_delete() {
        let store = MemoryTokenStore::new();
        store.put("k", cred("new")).await.unwrap();
        assert!(!store.invalidate("k", "old").await.unwrap());
        assert_eq!(store.get("k").await.unwrap(), Some(cred("new")));
        assert!(store.invalidate("k", "new").await.unwrap());
        assert_eq!(store.get("k").await.unwrap(), None);
        assert!(!store.invalidate("missing", "x").await.unwrap());
        let lock = store.lock("k", Duration::from_secs(1)).await.unwrap();
        assert!(lock.is_some());
    }
}
