//! Token caching, single-flight, refresh-and-replay and no-retry rules, end to end
//! against the in-test server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;

use super::server::{Req, Resp, Server};
use crate::client::*;

fn client_with(server: &Server, store: Arc<dyn TokenStore>, timeout: Duration) -> Client {
    let mut config = ClientConfig::new("ww1", Some(1000002), "s3cr3t");
    config.api_base = server.base.clone();
    config.timeout = timeout;
    Client::new(config, store).unwrap()
}

fn client(server: &Server) -> Client {
    client_with(
        server,
        Arc::new(MemoryTokenStore::new()),
        Duration::from_secs(5),
    )
}

/// Issues `t1`, `t2`, … slowly enough for concurrent callers to overlap.
fn issue(counter: &AtomicUsize) -> Resp {
    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
    Resp::json(json!({"errcode":0,"errmsg":"ok","access_token":format!("t{n}"),"expires_in":7200}))
        .delayed(Duration::from_millis(100))
}

fn user(req: &Req) -> Resp {
    Resp::json(json!({"errcode":0,"errmsg":"ok","userid":req.query["userid"],"name":"N"}))
}

fn token_error(code: i64) -> Resp {
    Resp::json(json!({"errcode":code,"errmsg":"invalid access_token"}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_gettoken() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        _ => user(req),
    })
    .await;
    let client = client(&server);
    let calls = (0..40).map(|n| {
        let client = client.clone();
        tokio::spawn(async move { client.user_get(&format!("u{n}")).await })
    });
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    assert_eq!(client.gettoken_calls(), 1);
    let gettoken = server.calls(api::GETTOKEN);
    assert_eq!(gettoken.len(), 1);
    assert_eq!(gettoken[0].query["corpid"], "ww1");
    assert_eq!(gettoken[0].query["corpsecret"], "s3cr3t");
    assert!(
        server
            .calls(api::USER_GET)
            .iter()
            .all(|r| r.query["access_token"] == "t1")
    );
}

#[tokio::test]
async fn rejected_token_is_refreshed_and_replayed_once() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        _ if req.query["access_token"] == "t1" => token_error(42001),
        _ => user(req),
    })
    .await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = client_with(&server, store.clone(), Duration::from_secs(5));
    assert_eq!(
        client.user_get("zhangsan").await.unwrap().userid,
        "zhangsan"
    );
    assert_eq!(client.gettoken_calls(), 2);
    assert_eq!(server.calls(api::USER_GET).len(), 2);
    let key = client.config().credential_key(CredentialKind::AccessToken);
    assert_eq!(store.get(&key).await.unwrap().unwrap().value, "t2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rejections_refresh_once_and_never_loop() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        _ if req.query["access_token"] == "t1" => token_error(40014),
        _ => user(req),
    })
    .await;
    let client = client(&server);
    client.access_token().await.unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.user_get("a").await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    // t1 then exactly one refresh: compare-and-delete stops the others from dropping t2.
    assert_eq!(client.gettoken_calls(), 2);

    // A token that is always rejected: one replay, then the error surfaces.
    let i = Arc::new(AtomicUsize::new(0));
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        _ => token_error(40014),
    })
    .await;
    let client = client_with(
        &server,
        Arc::new(MemoryTokenStore::new()),
        Duration::from_secs(5),
    );
    let err = client.user_get("a").await.unwrap_err();
    assert_eq!(err.errcode(), Some(errcode::INVALID_TOKEN));
    assert_eq!(err.retry(), RetryAdvice::RefreshToken);
    assert_eq!(server.calls(api::USER_GET).len(), 2);
    assert_eq!(client.gettoken_calls(), 2);
}

#[tokio::test]
async fn gettoken_config_errors_are_not_retried() {
    let server =
        Server::start(|_| Resp::json(json!({"errcode":40001,"errmsg":"invalid secret"}))).await;
    let client = client(&server);
    let err = client.user_get("a").await.unwrap_err();
    assert_eq!(err.api(), Some(api::GETTOKEN));
    assert_eq!(err.retry(), RetryAdvice::Never);
    // The failure is held briefly, so a burst of calls does not hammer gettoken.
    let again = client.user_get("b").await.unwrap_err();
    assert_eq!(again.errcode(), Some(errcode::INVALID_SECRET));
    assert_eq!(server.calls(api::GETTOKEN).len(), 1);
    assert!(server.calls(api::USER_GET).is_empty());
}

#[tokio::test]
async fn send_timeout_is_not_retried_and_dup_check_is_on() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        _ => Resp::json(json!({"errcode":0,"errmsg":"ok","msgid":"m"}))
            .delayed(Duration::from_secs(3)),
    })
    .await;
    let client = client_with(
        &server,
        Arc::new(MemoryTokenStore::new()),
        Duration::from_millis(500),
    );
    let message = Message::new(
        Recipients::users(["a"]),
        MessageBody::Text {
            content: "hi".into(),
        },
    );
    let err = client.send(&message).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                api: api::MESSAGE_SEND
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    let sends = server.calls(api::MESSAGE_SEND);
    assert_eq!(sends.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&sends[0].body).unwrap();
    assert_eq!(body["enable_duplicate_check"], 1);
    assert_eq!(body["agentid"], 1000002);
}

#[derive(Debug)]
struct BrokenStore;

#[async_trait::async_trait]
impl TokenStore for BrokenStore {
    async fn get(&self, _: &str) -> Result<Option<CachedCredential>, StoreError> {
        Err(StoreError::new("down"))
    }
    async fn put(&self, _: &str, _: CachedCredential) -> Result<(), StoreError> {
        Err(StoreError::new("down"))
    }
    async fn invalidate(&self, _: &str, _: &str) -> Result<bool, StoreError> {
        Err(StoreError::new("down"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_outage_falls_back_to_process_cache() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        _ => user(req),
    })
    .await;
    let client = client_with(&server, Arc::new(BrokenStore), Duration::from_secs(5));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.user_get("a").await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    client.user_get("b").await.unwrap();
    assert_eq!(client.gettoken_calls(), 1);
}

/// A store whose refresh lock is always held by a "peer" that stores a token shortly.
#[derive(Debug)]
struct PeerLockedStore(MemoryTokenStore);

#[async_trait::async_trait]
impl TokenStore for PeerLockedStore {
    async fn get(&self, key: &str) -> Result<Option<CachedCredential>, StoreError> {
        self.0.get(key).await
    }
    async fn put(&self, key: &str, c: CachedCredential) -> Result<(), StoreError> {
        self.0.put(key, c).await
    }
    async fn invalidate(&self, key: &str, value: &str) -> Result<bool, StoreError> {
        self.0.invalidate(key, value).await
    }
    async fn lock(&self, _: &str, _: Duration) -> Result<Option<LockToken>, StoreError> {
        Ok(None)
    }
}

#[tokio::test]
async fn waits_for_a_peer_holding_the_store_lock() {
    let server = Server::start(|_| Resp::json(json!({"errcode":-1,"errmsg":"unexpected"}))).await;
    let store = Arc::new(PeerLockedStore(MemoryTokenStore::new()));
    let client = client_with(&server, store.clone(), Duration::from_secs(5));
    let key = client.config().credential_key(CredentialKind::AccessToken);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let expires = super::super::cache::now_unix_ms() + 7_200_000;
        store
            .put(
                &key,
                CachedCredential {
                    value: "peer".into(),
                    expires_at_unix_ms: expires,
                },
            )
            .await
    });
    assert_eq!(client.access_token().await.unwrap(), "peer");
    assert_eq!(client.gettoken_calls(), 0);
}

#[tokio::test]
async fn tickets_are_cached_and_media_errors_detected() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => issue(&i),
        "/prefix/cgi-bin/get_jsapi_ticket" => {
            Resp::json(json!({"errcode":0,"errmsg":"ok","ticket":"corp","expires_in":7200}))
        }
        "/prefix/cgi-bin/ticket/get" if req.query["type"] == "agent_config" => {
            Resp::json(json!({"errcode":0,"errmsg":"ok","ticket":"app","expires_in":7200}))
        }
        "/prefix/cgi-bin/media/get" if req.query["media_id"] == "ok" => Resp {
            status: 200,
            body: b"\x89PNG\r\n".to_vec(),
            headers: vec![
                ("Content-Type", "image/png".into()),
                (
                    "Content-Disposition",
                    "attachment; filename=\"a.png\"".into(),
                ),
            ],
            delay: Duration::ZERO,
        },
        _ => Resp::json(json!({"errcode":40007,"errmsg":"invalid media_id"})),
    })
    .await;
    let client = client(&server);
    for _ in 0..3 {
        assert_eq!(client.jsapi_ticket().await.unwrap(), "corp");
        assert_eq!(client.agent_config_ticket().await.unwrap(), "app");
    }
    assert_eq!(client.ticket_calls(), 2);
    let media = client.get_media("ok").await.unwrap();
    assert_eq!(media.filename.as_deref(), Some("a.png"));
    assert_eq!(media.content_type.as_deref(), Some("image/png"));
    assert_eq!(
        client.get_media("bad").await.unwrap_err().errcode(),
        Some(40007)
    );
}

#[tokio::test]
async fn transport_errors_do_not_leak_the_secret() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut config = ClientConfig::new("ww1", Some(1), "s3cr3t");
    config.api_base = format!("http://{addr}").parse().unwrap();
    let client = Client::new(config, Arc::new(MemoryTokenStore::new())).unwrap();
    let err = client.access_token().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(!err.outcome_unknown());
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(!shown.contains("s3cr3t"), "{shown}");
}

#[tokio::test]
async fn short_lived_tokens_are_not_refetched_on_every_call() {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/prefix/cgi-bin/gettoken" => {
            let n = i.fetch_add(1, Ordering::SeqCst) + 1;
            // Shorter than refresh_ahead (300 s): refresh at half the lifetime instead.
            Resp::json(json!({"errcode":0,"access_token":format!("t{n}"),"expires_in":60}))
        }
        _ => user(req),
    })
    .await;
    let client = client(&server);
    for _ in 0..5 {
        client.user_get("a").await.unwrap();
    }
    assert_eq!(client.gettoken_calls(), 1);
}
