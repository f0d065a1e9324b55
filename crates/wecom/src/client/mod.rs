//! The qyapi HTTP API client (`https://qyapi.weixin.qq.com/cgi-bin/...`).
//!
//! One [`Client`] per app secret. It caches the access_token and the two JS-SDK
//! tickets in a [`TokenStore`] with single-flight refresh ahead of expiry, and on
//! 40001/40014/42001 invalidates exactly the rejected token, refreshes and replays the
//! call once. Nothing else is retried automatically: [`Error::retry`] tells the caller
//! what to do, and non-idempotent sends are left to the caller's outbox.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sha1::{Digest, Sha1};
use url::Url;

pub mod api;
mod appchat;
mod auth;
mod body;
mod cache;
mod card;
mod card_parts;
mod contacts;
mod error;
mod http;
mod media;
mod message;
mod observe;
mod ticket;
mod token;
mod update;
mod wire;

#[cfg(test)]
mod tests;

pub use auth::{UserDetail, UserIdentity};
pub use body::MessageBody;
pub use card::{CardType, TemplateCard, is_valid_task_id};
pub use card_parts::{
    ActionItem, ActionMenu, Button, ButtonSelection, CardAction, CardSource, EmphasisContent,
    HorizontalContent, JumpItem, MainTitle, QuoteArea, SelectOption,
};
pub use contacts::{
    Department, DeptUser, Gender, SimpleDepartment, SimpleUser, Tag, TagMembers, TagUser, User,
    UserIdPage,
};
pub use error::{Error, Result, RetryAdvice, StoreError, errcode};
pub use media::{Media, MediaKind, UploadedMedia};
pub use message::{Message, Recipients, SendResult};
pub use observe::{CallObserver, CallRecord};
pub use token::{CachedCredential, CredentialKind, LockToken, MemoryTokenStore, TokenStore};
pub use update::{CardUpdate, UpdateCard};

/// Default API host.
pub const DEFAULT_API_BASE: &str = "https://qyapi.weixin.qq.com";

/// An app secret. `Debug` prints `***` so it never reaches logs; it deserialises from a
/// plain string but deliberately does not serialise.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself; only for building the gettoken request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// Configuration of one [`Client`], i.e. of one secret.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// API base URL; default [`DEFAULT_API_BASE`]. A path prefix is kept (simulators).
    pub api_base: Url,
    /// CorpID (`ww…`).
    pub corp_id: String,
    /// The app's `agentid`; `None` for a secret without an app (e.g. 通讯录同步).
    pub agent_id: Option<i64>,
    /// The secret of that app.
    pub secret: Secret,
    /// Whole-request timeout; default 10 s.
    pub timeout: Duration,
    /// TCP/TLS connect timeout; default 3 s (only applied by [`Client::new`]).
    pub connect_timeout: Duration,
    /// Refresh tokens and tickets this long before they expire; default 300 s.
    /// Must be well below their lifetime (7200 s).
    pub refresh_ahead: Duration,
}

impl ClientConfig {
    /// A configuration with default host and timeouts.
    pub fn new(
        corp_id: impl Into<String>,
        agent_id: Option<i64>,
        secret: impl Into<Secret>,
    ) -> Self {
        Self {
            api_base: default_api_base(),
            corp_id: corp_id.into(),
            agent_id,
            secret: secret.into(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            refresh_ahead: Duration::from_secs(300),
        }
    }

    /// The per-app part of the credential store keys: the agent id, or for a secret
    /// without an app `noagent-` plus 8 hex digits of SHA-1(secret), because one corp
    /// can have several app-less secrets (通讯录同步, 客户联系) whose tokens must not mix.
    pub fn credential_scope(&self) -> String {
        match self.agent_id {
            Some(agent) => agent.to_string(),
            None => {
                let digest = Sha1::digest(self.secret.expose().as_bytes());
                format!("noagent-{}", &hex::encode(digest)[..8])
            }
        }
    }

    /// The store key of one kind of credential of this app.
    pub fn credential_key(&self, kind: CredentialKind) -> String {
        kind.key(&self.corp_id, &self.credential_scope())
    }

    fn validate(&self) -> Result<()> {
        if !matches!(self.api_base.scheme(), "http" | "https") || self.api_base.cannot_be_a_base() {
            return Err(Error::Config("api_base must be an http(s) URL".into()));
        }
        if self.corp_id.is_empty() || self.secret.expose().is_empty() {
            return Err(Error::Config("corp_id and secret must not be empty".into()));
        }
        if self.timeout.is_zero() {
            return Err(Error::Config("timeout must not be zero".into()));
        }
        // Tokens and tickets live 7200 s; a longer window would refresh on every call.
        if self.refresh_ahead >= Duration::from_secs(3600) {
            return Err(Error::Config("refresh_ahead must be below 3600 s".into()));
        }
        Ok(())
    }
}

#[allow(clippy::expect_used)] // a constant literal; covered by a test
fn default_api_base() -> Url {
    Url::parse(DEFAULT_API_BASE).expect("DEFAULT_API_BASE is a valid URL")
}

/// The WeCom API client of one app secret. Cloning is cheap and shares the caches.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ClientConfig,
    http: reqwest::Client,
    store: Arc<dyn TokenStore>,
    token: cache::Slot,
    jsapi_ticket: cache::Slot,
    agent_ticket: cache::Slot,
    gettoken_calls: AtomicU64,
    ticket_calls: AtomicU64,
    observer: std::sync::OnceLock<observe::SharedObserver>,
}

impl Client {
    /// Installs the observer told about every API call (once; later calls are ignored).
    pub fn set_observer(&self, observer: Arc<dyn CallObserver>) {
        let _ = self.inner.observer.set(observer);
    }

    pub(crate) fn observe<T>(
        &self,
        api: &'static str,
        started: std::time::Instant,
        result: &Result<T>,
    ) {
        if let Some(observer) = self.inner.observer.get() {
            observer.observe(&observe::record(api, result, started.elapsed()));
        }
    }

    /// Builds a client with its own HTTP connection pool.
    pub fn new(config: ClientConfig, store: Arc<dyn TokenStore>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build HTTP client: {e}")))?;
        Self::with_http(config, store, http)
    }

    /// Builds a client on a shared `reqwest::Client`; `config.timeout` is still applied
    /// per request, `config.connect_timeout` is not (it is a pool setting).
    pub fn with_http(
        config: ClientConfig,
        store: Arc<dyn TokenStore>,
        http: reqwest::Client,
    ) -> Result<Self> {
        config.validate()?;
        let slot = |kind| cache::Slot::new(config.credential_key(kind));
        let inner = Inner {
            token: slot(CredentialKind::AccessToken),
            jsapi_ticket: slot(CredentialKind::JsapiTicket),
            agent_ticket: slot(CredentialKind::AgentTicket),
            config,
            http,
            store,
            gettoken_calls: AtomicU64::new(0),
            ticket_calls: AtomicU64::new(0),
            observer: std::sync::OnceLock::new(),
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// CorpID.
    pub fn corp_id(&self) -> &str {
        &self.inner.config.corp_id
    }

    /// The app's `agentid`, if this secret belongs to an app.
    pub fn agent_id(&self) -> Option<i64> {
        self.inner.config.agent_id
    }

    /// How many gettoken HTTP calls this client (and its clones) made.
    pub fn gettoken_calls(&self) -> u64 {
        self.inner.gettoken_calls.load(Ordering::Relaxed)
    }

    /// How many JS-SDK ticket fetches this client made (a token replay inside one counts once).
    pub fn ticket_calls(&self) -> u64 {
        self.inner.ticket_calls.load(Ordering::Relaxed)
    }

    /// The agent id, or an error naming the API that needs one.
    fn require_agent(&self, api: &'static str) -> Result<i64> {
        self.agent_id()
            .ok_or_else(|| Error::InvalidRequest(format!("{api} needs a client with an agent_id")))
    }
}
