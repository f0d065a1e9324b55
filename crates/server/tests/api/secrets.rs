//! No secret ever reaches a log line: app secret, callback Token and EncodingAESKey, field
//! key, WeCom access tokens and tickets, session cookies and CSRF tokens.

use reqwest::header::COOKIE;
use server::workers::{inbox, outbox::Dispatcher};

use crate::auth::{login, me};
use crate::helpers::{AES_KEY, LOGS, TOKEN, spawn_app};

#[tokio::test]
async fn a_full_run_logs_no_secret() {
    let app = spawn_app().await;
    let user = app.active_user(4);
    let (cookie, _) = login(&app, &user, "/").await;
    let me: serde_json::Value = me(&app, &cookie).await.json().await.expect("me");
    let csrf = me["csrf_token"].as_str().expect("csrf").to_owned();
    app.sim
        .send_text(&app.target, &user, "今天的任务")
        .await
        .expect("sent");
    app.sim
        .send_callback(&app.target, "garbage", None)
        .await
        .expect("sent");
    inbox::step(&app.state).await.expect("inbox");
    Dispatcher::new(&app.state)
        .step(&app.state)
        .await
        .expect("outbox");
    app.sim.expire_tokens();
    app.sim
        .send_text(&app.target, &user, "再来一条")
        .await
        .expect("sent");
    inbox::step(&app.state).await.expect("inbox");
    Dispatcher::new(&app.state)
        .step(&app.state)
        .await
        .expect("outbox");
    let page = format!("{}/x", app.base_url);
    let signed = app
        .http
        .get(format!("{}/api/v1/jssdk/signature", app.base_url))
        .query(&[("url", page.as_str()), ("kind", "agent")])
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("signature");
    assert!(signed.status().is_success());
    let forged = app
        .http
        .post(format!(
            "{}/wecom/callback?msg_signature=00&timestamp=1&nonce=2",
            app.base_url
        ))
        .body("<xml><Encrypt>abc</Encrypt></xml>")
        .send()
        .await
        .expect("sent");
    assert_eq!(forged.status(), 400);

    let mut secrets = vec![
        "sim-app-secret".to_owned(),
        TOKEN.to_owned(),
        AES_KEY.to_owned(),
        "ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=".to_owned(),
        cookie.trim_start_matches("gantry_session=").to_owned(),
        csrf,
        app.state.wecom.jsapi_ticket().await.expect("ticket"),
        app.state.wecom.agent_config_ticket().await.expect("ticket"),
    ];
    secrets.extend(
        app.sim
            .calls()
            .iter()
            .filter_map(|c| c.query_value("access_token").map(str::to_owned)),
    );
    secrets.sort();
    secrets.dedup();
    assert!(secrets.len() >= 9, "the run used tokens: {}", secrets.len());

    let logs = String::from_utf8_lossy(&LOGS.lock().expect("logs")).into_owned();
    assert!(logs.contains("member signed in"), "logs were captured");
    assert!(logs.contains("callback rejected"), "the forgery was logged");
    for secret in &secrets {
        assert!(!secret.is_empty());
        let line = logs.lines().find(|l| l.contains(secret.as_str()));
        assert!(line.is_none(), "a secret reached the log: {line:?}");
    }
}
