//! Load benchmark of the callback intake: `cargo xtask bench callback`.
//!
//! Starts Gantry in-process (workers off, so only intake is measured), pre-builds N distinct
//! signed and encrypted callbacks, and drives them with wrk at 64 connections. Afterwards
//! it checks that every acknowledged callback is in the inbox: the figure is for durable
//! storage, not just answers.
//!
//! Usage: callback_bench [--db sqlite|postgres] [--seconds 10] [--connections 64]

mod bench_support;

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::Command;

use anyhow::{Context as _, bail};
use server::config::Settings;
use server::startup::{Application, Options};
use wecom::callback::CallbackCrypto;
use wecom::client::Secret;

const CORP: &str = "wwbe7c0ffee0000001";
const TOKEN: &str = "BenchToken";
use bench_support::AES_KEY;

struct Args {
    db: String,
    seconds: u32,
    connections: u32,
    requests: usize,
}

fn args() -> anyhow::Result<Args> {
    let flags = bench_support::Flags::parse(&["db", "seconds", "connections", "requests"])?;
    Ok(Args {
        db: flags.get("db", "sqlite".to_owned())?,
        seconds: flags.get("seconds", 10)?,
        connections: flags.get("connections", 64)?,
        requests: flags.get("requests", 300_000)?,
    })
}

/// One wrk request per line: `query<TAB>body`.
fn write_requests(path: &std::path::Path, n: usize) -> anyhow::Result<()> {
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, CORP)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for i in 0..n {
        let xml = format!(
            "<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[worker{}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[三号楼今日浇筑完成，进度正常 #{i}]]></Content><MsgId>{}</MsgId><AgentID>1000002</AgentID></xml>",
            i % 997,
            7_000_000_000_000_000_000u64 + i as u64
        );
        let sealed = crypto.seal(xml.as_bytes(), "1700000000", &i.to_string());
        writeln!(
            out,
            "msg_signature={}&timestamp=1700000000&nonce={i}\t{}",
            sealed.msg_signature,
            sealed.post_body(CORP, Some(1000002))
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Each wrk thread takes every `threads`-th line, so no two requests repeat a callback.
fn lua_script(requests: &std::path::Path) -> String {
    format!(
        r#"
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  reqs = {{}}
  local n = 0
  for line in io.lines("{}") do
    if n % 2 == id then
      local q, b = line:match("([^\t]*)\t(.*)")
      reqs[#reqs + 1] = wrk.format("POST", "/wecom/callback?" .. q, {{["Content-Type"] = "text/xml"}}, b)
    end
    n = n + 1
  end
  i = 0
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
"#,
        requests.display()
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::load(None)?;
    settings.server.bind = "127.0.0.1:0".into();
    settings.server.workers = 2;
    settings.server.data_dir = dir.path().to_owned();
    settings.database.url = Secret::new(bench_support::database_url(&args.db, dir.path()).await?);
    settings.database.max_connections = 4;
    settings.wecom.corp_id = CORP.into();
    settings.wecom.agent_id = 1000002;
    settings.wecom.secret = Secret::new("unused");
    settings.wecom.token = Secret::new(TOKEN);
    settings.wecom.encoding_aes_key = Secret::new(AES_KEY);
    settings.wecom.api_base = "http://127.0.0.1:9".into();
    settings.security.field_key = Secret::new("ZmllbGQta2V5LWZpZWxkLWtleS1maWVsZC1rZXktMzI=");
    let app = Application::build(
        settings,
        Options {
            run_workers: false,
            ..Options::default()
        },
    )
    .await?;
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());

    let requests = dir.path().join("requests.tsv");
    write_requests(&requests, args.requests)?;
    let script = dir.path().join("callbacks.lua");
    std::fs::write(&script, lua_script(&requests))?;
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{}", args.connections),
            &format!("-d{}s", args.seconds),
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .context("wrk is needed: apt-get install wrk")?;
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&output.stderr));
    }

    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let stored = state.store.inbox().stats(0).await?.pending;
    let answered = field(&report, "requests in").unwrap_or_default();
    let errors = field(&report, "Non-2xx or 3xx responses:").unwrap_or_default();
    let mut summary = String::new();
    let _ = writeln!(
        summary,
        "backend {}: {} req/s; latency p50 {} p90 {} p99 {}; {} answered, {} non-2xx, {} stored",
        args.db,
        line_value(&report, "Requests/sec:").unwrap_or("?"),
        percentile(&report, "50%").unwrap_or("?"),
        percentile(&report, "90%").unwrap_or("?"),
        percentile(&report, "99%").unwrap_or("?"),
        answered,
        errors,
        stored
    );
    let mut stdout = std::io::stdout();
    write!(stdout, "{report}\n{summary}")?;
    Ok(())
}

fn line_value<'a>(report: &'a str, label: &str) -> Option<&'a str> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(str::trim)
}

fn percentile<'a>(report: &'a str, label: &str) -> Option<&'a str> {
    report
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(label))
        .and_then(|l| l.split_whitespace().nth(1))
}

/// `123 requests in 10.0s` → 123; `Non-2xx or 3xx responses: 5` → 5.
fn field(report: &str, label: &str) -> Option<u64> {
    let line = report.lines().find(|l| l.contains(label))?;
    let number = if label.ends_with(':') {
        line.rsplit(':').next()?.trim()
    } else {
        line.split_whitespace().next()?
    };
    number.parse().ok()
}
