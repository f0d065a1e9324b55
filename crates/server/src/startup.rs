//! Building the application from settings; tests build it the same way on port 0.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use domain::clock::{Clock, SystemClock};
use store::{Store, StoreOptions};
use wecom::callback::CallbackCrypto;

use crate::config::Settings;
use crate::intake::Intake;
use crate::intake::spool::Spool;
use crate::metrics::Metrics;
use crate::routes;
use crate::sealed::FieldCipher;
use crate::state::AppState;
use crate::workers::{self, Workers};

/// A built, bound, not yet running application.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    workers: Workers,
}

/// Knobs tests turn; production uses the defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// The clock everything reads.
    pub clock: Arc<dyn Clock>,
    /// Run the background workers (tests drive them step by step instead).
    pub run_workers: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            run_workers: true,
        }
    }
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects to everything, binds `server.bind` (port 0 picks a free one).
    pub async fn build(settings: Settings, options: Options) -> anyhow::Result<Self> {
        settings.validate()?;
        std::fs::create_dir_all(&settings.server.data_dir).with_context(|| {
            format!(
                "cannot create data dir {}",
                settings.server.data_dir.display()
            )
        })?;
        let options_db = StoreOptions {
            max_connections: settings.database.max_connections,
            acquire_timeout: Duration::from_millis(settings.database.acquire_timeout_ms),
            lazy: true,
            ..StoreOptions::default()
        };
        let store = Store::connect_opts(settings.database.url.expose(), &options_db)
            .await
            .context("cannot open the database (database.url)")?;
        let cipher = field_cipher(&settings, &store)?;
        migrate_or_wait(&store, &cipher, options.clock.clone()).await?;
        let cache = cache::connect(settings.cache.url.expose(), &settings.cache.namespace)
            .await
            .context("cannot reach the cache (cache.url)")?;
        let state = build_state(settings, store, cache, cipher, options.clock.clone())?;
        let workers = if options.run_workers {
            workers::spawn_all(&state)
        } else {
            Workers::default()
        };
        let listener = TcpListener::bind(&state.settings.server.bind)
            .with_context(|| format!("cannot listen on {}", state.settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state.clone())?;
        Ok(Self {
            port,
            server,
            state,
            workers,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Shared state, for tests that drive workers or inspect the store.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the server is stopped (Ctrl-C in production).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.workers.stop().await;
        result
    }
}

/// Migrates and seeds built-in data now, or, when the database is down, keeps trying in
/// the background so the process can already accept (and spool) callbacks. Either way,
/// personal fields not sealed under the current key are resealed once migrated.
async fn migrate_or_wait(
    store: &Store,
    cipher: &FieldCipher,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<()> {
    match prepare(store, clock.as_ref()).await {
        Ok(()) => {
            reseal_at_start(store, cipher).await;
            Ok(())
        }
        Err(e) if e.is_unavailable() => {
            tracing::error!(error = %e, "database unavailable at start; callbacks will be spooled until it is back");
            let (store, cipher) = (store.clone(), cipher.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    match prepare(&store, clock.as_ref()).await {
                        Ok(()) => {
                            tracing::info!("database is back; migrations applied");
                            return reseal_at_start(&store, &cipher).await;
                        }
                        Err(e) if e.is_unavailable() => continue,
                        Err(e) => return tracing::error!(error = %e, "database migration failed"),
                    }
                }
            });
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e).context("database migration failed")),
    }
}

/// Seals what a build from before sealing left in plain text, and moves values off
/// retired keys. Never stops the start: a failure is logged, and the next org sync
/// reseals every member it reads anyway.
async fn reseal_at_start(store: &Store, cipher: &FieldCipher) {
    match crate::org::personal::reseal(store, cipher).await {
        Ok(report) if report.rewritten > 0 || !report.is_complete() => {
            let unreadable: u64 = report.unreadable.values().sum();
            if unreadable > 0 {
                tracing::error!(
                    unreadable,
                    keys = ?report.unreadable.keys().collect::<Vec<_>>(),
                    "personal fields sealed under keys not configured; restore the key under \
                     security.retired_field_keys and run `gantry reseal`"
                );
            }
            tracing::info!(
                members = report.members,
                rewritten = report.rewritten,
                plaintext = report.plaintext,
                rekeyed = report.rekeyed.values().sum::<u64>(),
                raced = report.raced,
                key_id = %report.key_id,
                "personal fields resealed at start"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "resealing personal fields at start failed"),
    }
}

/// The schema, then the built-in approval templates.
async fn prepare(store: &Store, clock: &dyn Clock) -> Result<(), store::StoreError> {
    store.migrate().await?;
    crate::approvals::seed_templates(store, clock.now_ms()).await
}

/// The field cipher of `[security]`. An ephemeral key is refused with PostgreSQL, where
/// losing it on restart would lose data for good.
fn field_cipher(settings: &Settings, store: &Store) -> anyhow::Result<FieldCipher> {
    let cipher = FieldCipher::from_settings(settings)?;
    if cipher.is_ephemeral() {
        if store.backend() == store::Backend::Postgres {
            anyhow::bail!(
                "security.field_key is empty: set GANTRY__SECURITY__FIELD_KEY to 32 random bytes in Base64 \
                 (e.g. `openssl rand -base64 32`) and back it up with the database"
            );
        }
        tracing::warn!(
            "security.field_key is empty: encrypted fields will not survive a restart (fine for the demo)"
        );
    }
    Ok(cipher)
}

fn build_state(
    settings: Settings,
    store: Store,
    cache: Arc<dyn cache::Cache>,
    cipher: FieldCipher,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppState> {
    let w = &settings.wecom;
    let app_crypto =
        CallbackCrypto::new(w.token.expose(), w.encoding_aes_key.expose(), &w.corp_id)?
            .with_max_len(settings.server.max_callback_bytes);
    let contacts_crypto = if w.contacts_token.expose().is_empty() {
        None
    } else {
        Some(
            CallbackCrypto::new(
                w.contacts_token.expose(),
                w.contacts_encoding_aes_key.expose(),
                &w.corp_id,
            )?
            .with_max_len(settings.server.max_callback_bytes),
        )
    };
    let wecom = crate::wecom_client::build(&settings, cache.clone())?;
    let metrics = Arc::new(Metrics::default());
    wecom.set_observer(metrics.clone());
    let wake = Arc::new(crate::wake::Wake::default());
    let files =
        crate::file_store::FileStore::from_settings(&settings.files, &settings.server.data_dir)?;
    tracing::info!(at = files.label(), "file store");
    let intake = Intake::start(
        store.clone(),
        Spool::in_dir(&settings.server.data_dir),
        wake.clone(),
    );
    Ok(AppState {
        settings: Arc::new(settings),
        store,
        cache,
        app_crypto,
        contacts_crypto,
        intake,
        wecom,
        clock,
        metrics,
        cipher,
        files,
        wake,
        approval_templates: Arc::default(),
    })
}

fn serve(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let workers = state.settings.server.workers;
    let max_body = state.settings.server.max_callback_bytes;
    let data = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        let metrics = data.metrics.clone();
        App::new()
            .wrap_fn(move |req, srv| {
                use actix_web::dev::Service as _;
                let started = std::time::Instant::now();
                let route = req
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".to_owned());
                let metrics = metrics.clone();
                let call = srv.call(req);
                async move {
                    let response = call.await?;
                    metrics.http(
                        &route,
                        response.status().as_u16(),
                        started.elapsed().as_secs_f64(),
                    );
                    Ok(response)
                }
            })
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(max_body))
            // Malformed input anywhere answers the `{code, message}` contract.
            .app_data(crate::error::json_config(max_body))
            .app_data(crate::error::form_config(max_body))
            .app_data(crate::error::query_config())
            .app_data(crate::error::path_config())
            .configure(routes::configure)
    })
    .shutdown_timeout(10)
    .client_request_timeout(Duration::from_secs(10))
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}
