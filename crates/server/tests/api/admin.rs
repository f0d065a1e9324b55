//! The admin API × every kind of caller, CSRF on changes, and the audit trail they leave.

use domain::clock::Clock as _;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use crate::auth::{login, me};
use crate::helpers::{TestApp, spawn_app};

struct Caller {
    cookie: String,
    csrf: String,
}

async fn caller(app: &TestApp, userid: &str) -> Caller {
    let (cookie, _) = login(app, userid, "/").await;
    let body: serde_json::Value = me(app, &cookie).await.json().await.expect("me");
    Caller {
        cookie,
        csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
    }
}

async fn call(app: &TestApp, who: &Caller, method: &str, path: &str) -> StatusCode {
    let url = format!("{}/api/v1/admin/{path}", app.base_url);
    let request = match method {
        "GET" => app.http.get(url),
        "POST" => app.http.post(url),
        "PUT" => app.http.put(url),
        "DELETE" => app.http.delete(url),
        other => panic!("method {other}"),
    };
    request
        .header(COOKIE, &who.cookie)
        .header("X-CSRF-Token", &who.csrf)
        .send()
        .await
        .expect("sent")
        .status()
}

#[tokio::test]
async fn admin_api_for_every_kind_of_caller() {
    let app = spawn_app().await;
    let org = app.sim.org();
    let config_admin = org.users[0].userid.clone();
    let granted_admin = app.active_user(10);
    let finance = app.active_user(11);
    let member = app.active_user(12);
    let target = app.active_user(13);
    // The mirror must know the members before roles can be granted to them.
    app.sync_org().await;
    let now = app.clock.now_ms();
    app.state
        .store
        .roles()
        .grant(&granted_admin, "admin", "test", now)
        .await
        .expect("grant");
    app.state
        .store
        .roles()
        .grant(&finance, "finance", "test", now)
        .await
        .expect("grant");

    let callers = [
        ("config admin", caller(&app, &config_admin).await, true),
        ("granted admin", caller(&app, &granted_admin).await, true),
        ("finance", caller(&app, &finance).await, false),
        ("member", caller(&app, &member).await, false),
    ];
    let grant = format!("roles/{target}/finance");
    let endpoints: [(&str, &str, StatusCode); 8] = [
        ("GET", "sync", StatusCode::OK),
        ("GET", "queues", StatusCode::OK),
        ("GET", "dead-letters?queue=inbox", StatusCode::OK),
        ("GET", "dead-letters?queue=outbox", StatusCode::OK),
        (
            "POST",
            "dead-letters/inbox/999999/replay",
            StatusCode::NOT_FOUND,
        ),
        ("GET", "config", StatusCode::OK),
        ("GET", "roles", StatusCode::OK),
        ("PUT", grant.as_str(), StatusCode::NO_CONTENT),
    ];
    for (name, who, allowed) in &callers {
        for (method, path, ok) in &endpoints {
            let got = call(&app, who, method, path).await;
            let want = if *allowed { *ok } else { StatusCode::FORBIDDEN };
            assert_eq!(got, want, "{name}: {method} {path}");
        }
    }
    assert_eq!(
        call(&app, &callers[0].1, "DELETE", &grant).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, &callers[0].1, "DELETE", &grant).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &callers[0].1, "PUT", "roles/nobody/finance").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &callers[0].1, "PUT", &format!("roles/{target}/owner")).await,
        StatusCode::BAD_REQUEST
    );

    // An admin signs a member out everywhere.
    let victim = caller(&app, &target).await;
    assert_eq!(
        call(&app, &callers[3].1, "DELETE", &format!("sessions/{target}")).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, &callers[0].1, "DELETE", &format!("sessions/{target}")).await,
        StatusCode::OK
    );
    assert_eq!(
        me(&app, &victim.cookie).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A change without the CSRF header is refused even for an admin.
    let no_csrf = app
        .http
        .put(format!("{}/api/v1/admin/{grant}", app.base_url))
        .header(COOKIE, &callers[0].1.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);

    // One real grant and one revoke, each audited with its actor, in an intact chain.
    let trail = app
        .state
        .store
        .audit()
        .list(&store::AuditFilter::default(), 50, None)
        .await
        .expect("audit");
    let actions: Vec<(&str, &str)> = trail
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert!(
        actions.contains(&("role.grant", config_admin.as_str())),
        "{actions:?}"
    );
    // The second admin's grant was a no-op (the role was already there): nothing to audit.
    assert_eq!(
        actions.iter().filter(|a| a.0 == "role.grant").count(),
        1,
        "{actions:?}"
    );
    assert!(
        actions.contains(&("role.revoke", config_admin.as_str())),
        "{actions:?}"
    );
    let report = app.state.store.audit().verify().await.expect("verify");
    assert!(report.broken.is_none(), "{report}");
}

#[tokio::test]
async fn a_dead_letter_is_replayed_by_an_admin() {
    let app = spawn_app().await;
    app.sim
        .send_callback(&app.target, "<xml><Foo>1</Foo></xml>", None)
        .await
        .expect("sent");
    server::workers::inbox::step(&app.state)
        .await
        .expect("round");
    let admin = caller(&app, &app.sim.org().users[0].userid.clone()).await;
    let url = format!("{}/api/v1/admin/dead-letters?queue=inbox", app.base_url);
    let dead: serde_json::Value = app
        .http
        .get(url)
        .header(COOKIE, &admin.cookie)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let id = dead[0]["id"].as_i64().expect("id");
    assert_eq!(dead[0]["kind"], "unparsed");
    assert_eq!(
        call(
            &app,
            &admin,
            "POST",
            &format!("dead-letters/inbox/{id}/replay")
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.inbox_stats().await.pending, 1);
}

#[tokio::test]
async fn an_admin_starts_an_org_sync_and_sees_its_outcome() {
    let app = spawn_app().await;
    let admin = caller(&app, &app.sim.org().users[0].userid.clone()).await;
    let member = caller(&app, &app.active_user(20)).await;
    assert_eq!(
        call(&app, &member, "POST", "sync").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, &admin, "POST", "sync").await,
        StatusCode::ACCEPTED
    );
    let url = format!("{}/api/v1/admin/sync", app.base_url);
    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        status = app
            .http
            .get(&url)
            .header(COOKIE, &admin.cookie)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        if status["running"] == false && !status["last"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let org = app.sim.org();
    assert_eq!(
        status["last"]["report"]["members"],
        org.users.len(),
        "{status}"
    );
    assert_eq!(
        status["last"]["report"]["departments"],
        org.departments.len(),
        "{status}"
    );
    assert!(status["last"]["error"].is_null(), "{status}");
    assert_eq!(status["progress"]["stage"], "done", "{status}");
    assert_eq!(status["progress"]["percent"], 100, "{status}");
}
