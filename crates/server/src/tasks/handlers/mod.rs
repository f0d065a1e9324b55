//! `/api/v1/projects/{id}/…` schedules and `/api/v1/tasks/…`: the Gantt in one call,
//! tasks, links, baselines, my tasks, site check-ins and daily reports. Every change is
//! audited.

mod checkin_photos;
mod comments;

use actix_web::{HttpRequest, HttpResponse, web};
use api::{
    CheckinRequest, CheckinView, DailyReport, ErrorCode, LinkView, NewTaskRequest, TaskUpdate,
};
use domain::access::Action as Permission;
use domain::calendar::Day;
use domain::schedule::Link;
use serde::Deserialize;

use crate::audit::Actor;
use crate::auth::{CurrentUser, require_on_project};
use crate::error::{ApiError, Bounded};
use crate::state::AppState;
use crate::tasks::{daily_reports, gantt, service, wire};

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    checkin_photos::configure(cfg);
    comments::configure(cfg);
    cfg.route("/projects/{id}/gantt", web::get().to(project_gantt))
        .route("/projects/{id}/tasks", web::get().to(project_tasks))
        .route("/projects/{id}/tasks", web::post().to(create_task))
        .route("/projects/{id}/links", web::put().to(put_link))
        .route(
            "/projects/{id}/links/{from}/{to}",
            web::delete().to(delete_link),
        )
        .route("/projects/{id}/baseline", web::post().to(take_baseline))
        .route("/projects/{id}/daily-reports", web::get().to(daily_reports))
        .route(
            "/projects/{id}/daily-reports",
            web::put().to(put_daily_report),
        )
        .route(
            "/projects/{id}/daily-reports/export",
            web::get().to(export_daily_reports),
        )
        .route("/tasks/mine", web::get().to(my_tasks))
        .route("/tasks/{id}", web::get().to(task_detail))
        .route("/tasks/{id}", web::patch().to(update_task))
        .route("/tasks/{id}/checkins", web::get().to(checkins))
        .route("/tasks/{id}/checkins", web::post().to(check_in))
        .route("/tasks/{id}/extension", web::post().to(request_extension));
}

/// 申请延期 on a task the caller reports on; the PM decides it as an approval.
async fn request_extension(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<api::ExtensionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    task_project(&state, &user, id, Permission::ReportProgress).await?;
    if !(1..=365).contains(&body.days) {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "延长天数应在 1 到 365 天之间",
        ));
    }
    if body.reason.trim().is_empty() {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "请填写延期原因",
        ));
    }
    let actor = Actor::of(&req, &user);
    let approval =
        crate::tasks::extension::request(&state, id, &actor, body.days, &body.reason).await?;
    Ok(HttpResponse::Created().json(api::Created { id: approval }))
}

fn today(state: &AppState) -> Day {
    Day::of_ms(state.clock.now_ms())
}

async fn project_gantt(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::ViewProject).await?;
    let gantt = gantt::gantt(&state, id, today(&state)).await?;
    Ok(HttpResponse::Ok().json(gantt))
}

async fn project_tasks(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::ViewProject).await?;
    let mut tasks = state.store.tasks().of_project(id).await?;
    domain::task::roll_up(&mut tasks);
    let today = today(&state);
    let views: Vec<_> = gantt::wbs_order(tasks)
        .iter()
        .map(|t| gantt::view(t, today))
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn create_task(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<NewTaskRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::EditTasks).await?;
    let task = service::create(&state, id, &body, &Actor::of(&req, &user)).await?;
    let view = gantt::view(&task, today(&state));
    Ok(HttpResponse::Created().json(view))
}

async fn update_task(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<TaskUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let before = state
        .store
        .tasks()
        .get(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    // Progress and status are the site's to report; the plan is the PM's to change.
    let progress_only = TaskUpdate {
        progress: body.progress,
        status: body.status,
        ..TaskUpdate::default()
    } == *body;
    let needed = if progress_only {
        Permission::ReportProgress
    } else {
        Permission::EditTasks
    };
    require_on_project(&state, &user, before.project_id, needed).await?;
    let changed = service::update(&state, id, &body, &Actor::of(&req, &user)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

async fn put_link(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Json<LinkView>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::EditTasks).await?;
    let kind = wire::link_kind_of(body.kind);
    let link = Link {
        from: body.from,
        to: body.to,
        kind,
        lag: body.lag,
    };
    let moved = service::link(&state, id, link, &Actor::of(&req, &user)).await?;
    let moved: Vec<(i64, String)> = moved.iter().map(|(id, d)| (*id, d.to_string())).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "moved": moved })))
}

async fn delete_link(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, from, to) = path.into_inner();
    require_on_project(&state, &user, id, Permission::EditTasks).await?;
    service::unlink(&state, id, (from, to), &Actor::of(&req, &user)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn take_baseline(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::EditTasks).await?;
    let tasks = service::take_baseline(&state, id, &Actor::of(&req, &user)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "tasks": tasks })))
}

async fn my_tasks(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let views = service::open_views(&state, user.userid()).await?;
    Ok(HttpResponse::Ok().json(views))
}

async fn task_detail(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let task = state
        .store
        .tasks()
        .get(path.into_inner())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    require_on_project(&state, &user, task.project_id, Permission::ViewProject).await?;
    Ok(HttpResponse::Ok().json(gantt::view(&task, today(&state))))
}

/// The task's project, after checking `action` on it.
pub(super) async fn task_project(
    state: &AppState,
    user: &CurrentUser,
    task_id: i64,
    action: Permission,
) -> Result<i64, ApiError> {
    let task = state
        .store
        .tasks()
        .get(task_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    require_on_project(state, user, task.project_id, action).await?;
    Ok(task.project_id)
}

async fn checkins(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    task_project(&state, &user, id, Permission::ViewProject).await?;
    let list = state.store.tasks().checkins(id).await?;
    let views: Vec<CheckinView> = list
        .into_iter()
        .map(|c| CheckinView {
            id: c.id,
            userid: c.userid,
            at_ms: c.at_ms,
            location: c.location,
            address: c.address,
            note: c.note,
            photos: c.photos,
            originals: c.originals,
            progress: c.progress,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn check_in(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<CheckinRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    task_project(&state, &user, id, Permission::ReportProgress).await?;
    let actor = Actor::of(&req, &user);
    let checkin = crate::tasks::checkin::record(&state, id, &actor, &body).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "id": checkin.id,
        "photos": checkin.photos,
        "originals": checkin.originals,
    })))
}

#[derive(Debug, Deserialize)]
struct DayQuery {
    day: Option<String>,
}

async fn daily_reports(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::EditTasks).await?;
    let day = match &query.day {
        Some(d) => Day::parse(d)
            .ok_or_else(|| ApiError::with_message(ErrorCode::BadRequest, "day 应为 YYYY-MM-DD"))?,
        None => today(&state),
    };
    let reports = state.store.tasks().reports(id, day).await?;
    let ids: Vec<&str> = reports.iter().map(|(u, _)| u.as_str()).collect();
    let names = state.store.org().names(&ids).await?;
    let views: Vec<DailyReport> = reports
        .iter()
        .map(|(userid, stored)| {
            let name = names.get(userid).cloned().unwrap_or_else(|| userid.clone());
            daily_reports::view(userid.clone(), name, day, stored)
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn put_daily_report(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<DailyReport>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::ReportProgress).await?;
    daily_reports::put(&state, id, &body, &Actor::of(&req, &user)).await?;
    let mut saved = body.into_inner();
    saved.userid = user.userid().to_owned();
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize)]
struct SpanQuery {
    from: String,
    to: String,
}

/// A project's daily reports over a span of days, as an .xlsx (the PM's record).
async fn export_daily_reports(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<SpanQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    require_on_project(&state, &user, id, Permission::EditTasks).await?;
    let bad = || ApiError::with_message(ErrorCode::BadRequest, "from/to 应为 YYYY-MM-DD");
    let (from, to) = (
        Day::parse(&query.from).ok_or_else(bad)?,
        Day::parse(&query.to).ok_or_else(bad)?,
    );
    if to.0 < from.0 || to.0 - from.0 >= daily_reports::EXPORT_DAYS {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            format!("一次最多导出 {} 天", daily_reports::EXPORT_DAYS),
        ));
    }
    let bytes = daily_reports::export(&state, id, from, to).await?;
    let key = id.to_string();
    crate::audit::record_request(
        &req,
        &state,
        &user,
        "daily_report.export",
        crate::audit::Target::new("project", &key).in_project(Some(id)),
        crate::audit::NONE,
        Some(&format!("{from}..{to}")),
    )
    .await?;
    Ok(crate::files::download::xlsx(
        &format!("daily-reports-{from}-{to}.xlsx"),
        &format!("施工日志-{from}至{to}.xlsx"),
    )
    .body(bytes))
}
