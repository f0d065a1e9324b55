//! What every handler and worker shares.

use std::sync::Arc;

use cache::Cache;
use domain::clock::Clock;
use store::Store;
use wecom::callback::CallbackCrypto;

use crate::config::Settings;
use crate::intake::Intake;
use crate::metrics::Metrics;

/// Shared application state (cheap to clone: everything is behind `Arc` or a pool).
#[derive(Debug, Clone)]
pub struct AppState {
    /// Settings as loaded and validated.
    pub settings: Arc<Settings>,
    /// The database.
    pub store: Store,
    /// Cache and coordination.
    pub cache: Arc<dyn Cache>,
    /// The app's callback crypto.
    pub app_crypto: CallbackCrypto,
    /// The 通讯录同步 event server's crypto, when configured.
    pub contacts_crypto: Option<CallbackCrypto>,
    /// Durable intake for verified callbacks.
    pub intake: Intake,
    /// The WeCom API client for the app.
    pub wecom: wecom::client::Client,
    /// Time, injectable for tests.
    pub clock: Arc<dyn Clock>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Every file Gantry keeps: a local directory or an S3-compatible bucket.
    pub files: crate::file_store::FileStore,
    /// Seals sensitive fields at rest (members' mobiles, emails and addresses).
    pub cipher: crate::sealed::FieldCipher,
    /// Wakes idle workers when work arrives in this process.
    pub wake: Arc<crate::wake::Wake>,
    /// Approval templates for the action path.
    pub approval_templates: Arc<store::TemplateCache>,
}
