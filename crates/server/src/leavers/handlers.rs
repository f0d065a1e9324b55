//! Work members who left still hold (`/api/v1/admin/reassignments`, and one project's
//! under `/api/v1/projects/{id}/reassignments`), and marking it handed over: admins for
//! any flag, a project's managers for their project's.
//!
//! Handing over a task or a role goes through the tasks and members routes (a higher
//! feature, which this one may not call); an approval seat the leaver still holds has no
//! route of its own, so resolving with `to` hands it over here, as the sweep does.

use actix_web::{HttpRequest, HttpResponse, web};
use api::{ErrorCode, ReassignmentKind, ReassignmentView, ResolveReassignment};
use domain::access::Action;
use domain::approval::instance::SYSTEM;
use store::Reassignment;

use crate::audit::{self, Actor, Target};
use crate::auth::{CurrentUser, require, require_on_project};
use crate::error::ApiError;
use crate::projects::views::Names;
use crate::state::AppState;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/reassignments", web::get().to(all_open))
        .route("/admin/reassignments/{id}/resolve", web::post().to(resolve))
        .route("/projects/{id}/reassignments", web::get().to(project_open))
        .route(
            "/projects/{id}/reassignments/{flag}/resolve",
            web::post().to(project_resolve),
        );
}

async fn views(
    state: &AppState,
    open: Vec<Reassignment>,
) -> Result<Vec<ReassignmentView>, ApiError> {
    let mut leavers: Vec<&str> = open.iter().map(|r| r.leaver.as_str()).collect();
    leavers.sort_unstable();
    leavers.dedup();
    // Who should take a leaver's work: their leader, as the sweep hands approval seats.
    let mut leaders = std::collections::HashMap::new();
    for leaver in &leavers {
        let leader = state
            .store
            .org()
            .leader_levels(leaver, 1)
            .await?
            .into_iter()
            .flatten()
            .next();
        if let Some(leader) = leader {
            leaders.insert(*leaver, leader);
        }
    }
    let mut people = leavers.clone();
    people.extend(leaders.values().map(String::as_str));
    let names = Names::from_people(state.store.org().names(&people).await?);
    Ok(open
        .iter()
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
                item: r.item.clone(),
                project_id: r.project_id,
                detail: r.detail.clone(),
                flagged_at_ms: r.flagged_at_ms,
                suggested: leaders
                    .get(r.leaver.as_str())
                    .map(|leader| names.person(leader)),
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
    require_on_project(&state, &user, id, Action::ManageProjectMembers).await?;
    let open = state.store.reassignments().open(Some(id)).await?;
    Ok(HttpResponse::Ok().json(views(&state, open).await?))
}

async fn resolve(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageOrgSync, None).await?;
    let body = resolution(&body)?;
    let id = path.into_inner();
    let flag = state
        .store
        .reassignments()
        .get(id)
        .await?
        .filter(|r| r.resolved_at_ms.is_none())
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    finish(&state, &Actor::of(&req, &user), &flag, body).await
}

/// A project manager resolves their project's flags; one already handed over answers as
/// done.
async fn project_resolve(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (project, id) = path.into_inner();
    require_on_project(&state, &user, project, Action::ManageProjectMembers).await?;
    let body = resolution(&body)?;
    let flag = state
        .store
        .reassignments()
        .get(id)
        .await?
        .filter(|r| r.project_id == Some(project))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if flag.resolved_at_ms.is_some() {
        // Handed over already (by another PM, or a tap repeated on a slow network).
        return Ok(HttpResponse::NoContent().finish());
    }
    finish(&state, &Actor::of(&req, &user), &flag, body).await
}

/// The optional body: none, or a [`ResolveReassignment`] within its limits.
fn resolution(body: &[u8]) -> Result<ResolveReassignment, ApiError> {
    use api::limits::Limited as _;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ResolveReassignment::default());
    }
    let bad = |m: String| ApiError::with_message(ErrorCode::BadRequest, m);
    let parsed: ResolveReassignment =
        serde_json::from_slice(body).map_err(|e| bad(format!("请求格式不正确：{e}")))?;
    parsed.check().map_err(|b| bad(b.message()))?;
    Ok(parsed)
}

/// Hands the approval seat over when asked to, then marks the flag handed over, audited
/// with whom it went to.
async fn finish(
    state: &AppState,
    actor: &Actor,
    flag: &Reassignment,
    body: ResolveReassignment,
) -> Result<HttpResponse, ApiError> {
    if let Some(to) = body.to.as_deref() {
        hand_over_seat(state, flag, to).await?;
    }
    let mut tx = state.store.begin().await?;
    let now = state.clock.now_ms();
    if !store::Reassignments::resolve_on(&mut tx, flag.id, &actor.userid, now).await? {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let key = flag.id.to_string();
    let after = serde_json::json!({ "resolved": true, "to": body.to });
    audit::append(
        &mut tx,
        state,
        actor,
        "reassignment.resolve",
        Target::new("reassignment", &key),
        audit::NONE,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The leaver's pending seat on the flagged approval goes to `to` (a current member), as
/// an escalation by the system: nobody else may move another's seat.
async fn hand_over_seat(state: &AppState, flag: &Reassignment, to: &str) -> Result<(), ApiError> {
    let bad = |m: &str| ApiError::with_message(ErrorCode::BadRequest, m);
    if flag.kind != ReassignmentKind::ApprovalStep.code() {
        return Err(bad("任务和项目角色请在任务或项目成员中交接"));
    }
    let current = state.store.org().current_among(&[to.to_owned()]).await?;
    if current.is_empty() {
        return Err(bad("接手人不是在职成员"));
    }
    let id: i64 = flag
        .item
        .parse()
        .map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    let escalate = domain::approval::Action::Escalate {
        from: flag.leaver.clone(),
        to: to.to_owned(),
    };
    let origin = crate::approvals::Origin::default();
    match crate::approvals::act(state, id, &Actor::member(SYSTEM), escalate, &origin).await? {
        domain::approval::Outcome::Applied(_) => Ok(()),
        domain::approval::Outcome::AlreadyDone => Err(ApiError::with_message(
            ErrorCode::Conflict,
            "该审批已不在离职人员处等待，无需转交；可直接标记已交接",
        )),
    }
}
