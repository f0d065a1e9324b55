//! The Redis limiter script answers exactly like the in-memory log (which the property
//! test in `memory.rs` checks against the definition). Needs `GANTRY_TEST_REDIS_URL`.

#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;
use std::time::Duration;

use cache::{Cache, MemoryCache, RedisCache, Window};
use proptest::prelude::*;

/// One runtime and connection for all cases: the connection lives on its runtime.
fn redis() -> Option<&'static (tokio::runtime::Runtime, RedisCache)> {
    static REDIS: OnceLock<Option<(tokio::runtime::Runtime, RedisCache)>> = OnceLock::new();
    REDIS
        .get_or_init(|| {
            let url = std::env::var("GANTRY_TEST_REDIS_URL").ok()?;
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let ns = format!("gantry-test:diff:{:016x}", rand::random::<u64>());
            let cache = rt.block_on(RedisCache::connect(&url, &ns)).unwrap();
            Some((rt, cache))
        })
        .as_ref()
}

fn windows() -> impl Strategy<Value = Vec<Window>> {
    prop::collection::vec(
        (1_u64..400, 1_u32..8).prop_map(|(ms, max)| Window::new(Duration::from_millis(ms), max)),
        1..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn redis_matches_memory(
        windows in windows(),
        requests in prop::collection::vec((-30_i64..120, 0_u32..9), 1..120),
    ) {
        let Some((rt, redis)) = redis() else {
            return Ok(());
        };
        let memory = MemoryCache::new();
        let key = format!("k{:016x}", rand::random::<u64>());
        let mut t = 1_767_225_600_000_i64;
        for (step, cost) in requests {
            t += step;
            let want = rt.block_on(memory.admit(&key, t, &windows, cost)).unwrap();
            let got = rt.block_on(redis.admit(&key, t, &windows, cost)).unwrap();
            prop_assert_eq!(got, want, "at {} cost {}", t, cost);
        }
    }
}
