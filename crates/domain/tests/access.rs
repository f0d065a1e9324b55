//! Every action × every kind of caller, as one table. A change to a rule shows up here as a
//! one-character diff that a reviewer can read.

use std::collections::BTreeSet;

use domain::access::{Action, Denied, ProjectRole, ProjectScope, Subject, SystemRole, authorize};

const PROJECT: ProjectScope = ProjectScope {
    project_id: 7,
    department_id: 30,
};

/// Columns follow `Action::ALL`: 9 project actions, then 8 system actions.
/// `Y` allowed, `N` refused (403), `-` not even visible (404, so ids cannot be probed).
const MATRIX: &[(&str, &str)] = &[
    ("admin", "YYYYYYYYY YYYYYYYY"),
    ("finance", "YNNYYNNNN NNNNNNNY"),
    ("manager", "YYYYYYYYY NNNNNNNN"),
    ("engineer", "YNNNNYYNN NNNNNNNN"),
    ("safety", "YNNNNNYYN NNNNNNNN"),
    ("quality", "YNNNNNYYN NNNNNNNN"),
    ("foreman", "YNNNNYYNN NNNNNNNN"),
    ("supervisor", "YNNNNNNYY NNNNNNNN"),
    ("read_only", "YNNNNNNNN NNNNNNNN"),
    ("department_leader", "YNNNNNNNN NNNNNNNN"),
    ("manager_of_another_project", "--------- NNNNNNNN"),
    ("outsider", "--------- NNNNNNNN"),
];

fn subject(kind: &str) -> Subject {
    let mut s = Subject {
        userid: kind.to_owned(),
        ..Subject::default()
    };
    let project_role = match kind {
        "manager" => Some(ProjectRole::Manager),
        "engineer" => Some(ProjectRole::Engineer),
        "safety" => Some(ProjectRole::Safety),
        "quality" => Some(ProjectRole::Quality),
        "foreman" => Some(ProjectRole::Foreman),
        "supervisor" => Some(ProjectRole::Supervisor),
        "read_only" => Some(ProjectRole::ReadOnly),
        _ => None,
    };
    if let Some(role) = project_role {
        s.project_roles
            .insert(PROJECT.project_id, BTreeSet::from([role]));
    }
    match kind {
        "admin" => {
            s.system_roles.insert(SystemRole::Admin);
        }
        "finance" => {
            s.system_roles.insert(SystemRole::Finance);
        }
        "department_leader" => s.led_departments = BTreeSet::from([1, 30, 31]),
        "manager_of_another_project" => {
            s.project_roles
                .insert(8, BTreeSet::from([ProjectRole::Manager]));
        }
        _ => {}
    }
    s
}

#[test]
fn every_action_for_every_kind_of_caller() {
    let mut mismatches = Vec::new();
    for (kind, row) in MATRIX {
        let expected: Vec<char> = row.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(
            expected.len(),
            Action::ALL.len(),
            "row {kind} has the wrong length"
        );
        let who = subject(kind);
        for (action, want) in Action::ALL.into_iter().zip(expected) {
            let scope = action.is_project_action().then_some(PROJECT);
            let got = match authorize(&who, action, scope) {
                Ok(()) => 'Y',
                Err(Denied::NotAllowed) => 'N',
                Err(Denied::NotVisible) => '-',
            };
            if got != want {
                mismatches.push(format!("{kind} × {action:?}: expected {want}, got {got}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn project_actions_without_a_project_are_never_allowed() {
    let manager = subject("manager");
    for action in Action::ALL.into_iter().filter(|a| a.is_project_action()) {
        assert_eq!(
            authorize(&manager, action, None),
            Err(Denied::NotVisible),
            "{action:?}"
        );
    }
}

#[test]
fn a_role_in_one_project_grants_nothing_in_another() {
    let mut multi = subject("manager");
    multi
        .project_roles
        .insert(9, BTreeSet::from([ProjectRole::ReadOnly]));
    let other = ProjectScope {
        project_id: 9,
        department_id: 99,
    };
    assert_eq!(
        authorize(&multi, Action::EditProject, Some(PROJECT)),
        Ok(())
    );
    assert_eq!(
        authorize(&multi, Action::EditProject, Some(other)),
        Err(Denied::NotAllowed)
    );
    assert_eq!(
        authorize(&multi, Action::ViewBudget, Some(other)),
        Err(Denied::NotAllowed)
    );
    let guessed = ProjectScope {
        project_id: 10,
        department_id: 30,
    };
    assert_eq!(
        authorize(&multi, Action::ViewProject, Some(guessed)),
        Err(Denied::NotVisible)
    );
}
