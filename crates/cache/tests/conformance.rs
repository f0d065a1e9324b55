//! Runs the conformance suite against MemoryCache always, and against RedisCache when
//! `GANTRY_TEST_REDIS_URL` is set (e.g. `redis://127.0.0.1:6379`).

#![allow(clippy::unwrap_used)]

mod suite;

use std::sync::{Arc, Once};

use cache::{Cache, MemoryCache, RedisCache};

const REDIS_ENV: &str = "GANTRY_TEST_REDIS_URL";
/// Separate connections per Redis "replica" in the multi-replica cases.
const REDIS_REPLICAS: usize = 4;

fn namespace(case: &str) -> String {
    format!("gantry-test:{case}:{:016x}", rand::random::<u64>())
}

fn memory() -> Vec<Arc<dyn Cache>> {
    // One process-local cache: every "replica" is the same instance.
    let c: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    vec![c.clone(), c]
}

/// `REDIS_REPLICAS` connections sharing one fresh namespace, or `None` when the
/// variable is unset.
async fn redis(case: &str) -> Option<Vec<Arc<dyn Cache>>> {
    let Ok(url) = std::env::var(REDIS_ENV) else {
        static NOTE: Once = Once::new();
        // Straight to stderr: the harness would swallow eprintln! of a passing test.
        NOTE.call_once(|| {
            let note = format!("note: {REDIS_ENV} unset; skipping the Redis half\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
        });
        return None;
    };
    let ns = namespace(case);
    let mut replicas: Vec<Arc<dyn Cache>> = Vec::new();
    for _ in 0..REDIS_REPLICAS {
        replicas.push(Arc::new(RedisCache::connect(&url, &ns).await.unwrap()));
    }
    Some(replicas)
}

/// One test per case and backend. `one` cases take a cache, `many` cases take the
/// replicas.
macro_rules! conformance {
    ($( $kind:ident $case:path => $name:ident ),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    conformance!(@run $kind $case, super::memory());
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(replicas) = super::redis(stringify!($name)).await {
                        conformance!(@run $kind $case, replicas);
                    }
                }
            )*
        }
    };
    (@run one $case:path, $replicas:expr) => { $case($replicas[0].clone()).await };
    (@run many $case:path, $replicas:expr) => { $case($replicas).await };
}

conformance! {
    one crate::suite::get_set_ttl => get_set_ttl,
    one crate::suite::set_nx => set_nx,
    many crate::suite::set_nx_concurrent => set_nx_concurrent,
    one crate::suite::delete_if_eq => delete_if_eq,
    one crate::suite::expire_if_eq => expire_if_eq,
    one crate::suite::limiter::minute_boundary => admit_minute_boundary,
    one crate::suite::limiter::several_windows => admit_several_windows,
    one crate::suite::limiter::cost_and_edge_cases => admit_cost_and_edge_cases,
    many crate::suite::limiter::concurrent_never_over_admits => admit_concurrent_never_over_admits,
    one crate::suite::limiter::quota_limiter => quota_limiter,
    one crate::suite::coord::token_store_round_trip => token_store_round_trip,
    one crate::suite::coord::token_store_ttl => token_store_ttl,
    many crate::suite::coord::token_store_lock => token_store_lock,
    many crate::suite::coord::token_store_handoff => token_store_handoff,
    many crate::suite::coord::leader_lock => leader_lock,
    one crate::suite::coord::dedupe => dedupe,
}

#[tokio::test]
async fn redis_namespaces_isolate() {
    let Ok(url) = std::env::var(REDIS_ENV) else {
        return;
    };
    let a: Arc<dyn Cache> = Arc::new(RedisCache::connect(&url, &namespace("a")).await.unwrap());
    let b: Arc<dyn Cache> = Arc::new(RedisCache::connect(&url, &namespace("b")).await.unwrap());
    suite::namespaces_isolate(a, b).await;
}

#[tokio::test]
async fn memory_instances_isolate() {
    let a: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let b: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    suite::namespaces_isolate(a, b).await;
}

#[tokio::test]
async fn connect_picks_the_backend() {
    let c = cache::connect("memory", "ns").await.unwrap();
    assert!(format!("{c:?}").starts_with("MemoryCache"));
    let err = cache::connect("postgres://user:secret@db/x", "ns")
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
    assert!(!err.is_unavailable());
    let err = cache::connect("rediss://h:6380", "ns").await.unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
    let err = cache::connect("redis://host:notaport", "ns")
        .await
        .unwrap_err();
    assert!(!err.is_unavailable(), "{err}");
    if let Ok(url) = std::env::var(REDIS_ENV) {
        let c = cache::connect(&url, &namespace("connect")).await.unwrap();
        assert!(format!("{c:?}").starts_with("RedisCache"));
        c.ping().await.unwrap();
        // A wrong password is a configuration error, not an outage to fall back from.
        let host = url.trim_start_matches("redis://");
        let err = cache::connect(&format!("redis://:wrong-pass@{host}"), "ns")
            .await
            .unwrap_err();
        assert!(!err.is_unavailable(), "{err}");
        assert!(!err.to_string().contains("wrong-pass"), "{err}");
    }
}
