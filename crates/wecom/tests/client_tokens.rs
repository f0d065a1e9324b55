//! Access tokens against the simulator: cached, single-flight, refreshed once on rejection.

mod common;

use std::sync::Arc;

use common::{AGENT, app_client, config, sim};
use wecom::client::{Client, Error, MemoryTokenStore, errcode};

#[tokio::test]
async fn token_is_fetched_once_and_sent_as_a_query_parameter() {
    let sim = sim().await;
    let client = app_client(&sim);
    client.department_list(None).await.expect("first call");
    client.tag_list().await.expect("second call");
    assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 1);
    let calls = sim.calls();
    let gettoken = calls
        .iter()
        .find(|c| c.path == "/cgi-bin/gettoken")
        .expect("gettoken call");
    assert_eq!(gettoken.query_value("corpid"), Some(sim.corp_id()));
    assert_eq!(gettoken.query_value("corpsecret"), Some("sim-app-secret"));
    for call in calls.iter().filter(|c| c.path != "/cgi-bin/gettoken") {
        assert!(
            call.query_value("access_token")
                .is_some_and(|t| t.len() >= 32),
            "{}",
            call.path
        );
        assert_eq!(call.errcode, Some(0));
    }
}

#[tokio::test]
async fn hundred_cold_callers_cause_one_gettoken() {
    let sim = sim().await;
    let client = app_client(&sim);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.department_list(Some(1)).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("call succeeds");
    }
    assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 1);
}

#[tokio::test]
async fn hundred_callers_with_an_expired_token_cause_exactly_one_refresh() {
    let sim = sim().await;
    let client = app_client(&sim);
    client.tag_list().await.expect("warm the token");
    sim.expire_tokens();
    let before = sim.calls_to("/cgi-bin/gettoken");
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.tag_list().await })
        })
        .collect();
    for call in calls {
        call.await
            .expect("task")
            .expect("no caller sees the expiry");
    }
    assert_eq!(sim.calls_to("/cgi-bin/gettoken") - before, 1);
    let expired = sim
        .calls()
        .iter()
        .filter(|c| c.errcode == Some(errcode::TOKEN_EXPIRED))
        .count();
    assert!(expired >= 1, "the simulator really rejected the old token");
}

#[tokio::test]
async fn a_rejected_fresh_token_is_replayed_once_then_reported() {
    let sim = sim().await;
    let client = app_client(&sim);
    client.tag_list().await.expect("warm");
    // Two rejections in a row: one refresh-and-replay, then the error surfaces.
    sim.inject(wecom_sim::Fault {
        path: "/cgi-bin/tag/list".into(),
        count: 2,
        kind: wecom_sim::FaultKind::Errcode(errcode::INVALID_TOKEN),
    });
    let err = client
        .tag_list()
        .await
        .expect_err("second rejection surfaces");
    assert!(matches!(err, Error::Api { errcode: 40014, .. }), "{err:?}");
    assert_eq!(sim.calls_to("/cgi-bin/tag/list"), 3);
    assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 2);
}

#[tokio::test]
async fn wrong_secret_and_corp_are_config_errors_not_retried() {
    let sim = sim().await;
    let wrong = Client::new(
        config(&sim, Some(AGENT), "nope"),
        Arc::new(MemoryTokenStore::new()),
    )
    .expect("client");
    let err = wrong.tag_list().await.expect_err("wrong secret");
    assert!(matches!(err, Error::Api { errcode: 40001, .. }), "{err:?}");
    assert!(!err.is_retryable());
    let mut other_corp = config(&sim, Some(AGENT), "sim-app-secret");
    other_corp.corp_id = "ww0000000000000000".into();
    let err = Client::new(other_corp, Arc::new(MemoryTokenStore::new()))
        .expect("client")
        .tag_list()
        .await
        .expect_err("wrong corp");
    assert!(matches!(err, Error::Api { errcode: 40013, .. }), "{err:?}");
    assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 2);
}

#[tokio::test]
async fn tokens_are_kept_per_app_in_a_shared_store() {
    let mut sim_config = wecom_sim::SimConfig::default();
    let mut second = sim_config.apps[0].clone();
    second.agent_id = 1000003;
    second.secret = "second-secret".into();
    sim_config.apps.push(second);
    let sim = wecom_sim::spawn(sim_config).await.expect("sim");
    let store = Arc::new(MemoryTokenStore::new());
    let first =
        Client::new(config(&sim, Some(AGENT), "sim-app-secret"), store.clone()).expect("c1");
    let other = Client::new(config(&sim, Some(1000003), "second-secret"), store).expect("c2");
    first.tag_list().await.expect("first app");
    other.tag_list().await.expect("second app");
    // Sharing one token across apps would give 301002 on sends; each app got its own.
    assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 2);
    let text = wecom::client::MessageBody::Text {
        content: "hi".into(),
    };
    let user = sim.org().users[0].userid.clone();
    other
        .send(&wecom::client::Message::new(
            wecom::client::Recipients::users([user]),
            text,
        ))
        .await
        .expect("second app sends with its own token");
}
