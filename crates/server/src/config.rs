//! Typed settings: `config/default.toml` → `--config FILE` → `GANTRY__SECTION__KEY`.
//!
//! Secrets are [`Secret`]s, whose `Debug` prints `***`, so logging the settings is safe.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;
use wecom::client::Secret;

const DEFAULTS: &str = include_str!("../../../config/default.toml");

/// How long a finished inbox row, and so its callback dedupe key, is kept before
/// housekeeping may purge it (`workers::schedule` purges done rows this old; a test in
/// `intake` holds the two together). `wecom.callback_max_skew_secs` is validated against
/// it: a callback must be refused as stale before its key can be forgotten, or a captured
/// one could be replayed and handled twice.
pub const DEDUPE_KEEP_MS: i64 = 7 * 24 * 3600 * 1000;

/// Everything Gantry reads from configuration.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// HTTP server.
    pub server: ServerSettings,
    /// Database.
    pub database: DatabaseSettings,
    /// Cache and coordination.
    pub cache: CacheSettings,
    /// The WeCom app.
    pub wecom: WecomSettings,
    /// Background workers.
    pub workers: WorkerSettings,
    /// Login and sessions.
    pub auth: AuthSettings,
    /// Encryption of sensitive fields at rest.
    pub security: SecuritySettings,
    /// Overdue and deadline reminders.
    pub reminders: ReminderSettings,
    /// Where files live.
    pub files: FileSettings,
}

/// `[files]`.
#[derive(Debug, Clone, Deserialize)]
pub struct FileSettings {
    /// Local directory or S3-compatible bucket.
    pub backend: FileBackend,
    /// Unused uploads are deleted after this many hours.
    pub unused_upload_hours: u32,
    /// `[files.s3]`.
    pub s3: S3Settings,
}

/// Where files live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileBackend {
    /// Under `server.data_dir`.
    Local,
    /// An S3-compatible bucket.
    S3,
}

/// `[files.s3]`.
#[derive(Debug, Clone, Deserialize)]
pub struct S3Settings {
    /// e.g. `http://minio:9000` or `https://oss-cn-hangzhou.aliyuncs.com`.
    pub endpoint: String,
    /// Bucket name.
    pub bucket: String,
    /// Region (`us-east-1` for MinIO and Garage unless set otherwise).
    pub region: String,
    /// Access key id.
    pub access_key_id: Secret,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Virtual-hosted-style URLs (bucket in the host name).
    pub virtual_hosted: bool,
    /// One request's time limit, ms.
    pub timeout_ms: u64,
}

/// `[reminders]`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReminderSettings {
    /// Minutes between overdue scans.
    pub scan_interval_minutes: u32,
    /// Tasks finishing within this many days are "due soon".
    pub due_soon_days: i32,
    /// Quiet hours start, "HH:MM" China time.
    pub quiet_from: String,
    /// Quiet hours end, "HH:MM" China time.
    pub quiet_until: String,
    /// Overdue this many days → the project manager hears of it.
    pub escalate_after_days: i32,
    /// A project this many days behind → its PM and department leader hear of it.
    pub lag_alert_days: i32,
    /// From this "HH:MM" China time, who has not filed today's daily report is reminded
    /// (empty: never).
    pub daily_report_at: String,
}

/// Minutes after midnight of an "HH:MM" setting `reminders.{key}`.
fn clock_minutes(key: &str, v: &str) -> Result<u32, ConfigError> {
    v.split_once(':')
        .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(h, m)| *h < 24 && *m < 60)
        .map(|(h, m)| h * 60 + m)
        .ok_or_else(|| {
            ConfigError::Invalid(format!("reminders.{key} {v:?} is not a time like 22:00"))
        })
}

impl ReminderSettings {
    /// When the daily-report reminder goes out, in minutes after midnight China time.
    pub fn daily_report_minute(&self) -> Result<Option<u32>, ConfigError> {
        if self.daily_report_at.is_empty() {
            return Ok(None);
        }
        clock_minutes("daily_report_at", &self.daily_report_at).map(Some)
    }

    /// The reminder policy these settings describe.
    pub fn policy(&self) -> Result<domain::reminders::Policy, ConfigError> {
        let minutes = clock_minutes;
        if self.due_soon_days < 0 || self.escalate_after_days < 1 || self.lag_alert_days < 1 {
            return Err(ConfigError::Invalid(
                "reminders: due_soon_days must be ≥ 0, escalate_after_days and lag_alert_days ≥ 1"
                    .into(),
            ));
        }
        Ok(domain::reminders::Policy {
            due_soon_days: self.due_soon_days,
            quiet_from_min: minutes("quiet_from", &self.quiet_from)?,
            quiet_until_min: minutes("quiet_until", &self.quiet_until)?,
            escalate_after_days: self.escalate_after_days,
            lag_alert_days: self.lag_alert_days,
        })
    }
}

/// `[security]`.
#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    /// Base64 of the 32-byte AES-256-GCM key that seals sensitive fields; empty = an
    /// ephemeral key.
    pub field_key: Secret,
    /// The id written into every value `field_key` seals (`v2:<id>:…`), so a value names
    /// the key that opens it and keys can rotate.
    #[serde(default = "default_field_key_id")]
    pub field_key_id: String,
    /// Keys retired by a rotation, by id: still used to open, never to seal. `gantry
    /// reseal` moves their values to `field_key`, after which they can be removed.
    #[serde(default)]
    pub retired_field_keys: BTreeMap<String, Secret>,
}

fn default_field_key_id() -> String {
    "k1".to_owned()
}

/// `[auth]`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// Absolute session lifetime.
    pub session_hours: i64,
    /// Idle timeout.
    pub idle_hours: i64,
    /// System admins by UserID.
    pub admins: Vec<String>,
    /// Use `snsapi_privateinfo` at login.
    pub request_private_info: bool,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Listen address.
    pub bind: String,
    /// SQLite file and callback spool folder.
    pub data_dir: PathBuf,
    /// Public base URL.
    pub public_url: String,
    /// Largest callback body accepted.
    pub max_callback_bytes: usize,
    /// HTTP worker threads (0 = per core).
    pub workers: usize,
}

/// `[database]`.
#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`.
    pub url: Secret,
    /// Pool size.
    pub max_connections: u32,
    /// Longest wait for a pooled connection.
    pub acquire_timeout_ms: u64,
}

impl std::fmt::Debug for DatabaseSettings {
    // The URL may carry a password: show only the scheme.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.url.expose().split(':').next().unwrap_or_default();
        f.debug_struct("DatabaseSettings")
            .field("url", &format_args!("{scheme}://***"))
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

/// `[cache]`.
#[derive(Clone, Deserialize)]
pub struct CacheSettings {
    /// `memory` or `redis://…`.
    pub url: Secret,
    /// Key prefix.
    pub namespace: String,
}

impl std::fmt::Debug for CacheSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.url.expose() == "memory" {
            "memory"
        } else {
            "redis://***"
        };
        f.debug_struct("CacheSettings")
            .field("url", &kind)
            .field("namespace", &self.namespace)
            .finish()
    }
}

/// `[wecom]`.
#[derive(Debug, Clone, Deserialize)]
pub struct WecomSettings {
    /// CorpID.
    pub corp_id: String,
    /// AgentId of the app.
    pub agent_id: i64,
    /// App secret.
    pub secret: Secret,
    /// Callback Token.
    pub token: Secret,
    /// Callback EncodingAESKey.
    pub encoding_aes_key: Secret,
    /// 通讯录同步 secret (optional).
    pub contacts_secret: Secret,
    /// 通讯录同步 event server Token (optional).
    pub contacts_token: Secret,
    /// 通讯录同步 event server EncodingAESKey (optional).
    pub contacts_encoding_aes_key: Secret,
    /// qyapi base URL.
    pub api_base: String,
    /// OAuth authorize base URL.
    pub oauth_base: String,
    /// Per-call timeout for the WeCom API.
    pub timeout_ms: u64,
    /// `WW_verify_*.txt` name → content.
    pub domain_verify_files: BTreeMap<String, String>,
    /// Largest distance (seconds, either way) between a callback's signed `timestamp` and
    /// the server's clock; anything further is refused as a replay.
    pub callback_max_skew_secs: u64,
}

/// `[workers]`.
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSettings {
    /// Idle poll interval.
    pub poll_interval_ms: u64,
    /// Rows per claim.
    pub batch_size: u32,
    /// Claim lease.
    pub lease_ms: i64,
    /// Inbox attempts before a dead letter.
    pub inbox_max_attempts: i32,
    /// Outbox attempts before a dead letter.
    pub outbox_max_attempts: i32,
    /// Hours between scheduled full org syncs (0: only on demand).
    pub org_sync_interval_hours: u32,
}

/// A configuration problem an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The files or environment could not be read or have the wrong shape.
    #[error("cannot load configuration: {0}")]
    Load(#[from] config::ConfigError),
    /// A value is present but wrong; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
}

impl Settings {
    /// Loads defaults, then `file` if given, then `GANTRY__…` environment variables.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        if let Some(file) = file {
            builder = builder.add_source(config::File::from(file).required(true));
        }
        let settings: Settings = builder
            .add_source(
                config::Environment::with_prefix("GANTRY")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()?;
        Ok(settings)
    }

    /// Checks what can be checked without network access.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let w = &self.wecom;
        if !looks_like_corp_id(&w.corp_id) {
            return invalid(format!(
                "wecom.corp_id {:?} does not look like a CorpID (18 characters starting with \"ww\", \
                 from 我的企业 → 企业信息 in the WeCom admin console)",
                w.corp_id
            ));
        }
        if w.agent_id <= 0 {
            return invalid("wecom.agent_id must be the app's AgentId (应用管理 → the app)".into());
        }
        if w.secret.expose().is_empty() {
            return invalid(
                "wecom.secret is empty: set GANTRY__WECOM__SECRET to the app's Secret".into(),
            );
        }
        check_callback("wecom", &w.token, &w.encoding_aes_key, &w.corp_id)?;
        if !w.contacts_token.expose().is_empty() || !w.contacts_encoding_aes_key.expose().is_empty()
        {
            check_callback(
                "wecom.contacts",
                &w.contacts_token,
                &w.contacts_encoding_aes_key,
                &w.corp_id,
            )?;
        }
        check_callback_window(w.callback_max_skew_secs)?;
        if url::Url::parse(&w.api_base).is_err() {
            return invalid(format!("wecom.api_base {:?} is not a URL", w.api_base));
        }
        if url::Url::parse(&self.server.public_url).is_err() {
            return invalid(format!(
                "server.public_url {:?} is not a URL",
                self.server.public_url
            ));
        }
        let db = self.database.url.expose();
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            return invalid("database.url must start with sqlite:// or postgres://".into());
        }
        let cache = self.cache.url.expose();
        if cache != "memory" && !cache.starts_with("redis://") && !cache.starts_with("rediss://") {
            return invalid("cache.url must be \"memory\" or redis://HOST:PORT".into());
        }
        self.security.validate()?;
        self.reminders.policy()?;
        self.reminders.daily_report_minute()?;
        self.files.validate()?;
        Ok(())
    }
}

impl FileSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.backend != FileBackend::S3 {
            return Ok(());
        }
        let s3 = &self.s3;
        let missing = [
            ("endpoint", s3.endpoint.is_empty()),
            ("bucket", s3.bucket.is_empty()),
            ("access_key_id", s3.access_key_id.expose().is_empty()),
            (
                "secret_access_key",
                s3.secret_access_key.expose().is_empty(),
            ),
        ];
        if let Some((key, _)) = missing.iter().find(|(_, empty)| *empty) {
            return Err(ConfigError::Invalid(format!(
                "files.backend is \"s3\" but files.s3.{key} is empty"
            )));
        }
        if url::Url::parse(&s3.endpoint).is_err() {
            return Err(ConfigError::Invalid(format!(
                "files.s3.endpoint {:?} is not a URL",
                s3.endpoint
            )));
        }
        Ok(())
    }
}

impl SecuritySettings {
    /// The current key (`None` when `field_key` is empty) and the retired ones, decoded
    /// and checked; the messages name the setting, never the key.
    pub(crate) fn keys(&self) -> Result<FieldKeys, ConfigError> {
        check_key_id("security.field_key_id", &self.field_key_id)?;
        let current = decode_key("security.field_key", self.field_key.expose())?;
        let mut retired = Vec::with_capacity(self.retired_field_keys.len());
        for (id, key) in &self.retired_field_keys {
            let setting = format!("security.retired_field_keys.{id}");
            check_key_id(&setting, id)?;
            if *id == self.field_key_id {
                return Err(ConfigError::Invalid(format!(
                    "{setting}: {id:?} is the current security.field_key_id; a key is either \
                     current or retired, so give the new key a new id"
                )));
            }
            let key = decode_key(&setting, key.expose())?.ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "{setting} is empty: give the retired key, or remove the entry once \
                     `gantry reseal` reports nothing left under it"
                ))
            })?;
            retired.push((id.clone(), key));
        }
        Ok(FieldKeys {
            current: current.map(|key| (self.field_key_id.clone(), key)),
            retired,
        })
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.keys().map(drop)
    }
}

/// The field keys from `[security]`, decoded: `(id, key)` pairs. `Debug` shows ids only.
pub(crate) struct FieldKeys {
    /// The key that seals; `None` when `security.field_key` is empty.
    pub current: Option<(String, [u8; 32])>,
    /// Keys that only open.
    pub retired: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for FieldKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids = |keys: &[(String, [u8; 32])]| keys.iter().map(|(id, _)| id.clone()).collect();
        let current: Vec<String> = ids(self.current.as_slice());
        let retired: Vec<String> = ids(&self.retired);
        f.debug_struct("FieldKeys")
            .field("current", &current)
            .field("retired", &retired)
            .finish()
    }
}

/// A key id is written into sealed values and read back from environment variable names
/// (which the loader lowercases), so it is short, lowercase and has no `:`.
pub(crate) fn is_key_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn check_key_id(setting: &str, id: &str) -> Result<(), ConfigError> {
    if is_key_id(id) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "{setting}: key id {id:?} must be 1 to 32 lowercase letters, digits, - or _"
        )))
    }
}

/// Decodes a Base64 field key named `setting`: `None` when empty, an error unless it is
/// 32 bytes. The messages never repeat the key.
pub(crate) fn decode_key(setting: &str, b64: &str) -> Result<Option<[u8; 32]>, ConfigError> {
    let b64 = b64.trim();
    if b64.is_empty() {
        return Ok(None);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| {
            ConfigError::Invalid(format!(
                "{setting} is not Base64; generate one with: openssl rand -base64 32"
            ))
        })?;
    let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        ConfigError::Invalid(format!(
            "{setting} must decode to 32 bytes (got {}); generate one with: \
             openssl rand -base64 32",
            b.len()
        ))
    })?;
    Ok(Some(key))
}

fn looks_like_corp_id(id: &str) -> bool {
    id.len() == 18
        && (id.starts_with("ww") || id.starts_with("wx"))
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Shortest callback window: WeCom resends an unanswered callback, with the same signed
/// timestamp, for up to a few minutes.
const MIN_CALLBACK_SKEW_SECS: u64 = 60;

/// The window must leave WeCom's retries working, and must be short enough that a callback
/// is refused as stale before its dedupe key can be purged: a callback is accepted until
/// `timestamp + window`, and `timestamp` is at most `window` after its first arrival, so
/// the key must outlive the first arrival by twice the window.
fn check_callback_window(secs: u64) -> Result<(), ConfigError> {
    let keep_secs = u64::try_from(DEDUPE_KEEP_MS / 1000).unwrap_or(0);
    if secs < MIN_CALLBACK_SKEW_SECS || secs.saturating_mul(2) > keep_secs {
        return Err(ConfigError::Invalid(format!(
            "wecom.callback_max_skew_secs must be between {MIN_CALLBACK_SKEW_SECS} (WeCom retries \
             with the same timestamp for minutes) and {} (half of the {} days finished \
             callbacks and their dedupe keys are kept), got {secs}",
            keep_secs / 2,
            keep_secs / 86_400,
        )));
    }
    Ok(())
}

fn check_callback(
    section: &str,
    token: &Secret,
    key: &Secret,
    corp_id: &str,
) -> Result<(), ConfigError> {
    let token = token.expose();
    if token.is_empty() || token.len() > 32 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ConfigError::Invalid(format!(
            "{section} token must be 1 to 32 letters or digits, exactly as entered under 接收消息 → 设置API接收"
        )));
    }
    let key = key.expose();
    if key.len() != 43 {
        return Err(ConfigError::Invalid(format!(
            "{section} encoding_aes_key must be the 43-character EncodingAESKey from the console (got {} characters)",
            key.len()
        )));
    }
    wecom::callback::CallbackCrypto::new(token, key, corp_id)
        .map(|_| ())
        .map_err(|e| ConfigError::Invalid(format!("{section} encoding_aes_key: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Settings {
        let mut s = Settings::load(None).expect("defaults load");
        s.wecom.corp_id = "wwd3c0f5e1a2b4c6d8".into();
        s.wecom.agent_id = 1000002;
        s.wecom.secret = Secret::new("app-secret-value");
        s.wecom.token = Secret::new("Token123");
        s.wecom.encoding_aes_key = Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C");
        s
    }

    fn problem(change: impl FnOnce(&mut Settings)) -> String {
        let mut s = valid();
        change(&mut s);
        s.validate().expect_err("invalid").to_string()
    }

    #[test]
    fn defaults_plus_wecom_values_validate() {
        valid().validate().expect("valid");
    }

    #[test]
    fn explains_what_is_wrong() {
        assert!(problem(|s| s.wecom.corp_id = "12345".into()).contains("企业信息"));
        assert!(
            problem(|s| s.wecom.encoding_aes_key = Secret::new("short")).contains("43-character")
        );
        assert!(problem(|s| s.wecom.token = Secret::new("")).contains("token must be"));
        assert!(problem(|s| s.wecom.secret = Secret::new("")).contains("GANTRY__WECOM__SECRET"));
        assert!(problem(|s| s.database.url = Secret::new("mysql://x")).contains("sqlite://"));
        assert!(problem(|s| s.cache.url = Secret::new("memcached://x")).contains("redis://"));
        assert!(problem(|s| s.security.field_key = Secret::new("c2hvcnQ=")).contains("32 bytes"));
        assert!(
            problem(|s| s.wecom.contacts_token = Secret::new("Contacts1"))
                .contains("wecom.contacts")
        );
        for secs in [0, 59, 7 * 24 * 3600, u64::MAX] {
            assert!(
                problem(|s| s.wecom.callback_max_skew_secs = secs)
                    .contains("wecom.callback_max_skew_secs"),
                "{secs}"
            );
        }
    }

    #[test]
    fn field_keys_have_ids_and_retired_keys_are_checked() {
        const K0: &str = "ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=";
        let s = valid();
        assert_eq!(s.security.field_key_id, "k1");
        assert!(s.security.retired_field_keys.is_empty());
        assert!(
            problem(|s| s.security.field_key_id = "K1".into()).contains("security.field_key_id")
        );
        assert!(problem(|s| s.security.field_key_id = "a:b".into()).contains("lowercase"));
        let retire = |id: &str, key: &str| {
            let (id, key) = (id.to_owned(), Secret::new(key));
            move |s: &mut Settings| {
                s.security.retired_field_keys.insert(id, key);
            }
        };
        assert!(problem(retire("k0", "c2hvcnQ=")).contains("security.retired_field_keys.k0"));
        assert!(problem(retire("k0", "")).contains("gantry reseal"));
        assert!(problem(retire("k1", K0)).contains("current"));
        assert!(problem(retire("Old", K0)).contains("key id"));
        let mut s = valid();
        retire("k0", K0)(&mut s);
        s.validate().expect("a retired key beside the current one");
        let keys = s.security.keys().expect("keys");
        assert_eq!(keys.retired.len(), 1);
        assert!(!format!("{keys:?}").contains("102, 105"), "{keys:?}");
    }

    #[test]
    fn retired_keys_load_from_a_file() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("gantry.toml");
        std::fs::write(
            &file,
            "[security]\nfield_key_id = \"k2\"\n\n[security.retired_field_keys]\n\
             k1 = \"ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=\"\n",
        )
        .expect("write");
        let s = Settings::load(Some(&file)).expect("loads");
        assert_eq!(s.security.field_key_id, "k2");
        assert_eq!(
            s.security.retired_field_keys.keys().collect::<Vec<_>>(),
            ["k1"]
        );
        assert!(!format!("{s:?}").contains("ZmllbGQta2V5"));
    }

    #[test]
    fn the_callback_window_defaults_to_five_minutes_and_fits_the_dedupe_retention() {
        let s = valid();
        assert_eq!(s.wecom.callback_max_skew_secs, 300);
        for secs in [60, 300, 3600, 302_400] {
            let mut s = valid();
            s.wecom.callback_max_skew_secs = secs;
            s.validate().expect("a window within half the retention");
        }
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let mut s = valid();
        s.database.url = Secret::new("postgres://gantry:hunter2@db/gantry");
        s.cache.url = Secret::new("redis://:redispass@cache:6379");
        s.security.field_key = Secret::new("ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=");
        let debug = format!("{s:?}");
        for secret in [
            "app-secret-value",
            "Token123",
            "jWmYm7qr5nMo",
            "hunter2",
            "redispass",
            "ZmllbGQta2V5",
        ] {
            assert!(!debug.contains(secret), "{secret} leaked into {debug}");
        }
    }
}
