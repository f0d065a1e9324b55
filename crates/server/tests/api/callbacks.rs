//! The callback URLs: verification, durable intake, dedupe, refusal of forgeries.

use server::workers::inbox;
use server::workers::outbox::Dispatcher;
use wecom::callback::CallbackCrypto;

use crate::helpers::{AES_KEY, TOKEN, spawn_app};

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

#[tokio::test]
async fn forged_and_malformed_callbacks_are_refused_and_not_stored() {
    let app = spawn_app().await;
    let crypto = CallbackCrypto::new(TOKEN, AES_KEY, app.sim.corp_id()).expect("crypto");
    let sealed = crypto.seal(b"<xml><MsgType>text</MsgType></xml>", "1700000000", "7");
    let body = sealed.post_body(app.sim.corp_id(), Some(AGENT));
    let post = |query: String, body: String| {
        let url = format!("{}?{query}", app.callback_url());
        let http = app.http.clone();
        async move { http.post(url).body(body).send().await.expect("answered") }
    };
    let good = format!(
        "msg_signature={}&timestamp=1700000000&nonce=7",
        sealed.msg_signature
    );
    let forged =
        "msg_signature=0000000000000000000000000000000000000000&timestamp=1700000000&nonce=7"
            .to_owned();
    let cases = [
        (forged.clone(), body.clone()),
        (good.replace("nonce=7", "nonce=8"), body.clone()),
        (good.clone(), "<xml><Encrypt>".to_owned()),
        (good.clone(), "not xml at all".to_owned()),
        ("timestamp=1".to_owned(), body.clone()),
    ];
    for (query, body) in cases {
        let response = post(query.clone(), body).await;
        assert_eq!(response.status(), 400, "{query}");
        let json: serde_json::Value = response.json().await.expect("json error body");
        assert_eq!(json["code"], "invalid_callback", "{json}");
    }
    let other_corp = CallbackCrypto::new(TOKEN, AES_KEY, "ww0000000000000000").expect("crypto");
    let wrong = other_corp.seal(b"<xml/>", "1", "2");
    let query = format!("msg_signature={}&timestamp=1&nonce=2", wrong.msg_signature);
    assert_eq!(post(query, wrong.post_body("x", None)).await.status(), 400);
    let oversized = "x".repeat(2 * 1024 * 1024);
    assert_eq!(post(good, oversized).await.status(), 413);
    let stats = app.inbox_stats().await;
    assert_eq!(stats.pending, 0, "nothing forged was stored");
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(r#"gantry_callbacks_rejected_total{source="app",reason="-40001"}"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("gantry_http_requests_total{route=\"/wecom/callback\",status=\"4xx\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn unknown_kinds_are_kept_and_unparsable_plaintext_is_dead_lettered() {
    let app = spawn_app().await;
    let unknown = format!(
        "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[future_event]]></Event><Foo>1</Foo></xml>",
        app.sim.corp_id()
    );
    app.sim
        .send_callback(&app.target, &unknown, None)
        .await
        .expect("sent");
    app.sim
        .send_callback(&app.target, "this is not xml", None)
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
    assert_eq!(dead[0].payload, "this is not xml");
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
