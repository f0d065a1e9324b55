//! Fault injection: errcode, HTTP status, delay, dropped connection.

mod common;

use std::time::{Duration, Instant};

use common::{Env, errcode};
use serde_json::json;
use wecom_sim::{Fault, FaultKind};

const PATH: &str = "/cgi-bin/department/list";

#[tokio::test]
async fn errcode_and_status_faults_apply_count_times() {
    let env = Env::default().await;
    let token = env.app_token().await;
    env.sim.inject(Fault {
        path: PATH.into(),
        count: 2,
        kind: FaultKind::Errcode(-1),
    });
    for _ in 0..2 {
        let v = env.get(PATH, &[("access_token", &token)]).await;
        assert_eq!(errcode(&v), -1);
    }
    let v = env.get(PATH, &[("access_token", &token)]).await;
    assert_eq!(errcode(&v), 0);

    env.sim.inject(Fault {
        path: PATH.into(),
        count: 1,
        kind: FaultKind::HttpStatus(503),
    });
    let resp = env
        .http
        .get(env.url(PATH))
        .query(&[("access_token", &token)])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 503);
    let calls = env.sim.calls();
    let last = calls.last().expect("recorded");
    assert_eq!(last.http_status, 503);
    assert_eq!(last.fault.as_deref(), Some("http_status:503"));
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let env = Env::default().await;
    let token = env.app_token().await;
    env.sim.inject(Fault {
        path: PATH.into(),
        count: 1,
        kind: FaultKind::Delay(Duration::from_millis(400)),
    });
    let started = Instant::now();
    let v = env.get(PATH, &[("access_token", &token)]).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(errcode(&v), 0);
}

#[tokio::test]
async fn drop_connection_gives_a_transport_error() {
    let env = Env::default().await;
    let token = env.app_token().await;
    env.sim.inject(Fault {
        path: "*".into(),
        count: 1,
        kind: FaultKind::DropConnection,
    });
    let result = env
        .http
        .get(env.url(PATH))
        .query(&[("access_token", &token)])
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    let err = result.expect_err("connection dropped");
    assert!(!err.is_timeout(), "{err}");
    let v = env.get(PATH, &[("access_token", &token)]).await;
    assert_eq!(errcode(&v), 0);
}

#[tokio::test]
async fn faults_over_http_controls() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let resp = env
        .http
        .post(env.url("/sim/faults"))
        .json(&json!({"path": PATH, "count": 1, "kind": "errcode", "errcode": 45009}))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let v = env.get(PATH, &[("access_token", &token)]).await;
    assert_eq!(errcode(&v), 45009);
    let bad = env
        .http
        .post(env.url("/sim/faults"))
        .json(&json!({"path": PATH, "kind": "errcode"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 400);
}
