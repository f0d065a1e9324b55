//! `/admin`: org sync, dead letters, system roles.

use api::{DeadLetter, QueueName, RoleGrant, SyncStatus, SystemRole};
use serde_json::Value;

use super::{Get, encode};
use crate::http::{self, Failure, Method};

/// The org sync, last and running.
pub fn sync() -> Get<SyncStatus> {
    Get::new("/admin/sync".to_owned())
}

/// Starts a full org sync.
pub async fn sync_now() -> Result<Value, Failure> {
    http::call(Method::Post, "/admin/sync").await
}

/// A queue's dead letters.
pub fn dead_letters(queue: QueueName) -> Get<Vec<DeadLetter>> {
    Get::new(format!("/admin/dead-letters?queue={}", queue.code()))
}

/// Puts dead letter `id` of `queue` back in line.
pub async fn replay(queue: QueueName, id: i64) -> Result<Value, Failure> {
    let path = format!("/admin/dead-letters/{}/{id}/replay", queue.code());
    http::call(Method::Post, &path).await
}

/// Every system role grant.
pub fn roles() -> Get<Vec<RoleGrant>> {
    Get::new("/admin/roles".to_owned())
}

/// Grants (`grant`) or revokes `role` of `userid`.
pub async fn set_role(userid: &str, role: SystemRole, grant: bool) -> Result<Value, Failure> {
    let path = format!("/admin/roles/{}/{}", encode(userid), role.code());
    let method = if grant { Method::Put } else { Method::Delete };
    http::call(method, &path).await
}
