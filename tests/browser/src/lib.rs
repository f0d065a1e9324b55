//! Headless Chromium driven over WebDriver, shared by the browser tests and the H5
//! benchmark: a phone-sized page, sign-in through the simulator's OAuth picker, waits that
//! poll instead of sleeping, screenshots, and Chrome DevTools commands for throttling.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// The longest any wait lasts.
pub const WAIT: Duration = Duration::from_secs(20);

/// A browser session with its chromedriver.
#[derive(Debug)]
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    base: String,
    shots: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn tool(env: &str, default: &str) -> anyhow::Result<String> {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_owned());
    if !Path::new(&path).exists() {
        bail!(
            "{path} is missing: install Debian's chromium, chromium-driver and fonts-wqy-microhei \
             (.ci/run does), or point {env} at them"
        );
    }
    Ok(path)
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a 390×844 phone viewport; screenshots
    /// go to `shots`.
    pub async fn start(base: &str, shots: PathBuf) -> anyhow::Result<Self> {
        Self::start_as(base, shots, None).await
    }

    /// [`Browser::start`] with another user agent (WeCom's webview says `wxwork/…`).
    pub async fn start_as(
        base: &str,
        shots: PathBuf,
        user_agent: Option<&str>,
    ) -> anyhow::Result<Self> {
        let chromium = tool("GANTRY_CHROMIUM", "/usr/bin/chromium")?;
        let chromedriver = tool("GANTRY_CHROMEDRIVER", "/usr/bin/chromedriver")?;
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver")?;
        let profile = tempfile::tempdir()?;
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--lang=zh-CN",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        // A phone's viewport and touch, as Chrome's device emulation gives them.
        let mut phone = json!({"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1.0, "touch": true}});
        if let Some(agent) = user_agent {
            phone["userAgent"] = json!(agent);
        }
        let caps = json!({"goog:chromeOptions": {
            "binary": chromium, "args": args, "mobileEmulation": phone
        }});
        let caps = caps.as_object().cloned().unwrap_or_default();
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() > WAIT => bail!("chromedriver did not answer: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        // The profile lives as long as the browser; chromium removes nothing itself.
        std::mem::forget(profile);
        std::fs::create_dir_all(&shots)?;
        Ok(Self {
            client,
            driver,
            base: base.to_owned(),
            shots,
        })
    }

    /// Opens `path` on the app.
    pub async fn open(&self, path: &str) -> anyhow::Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// Signs in as `userid` the way a browser outside WeCom does: Gantry's login sends it
    /// to WeCom OAuth (the simulator's member picker), which sends it back with a code.
    pub async fn sign_in(&self, userid: &str, then: &str) -> anyhow::Result<()> {
        self.client.delete_all_cookies().await?;
        self.open(&format!("/auth/wecom/login?redirect={then}"))
            .await?;
        let search = self.wait_for("input[name=sim_q]").await?;
        search.send_keys(userid).await?;
        search.send_keys("\n").await?;
        // The search reloads the picker; links found before that would be stale.
        let started = Instant::now();
        while !self.client.current_url().await?.as_str().contains("sim_q=") {
            if started.elapsed() > WAIT {
                bail!("the simulator's member search never answered");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.click(&format!("a[href*='sim_userid={userid}']"))
            .await?;
        Ok(())
    }

    /// Waits for an element.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// Waits until the element's text satisfies `ok`; returns the text.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < WAIT {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if ok(&last) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} never showed what was expected; last text: {last:?}")
    }

    /// Clicks as a thumb would: scrolled to the middle of the screen first, clear of the
    /// fixed tab bar.
    /// A page still filling in may move the element after the scroll (a list above it
    /// loads): then it is scrolled to again, a few times, before the click counts as
    /// refused.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let mut tries = 0;
        loop {
            let element = self.wait_for(css).await?;
            self.client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&element)?],
                )
                .await?;
            match element.click().await {
                Ok(_) => return Ok(()),
                Err(e) if tries < 5 && e.to_string().contains("intercepted") => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                Err(e) => return Err(e).with_context(|| format!("clicking {css}")),
            }
        }
    }

    /// How many elements match.
    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Types into an input.
    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        self.wait_for(css).await?.send_keys(text).await?;
        Ok(())
    }

    /// Sets an input's value as a person would (for date inputs, whose typing is locale-bound).
    pub async fn set_value(&self, id: &str, value: &str) -> anyhow::Result<()> {
        self.wait_for(&format!("#{id}")).await?;
        self.client
            .execute(
                "const e = document.getElementById(arguments[0]); e.value = arguments[1];
                 e.dispatchEvent(new Event('input', {bubbles: true}));
                 e.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![json!(id), json!(value)],
            )
            .await?;
        Ok(())
    }

    /// Saves a screenshot as `name.png`.
    pub async fn shot(&self, name: &str) -> anyhow::Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(self.shots.join(format!("{name}.png")), &png)?;
        if let Ok(dir) = std::env::var("GANTRY_SCREENSHOTS_TO") {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), &png)?;
        }
        Ok(())
    }
}

impl Browser {
    /// Runs a Chrome DevTools Protocol command (throttling, cache) through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> anyhow::Result<Value> {
        let answer = self
            .client
            .issue_cmd(Cdp {
                cmd: cmd.to_owned(),
                params,
            })
            .await
            .with_context(|| format!("CDP {cmd}"))?;
        Ok(answer)
    }
}

/// `POST /session/{id}/goog/cdp/execute`, chromedriver's door to DevTools.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}
