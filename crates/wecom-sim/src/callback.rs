//! WeCom → app: URL verification and encrypted callback delivery with WeCom's retries.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::Rng as _;
use reqwest::header::CONTENT_TYPE;
use serde::Serialize;
use url::Url;
use wecom::callback::CallbackCrypto;

use crate::config::CallbackTarget;
use crate::error::SimError;
use crate::state::Sim;

/// The outcome of delivering one callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackDelivery {
    /// An attempt got HTTP 200 in time.
    pub delivered: bool,
    /// Every attempt, in order.
    pub attempts: Vec<DeliveryAttempt>,
    /// The plaintext XML that was encrypted.
    pub plaintext: String,
    /// Body of the successful answer (empty = plain acknowledgement, else a passive reply).
    pub reply: Option<String>,
}

/// One POST of a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryAttempt {
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Transport error or timeout, when none did.
    pub error: Option<String>,
    /// Duration of the attempt.
    pub elapsed_ms: u64,
}

/// Real unix seconds: callback timestamps are checked by apps against their own clock.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn digits(n: usize) -> String {
    let mut rng = rand::rng();
    let first = char::from(b'1' + rng.random_range(0..9u8));
    std::iter::once(first)
        .chain((1..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))))
        .collect()
}

fn with_query(url: &str, pairs: &[(&str, &str)]) -> Result<Url, SimError> {
    let mut u = Url::parse(url)?;
    u.query_pairs_mut().extend_pairs(pairs);
    Ok(u)
}

/// The GET check WeCom runs when an admin saves the callback URL (doc section 1.2).
pub(crate) async fn verify_url(
    sim: &Sim,
    url: &str,
    token: &str,
    aes_key: &str,
) -> Result<String, SimError> {
    let crypto = CallbackCrypto::new(token, aes_key, &sim.config.corp_id)?;
    let plain = digits(19);
    let echostr = crypto.encrypt(plain.as_bytes());
    let (timestamp, nonce) = (unix_now().to_string(), digits(10));
    let signature = crypto.signature(&timestamp, &nonce, &echostr);
    let target = with_query(
        url,
        &[
            ("msg_signature", &signature),
            ("timestamp", &timestamp),
            ("nonce", &nonce),
            ("echostr", &echostr),
        ],
    )?;
    let resp = sim
        .http
        .get(target)
        .timeout(sim.config.verify_timeout)
        .send()
        .await?;
    let status = resp.status().as_u16();
    let body = resp.text().await?;
    if status != 200 {
        return Err(SimError::Verify(format!("HTTP {status}: {body:.200}")));
    }
    if body != plain {
        return Err(SimError::Verify(format!(
            "reply {body:.200?} is not the decrypted echostr {plain:?}"
        )));
    }
    Ok(body)
}

/// Encrypts, signs and POSTs `xml`; retries on timeout, transport error or non-200, up to
/// `callback_attempts` deliveries, each bounded by `callback_timeout`.
pub(crate) async fn send(
    sim: &Sim,
    target: &CallbackTarget,
    xml: &str,
    agent_id: Option<i64>,
) -> Result<CallbackDelivery, SimError> {
    let crypto = CallbackCrypto::new(&target.token, &target.encoding_aes_key, &sim.config.corp_id)?;
    let sealed = crypto.seal(xml.as_bytes(), &unix_now().to_string(), &digits(10));
    let body = sealed.post_body(&sim.config.corp_id, agent_id);
    let url = with_query(
        &target.url,
        &[
            ("msg_signature", &sealed.msg_signature),
            ("timestamp", &sealed.timestamp),
            ("nonce", &sealed.nonce),
        ],
    )?;
    let mut delivery = CallbackDelivery {
        delivered: false,
        attempts: Vec::new(),
        plaintext: xml.to_owned(),
        reply: None,
    };
    for _ in 0..sim.config.callback_attempts.max(1) {
        let started = Instant::now();
        // A retry resends the identical request, as WeCom does.
        let result = post(sim, url.clone(), body.clone(), sim.config.callback_timeout).await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match result {
            Ok((200, text)) => {
                delivery.attempts.push(DeliveryAttempt {
                    status: Some(200),
                    error: None,
                    elapsed_ms,
                });
                delivery.delivered = true;
                delivery.reply = Some(text);
                break;
            }
            Ok((status, _)) => delivery.attempts.push(DeliveryAttempt {
                status: Some(status),
                error: None,
                elapsed_ms,
            }),
            Err(e) => delivery.attempts.push(DeliveryAttempt {
                status: None,
                error: Some(e),
                elapsed_ms,
            }),
        }
    }
    if !delivery.delivered {
        tracing::warn!(url = %target.url, attempts = delivery.attempts.len(), "callback not delivered");
    }
    Ok(delivery)
}

async fn post(
    sim: &Sim,
    url: Url,
    body: String,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let resp = sim
        .http
        .post(url)
        .header(CONTENT_TYPE, "text/xml")
        .body(body)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = resp.status().as_u16();
    let text = resp.text().await.map_err(|e| describe(&e))?;
    Ok((status, text))
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".to_owned()
    } else {
        e.to_string()
    }
}
