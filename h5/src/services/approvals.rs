//! `/approvals`, `/approval-templates`.

use api::{
    ApprovalAction, ApprovalCounts, ApprovalDetail, ApprovalForm, ApprovalList, ApprovalPage,
    Delegation, DelegationView, TemplateDefinition, TemplateView,
};
use serde_json::Value;

use super::{BASE, Get};
use crate::http::{self, Failure, Method};
use crate::pending::{self, Outcome};

/// One page of a list, newest first, below `before`.
pub fn list(which: ApprovalList, before: Option<i64>) -> Get<ApprovalPage> {
    let mut path = format!("/approvals?list={}&limit=30", which.code());
    if let Some(before) = before {
        path.push_str(&format!("&before={before}"));
    }
    Get::new(path)
}

/// How many each list holds.
pub fn counts() -> Get<ApprovalCounts> {
    Get::new("/approvals/counts".to_owned())
}

/// One instance.
pub fn detail(id: i64) -> Get<ApprovalDetail> {
    Get::new(format!("/approvals/{id}"))
}

/// Acts on instance `id`.
pub async fn act(id: i64, action: &ApprovalAction) -> Result<Value, Failure> {
    http::send(Method::Post, &format!("/approvals/{id}/actions"), action).await
}

/// Submits a new approval, or resubmits returned instance `again` (`body` is then a
/// resubmit action); queued when offline, `label` naming it in the queue.
pub async fn submit(label: &str, again: Option<i64>, body: Value) -> Outcome<Value> {
    let path = match again {
        Some(id) => format!("/approvals/{id}/actions"),
        None => "/approvals".to_owned(),
    };
    pending::submit(label, Method::Post, &path, body).await
}

/// A photo attached to approval `id`, for an `<img src>`.
pub fn attachment_url(id: i64, key: &str) -> String {
    format!("{BASE}/approvals/{id}/attachments/{key}")
}

/// The enabled templates as forms to fill in.
pub fn forms() -> Get<Vec<ApprovalForm>> {
    Get::new("/approval-forms".to_owned())
}

/// Every template with its definition (template managers only).
pub fn templates() -> Get<Vec<TemplateView>> {
    Get::new("/approval-templates".to_owned())
}

/// Saves template `code`'s definition.
pub async fn put_template(code: &str, definition: &TemplateDefinition) -> Result<Value, Failure> {
    let path = format!("/approval-templates/{}", super::encode(code));
    http::send(Method::Put, &path, definition).await
}

/// The caller's out-of-office delegations not yet over.
pub fn delegations() -> Get<Vec<DelegationView>> {
    Get::new("/approval-delegation".to_owned())
}

/// Sends the caller's new approval seats to a delegate for a while.
pub async fn delegate(delegation: &Delegation) -> Result<Value, Failure> {
    http::send(Method::Put, "/approval-delegation", delegation).await
}

/// Ends the caller's delegations.
pub async fn end_delegation() -> Result<Value, Failure> {
    http::call(Method::Delete, "/approval-delegation").await
}
