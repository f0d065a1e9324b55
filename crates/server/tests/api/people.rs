//! Approvals and people: a returned request carries the form to fix and is resubmitted,
//! out-of-office delegation is listed and ended, a leaver's approval seat is handed over
//! by the project's manager, and a template error names the node at fault.

use domain::access::ProjectRole;
use domain::clock::Clock as _;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::approvals::{call, company, instance, sign_in, submit_purchase};

#[tokio::test]
async fn a_returned_request_carries_its_form_and_is_resubmitted_changed() {
    let c = company(1).await;
    // A form about a project is resubmitted by someone who sees it, as it was submitted.
    let now = c.app.clock.now_ms();
    c.app
        .state
        .store
        .projects()
        .add_member(c.project, &c.initiator, ProjectRole::Engineer, "admin", now)
        .await
        .expect("member");
    let id = submit_purchase(&c, 800).await;
    let pm = sign_in(&c.app, &c.pms[0]).await;
    let path = format!("approvals/{id}");
    let (_, seen) = call(&c.app, &pm, Method::GET, &path, None).await;
    assert!(seen.get("resubmit_form").is_none(), "not while pending");
    let reject = json!({"action": "reject", "reason": "数量写错了"});
    let (status, _) = call(
        &c.app,
        &pm,
        Method::POST,
        &format!("{path}/actions"),
        Some(reject),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, seen) = call(&c.app, &pm, Method::GET, &path, None).await;
    assert!(
        seen.get("resubmit_form").is_none(),
        "the approver cannot resubmit"
    );
    let initiator = sign_in(&c.app, &c.initiator).await;
    let (status, detail) = call(&c.app, &initiator, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "returned");
    assert!(
        detail["can"]
            .as_array()
            .is_some_and(|c| c.contains(&json!("resubmit"))),
        "{detail}"
    );
    let form = &detail["resubmit_form"];
    assert_eq!(form["code"], "purchase");
    let keys: Vec<&str> = form["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert!(
        keys.contains(&"items") && keys.contains(&"materials"),
        "{keys:?}"
    );

    let fixed = json!({"action": "resubmit", "form": {
        "project": c.project, "items": "C30 商品混凝土 20 方", "materials": 90_000,
        "arrival": "2026-12-20"}});
    let (status, after) = call(
        &c.app,
        &initiator,
        Method::POST,
        &format!("{path}/actions"),
        Some(fixed),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["status"], "pending");
    assert_eq!(after["round"], 2);
    assert!(after.get("resubmit_form").is_none());
    let i = instance(&c.app, id).await;
    assert_eq!(i.form["items"], json!("C30 商品混凝土 20 方"));
}

#[tokio::test]
async fn a_delegation_is_listed_with_its_delegate_and_ended() {
    let c = company(1).await;
    let me = sign_in(&c.app, &c.pms[0]).await;
    let (status, none) = call(&c.app, &me, Method::GET, "approval-delegation", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!([]));
    let now = c.app.clock.now_ms();
    let day = 86_400_000;
    let set = json!({"delegate": c.initiator, "from_ms": now, "until_ms": now + 3 * day});
    let (status, body) = call(&c.app, &me, Method::PUT, "approval-delegation", Some(set)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, listed) = call(&c.app, &me, Method::GET, "approval-delegation", None).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["delegate"]["userid"], c.initiator.as_str());
    assert_ne!(listed[0]["delegate"]["name"], "", "named");
    assert_eq!(listed[0]["until_ms"], now + 3 * day);
    // Someone else's delegations are their own.
    let other = sign_in(&c.app, &c.initiator).await;
    let (_, theirs) = call(&c.app, &other, Method::GET, "approval-delegation", None).await;
    assert_eq!(theirs, json!([]));
    let (status, _) = call(&c.app, &me, Method::DELETE, "approval-delegation", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, ended) = call(&c.app, &me, Method::GET, "approval-delegation", None).await;
    assert_eq!(ended, json!([]));
}

#[tokio::test]
async fn a_pm_hands_a_leavers_approval_seat_to_someone_and_marks_it_done() {
    let c = company(2).await;
    let id = submit_purchase(&c, 800).await;
    let (leaver, pm) = (c.pms[0].clone(), c.pms[1].clone());
    let now = c.app.clock.now_ms();
    // The leaver left; their flag is raised (the sweep's job, done here by hand so the
    // seat stays with them).
    c.app
        .state
        .store
        .org()
        .mark_left(&leaver, now)
        .await
        .expect("left");
    let flag = store::NewReassignment {
        leaver: leaver.clone(),
        kind: "approval_step".into(),
        item: id.to_string(),
        project_id: Some(c.project),
        detail: "材料采购申请".into(),
    };
    let flags = c.app.state.store.reassignments();
    assert!(flags.flag(&flag, now).await.expect("flag"));
    let flag_id = flags.open(Some(c.project)).await.expect("open")[0].id;

    let pm_session = sign_in(&c.app, &pm).await;
    let (_, listed) = call(
        &c.app,
        &pm_session,
        Method::GET,
        &format!("projects/{}/reassignments", c.project),
        None,
    )
    .await;
    assert_eq!(listed[0]["kind"], "approval_step", "{listed}");
    assert!(listed[0].get("suggested").is_some(), "{listed}");

    let resolve = format!("projects/{}/reassignments/{flag_id}/resolve", c.project);
    let stranger = c.app.active_user(40);
    let outsider = sign_in(&c.app, &stranger).await;
    let (status, _) = call(&c.app, &outsider, Method::POST, &resolve, None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an outsider does not see the project"
    );
    let wrong = format!(
        "projects/{}/reassignments/{flag_id}/resolve",
        c.project + 1000
    );
    let (status, _) = call(&c.app, &pm_session, Method::POST, &wrong, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let to = c.app.active_user(41);
    let (status, body) = call(
        &c.app,
        &pm_session,
        Method::POST,
        &resolve,
        Some(json!({"to": to})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let pending = instance(&c.app, id).await.pending_approvers();
    assert!(pending.contains(&to), "{pending:?}");
    assert!(!pending.contains(&leaver), "{pending:?}");
    assert!(flags.open(Some(c.project)).await.expect("open").is_empty());
    // Done is done: a repeated tap changes nothing.
    let (status, _) = call(&c.app, &pm_session, Method::POST, &resolve, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A garbled body is refused before anything happens.
    let (status, _) = call(
        &c.app,
        &pm_session,
        Method::POST,
        &resolve,
        Some(json!({"to": 7})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_template_error_names_the_node_at_fault() {
    let c = company(1).await;
    let admin = c.app.state.settings.auth.admins[0].clone();
    let admin = sign_in(&c.app, &admin).await;
    let mut definition =
        serde_json::to_value(domain::approval::builtin::leave()).expect("definition");
    let flow = definition["flow"].as_array_mut().expect("flow");
    flow.push(
        json!({"type": "branch", "id": "big", "arms": [{"when": {"type": "all", "of": [
        {"type": "field", "key": "nope", "op": "gt", "value": 3}]}, "nodes": []}]}),
    );
    let (status, body) = call(
        &c.app,
        &admin,
        Method::PUT,
        "approval-templates/leave",
        Some(definition),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["message"].as_str().expect("message");
    assert!(message.contains("节点 big："), "{message}");
}
