//! `wecom-sim`: runs the simulator until Ctrl-C.

use std::time::Duration;

use clap::Parser;
use wecom_sim::{CallbackTarget, OrgSpec, SimConfig};

/// A WeCom (企业微信) simulator for local development and demos.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, env = "WECOM_SIM_PORT", default_value_t = 0)]
    port: u16,
    /// Number of generated members.
    #[arg(long, default_value_t = 200)]
    users: usize,
    /// Number of generated departments.
    #[arg(long, default_value_t = 20)]
    depts: usize,
    /// Number of generated tags.
    #[arg(long, default_value_t = 5)]
    tags: usize,
    /// Generator seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The app's callback URL (enables /sim/click and /sim/text).
    #[arg(long, env = "WECOM_SIM_CALLBACK_URL", requires_all = ["callback_token", "callback_aes_key"])]
    callback_url: Option<String>,
    /// Callback Token.
    #[arg(long, env = "WECOM_SIM_CALLBACK_TOKEN")]
    callback_token: Option<String>,
    /// Callback EncodingAESKey (43 characters).
    #[arg(long, env = "WECOM_SIM_CALLBACK_AES_KEY")]
    callback_aes_key: Option<String>,
    /// Access token lifetime in seconds.
    #[arg(long, default_value_t = 7200)]
    token_ttl: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let callback = match (
        args.callback_url,
        args.callback_token,
        args.callback_aes_key,
    ) {
        (Some(url), Some(token), Some(encoding_aes_key)) => Some(CallbackTarget {
            url,
            token,
            encoding_aes_key,
        }),
        _ => None,
    };
    let config = SimConfig {
        org: OrgSpec {
            users: args.users,
            departments: args.depts,
            tags: args.tags,
            seed: args.seed,
        },
        token_ttl: Duration::from_secs(args.token_ttl),
        callback,
        ..SimConfig::default()
    };
    let sim = wecom_sim::spawn_on(config, args.port).await?;
    print_banner(&sim);
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}

#[allow(
    clippy::print_stdout,
    reason = "the binary's job is to tell the user where it listens"
)]
fn print_banner(sim: &wecom_sim::SimHandle) {
    let cfg = sim.config();
    println!("wecom-sim listening on {}", sim.base_url());
    println!("corp_id          {}", cfg.corp_id);
    println!("contacts_secret  {}", cfg.contacts_secret);
    for app in &cfg.apps {
        println!("app agent_id     {}  secret {}", app.agent_id, app.secret);
    }
    let org = sim.org();
    println!(
        "org              {} users, {} departments, {} tags",
        org.users.len(),
        org.departments.len(),
        org.tags.len()
    );
    println!(
        "oauth            {}/connect/oauth2/authorize?appid={}&redirect_uri=...&response_type=code&scope=snsapi_base&state=s",
        sim.base_url(),
        cfg.corp_id
    );
}
