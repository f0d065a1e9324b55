//! message/send validation, recipients, limits, duplicate check, cards and recall.

mod common;

use std::time::Duration;

use common::{Env, card, errcode};
use serde_json::json;
use wecom_sim::{SimApp, SimConfig, Visibility, codes};

#[tokio::test]
async fn validation_errors() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let agent = env.agent();
    let send = |body: serde_json::Value| {
        let env = &env;
        let token = token.clone();
        async move { errcode(&env.post("/cgi-bin/message/send", &token, &body).await) }
    };
    assert_eq!(
        send(json!({"touser": user, "msgtype": "text", "agentid": agent, "text": {"content": ""}}))
            .await,
        codes::EMPTY_CONTENT
    );
    let long = "字".repeat(700);
    assert_eq!(
        send(
            json!({"touser": user, "msgtype": "text", "agentid": agent, "text": {"content": long}})
        )
        .await,
        codes::CONTENT_TOO_LONG
    );
    assert_eq!(
        send(json!({"touser": user, "msgtype": "fax", "agentid": agent})).await,
        codes::INVALID_MSGTYPE
    );
    assert_eq!(
        send(json!({"msgtype": "text", "agentid": agent, "text": {"content": "x"}})).await,
        codes::INVALID_PARAM
    );
    assert_eq!(
        send(json!({"touser": user, "msgtype": "text", "text": {"content": "x"}})).await,
        codes::MISSING_AGENTID
    );
    assert_eq!(
        send(json!({"touser": user, "msgtype": "text", "agentid": 42, "text": {"content": "x"}}))
            .await,
        codes::INVALID_AGENTID
    );
    assert_eq!(send(json!({"touser": user, "msgtype": "textcard", "agentid": agent, "textcard": {"title": "t", "url": "https://x"}})).await, codes::MISSING_DESCRIPTION);
    let many = vec!["u"; 1001].join("|");
    assert_eq!(
        send(
            json!({"touser": many, "msgtype": "text", "agentid": agent, "text": {"content": "x"}})
        )
        .await,
        codes::INVALID_USER_LIST_LEN
    );
    let r = env
        .post("/cgi-bin/message/send", &token, &json!("not an object"))
        .await;
    assert_eq!(errcode(&r), codes::BAD_JSON);
    assert!(env.sim.messages().is_empty());
}

#[tokio::test]
async fn wrong_app_token_gives_301002() {
    let env = Env::new(SimConfig {
        apps: vec![
            SimApp::default(),
            SimApp {
                agent_id: 1_000_005,
                secret: "other".into(),
                ..SimApp::default()
            },
        ],
        ..SimConfig::default()
    })
    .await;
    let token = env.token_for("other").await;
    let v = env.send_text(&token, &env.active_user(0), "hi").await;
    assert_eq!(errcode(&v), codes::WRONG_APP);
}

#[tokio::test]
async fn invalid_recipients_are_reported_lower_cased() {
    let org = wecom_sim::org::generate(&wecom_sim::OrgSpec::default());
    let user = org
        .users
        .iter()
        .find(|u| u.status == 1)
        .expect("an active member")
        .userid
        .clone();
    let env = Env::new(SimConfig {
        apps: vec![SimApp {
            visibility: Visibility::Users(vec![user.clone()]),
            ..SimApp::default()
        }],
        ..SimConfig::default()
    })
    .await;
    let other = env.active_user(1);
    let token = env.app_token().await;
    let v = env
        .send_text(&token, &format!("{user}|NoSuchUser|{other}"), "巡检提醒")
        .await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["invaliduser"], json!(format!("nosuchuser|{other}")));
    assert!(v["msgid"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(env.sim.messages_for(&user).len(), 1);
    assert!(env.sim.messages_for(&other).is_empty());

    let v = env.send_text(&token, &format!("ghost|{other}"), "x").await;
    assert_eq!(errcode(&v), codes::ALL_RECIPIENTS_INVALID);
}

#[tokio::test]
async fn thirty_first_message_in_a_minute_is_silently_dropped() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    for i in 0..31 {
        let v = env.send_text(&token, &user, &format!("第{i}条")).await;
        assert_eq!(errcode(&v), 0, "{v}");
    }
    assert_eq!(env.sim.messages_for(&user).len(), 30);
    let dropped = env.sim.dropped();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].userid, user);
    assert_eq!(dropped[0].reason, "member_per_minute");

    env.sim.advance(Duration::from_secs(61));
    let v = env.send_text(&token, &user, "一分钟后").await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(env.sim.messages_for(&user).len(), 31);
}

#[tokio::test]
async fn duplicate_check_returns_the_same_msgid_once_delivered() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let body = json!({
        "touser": user, "msgtype": "markdown", "agentid": env.agent(),
        "markdown": {"content": "**整改通知**"},
        "enable_duplicate_check": 1, "duplicate_check_interval": 600,
    });
    let a = env.post("/cgi-bin/message/send", &token, &body).await;
    let b = env.post("/cgi-bin/message/send", &token, &body).await;
    assert_eq!(errcode(&a), 0);
    assert_eq!(a["msgid"], b["msgid"]);
    assert_eq!(env.sim.messages_for(&user).len(), 1);
    env.sim.advance(Duration::from_secs(601));
    let c = env.post("/cgi-bin/message/send", &token, &body).await;
    assert_ne!(a["msgid"], c["msgid"]);
    assert_eq!(env.sim.messages_for(&user).len(), 2);
}

#[tokio::test]
async fn card_task_ids_are_unique_and_response_codes_single_use() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let agent = env.agent();
    let v = env
        .post(
            "/cgi-bin/message/send",
            &token,
            &card(agent, &user, "insp-42-v1"),
        )
        .await;
    assert_eq!(errcode(&v), 0, "{v}");
    let code = v["response_code"]
        .as_str()
        .expect("response_code")
        .to_owned();
    let sent = env.sim.messages_for(&user);
    assert_eq!(sent[0].task_id.as_deref(), Some("insp-42-v1"));
    assert_eq!(sent[0].response_code.as_deref(), Some(code.as_str()));

    let dup = env
        .post(
            "/cgi-bin/message/send",
            &token,
            &card(agent, &user, "insp-42-v1"),
        )
        .await;
    assert_eq!(errcode(&dup), codes::DUPLICATE_TASK_ID);
    let bad = env
        .post(
            "/cgi-bin/message/send",
            &token,
            &card(agent, &user, "has space"),
        )
        .await;
    assert_eq!(errcode(&bad), codes::INVALID_PARAM_DETAIL);

    let update = json!({
        "userids": [user], "agentid": agent, "response_code": code,
        "button": {"replace_name": "已通过"},
    });
    let v = env
        .post("/cgi-bin/message/update_template_card", &token, &update)
        .await;
    assert_eq!(errcode(&v), 0, "{v}");
    let again = env
        .post("/cgi-bin/message/update_template_card", &token, &update)
        .await;
    assert_eq!(errcode(&again), codes::RESPONSE_CODE_INVALID);
    let ups = env.sim.card_updates();
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[0].userids, vec![user.clone()]);
    assert_eq!(ups[0].replace_name.as_deref(), Some("已通过"));
}

#[tokio::test]
async fn response_codes_expire_after_72_hours() {
    let env = Env::new(SimConfig {
        token_ttl: Duration::from_secs(400 * 3600),
        ..SimConfig::default()
    })
    .await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let v = env
        .post(
            "/cgi-bin/message/send",
            &token,
            &card(env.agent(), &user, "t72"),
        )
        .await;
    let code = v["response_code"].as_str().expect("code").to_owned();
    env.sim.advance(Duration::from_secs(72 * 3600 + 1));
    let v = env
        .post(
            "/cgi-bin/message/update_template_card",
            &token,
            &json!({"agentid": env.agent(), "response_code": code, "button": {"replace_name": "过期"}}),
        )
        .await;
    assert_eq!(errcode(&v), codes::RESPONSE_CODE_INVALID);
}

#[tokio::test]
async fn recall_within_24_hours_only() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let user = env.active_user(0);
    let v = env.send_text(&token, &user, "撤回我").await;
    let msgid = v["msgid"].as_str().expect("msgid").to_owned();
    let r = env
        .post("/cgi-bin/message/recall", &token, &json!({"msgid": msgid}))
        .await;
    assert_eq!(errcode(&r), 0);
    assert!(env.sim.messages_for(&user)[0].recalled);
    let r = env
        .post("/cgi-bin/message/recall", &token, &json!({"msgid": "nope"}))
        .await;
    assert_eq!(errcode(&r), codes::RECALL_INVALID_MSGID);
}

#[tokio::test]
async fn at_all_reaches_every_active_member() {
    let env = Env::default().await;
    let token = env.app_token().await;
    let v = env.send_text(&token, "@all", "全员通知").await;
    assert_eq!(errcode(&v), 0);
    let active = env
        .sim
        .org()
        .users
        .iter()
        .filter(|u| matches!(u.status, 1 | 4))
        .count();
    assert_eq!(env.sim.messages().len(), active);
}
