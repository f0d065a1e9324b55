//! A Redis that is down, silent or lost mid-way yields `Unavailable` quickly, never a hang.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cache::{Cache, CacheError, RedisCache};
use common::{Proxy, REDIS_ENV};
use tokio::net::TcpListener;

/// Connect and operation deadlines are 2 s; allow scheduling slack on a busy machine.
const FAST: Duration = Duration::from_secs(3);

fn assert_unavailable<T: std::fmt::Debug>(result: Result<T, CacheError>, started: Instant) {
    let elapsed = started.elapsed();
    assert!(elapsed < FAST, "took {elapsed:?}");
    match result {
        Err(CacheError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_connection_is_unavailable() {
    let started = Instant::now();
    let result = cache::connect("redis://127.0.0.1:1", "gantry-test:down").await;
    assert_unavailable(result.map(|_| ()), started);
}

/// A peer that accepts but never answers (a hung server, a black-holing firewall).
#[tokio::test]
async fn silent_server_is_unavailable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    let server = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            keep.lock().unwrap().push(socket);
        }
    });
    let started = Instant::now();
    let result = RedisCache::connect(&format!("redis://{addr}"), "gantry-test:silent").await;
    assert_unavailable(result.map(|_| ()), started);
    server.abort();
}

/// Redis lost after connecting: calls fail fast, then the manager reconnects by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_connection_fails_fast_and_recovers() {
    let Ok(url) = std::env::var(REDIS_ENV) else {
        return;
    };
    let upstream = common::redis_addr(&url).await;
    let proxy = Proxy::start("127.0.0.1:0", upstream).await;
    let ns = format!("gantry-test:lost:{:016x}", rand::random::<u64>());
    let c = RedisCache::connect(&proxy.url(), &ns).await.unwrap();
    c.set("k", "v", Some(Duration::from_secs(60)))
        .await
        .unwrap();

    proxy.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..3 {
        let started = Instant::now();
        assert_unavailable(c.get("k").await, started);
        let started = Instant::now();
        let admit = c
            .admit("q", 0, &[cache::Window::new(Duration::from_secs(1), 1)], 1)
            .await;
        assert_unavailable(admit, started);
    }

    let proxy = Proxy::start(&proxy.addr.to_string(), upstream).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match c.get("k").await {
            Ok(value) => {
                assert_eq!(value.as_deref(), Some("v"));
                break;
            }
            Err(e) => {
                assert!(e.is_unavailable(), "{e}");
                assert!(Instant::now() < deadline, "no reconnect: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    c.delete("k").await.unwrap();
    proxy.stop();
}
