//! OAuth: the authorize page, single-use codes, user_ticket and getuserdetail.

mod common;

use std::time::Duration;

use common::{Env, errcode};
use serde_json::json;
use wecom_sim::codes;

fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn authorize_redirects_with_a_single_use_code() {
    let env = Env::default().await;
    let user = env.active_user(2);
    let corp = env.sim.corp_id().to_owned();
    let agent = env.agent().to_string();
    let resp = no_redirect()
        .get(env.url("/connect/oauth2/authorize"))
        .query(&[
            ("appid", corp.as_str()),
            ("redirect_uri", "https://app.example.com/cb?x=1"),
            ("response_type", "code"),
            ("scope", "snsapi_privateinfo"),
            ("state", "abc123"),
            ("agentid", &agent),
            ("sim_userid", &user),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let url = url::Url::parse(&location).expect("absolute");
    assert_eq!(url.host_str(), Some("app.example.com"));
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["x"], "1");
    assert_eq!(q["state"], "abc123");
    let code = q["code"].clone();

    let token = env.app_token().await;
    let v = env
        .get(
            "/cgi-bin/auth/getuserinfo",
            &[("access_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["userid"], json!(user));
    let ticket = v["user_ticket"].as_str().expect("user_ticket").to_owned();
    let again = env
        .get(
            "/cgi-bin/auth/getuserinfo",
            &[("access_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(errcode(&again), codes::INVALID_OAUTH_CODE);

    let d = env
        .post(
            "/cgi-bin/auth/getuserdetail",
            &token,
            &json!({"user_ticket": ticket}),
        )
        .await;
    assert_eq!(errcode(&d), 0, "{d}");
    let member = env.sim.org().user(&user).cloned().expect("member");
    assert_eq!(d["mobile"], json!(member.mobile));
    assert_eq!(d["biz_mail"], json!(member.biz_mail));
}

#[tokio::test]
async fn codes_expire_after_five_minutes_and_base_scope_has_no_ticket() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let code = env.sim.issue_oauth_code(&user);
    env.sim.advance(Duration::from_secs(301));
    let v = env
        .get(
            "/cgi-bin/auth/getuserinfo",
            &[("access_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(errcode(&v), codes::INVALID_OAUTH_CODE);

    let code = env.sim.issue_oauth_code_with(&user, false, None);
    let v = env
        .get(
            "/cgi-bin/auth/getuserinfo",
            &[("access_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(errcode(&v), 0);
    assert!(v.get("user_ticket").is_none());

    let code = env.sim.issue_oauth_code("not-a-member");
    let v = env
        .get(
            "/cgi-bin/auth/getuserinfo",
            &[("access_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(errcode(&v), 0);
    assert!(v.get("userid").is_none());
    assert!(v["openid"].as_str().is_some());
}

#[tokio::test]
async fn picker_page_lists_and_searches_members() {
    let env = Env::default().await;
    let corp = env.sim.corp_id().to_owned();
    let member = env.sim.org().users[5].clone();
    let page = reqwest::Client::new()
        .get(env.url("/connect/oauth2/authorize"))
        .query(&[
            ("appid", corp.as_str()),
            ("redirect_uri", "https://app.example.com/cb"),
            ("response_type", "code"),
            ("scope", "snsapi_base"),
            ("state", "s"),
            ("sim_q", &member.userid),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(&member.name));
    assert!(html.contains("sim_userid="));

    let bad = reqwest::Client::new()
        .get(env.url("/connect/oauth2/authorize"))
        .query(&[
            ("appid", "wrong"),
            ("redirect_uri", "https://a/"),
            ("response_type", "code"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 400);
}
