//! Ledger records as the H5 shows them: names filled in, amounts only for those who may
//! see them.

use std::collections::HashMap;

use api::{PersonRef, ProjectAction, ProjectView};
use domain::access::{Action, ProjectRole, ProjectScope, Subject, SystemRole, authorize};
use store::{LedgerRecord, Visibility};

use super::input::day_text;
use crate::state::AppState;

/// Which projects `subject` may list.
pub fn visibility(subject: &Subject) -> Visibility {
    let sees_all = subject.system_roles.contains(&SystemRole::Admin)
        || subject.system_roles.contains(&SystemRole::Finance);
    if sees_all {
        Visibility::All
    } else {
        Visibility::Limited {
            projects: subject.project_roles.keys().copied().collect(),
            departments: subject.led_departments.iter().copied().collect(),
        }
    }
}

/// True when `subject` may see the amounts of the project.
pub fn amounts_visible(subject: &Subject, record: &LedgerRecord) -> bool {
    let scope = ProjectScope {
        project_id: record.id,
        department_id: record.ledger.department_id,
    };
    authorize(subject, Action::ViewBudget, Some(scope)).is_ok()
}

/// What `subject` may change about the project, from the one authorisation check.
pub fn abilities(subject: &Subject, record: &LedgerRecord) -> Vec<ProjectAction> {
    let scope = Some(ProjectScope {
        project_id: record.id,
        department_id: record.ledger.department_id,
    });
    [
        (Action::EditProject, ProjectAction::Edit),
        (Action::ManageProjectMembers, ProjectAction::ManageMembers),
    ]
    .into_iter()
    .filter(|(action, _)| authorize(subject, *action, scope).is_ok())
    .map(|(_, ability)| ability)
    .collect()
}

/// Names for views: managers per project, member and department names.
#[derive(Debug, Default)]
pub struct Names {
    managers: HashMap<i64, Vec<String>>,
    people: HashMap<String, String>,
    departments: HashMap<i64, String>,
}

impl Names {
    /// Reads what views of `records` name, in three queries.
    pub async fn of(
        state: &AppState,
        records: &[LedgerRecord],
    ) -> Result<Names, store::StoreError> {
        let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
        let managers = state
            .store
            .projects()
            .holders_of(&ids, ProjectRole::Manager)
            .await?;
        let userids: Vec<&str> = managers.values().flatten().map(String::as_str).collect();
        let people = state.store.org().names(&userids).await?;
        let mut department_ids: Vec<i64> = records.iter().map(|r| r.ledger.department_id).collect();
        department_ids.sort_unstable();
        department_ids.dedup();
        let departments = state.store.org().department_names(&department_ids).await?;
        Ok(Names {
            managers,
            people,
            departments,
        })
    }

    /// Names of people only (no projects or departments).
    pub fn from_people(people: HashMap<String, String>) -> Names {
        Names {
            people,
            ..Names::default()
        }
    }

    /// The person `userid`, named.
    pub fn person(&self, userid: &str) -> PersonRef {
        PersonRef {
            userid: userid.to_owned(),
            name: self
                .people
                .get(userid)
                .cloned()
                .unwrap_or_else(|| userid.to_owned()),
        }
    }

    /// The managers of project `id`.
    pub fn managers(&self, id: i64) -> Vec<PersonRef> {
        self.managers
            .get(&id)
            .into_iter()
            .flatten()
            .map(|u| self.person(u))
            .collect()
    }

    /// The department's name, or its id when it is not in the mirror.
    pub fn department(&self, id: i64) -> String {
        self.departments
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// The view of `record` for `subject`.
pub fn view(subject: &Subject, names: &Names, record: &LedgerRecord) -> ProjectView {
    let l = &record.ledger;
    let visible = amounts_visible(subject, record);
    ProjectView {
        id: record.id,
        code: l.code.clone(),
        name: l.name.clone(),
        kind: l.kind.clone(),
        client: l.client.clone(),
        address: l.address.clone(),
        location: l.location.map(|c| (c.lat, c.lng)),
        contract_fen: l.contract_fen.filter(|_| visible),
        budget_fen: l.budget_fen.filter(|_| visible),
        amounts_visible: visible,
        contract_status: super::wire::contract_status(l.contract_status),
        planned_start: day_text(l.planned_start),
        planned_finish: day_text(l.planned_finish),
        actual_start: day_text(l.actual_start),
        actual_finish: day_text(l.actual_finish),
        department_id: l.department_id,
        department: names.department(l.department_id),
        status: super::wire::status(l.status),
        managers: names.managers(record.id),
        tags: l.tags.clone(),
        version: record.version,
        updated_at_ms: record.updated_at_ms,
        can: abilities(subject, record),
    }
}
