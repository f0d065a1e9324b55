//! `/api/v1/projects`: the ledger (list, detail, create, edit), Excel export and import,
//! members and their roles, and schedule settings. Every change is audited.

use actix_web::{HttpRequest, HttpResponse, web};
use api::{
    ErrorCode, MemberRoleRequest, ProjectInput, ProjectMemberView, ProjectPage,
    ScheduleSettingsView,
};
use domain::access::{Action, ProjectRole, ProjectScope, Subject, authorize};
use domain::project::ProjectStatus;
use serde::Deserialize;
use store::{LedgerRecord, ProjectQuery, ProjectSort, Projects, ScheduleSettings};

use crate::audit::{self, Actor, Target, record_request};
use crate::auth::{CurrentUser, require, subject};
use crate::error::{ApiError, Bounded};
use crate::projects::service;
use crate::projects::views::{Names, amounts_visible, view, visibility};
use crate::projects::{excel, import};
use crate::state::AppState;

/// Largest spreadsheet accepted.
const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// Most rows one export writes.
const MAX_EXPORT_ROWS: u32 = 20_000;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/projects", web::get().to(list))
        .route("/projects", web::post().to(create))
        .route("/projects/export", web::get().to(export))
        .service(
            web::resource("/projects/import")
                .app_data(web::PayloadConfig::new(MAX_IMPORT_BYTES))
                .route(web::post().to(import_sheet)),
        )
        .route("/projects/{id}", web::get().to(detail))
        .route("/projects/{id}", web::put().to(edit))
        .route("/projects/{id}/members", web::get().to(members))
        .route("/projects/{id}/members", web::put().to(add_member))
        .route(
            "/projects/{id}/members/{userid}/{role}",
            web::delete().to(remove_member),
        )
        .route(
            "/projects/{id}/schedule-settings",
            web::get().to(schedule_settings),
        )
        .route(
            "/projects/{id}/schedule-settings",
            web::put().to(put_schedule_settings),
        );
}

fn bad_request(message: &str) -> ApiError {
    ApiError::with_message(ErrorCode::BadRequest, message)
}

/// The ledger record of project `id` once `action` on it is allowed.
async fn allowed(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: Action,
) -> Result<(LedgerRecord, Subject), ApiError> {
    let record = state
        .store
        .projects()
        .ledger(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let scope = ProjectScope {
        project_id: id,
        department_id: record.ledger.department_id,
    };
    let subject = require(state, user, action, Some(scope)).await?;
    Ok((record, subject))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    q: Option<String>,
    /// Comma-separated status codes.
    status: Option<String>,
    kind: Option<String>,
    tag: Option<String>,
    department: Option<i64>,
    /// Projects this member works on (`me` for the caller).
    member: Option<String>,
    role: Option<String>,
    sort: Option<String>,
    #[serde(default)]
    desc: bool,
    page: Option<u32>,
    per_page: Option<u32>,
}

impl ListQuery {
    /// The store query, or what is wrong with the parameters.
    fn to_query(&self, user: &CurrentUser, subject: &Subject) -> Result<ProjectQuery, ApiError> {
        let statuses = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|s| {
                    ProjectStatus::parse(s.trim()).ok_or_else(|| bad_request("未知的项目状态"))
                })
                .collect::<Result<_, _>>()?,
        };
        let sort = match self.sort.as_deref().unwrap_or("code") {
            "code" => ProjectSort::Code,
            "name" => ProjectSort::Name,
            "planned_start" => ProjectSort::PlannedStart,
            "planned_finish" => ProjectSort::PlannedFinish,
            "updated" => ProjectSort::Updated,
            // Ordering by amount would reveal amounts the caller may not see.
            "contract" if matches!(visibility(subject), store::Visibility::All) => {
                ProjectSort::ContractAmount
            }
            _ => return Err(bad_request("不支持的排序方式")),
        };
        let member_role = match self.role.as_deref() {
            None | Some("") => None,
            Some(code) => {
                Some(ProjectRole::from_code(code).ok_or_else(|| bad_request("未知的项目角色"))?)
            }
        };
        let member = match self.member.as_deref() {
            Some("me") => Some(user.userid().to_owned()),
            other => other.filter(|m| !m.is_empty()).map(str::to_owned),
        };
        let per_page = self.per_page.unwrap_or(20).clamp(1, 100);
        let page = self.page.unwrap_or(1).max(1);
        Ok(ProjectQuery {
            text: self.q.clone(),
            statuses,
            kind: self.kind.clone().filter(|k| !k.is_empty()),
            tag: self.tag.clone().filter(|t| !t.is_empty()),
            departments: self.department.into_iter().collect(),
            member,
            member_role,
            sort,
            descending: self.desc,
            offset: (page - 1).saturating_mul(per_page),
            limit: per_page,
            visibility: visibility(subject),
        })
    }
}

async fn list(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let subject = subject(&state, &user).await?;
    let wanted = query.to_query(&user, &subject)?;
    let page = state.store.projects().list(&wanted).await?;
    let names = Names::of(&state, &page.items).await?;
    let items = page
        .items
        .iter()
        .map(|r| view(&subject, &names, r))
        .collect();
    Ok(HttpResponse::Ok().json(ProjectPage {
        total: page.total,
        items,
        can_create: authorize(&subject, Action::CreateProject, None).is_ok(),
    }))
}

async fn detail(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (record, subject) = allowed(&state, &user, path.into_inner(), Action::ViewProject).await?;
    let records = [record];
    let names = Names::of(&state, &records).await?;
    Ok(HttpResponse::Ok().json(view(&subject, &names, &records[0])))
}

/// Answers with the stored project as the caller sees it.
async fn answer_with(
    state: &AppState,
    subject: &Subject,
    id: i64,
    created: bool,
) -> Result<HttpResponse, ApiError> {
    let record = state
        .store
        .projects()
        .ledger(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let records = [record];
    let names = Names::of(state, &records).await?;
    let body = view(subject, &names, &records[0]);
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

async fn create(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<ProjectInput>,
) -> Result<HttpResponse, ApiError> {
    let subject = require(&state, &user, Action::CreateProject, None).await?;
    let actor = Actor::of(&req, &user);
    let id = service::create(&state, &body, &actor).await?;
    answer_with(&state, &subject, id, true).await
}

async fn edit(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Json<ProjectInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (record, subject) = allowed(&state, &user, id, Action::EditProject).await?;
    let actor = Actor::of(&req, &user);
    let may_see = amounts_visible(&subject, &record);
    service::update(&state, id, &body, may_see, &actor).await?;
    answer_with(&state, &subject, id, false).await
}

async fn export(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let subject = subject(&state, &user).await?;
    let mut wanted = query.to_query(&user, &subject)?;
    wanted.offset = 0;
    wanted.limit = MAX_EXPORT_ROWS;
    let page = state.store.projects().list(&wanted).await?;
    let names = Names::of(&state, &page.items).await?;
    let views: Vec<_> = page
        .items
        .iter()
        .map(|r| view(&subject, &names, r))
        .collect();
    let bytes = excel::export(&views)?;
    // Exports carry amounts out of the system: who took what is worth a record.
    let rows = views.len();
    record_request(
        &req,
        &state,
        &user,
        "project.export",
        Target::new("project", "*"),
        None::<&str>,
        Some(&serde_json::json!({ "rows": rows })),
    )
    .await?;
    let day = domain::calendar::Day::of_ms(state.clock.now_ms());
    Ok(crate::files::download::xlsx(
        &format!("projects-{day}.xlsx"),
        &format!("项目台账-{day}.xlsx"),
    )
    .body(bytes))
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

async fn import_sheet(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::CreateProject, None).await?;
    let actor = Actor::of(&req, &user);
    let report = import::import(&state, &body, query.dry_run, &actor).await?;
    Ok(HttpResponse::Ok().json(report))
}

async fn members(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    allowed(&state, &user, id, Action::ViewProject).await?;
    let held = state.store.projects().members(id).await?;
    let userids: Vec<String> = held.iter().map(|m| m.userid.clone()).collect();
    let org = state.store.org();
    let refs: Vec<&str> = userids.iter().map(String::as_str).collect();
    let names = org.names(&refs).await?;
    let current = org.current_among(&userids).await?;
    let views: Vec<ProjectMemberView> = held
        .into_iter()
        .map(|m| ProjectMemberView {
            name: names
                .get(&m.userid)
                .cloned()
                .unwrap_or_else(|| m.userid.clone()),
            left: !current.contains(&m.userid),
            role: super::wire::role(m.role),
            userid: m.userid,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn add_member(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<MemberRoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    allowed(&state, &user, id, Action::ManageProjectMembers).await?;
    let role = super::wire::role_of(body.role);
    service::check_member(&state, &body.userid).await?;
    let actor = Actor::of(&req, &user);
    let key = id.to_string();
    let mut tx = state.store.begin().await?;
    let added = Projects::add_member_on(
        &mut tx,
        id,
        &body.userid,
        role,
        user.userid(),
        state.clock.now_ms(),
    )
    .await?;
    if added {
        let target = Target::new("project", &key);
        audit::append(
            &mut tx,
            &state,
            &actor,
            "project.member.add",
            target,
            audit::NONE,
            Some(&*body),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn remove_member(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, userid, role) = path.into_inner();
    allowed(&state, &user, id, Action::ManageProjectMembers).await?;
    let role = ProjectRole::from_code(&role).ok_or_else(|| bad_request("未知的项目角色"))?;
    let projects = state.store.projects();
    if role == ProjectRole::Manager {
        let managers = projects.with_role(id, ProjectRole::Manager).await?;
        if managers == [userid.clone()] {
            return Err(ApiError::with_message(
                ErrorCode::Conflict,
                "项目至少需要一位项目经理，请先任命新的项目经理",
            ));
        }
    }
    let mut tx = state.store.begin().await?;
    if !Projects::remove_member_on(&mut tx, id, &userid, role).await? {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let key = id.to_string();
    let before = MemberRoleRequest {
        userid,
        role: super::wire::role(role),
    };
    let actor = Actor::of(&req, &user);
    let target = Target::new("project", &key);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "project.member.remove",
        target,
        Some(&before),
        audit::NONE,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

fn settings_view(s: &ScheduleSettings) -> ScheduleSettingsView {
    ScheduleSettingsView {
        shift_successors: s.shift_successors,
        lag_alert_days: s.lag_alert_days,
        escalate_after_days: s.escalate_after_days,
    }
}

async fn read_settings(state: &AppState, id: i64) -> Result<ScheduleSettings, ApiError> {
    state
        .store
        .projects()
        .schedule_settings(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

async fn schedule_settings(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    allowed(&state, &user, id, Action::ViewProject).await?;
    let settings = read_settings(&state, id).await?;
    Ok(HttpResponse::Ok().json(settings_view(&settings)))
}

async fn put_schedule_settings(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Json<ScheduleSettingsView>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    allowed(&state, &user, id, Action::EditProject).await?;
    let in_range = |n: Option<i32>| n.is_none_or(|n| (1..=365).contains(&n));
    if !in_range(body.lag_alert_days) || !in_range(body.escalate_after_days) {
        return Err(bad_request("天数应在 1 到 365 之间，留空则用系统默认"));
    }
    let before = read_settings(&state, id).await?;
    let after = ScheduleSettings {
        shift_successors: body.shift_successors,
        lag_alert_days: body.lag_alert_days,
        escalate_after_days: body.escalate_after_days,
        alerted_day: before.alerted_day,
    };
    let key = id.to_string();
    let actor = Actor::of(&req, &user);
    let mut tx = state.store.begin().await?;
    Projects::set_schedule_settings_on(&mut tx, id, &after).await?;
    let target = Target::new("project", &key);
    let shown_before = settings_view(&before);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "project.schedule_settings",
        target,
        Some(&shown_before),
        Some(&*body),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(settings_view(&after)))
}
