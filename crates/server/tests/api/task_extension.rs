//! 申请延期: the owner asks for more days, the PM approves, the task's finish moves and its
//! successor follows; applied once however often the outbox row runs; the general form
//! list neither offers nor accepts it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::approvals::{call, company, dispatch, sign_in};

#[tokio::test]
async fn an_approved_extension_moves_the_task_and_its_successors() {
    let c = company(1).await;
    let app = &c.app;
    let pm = sign_in(app, &c.pms[0]).await;
    let owner = app.active_user(30);
    app.state
        .store
        .projects()
        .add_member(
            c.project,
            &owner,
            domain::access::ProjectRole::Engineer,
            "admin",
            0,
        )
        .await
        .expect("member");
    let (status, _) = call(
        app,
        &pm,
        Method::PUT,
        &format!("projects/{}/schedule-settings", c.project),
        Some(json!({"shift_successors": true})),
    )
    .await;
    assert!(status.is_success());
    let mut ids = Vec::new();
    for (title, start) in [("垫层浇筑", "2026-12-08"), ("底板钢筋", "2026-12-11")] {
        let (status, task) = call(
            app,
            &pm,
            Method::POST,
            &format!("projects/{}/tasks", c.project),
            Some(json!({"title": title, "start": start, "days": 3, "owner": owner})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        ids.push(task["id"].as_i64().expect("id"));
    }
    let (status, _) = call(
        app,
        &pm,
        Method::PUT,
        &format!("projects/{}/links", c.project),
        Some(json!({"from": ids[0], "to": ids[1], "kind": "FS"})),
    )
    .await;
    assert!(status.is_success());

    let engineer = sign_in(app, &owner).await;
    let (status, filed) = call(
        app,
        &engineer,
        Method::POST,
        &format!("tasks/{}/extension", ids[0]),
        Some(json!({"days": 2, "reason": "连续降雨，基坑积水"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let approval = filed["id"].as_i64().expect("approval id");
    let (status, _) = call(
        app,
        &pm,
        Method::POST,
        &format!("approvals/{approval}/actions"),
        Some(json!({"action": "approve"})),
    )
    .await;
    assert!(status.is_success());
    dispatch(app).await;

    let tasks = app.state.store.tasks();
    let first = tasks.get(ids[0]).await.expect("read").expect("task");
    let second = tasks.get(ids[1]).await.expect("read").expect("task");
    assert_eq!(first.days, 5, "3 days and 2 more");
    assert!(second.start >= first.finish(), "the successor follows");
    assert_eq!(second.start.to_string(), "2026-12-13");
    // Applied once.
    assert!(
        !server::tasks::extension::apply(&app.state, approval)
            .await
            .expect("apply")
    );
    assert_eq!(
        tasks.get(ids[0]).await.expect("read").expect("task").days,
        5
    );

    // Not offered nor accepted through the general form.
    let (_, forms) = call(app, &engineer, Method::GET, "approval-forms", None).await;
    assert!(!forms.to_string().contains("task_extension"), "{forms}");
    let (status, _) = call(
        app,
        &engineer,
        Method::POST,
        "approvals",
        Some(
            json!({"template": "task_extension", "form": {"project": c.project, "task": ids[0],
            "title": "x", "days": 300, "reason": "x"}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
