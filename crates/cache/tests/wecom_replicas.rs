//! The wecom client on several "replicas" sharing a CacheTokenStore, against the WeCom
//! simulator: one gettoken for the whole fleet, and a dead Redis only costs sharing.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cache::{Cache, CacheTokenStore, MemoryCache, RedisCache};
use common::{Proxy, REDIS_ENV};
use wecom::client::{Client, ClientConfig, Secret};
use wecom_sim::{SimConfig, SimHandle};

const AGENT: i64 = 1000002;
const REPLICAS: usize = 4;

async fn sim() -> SimHandle {
    wecom_sim::spawn(SimConfig::default()).await.unwrap()
}

fn client(sim: &SimHandle, cache: Arc<dyn Cache>) -> Client {
    let mut config = ClientConfig::new(sim.corp_id(), Some(AGENT), Secret::new("sim-app-secret"));
    config.api_base = sim.base_url().parse().unwrap();
    config.timeout = Duration::from_millis(1500);
    Client::new(config, Arc::new(CacheTokenStore::new(cache))).unwrap()
}

/// One cache per replica: separate Redis connections, or one shared memory cache.
async fn caches() -> Vec<Vec<Arc<dyn Cache>>> {
    let memory: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let mut sets = vec![vec![memory; REPLICAS]];
    if let Ok(url) = std::env::var(REDIS_ENV) {
        let ns = format!("gantry-test:replicas:{:016x}", rand::random::<u64>());
        let mut redis: Vec<Arc<dyn Cache>> = Vec::new();
        for _ in 0..REPLICAS {
            redis.push(Arc::new(RedisCache::connect(&url, &ns).await.unwrap()));
        }
        sets.push(redis);
    }
    sets
}

/// 100 callers spread over the replicas, all calling `tag/list`.
async fn storm(clients: &[Client]) {
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let client = clients[i % clients.len()].clone();
            tokio::spawn(async move { client.tag_list().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fleet_fetches_one_token() {
    for replicas in caches().await {
        let sim = sim().await;
        let clients: Vec<_> = replicas.into_iter().map(|c| client(&sim, c)).collect();
        storm(&clients).await;
        assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 1, "cold start");

        // WeCom expires the token early: every replica sees 42001, one refreshes.
        sim.expire_tokens();
        storm(&clients).await;
        assert_eq!(
            sim.calls_to("/cgi-bin/gettoken"),
            2,
            "one refresh for the fleet"
        );
    }
}

/// Redis dies under a warm client: calls keep working from the in-process copy, quickly,
/// and do not turn into gettoken calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_falls_back_in_process() {
    let Ok(url) = std::env::var(REDIS_ENV) else {
        return;
    };
    let proxy = Proxy::start("127.0.0.1:0", common::redis_addr(&url).await).await;
    let ns = format!("gantry-test:outage:{:016x}", rand::random::<u64>());
    let cache: Arc<dyn Cache> = Arc::new(RedisCache::connect(&proxy.url(), &ns).await.unwrap());
    let sim = sim().await;
    let client = client(&sim, cache);
    client.tag_list().await.unwrap();

    proxy.stop();
    let started = Instant::now();
    for _ in 0..5 {
        client.tag_list().await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sim.calls_to("/cgi-bin/gettoken"), 1);
}
