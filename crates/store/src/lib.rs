//! Gantry's persistence: SQLite (the embedded default) and PostgreSQL (production)
//! through one code path.
//!
//! Every query is a runtime `sqlx::query` on the `Any` driver with `$N` placeholders
//! and portable column types (BIGINT ids and unix-ms instants, TEXT for strings and
//! JSON, 0/1 integers for booleans), so the same text runs on both. [`Backend`] covers
//! the few real differences: `FOR UPDATE SKIP LOCKED` when claiming queue rows,
//! `BEGIN IMMEDIATE` for SQLite write transactions, and the DDL in
//! `migrations/sqlite` vs `migrations/postgres`. `tests/story.rs` runs one story over
//! every repository function on both backends to keep them equivalent.
//!
//! - [`Store`]: connect by URL, migrate, ping, transactions.
//! - [`Inbox`], [`Outbox`]: the callback-in and push-out queues (see `queue.rs` for
//!   the lease rules they share).
//! - [`Org`]: the WeCom directory mirror. [`Settings`]: small named values.
//! - [`Audit`]: the hash-chained, tamper-evident audit log.

mod approvals;
mod audit;
mod error;
mod inbox;
mod org;
mod outbox;
mod projects;
mod queue;
mod reassignments;
mod roles;
mod sessions;
mod settings;
mod sql;
mod store;
mod stored_files;
mod target;
mod tasks;
mod template_cache;

pub use approvals::{
    ApprovalCard, ApprovalList, Approvals, InstanceSummary, ListCounts, ListFilter, NewInstance,
    StoredInstance, StoredTemplate,
};
pub use audit::{
    Audit, AuditEntry, AuditFilter, Broken, GENESIS_HASH, NewAuditEntry, Problem, VerifyReport,
};
pub use error::StoreError;
pub use inbox::{Inbox, InboxItem, NewInboxItem};
pub use org::{
    Digests, DirectoryHit, Org, PersonalFields, PersonalRow, Reseal, SealedMember, SyncWriter,
    Written,
};
pub use outbox::{NewOutboxItem, Outbox, OutboxItem};
pub use projects::{
    LedgerRecord, NewProject, ProjectPage, ProjectQuery, ProjectSort, Projects, ScheduleSettings,
    Visibility,
};
pub use queue::{ItemStatus, QueueStats};
pub use reassignments::{NewReassignment, Reassignment, Reassignments};
pub use roles::{RoleGrant, Roles};
pub use sessions::{NewSession, Session, Sessions};
pub use settings::Settings;
pub use store::{Store, StoreOptions, Tx};
pub use stored_files::StoredFiles;
pub use target::Backend;
pub use tasks::{Checkin, Comment, DueTask, NewTask, Tasks};
pub use template_cache::TemplateCache;

/// The sqlx version this crate speaks, so callers can name `sqlx::AnyConnection` and
/// friends without a dependency of their own that could drift.
pub use sqlx;
