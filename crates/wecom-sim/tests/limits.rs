//! JS-SDK ticket quotas and the per-corp API limit.

mod common;

use std::time::Duration;

use common::{Env, errcode};
use wecom_sim::{SimConfig, SimLimits, codes};

#[tokio::test]
async fn agent_ticket_hourly_limit() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let q = [("access_token", token.as_str()), ("type", "agent_config")];
    for _ in 0..100 {
        let v = env.get("/cgi-bin/ticket/get", &q).await;
        assert_eq!(errcode(&v), 0, "{v}");
        assert_eq!(v["expires_in"], 7200);
    }
    let v = env.get("/cgi-bin/ticket/get", &q).await;
    assert_eq!(errcode(&v), codes::FREQ_LIMIT);
    env.sim.advance(Duration::from_secs(3601));
    let v = env.get("/cgi-bin/ticket/get", &q).await;
    assert_eq!(errcode(&v), 0);
}

#[tokio::test]
async fn corp_ticket_per_app_limit() {
    let env = Env::new(SimConfig {
        limits: SimLimits {
            corp_ticket_per_app_hour: 3,
            ..SimLimits::default()
        },
        ..SimConfig::default()
    })
    .await;
    let token = env.app_token().await;
    for _ in 0..3 {
        let v = env
            .get("/cgi-bin/get_jsapi_ticket", &[("access_token", &token)])
            .await;
        assert!(v["ticket"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let v = env
        .get("/cgi-bin/get_jsapi_ticket", &[("access_token", &token)])
        .await;
    assert_eq!(errcode(&v), codes::FREQ_LIMIT);
}

#[tokio::test]
async fn per_corp_api_limit() {
    let env = Env::new(SimConfig {
        limits: SimLimits {
            api_per_minute: 5,
            ..SimLimits::default()
        },
        ..SimConfig::default()
    })
    .await;
    let token = env.app_token().await;
    for _ in 0..5 {
        let v = env
            .get("/cgi-bin/tag/list", &[("access_token", &token)])
            .await;
        assert_eq!(errcode(&v), 0);
    }
    let v = env
        .get("/cgi-bin/tag/list", &[("access_token", &token)])
        .await;
    assert_eq!(errcode(&v), codes::FREQ_LIMIT);
    // Other APIs have their own counter.
    let v = env
        .get("/cgi-bin/department/list", &[("access_token", &token)])
        .await;
    assert_eq!(errcode(&v), 0);
}
