//! `/tasks`: my tasks, one task, its check-ins and comments.

use api::{CheckinView, CommentView, TaskUpdate, TaskView};
use serde_json::Value;

use super::{BASE, Get};
use crate::http::{self, Failure, Method};
use crate::pending::{self, Outcome};

/// The caller's open tasks.
pub fn mine() -> Get<Vec<TaskView>> {
    Get::new("/tasks/mine".to_owned())
}

/// One task.
pub fn get(id: i64) -> Get<TaskView> {
    Get::new(format!("/tasks/{id}"))
}

/// Changes task `id`.
pub async fn update(id: i64, update: &TaskUpdate) -> Result<Value, Failure> {
    http::send(Method::Patch, &format!("/tasks/{id}"), update).await
}

/// Files a 申请延期 for task `id`; answers the approval's id.
pub async fn extend(id: i64, body: &api::ExtensionRequest) -> Result<api::Created, Failure> {
    http::send(Method::Post, &format!("/tasks/{id}/extension"), body).await
}

/// Its check-ins.
pub fn checkins(id: i64) -> Get<Vec<CheckinView>> {
    Get::new(format!("/tasks/{id}/checkins"))
}

/// Checks in on task `id` (queued when offline); `label` names it in the queue.
pub async fn check_in(id: i64, label: &str, body: Value) -> Outcome<Value> {
    pending::submit(label, Method::Post, &format!("/tasks/{id}/checkins"), body).await
}

/// The stamped photo `index` of a check-in, for an `<img src>`.
pub fn checkin_photo_url(task: i64, checkin: i64, index: usize) -> String {
    format!("{BASE}/tasks/{task}/checkins/{checkin}/photos/{index}")
}

/// A photo of one of the task's comments, for an `<img src>`.
pub fn comment_photo_url(task: i64, key: &str) -> String {
    format!("{BASE}/tasks/{task}/comment-photos/{key}")
}

/// Its comments.
pub fn comments(id: i64) -> Get<Vec<CommentView>> {
    Get::new(format!("/tasks/{id}/comments"))
}

/// Comments on task `id` (queued when offline).
pub async fn comment(id: i64, body: Value) -> Outcome<Value> {
    pending::submit("评论", Method::Post, &format!("/tasks/{id}/comments"), body).await
}
