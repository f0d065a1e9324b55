//! The [`Store`] handle: connect by URL, migrate, ping, transactions, repositories.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use crate::target::{Backend, Target};
use crate::{Audit, Inbox, Org, Outbox, Roles, Sessions, Settings, StoreError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// A write transaction on either backend.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Pool and timeout settings; [`Default`] suits a single `gantry` process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long a call waits for a connection (including reconnecting) before it fails
    /// with [`StoreError::Unavailable`]. Kept short so callers spool instead of hanging.
    pub acquire_timeout: Duration,
    /// Upper bound for [`Store::ping`].
    pub ping_timeout: Duration,
    /// How long SQLite waits for another connection's write lock.
    pub sqlite_busy_timeout: Duration,
    /// Open no connection until the first call, so a process can start (and spool
    /// callbacks) while PostgreSQL is down; a wrong URL then surfaces on first use.
    pub lazy: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(3),
            ping_timeout: Duration::from_secs(2),
            sqlite_busy_timeout: Duration::from_secs(5),
            lazy: false,
        }
    }
}

/// The database: a connection pool plus the repositories over it.
///
/// Cloning is cheap (the pool is shared). `Debug` shows the URL with the password masked.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    redacted_url: Arc<str>,
    ping_timeout: Duration,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.redacted_url)
            .field("connections", &self.pool.size())
            .finish()
    }
}

impl Store {
    /// Connects with [`StoreOptions::default`]. See [`Store::connect_opts`].
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Self::connect_opts(url, &StoreOptions::default()).await
    }

    /// Connects with a pool of at most `max_connections`.
    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let opts = StoreOptions {
            max_connections,
            ..StoreOptions::default()
        };
        Self::connect_opts(url, &opts).await
    }

    /// Connects to `sqlite://path`, `sqlite::memory:` (tests only) or `postgres://…`.
    ///
    /// One connection is opened now so a wrong URL, password or database name fails at
    /// startup; later outages surface per call as [`StoreError::Unavailable`]. A SQLite
    /// file and its parent directories are created if missing and switched to WAL.
    pub async fn connect_opts(url: &str, opts: &StoreOptions) -> Result<Store, StoreError> {
        install_default_drivers();
        let target = Target::parse(url)?;
        let any_opts: AnyConnectOptions = target
            .connect_url
            .parse()
            .map_err(|e: sqlx::Error| StoreError::InvalidUrl(e.to_string().into()))?;
        if let Some(file) = &target.sqlite_file {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Unavailable(e.into()))?;
            }
            enable_wal(&any_opts).await?;
        }

        let mut pool = AnyPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(opts.acquire_timeout);
        if target.backend == Backend::Sqlite {
            let busy_ms = opts.sqlite_busy_timeout.as_millis();
            pool = pool.after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(format!("PRAGMA busy_timeout = {busy_ms}").as_str())
                        .await?;
                    // sqlx turns this on already; stated here because the org tables rely on it.
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    // FULL: every commit is fsync'd, so a callback acknowledged to WeCom
                    // survives power loss too. Callers batch writes (group commit) to pay
                    // for one fsync per batch, not per row.
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    Ok(())
                })
            });
        }
        if target.in_memory {
            // Every new connection to `:memory:` is a fresh empty database, so keep one
            // connection for the life of the pool.
            pool = pool
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let pool = if opts.lazy {
            pool.connect_lazy_with(any_opts)
        } else {
            pool.connect_with(any_opts).await?
        };
        tracing::debug!(backend = ?target.backend, url = %target.redacted, "database connected");
        Ok(Store {
            pool,
            backend: target.backend,
            redacted_url: target.redacted.into(),
            ping_timeout: opts.ping_timeout,
        })
    }

    /// Creates an empty PostgreSQL database `name` on the server `admin_url` points at and
    /// returns its URL (same credentials and options). For provisioning, tests and
    /// benchmarks; `name` must be lowercase letters, digits and `_`.
    pub async fn create_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(StoreError::InvalidUrl(
                format!("bad database name {name:?}").into(),
            ));
        }
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, Some(query)),
            None => (admin_url, None),
        };
        let Some((server, _)) = base.rsplit_once('/').filter(|(s, _)| s.contains("://")) else {
            return Err(StoreError::InvalidUrl(
                "the admin URL needs a database name".into(),
            ));
        };
        install_default_drivers();
        let mut admin = AnyConnection::connect(admin_url).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(match query {
            Some(query) => format!("{server}/{name}?{query}"),
            None => format!("{server}/{name}"),
        })
    }

    /// Applies the embedded migrations for this backend (idempotent; PostgreSQL takes an
    /// advisory lock, so replicas starting together are safe).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(StoreError::from_migrate)
    }

    /// Which backend the URL chose.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with the password masked, for logs and the admin console.
    pub fn redacted_url(&self) -> &str {
        &self.redacted_url
    }

    /// `SELECT 1`, bounded by [`StoreOptions::ping_timeout`]; for `/readyz` and for
    /// deciding when a spool can be replayed.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        match tokio::time::timeout(self.ping_timeout, ping).await {
            Ok(result) => result.map(|_| ()).map_err(StoreError::from),
            Err(_) => Err(StoreError::Unavailable(sqlx::Error::Io(
                std::io::Error::new(std::io::ErrorKind::TimedOut, "ping timed out"),
            ))),
        }
    }

    /// Starts a write transaction. Commit it with `tx.commit().await`; dropping it rolls
    /// back.
    ///
    /// On SQLite this is `BEGIN IMMEDIATE`: a deferred transaction that reads first and
    /// writes later fails at once with `SQLITE_BUSY` when another connection wrote in
    /// between, while an immediate one waits its turn under `busy_timeout`.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// The pool, for the rare query that has no repository yet.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection and waits for them; later calls fail. Tests use it before
    /// dropping their database.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Verified callbacks waiting to be handled.
    pub fn inbox(&self) -> Inbox<'_> {
        Inbox::new(self)
    }

    /// WeCom sends waiting to go out.
    pub fn outbox(&self) -> Outbox<'_> {
        Outbox::new(self)
    }

    /// The WeCom directory mirror.
    pub fn org(&self) -> Org<'_> {
        Org::new(self)
    }

    /// System role grants.
    pub fn roles(&self) -> Roles<'_> {
        Roles::new(self)
    }

    /// Approval templates and instances.
    pub fn approvals(&self) -> crate::Approvals<'_> {
        crate::Approvals::new(self)
    }

    /// Projects and project roles.
    pub fn projects(&self) -> crate::Projects<'_> {
        crate::Projects::new(self)
    }

    /// Tasks, links, baselines, check-ins and daily reports.
    pub fn tasks(&self) -> crate::Tasks<'_> {
        crate::Tasks::new(self)
    }

    /// Which stored files are unused uploads.
    pub fn stored_files(&self) -> crate::StoredFiles<'_> {
        crate::StoredFiles::new(self)
    }

    /// Leavers' work flagged for handing over.
    pub fn reassignments(&self) -> crate::Reassignments<'_> {
        crate::Reassignments::new(self)
    }

    /// Browser sessions.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions::new(self)
    }

    /// Small key → JSON text values.
    pub fn settings(&self) -> Settings<'_> {
        Settings::new(self)
    }

    /// The tamper-evident audit log.
    pub fn audit(&self) -> Audit<'_> {
        Audit::new(self)
    }
}

/// Switches the file to WAL once, on a connection of its own: changing the journal mode
/// needs an exclusive lock that `busy_timeout` does not wait for, so doing it per pool
/// connection could fail under load. The mode is stored in the file.
async fn enable_wal(opts: &AnyConnectOptions) -> Result<(), StoreError> {
    let mut conn = AnyConnection::connect_with(opts).await?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
        .fetch_one(&mut conn)
        .await?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "SQLite refused WAL; concurrent readers will block writers");
    }
    conn.close().await?;
    Ok(())
}
