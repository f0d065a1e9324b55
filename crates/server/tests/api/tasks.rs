//! Schedules through the API and reminders through wecom-sim on a controllable clock: a
//! slipping task yields one digest a day, the PM hears on day three, quiet hours are
//! quiet, WeCom faults lose nothing; the Gantt, links, cycles, moves and check-ins.

use std::time::Duration;

use api::NewTaskRequest;
use domain::access::ProjectRole;
use domain::calendar::Day;
use domain::clock::Clock as _;
use domain::project::ProjectStatus;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::tasks::{reminders, service};
use store::NewProject;
use wecom_sim::{Chaos, FaultKind};

use crate::approvals::{call, dispatch, sign_in};
use crate::checkin_photos;
use crate::helpers::{TestApp, spawn_app};

const HOUR: i64 = 3_600_000;

pub(crate) struct Site {
    pub(crate) app: TestApp,
    pub(crate) project: i64,
    pub(crate) pm: String,
    pub(crate) engineers: Vec<String>,
}

/// A project with a PM and `n` engineers, the clock at 10:00 China time.
pub(crate) async fn site(n: usize) -> Site {
    site_with(n, ProjectRole::Engineer).await
}

/// [`site`] with the members in `role`.
async fn site_with(n: usize, role: ProjectRole) -> Site {
    let app = spawn_app().await;
    let now = app.clock.now_ms();
    let ten = Day::of_ms(now).plus(1).start_ms() + 10 * HOUR;
    app.clock.advance(ten - now);
    app.sync_org().await;
    let pm = app.active_user(20);
    let engineers: Vec<String> = (0..n).map(|i| app.active_user(30 + i)).collect();
    let store = &app.state.store;
    let project = store
        .projects()
        .create(
            &NewProject {
                code: "SZ-08".into(),
                name: "深圳前海综合体".into(),
                department_id: 1,
                status: ProjectStatus::Active,
            },
            "admin",
            ten,
        )
        .await
        .expect("project");
    store
        .projects()
        .add_member(project, &pm, ProjectRole::Manager, "admin", ten)
        .await
        .expect("pm");
    for e in &engineers {
        store
            .projects()
            .add_member(project, e, role, "admin", ten)
            .await
            .expect("engineer");
    }
    Site {
        app,
        project,
        pm,
        engineers,
    }
}

fn today(app: &TestApp) -> Day {
    Day::of_ms(app.clock.now_ms())
}

async fn task(s: &Site, owner: &str, title: &str, start: Day, days: i32) -> i64 {
    let req = NewTaskRequest {
        parent_id: None,
        title: title.into(),
        start: start.to_string(),
        days,
        milestone: false,
        owner: Some(owner.into()),
        helpers: Vec::new(),
    };
    service::create(
        &s.app.state,
        s.project,
        &req,
        &server::audit::Actor::member(&s.pm),
    )
    .await
    .expect("task")
    .id
}

/// Text cards whose title starts with 任务提醒 that `userid` received.
fn digests(app: &TestApp, userid: &str) -> Vec<Value> {
    app.sim
        .messages_for(userid)
        .iter()
        .filter(|m| {
            m.body["textcard"]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("任务提醒"))
        })
        .map(|m| m.body["textcard"].clone())
        .collect()
}

fn texts(app: &TestApp, userid: &str, prefix: &str) -> usize {
    app.sim
        .messages_for(userid)
        .iter()
        .filter(|m| {
            m.body["text"]["content"]
                .as_str()
                .is_some_and(|t| t.starts_with(prefix))
        })
        .count()
}

async fn scan_and_send(app: &TestApp) -> reminders::ScanReport {
    let report = reminders::scan(&app.state).await.expect("scan");
    dispatch(app).await;
    report
}

#[tokio::test]
async fn a_slipping_task_gets_one_digest_a_day_the_pm_on_day_three_and_quiet_nights() {
    let s = site(1).await;
    let app = &s.app;
    let eng = &s.engineers[0];
    let day0 = today(app);
    task(&s, eng, "基坑支护", day0, 2).await; // last day: tomorrow
    task(&s, eng, "降水井施工", day0.plus(-3), 3).await; // last day: yesterday
    task(&s, eng, "塔吊基础", day0.plus(10), 5).await; // far off: not mentioned

    // Day 0: one digest listing both, the overdue one first; a second run sends nothing.
    let first = scan_and_send(app).await;
    assert_eq!((first.tasks, first.digests), (2, 1));
    assert_eq!(scan_and_send(app).await.digests, 0);
    let sent = digests(app, eng);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["title"],
        json!("任务提醒：1 项已逾期，1 项即将到期")
    );
    let description = sent[0]["description"].as_str().expect("text");
    assert!(
        description.starts_with("【逾期1天】降水井施工"),
        "{description}"
    );

    // 23:00 is quiet.
    app.clock.advance(13 * HOUR);
    assert!(scan_and_send(app).await.quiet);
    assert_eq!(digests(app, eng).len(), 1);

    // Day 1 at 09:00: another digest; the PM hears nothing yet.
    app.clock.advance(10 * HOUR);
    assert!(!scan_and_send(app).await.quiet);
    assert_eq!(digests(app, eng).len(), 2);
    assert_eq!(texts(app, &s.pm, "【任务逾期】"), 0);

    // Day 2: 降水井施工 (last day: the day before day 0) is three days late: the PM is
    // told, once, and the engineer still gets the day's digest.
    app.clock.advance(24 * HOUR);
    let report = scan_and_send(app).await;
    assert_eq!((report.digests, report.escalations), (1, 1));
    assert_eq!(texts(app, &s.pm, "【任务逾期】"), 1);
    app.clock.advance(24 * HOUR);
    scan_and_send(app).await;
    assert_eq!(texts(app, &s.pm, "【任务逾期】"), 1, "escalated once");
    assert_eq!(digests(app, eng).len(), 4, "still reminded daily");
    assert_eq!(app.outbox_stats().await.dead, 0);
}

#[tokio::test]
async fn digests_survive_twenty_percent_wecom_faults_exactly_once() {
    let s = site(25).await;
    let app = &s.app;
    let day0 = today(app);
    for (i, e) in s.engineers.iter().enumerate() {
        task(&s, e, &format!("楼层{}浇筑", i + 1), day0.plus(-5), 2).await;
        task(&s, e, &format!("楼层{}养护", i + 1), day0, 1).await;
    }
    app.sim.set_chaos(Chaos::new(
        "/cgi-bin/message/send",
        20,
        vec![
            FaultKind::Errcode(-1),
            FaultKind::HttpStatus(502),
            FaultKind::DropConnection,
        ],
        9,
    ));
    let report = reminders::scan(&app.state).await.expect("scan");
    assert_eq!(report.digests, 25, "one per member");
    let dispatcher = server::workers::outbox::Dispatcher::new(&app.state);
    for _ in 0..500 {
        let round = dispatcher.step(&app.state).await.expect("round");
        let stats = app.outbox_stats().await;
        if round.claimed == 0 && stats.pending == 0 && stats.processing == 0 {
            break;
        }
        if round.claimed == 0 {
            app.clock.advance(20_000);
            app.sim.advance(Duration::from_secs(20));
        }
    }
    app.sim.clear_faults();
    for e in &s.engineers {
        assert_eq!(digests(app, e).len(), 1, "{e} got exactly one digest");
    }
    assert_eq!(app.outbox_stats().await.dead, 0);
}

#[tokio::test]
async fn the_gantt_api_plans_links_moves_and_takes_check_ins() {
    // The member is the site's 安全员: reports progress, does not plan.
    let s = site_with(1, ProjectRole::Safety).await;
    let app = &s.app;
    let pm = sign_in(app, &s.pm).await;
    let eng = sign_in(app, &s.engineers[0]).await;
    let day0 = today(app);
    let path = format!("projects/{}/tasks", s.project);
    let create = |title: &str, start: Day, days: i32, parent: Option<i64>| {
        json!({ "title": title, "start": start.to_string(), "days": days,
                "parent_id": parent, "owner": s.engineers[0] })
    };
    let (code, phase) = call(
        app,
        &pm,
        Method::POST,
        &path,
        Some(create("主体结构", day0, 1, None)),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{phase}");
    let phase = phase["id"].as_i64().expect("id");
    let mut ids = Vec::new();
    for (title, days) in [("一层", 5), ("二层", 4), ("屋面", 3), ("外架", 2)] {
        let (code, t) = call(
            app,
            &pm,
            Method::POST,
            &path,
            Some(create(title, day0, days, Some(phase))),
        )
        .await;
        assert_eq!(code, StatusCode::CREATED, "{t}");
        ids.push(t["id"].as_i64().expect("id"));
    }
    // A bad date and an engineer planning are refused.
    let (code, _) = call(
        app,
        &pm,
        Method::POST,
        &path,
        Some(json!({"title": "x", "start": "2026-02-30"})),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let (code, _) = call(
        app,
        &eng,
        Method::POST,
        &path,
        Some(create("私自加的", day0, 1, None)),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN);

    // 一层 → 二层 → 屋面 is the critical chain; 外架 floats.
    let links = format!("projects/{}/links", s.project);
    for (from, to) in [(ids[0], ids[1]), (ids[1], ids[2])] {
        let (code, body) = call(
            app,
            &pm,
            Method::PUT,
            &links,
            Some(json!({"from": from, "to": to, "kind": "FS"})),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{body}");
        assert_eq!(
            body["moved"][0][0],
            json!(to),
            "the successor follows its link"
        );
    }
    let (code, cycle) = call(
        app,
        &pm,
        Method::PUT,
        &links,
        Some(json!({"from": ids[2], "to": ids[0], "kind": "FS"})),
    )
    .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(
        cycle["message"]
            .as_str()
            .is_some_and(|m| m.contains("循环")),
        "{cycle}"
    );
    let baseline = format!("projects/{}/baseline", s.project);
    let (code, _) = call(app, &pm, Method::POST, &baseline, None).await;
    assert_eq!(code, StatusCode::OK);

    // Moving 一层 two days later pushes 二层 and 屋面.
    let (code, moved) = call(
        app,
        &pm,
        Method::PATCH,
        &format!("tasks/{}", ids[0]),
        Some(json!({ "start": day0.plus(2).to_string() })),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{moved}");
    assert_eq!(
        moved["moved"],
        json!([
            [ids[1], day0.plus(7).to_string()],
            [ids[2], day0.plus(11).to_string()]
        ])
    );

    let gantt_path = format!("projects/{}/gantt", s.project);
    let (code, gantt) = call(app, &eng, Method::GET, &gantt_path, None).await;
    assert_eq!(code, StatusCode::OK);
    let bars = gantt["bars"].as_array().expect("bars");
    let flags = |id: i64| {
        bars.iter()
            .find(|b| b["id"] == json!(id))
            .map(|b| b["f"].as_u64().unwrap_or(0))
    };
    assert_eq!(bars[0]["id"], json!(phase), "WBS order: the phase first");
    assert_eq!(bars[0]["d"], json!(14), "the phase spans its tasks");
    for id in &ids[..3] {
        assert_eq!(flags(*id).map(|f| f & 1), Some(1), "critical");
    }
    assert_eq!(flags(ids[3]).map(|f| f & 1), Some(0), "外架 has float");
    assert_eq!(gantt["lag_days"], json!(2), "two days behind the baseline");
    assert!(bars.iter().all(|b| b.get("b").is_some()), "baseline bars");

    // The engineer reports progress and checks in with a photo from the JS-SDK.
    let jpeg = checkin_photos::site_jpeg(320, 240);
    let media_id = checkin_photos::upload(app, jpeg.clone()).await;
    let checkin = json!({
        "location": [22.5431, 113.9344], "address": "前海二单元", "note": "一层模板完成",
        "media_ids": [media_id], "progress": 60
    });
    let (code, stored) = call(
        app,
        &eng,
        Method::POST,
        &format!("tasks/{}/checkins", ids[0]),
        Some(checkin),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{stored}");
    checkin_photos::are_stamped_and_kept(app, &eng, ids[0], &stored, &jpeg).await;
    let (_, mine) = call(app, &eng, Method::GET, "tasks/mine", None).await;
    let first = mine
        .as_array()
        .and_then(|m| m.iter().find(|t| t["id"] == json!(ids[0])))
        .cloned();
    assert_eq!(
        first.map(|t| (t["progress"].clone(), t["status"].clone())),
        Some((json!(60), json!("doing")))
    );
    let (code, _) = call(
        app,
        &eng,
        Method::PATCH,
        &format!("tasks/{}", ids[0]),
        Some(json!({"days": 1})),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "the plan is the PM's");
    let (code, bad) = call(
        app,
        &eng,
        Method::POST,
        &format!("tasks/{}/checkins", ids[0]),
        Some(json!({"media_ids": ["nope"]})),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}");
    checkin_photos::a_non_image_is_refused(app, &eng, ids[0]).await;

    // Daily reports: written by the engineer, read by the PM.
    let reports = format!("projects/{}/daily-reports", s.project);
    let report = json!({ "day": day0.to_string(), "content": "一层模板完成，明日浇筑" });
    let (code, _) = call(app, &eng, Method::PUT, &reports, Some(report)).await;
    assert_eq!(code, StatusCode::OK, "answered with the report as saved");
    let (_, read) = call(
        app,
        &pm,
        Method::GET,
        &format!("{reports}?day={day0}"),
        None,
    )
    .await;
    assert_eq!(read[0]["content"], json!("一层模板完成，明日浇筑"));
}

/// The app's text replies to `userid`, oldest first.
fn replies(app: &TestApp, userid: &str) -> Vec<String> {
    app.sim
        .messages_for(userid)
        .iter()
        .filter_map(|m| m.body["text"]["content"].as_str().map(str::to_owned))
        .collect()
}

async fn text(app: &TestApp, userid: &str, content: &str) -> String {
    // Sealed at the app's own (moved) time: callbacks outside its window are refused.
    let xml = app
        .sim
        .xml_text_message(userid, content, app.state.settings.wecom.agent_id);
    let sent =
        crate::callbacks::post_sealed(app, xml.as_bytes(), crate::callbacks::now_secs(app)).await;
    assert_eq!(sent.status(), reqwest::StatusCode::OK);
    while server::workers::inbox::step(&app.state)
        .await
        .expect("inbox")
        .claimed
        > 0
    {}
    dispatch(app).await;
    replies(app, userid).pop().expect("a reply")
}

#[tokio::test]
async fn members_text_commands_for_tasks_and_progress() {
    let s = site(2).await;
    let app = &s.app;
    let (eng, other) = (&s.engineers[0], &s.engineers[1]);
    let other_name = crate::approvals::name(app, other).await;
    assert!(
        text(app, eng, "我的任务")
            .await
            .contains("没有未完成的任务")
    );

    let created = text(
        app,
        eng,
        &format!("新建任务 二层顶板验收 @{other_name} 明天"),
    )
    .await;
    assert!(
        created.starts_with("已新建任务「二层顶板验收」"),
        "{created}"
    );
    let listed = text(app, other, "我的任务").await;
    assert!(listed.contains("1. 二层顶板验收"), "{listed}");
    let nobody = text(app, eng, "新建任务 浇筑 @查无此人 明天").await;
    assert!(nobody.contains("找不到成员"), "{nobody}");
    // A mobile number names its member too, through the sealed rows' keyed digests.
    let org = app.sim.org();
    let mobile = &org
        .users
        .iter()
        .find(|u| &u.userid == other)
        .expect("sim")
        .mobile;
    let by_phone = text(app, eng, &format!("新建任务 三层验收 @{mobile} 明天")).await;
    assert!(
        by_phone.contains(&format!("负责人 {other_name}")),
        "{by_phone}"
    );

    let progress = text(app, eng, "进度 SZ-08").await;
    assert!(
        progress.starts_with("深圳前海综合体（SZ-08）：完成 0%"),
        "{progress}"
    );
    assert!(text(app, eng, "hello").await.starts_with("可以发送"));
}
