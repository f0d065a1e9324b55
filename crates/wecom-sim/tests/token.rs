//! gettoken rules and token validation.

mod common;

use std::time::Duration;

use common::{Env, errcode};
use wecom_sim::{SimConfig, codes};

#[tokio::test]
async fn gettoken_errors() {
    let env = Env::default().await;
    let corp = env.sim.corp_id().to_owned();
    let v = env
        .get(
            "/cgi-bin/gettoken",
            &[("corpid", "wwnope"), ("corpsecret", "sim-app-secret")],
        )
        .await;
    assert_eq!(errcode(&v), codes::INVALID_CORPID);
    let v = env
        .get(
            "/cgi-bin/gettoken",
            &[("corpid", &corp), ("corpsecret", "wrong")],
        )
        .await;
    assert_eq!(errcode(&v), codes::INVALID_SECRET);
    assert!(v["errmsg"].as_str().is_some_and(|m| !m.is_empty()));
    let v = env.get("/cgi-bin/gettoken", &[("corpsecret", "x")]).await;
    assert_eq!(errcode(&v), codes::MISSING_CORPID);
    let v = env.get("/cgi-bin/gettoken", &[("corpid", &corp)]).await;
    assert_eq!(errcode(&v), codes::MISSING_SECRET);
}

#[tokio::test]
async fn every_call_issues_a_new_token_and_old_ones_stay_valid() {
    let env = Env::default().await;
    let corp = env.sim.corp_id().to_owned();
    let v = env
        .get(
            "/cgi-bin/gettoken",
            &[("corpid", &corp), ("corpsecret", "sim-app-secret")],
        )
        .await;
    assert_eq!(v["expires_in"], 7200);
    let first = v["access_token"].as_str().expect("token").to_owned();
    assert!(first.len() >= 64);
    let second = env.app_token().await;
    assert_ne!(first, second);
    for t in [&first, &second] {
        let v = env.get("/cgi-bin/tag/list", &[("access_token", t)]).await;
        assert_eq!(errcode(&v), 0, "{v}");
    }
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens() {
    let env = Env::new(SimConfig {
        token_ttl: Duration::from_secs(60),
        ..SimConfig::default()
    })
    .await;
    let v = env.get("/cgi-bin/tag/list", &[]).await;
    assert_eq!(errcode(&v), codes::MISSING_TOKEN);
    let v = env
        .get("/cgi-bin/tag/list", &[("access_token", "nope")])
        .await;
    assert_eq!(errcode(&v), codes::INVALID_TOKEN);

    let token = env.app_token().await;
    env.sim.advance(Duration::from_secs(61));
    let v = env
        .get("/cgi-bin/tag/list", &[("access_token", &token)])
        .await;
    assert_eq!(errcode(&v), codes::TOKEN_EXPIRED);

    let fresh = env.app_token().await;
    let v = env
        .get("/cgi-bin/tag/list", &[("access_token", &fresh)])
        .await;
    assert_eq!(errcode(&v), 0);
    env.sim.expire_tokens();
    let v = env
        .get("/cgi-bin/tag/list", &[("access_token", &fresh)])
        .await;
    assert_eq!(errcode(&v), codes::TOKEN_EXPIRED);
    assert_eq!(env.sim.calls_to("/cgi-bin/tag/list"), 5);
    let last = env.sim.calls().pop().expect("recorded");
    assert_eq!(last.errcode, Some(codes::TOKEN_EXPIRED));
    assert_eq!(last.query_value("access_token"), Some(fresh.as_str()));
}

#[tokio::test]
async fn contacts_token_is_not_an_app_token() {
    let env = Env::default().await;
    let token = env.contacts_token().await;
    let v = env.send_text(&token, "@all", "hi").await;
    assert_eq!(errcode(&v), codes::WRONG_APP);
    let v = env
        .get("/cgi-bin/get_jsapi_ticket", &[("access_token", &token)])
        .await;
    assert_eq!(errcode(&v), codes::API_FORBIDDEN);
}
