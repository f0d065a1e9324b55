//! `spawn_app`: a fresh database (SQLite file, or a new PostgreSQL database when
//! `GANTRY_TEST_SERVER_BACKEND=postgres`), a fresh cache namespace, a simulator, port 0.

use std::path::Path;
use std::sync::Arc;

use domain::clock::{Clock, ManualClock};
use server::config::Settings;
use server::startup::{Application, Options};
use server::state::AppState;
use wecom::client::Secret;
use wecom_sim::{CallbackTarget, SimConfig, SimHandle};

pub const TOKEN: &str = "GantryTestToken42";
pub const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// Where the app under test keeps its data.
#[derive(Debug, Clone)]
pub struct Backing {
    pub database_url: String,
    pub cache_url: String,
    pub namespace: String,
    /// An S3-compatible bucket for files (`None`: the data dir).
    pub bucket: Option<S3Bucket>,
}

/// A bucket on the S3-compatible test server.
#[derive(Debug, Clone)]
pub struct S3Bucket {
    pub endpoint: String,
    pub name: String,
}

/// The test S3 server's URL, when `cargo xtask test` started one.
pub fn s3_url() -> Option<String> {
    std::env::var("GANTRY_TEST_S3_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A new, empty bucket on the test S3 server (which takes an unsigned create).
pub async fn fresh_bucket(endpoint: &str) -> S3Bucket {
    let name = format!("gantry-{}", rand::random::<u64>());
    let status = reqwest::Client::new()
        .put(format!("{endpoint}/{name}"))
        .send()
        .await
        .expect("S3 test server reachable")
        .status();
    assert!(status.is_success(), "creating bucket {name}: {status}");
    S3Bucket {
        endpoint: endpoint.to_owned(),
        name,
    }
}

impl Backing {
    /// SQLite + memory by default; PostgreSQL + Redis when asked for by the environment.
    pub async fn fresh(data_dir: &Path) -> Backing {
        let namespace = format!("test{}", rand::random::<u64>());
        if std::env::var("GANTRY_TEST_SERVER_BACKEND").as_deref() == Ok("postgres") {
            let admin = std::env::var("GANTRY_TEST_PG_URL")
                .expect("GANTRY_TEST_PG_URL for the postgres backend");
            let redis = std::env::var("GANTRY_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
            // The production configuration: files in object storage too, when there is one.
            let bucket = match s3_url() {
                Some(url) => Some(fresh_bucket(&url).await),
                None => None,
            };
            Backing {
                database_url: fresh_pg_database(&admin, &namespace).await,
                cache_url: redis,
                namespace,
                bucket,
            }
        } else {
            Backing {
                database_url: format!("sqlite://{}", data_dir.join("gantry.db").display()),
                cache_url: "memory".into(),
                namespace,
                bucket: None,
            }
        }
    }
}

/// Creates an empty database next to the one `admin_url` names and returns its URL.
pub async fn fresh_pg_database(admin_url: &str, name: &str) -> String {
    store::Store::create_database(admin_url, name)
        .await
        .expect("create test database")
}

/// A running app, its simulator and handles to drive both.
pub struct TestApp {
    pub base_url: String,
    pub state: AppState,
    pub sim: SimHandle,
    pub clock: Arc<ManualClock>,
    pub target: CallbackTarget,
    pub http: reqwest::Client,
    _data_dir: tempfile::TempDir,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// Copies the simulator's org into the app, as a sync would.
    pub async fn sync_org(&self) -> server::org::sync::SyncReport {
        server::org::sync::sync(
            &self.state.wecom,
            &self.state.store,
            &self.state.cipher,
            self.clock.now_ms(),
        )
        .await
        .expect("sync")
    }

    /// The app's callback URL.
    pub fn callback_url(&self) -> String {
        format!("{}/wecom/callback", self.base_url)
    }

    /// Inbox counts now.
    pub async fn inbox_stats(&self) -> store::QueueStats {
        self.state
            .store
            .inbox()
            .stats(self.clock.now_ms())
            .await
            .expect("inbox stats")
    }

    /// Outbox counts now.
    pub async fn outbox_stats(&self) -> store::QueueStats {
        self.state
            .store
            .outbox()
            .stats(self.clock.now_ms())
            .await
            .expect("outbox stats")
    }

    /// A member of the generated org who can receive messages.
    pub fn active_user(&self, nth: usize) -> String {
        let org = self.sim.org();
        org.users
            .iter()
            .filter(|u| u.status == 1)
            .nth(nth)
            .expect("enough active members")
            .userid
            .clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Knobs for one test's app.
#[derive(Debug, Clone)]
pub struct Setup {
    pub sim: SimConfig,
    pub run_workers: bool,
    pub wecom_timeout_ms: u64,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            sim: SimConfig::default(),
            run_workers: false,
            wecom_timeout_ms: 2_000,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Setup::default()).await
}

pub async fn spawn_with(setup: Setup) -> TestApp {
    init_logs();
    let sim = wecom_sim::spawn(setup.sim.clone())
        .await
        .expect("simulator");
    let data_dir = tempfile::tempdir().expect("data dir");
    let backing = Backing::fresh(data_dir.path()).await;
    let clock = Arc::new(ManualClock::new(real_now_ms()));
    let started = start(&sim, &backing, data_dir.path(), clock.clone(), &setup)
        .await
        .expect("started");
    TestApp::of(sim, data_dir, clock, started)
}

impl TestApp {
    /// The app `start` returned, with what it runs on.
    pub fn of(
        sim: SimHandle,
        data_dir: tempfile::TempDir,
        clock: Arc<ManualClock>,
        (base_url, state, server): Started,
    ) -> TestApp {
        TestApp {
            target: CallbackTarget {
                url: format!("{base_url}/wecom/callback"),
                token: TOKEN.into(),
                encoding_aes_key: AES_KEY.into(),
            },
            base_url,
            state,
            sim,
            clock,
            http: reqwest::Client::new(),
            _data_dir: data_dir,
            server: Some(server),
        }
    }
}

pub type Started = (
    String,
    AppState,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

/// Builds and starts an app over existing data (used again to "restart" in tests).
pub async fn start(
    sim: &SimHandle,
    backing: &Backing,
    data_dir: &Path,
    clock: Arc<ManualClock>,
    setup: &Setup,
) -> Option<Started> {
    // The port is picked free, released, then bound by the app: another test may take
    // it in between, so a taken port means picking again.
    let mut attempt = 0;
    let app = loop {
        attempt += 1;
        let options = Options {
            clock: clock.clone() as Arc<dyn Clock>,
            run_workers: setup.run_workers,
        };
        match Application::build(settings(sim, backing, data_dir, setup), options).await {
            Ok(app) => break app,
            Err(e) if attempt < 5 && format!("{e:#}").contains("Address already in use") => {}
            Err(e) => panic!("app builds: {e:?}"),
        }
    };
    let base_url = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    Some((base_url, state, tokio::spawn(app.run_until_stopped())))
}

pub fn settings(sim: &SimHandle, backing: &Backing, data_dir: &Path, setup: &Setup) -> Settings {
    let mut settings = Settings::load(None).expect("default settings");
    // A known port, so public_url (OAuth redirects, JS-SDK origin checks) is right.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    settings.server.bind = format!("127.0.0.1:{port}");
    settings.server.public_url = format!("http://127.0.0.1:{port}");
    settings.server.workers = 1;
    settings.server.data_dir = data_dir.to_owned();
    settings.database.url = Secret::new(backing.database_url.clone());
    settings.cache.url = Secret::new(backing.cache_url.clone());
    settings.cache.namespace = backing.namespace.clone();
    if let Some(bucket) = &backing.bucket {
        settings.files.backend = server::config::FileBackend::S3;
        settings.files.s3.endpoint = bucket.endpoint.clone();
        settings.files.s3.bucket = bucket.name.clone();
        settings.files.s3.access_key_id = Secret::new("gantry-test");
        settings.files.s3.secret_access_key = Secret::new("gantry-test-secret");
    }
    let app = sim.app().expect("sim app");
    settings.wecom.corp_id = sim.corp_id().to_owned();
    settings.wecom.agent_id = app.agent_id;
    settings.wecom.secret = Secret::new(app.secret.clone());
    settings.wecom.token = Secret::new(TOKEN);
    settings.wecom.encoding_aes_key = Secret::new(AES_KEY);
    settings.wecom.contacts_token = Secret::new("ContactsToken7");
    settings.wecom.contacts_encoding_aes_key = Secret::new(AES_KEY);
    settings.wecom.api_base = sim.base_url();
    settings.wecom.oauth_base = sim.base_url();
    settings.auth.admins = vec![sim.org().users[0].userid.clone()];
    settings.wecom.timeout_ms = setup.wecom_timeout_ms;
    settings.workers.poll_interval_ms = 50;
    settings.security.field_key = Secret::new("ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=");
    settings
}

pub fn real_now_ms() -> i64 {
    domain::clock::SystemClock.now_ms()
}

/// Every log line of this test binary, for the no-secrets-in-logs check.
pub static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = LOGS.lock() {
            logs.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Logs at debug level go both to the test harness (shown for failures) and to [`LOGS`].
pub fn init_logs() {
    use tracing_subscriber::fmt::writer::MakeWriterExt as _;
    let filter = tracing_subscriber::EnvFilter::new(
        "debug,sqlx=warn,actix_server=warn,actix_http=warn,h2=warn,hyper=warn,hyper_util=warn,reqwest=warn,rustls=warn,redis=warn",
    );
    let writer = tracing_subscriber::fmt::TestWriter::new().and(|| Capture);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init();
}
