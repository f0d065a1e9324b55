//! 申请延期: a task's owner (or anyone who reports on it) asks for more days through the
//! built-in `task_extension` approval; once it is approved the task's duration grows and,
//! when the project moves successors, they follow. The approval's decision queues an
//! `approved` outbox row in its own transaction; the outbox worker applies it here once
//! (recorded under the approval's id, so a retried row changes nothing).

use anyhow::Context as _;
use api::{ErrorCode, TaskUpdate};
use domain::approval::builtin::TASK_EXTENSION;
use domain::approval::{FormValues, Status};
use serde_json::json;

use super::service::{self, TaskError};
use crate::audit::Actor;
use crate::error::ApiError;
use crate::state::AppState;

/// Files a 申请延期 for task `id` by `actor`: `days` more, because `reason`.
pub async fn request(
    state: &AppState,
    id: i64,
    actor: &Actor,
    days: i32,
    reason: &str,
) -> Result<i64, ApiError> {
    let task = state
        .store
        .tasks()
        .get(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if task.milestone || task.summary {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "里程碑和阶段不能申请延期",
        ));
    }
    let form: FormValues = [
        ("project".to_owned(), json!(task.project_id)),
        ("task".to_owned(), json!(task.id)),
        ("title".to_owned(), json!(task.title)),
        ("days".to_owned(), json!(days)),
        ("reason".to_owned(), json!(reason.trim())),
    ]
    .into();
    let submitted = crate::approvals::submit(
        state,
        actor,
        TASK_EXTENSION,
        &form,
        Some(task.project_id),
        Default::default(),
    )
    .await?;
    Ok(submitted)
}

/// Applies approved extension `instance` to its task, once; `Ok(false)` when it was
/// applied before or is not an approved extension.
pub async fn apply(state: &AppState, instance: i64) -> anyhow::Result<bool> {
    let Some(stored) = state.store.approvals().get(instance).await? else {
        return Ok(false);
    };
    let i = &stored.instance;
    if i.template != TASK_EXTENSION || i.status != Status::Approved {
        return Ok(false);
    }
    let number = |key: &str| i.form.get(key).and_then(serde_json::Value::as_i64);
    let (Some(task_id), Some(extra)) = (number("task"), number("days")) else {
        return Ok(false);
    };
    let Some(task) = state.store.tasks().get(task_id).await? else {
        // Deleted since: nothing to move.
        return Ok(false);
    };
    let days = i32::try_from(i64::from(task.days) + extra).unwrap_or(i32::MAX);
    let update = TaskUpdate {
        days: Some(days),
        ..TaskUpdate::default()
    };
    let planned = match service::plan_update(state, task_id, &update).await {
        Ok(planned) => planned,
        Err(TaskError::Invalid(why)) => {
            tracing::warn!(instance, task = task_id, %why, "an approved extension no longer applies");
            return Ok(false);
        }
        Err(e) => return Err(anyhow::anyhow!(e)),
    };
    let mut tx = state.store.begin().await?;
    let key = format!("approval:{instance}:applied");
    let now = state.clock.now_ms();
    if !store::Inbox::record_answer_on(&mut tx, &key, "task_extension", Some(task_id), now).await? {
        return Ok(false);
    }
    // Made by the approval: the audit row names its initiator's request, acted on by the system.
    let actor = Actor::member(domain::approval::instance::SYSTEM);
    service::write_update(&mut tx, state, &actor, planned)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    tx.commit()
        .await
        .context("committing an approved extension")?;
    Ok(true)
}
