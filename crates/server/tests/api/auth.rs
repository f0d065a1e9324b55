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

/// Logs `userid` in the way the WeCom client would; returns (cookie header, redirect).
pub(crate) async fn login(app: &TestApp, userid: &str, redirect: &str) -> (String, String) {
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
    let done = http.get(&back).send().await.expect("callback");
    assert_eq!(done.status(), StatusCode::FOUND, "{:?}", done.text().await);
    let cookie = done.headers()[SET_COOKIE]
        .to_str()
        .expect("cookie")
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
    let replay = http.get(&back).send().await.expect("replay");
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
