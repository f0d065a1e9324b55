//! The rest of the card loop through wecom-sim: a 会签 node that waits for everyone,
//! 驳回 back to the first node and a resubmission, 转交 and a tap on a card that was just
//! handed on, 加签, and 撤回 greying out the approver's card.

use std::collections::BTreeMap;

use domain::approval::Status;
use domain::clock::Clock as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::approvals;

use crate::approvals::{
    Company, Member, call, card_of, company, dispatch, drain_inbox, instance, name, replaced,
    sign_in, status, submit_purchase, tap,
};
use crate::helpers::TestApp;

/// A 设计变更 under the finance threshold: PM, then `technical` signing together.
async fn submit_change(c: &Company, technical: &[String]) -> i64 {
    let form = [
        ("project".to_owned(), json!(c.project)),
        ("kind".to_owned(), json!("设计变更")),
        ("reason".to_owned(), json!("地下室底板标高调整")),
        (
            "content".to_owned(),
            json!("底板下调 300 mm，增设集水井两处"),
        ),
        ("amount".to_owned(), json!(1_200_000)),
    ]
    .into();
    let chosen = BTreeMap::from([("technical".to_owned(), technical.to_vec())]);
    approvals::submit(
        &c.app.state,
        &server::audit::Actor::member(&c.initiator),
        "design_change",
        &form,
        None,
        chosen,
    )
    .await
    .expect("submitted")
}

/// Taps `key` on `userid`'s newest card and lets the app handle it and send the results.
async fn tap_newest(app: &TestApp, userid: &str, key: &str) {
    let card = card_of(app, userid);
    tap(app, userid, &card, key).await;
    settle(app).await;
}

async fn settle(app: &TestApp) {
    drain_inbox(app).await;
    dispatch(app).await;
}

fn cards_received(app: &TestApp, userid: &str) -> usize {
    app.sim
        .messages_for(userid)
        .iter()
        .filter(|m| m.msgtype == "template_card")
        .count()
}

async fn act(app: &TestApp, who: &Member, id: i64, action: Value) -> (StatusCode, Value) {
    let path = format!("approvals/{id}/actions");
    call(app, who, Method::POST, &path, Some(action)).await
}

#[tokio::test]
async fn a_countersign_waits_for_all_a_rejection_goes_back_and_a_resubmission_starts_over() {
    let c = company(1).await;
    let app = &c.app;
    let pm = &c.pms[0];
    let (e1, e2) = (app.active_user(30), app.active_user(31));
    let id = submit_change(&c, &[e1.clone(), e2.clone()]).await;
    dispatch(app).await;
    // A second tap on the PM's round-1 card, whose delivery WeCom delays (sent at the end).
    let late = app
        .sim
        .prepare_click(pm, &card_of(app, pm), "approve")
        .expect("a click");
    tap_newest(app, pm, "approve").await;

    // 会签: both engineers get a card; one 同意 is not enough.
    assert_eq!((cards_received(app, &e1), cards_received(app, &e2)), (1, 1));
    tap_newest(app, &e1, "approve").await;
    assert_eq!(replaced(app, &e1), ["已同意"]);
    assert!(replaced(app, &e2).is_empty(), "e2 still has to decide");
    let waiting = instance(app, id).await;
    assert_eq!(
        (waiting.status, waiting.current),
        (Status::Pending, 1),
        "still at the countersign"
    );
    assert_eq!(waiting.pending_approvers(), std::slice::from_ref(&e2));

    // e2 rejects from the H5 back to the PM's node, with a reason.
    let engineer = sign_in(app, &e2).await;
    let reject = json!({ "action": "reject", "reason": "集水井位置与桩冲突", "to_step": 0 });
    let (code, after) = act(app, &engineer, id, reject).await;
    assert_eq!(code, StatusCode::OK, "{after}");
    dispatch(app).await;
    assert_eq!(replaced(app, &e2), ["已驳回"]);
    let back = instance(app, id).await;
    assert_eq!((back.status, back.current), (Status::Pending, 0));
    assert_eq!(cards_received(app, pm), 2, "the PM is asked again");

    // The PM returns it to the initiator from the card (the default reason).
    tap_newest(app, pm, "reject").await;
    assert_eq!(status(app, id).await, Status::Returned);
    let told = app.sim.messages_for(&c.initiator);
    assert!(
        told.iter().any(|m| m.body["textcard"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("被退回"))),
        "the initiator hears it came back"
    );

    // The initiator fixes the form and resubmits: round 2 starts at the PM.
    let initiator = sign_in(app, &c.initiator).await;
    let (code, _) = act(app, &initiator, id, json!({ "action": "approve" })).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "the initiator is no approver");
    // A resubmission is checked as a submission is: a project the initiator cannot see is
    // refused, and nothing changes.
    let now = app.clock.now_ms();
    let store = &app.state.store;
    let new_project = |code: &'static str| store::NewProject {
        code: code.into(),
        name: format!("项目 {code}"),
        department_id: 999_999,
        status: domain::project::ProjectStatus::Active,
    };
    let hidden = store
        .projects()
        .create(&new_project("SZ-09"), "admin", now)
        .await
        .expect("project");
    let moved_to = store
        .projects()
        .create(&new_project("SZ-10"), "admin", now)
        .await
        .expect("project");
    for (who, role) in [
        (&c.initiator, domain::access::ProjectRole::Engineer),
        (pm, domain::access::ProjectRole::Manager),
    ] {
        store
            .projects()
            .add_member(moved_to, who, role, "admin", now)
            .await
            .expect("member");
    }
    let sneaky = json!({
        "action": "resubmit",
        "form": {"project": hidden, "kind": "设计变更", "reason": "换个项目",
                 "content": "底板下调 300 mm", "amount": 1_500_000},
        "chosen": { "technical": [e1, e2] }
    });
    let (code, _) = act(app, &initiator, id, sneaky).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "a project they cannot see");
    assert_eq!(status(app, id).await, Status::Returned);
    // Filed under the project the fixed form names.
    let resubmit = json!({
        "action": "resubmit",
        "form": {
            "project": moved_to,
            "kind": "设计变更",
            "reason": "地下室底板标高调整",
            "content": "底板下调 300 mm，集水井移至 C 轴",
            "amount": 1_500_000
        },
        "chosen": { "technical": [e1, e2] }
    });
    let (code, after) = act(app, &initiator, id, resubmit).await;
    assert_eq!(code, StatusCode::OK, "{after}");
    let refiled = store
        .approvals()
        .get(id)
        .await
        .expect("read")
        .expect("instance");
    assert_eq!(refiled.project_id, Some(moved_to));
    dispatch(app).await;
    let round2 = instance(app, id).await;
    assert_eq!(
        (round2.status, round2.round, round2.current),
        (Status::Pending, 2, 0)
    );
    assert_eq!(cards_received(app, pm), 3);
    // The delayed round-1 tap arrives now: it must not decide round 2, and its card says so.
    let sent =
        crate::callbacks::post_sealed(app, late.as_bytes(), crate::callbacks::now_secs(app)).await;
    assert_eq!(sent.status(), StatusCode::OK);
    settle(app).await;
    let still = instance(app, id).await;
    assert_eq!(
        (still.status, still.round, still.current),
        (Status::Pending, 2, 0)
    );
    assert_eq!(still.pending_approvers(), std::slice::from_ref(pm));
    assert!(
        replaced(app, pm)
            .last()
            .is_some_and(|t| t.contains("上一轮")),
        "{:?}",
        replaced(app, pm)
    );
    tap_newest(app, pm, "approve").await;
    tap_newest(app, &e1, "approve").await;
    tap_newest(app, &e2, "approve").await;
    assert_eq!(status(app, id).await, Status::Approved);
    assert_eq!(app.outbox_stats().await.dead, 0);
}

#[tokio::test]
async fn a_transferred_seat_moves_the_card_and_the_old_card_refuses_a_late_tap() {
    let c = company(1).await;
    let app = &c.app;
    let pm = &c.pms[0];
    let (deputy, signer) = (app.active_user(32), app.active_user(33));
    let id = submit_purchase(&c, 12_000).await;
    dispatch(app).await;
    let old_card = card_of(app, pm);

    // 转交 from the H5; before the old card is greyed out the PM taps it anyway.
    let me = sign_in(app, pm).await;
    let transfer = json!({ "action": "transfer", "to": deputy, "comment": "我在外地" });
    let (code, after) = act(app, &me, id, transfer).await;
    assert_eq!(code, StatusCode::OK, "{after}");
    tap(app, pm, &old_card, "approve").await;
    settle(app).await;
    let pm_card = replaced(app, pm);
    assert!(
        pm_card.contains(&"已处理或你不是当前审批人".to_owned()),
        "the late tap is answered on the card: {pm_card:?}"
    );
    let passed = format!("已转交 {}", name(app, &deputy).await);
    assert!(pm_card.contains(&passed), "{pm_card:?}");
    assert_eq!(
        instance(app, id).await.pending_approvers(),
        std::slice::from_ref(&deputy)
    );

    // The deputy approves and adds a signer after themself (加签 after): their card
    // shows the 同意, the signer is asked next, and only the signer's 同意 finishes it.
    let deputy_member = sign_in(app, &deputy).await;
    let add = json!({ "action": "add_signer", "who": signer, "before": false });
    let (code, after) = act(app, &deputy_member, id, add).await;
    assert_eq!(code, StatusCode::OK, "{after}");
    dispatch(app).await;
    assert_eq!(replaced(app, &deputy), ["已同意"]);
    assert_eq!(status(app, id).await, Status::Pending);
    assert_eq!(
        instance(app, id).await.pending_approvers(),
        std::slice::from_ref(&signer)
    );
    tap_newest(app, &signer, "approve").await;
    assert_eq!(status(app, id).await, Status::Approved);
    assert_eq!(app.outbox_stats().await.dead, 0);
}

#[tokio::test]
async fn a_withdrawal_greys_out_the_approvers_card() {
    let c = company(2).await;
    let app = &c.app;
    let id = submit_purchase(&c, 30_000).await;
    dispatch(app).await;
    let cards: Vec<String> = c.pms.iter().map(|pm| card_of(app, pm)).collect();

    // Nobody acted yet: the initiator may withdraw; an approver may not.
    let approver = sign_in(app, &c.pms[0]).await;
    let (code, _) = act(app, &approver, id, json!({ "action": "withdraw" })).await;
    assert_ne!(code, StatusCode::OK, "only the initiator withdraws");
    let initiator = sign_in(app, &c.initiator).await;
    let (code, after) = act(app, &initiator, id, json!({ "action": "withdraw" })).await;
    assert_eq!(code, StatusCode::OK, "{after}");
    dispatch(app).await;
    assert_eq!(status(app, id).await, Status::Withdrawn);
    for pm in &c.pms {
        assert_eq!(replaced(app, pm), ["已撤回"], "{pm}");
    }
    // The greyed-out card has no buttons left to tap in WeCom.
    let late = app
        .sim
        .click_card(&app.target, &c.pms[0], &cards[0], "approve")
        .await;
    assert!(late.is_err(), "{late:?}");
    assert_eq!(app.outbox_stats().await.dead, 0);
}
