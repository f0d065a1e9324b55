//! The callback URLs: verification, durable intake, dedupe, refusal of forgeries.

use domain::clock::Clock as _;
use server::workers::inbox;
use server::workers::outbox::Dispatcher;
use wecom::callback::CallbackCrypto;

use crate::helpers::{AES_KEY, TOKEN, TestApp, spawn_app};

const AGENT: i64 = 1000002;

#[tokio::test]
async fn url_verification_answers_the_plaintext() {
    let app = spawn_app().await;
    app.sim
        .verify_url(&app.callback_url(), TOKEN, AES_KEY)
        .await
        .expect("the app answers WeCom's verification");
    let contacts = format!("{}/wecom/contacts/callback", app.base_url);
    app.sim
        .verify_url(&contacts, "ContactsToken7", AES_KEY)
        .await
        .expect("the contacts event server verifies with its own token");
    assert!(app.sim.verify_url(&contacts, TOKEN, AES_KEY).await.is_err());
}

#[tokio::test]
async fn a_replayed_callback_is_stored_once() {
    let app = spawn_app().await;
    let user = app.active_user(0);
    let xml = app.sim.xml_text_message(&user, "三号楼钢筋验收完成", AGENT);
    for _ in 0..3 {
        let delivery = app
            .sim
            .send_callback(&app.target, &xml, Some(AGENT))
            .await
            .expect("sent");
        assert!(delivery.delivered);
        assert_eq!(
            delivery.reply.as_deref().unwrap_or_default(),
            "",
            "200 with an empty body"
        );
    }
    let stats = app.inbox_stats().await;
    assert_eq!(stats.pending, 1);

    // Events without MsgId dedupe on their exact bytes: two distinct ones both stay.
    let click = app.sim.xml_app_event(&user, "click", "my_tasks", AGENT);
    let other = app.sim.xml_app_event(&user, "click", "my_projects", AGENT);
    for xml in [&click, &click, &other] {
        app.sim
            .send_callback(&app.target, xml, Some(AGENT))
            .await
            .expect("sent");
    }
    let stats = app.inbox_stats().await;
    assert_eq!(stats.pending, 3);
}

/// The app's clock in unix seconds: what a fresh callback carries.
pub(crate) fn now_secs(app: &TestApp) -> i64 {
    app.clock.now_ms().div_euclid(1000)
}

/// POSTs `msg` sealed as WeCom would, signed with `timestamp`. The simulator signs with the
/// wall clock; a test that moves the app's clock far delivers with
/// `post_sealed(app, xml, now_secs(app))` instead, or the app refuses it as stale.
pub(crate) async fn post_sealed(app: &TestApp, msg: &[u8], timestamp: i64) -> reqwest::Response {
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, app.sim.corp_id()).expect("crypto");
    let sealed = crypto.seal(msg, &timestamp.to_string(), "1372623149");
    app.http
        .post(app.callback_url())
        .query(&[
            ("msg_signature", sealed.msg_signature.as_str()),
            ("timestamp", sealed.timestamp.as_str()),
            ("nonce", sealed.nonce.as_str()),
        ])
        .body(sealed.post_body(app.sim.corp_id(), Some(AGENT)))
        .send()
        .await
        .expect("answered")
}

/// Asserts a 400 with the `invalid_callback` contract.
async fn assert_invalid_callback(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), 400, "{what}");
    let json: serde_json::Value = response.json().await.expect("json error body");
    assert_eq!(json["code"], "invalid_callback", "{what}: {json}");
}

async fn metrics(app: &TestApp) -> String {
    app.http
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn forged_and_malformed_callbacks_are_refused_and_not_stored() {
    let app = spawn_app().await;
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, app.sim.corp_id()).expect("crypto");
    let ts = now_secs(&app).to_string();
    let sealed = crypto.seal(b"<xml><MsgType>text</MsgType></xml>", &ts, "7");
    let body = sealed.post_body(app.sim.corp_id(), Some(AGENT));
    let post = |query: String, body: String| {
        let url = format!("{}?{query}", app.callback_url());
        let http = app.http.clone();
        async move { http.post(url).body(body).send().await.expect("answered") }
    };
    let good = format!(
        "msg_signature={}&timestamp={ts}&nonce=7",
        sealed.msg_signature
    );
    let forged =
        format!("msg_signature=0000000000000000000000000000000000000000&timestamp={ts}&nonce=7");
    let cases = [
        (forged.clone(), body.clone()),
        (good.replace("nonce=7", "nonce=8"), body.clone()),
        (good.clone(), "<xml><Encrypt>".to_owned()),
        (good.clone(), "not xml at all".to_owned()),
        ("timestamp=1".to_owned(), body.clone()),
    ];
    for (query, body) in cases {
        assert_invalid_callback(post(query.clone(), body).await, &query).await;
    }
    let other_corp = CallbackCrypto::new(TOKEN, AES_KEY, "ww0000000000000000").expect("crypto");
    let wrong = other_corp.seal(b"<xml/>", &ts, "2");
    let query = format!(
        "msg_signature={}&timestamp={ts}&nonce=2",
        wrong.msg_signature
    );
    assert_eq!(post(query, wrong.post_body("x", None)).await.status(), 400);
    let oversized = "x".repeat(2 * 1024 * 1024);
    assert_eq!(post(good, oversized).await.status(), 413);
    let stats = app.inbox_stats().await;
    assert_eq!(stats.pending, 0, "nothing forged was stored");
    let metrics = metrics(&app).await;
    for reason in ["-40001", "-40002", "-40005"] {
        let line = format!(r#"gantry_callbacks_rejected_total{{source="app",reason="{reason}"}}"#);
        assert!(metrics.contains(&line), "{line} in {metrics}");
    }
    assert!(
        metrics.contains("gantry_http_requests_total{route=\"/wecom/callback\",status=\"4xx\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_signed_callback_an_hour_old_or_ahead_is_refused_and_not_stored() {
    let app = spawn_app().await;
    let user = app.active_user(0);
    let xml = app.sim.xml_text_message(&user, "重放的旧回调", AGENT);
    let now = now_secs(&app);
    for offset in [-3600, 3600, -301, 301, -86_400 * 8] {
        let response = post_sealed(&app, xml.as_bytes(), now + offset).await;
        assert_invalid_callback(response, &format!("timestamp now{offset:+}")).await;
    }
    let stats = app.inbox_stats().await;
    assert_eq!(
        (stats.pending, stats.done, stats.dead),
        (0, 0, 0),
        "nothing stale was stored"
    );
    let metrics = metrics(&app).await;
    assert!(
        metrics
            .contains(r#"gantry_callbacks_rejected_total{source="app",reason="stale_timestamp"}"#),
        "{metrics}"
    );

    // Inside the window (WeCom's own clock may be a little off either way) is fine.
    for offset in [-240, 240] {
        let other = app
            .sim
            .xml_text_message(&user, &format!("偏差 {offset} 秒"), AGENT);
        let response = post_sealed(&app, other.as_bytes(), now + offset).await;
        assert_eq!(response.status(), 200, "timestamp now{offset:+}");
    }
    assert_eq!(app.inbox_stats().await.pending, 2);
}

#[tokio::test]
async fn a_captured_callback_replayed_later_is_refused_while_wecom_retries_still_pass() {
    let app = spawn_app().await;
    let user = app.active_user(1);
    let xml = app.sim.xml_text_message(&user, "三号楼钢筋验收完成", AGENT);
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, app.sim.corp_id()).expect("crypto");
    let sealed = crypto.seal(xml.as_bytes(), &now_secs(&app).to_string(), "99");
    let send = || {
        app.http
            .post(app.callback_url())
            .query(&[
                ("msg_signature", sealed.msg_signature.as_str()),
                ("timestamp", sealed.timestamp.as_str()),
                ("nonce", sealed.nonce.as_str()),
            ])
            .body(sealed.post_body(app.sim.corp_id(), Some(AGENT)))
            .send()
    };
    assert_eq!(send().await.expect("sent").status(), 200);
    // WeCom's retry of the same request a couple of minutes later: accepted, deduped.
    app.clock.advance(120_000);
    assert_eq!(send().await.expect("sent").status(), 200);
    assert_eq!(app.inbox_stats().await.pending, 1);
    // The same captured request an hour later (by the app's clock, not the wall clock).
    app.clock.advance(3_600_000);
    assert_invalid_callback(send().await.expect("sent"), "replayed an hour later").await;
    // A callback stamped by WeCom's (real) clock is refused by an app whose clock is an
    // hour ahead: the check reads the app's injectable clock.
    let delivery = app
        .sim
        .send_callback(&app.target, &xml, Some(AGENT))
        .await
        .expect("sent");
    assert!(!delivery.delivered);
    assert!(
        delivery.attempts.iter().all(|a| a.status == Some(400)),
        "{delivery:?}"
    );
    assert_eq!(app.inbox_stats().await.pending, 1, "only the first copy");
}

#[tokio::test]
async fn url_verification_refuses_a_stale_timestamp() {
    let app = spawn_app().await;
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, app.sim.corp_id()).expect("crypto");
    let verify = |offset: i64| {
        let timestamp = (now_secs(&app) + offset).to_string();
        let echo = crypto.seal(b"1616140317555161061", &timestamp, "5");
        app.http
            .get(app.callback_url())
            .query(&[
                ("msg_signature", echo.msg_signature.as_str()),
                ("timestamp", echo.timestamp.as_str()),
                ("nonce", echo.nonce.as_str()),
                ("echostr", echo.encrypt.as_str()),
            ])
            .send()
    };
    let fresh = verify(0).await.expect("answered");
    assert_eq!(fresh.status(), 200);
    assert_eq!(fresh.text().await.expect("body"), "1616140317555161061");
    for offset in [-3600, 3600] {
        assert_invalid_callback(
            verify(offset).await.expect("answered"),
            &format!("echostr timestamp now{offset:+}"),
        )
        .await;
    }
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xml><ToUserName><![CDATA[x]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&lol3;</Content></xml>"#;

const EXTERNAL_ENTITY: &str = r#"<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName><![CDATA[x]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&xxe;</Content></xml>"#;

#[tokio::test]
async fn a_decrypted_message_that_is_not_xml_or_has_a_dtd_is_refused_and_not_stored() {
    let app = spawn_app().await;
    let now = now_secs(&app);
    for (what, msg) in [
        ("billion laughs", BILLION_LAUGHS),
        ("external entity", EXTERNAL_ENTITY),
        (
            "doctype",
            "<!DOCTYPE xml><xml><MsgType>text</MsgType></xml>",
        ),
        ("not xml", "this is not xml"),
        ("json", r#"{"MsgType":"text"}"#),
        ("unclosed", "<xml><MsgType>text</MsgType>"),
        ("undeclared entity", "<xml><Content>&xxe;</Content></xml>"),
        ("other root", "<html><body>hi</body></html>"),
        ("empty", ""),
    ] {
        let response = post_sealed(&app, msg.as_bytes(), now).await;
        assert_invalid_callback(response, what).await;
    }
    let stats = app.inbox_stats().await;
    assert_eq!(
        (stats.pending, stats.done, stats.dead),
        (0, 0, 0),
        "nothing was stored"
    );
    let metrics = metrics(&app).await;
    assert!(
        metrics.contains(r#"gantry_callbacks_rejected_total{source="app",reason="-40002"}"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn unknown_kinds_are_kept_and_well_formed_but_unparsable_events_are_dead_lettered() {
    let app = spawn_app().await;
    let unknown = format!(
        "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[future_event]]></Event><Foo>1</Foo></xml>",
        app.sim.corp_id()
    );
    app.sim
        .send_callback(&app.target, &unknown, None)
        .await
        .expect("sent");
    // Well-formed XML that is no event WeCom documents (no MsgType, no sender).
    let shapeless = "<xml><Foo>1</Foo></xml>";
    app.sim
        .send_callback(&app.target, shapeless, None)
        .await
        .expect("sent");
    let stats = app.inbox_stats().await;
    assert_eq!(stats.pending, 2, "both kept");
    let report = inbox::step(&app.state).await.expect("inbox round");
    assert_eq!((report.done, report.dead), (1, 1));
    let dead = app
        .state
        .store
        .inbox()
        .dead(10, 0)
        .await
        .expect("dead letters");
    assert_eq!(dead[0].kind, "unparsed");
    assert_eq!(dead[0].payload, shapeless);
}

#[tokio::test]
async fn a_text_gets_a_reply_through_inbox_and_outbox() {
    let app = spawn_app().await;
    let user = app.active_user(3);
    app.sim
        .send_text(&app.target, &user, "你好")
        .await
        .expect("sent");
    assert_eq!(inbox::step(&app.state).await.expect("inbox").done, 1);
    let report = Dispatcher::new(&app.state)
        .step(&app.state)
        .await
        .expect("outbox");
    assert_eq!(report.sent, 1);
    let replies = app.sim.messages_for(&user);
    assert_eq!(replies.len(), 1);
    let content = replies[0].body["text"]["content"].as_str().expect("text");
    assert!(
        content.starts_with("可以发送"),
        "a guide to the commands: {content}"
    );
    // Handling the same callback again (a crash before `complete`) queues nothing new.
    let again = app.outbox_stats().await;
    assert_eq!(again.done, 1);
}

#[tokio::test]
async fn an_expired_token_costs_one_refresh_and_no_failed_send() {
    let app = spawn_app().await;
    let users: Vec<String> = (0..5).map(|n| app.active_user(n)).collect();
    for user in &users {
        app.sim
            .send_text(&app.target, user, "进度")
            .await
            .expect("sent");
    }
    inbox::step(&app.state).await.expect("inbox");
    let dispatcher = Dispatcher::new(&app.state);
    // Warm the token with the first reply, then expire every token WeCom issued.
    let first = dispatcher.step(&app.state).await.expect("outbox");
    assert_eq!(first.sent, 5);
    for user in &users {
        app.sim
            .send_text(&app.target, user, "我的任务")
            .await
            .expect("sent");
    }
    inbox::step(&app.state).await.expect("inbox");
    let before = app.sim.calls_to("/cgi-bin/gettoken");
    app.sim.expire_tokens();
    let report = dispatcher.step(&app.state).await.expect("outbox");
    assert_eq!((report.sent, report.retried, report.dead), (5, 0, 0));
    assert_eq!(app.sim.calls_to("/cgi-bin/gettoken") - before, 1);
    let metrics = app.state.metrics.render(&[]);
    assert!(
        metrics.contains(r#"gantry_wecom_calls_total{api="/cgi-bin/message/send",outcome="errcode",errcode="42001"}"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("gantry_wecom_call_seconds_count{api=\"/cgi-bin/gettoken\"} 2"),
        "{metrics}"
    );
}
