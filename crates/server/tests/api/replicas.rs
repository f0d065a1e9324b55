//! Two replicas on one PostgreSQL and one Redis: one access token between them, one leader
//! per schedule, every push sent once.

use std::sync::Arc;
use std::time::Duration;

use domain::clock::ManualClock;
use store::{NewOutboxItem, Outbox};
use wecom::client::{Message, MessageBody, Recipients};
use wecom_sim::SimConfig;

use crate::approvals::sign_in;
use crate::checkin_photos::{site_jpeg, upload};
use crate::helpers::{
    Backing, Setup, TestApp, fresh_bucket, fresh_pg_database, real_now_ms, s3_url, start,
};

fn leads(metrics: &str) -> bool {
    metrics.contains(r#"gantry_leader{schedule="housekeeping"} 1"#)
}

#[tokio::test]
async fn two_replicas_share_one_token_and_one_leader() {
    let (Ok(admin), Ok(redis)) = (
        std::env::var("GANTRY_TEST_PG_URL"),
        std::env::var("GANTRY_TEST_REDIS_URL"),
    ) else {
        eprintln!(
            "GANTRY_TEST_PG_URL / GANTRY_TEST_REDIS_URL unset: skipping the two-replica test"
        );
        return;
    };
    let name = format!("replicas{}", rand::random::<u32>());
    let backing = Backing {
        database_url: fresh_pg_database(&admin, &name).await,
        cache_url: redis,
        namespace: name,
        bucket: None,
    };
    let sim = wecom_sim::spawn(SimConfig::default()).await.expect("sim");
    let setup = Setup {
        run_workers: true,
        ..Setup::default()
    };
    let clock = Arc::new(ManualClock::new(real_now_ms()));
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (base_a, state_a, server_a) = start(&sim, &backing, dir_a.path(), clock.clone(), &setup)
        .await
        .expect("replica a");
    let (base_b, _state_b, server_b) = start(&sim, &backing, dir_b.path(), clock, &setup)
        .await
        .expect("replica b");

    let users: Vec<String> = sim
        .org()
        .users
        .iter()
        .filter(|u| u.status == 1)
        .take(25)
        .map(|u| u.userid.clone())
        .collect();
    let mut tx = state_a.store.begin().await.expect("tx");
    for i in 0..100 {
        let user = users[i % users.len()].clone();
        let message = Message::new(
            Recipients::users([user.clone()]),
            MessageBody::Text {
                content: format!("副本测试 {i}"),
            },
        );
        let item = NewOutboxItem {
            idempotency_key: format!("replica:{i}"),
            kind: "message".into(),
            agent_id: 1000002,
            recipient: Some(user),
            payload: serde_json::to_string(&message).expect("json"),
            not_before_ms: 0,
        };
        Outbox::enqueue(&mut tx, &item, real_now_ms())
            .await
            .expect("enqueue");
    }
    tx.commit().await.expect("commit");

    let http = reqwest::Client::new();
    let mut delivered = 0;
    for _ in 0..100 {
        delivered = sim.messages().len();
        if delivered == 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        delivered, 100,
        "each push delivered once by one of the replicas"
    );
    assert_eq!(
        sim.calls_to("/cgi-bin/gettoken"),
        1,
        "the replicas shared one token"
    );

    let a = http
        .get(format!("{base_a}/metrics"))
        .send()
        .await
        .expect("a")
        .text()
        .await
        .expect("a");
    let b = http
        .get(format!("{base_b}/metrics"))
        .send()
        .await
        .expect("b")
        .text()
        .await
        .expect("b");
    assert!(leads(&a) ^ leads(&b), "exactly one leader:\n{a}\n---\n{b}");

    server_a.abort();
    server_b.abort();
}

#[tokio::test]
async fn two_replicas_serve_each_others_photos_from_object_storage() {
    let (Ok(admin), Ok(redis), Some(s3)) = (
        std::env::var("GANTRY_TEST_PG_URL"),
        std::env::var("GANTRY_TEST_REDIS_URL"),
        s3_url(),
    ) else {
        eprintln!("PostgreSQL, Redis or the S3 test server unset: skipping the shared-files test");
        return;
    };
    let name = format!("files{}", rand::random::<u32>());
    let backing = Backing {
        database_url: fresh_pg_database(&admin, &name).await,
        cache_url: redis,
        namespace: name,
        bucket: Some(fresh_bucket(&s3).await),
    };
    let sim = wecom_sim::spawn(SimConfig::default()).await.expect("sim");
    let clock = Arc::new(ManualClock::new(real_now_ms()));
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (base_b, state_b, _server_b) = start(
        &sim,
        &backing,
        dir_b.path(),
        clock.clone(),
        &Setup::default(),
    )
    .await
    .expect("replica b");
    let started = start(
        &sim,
        &backing,
        dir_a.path(),
        clock.clone(),
        &Setup::default(),
    )
    .await
    .expect("replica a");
    let a = TestApp::of(sim, dir_a, clock, started);
    let bases = [a.base_url.clone(), base_b];
    let member = a.active_user(3);
    // One session, valid on both (it lives in the shared database).
    let session = sign_in(&a, &member).await;
    let request = |method: reqwest::Method, replica: usize, path: &str| {
        a.http
            .request(method, format!("{}/api/v1/{path}", bases[replica]))
            .header(reqwest::header::COOKIE, &session.cookie)
            .header("X-CSRF-Token", &session.csrf)
    };
    for (from, to) in [(0_usize, 1_usize), (1, 0)] {
        let photo = site_jpeg(80 + 8 * u32::try_from(from).unwrap_or(0), 60);
        let media = upload(&a, photo.clone()).await;
        let stored = request(reqwest::Method::POST, from, "uploads/wecom")
            .json(&serde_json::json!({"media_id": media}))
            .send()
            .await
            .expect("sent");
        assert!(stored.status().is_success(), "{}", stored.status());
        let body: serde_json::Value = stored.json().await.expect("json");
        let key = body["key"].as_str().expect("key");
        let served = request(reqwest::Method::GET, to, &format!("uploads/{key}"))
            .send()
            .await
            .expect("sent");
        assert_eq!(
            served.status(),
            reqwest::StatusCode::OK,
            "replica {to} serves what {from} stored"
        );
        assert_eq!(
            served.bytes().await.expect("bytes").as_ref(),
            photo.as_slice()
        );
    }
    // Nothing was written to either replica's own disk.
    for state in [&a.state, &state_b] {
        let local = state.settings.server.data_dir.join("photos");
        assert!(!local.exists(), "{} holds photos", local.display());
    }
}
