//! `GET /sim/console` and the control endpoints it relies on.

mod common;

use common::{Env, card, errcode};
use serde_json::{Value, json};
use wecom_sim::{SimConfig, SimLimits};

/// Every control endpoint the page calls (GET ones answer 200 with no query).
const GET_ENDPOINTS: &[&str] = &[
    "/sim/config",
    "/sim/org",
    "/sim/message_counts",
    "/sim/messages",
    "/sim/card_updates",
    "/sim/dropped",
    "/sim/calls",
];
const POST_ENDPOINTS: &[&str] = &["/sim/click", "/sim/text"];

#[tokio::test]
async fn console_page_is_self_contained_html_using_real_endpoints() {
    let env = Env::default().await;
    let r = env
        .http
        .get(env.url("/sim/console"))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 200);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    let page = r.text().await.expect("body");
    assert!(page.contains("<script>") && page.contains("<style>"));
    for external in [
        "<script src",
        "stylesheet",
        "@import",
        "src=\"http",
        "href=\"http",
        "url(",
    ] {
        assert!(!page.contains(external), "external asset: {external}");
    }

    for ep in GET_ENDPOINTS.iter().chain(POST_ENDPOINTS) {
        assert!(page.contains(&format!("\"{ep}")), "page does not call {ep}");
    }
    // Every /sim/ path the page mentions is one of those (a typo would not be).
    for (i, _) in page.match_indices("\"/sim/") {
        let path: String = page[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_'))
            .collect();
        assert!(
            GET_ENDPOINTS.contains(&path.as_str()) || POST_ENDPOINTS.contains(&path.as_str()),
            "unknown endpoint in page: {path}"
        );
    }
    for ep in GET_ENDPOINTS {
        let r = env.http.get(env.url(ep)).send().await.expect("sent");
        assert_eq!(r.status(), 200, "{ep}");
    }
}

async fn get_json(env: &Env, path: &str) -> Value {
    env.http
        .get(env.url(path))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(usize::MAX, Vec::len)
}

#[tokio::test]
async fn console_filters_and_counts() {
    let env = Env::new(SimConfig {
        limits: SimLimits {
            member_per_minute: 2,
            ..SimLimits::default()
        },
        ..SimConfig::default()
    })
    .await;
    let token = env.app_token().await;
    let (a, b) = (env.active_user(0), env.active_user(1));
    for text in ["一", "二", "三"] {
        assert_eq!(errcode(&env.send_text(&token, &a, text).await), 0);
    }
    let sent = env
        .post(
            "/cgi-bin/message/send",
            &token,
            &card(env.agent(), &b, "t1"),
        )
        .await;
    assert_eq!(errcode(&sent), 0, "{sent}");
    let code = sent["response_code"].as_str().expect("response_code");
    let body = json!({"agentid": env.agent(), "response_code": code, "button": {"replace_name": "已同意"}});
    let up = env
        .post("/cgi-bin/message/update_template_card", &token, &body)
        .await;
    assert_eq!(errcode(&up), 0, "{up}");

    let counts = get_json(&env, "/sim/message_counts").await;
    assert_eq!(counts[&a]["messages"], 2);
    assert_eq!(counts[&a]["dropped"], 1);
    assert_eq!(counts[&b]["messages"], 1);
    assert!(counts[&b]["last_at_ms"].as_i64().unwrap_or(0) > 0);

    let lower = b.to_ascii_lowercase();
    let updates = get_json(&env, &format!("/sim/card_updates?userid={lower}")).await;
    assert_eq!(len(&updates), 1);
    assert_eq!(updates[0]["replace_name"], "已同意");
    assert_eq!(updates[0]["task_id"], "t1");
    assert_eq!(
        len(&get_json(&env, &format!("/sim/card_updates?userid={a}")).await),
        0
    );
    assert_eq!(
        len(&get_json(&env, &format!("/sim/dropped?userid={a}")).await),
        1
    );
    assert_eq!(
        len(&get_json(&env, &format!("/sim/dropped?userid={b}")).await),
        0
    );

    let calls = get_json(&env, "/sim/calls?limit=2").await;
    assert_eq!(len(&calls), 2);
    assert_eq!(calls[1]["path"], "/cgi-bin/message/update_template_card");
    assert_eq!(calls[0]["path"], "/cgi-bin/message/send");
    let r = env
        .http
        .get(env.url("/sim/calls?limit=x"))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), 400);
}
