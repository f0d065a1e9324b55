//! Submitting and acting on approvals: load, apply the engine, save under the optimistic
//! version, and queue every card, card update and notice and write the audit row in the
//! same transaction, so a decision, its messages and its audit row are stored together or
//! not at all.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::Context as _;
use domain::approval::{
    Action, ActionError, CardNote, Effect, FormError, FormValues, Instance, Outcome, PlanError,
    SubmitContext, Template, plan,
};
use store::{Approvals, NewInstance, NewOutboxItem, Outbox, StoredInstance};

use super::cards;
use super::directory::Snapshot;
use crate::audit::{self, Actor, AuditError, Target};
use crate::error::ApiError;
use crate::state::AppState;
use api::ErrorCode;

/// Attempts before a command gives up on a busy instance (each conflict means someone
/// else's action landed; re-applying on the fresh state is always safe).
const SAVE_ATTEMPTS: usize = 8;

/// Why a submission or an action was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    /// No such template, or not offered.
    #[error("审批模板不存在或已停用")]
    UnknownTemplate,
    /// No such instance.
    #[error("审批不存在")]
    UnknownInstance,
    /// The form does not fit.
    #[error(transparent)]
    Form(#[from] FormError),
    /// Nobody can approve.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The engine refused.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// Storage or serialisation failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<store::StoreError> for ApprovalError {
    fn from(e: store::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// A store error stays one in the chain, so it keeps its status (an outage is 503).
impl From<AuditError> for ApprovalError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Store(e) => e.into(),
            AuditError::Json(e) => Self::Internal(e.into()),
        }
    }
}

impl From<ApprovalError> for ApiError {
    #[track_caller]
    fn from(e: ApprovalError) -> Self {
        let message = e.to_string();
        let code = match e {
            ApprovalError::Internal(cause) => return cause.into(),
            ApprovalError::UnknownTemplate | ApprovalError::UnknownInstance => ErrorCode::NotFound,
            ApprovalError::Form(_) | ApprovalError::Plan(_) => ErrorCode::BadRequest,
            ApprovalError::Action(ActionError::NotPendingApprover | ActionError::NotInitiator) => {
                ErrorCode::Forbidden
            }
            ApprovalError::Action(ActionError::TooSoon(_)) => ErrorCode::RateLimited,
            ApprovalError::Action(_) => ErrorCode::Conflict,
        };
        ApiError::with_message(code, message)
    }
}

/// Where a command came from: a tap on a card carries the fresh response code that
/// updates that very card.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The tapped card's task id and response code.
    pub card: Option<(String, String)>,
}

/// Puts the built-in templates in the store where they are missing; runs right after
/// the migrations, like them once per start.
pub async fn seed_templates(store: &store::Store, now_ms: i64) -> Result<(), store::StoreError> {
    let approvals = store.approvals();
    for template in domain::approval::builtin::all() {
        if approvals.template(&template.code).await?.is_none() {
            approvals.put_template(&template, "system", now_ms).await?;
        }
    }
    Ok(())
}

/// Submits a new instance as `actor`, its `approval.submit` audit row written in the
/// instance's transaction; returns its id.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    template_code: &str,
    form: &FormValues,
    project: Option<i64>,
    chosen: BTreeMap<String, Vec<String>>,
) -> Result<i64, ApprovalError> {
    let initiator = actor.userid.as_str();
    let stored = state
        .store
        .approvals()
        .template(template_code)
        .await?
        .filter(|t| t.enabled)
        .ok_or(ApprovalError::UnknownTemplate)?;
    let template_version = stored.version;
    let template = state.approval_templates.remember(stored);
    let form = template.form.validate(form)?;
    let project = project.or_else(|| form.get("project").and_then(serde_json::Value::as_i64));
    let ctx = SubmitContext {
        initiator: initiator.to_owned(),
        project,
        chosen,
    };
    let now = state.clock.now_ms();
    let snapshot = Snapshot::load(state, &template, &ctx, now).await?;
    let steps = plan(&template, &form, &ctx, &snapshot)?;
    let (instance, effects) = Instance::start(
        &template.code,
        initiator,
        form,
        steps,
        template.on_reject,
        now,
    );
    let names = names_for(state, &instance, None, &effects).await;
    let title = format!("{}的{}", name_in(&names, initiator), template.name);
    let mut tx = state.store.begin().await?;
    let id = Approvals::insert(
        &mut tx,
        NewInstance {
            template_version,
            title: &title,
            project_id: project,
            instance: &instance,
        },
        now,
    )
    .await?;
    let ctx = EffectContext {
        id,
        template: &template,
        instance: &instance,
        origin: &Origin::default(),
        actor: initiator,
        names: &names,
    };
    queue_effects(state, &mut tx, &ctx, &effects, now).await?;
    let target = id.to_string();
    let target = Target::new("approval", &target).in_project(project);
    audit::append(
        &mut tx,
        state,
        actor,
        "approval.submit",
        target,
        audit::NONE,
        Some(template_code),
    )
    .await?;
    tx.commit().await.context("committing the submission")?;
    state.wake.outbox.notify_one();
    Ok(id)
}

/// Resubmits a returned instance with a changed form: validated and planned afresh
/// (the org may have changed since), then a new round starts.
pub async fn resubmit(
    state: &AppState,
    id: i64,
    actor: &Actor,
    form: &FormValues,
    chosen: BTreeMap<String, Vec<String>>,
) -> Result<Outcome, ApprovalError> {
    let stored = state
        .store
        .approvals()
        .get(id)
        .await?
        .ok_or(ApprovalError::UnknownInstance)?;
    let template = template_of(state, &stored.instance.template, stored.template_version).await?;
    let form = template.form.validate(form)?;
    let ctx = SubmitContext {
        initiator: stored.instance.initiator.clone(),
        project: form
            .get("project")
            .and_then(serde_json::Value::as_i64)
            .or(stored.project_id),
        chosen,
    };
    let snapshot = Snapshot::load(state, &template, &ctx, state.clock.now_ms()).await?;
    let steps = plan(&template, &form, &ctx, &snapshot)?;
    let action = Action::Resubmit { form, steps };
    act(state, id, actor, action, &Origin::default()).await
}

/// Applies `action` by `actor` to instance `id`, retrying on concurrent saves. The attempt
/// that saves writes the audit row ([`audit_action`]) in its transaction; a refused or
/// already-done action changes nothing and writes none.
pub async fn act(
    state: &AppState,
    id: i64,
    actor: &Actor,
    action: Action,
    origin: &Origin,
) -> Result<Outcome, ApprovalError> {
    let audited = audit_action(&action);
    // A resubmitted form may name another project: the instance is filed under it.
    let refiled = match &action {
        Action::Resubmit { form, .. } => form.get("project").and_then(serde_json::Value::as_i64),
        _ => None,
    };
    let target = id.to_string();
    let target = Target::new("approval", &target);
    let actor_id = actor.userid.as_str();
    for _ in 0..SAVE_ATTEMPTS {
        let StoredInstance {
            version,
            mut instance,
            template_version,
            initiator_name,
            project_id,
            ..
        } = state
            .store
            .approvals()
            .get(id)
            .await?
            .ok_or(ApprovalError::UnknownInstance)?;
        let now = state.clock.now_ms();
        let listed = instance.listed();
        let outcome = instance.act(actor_id, action.clone(), now)?;
        let Outcome::Applied(effects) = &outcome else {
            return Ok(outcome);
        };
        let template = template_of(state, &instance.template, template_version).await?;
        let names = names_for(state, &instance, initiator_name, effects).await;
        let mut tx = state.store.begin().await?;
        if !Approvals::save(&mut tx, id, version, &listed, &instance, now).await? {
            // Someone else's action landed first: re-apply on their result.
            drop(tx);
            continue;
        }
        if let Some(project) = refiled {
            Approvals::set_project_on(&mut tx, id, project).await?;
        }
        let ctx = EffectContext {
            id,
            template: &template,
            instance: &instance,
            origin,
            actor: actor_id,
            names: &names,
        };
        queue_effects(state, &mut tx, &ctx, effects, now).await?;
        audit::append(
            &mut tx,
            state,
            actor,
            audited,
            target.in_project(refiled.or(project_id)),
            audit::NONE,
            audit::NONE,
        )
        .await?;
        tx.commit().await.context("committing the action")?;
        state.wake.outbox.notify_one();
        return Ok(outcome);
    }
    Err(ApprovalError::Internal(anyhow::anyhow!(
        "instance {id} stayed busy over {SAVE_ATTEMPTS} attempts"
    )))
}

/// The audit action of an engine action: `approval.` and the H5's code for it
/// (`approval.approve`, …), `approval.tick` and `approval.escalate` for the workers'.
pub fn audit_action(action: &Action) -> &'static str {
    match action {
        Action::Approve { .. } => "approval.approve",
        Action::Reject { .. } => "approval.reject",
        Action::Transfer { .. } => "approval.transfer",
        Action::AddSigner { .. } => "approval.add_signer",
        Action::Withdraw => "approval.withdraw",
        Action::Remind => "approval.remind",
        Action::Comment { .. } => "approval.comment",
        Action::Resubmit { .. } => "approval.resubmit",
        Action::Tick => "approval.tick",
        Action::Escalate { .. } => "approval.escalate",
    }
}

/// The template `code`, at least at `min_version` (the one the instance was planned with).
pub(crate) async fn template_of(
    state: &AppState,
    code: &str,
    min_version: i64,
) -> Result<Arc<Template>, ApprovalError> {
    state
        .approval_templates
        .get(&state.store, code, min_version)
        .await?
        .ok_or(ApprovalError::UnknownTemplate)
}

struct EffectContext<'a> {
    id: i64,
    template: &'a Template,
    instance: &'a Instance,
    origin: &'a Origin,
    actor: &'a str,
    /// Display names of the initiator and of everyone a card note names.
    names: &'a HashMap<String, String>,
}

/// The names the cards and notices of `effects` show, in one read (none when the
/// initiator's is already known and no note names anyone else).
async fn names_for(
    state: &AppState,
    instance: &Instance,
    initiator_name: Option<String>,
    effects: &[Effect],
) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let mut userids = Vec::new();
    match initiator_name {
        Some(name) => {
            names.insert(instance.initiator.clone(), name);
        }
        None => userids.push(instance.initiator.as_str()),
    }
    for effect in effects {
        if let Effect::CloseCards {
            note: CardNote::DecidedBy { userid, .. } | CardNote::PassedTo { userid },
            ..
        } = effect
        {
            userids.push(userid);
        }
    }
    if userids.is_empty() {
        return names;
    }
    match state.store.org().names(&userids).await {
        Ok(found) => names.extend(found),
        // Names only word the messages; a userid in their place loses nothing.
        Err(e) => tracing::warn!(error = %e, "reading display names for approval messages"),
    }
    names
}

fn name_in<'a>(names: &'a HashMap<String, String>, userid: &'a str) -> &'a str {
    names.get(userid).map_or(userid, String::as_str)
}

/// Turns effects into outbox rows on `tx`. Keys derive from the instance and its
/// timeline length, so a retried command never queues a message twice.
async fn queue_effects(
    state: &AppState,
    tx: &mut store::Tx,
    ctx: &EffectContext<'_>,
    effects: &[Effect],
    now: i64,
) -> anyhow::Result<()> {
    let id = ctx.id;
    let seq = ctx.instance.timeline.len();
    let url = cards::detail_url(&state.settings.server.public_url, id);
    let initiator_name = name_in(ctx.names, &ctx.instance.initiator);
    let mut items = Vec::new();
    let mut new_cards = Vec::new();
    for (n, effect) in effects.iter().enumerate() {
        match effect {
            Effect::AskApprovers { step, userids } => {
                let step_at = ctx.instance.steps.get(*step);
                for (k, userid) in userids.iter().enumerate() {
                    let task_id = format!("ap{id}_{seq}_{n}_{k}");
                    let key = format!("apcard:{task_id}");
                    let body = cards::decision(
                        &task_id,
                        ctx.template,
                        ctx.instance,
                        initiator_name,
                        step_at,
                        &url,
                    );
                    items.push(crate::push::to_member(state, key.clone(), userid, body)?);
                    new_cards.push(store::ApprovalCard {
                        task_id,
                        instance_id: id,
                        userid: userid.clone(),
                        step: i64::try_from(*step).unwrap_or(i64::MAX),
                        outbox_key: key,
                    });
                }
            }
            Effect::CloseCards { userids, note, .. } => {
                let text = cards::closed_text(note, |u| name_in(ctx.names, u).to_owned());
                let holders: Vec<&str> = userids.iter().map(String::as_str).collect();
                for card in Approvals::close_cards(tx, id, &holders).await? {
                    items.push(closing(state, ctx, &card, &text, seq)?);
                }
            }
            Effect::Copy { userids } => {
                let title = format!("{initiator_name}的{}（抄送）", ctx.template.name);
                for userid in userids {
                    let body = cards::notice(&title, "抄送给你，点击查看", &url);
                    let key = format!("apcc:{id}:{seq}:{n}:{userid}");
                    items.push(crate::push::to_member(state, key, userid, body)?);
                }
            }
            Effect::TellInitiator { status } => {
                // What the record does with an approval (a task's 申请延期 moves the task):
                // queued with the decision, carried out by the feature through the outbox.
                if *status == domain::approval::Status::Approved
                    && domain::approval::builtin::STARTED_FROM_RECORDS
                        .contains(&ctx.template.code.as_str())
                {
                    items.push(approved_row(state, id, &ctx.template.code)?);
                }
                let title = format!("你的{}{}", ctx.template.name, cards::outcome_text(*status));
                let body = cards::notice(&title, "点击查看审批记录", &url);
                let key = format!("apoutcome:{id}:{seq}:{n}");
                let initiator = &ctx.instance.initiator;
                items.push(crate::push::to_member(state, key, initiator, body)?);
            }
            Effect::Remind { userids } => {
                let title = format!("催办：{initiator_name}的{}待你审批", ctx.template.name);
                for userid in userids {
                    let body = cards::notice(&title, "请尽快处理", &url);
                    let key = format!("apremind:{id}:{seq}:{n}:{userid}");
                    items.push(crate::push::to_member(state, key, userid, body)?);
                }
            }
            Effect::EscalationDue { userid } => {
                tracing::info!(instance = id, approver = %userid, "approval escalation due");
            }
        }
    }
    Outbox::enqueue_many(tx, &items, now).await?;
    Approvals::add_cards(tx, &new_cards, now).await?;
    Ok(())
}

/// The `approved` row that tells the record's feature an approval of `template` passed.
fn approved_row(state: &AppState, id: i64, template: &str) -> anyhow::Result<NewOutboxItem> {
    Ok(NewOutboxItem {
        idempotency_key: format!("approved:{id}"),
        kind: APPROVED_KIND.into(),
        agent_id: state.settings.wecom.agent_id,
        recipient: None,
        payload: serde_json::to_string(&Approved {
            instance: id,
            template: template.to_owned(),
        })?,
        not_before_ms: 0,
    })
}

/// The outbox kind of [`Approved`] rows.
pub const APPROVED_KIND: &str = "approved";

/// An approval that passed, for the feature that owns its record.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Approved {
    /// The instance.
    pub instance: i64,
    /// Its template code.
    pub template: String,
}

/// The row that greys out `card`: updated with the tap's own fresh response code when
/// it is the card just tapped, else a `card_close` that uses the code its send returned.
fn closing(
    state: &AppState,
    ctx: &EffectContext<'_>,
    card: &store::ApprovalCard,
    text: &str,
    seq: usize,
) -> anyhow::Result<NewOutboxItem> {
    let key = format!("apclose:{}:{seq}", card.task_id);
    let tapped = ctx
        .origin
        .card
        .as_ref()
        .filter(|(task, _)| *task == card.task_id && card.userid == ctx.actor);
    if let Some((_, code)) = tapped {
        return Ok(crate::push::card_update(
            state,
            key,
            &card.userid,
            code.clone(),
            text.to_owned(),
        )?);
    }
    let close = CardClose {
        card_key: card.outbox_key.clone(),
        userid: card.userid.clone(),
        text: text.to_owned(),
    };
    Ok(NewOutboxItem {
        idempotency_key: key,
        kind: "card_close".into(),
        agent_id: state.settings.wecom.agent_id,
        recipient: None,
        payload: serde_json::to_string(&close)?,
        not_before_ms: 0,
    })
}

/// Payload of a `card_close` outbox row: grey out a card sent earlier, with the
/// response code its send returned (looked up when the update is sent).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CardClose {
    /// The outbox key of the card's send.
    pub card_key: String,
    /// Whose card.
    pub userid: String,
    /// The grey text.
    pub text: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_engine_and_the_audit_log_name_the_system_alike() {
        assert_eq!(domain::approval::instance::SYSTEM, crate::audit::SYSTEM);
    }
}
