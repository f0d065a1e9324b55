//! Every free text and list a request carries has a limit (`api::limits`); more is a 400
//! that names the field, and nothing is stored.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::approvals::{call, company, sign_in, submit_purchase};

#[tokio::test]
async fn oversized_text_and_lists_are_refused_by_name() {
    let c = company(1).await;
    let app = &c.app;
    let id = submit_purchase(&c, 1_000).await;
    let pm = sign_in(app, &c.pms[0]).await;
    let initiator = sign_in(app, &c.initiator).await;
    let huge = "批".repeat(300_000);
    let design_chosen: Vec<String> = (0..200).map(|n| format!("member{n}")).collect();
    let cases = [
        (
            &pm,
            Method::POST,
            format!("approvals/{id}/actions"),
            json!({"action": "approve", "comment": huge}),
            "comment",
        ),
        (
            &pm,
            Method::POST,
            format!("approvals/{id}/actions"),
            json!({"action": "reject", "reason": "驳".repeat(api::limits::COMMENT_CHARS + 1)}),
            "reason",
        ),
        (
            &initiator,
            Method::POST,
            "approvals".to_owned(),
            json!({"template": "design_change", "form": {}, "chosen": {"tech": design_chosen}}),
            "chosen.tech",
        ),
        (
            &pm,
            Method::POST,
            format!("projects/{}/tasks", c.project),
            json!({"title": "长".repeat(api::limits::TITLE_CHARS + 1), "start": "2026-12-01", "days": 1}),
            "title",
        ),
    ];
    for (who, method, path, body, field) in cases {
        let (status, answer) = call(app, who, method.clone(), &path, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path}: {answer}");
        assert_eq!(answer["code"], "bad_request");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(&format!("{field} 超出上限")),
            "{method} {path}: {message}"
        );
    }
    // The approval is untouched: still waiting for the PM, with no comment stored.
    let (_, detail) = call(app, &pm, Method::GET, &format!("approvals/{id}"), None).await;
    assert_eq!(detail["status"], "pending", "{detail}");
}
