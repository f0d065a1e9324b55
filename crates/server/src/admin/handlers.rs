//! `/api/v1/admin`: queues and dead letters, configuration summary, system roles.
//! Every handler checks its action through the one authorisation function and every change
//! is written to the audit log.

use actix_web::{HttpRequest, HttpResponse, web};
use api::{
    CacheKind, ConfigSummary, DatabaseKind, DeadLetter, ErrorCode, LastSync, QueueName,
    QueueStatus, Queues, RoleGrant, SyncProgress, SyncStage, SyncStatus, SystemRole,
};
use domain::access::Action;
use serde::Deserialize;

use crate::audit::{self, Actor, Target, record_request as record};
use crate::auth::{CurrentUser, require};
use crate::error::ApiError;
use crate::org::sync as org_sync;
use crate::state::AppState;

/// Registers the admin routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/queues", web::get().to(queues))
        .route("/admin/dead-letters", web::get().to(dead_letters))
        .route(
            "/admin/dead-letters/{queue}/{id}/replay",
            web::post().to(replay),
        )
        .route("/admin/config", web::get().to(config_summary))
        .route("/admin/sync", web::get().to(sync_status))
        .route("/admin/sync", web::post().to(sync_now))
        .route(
            "/admin/sessions/{userid}",
            web::delete().to(revoke_sessions),
        )
        .route("/admin/roles", web::get().to(roles))
        .route("/admin/roles/{userid}/{role}", web::put().to(grant))
        .route("/admin/roles/{userid}/{role}", web::delete().to(revoke));
}

fn status(s: store::QueueStats) -> QueueStatus {
    QueueStatus {
        pending: s.pending,
        processing: s.processing,
        done: s.done,
        dead: s.dead,
        oldest_pending_age_ms: s.oldest_pending_age_ms,
    }
}

async fn queues(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageQueues, None).await?;
    let now = state.clock.now_ms();
    let inbox = state.store.inbox().stats(now).await?;
    let outbox = state.store.outbox().stats(now).await?;
    Ok(HttpResponse::Ok().json(Queues {
        inbox: status(inbox),
        outbox: status(outbox),
    }))
}

#[derive(Debug, Deserialize)]
struct DeadQuery {
    queue: QueueName,
    #[serde(default = "fifty")]
    limit: u32,
    #[serde(default)]
    offset: u32,
}

fn fifty() -> u32 {
    50
}

async fn dead_letters(
    user: CurrentUser,
    query: web::Query<DeadQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageQueues, None).await?;
    let limit = query.limit.min(200);
    let letters: Vec<DeadLetter> = match query.queue {
        QueueName::Inbox => state
            .store
            .inbox()
            .dead(limit, query.offset)
            .await?
            .into_iter()
            .map(|i| DeadLetter {
                id: i.id,
                queue: QueueName::Inbox,
                kind: i.kind,
                key: i.dedupe_key,
                attempts: i.attempts,
                last_error: i.last_error,
            })
            .collect(),
        QueueName::Outbox => state
            .store
            .outbox()
            .dead(limit, query.offset)
            .await?
            .into_iter()
            .map(|o| DeadLetter {
                id: o.id,
                queue: QueueName::Outbox,
                kind: o.kind,
                key: o.idempotency_key,
                attempts: o.attempts,
                last_error: o.last_error,
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(letters))
}

async fn replay(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<(String, i64)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageQueues, None).await?;
    let (queue, id) = path.into_inner();
    let mut tx = state.store.begin().await?;
    let replayed = match QueueName::from_code(&queue) {
        Some(QueueName::Inbox) => store::Inbox::replay_on(&mut tx, id).await,
        Some(QueueName::Outbox) => store::Outbox::replay_on(&mut tx, id).await,
        None => return Err(ApiError::new(ErrorCode::NotFound)),
    }?;
    if !replayed {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let target_id = format!("{queue}:{id}");
    let target = Target::new("dead_letter", &target_id);
    let actor = Actor::of(&req, &user);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "dead_letter.replay",
        target,
        audit::NONE,
        Some("pending"),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn sync_status(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageOrgSync, None).await?;
    let last = state
        .store
        .settings()
        .get(org_sync::LAST_SYNC_KEY)
        .await?
        .and_then(|v| serde_json::from_str::<org_sync::LastSync>(&v).ok());
    let running = state
        .cache
        .get(org_sync::RUNNING_KEY)
        .await
        .ok()
        .flatten()
        .is_some();
    // Progress lives in the cache so every replica sees the one running sync's.
    let progress = state
        .cache
        .get(org_sync::PROGRESS_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_str::<org_sync::SyncProgress>(&v).ok());
    Ok(HttpResponse::Ok().json(SyncStatus {
        running,
        last: last.map(|l| LastSync {
            started_at_ms: l.started_at_ms,
            duration_ms: l.duration_ms,
            report: l.report.and_then(|r| serde_json::to_value(r).ok()),
            error: l.error,
        }),
        progress: progress.map(|p| SyncProgress {
            stage: match p.stage {
                org_sync::Stage::Departments => SyncStage::Departments,
                org_sync::Stage::Members => SyncStage::Members,
                org_sync::Stage::Tags => SyncStage::Tags,
                org_sync::Stage::Leavers => SyncStage::Leavers,
                org_sync::Stage::Done => SyncStage::Done,
                org_sync::Stage::Failed => SyncStage::Failed,
            },
            percent: p.percent,
            done: p.done as u64,
            total: p.total as u64,
            started_at_ms: p.started_at_ms,
        }),
    }))
}

async fn sync_now(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageOrgSync, None).await?;
    let started = org_sync::try_begin(state.cache.as_ref(), user.userid()).await?;
    if !started {
        return Err(ApiError::with_message(
            ErrorCode::Conflict,
            "同步正在进行中",
        ));
    }
    record(
        &req,
        &state,
        &user,
        "org_sync.start",
        Target::new("org_sync", "full"),
        None::<&str>,
        None::<&str>,
    )
    .await?;
    let state = state.into_inner();
    tokio::spawn(async move {
        let now = state.clock.now_ms();
        let options = org_sync::SyncOptions::with_progress(state.cache.clone());
        let (wecom, store, cipher) = (&state.wecom, &state.store, &state.cipher);
        if let Err(e) = org_sync::sync_and_record(wecom, store, cipher, &options, now).await {
            tracing::warn!(error = %e, "org sync failed");
        }
        org_sync::end(state.cache.as_ref()).await;
    });
    Ok(HttpResponse::Accepted().finish())
}

async fn config_summary(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ViewConfig, None).await?;
    let s = &state.settings;
    let w = &s.wecom;
    let set = |v: &wecom::client::Secret| !v.expose().is_empty();
    Ok(HttpResponse::Ok().json(ConfigSummary {
        corp_id: w.corp_id.clone(),
        agent_id: w.agent_id,
        api_base: w.api_base.clone(),
        public_url: s.server.public_url.clone(),
        database: match state.store.backend() {
            store::Backend::Sqlite => DatabaseKind::Sqlite,
            store::Backend::Postgres => DatabaseKind::Postgres,
        },
        cache: if s.cache.url.expose() == "memory" {
            CacheKind::Memory
        } else {
            CacheKind::Redis
        },
        app_secrets_set: set(&w.secret) && set(&w.token) && set(&w.encoding_aes_key),
        contacts_callback: state.contacts_crypto.is_some(),
        contacts_secret_set: set(&w.contacts_secret),
        config_admins: s.auth.admins.clone(),
    }))
}

async fn roles(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageRoles, None).await?;
    let mut grants: Vec<RoleGrant> = state
        .settings
        .auth
        .admins
        .iter()
        .map(|userid| RoleGrant {
            userid: userid.clone(),
            role: SystemRole::Admin,
            granted_by: "config".into(),
        })
        .collect();
    for g in state.store.roles().all().await? {
        // Grants are checked on the way in (`check_role`); an unknown one is skipped.
        if let Some(role) = SystemRole::from_code(&g.role) {
            grants.push(RoleGrant {
                userid: g.userid,
                role,
                granted_by: g.granted_by,
            });
        }
    }
    Ok(HttpResponse::Ok().json(grants))
}

async fn grant(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageRoles, None).await?;
    let (userid, role) = path.into_inner();
    check_role(&role)?;
    let member = state.store.org().member(&userid).await?;
    if !member.is_some_and(|m| m.is_current()) {
        return Err(ApiError::with_message(
            ErrorCode::NotFound,
            "成员不存在或已离职",
        ));
    }
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    if store::Roles::grant_on(&mut tx, &userid, &role, user.userid(), now).await? {
        let target_id = format!("{userid}:{role}");
        let target = Target::new("system_role", &target_id);
        let actor = Actor::of(&req, &user);
        audit::append(
            &mut tx,
            &state,
            &actor,
            "role.grant",
            target,
            audit::NONE,
            Some(&role),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn revoke(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageRoles, None).await?;
    let (userid, role) = path.into_inner();
    check_role(&role)?;
    let mut tx = state.store.begin().await?;
    if !store::Roles::revoke_on(&mut tx, &userid, &role).await? {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let target_id = format!("{userid}:{role}");
    let target = Target::new("system_role", &target_id);
    let actor = Actor::of(&req, &user);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "role.revoke",
        target,
        Some(&role),
        audit::NONE,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Signs a member out everywhere (a lost phone, a suspected account).
async fn revoke_sessions(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Action::ManageRoles, None).await?;
    let userid = path.into_inner();
    let mut tx = state.store.begin().await?;
    let ended = store::Sessions::revoke_user_on(&mut tx, &userid, state.clock.now_ms()).await?;
    let actor = Actor::of(&req, &user);
    let target = Target::new("member", &userid);
    audit::append(
        &mut tx,
        &state,
        &actor,
        "session.revoke_all",
        target,
        audit::NONE,
        Some(&ended),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "revoked": ended })))
}

fn check_role(role: &str) -> Result<(), ApiError> {
    if SystemRole::from_code(role).is_some() {
        Ok(())
    } else {
        Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "角色只能是 admin 或 finance",
        ))
    }
}
