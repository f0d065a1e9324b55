//! The project ledger through the API: create, edit with versions, who sees amounts,
//! members, schedule settings, lists; Excel export, a round trip, and imports that apply
//! every row or none.

use domain::clock::Clock as _;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use crate::approvals::{Member, call, sign_in};
use crate::helpers::{TestApp, spawn_app};

struct Office {
    app: TestApp,
    admin: Member,
    pm: String,
    engineer: String,
    finance: String,
    stranger: String,
    /// A department other than the root, with its name.
    department: (i64, String),
}

async fn office() -> Office {
    let app = spawn_app().await;
    let now = app.clock.now_ms();
    app.sync_org().await;
    let admin = app.sim.org().users[0].userid.clone();
    let finance = app.active_user(14);
    app.state
        .store
        .roles()
        .grant(&finance, "finance", "test", now)
        .await
        .expect("grant");
    let departments = app.state.store.org().departments().await.expect("read");
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    let department = departments
        .iter()
        .find(|d| d.id != 1 && names.iter().filter(|n| **n == d.name).count() == 1)
        .map(|d| (d.id, d.name.clone()))
        .expect("a uniquely named department");
    Office {
        admin: sign_in(&app, &admin).await,
        pm: app.active_user(11),
        engineer: app.active_user(12),
        finance,
        stranger: app.active_user(13),
        department,
        app,
    }
}

fn full_input(o: &Office, code: &str) -> Value {
    json!({
        "code": code,
        "name": "滨江花园一期",
        "kind": "房建",
        "client": "滨江置业",
        "address": "杭州市滨江区江南大道 100 号",
        "location": [30.208765, 120.212345],
        "contract_fen": 12_345_678_901_i64,
        "budget_fen": 11_000_000_000_i64,
        "contract_status": "已签订",
        "planned_start": "2026-03-01",
        "planned_finish": "2027-06-30",
        "department_id": o.department.0,
        "status": "active",
        "tags": ["重点", "EPC", "重点"],
        "pm": o.pm,
    })
}

async fn total(app: &TestApp, who: &Member, query: &str) -> (u64, Vec<String>) {
    let (status, page) = call(app, who, Method::GET, &format!("projects?{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let codes = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["code"].as_str().expect("code").to_owned())
        .collect();
    (page["total"].as_u64().expect("total"), codes)
}

#[tokio::test]
async fn the_ledger_is_created_edited_listed_and_guarded() {
    let o = office().await;
    let app = &o.app;

    let (status, created) = call(
        app,
        &o.admin,
        Method::POST,
        "projects",
        Some(full_input(&o, "HZ-001")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["tags"], json!(["EPC", "重点"]));
    assert_eq!(created["contract_status"], "signed");
    assert_eq!(created["department"], o.department.1.as_str());
    assert_eq!(created["managers"][0]["userid"], o.pm.as_str());
    assert_eq!(created["contract_fen"], 12_345_678_901_i64);
    assert_eq!(created["version"], 1);

    // Refusals say what is wrong and store nothing.
    let (status, _) = call(
        app,
        &o.admin,
        Method::POST,
        "projects",
        Some(full_input(&o, "HZ-001")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut bad = full_input(&o, "HZ-002");
    bad["planned_finish"] = json!("2026-01-01");
    bad["actual_start"] = json!("下周");
    let (status, error) = call(app, &o.admin, Method::POST, "projects", Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("计划竣工不能早于计划开工") && message.contains("下周"),
        "{message}"
    );
    let mut nowhere = full_input(&o, "HZ-002");
    nowhere["department_id"] = json!(999_999);
    let (status, _) = call(app, &o.admin, Method::POST, "projects", Some(nowhere)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(total(app, &o.admin, "").await.0, 1);

    // The PM adds an engineer; the engineer sees the project but not its amounts and
    // cannot edit it; a stranger cannot even see it; finance sees amounts.
    let pm = sign_in(app, &o.pm).await;
    let role = json!({"userid": o.engineer, "role": "engineer"});
    let (status, _) = call(
        app,
        &pm,
        Method::PUT,
        &format!("projects/{id}/members"),
        Some(role),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let engineer = sign_in(app, &o.engineer).await;
    let (status, seen) = call(app, &engineer, Method::GET, &format!("projects/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            seen["amounts_visible"].clone(),
            seen["contract_fen"].clone()
        ),
        (json!(false), Value::Null)
    );
    let mut edit = full_input(&o, "HZ-001");
    edit["version"] = json!(1);
    let (status, _) = call(
        app,
        &engineer,
        Method::PUT,
        &format!("projects/{id}"),
        Some(edit.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let stranger = sign_in(app, &o.stranger).await;
    let (status, _) = call(app, &stranger, Method::GET, &format!("projects/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(total(app, &stranger, "").await, (0, Vec::new()));
    let finance = sign_in(app, &o.finance).await;
    let (_, seen) = call(app, &finance, Method::GET, &format!("projects/{id}"), None).await;
    assert_eq!(seen["budget_fen"], 11_000_000_000_i64);
    let (status, _) = call(app, &engineer, Method::GET, "projects?sort=contract", None).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "amount order would leak amounts"
    );

    // Edits carry the version read; the second of two edits from version 1 is refused.
    edit["name"] = json!("滨江花园一期（主体）");
    edit["status"] = json!("停工");
    let (status, saved) = call(
        app,
        &pm,
        Method::PUT,
        &format!("projects/{id}"),
        Some(edit.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (saved["version"].clone(), saved["status"].clone()),
        (json!(2), json!("suspended"))
    );
    edit["name"] = json!("别的名字");
    let (status, _) = call(app, &pm, Method::PUT, &format!("projects/{id}"), Some(edit)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Schedule settings: the PM sets them, in range; the engineer only reads them.
    let path = format!("projects/{id}/schedule-settings");
    let settings =
        json!({"shift_successors": false, "lag_alert_days": 5, "escalate_after_days": null});
    let (status, _) = call(app, &pm, Method::PUT, &path, Some(settings.clone())).await;
    assert_eq!(status, StatusCode::OK);
    let (_, read) = call(app, &engineer, Method::GET, &path, None).await;
    assert_eq!(read, settings);
    let (status, _) = call(app, &engineer, Method::PUT, &path, Some(settings)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let zero = json!({"shift_successors": true, "lag_alert_days": 0, "escalate_after_days": null});
    let (status, _) = call(app, &pm, Method::PUT, &path, Some(zero)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The last PM cannot be removed; an engineer can.
    let (status, _) = call(
        app,
        &pm,
        Method::DELETE,
        &format!("projects/{id}/members/{}/manager", o.pm),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(
        app,
        &pm,
        Method::DELETE,
        &format!("projects/{id}/members/{}/engineer", o.engineer),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, members) = call(
        app,
        &pm,
        Method::GET,
        &format!("projects/{id}/members"),
        None,
    )
    .await;
    assert_eq!(members.as_array().map(Vec::len), Some(1));

    // Search, filters, sorting and pages.
    for (code, name, status, tags) in [
        ("HZ-002", "之江路改造", "active", json!(["市政"])),
        ("NB-100", "甬江大桥", "active", json!(["EPC"])),
    ] {
        let mut input = full_input(&o, code);
        input["name"] = json!(name);
        input["status"] = json!(status);
        input["tags"] = tags;
        let (s, _) = call(app, &o.admin, Method::POST, "projects", Some(input)).await;
        assert_eq!(s, StatusCode::CREATED);
    }
    assert_eq!(total(app, &o.admin, "q=hz").await.1, ["HZ-001", "HZ-002"]);
    assert_eq!(
        total(app, &o.admin, "q=%E7%94%AC%E6%B1%9F").await.1,
        ["NB-100"]
    );
    assert_eq!(total(app, &o.admin, "status=suspended").await.1, ["HZ-001"]);
    assert_eq!(
        total(app, &o.admin, "tag=EPC").await.1,
        ["HZ-001", "NB-100"]
    );
    assert_eq!(
        total(app, &o.admin, "sort=code&desc=true").await.1,
        ["NB-100", "HZ-002", "HZ-001"]
    );
    assert_eq!(
        total(app, &o.admin, "per_page=1&page=2").await,
        (3, vec!["HZ-002".to_owned()])
    );
    assert_eq!(total(app, &pm, "member=me&role=manager").await.0, 3);
    let (status, _) = call(app, &o.admin, Method::GET, "projects?status=building", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Every change left its audit row.
    let trail = app
        .state
        .store
        .audit()
        .list(&store::AuditFilter::default(), 100, None)
        .await
        .expect("audit");
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "project.create",
        "project.update",
        "project.member.add",
        "project.member.remove",
        "project.schedule_settings",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert_eq!(
        actions.iter().filter(|a| **a == "project.create").count(),
        3
    );
}

async fn export(app: &TestApp, who: &Member) -> Vec<u8> {
    let response = app
        .http
        .get(format!("{}/api/v1/projects/export", app.base_url))
        .header(COOKIE, &who.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()[CONTENT_TYPE]
        .to_str()
        .expect("type")
        .to_owned();
    assert!(kind.contains("spreadsheetml"), "{kind}");
    response.bytes().await.expect("body").to_vec()
}

async fn import(app: &TestApp, who: &Member, bytes: Vec<u8>, dry_run: bool) -> (StatusCode, Value) {
    let response = app
        .http
        .post(format!(
            "{}/api/v1/projects/import?dry_run={dry_run}",
            app.base_url
        ))
        .header(COOKIE, &who.cookie)
        .header("X-CSRF-Token", &who.csrf)
        .body(bytes)
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A sheet with the given header and rows of text cells.
fn sheet(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (col, h) in (0u16..).zip(header) {
        s.write_string(0, col, *h).expect("header");
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(cells) {
            if !cell.is_empty() {
                s.write_string(row, col, cell).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

fn problems(report: &Value) -> Vec<(u64, String)> {
    report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().expect("row"),
                p["column"].as_str().expect("column").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn excel_round_trip_and_imports_that_apply_every_row_or_none() {
    let o = office().await;
    let app = &o.app;
    for code in ["HZ-001", "HZ-002"] {
        let (status, _) = call(
            app,
            &o.admin,
            Method::POST,
            "projects",
            Some(full_input(&o, code)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }

    // What was exported imports back as unchanged, PMs and amounts included.
    let exported = export(app, &o.admin).await;
    let (status, report) = import(app, &o.admin, exported, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            report["applied"].clone(),
            report["unchanged"].clone(),
            report["created"].clone()
        ),
        (json!(true), json!(2), json!(0)),
        "{report}"
    );

    // One row changes a project, two create projects; a dry run writes nothing.
    let header = [
        "项目编号",
        "项目名称",
        "所属部门",
        "合同金额（元）",
        "计划开工",
        "项目经理",
        "标签",
        "项目状态",
    ];
    let dept = o.department.1.clone();
    let pm_name = crate::approvals::name(app, &o.pm).await;
    let rows = vec![
        vec![
            "HZ-001".into(),
            "滨江花园一期（改）".into(),
            dept.clone(),
            "123,456,789.01".into(),
            "2026/3/1".into(),
            String::new(),
            "重点、EPC".into(),
            "在建".into(),
        ],
        vec![
            "HZ-003".into(),
            "钱江隧道".into(),
            dept.clone(),
            "¥2000".into(),
            "2026年5月1日".into(),
            format!("{pm_name}({})", o.pm),
            String::new(),
            String::new(),
        ],
        vec![
            "HZ-004".into(),
            "江干学校".into(),
            dept.clone(),
            String::new(),
            String::new(),
            o.pm.clone(),
            String::new(),
            "立项".into(),
        ],
    ];
    let (_, report) = import(app, &o.admin, sheet(&header, &rows), true).await;
    assert_eq!(
        (
            report["applied"].clone(),
            report["updated"].clone(),
            report["created"].clone()
        ),
        (json!(false), json!(1), json!(2)),
        "{report}"
    );
    assert_eq!(total(app, &o.admin, "").await.0, 2);
    let (_, report) = import(app, &o.admin, sheet(&header, &rows), false).await;
    assert_eq!(report["applied"], true, "{report}");
    let (count, codes) = total(app, &o.admin, "").await;
    assert_eq!(
        (count, codes.as_slice()),
        (
            4,
            ["HZ-001", "HZ-002", "HZ-003", "HZ-004"]
                .map(String::from)
                .as_slice()
        )
    );
    let (_, page) = call(app, &o.admin, Method::GET, "projects?q=HZ-003", None).await;
    let tunnel = &page["items"][0];
    assert_eq!(tunnel["contract_fen"], 200_000);
    assert_eq!(tunnel["planned_start"], "2026-05-01");
    assert_eq!(tunnel["managers"][0]["userid"], o.pm.as_str());
    let (_, page) = call(app, &o.admin, Method::GET, "projects?q=HZ-001", None).await;
    assert_eq!(page["items"][0]["contract_fen"], 12_345_678_901_i64);
    assert_eq!(page["items"][0]["name"], "滨江花园一期（改）");

    // A sheet with bad rows is refused whole, each problem named by row and column.
    let bad = vec![
        vec![
            "HZ-010".into(),
            "好的一行".into(),
            dept.clone(),
            "100".into(),
            "2026-01-01".into(),
            String::new(),
            String::new(),
            String::new(),
        ],
        vec![
            "HZ-011".into(),
            "坏日期".into(),
            dept.clone(),
            "1.234".into(),
            "明天".into(),
            String::new(),
            String::new(),
            String::new(),
        ],
        vec![
            "HZ-012".into(),
            "坏部门".into(),
            "不存在的部门".into(),
            String::new(),
            String::new(),
            "nobody-here".into(),
            String::new(),
            "施工中".into(),
        ],
        vec![
            "HZ-010".into(),
            "重复".into(),
            dept,
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
    ];
    let (_, report) = import(app, &o.admin, sheet(&header, &bad), false).await;
    assert_eq!(report["applied"], false);
    assert_eq!(
        problems(&report),
        [
            (3, "合同金额（元）".to_owned()),
            (3, "计划开工".to_owned()),
            (4, "所属部门".to_owned()),
            (4, "项目经理".to_owned()),
            (4, "项目状态".to_owned()),
            (5, "项目编号".to_owned()),
        ],
        "{report}"
    );
    assert_eq!(total(app, &o.admin, "").await.0, 4, "nothing half-imported");

    // Not a spreadsheet, or not an admin.
    let (_, report) = import(app, &o.admin, b"PK\x03\x04 garbage".to_vec(), false).await;
    assert_eq!(problems(&report), [(1, String::new())]);
    let pm = sign_in(app, &o.pm).await;
    let (status, _) = import(app, &pm, sheet(&header, &rows), false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The engineer's export leaves amounts out.
    let role = json!({"userid": o.engineer, "role": "engineer"});
    let (_, page) = call(app, &o.admin, Method::GET, "projects?q=HZ-003", None).await;
    let tunnel = page["items"][0]["id"].as_i64().expect("id");
    let (status, _) = call(
        app,
        &pm,
        Method::PUT,
        &format!("projects/{tunnel}/members"),
        Some(role),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let engineer = sign_in(app, &o.engineer).await;
    let bytes = export(app, &engineer).await;
    let mut book: calamine::Xlsx<_> =
        calamine::Reader::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let range = calamine::Reader::worksheet_range_at(&mut book, 0)
        .expect("sheet")
        .expect("range");
    assert_eq!(range.height(), 2, "header and the one visible project");
    assert_eq!(
        range.get((1, 0)),
        Some(&calamine::Data::String("HZ-003".into()))
    );
    assert_eq!(
        range.get((1, 7)),
        Some(&calamine::Data::Empty),
        "no contract amount"
    );
}

#[tokio::test]
async fn the_demo_seeds_a_ledger_and_a_running_schedule_once() {
    let app = spawn_app().await;
    app.sync_org().await;
    let admin = server::demo::seed::seed(&app.state)
        .await
        .expect("seed")
        .expect("an admin");
    let again = server::demo::seed::seed(&app.state).await.expect("seed");
    assert_eq!(again.as_deref(), Some(admin.as_str()));
    let admin = sign_in(&app, &admin).await;
    let (count, codes) = total(&app, &admin, "sort=code").await;
    assert_eq!(count, 3, "seeded once: {codes:?}");
    let (_, page) = call(&app, &admin, Method::GET, "projects?q=HZ-2026-001", None).await;
    let first = &page["items"][0];
    assert_eq!(first["contract_fen"], 18_650_000_000_i64);
    assert!(!first["managers"].as_array().expect("managers").is_empty());
    let id = first["id"].as_i64().expect("id");
    let (status, gantt) = call(
        &app,
        &admin,
        Method::GET,
        &format!("projects/{id}/gantt"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(gantt.to_string().contains("主体封顶"), "{gantt}");

    // The PM's own purchase shows the self-approval rule in its timeline.
    let seeded = app
        .state
        .store
        .approvals()
        .get(1)
        .await
        .expect("read")
        .expect("the PM's purchase");
    assert!(
        seeded
            .instance
            .timeline
            .iter()
            .any(|e| matches!(e.kind, domain::approval::EntryKind::SelfApproval { .. })),
        "{:?}",
        seeded.instance.timeline
    );
}

#[tokio::test]
async fn api_answers_are_gzipped_when_asked_and_spreadsheets_are_not() {
    let app = spawn_app().await;
    app.sync_org().await;
    let admin = server::demo::seed::seed(&app.state)
        .await
        .expect("seed")
        .expect("an admin");
    let admin = sign_in(&app, &admin).await;
    let fetch = |path: &'static str, gzip: bool| {
        let mut request = app
            .http
            .get(format!("{}/api/v1/{path}", app.base_url))
            .header(COOKIE, &admin.cookie);
        if gzip {
            request = request.header(reqwest::header::ACCEPT_ENCODING, "gzip");
        }
        async move {
            let response = request.send().await.expect("sent");
            let encoding = response
                .headers()
                .get(reqwest::header::CONTENT_ENCODING)
                .map(|v| v.to_str().expect("ascii").to_owned());
            (encoding, response.bytes().await.expect("body").len())
        }
    };
    let (plain_encoding, plain) = fetch("projects?per_page=100", false).await;
    let (encoding, gzipped) = fetch("projects?per_page=100", true).await;
    assert_eq!(plain_encoding, None);
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(gzipped < plain, "{gzipped} < {plain}");
    let (encoding, _) = fetch("projects/export", true).await;
    assert_ne!(
        encoding.as_deref(),
        Some("gzip"),
        "an xlsx is a zip already"
    );
}
