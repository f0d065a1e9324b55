//! Coordination on top of the trait: token store, leader lock, dedupe.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cache::{Cache, CacheTokenStore, Dedupe, LeaderLock};
use wecom::client::{CachedCredential, CredentialKind, LockToken, TokenStore};

use super::{LONG, PAST, SHORT};

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn cred(value: &str, lifetime_ms: i64) -> CachedCredential {
    CachedCredential {
        value: value.to_owned(),
        expires_at_unix_ms: now_ms() + lifetime_ms,
    }
}

pub async fn token_store_round_trip(c: Arc<dyn Cache>) {
    let store = CacheTokenStore::new(c);
    let key = CredentialKind::AccessToken.key("ww1", "1000002");
    assert_eq!(store.get(&key).await.unwrap(), None);
    let first = cred("token-1", 7_200_000);
    store.put(&key, first.clone()).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), Some(first));
    // Tickets live under their own keys.
    let ticket = CredentialKind::JsapiTicket.key("ww1", "1000002");
    store.put(&ticket, cred("ticket", 7_200_000)).await.unwrap();

    // A replica that saw token-1 rejected must not delete token-2 stored meanwhile.
    let second = cred("token-2", 7_200_000);
    store.put(&key, second.clone()).await.unwrap();
    assert!(!store.invalidate(&key, "token-1").await.unwrap());
    assert_eq!(store.get(&key).await.unwrap(), Some(second));
    assert!(store.invalidate(&key, "token-2").await.unwrap());
    assert_eq!(store.get(&key).await.unwrap(), None);
    assert!(
        !store.invalidate(&key, "token-2").await.unwrap(),
        "already gone"
    );
    assert_eq!(
        store
            .get(&ticket)
            .await
            .unwrap()
            .map(|c| c.value)
            .as_deref(),
        Some("ticket")
    );
    assert!(store.invalidate(&ticket, "ticket").await.unwrap());
}

/// The entry's TTL follows the credential's expiry.
pub async fn token_store_ttl(c: Arc<dyn Cache>) {
    let store = CacheTokenStore::new(c);
    let key = CredentialKind::AgentTicket.key("ww1", "7");
    store.put(&key, cred("short", 1_200)).await.unwrap();
    assert!(store.get(&key).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    assert_eq!(store.get(&key).await.unwrap(), None);
}

pub async fn token_store_lock(replicas: Vec<Arc<dyn Cache>>) {
    let stores: Vec<_> = replicas.into_iter().map(CacheTokenStore::new).collect();
    let key = CredentialKind::AccessToken.key("ww1", "1000002");
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = stores[i % stores.len()].clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            store.lock(&key, LONG).await.unwrap()
        }));
    }
    let mut held = Vec::new();
    for t in tasks {
        held.extend(t.await.unwrap());
    }
    assert_eq!(held.len(), 1, "exactly one refresher");
    let token = held.remove(0);
    let other = &stores[stores.len() - 1];
    // Unlocking with someone else's token changes nothing.
    other
        .unlock(&key, LockToken::new("not-mine"))
        .await
        .unwrap();
    assert!(other.lock(&key, LONG).await.unwrap().is_none());
    stores[0].unlock(&key, token).await.unwrap();
    let again = other.lock(&key, SHORT).await.unwrap();
    assert!(again.is_some());
    // The lock frees itself after its TTL (a crashed holder).
    assert!(stores[0].lock(&key, SHORT).await.unwrap().is_none());
    tokio::time::sleep(PAST).await;
    assert!(stores[0].lock(&key, LONG).await.unwrap().is_some());
}

/// After a refresh the lock lingers briefly as a hand-off, so a peer that read the store
/// just before the new token landed waits for it instead of fetching another one; an
/// invalidation of that token ends the hand-off at once.
pub async fn token_store_handoff(replicas: Vec<Arc<dyn Cache>>) {
    let a = CacheTokenStore::new(replicas[0].clone());
    let b = CacheTokenStore::new(replicas[replicas.len() - 1].clone());
    let key = CredentialKind::AccessToken.key("ww1", "1000002");

    let token = a.lock(&key, LONG).await.unwrap().unwrap();
    a.put(&key, cred("fresh", 7_200_000)).await.unwrap();
    a.unlock(&key, token).await.unwrap();
    assert!(
        b.lock(&key, LONG).await.unwrap().is_none(),
        "hand-off holds"
    );
    // WeCom rejects the fresh token: the next refresh must not wait for the hand-off.
    assert!(b.invalidate(&key, "fresh").await.unwrap());
    let token = b.lock(&key, LONG).await.unwrap().unwrap();
    // A failed refresh (nothing stored) releases at once.
    b.unlock(&key, token).await.unwrap();
    let token = a.lock(&key, LONG).await.unwrap().unwrap();
    a.put(&key, cred("newer", 7_200_000)).await.unwrap();
    a.unlock(&key, token).await.unwrap();
    // The hand-off ends by itself.
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    assert!(b.lock(&key, LONG).await.unwrap().is_some());
}

pub async fn leader_lock(replicas: Vec<Arc<dyn Cache>>) {
    let ttl = Duration::from_millis(300);
    let a = LeaderLock::new(replicas[0].clone(), "overdue-scan", "replica-a", ttl);
    let b = LeaderLock::new(
        replicas[replicas.len() - 1].clone(),
        "overdue-scan",
        "replica-b",
        ttl,
    );
    let (ra, rb) = tokio::join!(a.try_acquire(), b.try_acquire());
    assert!(ra.unwrap() ^ rb.unwrap(), "exactly one leader");
    b.release().await.unwrap();
    a.release().await.unwrap();

    assert!(a.try_acquire().await.unwrap());
    assert!(!b.try_acquire().await.unwrap());
    // Renewing well within the TTL keeps the lease past its first expiry.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(a.try_acquire().await.unwrap(), "renewed");
        assert!(!b.try_acquire().await.unwrap());
    }
    // The follower's release does not free the leader's lease.
    b.release().await.unwrap();
    assert!(!b.try_acquire().await.unwrap());
    // A leader that stops renewing hands over after the TTL.
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(b.try_acquire().await.unwrap(), "handed over");
    assert!(!a.try_acquire().await.unwrap());
    // Release hands over at once.
    b.release().await.unwrap();
    assert!(a.try_acquire().await.unwrap());
    // Other schedules are independent.
    let digest = LeaderLock::new(replicas[0].clone(), "digest", "replica-b", ttl);
    assert!(digest.try_acquire().await.unwrap());
}

pub async fn dedupe(c: Arc<dyn Cache>) {
    let d = Dedupe::new(c);
    assert!(d.seen("msg:123", SHORT).await.unwrap(), "first delivery");
    assert!(!d.seen("msg:123", SHORT).await.unwrap(), "retry");
    assert!(d.seen("msg:124", SHORT).await.unwrap());
    d.forget("msg:124").await.unwrap();
    assert!(d.seen("msg:124", SHORT).await.unwrap(), "forgotten");
    tokio::time::sleep(PAST).await;
    assert!(d.seen("msg:123", SHORT).await.unwrap(), "mark expired");
}
