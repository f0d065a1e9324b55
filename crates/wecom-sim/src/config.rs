//! Simulator configuration: the corp, its apps, the generated org and the limits.

use std::time::Duration;

/// Everything that defines one simulated WeCom corp.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// CorpID (`ww` + 16 hex chars).
    pub corp_id: String,
    /// Self-built apps of the corp.
    pub apps: Vec<SimApp>,
    /// Secret of 通讯录同步 (the contacts-sync assistant).
    pub contacts_secret: String,
    /// Shape of the generated directory.
    pub org: OrgSpec,
    /// Lifetime of issued access tokens (WeCom: 7200 s).
    pub token_ttl: Duration,
    /// Default app callback, used by the `/sim/click` and `/sim/text` controls.
    pub callback: Option<CallbackTarget>,
    /// Timeout of one callback delivery attempt (WeCom: 5 s).
    pub callback_timeout: Duration,
    /// Deliveries per callback including the first (WeCom: "总共重试三次", read as 3).
    pub callback_attempts: u32,
    /// Timeout for the URL-verification GET (WeCom: 1 s).
    pub verify_timeout: Duration,
    /// Frequency limits.
    pub limits: SimLimits,
    /// actix worker threads.
    pub workers: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            corp_id: "wwd3c0f5e1a2b4c6d8".to_owned(),
            apps: vec![SimApp::default()],
            contacts_secret: "sim-contacts-secret".to_owned(),
            org: OrgSpec::default(),
            token_ttl: Duration::from_secs(7200),
            callback: None,
            callback_timeout: Duration::from_secs(5),
            callback_attempts: 3,
            verify_timeout: Duration::from_secs(1),
            limits: SimLimits::default(),
            workers: 2,
        }
    }
}

/// One self-built app (自建应用).
#[derive(Debug, Clone)]
pub struct SimApp {
    /// AgentId.
    pub agent_id: i64,
    /// App secret.
    pub secret: String,
    /// 可见范围.
    pub visibility: Visibility,
    /// Created after 2022-06-20: user/get and user/list omit mobile, email, biz_mail,
    /// avatar, gender, address and qr_code.
    pub new_app_2022: bool,
}

impl Default for SimApp {
    fn default() -> Self {
        Self {
            agent_id: 1_000_002,
            secret: "sim-app-secret".to_owned(),
            visibility: Visibility::Root,
            new_app_2022: false,
        }
    }
}

/// An app's visibility scope (可见范围).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// The whole org (root department).
    Root,
    /// These departments and everything below them.
    Departments(Vec<i64>),
    /// Only these members (no department is visible).
    Users(Vec<String>),
}

/// Size and seed of the generated directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSpec {
    /// Number of members.
    pub users: usize,
    /// Number of departments including the root.
    pub departments: usize,
    /// Number of tags.
    pub tags: usize,
    /// Generator seed; the same seed gives the same org.
    pub seed: u64,
}

impl Default for OrgSpec {
    fn default() -> Self {
        Self {
            users: 200,
            departments: 20,
            tags: 5,
            seed: 42,
        }
    }
}

/// Where and how to deliver app callbacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackTarget {
    /// The app's callback URL.
    pub url: String,
    /// Token configured in 接收消息.
    pub token: String,
    /// 43-character EncodingAESKey.
    pub encoding_aes_key: String,
}

/// Frequency limits (defaults are WeCom's published numbers, doc section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimLimits {
    /// Per corp, per API, per minute (45009 beyond).
    pub api_per_minute: u32,
    /// Per corp, per API, per hour (45009 beyond).
    pub api_per_hour: u32,
    /// message/send deliveries per app per member per minute (excess silently dropped).
    pub member_per_minute: u32,
    /// message/send deliveries per app per member per hour (excess silently dropped).
    pub member_per_hour: u32,
    /// get_jsapi_ticket per corp per hour.
    pub corp_ticket_per_corp_hour: u32,
    /// get_jsapi_ticket per app per hour.
    pub corp_ticket_per_app_hour: u32,
    /// ticket/get?type=agent_config per app per hour.
    pub agent_ticket_per_app_hour: u32,
    /// appchat/create per corp per day.
    pub appchat_create_per_day: u32,
}

impl Default for SimLimits {
    fn default() -> Self {
        Self {
            api_per_minute: 10_000,
            api_per_hour: 150_000,
            member_per_minute: 30,
            member_per_hour: 1000,
            corp_ticket_per_corp_hour: 400,
            corp_ticket_per_app_hour: 100,
            agent_ticket_per_app_hour: 100,
            appchat_create_per_day: 1000,
        }
    }
}
