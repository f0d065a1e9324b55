//! The one request path every endpoint goes through: token injection, HTTP status and
//! `errcode` checks, and the single refresh-and-replay on a rejected token.

use std::time::Duration;

use reqwest::RequestBuilder;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::cache::Fetched;
use super::{Client, Error, Result, RetryAdvice, api};

/// What a successful body looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// A JSON object with `errcode`.
    Json,
    /// Raw bytes; a JSON body without a file name is an error envelope.
    Media,
}

/// A response that passed the HTTP status check.
#[derive(Debug)]
pub(super) struct Raw {
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

/// `errcode`/`errmsg` of a JSON object body; `None` if the body is not a JSON object.
/// (A derived struct would also accept JSON arrays.)
struct Envelope {
    errcode: Option<i64>,
    errmsg: String,
}

fn envelope(body: &[u8]) -> Option<Envelope> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    Some(Envelope {
        errcode: object.get("errcode").and_then(serde_json::Value::as_i64),
        errmsg: object
            .get("errmsg")
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_owned(),
    })
}

/// Checks a body against `errcode`. Missing `errcode` in a JSON answer is a decode error.
pub(super) fn check(api: &'static str, raw: &Raw, expect: Expect) -> Result<()> {
    if expect == Expect::Media {
        // A file download carries Content-Disposition; WeCom errors are bare JSON.
        if raw
            .headers
            .contains_key(reqwest::header::CONTENT_DISPOSITION)
        {
            return Ok(());
        }
        return match envelope(&raw.body) {
            Some(Envelope {
                errcode: Some(code),
                errmsg,
            }) if code != 0 => api_error(api, code, errmsg),
            Some(Envelope {
                errcode: Some(_), ..
            }) => Err(Error::decode(
                api,
                "expected media bytes, got a JSON envelope",
            )),
            _ => Ok(()),
        };
    }
    match envelope(&raw.body) {
        Some(Envelope {
            errcode: Some(0), ..
        }) => Ok(()),
        Some(Envelope {
            errcode: Some(code),
            errmsg,
        }) => api_error(api, code, errmsg),
        Some(Envelope { errcode: None, .. }) => Err(Error::decode(api, "response has no errcode")),
        None => Err(Error::decode(api, "response is not a JSON object")),
    }
}

fn api_error(api: &'static str, errcode: i64, errmsg: String) -> Result<()> {
    tracing::warn!(api, errcode, "wecom api error");
    Err(Error::Api {
        api,
        errcode,
        errmsg,
    })
}

/// Deserialises a checked JSON body.
pub(super) fn decode<T: DeserializeOwned>(api: &'static str, raw: &Raw) -> Result<T> {
    serde_json::from_slice(&raw.body).map_err(|e| Error::decode(api, e.to_string()))
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    #[serde(default)]
    access_token: String,
    expires_in: Option<u64>,
}

/// Lifetime when WeCom omits `expires_in` (the documented value).
pub(super) const DEFAULT_LIFETIME: Duration = Duration::from_secs(7200);

impl Client {
    /// `api_base` + `path`, keeping any path prefix of the base.
    fn endpoint(&self, path: &str) -> Url {
        let mut url = self.inner.config.api_base.clone();
        let joined = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        url
    }

    /// Sends one request; maps transport failures and non-2xx statuses.
    async fn execute(&self, api: &'static str, request: RequestBuilder) -> Result<Raw> {
        tracing::debug!(api, "wecom request");
        let response = request
            .timeout(self.inner.config.timeout)
            .send()
            .await
            .map_err(|e| Error::from_reqwest(api, e))?;
        let status = response.status();
        if !status.is_success() {
            tracing::warn!(api, status = status.as_u16(), "wecom http error");
            return Err(Error::Http {
                api,
                status: status.as_u16(),
            });
        }
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::from_reqwest(api, e))?;
        Ok(Raw {
            headers,
            body: Vec::from(body),
        })
    }

    /// One attempt with `token` in the query.
    async fn attempt<F>(
        &self,
        api: &'static str,
        expect: Expect,
        token: &str,
        build: &F,
    ) -> Result<Raw>
    where
        F: Fn(Url) -> RequestBuilder,
    {
        let mut url = self.endpoint(api);
        url.query_pairs_mut().append_pair("access_token", token);
        let started = std::time::Instant::now();
        let result = match self.execute(api, build(url)).await {
            Ok(raw) => check(api, &raw, expect).map(|()| raw),
            Err(e) => Err(e),
        };
        self.observe(api, started, &result);
        result
    }

    /// Runs an authenticated call. If WeCom rejects the token (40001/40014/42001), that
    /// exact token is invalidated, a new one fetched (single-flight) and the call replayed
    /// once. The replay is safe even for sends: WeCom refused the first attempt.
    pub(super) async fn authed<F>(&self, api: &'static str, expect: Expect, build: F) -> Result<Raw>
    where
        F: Fn(Url) -> RequestBuilder,
    {
        let token = self.access_token().await?;
        match self.attempt(api, expect, &token, &build).await {
            Err(e) if e.retry() == RetryAdvice::RefreshToken => {
                tracing::info!(
                    api,
                    errcode = e.errcode(),
                    "access_token rejected; refreshing and replaying once"
                );
                self.invalidate_access_token(&token).await;
                let fresh = self.access_token().await?;
                self.attempt(api, expect, &fresh, &build).await
            }
            other => other,
        }
    }

    /// Authenticated GET returning JSON.
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        api: &'static str,
        query: &[(&str, String)],
    ) -> Result<T> {
        let raw = self
            .authed(api, Expect::Json, |url| {
                self.inner.http.get(url).query(query)
            })
            .await?;
        decode(api, &raw)
    }

    /// Authenticated POST of a JSON body returning JSON.
    pub(super) async fn post_json<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        api: &'static str,
        body: &B,
    ) -> Result<T> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidRequest(format!("{api}: cannot encode body: {e}")))?;
        let raw = self
            .authed(api, Expect::Json, |url| {
                self.inner
                    .http
                    .post(url)
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone())
            })
            .await?;
        decode(api, &raw)
    }

    /// The gettoken call itself; never retried (its errors are configuration errors or
    /// quota problems that retrying makes worse).
    pub(super) async fn fetch_access_token(&self) -> Result<Fetched> {
        let api = api::GETTOKEN;
        self.inner
            .gettoken_calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let config = &self.inner.config;
        let mut url = self.endpoint(api);
        url.query_pairs_mut()
            .append_pair("corpid", &config.corp_id)
            .append_pair("corpsecret", config.secret.expose());
        let started = std::time::Instant::now();
        let result = match self.execute(api, self.inner.http.get(url)).await {
            Ok(raw) => check(api, &raw, Expect::Json).map(|()| raw),
            Err(e) => Err(e),
        };
        self.observe(api, started, &result);
        let raw = result?;
        // The serde message could quote the token; keep it out of the error.
        let parsed: TokenResponse = serde_json::from_slice(&raw.body)
            .map_err(|_| Error::decode(api, "malformed gettoken response"))?;
        if parsed.access_token.is_empty() {
            return Err(Error::decode(api, "gettoken returned no access_token"));
        }
        Ok(Fetched {
            value: parsed.access_token,
            expires_in: parsed
                .expires_in
                .map_or(DEFAULT_LIFETIME, Duration::from_secs),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn raw(body: &str) -> Raw {
        Raw {
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn checks_errcode() {
        assert!(
            check(
                api::USER_GET,
                &raw(r#"{"errcode":0,"errmsg":"ok"}"#),
                Expect::Json
            )
            .is_ok()
        );
        let e = check(
            api::USER_GET,
            &raw(r#"{"errcode":60011,"errmsg":"no privilege"}"#),
            Expect::Json,
        )
        .unwrap_err();
        assert_eq!(e.errcode(), Some(60011));
        assert_eq!(e.api(), Some(api::USER_GET));
        for bad in ["<html>", r#"{"errmsg":"ok"}"#, "[1]", ""] {
            let e = check(api::USER_GET, &raw(bad), Expect::Json).unwrap_err();
            assert!(matches!(e, Error::Decode { .. }), "{bad}: {e:?}");
        }
    }

    #[test]
    fn checks_media_bodies() {
        assert!(check(api::MEDIA_GET, &raw("\u{89}PNG..."), Expect::Media).is_ok());
        let e = check(
            api::MEDIA_GET,
            &raw(r#"{"errcode":40007,"errmsg":"invalid media_id"}"#),
            Expect::Media,
        )
        .unwrap_err();
        assert_eq!(e.errcode(), Some(40007));
        let mut file = raw(r#"{"errcode":1}"#);
        file.headers.insert(
            reqwest::header::CONTENT_DISPOSITION,
            "attachment; filename=\"a.json\"".parse().unwrap(),
        );
        assert!(check(api::MEDIA_GET, &file, Expect::Media).is_ok());
    }
}
