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
