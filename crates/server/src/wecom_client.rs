//! The app's WeCom API client, built the same way by `serve`, `demo` and `sync-org`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use wecom::client::{Client, ClientConfig};

use crate::config::Settings;

/// The app's WeCom client with the shared token store; `serve`, `demo` and `sync-org`
/// all build it here so they honour the same settings (base URL, timeout).
pub fn build(settings: &Settings, cache: Arc<dyn cache::Cache>) -> anyhow::Result<Client> {
    let w = &settings.wecom;
    let mut config = ClientConfig::new(w.corp_id.clone(), Some(w.agent_id), w.secret.clone());
    config.api_base = w.api_base.parse().context("wecom.api_base")?;
    config.timeout = Duration::from_millis(w.timeout_ms);
    Ok(Client::new(
        config,
        Arc::new(cache::CacheTokenStore::new(cache)),
    )?)
}
