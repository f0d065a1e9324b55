//! Creating projects and editing their ledger entries: checked against the org mirror,
//! written with their audit row in one transaction, edits refused when stale.

use api::ProjectInput;
use domain::access::ProjectRole;
use domain::ledger::Ledger;
use store::{Audit, Projects, StoreError};

use super::ProjectError;
use super::input::{ledger_of, summary};
use crate::audit::{self, Actor, Target};
use crate::state::AppState;

fn invalid<T>(message: impl Into<String>) -> Result<T, ProjectError> {
    Err(ProjectError::Invalid(message.into()))
}

fn code_taken(e: StoreError, code: &str) -> ProjectError {
    if e.is_conflict() {
        ProjectError::Conflict(format!("项目编号 {code} 已存在"))
    } else {
        e.into()
    }
}

/// Refuses a department the org mirror does not know.
pub async fn check_department(state: &AppState, id: i64) -> Result<(), ProjectError> {
    if state.store.org().department(id).await?.is_none() {
        return invalid(format!("所属部门 {id} 不存在，请先同步通讯录"));
    }
    Ok(())
}

/// Refuses a member who is not current in the org mirror.
pub async fn check_member(state: &AppState, userid: &str) -> Result<(), ProjectError> {
    let current = state
        .store
        .org()
        .current_among(&[userid.to_owned()])
        .await?;
    if current.is_empty() {
        return invalid(format!("成员 {userid} 不在通讯录中或已离职"));
    }
    Ok(())
}

/// Creates the project `input` describes, its PM given the manager role; returns its id.
pub async fn create(
    state: &AppState,
    input: &ProjectInput,
    actor: &Actor,
) -> Result<i64, ProjectError> {
    let ledger = ledger_of(input).map_err(|p| ProjectError::Invalid(summary(&p)))?;
    check_department(state, ledger.department_id).await?;
    let pm = input.pm.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if let Some(pm) = pm {
        check_member(state, pm).await?;
    }
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let id = create_on(&mut tx, &ledger, actor, now).await?;
    if let Some(pm) = pm {
        Projects::add_member_on(&mut tx, id, pm, ProjectRole::Manager, &actor.userid, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Writes a new project and its audit row on the caller's transaction; returns its id.
pub async fn create_on(
    tx: &mut store::Tx,
    ledger: &Ledger,
    actor: &Actor,
    now: i64,
) -> Result<i64, ProjectError> {
    let id = Projects::create_on(tx, ledger, &actor.userid, now)
        .await
        .map_err(|e| code_taken(e, &ledger.code))?;
    let key = id.to_string();
    let entry = audit::entry(
        now,
        &actor.userid,
        actor.ip.as_deref(),
        "project.create",
        Target::new("project", &key),
        audit::NONE,
        Some(ledger),
    )?;
    Audit::append(tx, &entry).await?;
    Ok(id)
}

/// Replaces project `id`'s ledger entry. Callers who may not see amounts keep the stored
/// ones whatever they send.
pub async fn update(
    state: &AppState,
    id: i64,
    input: &ProjectInput,
    may_see_amounts: bool,
    actor: &Actor,
) -> Result<(), ProjectError> {
    let Some(version) = input.version else {
        return invalid("修改项目须带上读取时的 version");
    };
    let before = state
        .store
        .projects()
        .ledger(id)
        .await?
        .ok_or(ProjectError::UnknownProject)?;
    let mut ledger = ledger_of(input).map_err(|p| ProjectError::Invalid(summary(&p)))?;
    if !may_see_amounts {
        ledger.contract_fen = before.ledger.contract_fen;
        ledger.budget_fen = before.ledger.budget_fen;
    }
    if ledger.department_id != before.ledger.department_id {
        check_department(state, ledger.department_id).await?;
    }
    if ledger == before.ledger {
        return Ok(());
    }
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    save_on(&mut tx, id, version, &before.ledger, &ledger, actor, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes an edit and its audit row on the caller's transaction.
pub async fn save_on(
    tx: &mut store::Tx,
    id: i64,
    version: i64,
    before: &Ledger,
    after: &Ledger,
    actor: &Actor,
    now: i64,
) -> Result<(), ProjectError> {
    let saved = Projects::update_on(tx, id, version, after, now)
        .await
        .map_err(|e| code_taken(e, &after.code))?;
    if saved.is_none() {
        return Err(ProjectError::Conflict(
            "项目已被他人修改，请刷新后重试".into(),
        ));
    }
    let key = id.to_string();
    let entry = audit::entry(
        now,
        &actor.userid,
        actor.ip.as_deref(),
        "project.update",
        Target::new("project", &key),
        Some(before),
        Some(after),
    )?;
    Audit::append(tx, &entry).await?;
    Ok(())
}
