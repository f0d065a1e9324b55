//! `/api/v1/approvals` and `/api/v1/approval-templates`: the H5's lists, detail,
//! submission and actions, and template administration. Every change is audited in its
//! own transaction.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use api::{
    ApprovalAction, ApprovalActionKind, ApprovalCounts, ApprovalDetail, ApprovalList as Which,
    ApprovalListQuery, ApprovalPage, ApprovalSummary, Created, Delegation, DelegationView,
    ErrorCode, FieldValue, PersonRef, SeatView, StepView, SubmitApproval, TemplateDefinition,
    TemplateView, TimelineEntry,
};
use domain::access::{Action as Permission, SystemRole};
use domain::approval::{Action, EntryKind, Instance, RejectTo, Template, instance::SYSTEM};
use store::{ApprovalList, Approvals, ListFilter};

use crate::approvals::{self, Origin, cards, wire};
use crate::audit::{self, Actor, Target};
use crate::auth::{CurrentUser, require, require_on_project, subject};
use crate::error::{ApiError, Bounded};
use crate::state::AppState;

/// Registers the routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/approvals", web::get().to(list))
        .route("/approvals", web::post().to(submit))
        .route("/approvals/counts", web::get().to(counts))
        .route("/approvals/{id}", web::get().to(detail))
        .route("/approvals/{id}/actions", web::post().to(act))
        .route(
            "/approvals/{id}/attachments/{key}",
            web::get().to(attachment),
        )
        .route("/approval-delegation", web::get().to(delegations))
        .route("/approval-delegation", web::put().to(set_delegation))
        .route("/approval-delegation", web::delete().to(clear_delegation))
        .route("/approval-forms", web::get().to(forms))
        .route("/approval-templates", web::get().to(templates))
        .route("/approval-templates/{code}", web::put().to(put_template));
}

async fn list(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ApprovalListQuery>,
) -> Result<HttpResponse, ApiError> {
    let which = match query.list.unwrap_or(Which::Pending) {
        Which::Pending => ApprovalList::Pending,
        Which::Done => ApprovalList::Done,
        Which::Cc => ApprovalList::Cc,
        Which::Mine => ApprovalList::Mine,
    };
    let filter = ListFilter {
        template: query.template.as_deref().filter(|t| !t.is_empty()),
        status: query.status.map(wire::status_of),
    };
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let rows = state
        .store
        .approvals()
        .list_filtered(user.userid(), which, filter, query.before, limit)
        .await?;
    let next_before = (rows.len() == usize::try_from(limit).unwrap_or(usize::MAX))
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| ApprovalSummary {
            id: r.id,
            template: r.template_code,
            title: r.title,
            initiator: r.initiator,
            status: wire::status(r.status),
            submitted_at_ms: r.submitted_at_ms,
            updated_at_ms: r.updated_at_ms,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ApprovalPage { items, next_before }))
}

async fn counts(user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let c = state.store.approvals().counts(user.userid()).await?;
    Ok(HttpResponse::Ok().json(ApprovalCounts {
        pending: c.pending,
        done: c.done,
        cc: c.cc,
        mine: c.mine,
    }))
}

async fn submit(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    body: Bounded<SubmitApproval>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // A 申请延期 names a task: only the task's own page may file one, after its checks.
    if domain::approval::builtin::STARTED_FROM_RECORDS.contains(&body.template.as_str()) {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "此审批请在对应记录（如任务）的页面发起",
        ));
    }
    // A form about a project needs the submitter to see that project.
    if let Some(project) = body.form.get("project").and_then(serde_json::Value::as_i64) {
        require_on_project(&state, &user, project, Permission::ViewProject).await?;
    }
    let actor = Actor::of(&req, &user);
    let (template, form) = (&body.template, &body.form);
    let id = approvals::submit(&state, &actor, template, form, None, body.chosen).await?;
    Ok(HttpResponse::Created().json(Created { id }))
}

async fn detail(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (stored, template) = visible(&state, &user, id).await?;
    Ok(HttpResponse::Ok().json(view(&state, &user, id, &stored, &template).await))
}

/// A photo attached to the approval's form, to those who may see the approval.
async fn attachment(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key) = path.into_inner();
    let (stored, _) = visible(&state, &user, id).await?;
    let attached = stored.instance.form.values().any(|value| match value {
        serde_json::Value::Array(items) => items.iter().any(|item| item.as_str() == Some(&key)),
        serde_json::Value::String(one) => *one == key,
        _ => false,
    });
    if !attached {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    crate::files::serve(&state, &key).await
}

async fn act(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Bounded<ApprovalAction>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    visible(&state, &user, id).await?;
    let actor = Actor::of(&req, &user);
    // Audited by the service as `approval.{code}` when applied (see `audit_action`).
    match engine_action(body.into_inner()) {
        Ok(action) => approvals::act(&state, id, &actor, action, &Origin::default()).await,
        Err((form, chosen)) => {
            // Checked as a submission is: the form's project must be one the caller sees.
            if let Some(project) = form.get("project").and_then(serde_json::Value::as_i64) {
                require_on_project(&state, &user, project, Permission::ViewProject).await?;
            }
            approvals::resubmit(&state, id, &actor, &form, chosen).await
        }
    }?;
    let (stored, template) = visible(&state, &user, id).await?;
    Ok(HttpResponse::Ok().json(view(&state, &user, id, &stored, &template).await))
}

/// The caller's delegations not yet over (in force or to come), soonest first.
async fn delegations(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now_ms();
    let rows = state
        .store
        .approvals()
        .delegations_of(user.userid(), now)
        .await?;
    let delegates: Vec<&str> = rows.iter().map(|(d, ..)| d.as_str()).collect();
    let names = state.store.org().names(&delegates).await?;
    let views: Vec<DelegationView> = rows
        .iter()
        .map(|(delegate, from_ms, until_ms)| DelegationView {
            delegate: PersonRef {
                userid: delegate.clone(),
                name: names
                    .get(delegate)
                    .cloned()
                    .unwrap_or_else(|| delegate.clone()),
            },
            from_ms: *from_ms,
            until_ms: *until_ms,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Out of office: the caller's new approval seats go to a delegate for a while.
async fn set_delegation(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    body: Bounded<Delegation>,
) -> Result<HttpResponse, ApiError> {
    let d = body.into_inner();
    let bad = |m: &str| ApiError::with_message(ErrorCode::BadRequest, m);
    if d.delegate == user.userid() {
        return Err(bad("不能委托给自己"));
    }
    if d.from_ms >= d.until_ms {
        return Err(bad("结束时间须晚于开始时间"));
    }
    let current = state
        .store
        .org()
        .current_among(std::slice::from_ref(&d.delegate))
        .await?;
    if current.is_empty() {
        return Err(bad("被委托人不是在职成员"));
    }
    let (actor, me, now) = (Actor::of(&req, &user), user.userid(), state.clock.now_ms());
    let mut tx = state.store.begin().await?;
    Approvals::set_delegation_on(&mut tx, me, &d.delegate, d.from_ms, d.until_ms, now).await?;
    audit::append(
        &mut tx,
        &state,
        &actor,
        "approval.delegate",
        Target::new("member", me),
        audit::NONE,
        Some(&d),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn clear_delegation(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let actor = Actor::of(&req, &user);
    let mut tx = state.store.begin().await?;
    if Approvals::clear_delegations_on(&mut tx, user.userid()).await? > 0 {
        audit::append(
            &mut tx,
            &state,
            &actor,
            "approval.delegate_end",
            Target::new("member", user.userid()),
            audit::NONE,
            audit::NONE,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The enabled templates as forms to fill in: fields and 自选 nodes, not who approves.
async fn forms(_user: CurrentUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = state.store.approvals().templates().await?;
    let forms = all
        .iter()
        .filter(|t| t.enabled)
        .filter(|t| {
            !domain::approval::builtin::STARTED_FROM_RECORDS.contains(&t.template.code.as_str())
        })
        .map(|t| wire::form(&t.template))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(forms))
}

/// Every template with its whole definition, for those who manage them: a flow names the
/// members who approve, which initiators need not see.
async fn templates(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Permission::ManageTemplates, None).await?;
    let all = state.store.approvals().templates().await?;
    let views = all
        .into_iter()
        .map(|t| {
            Ok(TemplateView {
                code: t.template.code.clone(),
                name: t.template.name.clone(),
                enabled: t.enabled,
                version: t.version,
                definition: wire::definition(&t.template)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(views))
}

async fn put_template(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<TemplateDefinition>,
) -> Result<HttpResponse, ApiError> {
    require(&state, &user, Permission::ManageTemplates, None).await?;
    let code = path.into_inner();
    let template = wire::template(&body).map_err(|e| {
        ApiError::with_message(ErrorCode::BadRequest, format!("模板格式不正确：{e}"))
    })?;
    if template.code != code {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "模板编码与地址不一致",
        ));
    }
    // The engine's message names the node at fault (`节点 {id}：…`): the editor shows it
    // beside that node.
    template
        .check()
        .map_err(|e| ApiError::with_message(ErrorCode::BadRequest, format!("模板无效：{e}")))?;
    if let Some(node) = template
        .chosen()
        .into_iter()
        .find(|n| usize::from(n.max) > api::limits::CHOSEN_PER_NODE)
    {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            format!(
                "模板无效：节点 {}：自选节点「{}」最多可设 {} 人",
                node.id,
                node.name,
                api::limits::CHOSEN_PER_NODE
            ),
        ));
    }
    let (actor, now) = (Actor::of(&req, &user), state.clock.now_ms());
    let mut tx = state.store.begin().await?;
    let before = Approvals::template_on(&mut tx, &code)
        .await?
        .map(|t| t.template);
    let version = Approvals::put_template_on(&mut tx, &template, user.userid(), now).await?;
    audit::append(
        &mut tx,
        &state,
        &actor,
        "approval_template.put",
        Target::new("approval_template", &code),
        before.as_ref(),
        Some(&template),
    )
    .await?;
    tx.commit().await?;
    // After the commit, so no reader caches the old version again meanwhile.
    state.approval_templates.forget(&code);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "version": version })))
}

/// The instance and its template, if `user` may see it: the initiator, anyone with a
/// place in its flow or timeline, and admins. Others get 404 (ids cannot be probed).
async fn visible(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(store::StoredInstance, std::sync::Arc<Template>), ApiError> {
    let stored = state
        .store
        .approvals()
        .get(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let me = user.userid();
    let i = &stored.instance;
    let involved = i.initiator == me
        || i.steps
            .iter()
            .flat_map(|s| &s.seats)
            .any(|s| s.userid == me)
        || i.timeline.iter().any(|e| e.actor == me);
    if !involved {
        let subject = subject(state, user).await?;
        if !subject.system_roles.contains(&SystemRole::Admin) {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
    }
    let template =
        approvals::service::template_of(state, &i.template, stored.template_version).await?;
    Ok((stored, template))
}

async fn view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    stored: &store::StoredInstance,
    template: &Template,
) -> ApprovalDetail {
    let i = &stored.instance;
    let mut people: Vec<&str> = vec![i.initiator.as_str()];
    people.extend(
        i.steps
            .iter()
            .flat_map(|s| &s.seats)
            .map(|s| s.userid.as_str()),
    );
    people.extend(i.timeline.iter().map(|e| e.actor.as_str()));
    people.sort_unstable();
    people.dedup();
    let names = state.store.org().names(&people).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reading display names for an approval");
        std::collections::HashMap::new()
    });
    let name = |u: &str| match names.get(u) {
        Some(name) => name.clone(),
        None if u == SYSTEM => "系统".to_owned(),
        None => u.to_owned(),
    };
    let fields = template
        .form
        .fields
        .iter()
        .filter_map(|f| {
            i.form.get(&f.key).map(|v| FieldValue {
                key: f.key.clone(),
                label: f.label.clone(),
                kind: wire::field_type(&f.kind),
                value: v.clone(),
            })
        })
        .collect();
    let steps = i
        .steps
        .iter()
        .map(|s| {
            let (kind, mode) = wire::step_kind(s.kind);
            StepView {
                name: s.name.clone(),
                kind,
                mode,
                seats: s
                    .seats
                    .iter()
                    .map(|seat| SeatView {
                        userid: seat.userid.clone(),
                        name: name(&seat.userid),
                        state: wire::seat_state(seat.state),
                        on_behalf_of: seat.on_behalf_of.clone(),
                    })
                    .collect(),
                fallback: s.fallback,
            }
        })
        .collect();
    let timeline = i
        .timeline
        .iter()
        .map(|e| TimelineEntry {
            at_ms: e.at_ms,
            actor: e.actor.clone(),
            actor_name: name(&e.actor),
            kind: wire::timeline_kind(&e.kind),
            comment: match &e.kind {
                EntryKind::SelfApproval { note } => Some(cards::self_approval_text(note, name)),
                _ => e.comment.clone(),
            },
            attachments: e.attachments.clone(),
        })
        .collect();
    let can = allowed(i, user.userid(), state.clock.now_ms());
    ApprovalDetail {
        id,
        template: i.template.clone(),
        template_name: template.name.clone(),
        title: stored.title.clone(),
        status: wire::status(i.status),
        initiator: i.initiator.clone(),
        round: i.round,
        fields,
        steps,
        current: i.current,
        timeline,
        resubmit_form: can
            .contains(&ApprovalActionKind::Resubmit)
            .then(|| wire::form(template).ok())
            .flatten(),
        can,
    }
}

/// What `viewer` may do now, asked of the engine itself on a copy.
fn allowed(i: &Instance, viewer: &str, now_ms: i64) -> Vec<ApprovalActionKind> {
    samples()
        .into_iter()
        .filter(|(_, action)| {
            matches!(
                i.clone().act(viewer, action.clone(), now_ms),
                Ok(domain::approval::Outcome::Applied(_))
            )
        })
        .map(|(kind, _)| kind)
        .collect()
}

/// One engine action of each kind the H5 offers.
fn samples() -> [(ApprovalActionKind, Action); 8] {
    let probe = "\u{0}probe";
    [
        (
            ApprovalActionKind::Approve,
            Action::Approve { comment: None },
        ),
        (
            ApprovalActionKind::Reject,
            Action::Reject {
                reason: None,
                to: Some(RejectTo::End),
            },
        ),
        (
            ApprovalActionKind::Transfer,
            Action::Transfer {
                to: probe.into(),
                comment: None,
            },
        ),
        (
            ApprovalActionKind::AddSigner,
            Action::AddSigner {
                who: probe.into(),
                before: true,
                comment: None,
            },
        ),
        (ApprovalActionKind::Withdraw, Action::Withdraw),
        (ApprovalActionKind::Remind, Action::Remind),
        (
            ApprovalActionKind::Comment,
            Action::Comment {
                text: "probe".into(),
                attachments: Vec::new(),
            },
        ),
        (
            ApprovalActionKind::Resubmit,
            Action::Resubmit {
                form: BTreeMap::new(),
                steps: Vec::new(),
            },
        ),
    ]
}

/// The engine's action for a request; a resubmission instead gives back its form and
/// choices, which the service validates and plans before the engine sees them.
type Resubmission = (FormMap, BTreeMap<String, Vec<String>>);
type FormMap = BTreeMap<String, serde_json::Value>;

fn engine_action(a: ApprovalAction) -> Result<Action, Resubmission> {
    Ok(match a {
        ApprovalAction::Approve { comment } => Action::Approve { comment },
        ApprovalAction::Reject {
            reason,
            to_step,
            end,
        } => Action::Reject {
            reason,
            to: match (to_step, end) {
                (Some(step), _) => Some(RejectTo::Step(step)),
                (None, true) => Some(RejectTo::End),
                (None, false) => None,
            },
        },
        ApprovalAction::Transfer { to, comment } => Action::Transfer { to, comment },
        ApprovalAction::AddSigner {
            who,
            before,
            comment,
        } => Action::AddSigner {
            who,
            before,
            comment,
        },
        ApprovalAction::Withdraw => Action::Withdraw,
        ApprovalAction::Remind => Action::Remind,
        ApprovalAction::Comment { text, attachments } => Action::Comment { text, attachments },
        ApprovalAction::Resubmit { form, chosen } => return Err((form, chosen)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_audited_under_the_h5_codes() {
        for (kind, action) in samples() {
            let expected = format!("approval.{}", kind.code());
            assert_eq!(approvals::service::audit_action(&action), expected);
        }
    }
}
