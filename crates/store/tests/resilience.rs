//! Concurrency and outages: claims stay exclusive under contention, and a store whose
//! database goes away fails fast with `Unavailable` and recovers by itself.

#![allow(
    clippy::unwrap_used,
    reason = "a failed step should stop the test loudly"
)]

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use store::{NewInboxItem, NewOutboxItem, Store, StoreError, StoreOptions};
use support::TestDb;
use support::proxy::Proxy;

const T0: i64 = 1_700_000_000_000;
const ROWS: usize = 300;

fn quick_fail() -> StoreOptions {
    StoreOptions {
        max_connections: 2,
        acquire_timeout: Duration::from_millis(500),
        ping_timeout: Duration::from_millis(500),
        sqlite_busy_timeout: Duration::from_millis(200),
        lazy: false,
    }
}

/// Several workers claiming small batches from one outbox never get the same row.
async fn claims_are_exclusive(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    for i in 0..ROWS {
        let item = NewOutboxItem {
            idempotency_key: format!("send-{i}"),
            kind: "message".into(),
            agent_id: 1,
            recipient: Some(format!("user{}", i % 17)),
            payload: "{}".into(),
            not_before_ms: 0,
        };
        assert!(store::Outbox::enqueue(&mut tx, &item, T0).await.unwrap());
    }
    tx.commit().await.unwrap();

    let workers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    // A long lease: nothing may come back during the test.
                    let batch = store.outbox().claim(T0, 7, 3_600_000).await.unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|i| i.id));
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for worker in workers {
        for id in worker.await.unwrap() {
            assert!(seen.insert(id), "row {id} claimed twice");
        }
    }
    assert_eq!(seen.len(), ROWS);
    assert_eq!(
        store.outbox().stats(T0).await.unwrap().processing,
        ROWS as i64
    );
}

/// Concurrent group commits from several writers all land (SQLite serialises them
/// under busy_timeout rather than failing).
async fn concurrent_batches_land(store: &Store) {
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for b in 0..10 {
                    let batch: Vec<_> = (0..20)
                        .map(|i| NewInboxItem {
                            source: "app".into(),
                            // Writers overlap on half their keys.
                            dedupe_key: format!("{}-{b}-{i}", if i % 2 == 0 { w } else { 99 }),
                            kind: "text".into(),
                            payload: "<xml/>".into(),
                            received_at_ms: T0,
                        })
                        .collect();
                    store.inbox().insert_batch(&batch).await.unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    // 4 writers × 10 batches × 10 own keys, plus 10 batches × 10 shared keys.
    assert_eq!(store.inbox().stats(T0).await.unwrap().pending, 400 + 100);
}

both_backends! {
    exclusive_claims => claims_are_exclusive,
    concurrent_batches => concurrent_batches_land,
}

fn assert_unavailable_fast<T: std::fmt::Debug>(result: Result<T, StoreError>, started: Instant) {
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(StoreError::Unavailable(_))),
        "expected Unavailable, got {result:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
}

#[tokio::test]
async fn unreachable_postgres_fails_fast_at_connect() {
    let started = Instant::now();
    // Port 1 on loopback: nothing listens, the connection is refused.
    let result =
        Store::connect_opts("postgres://gantry:pw@127.0.0.1:1/gantry", &quick_fail()).await;
    assert_unavailable_fast(result, started);
}

#[tokio::test]
async fn sqlite_saturated_pool_is_unavailable_then_recovers() {
    let db = TestDb::sqlite_with(&quick_fail()).await;
    let settings = db.store.settings();
    settings.set("k", "1", T0).await.unwrap();

    // Every connection busy elsewhere: callers get Unavailable after acquire_timeout.
    let held = [
        db.store.pool().acquire().await.unwrap(),
        db.store.pool().acquire().await.unwrap(),
    ];
    let started = Instant::now();
    assert_unavailable_fast(settings.get("k").await, started);
    assert!(db.store.ping().await.unwrap_err().is_unavailable());
    drop(held);
    assert_eq!(settings.get("k").await.unwrap().as_deref(), Some("1"));
}

#[tokio::test]
async fn sqlite_write_lock_timeout_is_unavailable() {
    let db = TestDb::sqlite_with(&quick_fail()).await;
    // Another writer holds the lock longer than busy_timeout.
    let blocker = db.store.begin().await.unwrap();
    let started = Instant::now();
    assert_unavailable_fast(db.store.settings().set("k", "1", T0).await, started);
    drop(blocker);
    db.store.settings().set("k", "1", T0).await.unwrap();
}

#[tokio::test]
async fn postgres_outage_is_unavailable_then_recovers() {
    let Some(db) = support::create_pg_database().await else {
        return;
    };
    let mut parsed = url::Url::parse(&db.url).unwrap();
    let host = parsed.host_str().unwrap().to_owned();
    let port = parsed.port().unwrap_or(5432);
    let target = tokio::net::lookup_host((host.as_str(), port))
        .await
        .unwrap()
        .next()
        .unwrap();
    let mut proxy = Proxy::start(target).await;
    parsed.set_port(Some(proxy.port())).unwrap();
    let store = Store::connect_opts(parsed.as_str(), &quick_fail())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.settings().set("k", "1", T0).await.unwrap();

    proxy.stop().await;
    let started = Instant::now();
    assert_unavailable_fast(store.settings().get("k").await, started);
    let started = Instant::now();
    assert_unavailable_fast(store.ping().await, started);

    proxy.restart();
    let deadline = Instant::now() + Duration::from_secs(5);
    let value = loop {
        match store.settings().get("k").await {
            Ok(value) => break value,
            Err(e) if e.is_unavailable() && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("store did not recover: {e}"),
        }
    };
    assert_eq!(value.as_deref(), Some("1"));
    store.close().await;
}
