//! `cargo xtask bench h5`: the H5's budgets, measured in headless Chromium against the demo.
//!
//! 1. What the first page loads (index, css, js glue, wasm), raw / gzip / brotli, against
//!    250 KB brotli; the JS-SDK apart (it loads only inside WeCom, on first use).
//! 2. First render of 工作台 by the app (the `gantry:workbench` performance mark, from
//!    navigation start) with 4× CPU throttling, cold cache, on two mobile network
//!    profiles, with the static skeleton's first contentful paint; and a repeat visit
//!    (hashed assets cached).
//! 3. The Gantt of 2,000 and 10,000 tasks: navigation to drawn (`gantry:gantt`), at full
//!    speed and at 4× CPU throttling, and a jump-scroll to the middle redrawn.

// The report is what this program is for.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use browser_tests::{Browser, free_port};
use domain::calendar::Day;
use serde_json::{Value, json};

const RUNS: usize = 5;
const BUDGET_BYTES: u64 = 250 * 1000;

/// (name, latency ms, download kbit/s, upload kbit/s), as Chrome DevTools and Lighthouse
/// define them.
const PROFILES: [(&str, f64, f64, f64); 2] = [
    ("Slow 4G (150 ms, 1.6 Mbit/s)", 150.0, 1_600.0, 750.0),
    ("Fast 3G (562.5 ms, 1.44 Mbit/s)", 562.5, 1_440.0, 675.0),
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    sizes(&root.join("h5/dist"))?;

    let data = tempfile::tempdir()?;
    let demo = server::demo::start(None, free_port(), data.path().to_path_buf(), 60).await?;
    let admin = demo.admin.clone().context("the demo has an admin")?;
    let today = Day::of_ms(demo.state.clock.now_ms());
    let mut big = Vec::new();
    for (code, n) in [("G-2000", 2_000), ("G-10000", 10_000)] {
        let name = format!("{n} 项任务的项目");
        let origin = today.plus(-60);
        big.push(server::demo::seed::sample_schedule(&demo.state, code, &name, n, origin).await?);
    }
    let (two_thousand, ten_thousand) = (big[0], big[1]);
    let shots =
        PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
            .join("h5-bench");
    let b = Browser::start(&demo.url, shots).await?;
    b.sign_in(&admin, "/").await?;
    b.wait_for("#stat-mine").await?;
    b.cdp("Network.enable", json!({})).await?;

    println!("\nfirst render of 工作台, 4× CPU throttling (median of {RUNS}; min–max)");
    b.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 4}))
        .await?;
    for (name, latency, down, up) in PROFILES {
        b.cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": latency,
                   "downloadThroughput": down * 1000.0 / 8.0, "uploadThroughput": up * 1000.0 / 8.0}),
        )
        .await?;
        b.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}))
            .await?;
        let cold = timed(&b, "/", "gantry:workbench").await?;
        let skeleton = timed(&b, "/", "first-contentful-paint").await?;
        let first_screen = timed(&b, "/", "gantry:first-screen").await?;
        b.cdp("Network.setCacheDisabled", json!({"cacheDisabled": false}))
            .await?;
        timed(&b, "/", "gantry:workbench").await?;
        let warm = timed(&b, "/", "gantry:workbench").await?;
        println!(
            "  {name}: cold: counts in the served page {}, first paint {}, the app {}; repeat visit {}",
            show(&first_screen),
            show(&skeleton),
            show(&cold),
            show(&warm)
        );
    }
    b.cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
    )
    .await?;

    println!("\nGantt, navigation start → drawn (median of {RUNS}; min–max); jump-scroll redraw");
    for (rate, label) in [(1, "full speed"), (4, "4× CPU throttling")] {
        b.cdp("Emulation.setCPUThrottlingRate", json!({"rate": rate}))
            .await?;
        for (id, n) in [(two_thousand, 2_000), (ten_thousand, 10_000)] {
            let path = format!("/projects/{id}/gantt");
            let drawn = timed(&b, &path, "gantry:gantt").await?;
            let (scroll_ms, rows) = jump_scroll(&b).await?;
            println!(
                "  {n:>6} tasks, {label}: {}; scroll to the middle redrawn in {scroll_ms:.0} ms ({rows} rows in the DOM)",
                show(&drawn)
            );
        }
    }
    b.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 1}))
        .await?;
    b.shot("gantt-10000").await?;
    Ok(())
}

/// Sizes of what the first page loads.
fn sizes(dist: &Path) -> anyhow::Result<()> {
    let index = std::fs::read_to_string(dist.join("index.html"))
        .context("h5/dist is not built: run cargo xtask build-h5")?;
    let admin = std::fs::read_to_string(dist.join("admin.html")).unwrap_or_default();
    let mut first_page: Vec<String> = vec!["index.html".into()];
    let mut admin_page: Vec<String> = vec!["admin.html".into()];
    let mut jssdk = None;
    for asset in std::fs::read_dir(dist.join("assets"))? {
        let name = asset?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let path = format!("assets/{name}");
        if name.starts_with("wecom-") {
            jssdk = Some(path);
        } else if index.contains(&format!("/{path}")) {
            first_page.push(path);
        } else if admin.contains(&format!("/{path}")) {
            admin_page.push(path);
        }
    }
    first_page.sort();
    let size = |p: &str| {
        std::fs::metadata(dist.join(p))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    // A file too small to be worth compressing goes as it is.
    let packed = |p: &str, ext: &str| match size(&format!("{p}.{ext}")) {
        0 => size(p),
        n => n,
    };
    println!("what the first page loads (bytes)");
    println!(
        "  {:<34} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip", "brotli"
    );
    let mut totals = (0, 0, 0);
    for p in &first_page {
        let (raw, gz, br) = (size(p), packed(p, "gz"), packed(p, "br"));
        totals = (totals.0 + raw, totals.1 + gz, totals.2 + br);
        println!("  {p:<34} {raw:>9} {gz:>9} {br:>9}");
    }
    println!(
        "  {:<34} {:>9} {:>9} {:>9}  (budget {BUDGET_BYTES} brotli: {})",
        "total",
        totals.0,
        totals.1,
        totals.2,
        if totals.2 <= BUDGET_BYTES {
            "met"
        } else {
            "NOT met"
        }
    );
    let admin_total: u64 = admin_page.iter().map(|p| packed(p, "br")).sum();
    println!(
        "  {:<34} {:>29}  (管理, its own bundle, loaded only by admins)",
        "admin.html + its js and wasm", admin_total
    );
    if let Some(p) = jssdk {
        println!(
            "  {p:<34} {:>9} {:>9} {:>9}  (inside WeCom, on first use)",
            size(&p),
            packed(&p, "gz"),
            packed(&p, "br")
        );
    }
    Ok(())
}

/// Navigates to `path` `RUNS` times; the milliseconds from navigation start to `mark`.
async fn timed(b: &Browser, path: &str, mark: &str) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        b.open(path).await?;
        let started = std::time::Instant::now();
        loop {
            let at = b
                .client
                .execute(
                    "const m = performance.getEntriesByName(arguments[0]); \
                     return m.length ? m[0].startTime : null;",
                    vec![json!(mark)],
                )
                .await?;
            if let Some(ms) = at.as_f64() {
                times.push(ms);
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "{mark} never came"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

fn show(times: &[f64]) -> String {
    format!(
        "{:.0} ms ({:.0}–{:.0})",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    )
}

/// Scrolls the chart to its middle and waits two frames; (ms, rows in the DOM).
async fn jump_scroll(b: &Browser) -> anyhow::Result<(f64, u64)> {
    let answer: Value = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const box = document.querySelector('.gantt-scroll');
             const t0 = performance.now();
             box.scrollTop = box.scrollHeight / 2;
             box.dispatchEvent(new Event('scroll'));
             requestAnimationFrame(() => requestAnimationFrame(() => {
               const svg = document.getElementById('gantt-svg');
               done([performance.now() - t0, Number(svg.getAttribute('data-drawn'))]);
             }));",
            vec![],
        )
        .await?;
    Ok((
        answer[0].as_f64().unwrap_or_default(),
        answer[1].as_u64().unwrap_or_default(),
    ))
}
