//! A task's owner gets a card at once when someone else assigns it (查看 / 接受); 接受 is
//! recorded on the task and the card says so; assigning oneself sends nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::approvals::{call, card_of, company, dispatch, drain_inbox, replaced, sign_in, tap};
use crate::helpers::TestApp;

fn cards(app: &TestApp, userid: &str) -> usize {
    app.sim
        .messages_for(userid)
        .iter()
        .filter(|m| m.msgtype == "template_card")
        .count()
}

#[tokio::test]
async fn the_owner_gets_a_card_at_once_and_accepts_it_there() {
    let c = company(1).await;
    let app = &c.app;
    let pm = sign_in(app, &c.pms[0]).await;
    let engineer = app.active_user(30);
    let foreman = app.active_user(31);
    for who in [&engineer, &foreman] {
        app.state
            .store
            .projects()
            .add_member(
                c.project,
                who,
                domain::access::ProjectRole::Engineer,
                "admin",
                0,
            )
            .await
            .expect("member");
    }
    let (status, task) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", c.project),
        Some(json!({"title": "二层梁板钢筋绑扎", "start": "2026-12-08", "days": 3, "owner": engineer})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let id = task["id"].as_i64().expect("id");
    dispatch(app).await;
    let card = app
        .sim
        .messages_for(&engineer)
        .into_iter()
        .rev()
        .find(|m| m.msgtype == "template_card")
        .expect("the owner's card");
    let body = &card.body["template_card"];
    assert!(
        body["main_title"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("二层梁板钢筋绑扎")),
        "{body}"
    );
    assert_eq!(body["button_list"][0]["text"], "接受");

    // Handed to the foreman before the engineer answered: the foreman's card; the
    // engineer's card no longer accepts.
    let engineers_card = card_of(app, &engineer);
    let (status, _) = call(
        app,
        &pm,
        Method::PATCH,
        &format!("tasks/{id}"),
        Some(json!({"owner": foreman})),
    )
    .await;
    assert!(status.is_success());
    dispatch(app).await;
    assert_eq!(cards(app, &foreman), 1);
    tap(app, &engineer, &engineers_card, "task_accept").await;
    drain_inbox(app).await;
    dispatch(app).await;
    assert!(
        replaced(app, &engineer).iter().any(|t| t.contains("改派")),
        "{:?}",
        replaced(app, &engineer)
    );

    // 接受 on the foreman's card: on the task as their word, and on the card.
    let foremans_card = card_of(app, &foreman);
    tap(app, &foreman, &foremans_card, "task_accept").await;
    drain_inbox(app).await;
    dispatch(app).await;
    assert!(
        replaced(app, &foreman).iter().any(|t| t == "已接受"),
        "{:?}",
        replaced(app, &foreman)
    );
    let (_, comments) = call(app, &pm, Method::GET, &format!("tasks/{id}/comments"), None).await;
    assert!(comments.to_string().contains("已接受任务"), "{comments}");

    // A PM who makes themself the owner gets no card.
    let before = cards(app, &c.pms[0]);
    let (status, _) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", c.project),
        Some(json!({"title": "自己跟进", "start": "2026-12-08", "days": 1, "owner": c.pms[0]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    dispatch(app).await;
    assert_eq!(cards(app, &c.pms[0]), before);
}
