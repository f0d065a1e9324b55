//! Calls to the API ([`crate::services::BASE`]): JSON in and out, the CSRF token on every change, a dropped network
//! told apart from an answer, and a lapsed session sent back through WeCom login.

use std::cell::RefCell;

use api::{ApiError, ErrorCode};
use gloo::net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

thread_local! {
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Why a call did not give an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The server answered with an error.
    Api(ApiError),
    /// No answer: the network dropped or the server is unreachable.
    Offline,
    /// The browser could not do its part (storage full); the text says what.
    Local(String),
}

impl Failure {
    /// A short Chinese explanation for people.
    pub fn text(&self) -> String {
        match self {
            Self::Api(e) => crate::text::explain(e),
            Self::Offline => "网络连接中断，请检查网络后重试".to_owned(),
            Self::Local(text) => text.clone(),
        }
    }

    /// Worth trying again later unchanged (the network or the server was unavailable).
    pub fn retryable(&self) -> bool {
        match self {
            Self::Offline => true,
            Self::Local(_) => false,
            Self::Api(e) => matches!(e.code, ErrorCode::Unavailable | ErrorCode::RateLimited),
        }
    }
}

/// Remembers the session's CSRF token (from [`crate::services::me::me`]).
pub fn set_csrf(token: &str) {
    CSRF.with(|t| *t.borrow_mut() = token.to_owned());
}

fn url(path: &str) -> String {
    format!("{}{path}", crate::services::BASE)
}

/// `GET` of `path` under [`crate::services::BASE`].
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    decode(&exchange(Request::get(&url(path)).build()).await?)
}

/// `POST` (or another method) with a JSON body.
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: &B,
) -> Result<T, Failure> {
    decode(&exchange(with_csrf(method.builder(&url(path))).json(body)).await?)
}

/// A JSON change sent with an `Idempotency-Key`, so sending it again is harmless.
pub async fn send_once<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: &serde_json::Value,
    key: &str,
) -> Result<T, Failure> {
    let builder = with_csrf(method.builder(&url(path))).header("Idempotency-Key", key);
    decode(&exchange(builder.json(body)).await?)
}

/// A change with no body.
pub async fn call<T: DeserializeOwned>(method: Method, path: &str) -> Result<T, Failure> {
    decode(&exchange(with_csrf(method.builder(&url(path))).build()).await?)
}

/// Uploads raw bytes (a photo) with their content type.
pub async fn upload<T: DeserializeOwned>(
    path: &str,
    content_type: &str,
    body: js_sys::Uint8Array,
) -> Result<T, Failure> {
    let request = with_csrf(Request::post(&url(path)))
        .header("Content-Type", content_type)
        .body(body);
    decode(&exchange(request).await?)
}

/// HTTP methods that change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Method {
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    fn builder(self, url: &str) -> RequestBuilder {
        match self {
            Self::Post => Request::post(url),
            Self::Put => Request::put(url),
            Self::Patch => Request::patch(url),
            Self::Delete => Request::delete(url),
        }
    }
}

fn with_csrf(builder: RequestBuilder) -> RequestBuilder {
    let token = CSRF.with(|t| t.borrow().clone());
    builder.header("X-CSRF-Token", &token)
}

/// Sends a request; the answer's text on success. Not generic, so the wasm holds one copy
/// of the fetch machinery rather than one per answer type.
async fn exchange(request: Result<Request, gloo::net::Error>) -> Result<String, Failure> {
    let request = request.map_err(|_| Failure::Api(ApiError::new(ErrorCode::BadRequest)))?;
    let response: Response = request.send().await.map_err(|_| Failure::Offline)?;
    let status = response.status();
    if (200..300).contains(&status) {
        let text = response.text().await.map_err(|_| Failure::Offline)?;
        // An empty 204 reads as JSON null, so `()` answers work.
        return Ok(if text.is_empty() {
            "null".to_owned()
        } else {
            text
        });
    }
    let text = response.text().await.unwrap_or_default();
    let error = serde_json::from_str::<ApiError>(&text)
        .unwrap_or_else(|_| ApiError::new(crate::text::code_for_status(status)));
    if error.code == ErrorCode::Unauthenticated {
        login_again();
    }
    Err(Failure::Api(error))
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|_| {
        Failure::Api(ApiError::with_message(
            ErrorCode::Internal,
            "服务器返回了无法识别的数据，请刷新页面",
        ))
    })
}

/// Sends the browser through WeCom login, back to the page it is on.
pub fn login_again() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let target = format!(
        "/auth/wecom/login?redirect={}",
        js_sys::encode_uri_component(&here)
    );
    let _ = location.set_href(&target);
}
