//! Who may call what: every `/api/v1` route (read from the handlers' sources, as the
//! contract sweep does) has a row here saying who it is for, and is called as each kind
//! of caller. A new route without a row fails the test.

use domain::clock::Clock as _;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};

use crate::approvals::{Member, company, sign_in};
use crate::contract::api_routes;
use crate::helpers::TestApp;

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum For {
    /// Any signed-in member (what they see is filtered to them).
    Member,
    /// Members of the project (or its department's leaders, or admins): others get 404,
    /// so a project's existence is not revealed.
    Project,
    /// System admins only: others get 403.
    Admin,
}

const TABLE: &[(&str, &str, For)] = &[
    ("GET", "/me", For::Member),
    ("GET", "/jssdk/signature", For::Member),
    ("GET", "/admin/queues", For::Admin),
    ("GET", "/admin/dead-letters", For::Admin),
    (
        "POST",
        "/admin/dead-letters/{queue}/{id}/replay",
        For::Admin,
    ),
    ("GET", "/admin/config", For::Admin),
    ("GET", "/admin/sync", For::Admin),
    ("POST", "/admin/sync", For::Admin),
    ("DELETE", "/admin/sessions/{userid}", For::Admin),
    ("GET", "/admin/roles", For::Admin),
    ("PUT", "/admin/roles/{userid}/{role}", For::Admin),
    ("DELETE", "/admin/roles/{userid}/{role}", For::Admin),
    ("GET", "/admin/reassignments", For::Admin),
    ("POST", "/admin/reassignments/{id}/resolve", For::Admin),
    ("GET", "/approvals", For::Member),
    ("POST", "/approvals", For::Member),
    ("GET", "/approvals/counts", For::Member),
    ("GET", "/approvals/{id}", For::Project),
    ("POST", "/approvals/{id}/actions", For::Project),
    ("GET", "/approvals/{id}/attachments/{key}", For::Project),
    ("PUT", "/approval-delegation", For::Member),
    ("DELETE", "/approval-delegation", For::Member),
    ("GET", "/approval-forms", For::Member),
    ("GET", "/approval-templates", For::Admin),
    ("PUT", "/approval-templates/{code}", For::Admin),
    ("GET", "/projects", For::Member),
    ("POST", "/projects", For::Admin),
    ("GET", "/projects/export", For::Member),
    ("POST", "/projects/import", For::Admin),
    ("GET", "/projects/{id}", For::Project),
    ("PUT", "/projects/{id}", For::Project),
    ("GET", "/projects/{id}/members", For::Project),
    ("PUT", "/projects/{id}/members", For::Project),
    (
        "DELETE",
        "/projects/{id}/members/{userid}/{role}",
        For::Project,
    ),
    ("GET", "/projects/{id}/schedule-settings", For::Project),
    ("PUT", "/projects/{id}/schedule-settings", For::Project),
    ("GET", "/projects/{id}/reassignments", For::Project),
    ("GET", "/projects/{id}/gantt", For::Project),
    ("GET", "/projects/{id}/tasks", For::Project),
    ("POST", "/projects/{id}/tasks", For::Project),
    ("PUT", "/projects/{id}/links", For::Project),
    ("DELETE", "/projects/{id}/links/{from}/{to}", For::Project),
    ("POST", "/projects/{id}/baseline", For::Project),
    ("GET", "/projects/{id}/daily-reports", For::Project),
    ("PUT", "/projects/{id}/daily-reports", For::Project),
    ("GET", "/tasks/mine", For::Member),
    ("GET", "/tasks/{id}", For::Project),
    ("PATCH", "/tasks/{id}", For::Project),
    ("GET", "/tasks/{id}/checkins", For::Project),
    ("POST", "/tasks/{id}/checkins", For::Project),
    (
        "GET",
        "/tasks/{task}/checkins/{checkin}/photos/{index}",
        For::Project,
    ),
    ("GET", "/tasks/{id}/comments", For::Project),
    ("POST", "/tasks/{id}/comments", For::Project),
    ("GET", "/tasks/{id}/comment-photos/{key}", For::Project),
    ("GET", "/directory/members", For::Member),
    ("GET", "/directory/departments", For::Member),
    ("POST", "/uploads", For::Member),
    ("POST", "/uploads/wecom", For::Member),
    ("GET", "/uploads/{key}", For::Member),
];

/// A path with real-looking parameters: the project, task or approval `id` that exists.
fn filled(path: &str, id: i64) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let value = match &rest[open + 1..close] {
            "role" => "manager".to_owned(),
            "queue" => "inbox".to_owned(),
            "key" => format!("sha256:{}", "0".repeat(64)),
            "userid" | "code" => "nobody".to_owned(),
            _ => id.to_string(),
        };
        out.push_str(&value);
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    // What a route's query needs, so a member's answer is about who they are.
    out.push_str(match path {
        "/jssdk/signature" => "?url=http%3A%2F%2F127.0.0.1%2F&kind=config",
        "/admin/dead-letters" => "?queue=inbox",
        _ => "",
    });
    out
}

/// A body the route accepts, so a refusal is about the caller.
fn body_for(method: &str, path: &str) -> serde_json::Value {
    use serde_json::json;
    match (method, path) {
        ("POST", "/approvals/{id}/actions") => json!({"action": "approve"}),
        ("POST", "/approvals") => json!({"template": "leave", "form": {}}),
        ("PUT", "/approval-templates/{code}") => {
            serde_json::to_value(domain::approval::builtin::leave()).unwrap_or_default()
        }
        ("PUT", "/approval-delegation") => {
            json!({"delegate": "nobody", "from_ms": 0, "until_ms": 1})
        }
        ("PUT", "/projects/{id}") | ("POST", "/projects") => {
            json!({"code": "MX-1", "name": "矩阵", "department_id": 1, "version": 1})
        }
        ("PUT", "/projects/{id}/members") => json!({"userid": "nobody", "role": "engineer"}),
        ("PUT", "/projects/{id}/schedule-settings") => json!({"shift_successors": true}),
        ("POST", "/projects/{id}/tasks") => json!({"title": "t", "start": "2026-12-01", "days": 1}),
        ("PUT", "/projects/{id}/links") => json!({"from": 1, "to": 2, "kind": "FS"}),
        ("PUT", "/projects/{id}/daily-reports") => json!({"day": "2026-12-01", "content": "x"}),
        ("PATCH", "/tasks/{id}") => json!({"progress": 10}),
        ("POST", "/tasks/{id}/checkins") => json!({"note": "x"}),
        ("POST", "/tasks/{id}/comments") => json!({"text": "x"}),
        ("POST", "/uploads/wecom") => json!({"media_id": "m"}),
        _ => json!({}),
    }
}

async fn call_as(
    app: &TestApp,
    who: Option<&Member>,
    (method, path): (&str, &str),
    at: &str,
) -> StatusCode {
    let body = body_for(method, path).to_string();
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app
        .http
        .request(method.clone(), format!("{}/api/v1{at}", app.base_url));
    if let Some(who) = who {
        request = request
            .header(COOKIE, &who.cookie)
            .header("X-CSRF-Token", &who.csrf);
    }
    if method != Method::GET {
        request = request.header(CONTENT_TYPE, "application/json").body(body);
    }
    request.send().await.expect("sent").status()
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_its_row_says() {
    // The table covers the routes the handlers register, no more and no fewer.
    let mut registered: Vec<(String, String)> = api_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    registered.sort();
    let mut rows: Vec<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    rows.sort();
    assert_eq!(
        registered, rows,
        "a route without its row (or a row without its route)"
    );

    // The project and an approval on it exist; the outsider is in neither.
    let c = company(1).await;
    let app = &c.app;
    let id = crate::approvals::submit_purchase(&c, 1_000).await;
    assert_eq!(
        id, c.project,
        "the first approval and project share an id here"
    );
    let outsider = sign_in(app, &app.active_user(60)).await;
    let leaver_id = app.active_user(61);
    let leaver = sign_in(app, &leaver_id).await;
    app.state
        .store
        .org()
        .mark_left(&leaver_id, app.clock.now_ms())
        .await
        .expect("left");

    for (method, path, row) in TABLE {
        let at = filled(path, id);
        let what = format!("{method} {path}");
        assert_eq!(
            call_as(app, None, (method, path), &at).await,
            StatusCode::UNAUTHORIZED,
            "{what}: no session"
        );
        assert_eq!(
            call_as(app, Some(&leaver), (method, path), &at).await,
            StatusCode::UNAUTHORIZED,
            "{what}: a member who left"
        );
        let status = call_as(app, Some(&outsider), (method, path), &at).await;
        match row {
            For::Admin => assert_eq!(status, StatusCode::FORBIDDEN, "{what}: a member"),
            For::Project => assert_eq!(status, StatusCode::NOT_FOUND, "{what}: an outsider"),
            For::Member => assert!(
                !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    && !status.is_server_error(),
                "{what}: a member got {status}"
            ),
        }
    }
}
