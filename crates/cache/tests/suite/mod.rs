//! The conformance suite: every backend must pass each case. Each case takes caches
//! in a fresh namespace; `replicas` are separate connections sharing that namespace.

#![allow(clippy::unwrap_used, dead_code)]

pub mod coord;
pub mod limiter;

use std::sync::Arc;
use std::time::Duration;

use cache::Cache;

/// A short TTL the tests outlive by sleeping `PAST`.
pub const SHORT: Duration = Duration::from_millis(150);
pub const PAST: Duration = Duration::from_millis(400);
pub const LONG: Duration = Duration::from_secs(60);

pub async fn get_set_ttl(c: Arc<dyn Cache>) {
    assert_eq!(c.get("k").await.unwrap(), None);
    c.set("k", "v1", Some(LONG)).await.unwrap();
    assert_eq!(c.get("k").await.unwrap().as_deref(), Some("v1"));
    // set replaces value and TTL.
    c.set("k", "v2", Some(SHORT)).await.unwrap();
    assert_eq!(c.get("k").await.unwrap().as_deref(), Some("v2"));
    c.set("forever", "x", None).await.unwrap();
    tokio::time::sleep(PAST).await;
    assert_eq!(c.get("k").await.unwrap(), None, "expired");
    assert_eq!(c.get("forever").await.unwrap().as_deref(), Some("x"));
    assert!(c.delete("forever").await.unwrap());
    assert!(!c.delete("forever").await.unwrap());
    assert!(!c.delete("k").await.unwrap(), "expired keys do not count");
    // Non-ASCII values survive (names and messages are Chinese).
    c.set("zh", "项目经理", Some(LONG)).await.unwrap();
    assert_eq!(c.get("zh").await.unwrap().as_deref(), Some("项目经理"));
    c.ping().await.unwrap();
}

pub async fn set_nx(c: Arc<dyn Cache>) {
    assert!(c.set_nx("mark", "a", SHORT).await.unwrap());
    assert!(!c.set_nx("mark", "b", SHORT).await.unwrap());
    assert_eq!(c.get("mark").await.unwrap().as_deref(), Some("a"));
    tokio::time::sleep(PAST).await;
    assert!(c.set_nx("mark", "c", LONG).await.unwrap(), "free after TTL");
    assert_eq!(c.get("mark").await.unwrap().as_deref(), Some("c"));
}

pub async fn set_nx_concurrent(replicas: Vec<Arc<dyn Cache>>) {
    let mut tasks = Vec::new();
    for i in 0..32 {
        let c = replicas[i % replicas.len()].clone();
        tasks.push(tokio::spawn(async move {
            c.set_nx("race", &i.to_string(), LONG).await.unwrap()
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
}

pub async fn delete_if_eq(c: Arc<dyn Cache>) {
    assert!(!c.delete_if_eq("lock", "me").await.unwrap(), "missing");
    c.set("lock", "other", Some(LONG)).await.unwrap();
    assert!(!c.delete_if_eq("lock", "me").await.unwrap());
    assert_eq!(c.get("lock").await.unwrap().as_deref(), Some("other"));
    assert!(c.delete_if_eq("lock", "other").await.unwrap());
    assert_eq!(c.get("lock").await.unwrap(), None);
}

pub async fn expire_if_eq(c: Arc<dyn Cache>) {
    assert!(
        !c.expire_if_eq("lease", "me", LONG).await.unwrap(),
        "missing"
    );
    c.set("lease", "me", Some(SHORT)).await.unwrap();
    assert!(!c.expire_if_eq("lease", "you", LONG).await.unwrap());
    assert!(c.expire_if_eq("lease", "me", LONG).await.unwrap());
    tokio::time::sleep(PAST).await;
    assert_eq!(
        c.get("lease").await.unwrap().as_deref(),
        Some("me"),
        "renewed"
    );
    // Shortening works too, and an expired key cannot be renewed.
    assert!(c.expire_if_eq("lease", "me", SHORT).await.unwrap());
    tokio::time::sleep(PAST).await;
    assert!(!c.expire_if_eq("lease", "me", LONG).await.unwrap());
    assert_eq!(c.get("lease").await.unwrap(), None);
}

/// Namespaces keep tenants (and parallel tests) apart.
pub async fn namespaces_isolate(a: Arc<dyn Cache>, b: Arc<dyn Cache>) {
    a.set("shared-name", "a", Some(LONG)).await.unwrap();
    assert_eq!(b.get("shared-name").await.unwrap(), None);
    assert!(b.set_nx("shared-name", "b", LONG).await.unwrap());
    assert_eq!(a.get("shared-name").await.unwrap().as_deref(), Some("a"));
}
