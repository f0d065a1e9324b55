//! The one file store, on a local directory and on a real S3-compatible server (started
//! by `cargo xtask test`): the same calls, the same answers; an outage is an error that
//! says so, never a panic or a silent miss.

use server::config::{FileBackend, Settings};
use server::file_store::{FileStore, FileStoreError};
use wecom::client::Secret;

use crate::helpers::{fresh_bucket, s3_url};

fn s3_settings(endpoint: &str, bucket: &str, timeout_ms: u64) -> server::config::FileSettings {
    let mut files = Settings::load(None).expect("defaults").files;
    files.backend = FileBackend::S3;
    files.s3.endpoint = endpoint.to_owned();
    files.s3.bucket = bucket.to_owned();
    files.s3.access_key_id = Secret::new("gantry-test");
    files.s3.secret_access_key = Secret::new("gantry-test-secret");
    files.s3.timeout_ms = timeout_ms;
    files
}

/// Every store this run can reach: a directory, and the S3 test server when there is one.
async fn stores() -> Vec<(FileStore, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().expect("dir");
    let mut out = vec![(FileStore::local(dir.path()).expect("local"), Some(dir))];
    match s3_url() {
        Some(url) => {
            let bucket = fresh_bucket(&url).await;
            let files = s3_settings(&bucket.endpoint, &bucket.name, 5_000);
            out.push((
                FileStore::from_settings(&files, std::path::Path::new("unused")).expect("s3"),
                None,
            ));
        }
        None => eprintln!("GANTRY_TEST_S3_URL unset: the file store is tested on a directory only"),
    }
    out
}

#[tokio::test]
async fn each_backend_puts_gets_lists_and_deletes_alike() {
    for (store, _dir) in stores().await {
        let at = store.label().to_owned();
        assert_eq!(
            store.get("photos/ab/missing").await.expect("get"),
            None,
            "{at}"
        );
        assert!(
            !store.exists("photos/ab/missing").await.expect("head"),
            "{at}"
        );
        assert_eq!(
            store.list("audit-anchors").await.expect("list"),
            Vec::<String>::new(),
            "{at}"
        );
        store
            .put("audit-anchors/2026-12-02.json", b"{\"seq\":2}".to_vec())
            .await
            .expect("put");
        store
            .put("audit-anchors/2026-12-01.json", b"{\"seq\":1}".to_vec())
            .await
            .expect("put");
        store
            .put("audit-anchors/2026-12-01.json", b"{\"seq\":3}".to_vec())
            .await
            .expect("replace");
        // A file in a folder below is not in the folder's listing.
        store
            .put("audit-anchors/old/x.json", b"x".to_vec())
            .await
            .expect("put");
        assert_eq!(
            store.list("audit-anchors").await.expect("list"),
            [
                "audit-anchors/2026-12-01.json",
                "audit-anchors/2026-12-02.json"
            ],
            "{at}"
        );
        assert_eq!(
            store
                .get("audit-anchors/2026-12-01.json")
                .await
                .expect("get")
                .as_deref(),
            Some(&b"{\"seq\":3}"[..]),
            "{at}"
        );
        assert!(
            store
                .exists("audit-anchors/2026-12-02.json")
                .await
                .expect("head")
        );
        store
            .delete("audit-anchors/2026-12-02.json")
            .await
            .expect("delete");
        store
            .delete("audit-anchors/2026-12-02.json")
            .await
            .expect("deleting nothing");
        assert_eq!(
            store
                .get("audit-anchors/2026-12-02.json")
                .await
                .expect("get"),
            None,
            "{at}"
        );
        // Keys that could leave the store are refused before any I/O.
        for bad in ["../etc/passwd", "/abs", "a//b", ".hidden", "a b"] {
            assert!(
                matches!(
                    store.put(bad, b"x".to_vec()).await,
                    Err(FileStoreError::BadKey(_))
                ),
                "{at}: {bad}"
            );
        }
    }
}

#[tokio::test]
async fn an_unreachable_object_store_is_an_error_not_a_miss() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let files = s3_settings(&format!("http://127.0.0.1:{port}"), "gone", 300);
    let store = FileStore::from_settings(&files, std::path::Path::new("unused")).expect("built");
    assert!(matches!(
        store.get("photos/ab/x").await,
        Err(FileStoreError::Unavailable(_))
    ));
    assert!(matches!(
        store.put("photos/ab/x", b"x".to_vec()).await,
        Err(FileStoreError::Unavailable(_))
    ));
}
