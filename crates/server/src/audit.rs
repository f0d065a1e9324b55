//! Writing audit records from handlers and workers, and checking the chain.
//!
//! Every change writes one record: who (a WeCom userid, or [`SYSTEM`]), when, from which
//! IP, what (`project.update`), on what (`project` `42`), and the target's state before
//! and after as JSON. The store chains the records by hash (see [`store::Audit`]).
//!
//! Snapshots are kept in plain text for good: put sensitive fields in them in their
//! sealed form (see [`crate::sealed`]) or masked, never in clear.
//!
//! A change is audited in its own transaction, so both commit or neither:
//!
//! ```ignore
//! let actor = Actor::of(&req, &user);
//! let mut tx = state.store.begin().await?;
//! /* … the update on &mut tx … */
//! audit::append(&mut tx, &state, &actor, "project.update", target, Some(&old), Some(&new)).await?;
//! tx.commit().await?;
//! ```
//!
//! [`record_request`] (a transaction of its own) is only for requests that change nothing
//! in the database: exports, a sync started, calls to WeCom.

use serde::Serialize;
use store::sqlx::AnyConnection;
use store::{AuditEntry, NewAuditEntry, Store, StoreError, VerifyReport};

use crate::state::AppState;

/// The actor of changes no member made: workers, org sync, migrations.
pub const SYSTEM: &str = "system";

/// `before` of a creation or `after` of a deletion: `audit::record(…, audit::NONE, Some(&new))`.
pub const NONE: Option<&()> = None;

/// Who makes a change, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The member, or [`SYSTEM`].
    pub userid: String,
    /// Their address.
    pub ip: Option<String>,
}

impl Actor {
    /// A member acting through WeCom (a chat command, a card tap): no address of theirs.
    pub fn member(userid: &str) -> Actor {
        Actor {
            userid: userid.to_owned(),
            ip: None,
        }
    }

    /// The signed-in member making `req`.
    pub fn of(req: &actix_web::HttpRequest, user: &crate::auth::CurrentUser) -> Actor {
        Actor {
            userid: user.userid().to_owned(),
            ip: client_ip(req),
        }
    }
}

/// Writes the audit row of a change inside the change's transaction (`conn`), so the two
/// commit together or not at all.
pub async fn append<B, A>(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &Actor,
    action: &str,
    target: Target<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), AuditError>
where
    B: Serialize + ?Sized,
    A: Serialize + ?Sized,
{
    let now_ms = state.clock.now_ms();
    let entry = entry(
        now_ms,
        &actor.userid,
        actor.ip.as_deref(),
        action,
        target,
        before,
        after,
    )?;
    store::Audit::append(conn, &entry).await?;
    Ok(())
}

/// What a change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The kind of thing, e.g. `project`.
    pub kind: &'a str,
    /// Its id, as text.
    pub id: &'a str,
    /// The project it belongs to, so 管理 → 审计日志 can show one project's history.
    pub project: Option<i64>,
}

impl<'a> Target<'a> {
    /// `Target::new("project", "42")`; a project is filed under itself.
    pub fn new(kind: &'a str, id: &'a str) -> Self {
        let project = if kind == "project" {
            id.parse().ok()
        } else {
            None
        };
        Self { kind, id, project }
    }

    /// The target, filed under `project` (a task's or an approval's project).
    #[must_use]
    pub fn in_project(self, project: Option<i64>) -> Self {
        Self {
            project: project.or(self.project),
            ..self
        }
    }
}

/// Why a record could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A snapshot could not be turned into JSON (e.g. a map with non-string keys).
    #[error("cannot encode an audit snapshot: {0}")]
    Json(#[from] serde_json::Error),
    /// The database refused or is unavailable.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The record for a change at `at_ms` (normally `state.clock.now_ms()`), for
/// [`store::Audit::append`] inside the caller's transaction.
pub fn entry<B, A>(
    at_ms: i64,
    actor: &str,
    ip: Option<&str>,
    action: &str,
    target: Target<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<NewAuditEntry, serde_json::Error>
where
    B: Serialize + ?Sized,
    A: Serialize + ?Sized,
{
    Ok(NewAuditEntry {
        at_ms,
        actor: actor.to_owned(),
        ip: ip.map(str::to_owned),
        action: action.to_owned(),
        target_type: target.kind.to_owned(),
        target_id: target.id.to_owned(),
        before_json: before.map(serde_json::to_string).transpose()?,
        after_json: after.map(serde_json::to_string).transpose()?,
        project_id: target.project,
    })
}

/// Records a change in a transaction of its own: for changes with no other database
/// write to commit with (logins, exports, calls to WeCom).
pub async fn record<B, A>(
    state: &AppState,
    actor: &str,
    ip: Option<&str>,
    action: &str,
    target: Target<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<AuditEntry, AuditError>
where
    B: Serialize + ?Sized,
    A: Serialize + ?Sized,
{
    let now_ms = state.clock.now_ms();
    let entry = entry(now_ms, actor, ip, action, target, before, after)?;
    Ok(state.store.audit().append_now(&entry).await?)
}

/// Walks the whole chain and logs the outcome; `gantry audit verify` prints it.
pub async fn verify(store: &Store) -> Result<VerifyReport, StoreError> {
    let report = store.audit().verify().await?;
    match &report.broken {
        None => tracing::info!(
            rows = report.checked,
            head_id = report.head_id,
            head_hash = %report.head_hash,
            "audit chain intact"
        ),
        Some(broken) => tracing::error!(
            at = broken.id,
            problem = %broken.problem,
            rows_verified = report.checked,
            "audit chain broken"
        ),
    }
    Ok(report)
}

/// The address a request came from, as audit records keep it.
pub fn client_ip(req: &actix_web::HttpRequest) -> Option<String> {
    req.connection_info()
        .realip_remote_addr()
        .map(str::to_owned)
}

/// [`record`] for an API request: the signed-in member and their address; a failure
/// to write is the request's failure (no change without its audit row).
pub async fn record_request<B, A>(
    req: &actix_web::HttpRequest,
    state: &AppState,
    user: &crate::auth::CurrentUser,
    action: &str,
    target: Target<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), crate::error::ApiError>
where
    B: Serialize + ?Sized,
    A: Serialize + ?Sized,
{
    let ip = client_ip(req);
    record(
        state,
        user.userid(),
        ip.as_deref(),
        action,
        target,
        before,
        after,
    )
    .await?;
    Ok(())
}

impl From<AuditError> for crate::error::ApiError {
    #[track_caller]
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Store(e) => e.into(),
            AuditError::Json(e) => Self::internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize)]
    struct Project<'a> {
        name: &'a str,
        id_card: &'a str,
    }

    #[test]
    fn snapshots_become_json_text() {
        let before = Project {
            name: "一期",
            id_card: "v1:sealed",
        };
        let e = entry(
            5,
            "zhangsan",
            Some("10.0.0.1"),
            "project.update",
            Target::new("project", "42"),
            Some(&before),
            Some(&serde_json::json!({"name": "二期"})),
        )
        .expect("entry");
        assert_eq!(
            e.before_json.as_deref(),
            Some(r#"{"name":"一期","id_card":"v1:sealed"}"#)
        );
        assert_eq!(e.after_json.as_deref(), Some(r#"{"name":"二期"}"#));
        assert_eq!(
            (e.at_ms, e.target_type.as_str(), e.target_id.as_str()),
            (5, "project", "42")
        );
        assert_eq!(e.project_id, Some(42), "a project is filed under itself");
        let created = entry(
            5,
            SYSTEM,
            None,
            "project.create",
            Target::new("project", "42"),
            NONE,
            Some("x"),
        )
        .expect("entry");
        assert_eq!(
            (created.before_json, created.after_json.as_deref()),
            (None, Some(r#""x""#))
        );
        let task = Target::new("task", "9").in_project(Some(42));
        assert_eq!(
            (task.project, Target::new("project", "*").project),
            (Some(42), None)
        );
        let bad: BTreeMap<(i32, i32), i32> = BTreeMap::from([((1, 2), 3)]);
        assert!(
            entry(
                5,
                SYSTEM,
                None,
                "x",
                Target::new("x", "1"),
                Some(&bad),
                NONE
            )
            .is_err()
        );
    }

    #[tokio::test]
    async fn recorded_entries_verify() {
        let store = Store::connect("sqlite::memory:").await.expect("store");
        store.migrate().await.expect("migrate");
        for i in 1..=3 {
            let e = entry(
                i,
                SYSTEM,
                None,
                "org.sync",
                Target::new("org", "all"),
                NONE,
                Some(&i),
            )
            .expect("entry");
            store.audit().append_now(&e).await.expect("append");
        }
        let report = verify(&store).await.expect("verify");
        assert!(report.is_intact(), "{report}");
        assert_eq!(report.checked, 3);
        store::sqlx::query("UPDATE audit_log SET after_json = '9' WHERE id = 2")
            .execute(store.pool())
            .await
            .expect("tamper");
        let report = verify(&store).await.expect("verify");
        assert_eq!(report.broken.map(|b| b.id), Some(2));
    }
}
