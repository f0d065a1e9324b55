//! Test databases: a fresh SQLite file per test, and a fresh PostgreSQL database per
//! test when `GANTRY_TEST_PG_URL` is set (the atuin tests-database pattern: no shared,
//! serialised test database).

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

pub mod proxy;

use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

use store::sqlx::{self, Connection};
use store::{Store, StoreOptions};

/// The env var naming a PostgreSQL server tests may create databases on.
pub const PG_ENV: &str = "GANTRY_TEST_PG_URL";

/// A migrated store on a database of its own, removed when dropped.
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    /// The URL the store connected to.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    // Declared after `store` so the pool is dropped before the database.
    pg: Option<PgDatabase>,
}

impl TestDb {
    /// A fresh SQLite file in a temp dir.
    pub async fn sqlite() -> TestDb {
        Self::sqlite_with(&StoreOptions::default()).await
    }

    /// A fresh SQLite file with the given pool options.
    pub async fn sqlite_with(opts: &StoreOptions) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        // A nested path also checks that missing parent directories are created.
        let url = format!("sqlite://{}/data/gantry.db", dir.path().display());
        let store = Store::connect_opts(&url, opts)
            .await
            .expect("connect sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a note) when the env var is unset.
    pub async fn postgres() -> Option<TestDb> {
        Self::postgres_with(&StoreOptions::default()).await
    }

    /// A fresh PostgreSQL database with the given pool options.
    pub async fn postgres_with(opts: &StoreOptions) -> Option<TestDb> {
        let pg = create_pg_database().await?;
        let store = Store::connect_opts(&pg.url, opts)
            .await
            .expect("connect postgres");
        store.migrate().await.expect("migrate postgres");
        Some(TestDb {
            store,
            url: pg.url.clone(),
            _dir: None,
            pg: Some(pg),
        })
    }
}

/// Creates a uniquely named, empty database; `None` (with a note) when the env var is
/// unset.
pub async fn create_pg_database() -> Option<PgDatabase> {
    let Ok(admin_url) = std::env::var(PG_ENV) else {
        static NOTE: Once = Once::new();
        NOTE.call_once(|| {
            // Straight to the stderr handle: libtest captures `eprintln!` of passing tests.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: {PG_ENV} is unset; skipping the PostgreSQL half"
            );
        });
        return None;
    };
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "gantry_test_{}_{}_{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let url = store::Store::create_database(&admin_url, &name)
        .await
        .expect("create test database");
    Some(PgDatabase {
        url,
        admin_url,
        name,
    })
}

/// A test database on the PostgreSQL server, dropped with this value even when the
/// test panicked.
#[derive(Debug)]
pub struct PgDatabase {
    /// Where to connect to it.
    pub url: String,
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot block on itself: use a
        // thread with a runtime of its own. FORCE ends the pool's open connections.
        let joined = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(joined, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database: {joined:?}");
        }
    }
}

/// Runs a story on a fresh SQLite database and, when configured, a fresh PostgreSQL
/// one: `both_backends!(name => story_fn)` makes `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident => $story:path),* $(,)?) => {
        $(
            mod $name {
                use super::*;

                #[tokio::test]
                async fn sqlite() {
                    let db = support::TestDb::sqlite().await;
                    $story(&db.store).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(db) = support::TestDb::postgres().await else { return };
                    $story(&db.store).await;
                }
            }
        )*
    };
}
