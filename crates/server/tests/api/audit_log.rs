//! 管理 → 审计日志: the log filtered (who, what, project, time), paged newest first with
//! names resolved; the Excel export read back; the chain check against the anchor written
//! outside the database (a cut-short log with a rewound head, an edited row); and none of
//! it for anyone but admins.

use domain::access::ProjectRole;
use domain::calendar::Day;
use domain::clock::Clock as _;
use domain::project::ProjectStatus;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::admin::audit_log::anchor;
use store::NewProject;

use crate::approvals::{Member, call, name, sign_in};
use crate::helpers::TestApp;
use crate::tasks::{Site, site};

const HOUR: i64 = 3_600_000;

/// A site whose PM changed things in two projects over three hours, and a signed-in admin.
struct Scene {
    s: Site,
    admin: Member,
    pm: Member,
    /// The second project (no rows of it belong to the first).
    other: i64,
    /// Instants between the hours.
    marks: [i64; 2],
    /// Task ids: A and C in the first project, B in the other.
    tasks: [i64; 3],
}

async fn new_task(app: &TestApp, pm: &Member, project: i64, title: &str) -> i64 {
    let day = Day::of_ms(app.clock.now_ms()).to_string();
    let (code, task) = call(
        app,
        pm,
        Method::POST,
        &format!("projects/{project}/tasks"),
        Some(json!({"title": title, "start": day, "days": 2})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{task}");
    task["id"].as_i64().expect("id")
}

async fn scene() -> Scene {
    let s = site(1).await;
    let app = &s.app;
    let admin = sign_in(app, &app.sim.org().users[0].userid).await;
    let pm = sign_in(app, &s.pm).await;
    let now = app.clock.now_ms();
    let other = app
        .state
        .store
        .projects()
        .create(
            &NewProject {
                code: "SZ-09".into(),
                name: "深圳湾二期".into(),
                department_id: 1,
                status: ProjectStatus::Active,
            },
            "admin",
            now,
        )
        .await
        .expect("project");
    app.state
        .store
        .projects()
        .add_member(other, &s.pm, ProjectRole::Manager, "admin", now)
        .await
        .expect("pm");
    let a = new_task(app, &pm, s.project, "基坑开挖").await;
    app.clock.advance(HOUR);
    let first = app.clock.now_ms();
    let b = new_task(app, &pm, other, "桩基施工").await;
    let (code, body) = call(
        app,
        &pm,
        Method::PATCH,
        &format!("tasks/{a}"),
        Some(json!({"progress": 40})),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    app.clock.advance(HOUR);
    let second = app.clock.now_ms();
    let c = new_task(app, &pm, s.project, "钢筋绑扎").await;
    Scene {
        s,
        admin,
        pm,
        other,
        marks: [first, second],
        tasks: [a, b, c],
    }
}

/// `GET /api/v1/admin/audit?{query}` as `who`.
async fn page(app: &TestApp, who: &Member, query: &str) -> (StatusCode, serde_json::Value) {
    call(app, who, Method::GET, &format!("admin/audit?{query}"), None).await
}

/// The typed page, asserting it was answered.
async fn rows(app: &TestApp, who: &Member, query: &str) -> api::AuditPage {
    let (code, body) = page(app, who, query).await;
    assert_eq!(code, StatusCode::OK, "{query}: {body}");
    serde_json::from_value(body).expect("an AuditPage")
}

fn facts(page: &api::AuditPage) -> Vec<(String, String)> {
    page.items
        .iter()
        .map(|r| (r.action.clone(), r.target_id.clone()))
        .collect()
}

#[tokio::test]
async fn audit_log_filters_pages_and_names() {
    let sc = scene().await;
    let app = &sc.s.app;
    let [a, b, c] = sc.tasks.map(|t| t.to_string());
    let task = |action: &str, id: &str| (action.to_owned(), id.to_owned());

    // Everything, newest first, in pages of two that join up without gaps or repeats.
    let all = rows(app, &sc.admin, "limit=100").await;
    let seqs: Vec<i64> = all.items.iter().map(|r| r.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert!(seqs.len() >= 6, "{seqs:?}");
    assert_eq!(all.next_before, None);
    let mut paged = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let p = rows(app, &sc.admin, &query).await;
        assert!(p.items.len() <= 2);
        paged.extend(p.items.iter().map(|r| r.seq));
        match p.next_before {
            Some(before) => query = format!("limit=2&before={before}"),
            None => break,
        }
    }
    assert_eq!(paged, seqs);

    // Who: the PM's rows only, with the PM's name.
    let pm_name = name(app, &sc.s.pm).await;
    let mine = rows(app, &sc.admin, &format!("who={}", sc.s.pm)).await;
    assert!(mine.items.iter().all(|r| r.actor == sc.s.pm));
    assert!(
        mine.items
            .iter()
            .all(|r| r.actor_name.as_deref() == Some(pm_name.as_str()))
    );
    assert_eq!(
        facts(&mine)[..4],
        [
            task("task.create", &c),
            task("task.update", &a),
            task("task.create", &b),
            task("task.create", &a),
        ]
    );
    assert_eq!(facts(&mine)[4].0, "session.login");

    // What: an exact action, or a whole area by its prefix.
    let updates = rows(app, &sc.admin, "what=task.update").await;
    assert_eq!(facts(&updates), [task("task.update", &a)]);
    let area = rows(app, &sc.admin, "what=task.").await;
    assert_eq!(area.items.len(), 4);
    let logins = rows(app, &sc.admin, "what=session.").await;
    assert!(logins.items.len() >= 2);
    assert!(logins.items.iter().all(|r| r.action == "session.login"));

    // Project: the first project's tasks (filed under it), named; none of the other's.
    let first = rows(app, &sc.admin, &format!("project={}", sc.s.project)).await;
    assert_eq!(
        facts(&first),
        [
            task("task.create", &c),
            task("task.update", &a),
            task("task.create", &a)
        ]
    );
    assert!(first.items.iter().all(|r| {
        r.project_id == Some(sc.s.project) && r.project_name.as_deref() == Some("深圳前海综合体")
    }));
    let other = rows(app, &sc.admin, &format!("project={}", sc.other)).await;
    assert_eq!(facts(&other), [task("task.create", &b)]);

    // Time: the middle hour only, and combined with the other filters.
    let [from, to] = sc.marks;
    let hour = rows(app, &sc.admin, &format!("from_ms={from}&to_ms={to}")).await;
    assert_eq!(
        facts(&hour),
        [task("task.update", &a), task("task.create", &b)]
    );
    let narrow = format!(
        "from_ms={from}&to_ms={to}&project={}&what=task.",
        sc.s.project
    );
    assert_eq!(
        facts(&rows(app, &sc.admin, &narrow).await),
        [task("task.update", &a)]
    );
    let since = rows(app, &sc.admin, &format!("from_ms={to}&who={}", sc.s.pm)).await;
    assert_eq!(facts(&since), [task("task.create", &c)]);

    // Refused queries name what is wrong.
    for bad in [
        "limit=0",
        "limit=101",
        &format!("from_ms={to}&to_ms={from}"),
    ] {
        let (code, body) = page(app, &sc.admin, bad).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[tokio::test]
async fn audit_log_is_for_admins_only() {
    let sc = scene().await;
    let app = &sc.s.app;
    for (method, path) in [
        (Method::GET, "admin/audit"),
        (Method::GET, "admin/audit/export"),
        (Method::POST, "admin/audit/verify"),
    ] {
        let (code, body) = call(app, &sc.pm, method.clone(), path, None).await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{method} {path}: {body}");
    }
    let objects = &app.state.files;
    assert_eq!(
        anchor::latest(objects).await.expect("anchors"),
        None,
        "a refused check anchors nothing"
    );
}

async fn export(app: &TestApp, who: &Member, query: &str) -> Vec<u8> {
    let response = app
        .http
        .get(format!(
            "{}/api/v1/admin/audit/export?{query}",
            app.base_url
        ))
        .header(COOKIE, &who.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert!(
        headers[CONTENT_TYPE]
            .to_str()
            .expect("type")
            .contains("spreadsheetml")
    );
    assert!(
        headers[CONTENT_DISPOSITION]
            .to_str()
            .expect("disposition")
            .contains("attachment; filename=\"audit-")
    );
    assert!(headers.get("x-export-truncated").is_none());
    response.bytes().await.expect("body").to_vec()
}

#[tokio::test]
async fn audit_log_exports_to_excel_and_the_export_is_audited() {
    use calamine::{Data, Reader as _};

    let sc = scene().await;
    let app = &sc.s.app;
    let bytes = export(app, &sc.admin, &format!("project={}", sc.s.project)).await;
    let mut book: calamine::Xlsx<_> =
        calamine::Reader::new(std::io::Cursor::new(bytes)).expect("xlsx");
    assert_eq!(book.sheet_names(), ["审计日志"]);
    let sheet = book.worksheet_range_at(0).expect("sheet").expect("range");
    let text = |r: usize, c: usize| match sheet.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        _ => String::new(),
    };
    let headers: Vec<String> = (0..13).map(|c| text(0, c)).collect();
    assert_eq!(headers, server::admin::audit_log::export::HEADERS);
    assert_eq!(
        sheet.height(),
        4,
        "the header and the first project's three rows"
    );
    let listed = rows(app, &sc.admin, &format!("project={}", sc.s.project)).await;
    let pm_name = name(app, &sc.s.pm).await;
    for (r, row) in (1..).zip(&listed.items) {
        assert_eq!(text(r, 0), row.seq.to_string());
        assert_eq!(text(r, 2), pm_name);
        assert_eq!(text(r, 3), sc.s.pm);
        assert_eq!(text(r, 5), api::audit_action_label(&row.action));
        assert_eq!(text(r, 6), row.action);
        assert_eq!(text(r, 7), "任务");
        assert_eq!(text(r, 9), format!("深圳前海综合体（{}）", sc.s.project));
        assert_eq!(text(r, 12).len(), 64, "the chain hash");
    }
    assert_eq!(text(1, 5), "新建任务");
    assert_eq!(text(2, 5), "更新任务");
    assert!(text(1, 1).starts_with(&Day::of_ms(app.clock.now_ms()).to_string()));

    // The export left its own record: who took how many rows of what.
    let (code, body) = call(app, &sc.pm, Method::GET, "admin/audit/export", None).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    let exports = rows(app, &sc.admin, "what=audit.export").await;
    assert_eq!(
        exports.items.len(),
        1,
        "only the admin's export is recorded"
    );
    let record = &exports.items[0];
    assert_eq!(record.actor, app.sim.org().users[0].userid);
    let after: serde_json::Value =
        serde_json::from_str(record.after.as_deref().expect("after")).expect("json");
    assert_eq!(after["rows"], 3);
    assert_eq!(after["truncated"], false);
    assert_eq!(after["project"], sc.s.project);
}

/// `POST /api/v1/admin/audit/verify` as the admin.
async fn verify(app: &TestApp, admin: &Member) -> api::AuditVerification {
    let (code, body) = call(app, admin, Method::POST, "admin/audit/verify", None).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    serde_json::from_value(body).expect("an AuditVerification")
}

async fn sql(app: &TestApp, statement: &str) {
    store::sqlx::query(statement)
        .execute(app.state.store.pool())
        .await
        .expect(statement);
}

#[tokio::test]
async fn audit_log_verify_catches_a_log_cut_short_of_its_anchor() {
    let sc = scene().await;
    let app = &sc.s.app;
    let objects = &app.state.files;

    // Intact, and anchored outside the database.
    let first = verify(app, &sc.admin).await;
    assert_eq!(
        first.verdict,
        api::AuditVerdict::Intact,
        "{}",
        first.message
    );
    assert_eq!(first.broken_seq, None);
    assert_eq!(first.anchor, None, "nothing was anchored before");
    let anchored = first.anchored.clone().expect("anchored");
    assert_eq!(anchored.seq, first.head_seq);
    assert!(
        first.message.starts_with("审计日志完整"),
        "{}",
        first.message
    );
    let day = Day::of_ms(app.clock.now_ms());
    let stored = objects
        .get(&anchor::key_for(day))
        .await
        .expect("read")
        .expect("today's anchor");
    let stored: serde_json::Value = serde_json::from_slice(&stored).expect("json");
    assert_eq!(stored["seq"], anchored.seq);
    assert_eq!(stored["hash"], anchored.hash.as_str());

    // More changes; checked against that anchor, they pass it.
    for n in 0..3 {
        new_task(app, &sc.pm, sc.s.project, &format!("工序{n}")).await;
    }
    let second = verify(app, &sc.admin).await;
    assert_eq!(
        second.verdict,
        api::AuditVerdict::Intact,
        "{}",
        second.message
    );
    assert_eq!(second.anchor.as_ref(), Some(&anchored));
    let n = second.head_seq;
    assert_eq!(n, anchored.seq + 3);
    let anchor_hash = second.anchored.clone().expect("re-anchored").hash;

    // Rows cut off the end with raw SQL: the head still names them.
    let m = n - 4;
    sql(app, &format!("DELETE FROM audit_log WHERE id > {m}")).await;
    let cut = verify(app, &sc.admin).await;
    assert_eq!(cut.verdict, api::AuditVerdict::Truncated, "{}", cut.message);
    assert_eq!(cut.broken_seq, Some(m + 1));
    assert!(
        cut.message
            .contains(&format!("链头记到第 {n} 条，但日志只到第 {m} 条")),
        "{}",
        cut.message
    );

    // The head rewound with them: the chain alone looks whole, the anchor does not agree.
    let kept = app
        .state
        .store
        .audit()
        .get(m)
        .await
        .expect("read")
        .expect("row m");
    store::sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2")
        .bind(m)
        .bind(kept.hash.as_str())
        .execute(app.state.store.pool())
        .await
        .expect("rewound");
    assert!(
        app.state
            .store
            .audit()
            .verify()
            .await
            .expect("walk")
            .is_intact()
    );
    let rewound = verify(app, &sc.admin).await;
    assert_eq!(
        rewound.verdict,
        api::AuditVerdict::Truncated,
        "{}",
        rewound.message
    );
    assert_eq!((rewound.head_seq, rewound.broken_seq), (m, Some(m + 1)));
    let against = rewound.anchor.clone().expect("the anchor");
    assert_eq!(
        (against.seq, against.hash.as_str()),
        (n, anchor_hash.as_str())
    );
    assert!(
        rewound.message.contains(&format!(
            "记到第 {n} 条（哈希 {}…），但日志只到第 {m} 条",
            &anchor_hash[..12]
        )),
        "{}",
        rewound.message
    );
    assert_eq!(rewound.anchored, None, "a cut-short log is never anchored");
    assert_eq!(
        anchor::latest(objects)
            .await
            .expect("anchors")
            .map(|a| a.seq),
        Some(n)
    );
}

#[tokio::test]
async fn audit_log_verify_names_the_first_edited_row() {
    let sc = scene().await;
    let app = &sc.s.app;
    let objects = &app.state.files;

    // The leader's daily run anchors the head once a day, by itself.
    anchor::daily(&app.state).await;
    let daily = anchor::latest(objects)
        .await
        .expect("anchors")
        .expect("the daily anchor");
    let head = app.state.store.audit().verify().await.expect("walk");
    assert_eq!(
        (daily.seq, daily.hash.as_str()),
        (head.head_id, head.head_hash.as_str())
    );

    sql(app, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3").await;
    let edited = verify(app, &sc.admin).await;
    assert_eq!(
        edited.verdict,
        api::AuditVerdict::Broken,
        "{}",
        edited.message
    );
    assert_eq!(edited.broken_seq, Some(3));
    assert_eq!(edited.checked, 2);
    assert!(
        edited.message.starts_with("第 3 条记录被修改"),
        "{}",
        edited.message
    );
    assert_eq!(edited.anchored, None);
}
