//! Each endpoint family against the simulator: request shape, success, WeCom error, HTTP 5xx
//! and timeout.

mod common;

use std::time::Duration;

use common::{app_client, contacts_client, sim};
use wecom::client::{
    Button, Error, MediaKind, Message, MessageBody, Recipients, RetryAdvice, TemplateCard,
    UpdateCard, UserIdentity,
};
use wecom_sim::{Fault, FaultKind, SimHandle};

fn fault(sim: &SimHandle, path: &str, kind: FaultKind) {
    sim.inject(Fault {
        path: path.into(),
        count: 1,
        kind,
    });
}

/// Injects a WeCom error, a 502, a delay past the client's timeout and a dropped connection
/// into `path`, and checks that `call` reports each as the right error.
async fn check_failures<F, Fut, T>(sim: &SimHandle, path: &str, call: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
    T: std::fmt::Debug,
{
    fault(sim, path, FaultKind::Errcode(-1));
    let err = call().await.expect_err("busy");
    assert!(
        matches!(err, Error::Api { errcode: -1, .. }),
        "{path}: {err:?}"
    );
    assert_eq!(err.retry(), RetryAdvice::Backoff);

    fault(sim, path, FaultKind::Errcode(45009));
    assert_eq!(
        call().await.expect_err("limited").retry(),
        RetryAdvice::Backoff,
        "{path}"
    );

    fault(sim, path, FaultKind::HttpStatus(502));
    let err = call().await.expect_err("5xx");
    assert!(
        matches!(err, Error::Http { status: 502, .. }),
        "{path}: {err:?}"
    );
    assert!(err.is_retryable());

    fault(sim, path, FaultKind::Delay(Duration::from_millis(2500)));
    let err = call().await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{path}: {err:?}");

    fault(sim, path, FaultKind::DropConnection);
    let err = call().await.expect_err("dropped");
    assert!(matches!(err, Error::Transport { .. }), "{path}: {err:?}");
}

#[tokio::test]
async fn contacts_match_the_directory() {
    let sim = sim().await;
    let client = app_client(&sim);
    let org = sim.org();
    let departments = client.department_list(None).await.expect("department/list");
    assert_eq!(departments.len(), org.departments.len());
    for d in &departments {
        let expected = org.department(d.id).expect("known department");
        assert_eq!(
            (&d.name, d.parentid, d.order),
            (&expected.name, expected.parentid, expected.order)
        );
        assert_eq!(d.department_leader, expected.department_leader);
    }
    let simple = client
        .department_simplelist(Some(1))
        .await
        .expect("simplelist");
    assert_eq!(simple.len(), org.subtree(1).len());
    let one = client
        .department_get(departments[1].id)
        .await
        .expect("department/get");
    assert_eq!(one, departments[1]);

    let dept = org
        .departments
        .iter()
        .find(|d| !org.users_in(d.id).is_empty())
        .expect("staffed");
    let users = client.user_list(dept.id).await.expect("user/list");
    assert_eq!(users.len(), org.users_in(dept.id).len());
    let first = &users[0];
    let expected = org.user(&first.userid).expect("known user");
    assert_eq!(first.name, expected.name);
    assert_eq!(first.department, expected.department);
    let got = client.user_get(&first.userid).await.expect("user/get");
    assert_eq!(got.userid, first.userid);
    let simple_users = client.user_simplelist(dept.id).await.expect("simplelist");
    assert_eq!(simple_users.len(), users.len());

    let tags = client.tag_list().await.expect("tag/list");
    assert_eq!(tags.len(), org.tags.len());
    let tag = client.tag_get(tags[0].tagid).await.expect("tag/get");
    assert_eq!(
        tag.userlist.len(),
        org.tag(tags[0].tagid).expect("tag").users.len()
    );

    let err = client
        .user_get("no-such-user")
        .await
        .expect_err("unknown user");
    assert!(matches!(err, Error::Api { errcode: 60111, .. }), "{err:?}");
    // list_id needs the 通讯录同步 secret.
    let err = client
        .user_list_id(None, 100)
        .await
        .expect_err("app secret");
    assert!(matches!(err, Error::Api { errcode: 48002, .. }), "{err:?}");
    let sync = contacts_client(&sim);
    let rows = sync.user_list_id_all(50).await.expect("paged list_id");
    let memberships: usize = org.users.iter().map(|u| u.department.len()).sum();
    assert_eq!(rows.len(), memberships);
    assert!(
        sim.calls_to("/cgi-bin/user/list_id") > 1,
        "paged with a cursor"
    );

    check_failures(&sim, "/cgi-bin/department/list", || {
        client.department_list(None)
    })
    .await;
    client
        .department_list(None)
        .await
        .expect("faults are spent");
}

fn card(task_id: &str) -> Message {
    let mut card = TemplateCard::button_interaction(
        task_id,
        vec![
            Button::callback("同意", "approve", 1),
            Button::callback("驳回", "reject", 2),
        ],
    );
    card.main_title = Some(wecom::client::MainTitle {
        title: Some("付款申请 #42".into()),
        desc: Some("三号工地".into()),
    });
    card.card_action = Some(wecom::client::CardAction {
        kind: 1,
        url: Some("https://gantry.example.com/a/42".into()),
        ..Default::default()
    });
    Message::new(
        Recipients::users(["placeholder"]),
        MessageBody::TemplateCard(Box::new(card)),
    )
}

#[tokio::test]
async fn messages_cards_updates_and_recall() {
    let sim = sim().await;
    let client = app_client(&sim);
    let active = common::active_users(&sim, 2);

    let text = Message::new(
        Recipients::users([active[0].clone(), "ghost".into()]),
        MessageBody::Text {
            content: "明天 8:00 浇筑混凝土".into(),
        },
    );
    let sent = client.send(&text).await.expect("text sent");
    assert_eq!(sent.invaliduser, ["ghost"]);
    let delivered = sim.messages_for(&active[0]);
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].msgtype, "text");
    assert_eq!(delivered[0].body["agentid"], common::AGENT);
    assert_eq!(delivered[0].body["enable_duplicate_check"], 1);
    assert_eq!(delivered[0].body["touser"], format!("{}|ghost", active[0]));

    let mut message = card("pay-42-v1");
    message.to = Recipients::users(active.clone());
    let sent = client.send(&message).await.expect("card sent");
    let response_code = sent
        .response_code
        .clone()
        .expect("interactive cards return a response_code");
    assert_eq!(
        sim.messages_for(&active[1])[0].task_id.as_deref(),
        Some("pay-42-v1")
    );
    // An identical resend inside the duplicate-check window is the same message.
    assert_eq!(
        client.send(&message).await.expect("deduplicated").msgid,
        sent.msgid
    );
    // A different card reusing the task_id is refused: task_id is unique per app.
    let mut reused = card("pay-42-v1");
    reused.to = Recipients::users(active.clone());
    if let MessageBody::TemplateCard(card) = &mut reused.body {
        card.sub_title_text = Some("金额已修改".into());
    }
    let err = client.send(&reused).await.expect_err("duplicate task_id");
    assert!(
        matches!(err, Error::Api { .. }) && !err.is_retryable(),
        "{err:?}"
    );

    let update = UpdateCard::replace_button(active.clone(), &response_code, "已同意");
    client
        .update_template_card(&update)
        .await
        .expect("card updated");
    assert_eq!(sim.card_updates().len(), 1);
    let err = client
        .update_template_card(&update)
        .await
        .expect_err("response_code is single-use");
    assert!(matches!(err, Error::Api { errcode: 60140, .. }), "{err:?}");

    client.recall(&sent.msgid).await.expect("recalled");
    let err = client
        .recall("no-such-msgid")
        .await
        .expect_err("unknown msgid");
    assert!(matches!(err, Error::Api { .. }), "{err:?}");

    let all_invalid = Message::new(
        Recipients::users(["ghost"]),
        MessageBody::Text {
            content: "x".into(),
        },
    );
    let err = client.send(&all_invalid).await.expect_err("81013");
    assert!(matches!(err, Error::Api { errcode: 81013, .. }), "{err:?}");

    let ping = Message::new(
        Recipients::users([active[0].clone()]),
        MessageBody::Markdown {
            content: "**ping**".into(),
        },
    );
    check_failures(&sim, "/cgi-bin/message/send", || client.send(&ping)).await;
    client.send(&ping).await.expect("faults are spent");
}

#[tokio::test]
async fn a_send_that_timed_out_is_not_resent_by_the_client() {
    let sim = sim().await;
    let client = app_client(&sim);
    let user = common::active_users(&sim, 1).remove(0);
    client.tag_list().await.expect("warm");
    fault(
        &sim,
        "/cgi-bin/message/send",
        FaultKind::Delay(Duration::from_millis(2500)),
    );
    let msg = Message::new(
        Recipients::users([user]),
        MessageBody::Text {
            content: "once".into(),
        },
    );
    let err = client.send(&msg).await.expect_err("timeout");
    assert!(
        err.outcome_unknown(),
        "the outbox must know it may have been delivered"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(sim.calls_to("/cgi-bin/message/send"), 1);
}

#[tokio::test]
async fn oauth_codes_work_once() {
    let sim = sim().await;
    let client = app_client(&sim);
    let user = common::active_users(&sim, 1).remove(0);
    let code = sim.issue_oauth_code(&user);
    match client.get_user_info(&code).await.expect("member") {
        UserIdentity::Member { userid, .. } => assert_eq!(userid, user),
        other => panic!("expected a member, got {other:?}"),
    }
    let err = client.get_user_info(&code).await.expect_err("code reused");
    assert!(matches!(err, Error::Api { errcode: 40029, .. }), "{err:?}");
    check_failures(&sim, "/cgi-bin/auth/getuserinfo", || {
        client.get_user_info("unused")
    })
    .await;
    let fresh = sim.issue_oauth_code(&user);
    client
        .get_user_info(&fresh)
        .await
        .expect("a fresh code works after the faults");
}

#[tokio::test]
async fn tickets_are_cached_per_kind() {
    let sim = sim().await;
    let client = app_client(&sim);
    let corp = client.jsapi_ticket().await.expect("corp ticket");
    let agent = client.agent_config_ticket().await.expect("agent ticket");
    assert_ne!(corp, agent);
    assert_eq!(client.jsapi_ticket().await.expect("cached"), corp);
    assert_eq!(sim.calls_to("/cgi-bin/get_jsapi_ticket"), 1);
    assert_eq!(sim.calls_to("/cgi-bin/ticket/get"), 1);
    let agent_call = sim
        .calls()
        .into_iter()
        .find(|c| c.path == "/cgi-bin/ticket/get")
        .expect("call");
    assert_eq!(agent_call.query_value("type"), Some("agent_config"));

    // A failed ticket fetch is remembered for a few seconds (so a quota error does not
    // turn every page view into a ticket call): each fault gets a fresh client.
    check_failures(&sim, "/cgi-bin/get_jsapi_ticket", || {
        let fresh = app_client(&sim);
        async move { fresh.jsapi_ticket().await }
    })
    .await;
}

#[tokio::test]
async fn media_round_trip() {
    let sim = sim().await;
    let client = app_client(&sim);
    let photo: Vec<u8> = (0..4096u32).map(|i| (i * 7) as u8).collect();
    let uploaded = client
        .upload_media(MediaKind::Image, "site.jpg", photo.clone(), "image/jpeg")
        .await
        .expect("uploaded");
    let media = client
        .get_media(&uploaded.media_id)
        .await
        .expect("downloaded");
    assert_eq!(media.bytes, photo);
    assert_eq!(media.content_type.as_deref(), Some("image/jpeg"));
    let err = client
        .get_media("missing")
        .await
        .expect_err("unknown media");
    assert!(matches!(err, Error::Api { errcode: 40007, .. }), "{err:?}");
    let err = client
        .upload_media(MediaKind::Image, "x.jpg", vec![1, 2], "image/jpeg")
        .await
        .expect_err("too small");
    assert!(
        matches!(err, Error::Api { .. } | Error::InvalidRequest(_)),
        "{err:?}"
    );
    check_failures(&sim, "/cgi-bin/media/get", || {
        client.get_media(&uploaded.media_id)
    })
    .await;
    assert_eq!(
        client
            .get_media(&uploaded.media_id)
            .await
            .expect("recovers")
            .bytes,
        photo
    );
}

#[tokio::test]
async fn app_chats() {
    let sim = sim().await;
    let client = app_client(&sim);
    let members = common::active_users(&sim, 3);
    let chatid = client
        .appchat_create("三号工地协调群", &members[0], &members, Some("site3"))
        .await
        .expect("created");
    assert_eq!(chatid, "site3");
    let body = MessageBody::Text {
        content: "今日安全交底".into(),
    };
    client.appchat_send(&chatid, &body).await.expect("sent");
    assert_eq!(sim.appchat_messages().len(), 1);
    check_failures(&sim, "/cgi-bin/appchat/send", || {
        client.appchat_send(&chatid, &body)
    })
    .await;
    client.appchat_send(&chatid, &body).await.expect("recovers");
}
