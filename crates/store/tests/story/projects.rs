//! Projects, project roles, and leavers' work flagged for handing over.

use domain::access::ProjectRole;
use domain::org::{Member, Membership};
use domain::project::ProjectStatus;
use store::{NewProject, NewReassignment, Store};

use super::T0;

fn person(userid: &str) -> Member {
    Member {
        userid: userid.into(),
        name: userid.into(),
        departments: vec![Membership {
            department_id: 2,
            is_leader: false,
            order: 0,
        }],
        main_department: Some(2),
        position: None,
        mobile: None,
        email: None,
        biz_mail: None,
        gender: None,
        status: 1,
        avatar: None,
        alias: None,
        telephone: None,
        address: None,
        direct_leaders: Vec::new(),
        extra: serde_json::Value::Null,
        left_at_ms: None,
    }
}

pub async fn run(store: &Store) {
    for userid in ["pm1", "pm2", "eng", "gone"] {
        store
            .org()
            .upsert_member(&super::org_story::sealed(&person(userid)), T0)
            .await
            .unwrap();
    }
    let projects = store.projects();
    let new = NewProject {
        code: "GZ-2026-001".into(),
        name: "广州南站二期".into(),
        department_id: 2,
        status: ProjectStatus::Active,
    };
    let id = projects.create(&new, "admin", T0).await.unwrap();
    assert!(
        projects.create(&new, "admin", T0).await.is_err(),
        "codes are unique"
    );
    let project = projects.get(id).await.unwrap().unwrap();
    assert_eq!(
        (project.code.as_str(), project.status, project.department_id),
        ("GZ-2026-001", ProjectStatus::Active, 2)
    );
    assert_eq!(projects.get(id + 100).await.unwrap(), None);

    assert!(
        projects
            .add_member(id, "pm2", ProjectRole::Manager, "admin", T0)
            .await
            .unwrap()
    );
    assert!(
        projects
            .add_member(id, "pm1", ProjectRole::Manager, "admin", T0)
            .await
            .unwrap()
    );
    assert!(
        !projects
            .add_member(id, "pm1", ProjectRole::Manager, "admin", T0)
            .await
            .unwrap()
    );
    assert!(
        projects
            .add_member(id, "eng", ProjectRole::Engineer, "pm1", T0)
            .await
            .unwrap()
    );
    assert!(
        projects
            .add_member(id, "gone", ProjectRole::Safety, "pm1", T0)
            .await
            .unwrap()
    );
    assert!(
        projects
            .add_member(id, "gone", ProjectRole::Engineer, "pm1", T0)
            .await
            .unwrap()
    );
    assert_eq!(
        projects.with_role(id, ProjectRole::Manager).await.unwrap(),
        ["pm1", "pm2"]
    );
    assert_eq!(projects.members(id).await.unwrap().len(), 5);
    let roles: Vec<ProjectRole> = projects
        .roles_of("gone")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(roles, [ProjectRole::Engineer, ProjectRole::Safety]);

    // A leaver keeps their rows but no longer counts for a role.
    store.org().mark_left("gone", T0 + 5).await.unwrap();
    assert!(
        projects
            .with_role(id, ProjectRole::Safety)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        projects
            .remove_member(id, "pm2", ProjectRole::Manager)
            .await
            .unwrap()
    );
    assert!(
        !projects
            .remove_member(id, "pm2", ProjectRole::Manager)
            .await
            .unwrap()
    );

    // Each leave is followed up once; each item is flagged once.
    let flags = store.reassignments();
    assert_eq!(
        flags.leaves_to_handle(10).await.unwrap(),
        [("gone".to_owned(), T0 + 5)]
    );
    let flag = NewReassignment {
        leaver: "gone".into(),
        kind: "project_role".into(),
        item: format!("{id}:safety"),
        project_id: Some(id),
        detail: "安全员".into(),
    };
    assert!(flags.flag(&flag, T0 + 6).await.unwrap());
    assert!(!flags.flag(&flag, T0 + 7).await.unwrap());
    flags.leave_handled("gone", T0 + 5, T0 + 6).await.unwrap();
    flags.leave_handled("gone", T0 + 5, T0 + 6).await.unwrap();
    assert!(flags.leaves_to_handle(10).await.unwrap().is_empty());
    let open = flags.open(Some(id)).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(flags.open(None).await.unwrap(), open);
    assert!(flags.open(Some(id + 1)).await.unwrap().is_empty());
    assert!(flags.resolve(open[0].id, "pm1", T0 + 8).await.unwrap());
    assert!(!flags.resolve(open[0].id, "pm1", T0 + 9).await.unwrap());
    assert!(flags.open(None).await.unwrap().is_empty());

    // Coming back and leaving again is a new leave.
    store
        .org()
        .upsert_member(&super::org_story::sealed(&person("gone")), T0 + 10)
        .await
        .unwrap();
    store.org().mark_left("gone", T0 + 20).await.unwrap();
    assert_eq!(
        flags.leaves_to_handle(10).await.unwrap(),
        [("gone".to_owned(), T0 + 20)]
    );
}
