//! What the benchmark examples share: a fresh database per run and peak-memory readings.

#![allow(dead_code, reason = "each example uses part of this")]

use anyhow::bail;

/// A fresh database for `db` (`sqlite`: a file in `dir`; `postgres`: a new database on
/// `GANTRY_TEST_PG_URL`, default postgres://postgres@127.0.0.1:5432/postgres).
pub async fn database_url(db: &str, dir: &std::path::Path) -> anyhow::Result<String> {
    match db {
        "sqlite" => Ok(format!("sqlite://{}", dir.join("bench.db").display())),
        "postgres" => {
            let admin = std::env::var("GANTRY_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("bench{}", rand::random::<u32>());
            Ok(store::Store::create_database(&admin, &name).await?)
        }
        other => bail!("--db must be sqlite or postgres, not {other}"),
    }
}

/// Peak resident set size of this process, in MiB (`VmHWM`).
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets the peak so each phase's figure is its own (Linux ≥ 4.0).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The EncodingAESKey every benchmark app uses.
pub const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// `--name value` command-line flags, each name one the benchmark knows.
pub struct Flags(std::collections::BTreeMap<String, String>);

impl Flags {
    /// Reads the process arguments; an unknown flag or a missing value is an error.
    pub fn parse(known: &[&str]) -> anyhow::Result<Self> {
        let raw: Vec<String> = std::env::args().skip(1).collect();
        let mut flags = std::collections::BTreeMap::new();
        for pair in raw.chunks(2) {
            let name = pair[0].strip_prefix("--").unwrap_or(&pair[0]);
            if !known.contains(&name) {
                bail!("unknown flag {}; known: {known:?}", pair[0]);
            }
            let Some(value) = pair.get(1) else {
                bail!("{} takes a value", pair[0]);
            };
            flags.insert(name.to_owned(), value.clone());
        }
        Ok(Self(flags))
    }

    /// The value of `--name`, or `default` when absent.
    pub fn get<T>(&self, name: &str, default: T) -> anyhow::Result<T>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        match self.0.get(name) {
            Some(v) => v.parse().map_err(|e| anyhow::anyhow!("--{name} {v}: {e}")),
            None => Ok(default),
        }
    }
}

/// Settings for a real app against `sim` on `database_url`, callbacks signed with
/// `token` and [`AES_KEY`] on both callback URLs.
pub fn app_settings(
    sim: &wecom_sim::SimHandle,
    database_url: String,
    dir: &std::path::Path,
    token: &str,
) -> anyhow::Result<server::config::Settings> {
    use anyhow::Context as _;
    use wecom::client::Secret;
    let mut settings = server::config::Settings::load(None)?;
    settings.server.bind = "127.0.0.1:0".into();
    settings.server.workers = 2;
    settings.server.data_dir = dir.to_owned();
    settings.database.url = Secret::new(database_url);
    settings.database.max_connections = 20;
    let app = sim.app().context("the simulator has an app")?;
    settings.wecom.corp_id = sim.corp_id().to_owned();
    settings.wecom.agent_id = app.agent_id;
    settings.wecom.secret = Secret::new(app.secret.clone());
    settings.wecom.token = Secret::new(token);
    settings.wecom.encoding_aes_key = Secret::new(AES_KEY);
    settings.wecom.contacts_token = Secret::new(token);
    settings.wecom.contacts_encoding_aes_key = Secret::new(AES_KEY);
    settings.wecom.api_base = sim.base_url();
    settings.wecom.oauth_base = sim.base_url();
    settings.security.field_key = Secret::new("ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=");
    // Benchmarks measure the work at any hour: no quiet hours.
    settings.reminders.quiet_from = "00:00".into();
    settings.reminders.quiet_until = "00:00".into();
    Ok(settings)
}

/// A simulator with `org` whose per-corp API limits are lifted (the benchmarks measure
/// Gantry, not WeCom's quotas).
pub async fn simulator(org: wecom_sim::OrgSpec) -> anyhow::Result<wecom_sim::SimHandle> {
    Ok(wecom_sim::spawn(wecom_sim::SimConfig {
        org,
        limits: wecom_sim::SimLimits {
            api_per_minute: u32::MAX,
            api_per_hour: u32::MAX,
            ..wecom_sim::SimLimits::default()
        },
        workers: 2,
        ..wecom_sim::SimConfig::default()
    })
    .await?)
}

/// A real app against `sim` on a fresh `db` database in `dir`, serving, workers off
/// (a benchmark drives them); its state and port.
pub async fn app(
    sim: &wecom_sim::SimHandle,
    db: &str,
    dir: &std::path::Path,
    token: &str,
) -> anyhow::Result<(server::state::AppState, u16)> {
    let url = database_url(db, dir).await?;
    let app = server::startup::Application::build(
        app_settings(sim, url, dir, token)?,
        server::startup::Options {
            run_workers: false,
            ..server::startup::Options::default()
        },
    )
    .await?;
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    Ok((state, port))
}
