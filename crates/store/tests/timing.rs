//! A rough timing of `insert_batch` (1,000 callbacks in one group commit), next to the
//! per-row alternative it was chosen over. Ignored by default; no timed assertions.
//!
//! `cargo test -p store --test timing -- --ignored --nocapture`
//! (set `GANTRY_TEST_PG_URL` to include PostgreSQL).

#![allow(
    clippy::unwrap_used,
    reason = "a failed step should stop the test loudly"
)]

mod support;

use std::time::{Duration, Instant};

use store::{NewInboxItem, Store};

const N: usize = 1_000;

fn items(run: usize) -> Vec<NewInboxItem> {
    (0..N)
        .map(|i| NewInboxItem {
            source: "app".into(),
            dedupe_key: format!("run{run}-msg-{i}"),
            kind: "event:change_contact".into(),
            // About the size of a decrypted contact-change callback.
            payload: format!("<xml><ToUserName>ww0123456789</ToUserName><Event>change_contact</Event><UserID>user{i}</UserID><Name>张三</Name>{}</xml>", "x".repeat(300)),
            received_at_ms: 1_700_000_000_000,
        })
        .collect()
}

/// The alternative: one INSERT per row inside the one transaction.
async fn per_row(store: &Store, items: &[NewInboxItem]) -> Vec<bool> {
    let mut tx = store.begin().await.unwrap();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let key: Option<String> = store::sqlx::query_scalar(
            "INSERT INTO inbox (source, dedupe_key, kind, payload, received_at_ms, \
               next_attempt_at_ms) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key",
        )
        .bind(item.source.as_str())
        .bind(item.dedupe_key.as_str())
        .bind(item.kind.as_str())
        .bind(item.payload.as_str())
        .bind(item.received_at_ms)
        .fetch_optional(&mut *tx)
        .await
        .unwrap();
        out.push(key.is_some());
    }
    tx.commit().await.unwrap();
    out
}

async fn measure(label: &str, store: &Store) {
    // Warm the pool and the statement cache first.
    store.inbox().insert_batch(&items(0)).await.unwrap();
    let mut batch = Vec::new();
    let mut single = Vec::new();
    for run in 1..=3 {
        let data = items(run);
        let started = Instant::now();
        assert!(
            store
                .inbox()
                .insert_batch(&data)
                .await
                .unwrap()
                .iter()
                .all(|&b| b)
        );
        batch.push(started.elapsed());
        let data = items(run + 100);
        let started = Instant::now();
        assert!(per_row(store, &data).await.iter().all(|&b| b));
        single.push(started.elapsed());
    }
    let started = Instant::now();
    assert!(
        store
            .inbox()
            .insert_batch(&items(1))
            .await
            .unwrap()
            .iter()
            .all(|&b| !b)
    );
    let dupes = started.elapsed();
    eprintln!(
        "{label}: insert_batch of {N}: {} (all duplicates: {dupes:.1?}); per-row in one transaction: {}",
        show(&batch),
        show(&single)
    );
}

fn show(runs: &[Duration]) -> String {
    runs.iter()
        .map(|d| format!("{d:.1?}"))
        .collect::<Vec<_>>()
        .join(" / ")
}

#[tokio::test]
#[ignore = "timing run, not a test"]
async fn insert_batch_timing() {
    let db = support::TestDb::sqlite().await;
    measure("sqlite", &db.store).await;
    if let Some(db) = support::TestDb::postgres().await {
        measure("postgres", &db.store).await;
    }
}
