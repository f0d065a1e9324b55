//! One story per repository, walking every public function, run on SQLite always and
//! on PostgreSQL when `GANTRY_TEST_PG_URL` is set. Equal results on both backends are
//! what "one code path" promises.

#![allow(
    clippy::unwrap_used,
    reason = "a failed step should stop the story loudly"
)]

mod support;

use store::{Store, StoreError};

/// 2023-11-14T22:13:20Z; any fixed instant works, time is only what the story says.
const T0: i64 = 1_700_000_000_000;
const LEASE: i64 = 30_000;

both_backends! {
    inbox => inbox_story::run,
    outbox => outbox_story::run,
    settings => settings_story,
    org => org_story::run,
    org_queries => org_story::queries,
    org_sync_guard => org_story::a_sync_never_writes_over_a_newer_live_change,
    org_personal => org_story::personal_fields,
    store_level => store_level_story,
    projects => projects_story::run,
    ledger => ledger_story::run,
    approvals => approvals_story::run,
    tasks => tasks_story::run,
}

#[path = "story/approvals.rs"]
mod approvals_story;
#[path = "story/inbox.rs"]
mod inbox_story;
#[path = "story/ledger.rs"]
mod ledger_story;
#[path = "story/org.rs"]
mod org_story;
#[path = "story/outbox.rs"]
mod outbox_story;
#[path = "story/projects.rs"]
mod projects_story;
#[path = "story/tasks.rs"]
mod tasks_story;

/// The keys of `items`, to compare claim results at a glance.
fn keys<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| key(i).to_owned()).collect()
}

async fn settings_story(store: &Store) {
    let settings = store.settings();
    assert_eq!(settings.get("org.cursor").await.unwrap(), None);
    settings.set("org.cursor", r#""abc""#, T0).await.unwrap();
    settings
        .set("org.last_sync_ms", "1700000000000", T0)
        .await
        .unwrap();
    assert_eq!(
        settings.get("org.cursor").await.unwrap().as_deref(),
        Some(r#""abc""#)
    );
    settings
        .set("org.cursor", r#"{"next":"中文"}"#, T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        settings.get("org.cursor").await.unwrap().as_deref(),
        Some(r#"{"next":"中文"}"#)
    );
    assert!(settings.delete("org.cursor").await.unwrap());
    assert!(!settings.delete("org.cursor").await.unwrap());
    assert_eq!(settings.get("org.cursor").await.unwrap(), None);
    assert!(settings.get("org.last_sync_ms").await.unwrap().is_some());
}

/// Store-level calls: ping, backend, migrations twice, Debug without secrets, error
/// classification, the in-memory variant, bad URLs.
async fn store_level_story(store: &Store) {
    store.ping().await.unwrap();
    store.migrate().await.unwrap();
    let debug = format!("{store:?}");
    assert!(!debug.contains("password"), "{debug}");
    assert_eq!(store.clone().backend(), store.backend());

    // A unique violation from a plain INSERT is a Conflict on both backends.
    let dup = "INSERT INTO settings (name, value, updated_at_ms) VALUES ('dup', '1', 0)";
    store::sqlx::query(dup).execute(store.pool()).await.unwrap();
    let err = StoreError::from(
        store::sqlx::query(dup)
            .execute(store.pool())
            .await
            .unwrap_err(),
    );
    assert!(err.is_conflict(), "{err}");

    // The in-memory SQLite variant (tests only) behaves like a file.
    let mem = Store::connect("sqlite::memory:").await.unwrap();
    mem.migrate().await.unwrap();
    mem.settings().set("k", "1", T0).await.unwrap();
    assert_eq!(mem.settings().get("k").await.unwrap().as_deref(), Some("1"));

    let err = Store::connect("mysql://root@localhost/gantry")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidUrl(_)), "{err}");
}
