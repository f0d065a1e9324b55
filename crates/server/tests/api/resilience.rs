//! The database goes away mid-run: callbacks are spooled and still answered 200, and every
//! one reaches the inbox exactly once when it is back, also across a restart.

use std::sync::Arc;
use std::time::Duration;

use domain::clock::ManualClock;
use wecom_sim::{CallbackTarget, SimConfig};

use crate::helpers::{AES_KEY, Setup, TOKEN, real_now_ms, start};
use crate::proxy::proxied_pg;

async fn send_texts(
    sim: &wecom_sim::SimHandle,
    target: &CallbackTarget,
    users: &[String],
    from: usize,
    n: usize,
) {
    for i in from..from + n {
        let user = &users[i % users.len()];
        let delivery = sim
            .send_text(target, user, &format!("现场日报 {i}"))
            .await
            .expect("sent");
        assert!(
            delivery.delivered,
            "callback {i} was not acknowledged: {:?}",
            delivery.attempts
        );
        assert_eq!(
            delivery.attempts.len(),
            1,
            "callback {i} needed WeCom's retry"
        );
    }
}

async fn wait_for_inbox(state: &server::state::AppState, expected: i64) {
    let mut last = -1;
    for _ in 0..100 {
        if let Ok(stats) = state.store.inbox().stats(real_now_ms()).await {
            last = stats.pending;
            if last == expected {
                return;
            }
            assert!(
                last < expected,
                "more rows ({last}) than callbacks ({expected})"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("inbox has {last} rows, expected {expected}");
}

#[tokio::test]
async fn callbacks_survive_a_database_outage_and_a_restart() {
    let name = format!("outage{}", rand::random::<u32>());
    let Some((backing, proxy)) = proxied_pg(&name).await else {
        eprintln!("GANTRY_TEST_PG_URL unset: skipping the PostgreSQL outage test");
        return;
    };
    let sim = wecom_sim::spawn(SimConfig::default()).await.expect("sim");
    let users: Vec<String> = sim
        .org()
        .users
        .iter()
        .filter(|u| u.status == 1)
        .take(20)
        .map(|u| u.userid.clone())
        .collect();
    let data_dir = tempfile::tempdir().expect("data dir");
    let setup = Setup::default();
    let clock = Arc::new(ManualClock::new(real_now_ms()));
    let (base, state, server) = start(&sim, &backing, data_dir.path(), clock.clone(), &setup)
        .await
        .expect("started");
    let target = CallbackTarget {
        url: format!("{base}/wecom/callback"),
        token: TOKEN.into(),
        encoding_aes_key: AES_KEY.into(),
    };

    send_texts(&sim, &target, &users, 0, 10).await;
    wait_for_inbox(&state, 10).await;

    proxy.down();
    send_texts(&sim, &target, &users, 10, 15).await;
    assert!(
        data_dir.path().join("spool/callbacks.jsonl").exists(),
        "outage callbacks were spooled"
    );
    // A WeCom retry of a spooled callback during the outage must not double it later.
    let repeat = sim.xml_text_message(&users[0], "重复投递", 1000002);
    sim.send_callback(&target, &repeat, Some(1000002))
        .await
        .expect("sent");
    sim.send_callback(&target, &repeat, Some(1000002))
        .await
        .expect("sent");
    proxy.up();
    wait_for_inbox(&state, 26).await;

    // Down again, and Gantry restarts while it is down.
    proxy.down();
    send_texts(&sim, &target, &users, 25, 5).await;
    server.abort();
    let _ = server.await;
    let (base, state, server) = start(&sim, &backing, data_dir.path(), clock, &setup)
        .await
        .expect("restarts without the database");
    let target = CallbackTarget {
        url: format!("{base}/wecom/callback"),
        ..target
    };
    send_texts(&sim, &target, &users, 30, 5).await;
    proxy.up();
    wait_for_inbox(&state, 36).await;
    // Stays at 36: nothing is replayed twice.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stats = state
        .store
        .inbox()
        .stats(state.clock.now_ms())
        .await
        .expect("stats");
    assert_eq!(stats.pending, 36);
    server.abort();
}
