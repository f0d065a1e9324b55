//! Resolving a signed-in member into the [`Subject`] the access rules work on.

use std::collections::{BTreeMap, BTreeSet};

use api::ErrorCode;
use domain::access::{Action, Denied, ProjectScope, Subject, SystemRole, authorize};

use super::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

/// System roles, project roles and led departments (with their subtrees) of `user`.
pub async fn subject(state: &AppState, user: &CurrentUser) -> Result<Subject, ApiError> {
    let mut subject = Subject {
        userid: user.userid().to_owned(),
        ..Subject::default()
    };
    if user.is_admin {
        subject.system_roles.insert(SystemRole::Admin);
    }
    for role in state.store.roles().of(user.userid()).await? {
        match role.as_str() {
            "admin" => subject.system_roles.insert(SystemRole::Admin),
            "finance" => subject.system_roles.insert(SystemRole::Finance),
            _ => false,
        };
    }
    for held in state.store.projects().roles_of(user.userid()).await? {
        subject
            .project_roles
            .entry(held.project_id)
            .or_default()
            .insert(held.role);
    }
    let led: Vec<i64> = user
        .member
        .departments
        .iter()
        .filter(|m| m.is_leader)
        .map(|m| m.department_id)
        .collect();
    if !led.is_empty() {
        let departments = state.store.org().departments().await?;
        let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for d in &departments {
            children.entry(d.parent_id).or_default().push(d.id);
        }
        subject.led_departments = subtree(&children, &led);
    }
    Ok(subject)
}

fn subtree(children: &BTreeMap<i64, Vec<i64>>, roots: &[i64]) -> BTreeSet<i64> {
    let mut seen = BTreeSet::new();
    let mut stack = roots.to_vec();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(children.get(&id).into_iter().flatten().copied());
        }
    }
    seen
}

/// Resolves the subject and checks `action`; the error is the HTTP answer.
pub async fn require(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    scope: Option<ProjectScope>,
) -> Result<Subject, ApiError> {
    let subject = subject(state, user).await?;
    match authorize(&subject, action, scope) {
        Ok(()) => Ok(subject),
        Err(Denied::NotVisible) => Err(ApiError::new(ErrorCode::NotFound)),
        Err(Denied::NotAllowed) => Err(ApiError::new(ErrorCode::Forbidden)),
    }
}

/// Checks `action` on project `project_id`; an unknown or invisible project is a 404.
pub async fn require_on_project(
    state: &AppState,
    user: &CurrentUser,
    project_id: i64,
    action: Action,
) -> Result<Subject, ApiError> {
    let project = state
        .store
        .projects()
        .get(project_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let scope = ProjectScope {
        project_id,
        department_id: project.department_id,
    };
    require(state, user, action, Some(scope)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_includes_every_descendant_once() {
        let children = BTreeMap::from([(1, vec![2, 3]), (2, vec![4]), (4, vec![5]), (3, vec![])]);
        assert_eq!(subtree(&children, &[2]), BTreeSet::from([2, 4, 5]));
        assert_eq!(subtree(&children, &[2, 4]), BTreeSet::from([2, 4, 5]));
        assert_eq!(subtree(&children, &[9]), BTreeSet::from([9]));
    }
}
