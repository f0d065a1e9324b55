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
use crate::org_sync;
use crate::startup::{Application, Options};

/// Runs the demo until Ctrl-C.
pub async fn run(
    config: Option<&Path>,
    port: u16,
    data_dir: PathBuf,
    users: usize,
) -> anyhow::Result<()> {
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
    let report =
        org_sync::sync_and_record(&state.wecom, &state.store, &options, state.clock.now_ms())
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
    tracing::info!("Gantry:            http://127.0.0.1:{port}/");
    tracing::info!("WeCom simulator:   {}/sim/console", sim.base_url());
    tracing::info!("data:              {}", data_dir.display());
    if let Some(admin) = admin {
        tracing::info!("admin member:      {admin} (sign in as them in the simulator)");
    }
    server.await??;
    Ok(())
}

fn random_alnum(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
