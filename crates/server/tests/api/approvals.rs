//! The WeCom card loop end to end through wecom-sim: submit → decision cards → a member
//! taps 同意 in WeCom → encrypted callback → next node's cards → … → done, with the
//! expected `update_template_card` calls; an or-sign race; a replayed tap.

use std::collections::BTreeMap;

use domain::access::ProjectRole;
use domain::approval::Status;
use domain::clock::Clock as _;
use domain::project::ProjectStatus;
use serde_json::json;
use server::approvals;
use server::workers::{inbox, outbox::Dispatcher};
use store::NewProject;

use crate::helpers::{TestApp, spawn_app};

pub(crate) struct Company {
    pub(crate) app: TestApp,
    pub(crate) initiator: String,
    pub(crate) pms: Vec<String>,
    pub(crate) finance: String,
    pub(crate) project: i64,
}

pub(crate) async fn company(pms: usize) -> Company {
    let app = spawn_app().await;
    let now = app.clock.now_ms();
    app.sync_org().await;
    let initiator = app.active_user(20);
    let finance = app.active_user(21);
    let pms: Vec<String> = (0..pms).map(|n| app.active_user(22 + n)).collect();
    let store = &app.state.store;
    store
        .roles()
        .grant(&finance, "finance", "admin", now)
        .await
        .expect("grant");
    let project = store
        .projects()
        .create(
            &NewProject {
                code: "GZ-01".into(),
                name: "广州南站二期".into(),
                department_id: 1,
                status: ProjectStatus::Active,
            },
            "admin",
            now,
        )
        .await
        .expect("project");
    for pm in &pms {
        store
            .projects()
            .add_member(project, pm, ProjectRole::Manager, "admin", now)
            .await
            .expect("pm");
    }
    Company {
        app,
        initiator,
        pms,
        finance,
        project,
    }
}

pub(crate) async fn submit_purchase(c: &Company, yuan: i64) -> i64 {
    let form = [
        ("project".to_owned(), json!(c.project)),
        ("items".to_owned(), json!("C30 商品混凝土 200 方")),
        ("materials".to_owned(), json!(yuan * 100)),
        ("arrival".to_owned(), json!("2026-12-20")),
    ]
    .into();
    approvals::submit(
        &c.app.state,
        &server::audit::Actor::member(&c.initiator),
        "purchase",
        &form,
        None,
        BTreeMap::new(),
    )
    .await
    .expect("submitted")
}

pub(crate) async fn dispatch(app: &TestApp) {
    let dispatcher = Dispatcher::new(&app.state);
    while dispatcher.step(&app.state).await.expect("dispatch").claimed > 0 {}
}

pub(crate) async fn drain_inbox(app: &TestApp) {
    while inbox::step(&app.state).await.expect("inbox").claimed > 0 {}
}

/// The task_id of the newest decision card `userid` received.
pub(crate) fn card_of(app: &TestApp, userid: &str) -> String {
    app.sim
        .messages_for(userid)
        .iter()
        .rev()
        .find(|m| m.msgtype == "template_card")
        .and_then(|m| {
            m.body["template_card"]["task_id"]
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("{userid} has no card"))
}

pub(crate) async fn tap(app: &TestApp, userid: &str, task_id: &str, key: &str) {
    let delivery = app
        .sim
        .click_card(&app.target, userid, task_id, key)
        .await
        .expect("clicked");
    assert!(delivery.delivered);
}

pub(crate) fn replaced(app: &TestApp, userid: &str) -> Vec<String> {
    app.sim
        .card_updates()
        .iter()
        .filter(|u| u.userids.iter().any(|x| x == userid))
        .filter_map(|u| u.replace_name.clone())
        .collect()
}

pub(crate) async fn instance(app: &TestApp, id: i64) -> domain::approval::Instance {
    app.state
        .store
        .approvals()
        .get(id)
        .await
        .expect("read")
        .expect("instance")
        .instance
}

/// The member's department leader (level 1) in the generated org.
async fn leader_of(app: &TestApp, userid: &str) -> String {
    app.state
        .store
        .org()
        .leader_levels(userid, 1)
        .await
        .expect("leaders")
        .into_iter()
        .flatten()
        .next()
        .expect("the member has a department leader in the generated org")
}

pub(crate) async fn status(app: &TestApp, id: i64) -> Status {
    instance(app, id).await.status
}

#[tokio::test]
async fn a_purchase_goes_from_card_to_card_to_approved() {
    let c = company(1).await;
    let app = &c.app;
    let id = submit_purchase(&c, 60_000).await;
    dispatch(app).await;

    // The PM taps 同意 on the card in WeCom.
    let pm = &c.pms[0];
    let pm_card = card_of(app, pm);
    tap(app, pm, &pm_card, "approve").await;
    drain_inbox(app).await;
    dispatch(app).await;
    assert_eq!(replaced(app, pm), ["已同意"]);

    // Over 50,000 元: finance is next. WeCom delivers this tap twice (a retried
    // callback): it is handled once.
    let fin_card = card_of(app, &c.finance);
    let xml = app
        .sim
        .prepare_click(&c.finance, &fin_card, "approve")
        .expect("click");
    for _ in 0..2 {
        let delivery = app
            .sim
            .send_callback(&app.target, &xml, Some(app.state.settings.wecom.agent_id))
            .await
            .expect("sent");
        assert!(delivery.delivered);
    }
    drain_inbox(app).await;
    dispatch(app).await;
    assert_eq!(replaced(app, &c.finance), ["已同意"]);
    assert_eq!(status(app, id).await, Status::Approved);
    // Each tap is audited once, as the tapping member, from no address of theirs.
    assert_eq!(
        audit_trail(app, id).await,
        [
            ("approval.submit".to_owned(), c.initiator.clone(), false),
            ("approval.approve".to_owned(), pm.clone(), false),
            ("approval.approve".to_owned(), c.finance.clone(), false),
        ]
    );
    let told: Vec<String> = app
        .sim
        .messages_for(&c.initiator)
        .iter()
        .filter(|m| m.msgtype == "textcard")
        .filter_map(|m| m.body["textcard"]["title"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        told.iter().filter(|t| t.contains("已通过")).count(),
        1,
        "{told:?}"
    );
    assert_eq!(app.outbox_stats().await.dead, 0);
}

#[tokio::test]
async fn two_or_sign_approvers_tapping_at_once_make_one_decision() {
    let c = company(2).await;
    let app = &c.app;
    let id = submit_purchase(&c, 1_000).await;
    dispatch(app).await;
    let (a, b) = (&c.pms[0], &c.pms[1]);
    let (card_a, card_b) = (card_of(app, a), card_of(app, b));
    // Both taps are stored before either is handled.
    tap(app, a, &card_a, "approve").await;
    tap(app, b, &card_b, "reject").await;
    drain_inbox(app).await;
    dispatch(app).await;
    let instance = instance(app, id).await;
    // Under 50,000 元 the PM node is the only approver: a's 同意 decided it.
    assert_eq!(instance.status, Status::Approved);
    let decisions = instance
        .timeline
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                domain::approval::EntryKind::Approved
                    | domain::approval::EntryKind::Rejected { .. }
            )
        })
        .count();
    assert_eq!(decisions, 1, "{:?}", instance.timeline);
    assert_eq!(replaced(app, a), ["已同意"]);
    let b_cards = replaced(app, b);
    assert!(
        b_cards
            .iter()
            .any(|t| t.contains("同意") || t.contains("已处理")),
        "{b_cards:?}"
    );
    assert_eq!(app.outbox_stats().await.dead, 0);
}

#[tokio::test]
async fn a_silent_approver_is_reminded_after_a_day_and_escalated_after_two() {
    let c = company(1).await;
    let app = &c.app;
    let id = submit_purchase(&c, 1_000).await;
    dispatch(app).await;
    let pm = &c.pms[0];
    let sweep = || server::approvals::timeouts::sweep(&app.state);
    assert_eq!(sweep().await.expect("sweep").escalated, 0);
    let reminders = |who: &str| {
        app.sim
            .messages_for(who)
            .iter()
            .filter(|m| {
                m.body["textcard"]["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("催办"))
            })
            .count()
    };
    assert_eq!(reminders(pm), 0);

    app.clock.advance(24 * 3_600_000);
    sweep().await.expect("sweep");
    sweep().await.expect("sweep");
    dispatch(app).await;
    assert_eq!(reminders(pm), 1, "reminded once");

    app.clock.advance(24 * 3_600_000);
    let report = sweep().await.expect("sweep");
    dispatch(app).await;
    let leader = leader_of(app, pm).await;
    let instance = instance(app, id).await;
    assert_eq!(report.escalated, 1);
    assert_eq!(instance.pending_approvers(), std::slice::from_ref(&leader));
    assert_eq!(
        replaced(app, pm),
        [format!("已转交 {}", name(app, &leader).await)]
    );
    card_of(app, &leader);
    let system = domain::approval::instance::SYSTEM.to_owned();
    let trail = audit_trail(app, id).await;
    assert!(
        trail.contains(&("approval.escalate".to_owned(), system.clone(), false))
            && trail.contains(&("approval.tick".to_owned(), system, false)),
        "{trail:?}"
    );
}

pub(crate) async fn name(app: &TestApp, userid: &str) -> String {
    app.state
        .store
        .org()
        .member(userid)
        .await
        .expect("read")
        .map_or_else(|| userid.to_owned(), |m| m.name)
}

/// A signed-in member calling the JSON API.
pub(crate) struct Member {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

pub(crate) async fn sign_in(app: &TestApp, userid: &str) -> Member {
    let (cookie, _) = crate::auth::login(app, userid, "/").await;
    let me: serde_json::Value = crate::auth::me(app, &cookie)
        .await
        .json()
        .await
        .expect("me");
    Member {
        cookie,
        csrf: me["csrf_token"].as_str().expect("csrf").to_owned(),
    }
}

pub(crate) async fn call(
    app: &TestApp,
    who: &Member,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut request = app
        .http
        .request(method, format!("{}/api/v1/{path}", app.base_url))
        .header(reqwest::header::COOKIE, &who.cookie)
        .header("X-CSRF-Token", &who.csrf);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sent");
    let status = response.status();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

#[tokio::test]
async fn the_h5_api_submits_lists_shows_and_acts() {
    use reqwest::{Method, StatusCode};
    let c = company(1).await;
    let app = &c.app;
    let initiator = sign_in(app, &c.initiator).await;
    let pm = sign_in(app, &c.pms[0]).await;
    let stranger = sign_in(app, &app.active_user(40)).await;
    // The initiator must see the project: make them an engineer on it.
    app.state
        .store
        .projects()
        .add_member(c.project, &c.initiator, ProjectRole::Engineer, "admin", 0)
        .await
        .expect("member");

    // Templates: the built-ins, offered to everyone as forms; their flows only to managers.
    let (status, forms) = call(app, &initiator, Method::GET, "approval-forms", None).await;
    assert_eq!(status, StatusCode::OK);
    let forms: Vec<api::ApprovalForm> =
        serde_json::from_value(forms).expect("the typed forms the H5 reads");
    assert_eq!(forms.len(), 5);
    assert!(
        forms
            .iter()
            .flat_map(|f| &f.fields)
            .any(|f| f.kind == api::FieldType::Money)
    );
    let design = forms
        .iter()
        .find(|f| f.code == "design_change")
        .expect("设计变更");
    assert!(
        !design.chosen.is_empty(),
        "技术会签 is staffed by the initiator"
    );
    let (status, _) = call(app, &initiator, Method::GET, "approval-templates", None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "who approves is for managers"
    );

    // A bad form is refused in Chinese; a good one is created.
    let mut form = json!({
        "project": c.project,
        "items": "模板木方",
        "materials": -1,
        "arrival": "2026-12-20"
    });
    let body = json!({ "template": "purchase", "form": form });
    let (status, error) = call(app, &initiator, Method::POST, "approvals", Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("材料金额")),
        "{error}"
    );
    form["materials"] = json!(880_000);
    let body = json!({ "template": "purchase", "form": form });
    let (status, created) = call(app, &initiator, Method::POST, "approvals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");

    // Lists and counts.
    let (_, page) = call(app, &pm, Method::GET, "approvals?list=pending", None).await;
    assert_eq!(page["items"][0]["id"], json!(id));
    let (_, counts) = call(app, &initiator, Method::GET, "approvals/counts", None).await;
    assert_eq!(counts["mine"], json!(1));

    // Detail: what each viewer may do; strangers cannot see it at all.
    let (_, detail) = call(app, &pm, Method::GET, &format!("approvals/{id}"), None).await;
    let can: Vec<&str> = detail["can"]
        .as_array()
        .expect("can")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert!(
        can.contains(&"approve") && can.contains(&"transfer"),
        "{can:?}"
    );
    assert!(!can.contains(&"withdraw"));
    let (_, mine) = call(
        app,
        &initiator,
        Method::GET,
        &format!("approvals/{id}"),
        None,
    )
    .await;
    assert!(
        mine["can"]
            .as_array()
            .expect("can")
            .contains(&json!("withdraw"))
    );
    let (status, _) = call(
        app,
        &stranger,
        Method::GET,
        &format!("approvals/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 催办 once, not twice in a row.
    let path = format!("approvals/{id}/actions");
    let remind = json!({ "action": "remind" });
    let (status, _) = call(app, &initiator, Method::POST, &path, Some(remind.clone())).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(app, &initiator, Method::POST, &path, Some(remind)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Only the pending approver decides; the decision shows in the detail.
    let approve = json!({ "action": "approve", "comment": "同意采购" });
    let (status, _) = call(app, &stranger, Method::POST, &path, Some(approve.clone())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, after) = call(app, &pm, Method::POST, &path, Some(approve)).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["status"], json!("approved"));
    let kinds: Vec<&str> = after["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"approved") && kinds.contains(&"finished"),
        "{kinds:?}"
    );
    let (status, _) = call(
        app,
        &initiator,
        Method::POST,
        &path,
        Some(json!({ "action": "withdraw" })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a finished instance is immutable"
    );

    // Lists filter by status and template.
    let (_, approved) = call(
        app,
        &initiator,
        Method::GET,
        "approvals?list=mine&status=approved&template=purchase",
        None,
    )
    .await;
    assert_eq!(approved["items"][0]["id"], json!(id));
    let (_, leave) = call(
        app,
        &initiator,
        Method::GET,
        "approvals?list=mine&template=leave",
        None,
    )
    .await;
    assert_eq!(leave["items"], json!([]));
    let (status, _) = call(app, &initiator, Method::GET, "approvals?status=bogus", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Templates are the admins' to change.
    let mut definition = serde_json::to_value(domain::approval::builtin::leave()).expect("json");
    let code = definition["code"].as_str().expect("code").to_owned();
    definition["name"] = json!("改名后的模板");
    let path = format!("approval-templates/{code}");
    let (status, _) = call(app, &pm, Method::PUT, &path, Some(definition.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = sign_in(app, &app.sim.org().users[0].userid).await;
    // What does not fit is named: a select without options, an unknown field type.
    let mut broken = definition.clone();
    broken["form"]["fields"] = json!([{"key": "k", "label": "类别", "type": "select"}]);
    let (status, refused) = call(app, &admin, Method::PUT, &path, Some(broken.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("options")),
        "{refused}"
    );
    broken["form"]["fields"] = json!([{"key": "k", "label": "全息", "type": "hologram"}]);
    let (status, _) = call(app, &admin, Method::PUT, &path, Some(broken)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, saved) = call(app, &admin, Method::PUT, &path, Some(definition)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], json!(2));
}

#[tokio::test]
async fn an_approver_who_leaves_hands_the_seat_to_their_leader() {
    let c = company(1).await;
    let app = &c.app;
    let id = submit_purchase(&c, 1_000).await;
    let pm = &c.pms[0];
    let leader = leader_of(app, pm).await;
    let xml = app.sim.delete_user(pm).expect("deleted");
    crate::contacts::deliver(app, &[xml]).await;
    assert_eq!(server::leavers::sweep(&app.state).await.expect("sweep"), 1);
    let instance = instance(app, id).await;
    assert_eq!(instance.pending_approvers(), std::slice::from_ref(&leader));
    let flags = app
        .state
        .store
        .reassignments()
        .open(None)
        .await
        .expect("flags");
    assert!(
        flags
            .iter()
            .any(|f| f.kind == "approval_step" && f.item == id.to_string()),
        "{flags:?}"
    );
    dispatch(app).await;
    card_of(app, &leader);
    // The project (of department 1, its PM gone) is its department's leaders' to hear of.
    let department = app
        .state
        .store
        .org()
        .department(1)
        .await
        .expect("read")
        .expect("root department");
    let heard = department.leaders.iter().any(|l| {
        app.sim.messages_for(l).iter().any(|m| {
            m.body["text"]["content"]
                .as_str()
                .is_some_and(|t| t.contains("已自动转交"))
        })
    });
    assert!(heard, "leaders {:?} were not told", department.leaders);
}

#[tokio::test]
async fn an_approver_out_of_office_has_new_seats_go_to_their_delegate() {
    use reqwest::{Method, StatusCode};
    let c = company(1).await;
    let app = &c.app;
    let pm = &c.pms[0];
    let deputy = app.active_user(41);
    let me = sign_in(app, pm).await;
    let now = app.clock.now_ms();
    let away = |delegate: &str, from_ms: i64, until_ms: i64| {
        Some(json!({ "delegate": delegate, "from_ms": from_ms, "until_ms": until_ms }))
    };
    let (status, _) = call(
        app,
        &me,
        Method::PUT,
        "approval-delegation",
        away(pm, now, now + 1),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not to oneself");
    let (status, _) = call(
        app,
        &me,
        Method::PUT,
        "approval-delegation",
        away(&deputy, now, now),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an empty window");
    let day = 86_400_000;
    let (status, _) = call(
        app,
        &me,
        Method::PUT,
        "approval-delegation",
        away(&deputy, now - 1, now + day),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let id = submit_purchase(&c, 1_000).await;
    let held = instance(app, id).await;
    assert_eq!(held.pending_approvers(), std::slice::from_ref(&deputy));
    assert_eq!(
        held.steps[0].seats[0].on_behalf_of.as_deref(),
        Some(pm.as_str())
    );

    // Back in the office: new seats are the PM's again.
    let (status, _) = call(app, &me, Method::DELETE, "approval-delegation", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let again = submit_purchase(&c, 1_000).await;
    assert_eq!(
        instance(app, again).await.pending_approvers(),
        std::slice::from_ref(pm)
    );
}

/// The audit rows of one instance, oldest first, as (action, actor, has an address).
async fn audit_trail(app: &TestApp, id: i64) -> Vec<(String, String, bool)> {
    let filter = store::AuditFilter {
        target_type: Some("approval".into()),
        target_id: Some(id.to_string()),
        ..store::AuditFilter::default()
    };
    let mut rows = app
        .state
        .store
        .audit()
        .list(&filter, 100, None)
        .await
        .expect("audit");
    rows.reverse();
    rows.into_iter()
        .map(|e| (e.action, e.actor, e.ip.is_some()))
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    store::sqlx::query_scalar(sql)
        .fetch_one(app.state.store.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn an_approval_change_and_its_audit_row_commit_together_or_not_at_all() {
    use reqwest::{Method, StatusCode};
    use store::sqlx::Row as _;
    let c = company(1).await;
    let app = &c.app;
    let initiator = sign_in(app, &c.initiator).await;
    let pm = sign_in(app, &c.pms[0]).await;
    app.state
        .store
        .projects()
        .add_member(c.project, &c.initiator, ProjectRole::Engineer, "admin", 0)
        .await
        .expect("member");
    let form = json!({
        "project": c.project,
        "items": "模板木方",
        "materials": 880_000,
        "arrival": "2026-12-20"
    });
    let body = json!({ "template": "purchase", "form": form });

    // Without the chain's head no audit row can be written: the submission fails whole,
    // leaving no instance and no card queued.
    let pool = app.state.store.pool();
    let head = store::sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await
        .expect("head");
    let (last_id, last_hash): (i64, String) = (
        head.try_get("last_id").expect("last_id"),
        head.try_get("last_hash").expect("last_hash"),
    );
    let queued = count(app, "SELECT COUNT(*) FROM outbox").await;
    store::sqlx::query("DELETE FROM audit_head")
        .execute(pool)
        .await
        .expect("head removed");
    let (status, _) = call(
        app,
        &initiator,
        Method::POST,
        "approvals",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM approval_instances").await,
        0
    );
    assert_eq!(count(app, "SELECT COUNT(*) FROM outbox").await, queued);
    store::sqlx::query("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, $1, $2)")
        .bind(last_id)
        .bind(last_hash.as_str())
        .execute(pool)
        .await
        .expect("head restored");

    // With it, the submission and the decision each leave exactly one row, by the member
    // from their address.
    let (status, created) = call(app, &initiator, Method::POST, "approvals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let path = format!("approvals/{id}/actions");
    let approve = json!({ "action": "approve" });
    let (status, after) = call(app, &pm, Method::POST, &path, Some(approve.clone())).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let (status, _) = call(app, &pm, Method::POST, &path, Some(approve)).await;
    assert_eq!(status, StatusCode::CONFLICT, "finished: nothing changes");
    assert_eq!(
        audit_trail(app, id).await,
        [
            ("approval.submit".to_owned(), c.initiator.clone(), true),
            ("approval.approve".to_owned(), c.pms[0].clone(), true),
        ]
    );
    let submitted = app
        .state
        .store
        .audit()
        .list(
            &store::AuditFilter {
                action: Some("approval.submit".into()),
                ..store::AuditFilter::default()
            },
            10,
            None,
        )
        .await
        .expect("audit");
    assert_eq!(submitted.len(), 1, "{submitted:?}");
    assert_eq!(submitted[0].after_json.as_deref(), Some(r#""purchase""#));
    let report = app.state.store.audit().verify().await.expect("verify");
    assert!(report.is_intact(), "{report}");
}
