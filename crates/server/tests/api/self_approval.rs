//! Nobody decides their own request: a PM filing a purchase on their own project has
//! their seat handed to their leader (or the admins), skipped, or kept only when the
//! template opts in; the card and the timeline say which. 自选 approvers are bounded,
//! never the initiator, and inside the node's scope.

use std::collections::BTreeMap;

use domain::approval::{ApproverRule, SelfApproval, SelfApprovalNote, Status, builtin};
use domain::clock::Clock as _;
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::approvals;

use crate::approvals::{Company, call, company, dispatch, instance, sign_in};

/// The PM files a purchase on their own project.
async fn pm_files_purchase(c: &Company) -> i64 {
    let form = [
        ("project".to_owned(), json!(c.project)),
        ("items".to_owned(), json!("HRB400 钢筋 20 吨")),
        ("materials".to_owned(), json!(100_000)),
        ("arrival".to_owned(), json!("2026-12-20")),
    ]
    .into();
    approvals::submit(
        &c.app.state,
        &server::audit::Actor::member(&c.pms[0]),
        "purchase",
        &form,
        None,
        BTreeMap::new(),
    )
    .await
    .expect("submitted")
}

/// Who stands in for `userid`: their leader, else the admins.
async fn stand_ins(c: &Company, userid: &str) -> Vec<String> {
    let levels = c
        .app
        .state
        .store
        .org()
        .leader_levels(userid, 1)
        .await
        .expect("leaders");
    levels
        .into_iter()
        .next()
        .unwrap_or_else(|| c.app.state.settings.auth.admins.clone())
}

#[tokio::test]
async fn a_pm_never_approves_their_own_purchase_and_the_card_and_timeline_say_why() {
    let c = company(1).await;
    let app = &c.app;
    let pm = &c.pms[0];
    let id = pm_files_purchase(&c).await;
    let i = instance(app, id).await;
    let expected = stand_ins(&c, pm).await;
    assert!(!expected.is_empty());
    let first = &i.steps[0];
    let seated: Vec<&str> = first.seats.iter().map(|s| s.userid.as_str()).collect();
    assert!(
        !seated.contains(&pm.as_str()),
        "the PM holds no seat: {seated:?}"
    );
    assert_eq!(
        first.self_approval,
        Some(SelfApprovalNote::HandedOver {
            to: expected.clone()
        })
    );
    assert_eq!(i.pending_approvers(), expected);

    // The stand-in's card says why it reached them.
    dispatch(app).await;
    let card = app
        .sim
        .messages_for(&expected[0])
        .into_iter()
        .rev()
        .find(|m| m.msgtype == "template_card")
        .expect("a decision card");
    let sub = card.body["template_card"]["sub_title_text"]
        .as_str()
        .unwrap_or_default();
    assert!(sub.contains("不能审批自己的申请"), "{sub}");

    // The PM cannot act on it, and the timeline names who took the seat.
    let member = sign_in(app, pm).await;
    let (status, _) = call(
        app,
        &member,
        Method::POST,
        &format!("approvals/{id}/actions"),
        Some(json!({"action": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, detail) = call(app, &member, Method::GET, &format!("approvals/{id}"), None).await;
    let entry = detail["timeline"]
        .as_array()
        .and_then(|t| t.iter().find(|e| e["kind"] == "self_approval"))
        .cloned()
        .unwrap_or_else(|| panic!("no self_approval entry: {detail}"));
    let said = entry["comment"].as_str().unwrap_or_default();
    assert!(said.contains("已转交"), "{said}");
}

/// Stores the purchase template with `rule` as its self-approval setting.
async fn purchase_with(c: &Company, rule: SelfApproval) {
    let mut t = builtin::purchase();
    t.self_approval = rule;
    let state = &c.app.state;
    state
        .store
        .approvals()
        .put_template(&t, "admin", state.clock.now_ms())
        .await
        .expect("stored");
    state.approval_templates.forget(&t.code);
}

#[tokio::test]
async fn skip_passes_the_pms_step_and_allow_lets_them_decide() {
    let c = company(1).await;
    purchase_with(&c, SelfApproval::Skip).await;
    let id = pm_files_purchase(&c).await;
    let i = instance(&c.app, id).await;
    assert_eq!(i.steps[0].self_approval, Some(SelfApprovalNote::Skipped));
    assert!(i.steps[0].seats.is_empty());
    assert_eq!(i.status, Status::Approved, "nobody else had to decide");

    purchase_with(&c, SelfApproval::Allow).await;
    let id = pm_files_purchase(&c).await;
    let i = instance(&c.app, id).await;
    assert_eq!(i.steps[0].self_approval, Some(SelfApprovalNote::Allowed));
    assert_eq!(i.pending_approvers(), [c.pms[0].clone()]);
}

#[tokio::test]
async fn chosen_approvers_are_bounded_never_the_initiator_and_in_scope() {
    let c = company(1).await;
    let app = &c.app;
    app.state
        .store
        .projects()
        .add_member(
            c.project,
            &c.initiator,
            domain::access::ProjectRole::Engineer,
            "admin",
            0,
        )
        .await
        .expect("member");
    let initiator = sign_in(app, &c.initiator).await;
    let change = |technical: Vec<String>| {
        json!({
            "template": "design_change",
            "form": {"project": c.project, "kind": "设计变更", "reason": "标高调整",
                     "content": "底板下调 300 mm", "amount": 1_200_000},
            "chosen": {"technical": technical}
        })
    };
    let refused = |answer: &serde_json::Value, why: &str| {
        let message = answer["message"].as_str().unwrap_or_default().to_owned();
        assert!(
            message.starts_with("chosen.technical") && message.contains(why),
            "{message}"
        );
    };
    let others: Vec<String> = (30..52).map(|n| app.active_user(n)).collect();

    let (status, answer) = call(
        app,
        &initiator,
        Method::POST,
        "approvals",
        Some(change(others.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    refused(&answer, "最多选 20 人");

    let with_self = vec![others[0].clone(), c.initiator.clone()];
    let (status, answer) = call(
        app,
        &initiator,
        Method::POST,
        "approvals",
        Some(change(with_self)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    refused(&answer, "不能选择发起人自己");

    // Scoped to the project's safety officers: anyone else is refused.
    let mut t = builtin::design_change();
    for node in &mut t.flow {
        if let domain::approval::Node::Approve { id, rule, .. } = node
            && id == "technical"
        {
            *rule = ApproverRule::Chosen {
                among: Some(Box::new(ApproverRule::ProjectRole {
                    role: domain::access::ProjectRole::Safety,
                })),
                max: Some(3),
            };
        }
    }
    let now = app.clock.now_ms();
    app.state
        .store
        .approvals()
        .put_template(&t, "admin", now)
        .await
        .expect("stored");
    app.state.approval_templates.forget(&t.code);
    let safety = others[0].clone();
    app.state
        .store
        .projects()
        .add_member(
            c.project,
            &safety,
            domain::access::ProjectRole::Safety,
            "admin",
            now,
        )
        .await
        .expect("safety");
    let (status, answer) = call(
        app,
        &initiator,
        Method::POST,
        "approvals",
        Some(change(vec![safety.clone(), others[1].clone()])),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    refused(&answer, "不在可选范围内");
    let (status, answer) = call(
        app,
        &initiator,
        Method::POST,
        "approvals",
        Some(change(vec![safety])),
    )
    .await;
    assert!(status.is_success(), "{status} {answer}");

    // The form tells the H5 picker the bound.
    let (_, forms) = call(app, &initiator, Method::GET, "approval-forms", None).await;
    let design = forms
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "design_change"))
        .cloned()
        .expect("design_change form");
    assert_eq!(design["chosen"][0]["max"], 3, "{design}");
}
