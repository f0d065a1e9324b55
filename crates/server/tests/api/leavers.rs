//! A member who leaves, noticed by a contact event or by a full sync: their project
//! roles and open tasks are flagged for handing over and the PM is told, once per leave.

use domain::access::ProjectRole;
use domain::clock::Clock as _;
use domain::project::ProjectStatus;
use server::workers::outbox::Dispatcher;
use store::NewProject;

use crate::helpers::{TestApp, spawn_app};

async fn project(app: &TestApp, code: &str, department_id: i64) -> i64 {
    let new = NewProject {
        code: code.into(),
        name: format!("{code} 项目"),
        department_id,
        status: ProjectStatus::Active,
    };
    app.state
        .store
        .projects()
        .create(&new, "admin", app.clock.now_ms())
        .await
        .expect("created")
}

async fn give(app: &TestApp, project: i64, userid: &str, role: ProjectRole) {
    app.state
        .store
        .projects()
        .add_member(project, userid, role, "admin", app.clock.now_ms())
        .await
        .expect("added");
}

/// Texts `userid` received from the app.
fn texts_for(app: &TestApp, userid: &str) -> Vec<String> {
    app.sim
        .messages_for(userid)
        .iter()
        .filter(|m| m.msgtype == "text")
        .map(|m| {
            m.body["text"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn dispatch(app: &TestApp) {
    let dispatcher = Dispatcher::new(&app.state);
    while dispatcher.step(&app.state).await.expect("dispatch").claimed > 0 {}
}

#[tokio::test]
async fn a_leavers_roles_are_flagged_and_the_pm_told_once() {
    let app = spawn_app().await;
    app.sync_org().await;
    let pm = app.active_user(1);
    let engineer = app.active_user(2);
    let quiet = app.active_user(3);
    let site = project(&app, "SZ-01", 1).await;
    give(&app, site, &pm, ProjectRole::Manager).await;
    give(&app, site, &engineer, ProjectRole::Engineer).await;
    give(&app, site, &engineer, ProjectRole::Safety).await;
    // A project without a PM: its department's leaders hear instead.
    let orphan_dept = app
        .sim
        .org()
        .departments
        .iter()
        .find(|d| !d.department_leader.is_empty() && !d.department_leader.contains(&engineer))
        .expect("a led department")
        .clone();
    let orphan = project(&app, "SZ-02", orphan_dept.id).await;
    give(&app, orphan, &engineer, ProjectRole::Foreman).await;

    let task = server::tasks::service::create(
        &app.state,
        site,
        &api::NewTaskRequest {
            parent_id: None,
            title: "二层钢筋绑扎".into(),
            start: "2026-12-01".into(),
            days: 3,
            milestone: false,
            owner: Some(engineer.clone()),
            helpers: Vec::new(),
        },
        &server::audit::Actor::member(&pm),
    )
    .await
    .expect("task");

    // The engineer leaves: a contact event marks it; housekeeping follows up.
    let xml = app.sim.delete_user(&engineer).expect("deleted");
    crate::contacts::deliver(&app, &[xml]).await;
    assert_eq!(server::leavers::sweep(&app.state).await.expect("sweep"), 1);
    assert_eq!(
        server::leavers::sweep(&app.state).await.expect("sweep"),
        0,
        "once"
    );
    let flags = app.state.store.reassignments();
    let open = flags.open(Some(site)).await.expect("flags");
    let items = |kind: &str| -> Vec<String> {
        open.iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.item.clone())
            .collect()
    };
    assert_eq!(
        items("project_role"),
        [format!("{site}:engineer"), format!("{site}:safety")]
    );
    assert_eq!(items("task"), [task.id.to_string()], "their open task too");
    assert_eq!(flags.open(Some(orphan)).await.expect("flags").len(), 1);
    dispatch(&app).await;
    let told = texts_for(&app, &pm);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("SZ-01")
            && told[0].contains("工程师、安全员")
            && told[0].contains("负责 1 项未完成任务"),
        "{told:?}"
    );
    for leader in &orphan_dept.department_leader {
        let texts = texts_for(&app, leader);
        assert!(
            texts.iter().any(|t| t.contains("SZ-02")),
            "{leader}: {texts:?}"
        );
    }
    assert!(texts_for(&app, &quiet).is_empty());
    // The PM no longer counts the leaver among the project's engineers.
    assert!(
        app.state
            .store
            .projects()
            .with_role(site, ProjectRole::Engineer)
            .await
            .expect("read")
            .is_empty()
    );

    // A leave only a full sync notices is followed up the same way.
    let second = app.active_user(4);
    give(&app, site, &second, ProjectRole::Quality).await;
    app.sim.delete_user(&second).expect("deleted");
    let report = app.sync_org().await;
    assert_eq!(report.left, 1);
    assert_eq!(server::leavers::sweep(&app.state).await.expect("sweep"), 1);
    dispatch(&app).await;
    let told = texts_for(&app, &pm);
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told[1].contains("质检员"), "{told:?}");

    // The PM sees the project's hand-overs; an admin lists all and marks one done.
    use reqwest::{Method, StatusCode};
    let pm_session = crate::approvals::sign_in(&app, &pm).await;
    let path = format!("projects/{site}/reassignments");
    let (status, listed) =
        crate::approvals::call(&app, &pm_session, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed.as_array().map(Vec::len), Some(4), "{listed}");
    assert_eq!(listed[0]["leaver"]["userid"], engineer.as_str());
    let (status, _) =
        crate::approvals::call(&app, &pm_session, Method::GET, "admin/reassignments", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.sim.org().users[0].userid.clone();
    let admin = crate::approvals::sign_in(&app, &admin).await;
    let (_, all) =
        crate::approvals::call(&app, &admin, Method::GET, "admin/reassignments", None).await;
    assert_eq!(all.as_array().map(Vec::len), Some(5), "{all}");
    let first = all[0]["id"].as_i64().expect("id");
    let resolve = format!("admin/reassignments/{first}/resolve");
    let (status, _) = crate::approvals::call(&app, &admin, Method::POST, &resolve, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = crate::approvals::call(&app, &admin, Method::POST, &resolve, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already handed over");
    let (_, all) =
        crate::approvals::call(&app, &admin, Method::GET, "admin/reassignments", None).await;
    assert_eq!(all.as_array().map(Vec::len), Some(4));
}
