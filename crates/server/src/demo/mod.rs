//! `gantry demo`: SQLite in a data dir, the WeCom simulator in-process wired as WeCom, a
//! generated construction company synced in, and the app on 127.0.0.1.

pub mod seed;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rand::Rng as _;
use rand::distr::Alphanumeric;
use wecom::client::Secret;
use wecom_sim::{CallbackTarget, OrgSpec, SimConfig};

use crate::config::Settings;
use crate::org::sync as org_sync;
use crate::startup::{Application, Options};

/// A running demo: the app, the simulator standing in for WeCom, and who its admin is.
#[derive(Debug)]
pub struct Demo {
    /// The simulator (browser tests read the cards it received).
    pub sim: wecom_sim::SimHandle,
    /// The app's state.
    pub state: crate::state::AppState,
    /// The seeded admin member.
    pub admin: Option<String>,
    /// Gantry's base URL.
    pub url: String,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Demo {
    /// Serves until the server stops (Ctrl-C).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.server.await??;
        Ok(())
    }
}

/// Runs the demo until Ctrl-C.
pub async fn run(
    config: Option<&Path>,
    port: u16,
    data_dir: PathBuf,
    users: usize,
) -> anyhow::Result<()> {
    let demo = start(config, port, data_dir.clone(), users).await?;
    tracing::info!("Gantry:            {}/", demo.url);
    tracing::info!("WeCom simulator:   {}/sim/console", demo.sim.base_url());
    tracing::info!("data:              {}", data_dir.display());
    if let Some(admin) = &demo.admin {
        tracing::info!("admin member:      {admin} (sign in as them in the simulator)");
    }
    demo.wait().await
}

/// Starts the demo on `port` and returns once it serves.
pub async fn start(
    config: Option<&Path>,
    port: u16,
    data_dir: PathBuf,
    users: usize,
) -> anyhow::Result<Demo> {
    let token = random_alnum(32);
    let aes_key = random_alnum(43);
    let callback_url = format!("http://127.0.0.1:{port}/wecom/callback");
    let sim = wecom_sim::spawn(SimConfig {
        org: OrgSpec {
            users,
            departments: (users / 12).max(8),
            tags: 8,
            seed: 20261121,
        },
        callback: Some(CallbackTarget {
            url: callback_url.clone(),
            token: token.clone(),
            encoding_aes_key: aes_key.clone(),
        }),
        ..SimConfig::default()
    })
    .await
    .context("cannot start the WeCom simulator")?;
    let app_config = sim.app().context("the simulator has no app")?.clone();

    let mut settings = Settings::load(config)?;
    settings.server.bind = format!("127.0.0.1:{port}");
    settings.server.public_url = format!("http://127.0.0.1:{port}");
    settings.server.data_dir = data_dir.clone();
    settings.database.url =
        Secret::new(format!("sqlite://{}", data_dir.join("gantry.db").display()));
    settings.cache.url = Secret::new("memory");
    settings.wecom.corp_id = sim.corp_id().to_owned();
    settings.wecom.agent_id = app_config.agent_id;
    settings.wecom.secret = Secret::new(app_config.secret.clone());
    settings.wecom.token = Secret::new(token.clone());
    settings.wecom.encoding_aes_key = Secret::new(aes_key.clone());
    settings.wecom.api_base = sim.base_url();
    settings.wecom.oauth_base = sim.base_url();

    let app = Application::build(settings, Options::default()).await?;
    let state = app.state().clone();
    let options = org_sync::SyncOptions::with_progress(state.cache.clone());
    let report = org_sync::sync_and_record(
        &state.wecom,
        &state.store,
        &state.cipher,
        &options,
        state.clock.now_ms(),
    )
    .await?;
    let admin = seed::seed(&state)
        .await
        .context("cannot seed the demo projects")?;
    let server = tokio::spawn(app.run_until_stopped());
    // The admin console checks the callback URL on save; the simulator does the same.
    sim.verify_url(&callback_url, &token, &aes_key)
        .await
        .context("the simulator could not verify the callback URL")?;
    tracing::info!(
        departments = report.departments,
        members = report.members,
        tags = report.tags,
        "demo org synced from the simulator"
    );
    Ok(Demo {
        sim,
        state,
        admin,
        url: format!("http://127.0.0.1:{port}"),
        server,
    })
}

fn random_alnum(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
