//! A change and its audit row commit together: with the audit chain unwritable, the change
//! is refused and nothing of it stays behind.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::approvals::{call, sign_in};
use crate::tasks::site;

async fn audit_rows(app: &crate::helpers::TestApp, kind: &str, id: &str) -> Vec<String> {
    let filter = store::AuditFilter {
        target_type: Some(kind.to_owned()),
        target_id: Some(id.to_owned()),
        ..store::AuditFilter::default()
    };
    app.state
        .store
        .audit()
        .list(&filter, 50, None)
        .await
        .expect("audit")
        .into_iter()
        .map(|row| row.action)
        .collect()
}

#[tokio::test]
async fn a_change_without_its_audit_row_does_not_happen() {
    let s = site(1).await;
    let app = &s.app;
    let pm = sign_in(app, &s.pm).await;
    let day = domain::calendar::Day::of_ms(app.state.clock.now_ms()).to_string();
    let (code, task) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", s.project),
        Some(json!({"title": "钢筋绑扎", "start": day, "days": 2, "owner": s.engineers[0]})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{task}");
    let id = task["id"].as_i64().expect("id");
    let (code, body) = call(
        app,
        &pm,
        Method::PATCH,
        &format!("tasks/{id}"),
        Some(json!({"progress": 40})),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(
        audit_rows(app, "task", &id.to_string()).await,
        ["task.update", "task.create"],
        "one row per change, newest first"
    );

    // The chain's head row is gone: no audit row can be written from here on.
    store::sqlx::query("DELETE FROM audit_head")
        .execute(app.state.store.pool())
        .await
        .expect("broke the head");
    let (code, _) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", s.project),
        Some(json!({"title": "不该留下的任务", "start": day, "days": 1})),
    )
    .await;
    assert!(code.is_server_error(), "{code}");
    let (code, _) = call(
        app,
        &pm,
        Method::PATCH,
        &format!("tasks/{id}"),
        Some(json!({"progress": 90})),
    )
    .await;
    assert!(code.is_server_error(), "{code}");
    let tasks = app
        .state
        .store
        .tasks()
        .of_project(s.project)
        .await
        .expect("tasks");
    assert!(
        tasks.iter().all(|t| t.title != "不该留下的任务"),
        "the unaudited task was kept"
    );
    let kept = tasks.iter().find(|t| t.id == id).expect("the task");
    assert_eq!(kept.progress, 40, "the unaudited progress was kept");
}
