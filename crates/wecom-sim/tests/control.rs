//! The `/sim/...` HTTP controls.

mod common;

use common::{Env, errcode};
use serde_json::{Value, json};

#[tokio::test]
async fn http_controls_expose_state() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let v = env.send_text(&token, &user, "你好").await;
    assert_eq!(errcode(&v), 0);

    let msgs: Value = env
        .http
        .get(env.url("/sim/messages"))
        .query(&[("userid", &user)])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(msgs.as_array().map(Vec::len), Some(1));
    let calls: Value = env
        .http
        .get(env.url("/sim/calls"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(calls.as_array().map(Vec::len), Some(2));
    let org: Value = env
        .http
        .get(env.url("/sim/org"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(org["users"].as_array().map(Vec::len), Some(200));

    env.http
        .post(env.url("/sim/expire_tokens"))
        .send()
        .await
        .expect("sent");
    let v = env.send_text(&token, &user, "过期").await;
    assert_eq!(errcode(&v), wecom_sim::codes::TOKEN_EXPIRED);

    let r = env
        .http
        .post(env.url("/sim/click"))
        .json(&json!({"userid": user, "task_id": "t", "key": "k"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 400, "no callback configured");
}

#[actix_web::test]
async fn runs_inside_an_actix_runtime_too() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let v = env
        .get(
            "/cgi-bin/department/simplelist",
            &[("access_token", &token)],
        )
        .await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(v["department_id"].as_array().map(Vec::len), Some(20));
    env.sim.shutdown().await;
}
