//! `/admin/reassignments`, `/projects/{id}/reassignments`: a leaver's open work and
//! marking it handed over.

use api::{ReassignmentView, ResolveReassignment};
use serde_json::Value;

use super::Get;
use crate::http::{self, Failure, Method};

/// Open hand-overs: of project `project`, or of every project (admins).
pub fn open(project: Option<i64>) -> Get<Vec<ReassignmentView>> {
    Get::new(match project {
        Some(id) => format!("/projects/{id}/reassignments"),
        None => "/admin/reassignments".to_owned(),
    })
}

/// Marks hand-over `id` done, through the project's route or the admins'; with `to`, an
/// approval seat the leaver still holds goes to that member first.
pub async fn resolve(project: Option<i64>, id: i64, to: Option<String>) -> Result<Value, Failure> {
    let path = match project {
        Some(p) => format!("/projects/{p}/reassignments/{id}/resolve"),
        None => format!("/admin/reassignments/{id}/resolve"),
    };
    http::send(Method::Post, &path, &ResolveReassignment { to }).await
}
