//! Work members who left still hold (`/api/v1/admin/reassignments`, and one project's
//! under `/api/v1/projects/{id}/reassignments`), and marking it handed over.

use actix_web::{HttpRequest, HttpResponse, web};
use api::{ErrorCode, ReassignmentKind, ReassignmentView};
use domain::access::Action;
use store::Reassignment;

use crate::audit::{self, Actor, Target};
use crate::auth::{CurrentUser, require};
use crate::error::ApiError;
use crate::projects::views::Names;
use crate::state::AppState;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/reassignments", web::get().to(all_open))
        .route("/admin/reassignments/{id}/resolve", web::post().to(resolve))
        .route("/projects/{id}/reassignments", web::get().to(project_open));
}

async fn views(
    state: &AppState,
    open: Vec<Reassignment>,
) -> Result<Vec<ReassignmentView>, ApiError> {
    let leavers: Vec<&str> = open.iter().map(|r| r.leaver.as_str()).collect();
    let names = state.store.org().names(&leavers).await?;
    let names = Names::from_people(names);
    Ok(open
        .into_iter()
        .filter_map(|r| {
            // Only the sweep writes kinds, all of them known; skip rather than fail a list.
            let Some(kind) = ReassignmentKind::from_code(&r.kind) else {
                tracing::warn!(kind = %r.kind, id = r.id, "unknown reassignment kind");
                return None;
            };
            Some(ReassignmentView {
                id: r.id,
                leaver: names.person(&r.leaver),
                kind,
                item: r.item,
                project_id: r.project_id,
                detail: r.detail,
                flagged_at_ms: r.flagged_at_ms,
            })
        })
        .collect())
}

async fn all_open(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageOrgSync, None).await?;
    let open = state.store.reassignments().open(None).await?;
    Ok(HttpResponse::Ok().json(views(&state, open).await?))
}

async fn project_open(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    crate::auth::require_on_project(&state, &user, id, Action::ManageProjectMembers).await?;
    let open = state.store.reassignments().open(Some(id)).await?;
    Ok(HttpResponse::Ok().json(views(&state, open).await?))
}

async fn resolve(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageOrgSync, None).await?;
    let id = path.into_inner();
    let mut tx = state.store.begin().await?;
    let now = state.clock.now_ms();
    if !store::Reassignments::resolve_on(&mut tx, id, user.userid(), now).await? {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let key = id.to_string();
    let target = Target::new("reassignment", &key);
    let actor = Actor::of(&req, &user);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "reassignment.resolve",
        target,
        audit::NONE,
        Some(&"resolved"),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
