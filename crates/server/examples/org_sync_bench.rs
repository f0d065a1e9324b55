//! Full org sync at scale: `cargo xtask bench org-sync`.
//!
//! Starts wecom-sim in-process with a generated company (100,000 members, 5,000
//! departments, 200 tags by default; frequency limits raised so they do not throttle)
//! and syncs it into a fresh SQLite file and a fresh PostgreSQL database
//! (`GANTRY_TEST_PG_URL`, default postgres://postgres@127.0.0.1:5432/postgres), twice
//! each: the first run writes everything, the second finds nothing to write.
//! Peak RSS is the whole process, simulator included; the baseline line shows what the
//! simulator and its org take before any sync.
//!
//! Usage: org_sync_bench [--db sqlite|postgres|both] [--users N] [--departments N] [--tags N]

mod bench_support;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use server::org::sync::{self as org_sync, SyncOptions, SyncReport};
use wecom::client::{Client, ClientConfig, MemoryTokenStore, Secret};
use wecom_sim::OrgSpec;

struct Args {
    db: String,
    users: usize,
    departments: usize,
    tags: usize,
}

fn args() -> anyhow::Result<Args> {
    let flags = bench_support::Flags::parse(&["db", "users", "departments", "tags"])?;
    Ok(Args {
        db: flags.get("db", "both".to_owned())?,
        users: flags.get("users", 100_000)?,
        departments: flags.get("departments", 5_000)?,
        tags: flags.get("tags", 200)?,
    })
}

fn line(report: &SyncReport) -> String {
    format!(
        "{} depts, {} members, {} tags; added {} changed {} unchanged {} left {}; \
         {} WeCom calls; {} errors",
        report.departments,
        report.members,
        report.tags,
        report.added,
        report.changed,
        report.unchanged,
        report.left,
        report.wecom_calls,
        report.errors.len()
    )
}

async fn bench(db: &str, client: &Client) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    let dir = tempfile::tempdir()?;
    let store = store::Store::connect(&bench_support::database_url(db, dir.path()).await?).await?;
    store.migrate().await?;
    bench_support::reset_peak_rss();
    let options = SyncOptions::default();
    // Sealing is part of what a sync costs, so the bench seals as production does.
    let cipher = server::sealed::FieldCipher::ephemeral();
    let started = Instant::now();
    let first = org_sync::sync_with(client, &store, &cipher, &options, 1_700_000_000_000).await?;
    let first_s = started.elapsed().as_secs_f64();
    let peak = bench_support::peak_rss_mib();
    let started = Instant::now();
    let second = org_sync::sync_with(client, &store, &cipher, &options, 1_700_000_060_000).await?;
    let second_s = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "{db}: first sync {first_s:.2} s ({}), peak RSS {peak:.0} MiB",
        line(&first)
    )?;
    writeln!(out, "{db}: second sync {second_s:.2} s ({})", line(&second))?;
    if second.added + second.changed + second.left != 0 {
        bail!("the second sync wrote rows: {second:?}");
    }
    store.close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let mut out = std::io::stdout();
    let started = Instant::now();
    let sim = bench_support::simulator(OrgSpec {
        users: args.users,
        departments: args.departments,
        tags: args.tags,
        seed: 42,
    })
    .await?;
    let app = sim.app().context("the simulator has an app")?.clone();
    let mut config = ClientConfig::new(
        sim.corp_id().to_owned(),
        Some(app.agent_id),
        Secret::new(app.secret),
    );
    config.api_base = sim.base_url().parse()?;
    let client = Client::new(config, Arc::new(MemoryTokenStore::new()))?;
    writeln!(
        out,
        "simulator: {} members, {} departments, {} tags generated in {:.1} s; baseline RSS {:.0} MiB",
        args.users,
        args.departments,
        args.tags,
        started.elapsed().as_secs_f64(),
        bench_support::peak_rss_mib()
    )?;
    let dbs: &[&str] = match args.db.as_str() {
        "both" => &["sqlite", "postgres"],
        "sqlite" => &["sqlite"],
        "postgres" => &["postgres"],
        other => bail!("--db must be sqlite, postgres or both, not {other}"),
    };
    for db in dbs {
        bench(db, &client).await?;
    }
    Ok(())
}
