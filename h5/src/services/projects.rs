//! `/projects`: the ledger, one project, its members, schedule settings and Gantt; creating
//! and editing projects, their members, and the spreadsheet import and export.

use api::{
    Gantt, ImportReport, MemberRoleRequest, ProjectInput, ProjectMemberView, ProjectPage,
    ProjectRole, ProjectStatus, ProjectView, ScheduleSettingsView,
};

use super::{BASE, Get, encode};
use crate::http::{self, Failure, Method};

/// The query of a search: `text` (code, name or client), of `status` if given.
fn query(text: &str, status: Option<ProjectStatus>) -> String {
    let mut query = format!("q={}", encode(text));
    if let Some(status) = status {
        query.push_str(&format!("&status={}", status.code()));
    }
    query
}

/// Projects matching `text` (code, name or client), of `status` if given.
pub fn search(text: &str, status: Option<ProjectStatus>) -> Get<ProjectPage> {
    Get::new(format!("/projects?per_page=50&{}", query(text, status)))
}

/// The .xlsx of the same search, for a plain link: the session cookie goes with it, and
/// the WeCom webview hands the download to its file viewer.
pub fn export_url(text: &str, status: Option<ProjectStatus>) -> String {
    format!("{BASE}/projects/export?{}", query(text, status))
}

/// The caller's projects, up to `per_page`.
pub fn mine(per_page: u32) -> Get<ProjectPage> {
    Get::new(format!("/projects?member=me&per_page={per_page}"))
}

/// One project.
pub fn get(id: i64) -> Get<ProjectView> {
    Get::new(format!("/projects/{id}"))
}

/// Creates a project.
pub async fn create(input: &ProjectInput) -> Result<ProjectView, Failure> {
    http::send(Method::Post, "/projects", input).await
}

/// Replaces project `id`'s ledger entry (`input.version` is the one read).
pub async fn update(id: i64, input: &ProjectInput) -> Result<ProjectView, Failure> {
    http::send(Method::Put, &format!("/projects/{id}"), input).await
}

/// Its members and their roles.
pub fn members(id: i64) -> Get<Vec<ProjectMemberView>> {
    Get::new(format!("/projects/{id}/members"))
}

/// Gives `userid` `role` in project `id`.
pub async fn add_member(id: i64, userid: &str, role: ProjectRole) -> Result<(), Failure> {
    let body = MemberRoleRequest {
        userid: userid.to_owned(),
        role,
    };
    http::send(Method::Put, &format!("/projects/{id}/members"), &body).await
}

/// Takes `role` in project `id` from `userid`.
pub async fn remove_member(id: i64, userid: &str, role: ProjectRole) -> Result<(), Failure> {
    let path = format!("/projects/{id}/members/{}/{}", encode(userid), role.code());
    http::call(Method::Delete, &path).await
}

/// How its schedule behaves.
pub fn schedule_settings(id: i64) -> Get<ScheduleSettingsView> {
    Get::new(format!("/projects/{id}/schedule-settings"))
}

/// Changes how its schedule behaves.
pub async fn set_schedule_settings(
    id: i64,
    settings: &ScheduleSettingsView,
) -> Result<ScheduleSettingsView, Failure> {
    http::send(
        Method::Put,
        &format!("/projects/{id}/schedule-settings"),
        settings,
    )
    .await
}

/// The .xlsx media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Sends a ledger sheet: checked only (`dry_run`), or applied when every row is right.
pub async fn import(sheet: js_sys::Uint8Array, dry_run: bool) -> Result<ImportReport, Failure> {
    http::upload(&format!("/projects/import?dry_run={dry_run}"), XLSX, sheet).await
}

/// Its Gantt.
pub fn gantt(id: i64) -> Get<Gantt> {
    Get::new(format!("/projects/{id}/gantt"))
}
