//! The WeCom JS-SDK (`@wecom/jssdk`, served by Gantry itself as the global `ww`), loaded
//! inside WeCom when a feature first needs it (the first page never waits for it) and
//! reached through `Reflect`, so a missing script or a desktop browser never throws:
//! callers get an error and fall back to the web platform (file input, browser location,
//! typed codes, a searchable member list).

use std::cell::RefCell;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::services;

/// Whether the page runs inside the WeCom client (its webview says `wxwork`).
pub fn in_wecom() -> bool {
    user_agent().is_some_and(|ua| is_wecom_agent(&ua))
}

/// WeCom's webview carries `wxwork/<version>` in its user agent.
pub fn is_wecom_agent(user_agent: &str) -> bool {
    user_agent.to_ascii_lowercase().contains("wxwork")
}

/// The URL to sign for an SPA. The SDK passes the one it needs; without it, iOS signs the
/// page the app was entered on and Android the current one, both without the fragment.
pub fn url_to_sign(from_sdk: Option<&str>, ios: bool, entry: &str, current: &str) -> String {
    let chosen = match from_sdk {
        Some(url) if !url.is_empty() => url,
        _ if ios => entry,
        _ => current,
    };
    chosen.split('#').next().unwrap_or(chosen).to_owned()
}

fn user_agent() -> Option<String> {
    web_sys::window()?.navigator().user_agent().ok()
}

fn ww() -> Option<JsValue> {
    let ww = Reflect::get(&js_sys::global(), &"ww".into()).ok()?;
    (!ww.is_undefined() && !ww.is_null()).then_some(ww)
}

/// The SDK version, when the script loaded.
pub fn sdk_version() -> Option<String> {
    Reflect::get(&ww()?, &"SDK_VERSION".into())
        .ok()?
        .as_string()
}

/// The app's identity for `ww.register`: (corp id, agent id, entry URL).
type Identity = (String, i64, String);

thread_local! {
    static IDENTITY: RefCell<Option<Identity>> = const { RefCell::new(None) };
    static REGISTERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The script's load, shared by every caller that needs the SDK meanwhile.
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Remembers who the app is, for registering once the SDK loads.
pub fn configure(corp_id: &str, agent_id: i64, entry_url: &str) {
    IDENTITY.with(|i| *i.borrow_mut() = Some((corp_id.to_owned(), agent_id, entry_url.to_owned())));
}

/// The SDK, loading and registering it on first use.
async fn sdk() -> Result<JsValue, String> {
    if ww().is_none() {
        load().await?;
    }
    let ww = ww().ok_or_else(|| "企业微信 JS-SDK 未加载".to_owned())?;
    if !REGISTERED.get()
        && let Some((corp_id, agent_id, entry)) = IDENTITY.with(|i| i.borrow().clone())
    {
        register(&corp_id, agent_id, &entry);
        REGISTERED.set(true);
    }
    Ok(ww)
}

/// Adds the SDK's script once (its hashed URL is in the page's `wecom-jssdk` meta) and
/// waits for it; callers meanwhile wait for the same load.
async fn load() -> Result<(), String> {
    let pending = LOADING.with(|l| l.borrow().clone());
    let promise = match pending {
        Some(promise) => promise,
        None => {
            let promise = add_script()?;
            LOADING.with(|l| *l.borrow_mut() = Some(promise.clone()));
            promise
        }
    };
    let loaded = JsFuture::from(promise).await;
    if loaded.is_err() {
        // A failed load may be tried again (the network may be back).
        LOADING.with(|l| *l.borrow_mut() = None);
    }
    loaded
        .map(|_| ())
        .map_err(|_| "企业微信 JS-SDK 加载失败，请检查网络".to_owned())
}

fn add_script() -> Result<Promise, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("企业微信 JS-SDK 未加载")?;
    let src = document
        .query_selector("meta[name=wecom-jssdk]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|s| !s.is_empty())
        .ok_or("企业微信 JS-SDK 未随应用发布")?;
    let script = document
        .create_element("script")
        .map_err(|_| "无法加载企业微信 JS-SDK".to_owned())?;
    let _ = script.set_attribute("src", &src);
    let loaded = Promise::new(&mut |resolve, reject| {
        let _ = script.add_event_listener_with_callback("load", &resolve);
        let _ = script.add_event_listener_with_callback("error", &reject);
    });
    document
        .query_selector("head")
        .ok()
        .flatten()
        .ok_or("无法加载企业微信 JS-SDK")?
        .append_child(&script)
        .map_err(|_| "无法加载企业微信 JS-SDK".to_owned())?;
    Ok(loaded)
}

/// Calls `ww.<name>(options)` and awaits its promise.
async fn invoke(name: &str, options: &JsValue) -> Result<JsValue, String> {
    let ww = sdk().await?;
    let function: Function = Reflect::get(&ww, &name.into())
        .map_err(|_| format!("JS-SDK 缺少 {name}"))?
        .dyn_into()
        .map_err(|_| format!("JS-SDK 缺少 {name}"))?;
    let returned = function.call1(&ww, options).map_err(|e| describe(&e))?;
    let promise: Promise = returned
        .dyn_into()
        .map_err(|_| "JS-SDK 返回值无效".to_owned())?;
    JsFuture::from(promise).await.map_err(|e| describe(&e))
}

fn describe(error: &JsValue) -> String {
    Reflect::get(error, &"errMsg".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "企业微信接口调用失败".to_owned())
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&obj, &(*key).into(), value);
    }
    obj.into()
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Registers the app with the SDK; signatures come from [`services::me::jssdk_signature`] when the
/// SDK first needs them (it calls back lazily, per page for Android).
fn register(corp_id: &str, agent_id: i64, entry_url: &str) {
    let Some(ww) = ww() else {
        return;
    };
    let Ok(register) = Reflect::get(&ww, &"register".into()).and_then(|f| f.dyn_into::<Function>())
    else {
        return;
    };
    let entry = entry_url.to_owned();
    let config = signer(api::JsSdkKind::Config, entry.clone());
    let agent = signer(api::JsSdkKind::Agent, entry);
    let apis = js_sys::Array::of5(
        &"chooseImage".into(),
        &"uploadImage".into(),
        &"getLocation".into(),
        &"scanQRCode".into(),
        &"selectEnterpriseContact".into(),
    );
    let options = object(&[
        ("corpId", corp_id.into()),
        ("agentId", JsValue::from_f64(agent_id as f64)),
        ("jsApiList", apis.into()),
        ("getConfigSignature", config.into_js_value()),
        ("getAgentConfigSignature", agent.into_js_value()),
    ]);
    let _ = register.call1(&ww, &options);
}

/// A `(url) => Promise<{timestamp, nonceStr, signature}>` for `ww.register`.
fn signer(kind: api::JsSdkKind, entry: String) -> Closure<dyn Fn(JsValue) -> Promise> {
    Closure::new(move |url: JsValue| {
        let ios = user_agent().is_some_and(|ua| ua.contains("iPhone") || ua.contains("iPad"));
        let current = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let url = url_to_sign(url.as_string().as_deref(), ios, &entry, &current);
        wasm_bindgen_futures::future_to_promise(async move {
            let signed = services::me::jssdk_signature(kind, &url)
                .fetch()
                .await
                .map_err(|e| JsValue::from_str(&e.text()))?;
            Ok(object(&[
                ("timestamp", JsValue::from_f64(signed.timestamp as f64)),
                ("nonceStr", signed.nonce_str.into()),
                ("signature", signed.signature.into()),
            ]))
        })
    })
}

/// Takes photos with the WeCom camera and uploads them to WeCom; returns their `media_id`s.
pub async fn take_photos(count: u32) -> Result<Vec<String>, String> {
    let chosen = invoke(
        "chooseImage",
        &object(&[
            ("count", JsValue::from(count)),
            ("sizeType", js_sys::Array::of1(&"compressed".into()).into()),
            (
                "sourceType",
                js_sys::Array::of2(&"camera".into(), &"album".into()).into(),
            ),
        ]),
    )
    .await?;
    let local_ids = js_sys::Array::from(&field(&chosen, "localIds"));
    let mut media_ids = Vec::new();
    for local_id in local_ids.iter() {
        let uploaded = invoke(
            "uploadImage",
            &object(&[("localId", local_id), ("isShowProgressTips", true.into())]),
        )
        .await?;
        if let Some(id) = field(&uploaded, "serverId").as_string() {
            media_ids.push(id);
        }
    }
    Ok(media_ids)
}

/// The member's position (GCJ-02, as WeCom reports it) from the WeCom client.
pub async fn location() -> Result<(f64, f64), String> {
    let at = invoke("getLocation", &object(&[("type", "gcj02".into())])).await?;
    match (
        field(&at, "latitude").as_f64(),
        field(&at, "longitude").as_f64(),
    ) {
        (Some(lat), Some(lng)) => Ok((lat, lng)),
        _ => Err("未能获取位置".to_owned()),
    }
}

/// Where the member is: from the WeCom client inside WeCom, else from the browser.
pub async fn locate() -> Result<(f64, f64), String> {
    if in_wecom() {
        return location().await;
    }
    let geolocation = web_sys::window()
        .ok_or("无法定位")?
        .navigator()
        .geolocation()
        .map_err(|_| "浏览器不支持定位".to_owned())?;
    let promise = Promise::new(&mut |resolve, reject| {
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(15_000);
        let _ = geolocation.get_current_position_with_error_callback_and_options(
            &resolve,
            Some(&reject),
            &options,
        );
    });
    let position = JsFuture::from(promise)
        .await
        .map_err(|_| "未能获取位置（请允许定位权限）".to_owned())?;
    let coords = field(&position, "coords");
    match (
        field(&coords, "latitude").as_f64(),
        field(&coords, "longitude").as_f64(),
    ) {
        (Some(lat), Some(lng)) => Ok((lat, lng)),
        _ => Err("未能获取位置".to_owned()),
    }
}

/// Scans a QR code with the WeCom camera; returns its text.
pub async fn scan_qr() -> Result<String, String> {
    let scanned = invoke("scanQRCode", &object(&[("needResult", true.into())])).await?;
    field(&scanned, "resultStr")
        .as_string()
        .ok_or_else(|| "未识别到二维码".to_owned())
}

/// Picks members with WeCom's own contact picker; returns their UserIDs.
pub async fn pick_members() -> Result<Vec<String>, String> {
    let picked = invoke(
        "selectEnterpriseContact",
        &object(&[
            ("fromDepartmentId", JsValue::from(-1)),
            ("mode", "multi".into()),
            ("type", js_sys::Array::of1(&"user".into()).into()),
        ]),
    )
    .await?;
    let users = js_sys::Array::from(&field(&field(&picked, "result"), "userList"));
    Ok(users
        .iter()
        .filter_map(|u| field(&u, "id").as_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webview_is_told_apart_from_browsers() {
        assert!(is_wecom_agent(
            "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 wxwork/4.1.20 MicroMessenger/7.0.1"
        ));
        assert!(!is_wecom_agent(
            "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"
        ));
    }

    #[test]
    fn spa_pages_sign_the_url_each_platform_checks() {
        let entry = "https://g.example.com/?from=wecom";
        let here = "https://g.example.com/tasks/7#photos";
        assert_eq!(url_to_sign(None, true, entry, here), entry);
        assert_eq!(
            url_to_sign(None, false, entry, here),
            "https://g.example.com/tasks/7"
        );
        assert_eq!(
            url_to_sign(Some("https://g.example.com/a#b"), true, entry, here),
            "https://g.example.com/a"
        );
        assert_eq!(
            url_to_sign(Some(""), false, entry, here),
            "https://g.example.com/tasks/7"
        );
    }
}
