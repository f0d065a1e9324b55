//! WeCom login through the simulator's OAuth, sessions, CSRF, expiry, JS-SDK signatures.

use domain::clock::Clock as _;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::helpers::{TestApp, spawn_app};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The first half of a sign-in: Gantry's login URL, then the member picked on WeCom's OAuth
/// page; returns the browser's state cookie (`name=value`) and the callback URL.
async fn start_login(app: &TestApp, userid: &str, redirect: &str) -> (String, String) {
    let http = no_redirects();
    let start = http
        .get(format!(
            "{}/auth/wecom/login?redirect={redirect}",
            app.base_url
        ))
        .send()
        .await
        .expect("login");
    assert_eq!(start.status(), StatusCode::FOUND);
    let state_cookie = start
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("gantry_oauth="))
        .expect("the OAuth state cookie");
    assert!(
        state_cookie.contains("HttpOnly") && state_cookie.contains("Path=/auth/wecom/callback"),
        "{state_cookie}"
    );
    let state_cookie = state_cookie
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    let authorize = start.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        authorize.starts_with(&format!("{}/connect/oauth2/authorize?", app.sim.base_url())),
        "{authorize}"
    );
    assert!(authorize.ends_with("#wechat_redirect"));
    let authorize = authorize.trim_end_matches("#wechat_redirect");
    let picked = http
        .get(format!("{authorize}&sim_userid={userid}"))
        .send()
        .await
        .expect("authorize");
    assert_eq!(picked.status(), StatusCode::FOUND);
    let back = picked.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        back.starts_with(&format!("{}/auth/wecom/callback?", app.base_url)),
        "{back}"
    );
    (state_cookie, back)
}

/// Logs `userid` in the way the WeCom client would; returns (cookie header, redirect).
pub(crate) async fn login(app: &TestApp, userid: &str, redirect: &str) -> (String, String) {
    let http = no_redirects();
    let (state_cookie, back) = start_login(app, userid, redirect).await;
    let done = http
        .get(&back)
        .header(COOKIE, &state_cookie)
        .send()
        .await
        .expect("callback");
    assert_eq!(done.status(), StatusCode::FOUND, "{:?}", done.text().await);
    let cookie = done
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("gantry_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let location = done.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let pair = cookie.split(';').next().expect("name=value").to_owned();
    // Replaying the callback (same code and state) never opens a second session.
    let replay = http
        .get(&back)
        .header(COOKIE, &state_cookie)
        .send()
        .await
        .expect("replay");
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    (pair, location)
}

pub(crate) async fn me(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.http
        .get(format!("{}/api/v1/me", app.base_url))
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("me")
}

#[tokio::test]
async fn a_member_logs_in_and_out() {
    let app = spawn_app().await;
    let admin = app.sim.org().users[0].userid.clone();
    let (cookie, location) = login(&app, &admin, "/tasks/42").await;
    assert_eq!(location, "/tasks/42");
    let body: serde_json::Value = me(&app, &cookie).await.json().await.expect("json");
    assert_eq!(body["userid"], admin.as_str());
    assert_eq!(body["is_admin"], true);
    let csrf = body["csrf_token"].as_str().expect("csrf").to_owned();

    let logout = |header: Option<String>| {
        let mut request = app
            .http
            .post(format!("{}/auth/logout", app.base_url))
            .header(COOKIE, &cookie);
        if let Some(token) = header {
            request = request.header("X-CSRF-Token", token);
        }
        request.send()
    };
    assert_eq!(
        logout(None).await.expect("sent").status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        logout(Some("wrong".into())).await.expect("sent").status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        logout(Some(csrf)).await.expect("sent").status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(me(&app, &cookie).await.status(), StatusCode::UNAUTHORIZED);

    // Both ends of the session are in the audit log, with the address and the client.
    let filter = store::AuditFilter {
        target_type: Some("member".into()),
        target_id: Some(admin.clone()),
        ..store::AuditFilter::default()
    };
    let rows = app
        .state
        .store
        .audit()
        .list(&filter, 10, None)
        .await
        .expect("audit");
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["session.logout", "session.login"]);
    assert!(
        rows.iter().all(|r| r.actor == admin && r.ip.is_some()),
        "{rows:?}"
    );
    assert!(
        rows[1]
            .after_json
            .as_deref()
            .is_some_and(|a| a.contains("user_agent")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn anonymous_and_forged_sessions_are_refused() {
    let app = spawn_app().await;
    let response = me(&app, "gantry_session=forged").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "unauthenticated");
    let none = app
        .http
        .get(format!("{}/api/v1/me", app.base_url))
        .send()
        .await
        .expect("sent");
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    // Open redirects are refused: the login only ever returns to this site.
    let http = no_redirects();
    let start = http
        .get(format!(
            "{}/auth/wecom/login?redirect=https://evil.example/",
            app.base_url
        ))
        .send()
        .await
        .expect("login");
    let state = start.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(!state.contains("evil.example"));
}

#[tokio::test]
async fn sessions_expire_when_idle_and_end_when_the_member_leaves() {
    let app = spawn_app().await;
    let user = app.active_user(5);
    let (cookie, _) = login(&app, &user, "/").await;
    assert_eq!(me(&app, &cookie).await.status(), StatusCode::OK);
    app.clock.advance(13 * 3_600_000);
    assert_eq!(
        me(&app, &cookie).await.status(),
        StatusCode::UNAUTHORIZED,
        "idle for 13 h"
    );

    let (cookie, _) = login(&app, &user, "/").await;
    assert_eq!(me(&app, &cookie).await.status(), StatusCode::OK);
    app.state
        .store
        .org()
        .mark_left(&user, app.clock.now_ms())
        .await
        .expect("left");
    assert_eq!(me(&app, &cookie).await.status(), StatusCode::UNAUTHORIZED);
    let open = app
        .state
        .store
        .sessions()
        .active_for(&user, app.clock.now_ms())
        .await
        .expect("sessions");
    assert!(open.is_empty(), "a leaver's sessions are revoked");
}

#[tokio::test]
async fn jssdk_signatures_for_our_pages_only() {
    let app = spawn_app().await;
    let user = app.active_user(2);
    let (cookie, _) = login(&app, &user, "/").await;
    let sign = |url: String, kind: &str| {
        app.http
            .get(format!("{}/api/v1/jssdk/signature", app.base_url))
            .query(&[("url", url.as_str()), ("kind", kind)])
            .header(COOKIE, &cookie)
            .send()
    };
    let page = format!("{}/tasks/7?from=card", app.base_url);
    let config: serde_json::Value = sign(format!("{page}#/detail"), "config")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let ticket = app.state.wecom.jsapi_ticket().await.expect("ticket");
    let expected = wecom::jssdk::sign(
        &ticket,
        config["nonceStr"].as_str().expect("nonce"),
        config["timestamp"].as_i64().expect("timestamp"),
        &page,
    );
    assert_eq!(
        config["signature"],
        expected.as_str(),
        "signed without the #fragment"
    );
    assert_eq!(config["corpId"], app.sim.corp_id());

    let agent: serde_json::Value = sign(page.clone(), "agent")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let agent_ticket = app.state.wecom.agent_config_ticket().await.expect("ticket");
    let expected = wecom::jssdk::sign(
        &agent_ticket,
        agent["nonceStr"].as_str().expect("nonce"),
        agent["timestamp"].as_i64().expect("ts"),
        &page,
    );
    assert_eq!(agent["signature"], expected.as_str());
    assert_eq!(agent["agentId"], 1000002);
    assert_eq!(
        app.sim.calls_to("/cgi-bin/get_jsapi_ticket"),
        1,
        "tickets are cached"
    );

    let foreign = sign("https://evil.example/".into(), "config")
        .await
        .expect("sent");
    assert_eq!(foreign.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sign_in_returns_only_to_paths_of_this_site() {
    let app = spawn_app().await;
    let member = app.sim.org().users[1].userid.clone();
    // A tab (and friends) would be dropped by the browser, leaving `//evil.example`.
    for hostile in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%5C/evil.example",
        "//evil.example",
        "https://evil.example/",
    ] {
        let (_, location) = login(&app, &member, hostile).await;
        assert_eq!(location, "/", "{hostile}");
    }
    let (_, location) = login(&app, &member, "/approvals%3Flist%3Dmine").await;
    assert_eq!(location, "/approvals?list=mine");
}

#[tokio::test]
async fn a_callback_url_signs_in_only_the_browser_that_asked() {
    let app = spawn_app().await;
    let member = app.sim.org().users[2].userid.clone();
    let (state_cookie, back) = start_login(&app, &member, "/").await;
    // A colleague opens the member's callback URL: no state cookie, no session.
    let colleague = no_redirects().get(&back).send().await.expect("sent");
    assert_eq!(colleague.status(), StatusCode::UNAUTHORIZED);
    assert!(
        colleague.headers().get_all(SET_COOKIE).iter().all(|c| !c
            .to_str()
            .unwrap_or_default()
            .starts_with("gantry_session=")),
        "no session for the colleague"
    );
    let forged = no_redirects()
        .get(&back)
        .header(COOKIE, "gantry_oauth=guessed")
        .send()
        .await
        .expect("sent");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    // The member's own browser still finishes.
    let own = no_redirects()
        .get(&back)
        .header(COOKIE, &state_cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(own.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn a_kept_answer_is_replayed_only_to_a_live_session() {
    let app = spawn_app().await;
    let member = app.sim.org().users[3].userid.clone();
    let (cookie, _) = login(&app, &member, "/").await;
    let body: serde_json::Value = me(&app, &cookie).await.json().await.expect("json");
    let csrf = body["csrf_token"].as_str().expect("csrf").to_owned();
    let jpeg = crate::checkin_photos::site_jpeg(64, 48);
    let upload = || {
        app.http
            .post(format!("{}/api/v1/uploads", app.base_url))
            .header(COOKIE, &cookie)
            .header("X-CSRF-Token", &csrf)
            .header("Idempotency-Key", "upload-once-1234")
            .header("Content-Type", "image/jpeg")
            .body(jpeg.clone())
            .send()
    };
    assert_eq!(upload().await.expect("sent").status(), StatusCode::CREATED);
    assert_eq!(
        upload().await.expect("sent").status(),
        StatusCode::CREATED,
        "replayed while the session lives"
    );
    let logout = app
        .http
        .post(format!("{}/auth/logout", app.base_url))
        .header(COOKIE, &cookie)
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        upload().await.expect("sent").status(),
        StatusCode::UNAUTHORIZED,
        "a signed-out cookie gets nothing replayed"
    );
}
