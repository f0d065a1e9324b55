//! `/projects`: the ledger, one project, its members and its Gantt.

use api::{Gantt, ProjectMemberView, ProjectPage, ProjectStatus, ProjectView};

use super::{Get, encode};

/// Projects matching `text` (code, name or client), of `status` if given.
pub fn search(text: &str, status: Option<ProjectStatus>) -> Get<ProjectPage> {
    let mut path = format!("/projects?per_page=50&q={}", encode(text));
    if let Some(status) = status {
        path.push_str(&format!("&status={}", status.code()));
    }
    Get::new(path)
}

/// The caller's projects, up to `per_page`.
pub fn mine(per_page: u32) -> Get<ProjectPage> {
    Get::new(format!("/projects?member=me&per_page={per_page}"))
}

/// One project.
pub fn get(id: i64) -> Get<ProjectView> {
    Get::new(format!("/projects/{id}"))
}

/// Its members and their roles.
pub fn members(id: i64) -> Get<Vec<ProjectMemberView>> {
    Get::new(format!("/projects/{id}/members"))
}

/// Its Gantt.
pub fn gantt(id: i64) -> Get<Gantt> {
    Get::new(format!("/projects/{id}/gantt"))
}
