//! The outbox under load and faults: every push delivered exactly once, no member over
//! WeCom's quota.

use std::collections::HashMap;
use std::time::Duration;

use domain::clock::Clock as _;
use server::workers::outbox::Dispatcher;
use store::{NewOutboxItem, Outbox};
use wecom::client::{Message, MessageBody, Recipients};
use wecom_sim::{Chaos, FaultKind, OrgSpec, SimConfig};

use crate::helpers::{Setup, TestApp, spawn_with};

const MESSAGES: usize = 10_000;

async fn enqueue_all(app: &TestApp, recipients: &[String]) {
    let now = app.clock.now_ms();
    let mut tx = app.state.store.begin().await.expect("transaction");
    for (i, user) in recipients.iter().enumerate() {
        let message = Message::new(
            Recipients::users([user.clone()]),
            MessageBody::Text {
                content: format!("今日待办提醒 #{i}"),
            },
        );
        let item = NewOutboxItem {
            idempotency_key: format!("reminder:{i}"),
            kind: "message".into(),
            agent_id: 1000002,
            recipient: Some(user.clone()),
            payload: serde_json::to_string(&message).expect("json"),
            not_before_ms: 0,
        };
        assert!(Outbox::enqueue(&mut tx, &item, now).await.expect("enqueue"));
    }
    tx.commit().await.expect("commit");
}

/// A fifth of WeCom's answers go wrong, at random, in every way the dispatcher must
/// survive.
fn chaos() -> Chaos {
    Chaos::new(
        "/cgi-bin/message/send",
        20,
        vec![
            FaultKind::Errcode(-1),
            FaultKind::Errcode(-1),
            FaultKind::Errcode(45009),
            FaultKind::Errcode(45033),
            FaultKind::HttpStatus(502),
            FaultKind::HttpStatus(503),
            FaultKind::DropConnection,
            FaultKind::DropConnection,
            FaultKind::HttpStatus(500),
            // Outlives the client's timeout, then WeCom delivers anyway: the retry must be
            // swallowed by WeCom's duplicate check. Rare, because each one costs wall time.
            FaultKind::Delay(Duration::from_millis(300)),
        ],
        42,
    )
}

#[tokio::test]
async fn ten_thousand_pushes_with_faults_arrive_exactly_once_within_quota() {
    let app = spawn_with(Setup {
        sim: SimConfig {
            org: OrgSpec {
                users: 1_500,
                departments: 60,
                tags: 5,
                seed: 7,
            },
            ..SimConfig::default()
        },
        wecom_timeout_ms: 150,
        ..Setup::default()
    })
    .await;
    let active: Vec<String> = app
        .sim
        .org()
        .users
        .iter()
        .filter(|u| u.status == 1)
        .map(|u| u.userid.clone())
        .collect();
    // 40 busy members get 45 pushes each (over the 30-a-minute quota); the rest share 8,200.
    let mut recipients = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        let user = if i < 1_800 {
            &active[i % 40]
        } else {
            &active[40 + i % (active.len() - 40)]
        };
        recipients.push(user.clone());
    }
    enqueue_all(&app, &recipients).await;
    app.sim.set_chaos(chaos());

    let dispatcher = Dispatcher::new(&app.state);
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 5_000, "the outbox never drained");
        let report = dispatcher.step(&app.state).await.expect("round");
        if report.claimed == 0 {
            let stats = app.outbox_stats().await;
            if stats.pending == 0 && stats.processing == 0 {
                break;
            }
            // Nothing due: let time pass for quota windows and retry backoff, on both clocks.
            app.clock.advance(20_000);
            app.sim.advance(Duration::from_secs(20));
        }
    }
    app.sim.clear_faults();

    let stats = app.outbox_stats().await;
    let dead = app
        .state
        .store
        .outbox()
        .dead(5, 0)
        .await
        .expect("dead letters");
    let reasons: Vec<_> = dead
        .iter()
        .map(|d| (d.attempts, d.last_error.clone()))
        .collect();
    assert_eq!(
        (stats.done, stats.dead),
        (MESSAGES as i64, 0),
        "dead letters: {reasons:?}"
    );
    assert!(
        app.sim.dropped().is_empty(),
        "WeCom silently dropped {} pushes",
        app.sim.dropped().len()
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for message in app.sim.messages() {
        let content = message.body["text"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        *seen.entry(content).or_default() += 1;
    }
    for i in 0..MESSAGES {
        assert_eq!(
            seen.get(&format!("今日待办提醒 #{i}")),
            Some(&1),
            "push #{i}"
        );
    }
    let faults = app.sim.calls().iter().filter(|c| c.fault.is_some()).count();
    assert!(
        faults * 100 >= MESSAGES * 15,
        "only {faults} faulty answers were injected"
    );
}
