//! The admin console: queues and dead letters, configuration, system roles, org sync.

use serde::{Deserialize, Serialize};

wire_enum! {
    /// A durable queue (`GET /api/v1/admin/dead-letters?queue=…`).
    pub enum QueueName {
        /// WeCom callbacks received.
        Inbox = "inbox" => "回调队列",
        /// Pushes to WeCom.
        Outbox = "outbox" => "推送队列",
    }
}

wire_enum! {
    /// A role that applies across all projects.
    pub enum SystemRole {
        /// Everything.
        Admin = "admin" => "系统管理员",
        /// Budgets and costs everywhere.
        Finance = "finance" => "财务",
    }
}

wire_enum! {
    /// Where a running org sync is.
    pub enum SyncStage {
        /// Reading and writing departments.
        Departments = "departments" => "同步部门",
        /// Reading members department by department.
        Members = "members" => "同步成员",
        /// Reading and writing tags.
        Tags = "tags" => "同步标签",
        /// Marking members who are gone as left.
        Leavers = "leavers" => "处理离职成员",
        /// Finished.
        Done = "done" => "已完成",
        /// Stopped by an error.
        Failed = "failed" => "失败",
    }
}

wire_enum! {
    /// The database Gantry runs on.
    pub enum DatabaseKind {
        /// Embedded SQLite.
        Sqlite = "sqlite" => "SQLite",
        /// PostgreSQL.
        Postgres = "postgres" => "PostgreSQL",
    }
}

wire_enum! {
    /// The shared cache Gantry runs with.
    pub enum CacheKind {
        /// In-process (one replica).
        Memory = "memory" => "内存",
        /// Redis (shared by replicas).
        Redis = "redis" => "Redis",
    }
}

/// One queue's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatus {
    /// Waiting.
    pub pending: i64,
    /// Claimed by a worker.
    pub processing: i64,
    /// Finished.
    pub done: i64,
    /// Dead letters.
    pub dead: i64,
    /// Age of the oldest waiting row, ms.
    pub oldest_pending_age_ms: Option<i64>,
}

/// `GET /api/v1/admin/queues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queues {
    /// Callbacks in.
    pub inbox: QueueStatus,
    /// Pushes out.
    pub outbox: QueueStatus,
}

/// One dead letter (`GET /api/v1/admin/dead-letters?queue=inbox|outbox`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Row id (replay with `POST /api/v1/admin/dead-letters/{queue}/{id}/replay`).
    pub id: i64,
    /// Which queue.
    pub queue: QueueName,
    /// Kind of callback or push.
    pub kind: String,
    /// Dedupe or idempotency key.
    pub key: String,
    /// Attempts made.
    pub attempts: i32,
    /// Why it failed last.
    pub last_error: Option<String>,
}

/// `GET /api/v1/admin/config`: what Gantry runs with, secrets reduced to set / not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigSummary {
    /// CorpID.
    pub corp_id: String,
    /// AgentId.
    pub agent_id: i64,
    /// WeCom API base.
    pub api_base: String,
    /// Public URL.
    pub public_url: String,
    /// The database.
    pub database: DatabaseKind,
    /// The cache.
    pub cache: CacheKind,
    /// Secret, Token and EncodingAESKey present.
    pub app_secrets_set: bool,
    /// The 通讯录同步 event server is configured.
    pub contacts_callback: bool,
    /// The 通讯录同步 secret is configured.
    pub contacts_secret_set: bool,
    /// System admins from configuration.
    pub config_admins: Vec<String>,
}

/// A system role grant (`GET /api/v1/admin/roles`; `PUT`/`DELETE …/roles/{userid}/{role}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    /// The member.
    pub userid: String,
    /// The role.
    pub role: SystemRole,
    /// Who granted it (`config` for configured admins).
    pub granted_by: String,
}

/// `GET /api/v1/admin/sync`: the org sync, last and running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// A sync is running now (on any replica).
    pub running: bool,
    /// The last finished sync.
    #[serde(default)]
    pub last: Option<LastSync>,
    /// The running sync's progress.
    #[serde(default)]
    pub progress: Option<SyncProgress>,
}

/// How the last sync went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastSync {
    /// Start, unix ms.
    pub started_at_ms: i64,
    /// Duration.
    pub duration_ms: i64,
    /// Counts (departments, members, tags, added, changed, unchanged), when it succeeded.
    #[serde(default)]
    pub report: Option<serde_json::Value>,
    /// Why it failed.
    #[serde(default)]
    pub error: Option<String>,
}

/// A running sync's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncProgress {
    /// The stage.
    pub stage: SyncStage,
    /// 0–100.
    pub percent: u8,
    /// Units done in the stage.
    pub done: u64,
    /// Units in the stage.
    pub total: u64,
    /// When the sync started, unix ms.
    #[serde(default)]
    pub started_at_ms: i64,
}
