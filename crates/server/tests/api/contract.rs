//! The `{code, message}` contract holds for every route: malformed bodies, queries and
//! paths answer 4xx JSON that the H5's `api::ApiError` reads (so no route can answer a code
//! the contract does not define), never a 5xx; an unreachable database answers 503.

use std::path::Path;
use std::sync::Arc;

use domain::clock::ManualClock;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use wecom_sim::SimConfig;

use crate::approvals::{Member, sign_in};
use crate::helpers::{Setup, TestApp, real_now_ms, spawn_app, start};
use crate::proxy::proxied_pg;

/// Every `(method, path)` the `/api/v1` scope registers, read from the handlers' sources,
/// so a new route is covered without anyone listing it here.
pub(crate) fn api_routes() -> Vec<(Method, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut routes = Vec::new();
    for file in files {
        let is_api = file.ends_with("routes/api_v1.rs")
            || file.components().any(|c| c.as_os_str() == "handlers")
            || file.file_stem().is_some_and(|s| s == "handlers");
        if !is_api {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        routes.extend(routes_in(&text));
    }
    routes.sort_by(|a, b| (a.1.as_str(), a.0.as_str()).cmp(&(b.1.as_str(), b.0.as_str())));
    routes.dedup();
    routes
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each `web::get()` (post, put, patch, delete) paired with the nearest path literal
/// before it: `.route("/x", web::get()…)` and `web::resource("/x")….route(web::post()…)`.
fn routes_in(text: &str) -> Vec<(Method, String)> {
    let mut found = Vec::new();
    for (method, marker) in [
        (Method::GET, "web::get()"),
        (Method::POST, "web::post()"),
        (Method::PUT, "web::put()"),
        (Method::PATCH, "web::patch()"),
        (Method::DELETE, "web::delete()"),
    ] {
        for (at, _) in text.match_indices(marker) {
            let before = &text[..at];
            let Some(open) = before.rfind("\"/") else {
                continue;
            };
            let literal = &before[open + 1..];
            let Some(close) = literal.find('"') else {
                continue;
            };
            let path = &literal[..close];
            if path != "/api/v1" {
                found.push((method.clone(), path.to_owned()));
            }
        }
    }
    found
}

/// A route's path with every `{param}` filled with something no id parses from.
fn garbled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        out.push_str("not-an-id");
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    out
}

async fn send(
    app: &TestApp,
    who: &Member,
    method: Method,
    path: &str,
    body: &'static str,
) -> (StatusCode, Option<String>, String) {
    let mut request = app
        .http
        .request(method.clone(), format!("{}{path}", app.base_url))
        .header(COOKIE, &who.cookie)
        .header("X-CSRF-Token", &who.csrf);
    if method != Method::GET {
        request = request.header(CONTENT_TYPE, "application/json").body(body);
    }
    answered(request.send().await.expect("sent")).await
}

/// Status, content type and body of an answer.
async fn answered(response: reqwest::Response) -> (StatusCode, Option<String>, String) {
    let status = response.status();
    let kind = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, kind, response.text().await.expect("body"))
}

/// An error answer in the contract: JSON whose code `api::ErrorCode` knows.
fn assert_contract(what: &str, status: StatusCode, kind: Option<&str>, body: &str) {
    assert!(
        kind.is_some_and(|k| k.starts_with("application/json")),
        "{what}: {status} answered as {kind:?}: {body}"
    );
    let error: api::ApiError = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{what}: {status} body is not the contract ({e}): {body}"));
    assert!(!error.message.is_empty(), "{what}: an empty message");
}

async fn signed_in(app: &TestApp, nth: usize) -> Member {
    app.sync_org().await;
    sign_in(app, &app.active_user(nth)).await
}

#[tokio::test]
async fn every_route_answers_bad_input_with_the_json_contract() {
    let app = spawn_app().await;
    let member = signed_in(&app, 3).await;
    let routes = api_routes();
    assert!(
        routes.len() >= 50,
        "the source scan found only {} routes",
        routes.len()
    );
    for (method, path) in &routes {
        let url = format!("/api/v1{}", garbled(path));
        let what = format!("{method} {path}");
        let (status, kind, body) = send(&app, &member, method.clone(), &url, "{\"broken").await;
        assert!(!status.is_server_error(), "{what}: {status}: {body}");
        if status.is_client_error() {
            assert_contract(&what, status, kind.as_deref(), &body);
        }
        if path.contains('{') && path.contains("{id}") {
            assert!(
                status.is_client_error(),
                "{what} took a garbled id: {status}"
            );
        }
        if method != Method::GET && method != Method::DELETE {
            assert!(
                status.is_client_error(),
                "{what} took a broken body: {status}"
            );
        }
    }
}

#[tokio::test]
async fn malformed_bodies_queries_paths_and_methods_are_named() {
    let app = spawn_app().await;
    let member = signed_in(&app, 4).await;
    let cases: [(Method, &str, &str, StatusCode, &str); 6] = [
        (
            Method::POST,
            "/api/v1/approvals",
            "{\"template\":",
            StatusCode::BAD_REQUEST,
            "不是有效的 JSON",
        ),
        (
            Method::POST,
            "/api/v1/approvals",
            "{\"template\": 5}",
            StatusCode::BAD_REQUEST,
            "请求内容不符合要求",
        ),
        (
            Method::GET,
            "/api/v1/projects/abc",
            "",
            StatusCode::BAD_REQUEST,
            "路径参数",
        ),
        (
            Method::GET,
            "/api/v1/approvals?limit=many",
            "",
            StatusCode::BAD_REQUEST,
            "查询参数",
        ),
        (
            Method::GET,
            "/api/v1/uploads",
            "{}",
            StatusCode::METHOD_NOT_ALLOWED,
            "请求方式",
        ),
        (
            Method::GET,
            "/api/v1/nowhere",
            "",
            StatusCode::NOT_FOUND,
            "不存在",
        ),
    ];
    for (method, path, body, expected, words) in cases {
        let (status, kind, text) = send(&app, &member, method.clone(), path, body).await;
        assert_eq!(status, expected, "{method} {path}: {text}");
        assert_contract(path, status, kind.as_deref(), &text);
        assert!(text.contains(words), "{method} {path}: {text}");
    }
    // Sign-in errors too.
    let response = app
        .http
        .get(format!("{}/auth/nowhere", app.base_url))
        .send()
        .await
        .expect("sent");
    let (status, kind, body) = answered(response).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_contract("/auth/nowhere", status, kind.as_deref(), &body);
}

#[tokio::test]
async fn an_unreachable_database_answers_503_so_the_h5_keeps_the_submission() {
    let name = format!("contract{}", rand::random::<u32>());
    let Some((backing, proxy)) = proxied_pg(&name).await else {
        eprintln!("GANTRY_TEST_PG_URL unset: skipping the database outage answer test");
        return;
    };
    let sim = wecom_sim::spawn(SimConfig::default()).await.expect("sim");
    let data_dir = tempfile::tempdir().expect("data dir");
    let clock = Arc::new(ManualClock::new(real_now_ms()));
    let started = start(
        &sim,
        &backing,
        data_dir.path(),
        clock.clone(),
        &Setup::default(),
    )
    .await
    .expect("started");
    let app = TestApp::of(sim, data_dir, clock, started);
    let member = signed_in(&app, 2).await;
    proxy.down();
    for (method, path, body) in [
        (Method::GET, "/api/v1/me", ""),
        (
            Method::POST,
            "/api/v1/approvals",
            "{\"template\":\"leave\",\"form\":{}}",
        ),
    ] {
        let (status, kind, text) = send(&app, &member, method.clone(), path, body).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path}: {text}"
        );
        assert_contract(path, status, kind.as_deref(), &text);
        let error: api::ApiError = serde_json::from_str(&text).expect("contract");
        assert_eq!(error.code, api::ErrorCode::Unavailable);
    }
    proxy.up();
}

#[test]
fn the_source_scan_reads_both_route_shapes() {
    let text = r#"
        cfg.route("/a/{id}", web::get().to(a))
            .service(web::resource("/b").app_data(x).route(web::post().to(b)))
            .route(
                "/c",
                web::delete().to(c),
            );
    "#;
    let mut found = routes_in(text);
    found.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        found,
        [
            (Method::GET, "/a/{id}".to_owned()),
            (Method::POST, "/b".to_owned()),
            (Method::DELETE, "/c".to_owned()),
        ]
    );
    assert_eq!(garbled("/a/{id}/b/{k}"), "/a/not-an-id/b/not-an-id");
}
