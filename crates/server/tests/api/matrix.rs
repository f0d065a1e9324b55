//! Who may call what: every `/api/v1` route (read from the handlers' sources, as the
//! contract sweep does) has a row here saying who it is for, and is called as each kind
//! of caller: no session, a member who left, each project role, finance, an admin and an
//! outsider. A new route without a row fails the test.

use domain::access::ProjectRole;
use domain::clock::Clock as _;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};

use crate::approvals::{Member, company, sign_in};
use crate::checkin_photos::{site_jpeg, upload};
use crate::contract::api_routes;
use crate::helpers::TestApp;

/// A kind of caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    /// A project member holding this role on the project.
    Role(ProjectRole),
    /// 财务 (sees every project, decides on budgets).
    Finance,
    /// 系统管理员.
    Admin,
    /// A member with no role on the project and no system role.
    Outsider,
}

const PM: Caller = Caller::Role(ProjectRole::Manager);
const ENGINEER: Caller = Caller::Role(ProjectRole::Engineer);
const SAFETY: Caller = Caller::Role(ProjectRole::Safety);
const QUALITY: Caller = Caller::Role(ProjectRole::Quality);
const FOREMAN: Caller = Caller::Role(ProjectRole::Foreman);

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum For {
    /// Any signed-in member (what they see is filtered to them).
    Member,
    /// Those who see the project may call it (the record itself may still refuse, e.g.
    /// acting on an approval that is not waiting for them); outsiders get 404, so a
    /// project's existence is not revealed.
    Visible,
    /// Only these callers (besides admins) may; others who see the project get 403,
    /// outsiders 404.
    Project(&'static [Caller]),
    /// System admins only: others get 403.
    Admin,
    /// Records of some people only (an approval: its initiator, approvers and CC, and
    /// admins; an upload: its uploader): these callers may, everyone else gets 404.
    Own(&'static [Caller]),
}

/// The approval here: its approver (the PM) and admins (its initiator is not a caller).
const ON_THE_REQUEST: For = For::Own(&[PM, Caller::Admin]);
/// A fresh upload: only the PM who uploaded it.
const UPLOADER: For = For::Own(&[PM]);

/// Who may change a project's ledger entry, members and settings.
const MANAGE: For = For::Project(&[PM]);
/// Who plans: tasks, links, baselines.
const PLAN: For = For::Project(&[PM, ENGINEER, FOREMAN]);
/// Who reports from site: check-ins, progress, daily reports.
const REPORT: For = For::Project(&[PM, ENGINEER, SAFETY, QUALITY, FOREMAN]);

const TABLE: &[(&str, &str, For)] = &[
    ("GET", "/me", For::Member),
    ("GET", "/jssdk/signature", For::Member),
    ("GET", "/admin/queues", For::Admin),
    ("GET", "/admin/dead-letters", For::Admin),
    (
        "POST",
        "/admin/dead-letters/{queue}/{id}/replay",
        For::Admin,
    ),
    ("GET", "/admin/audit", For::Admin),
    ("GET", "/admin/audit/export", For::Admin),
    ("POST", "/admin/audit/verify", For::Admin),
    ("GET", "/admin/config", For::Admin),
    ("GET", "/admin/sync", For::Admin),
    ("POST", "/admin/sync", For::Admin),
    ("DELETE", "/admin/sessions/{userid}", For::Admin),
    ("GET", "/admin/roles", For::Admin),
    ("PUT", "/admin/roles/{userid}/{role}", For::Admin),
    ("DELETE", "/admin/roles/{userid}/{role}", For::Admin),
    ("GET", "/admin/reassignments", For::Admin),
    ("POST", "/admin/reassignments/{id}/resolve", For::Admin),
    ("GET", "/approvals", For::Member),
    ("POST", "/approvals", For::Member),
    ("GET", "/approvals/counts", For::Member),
    ("GET", "/approvals/{id}", ON_THE_REQUEST),
    ("POST", "/approvals/{id}/actions", ON_THE_REQUEST),
    ("GET", "/approvals/{id}/attachments/{key}", ON_THE_REQUEST),
    ("GET", "/approval-delegation", For::Member),
    ("PUT", "/approval-delegation", For::Member),
    ("DELETE", "/approval-delegation", For::Member),
    ("GET", "/approval-forms", For::Member),
    ("GET", "/approval-templates", For::Admin),
    ("PUT", "/approval-templates/{code}", For::Admin),
    ("GET", "/projects", For::Member),
    ("POST", "/projects", For::Admin),
    ("GET", "/projects/export", For::Member),
    ("POST", "/projects/import", For::Admin),
    ("GET", "/projects/{id}", For::Visible),
    ("PUT", "/projects/{id}", MANAGE),
    ("GET", "/projects/{id}/members", For::Visible),
    ("PUT", "/projects/{id}/members", MANAGE),
    ("DELETE", "/projects/{id}/members/{userid}/{role}", MANAGE),
    ("GET", "/projects/{id}/schedule-settings", For::Visible),
    ("PUT", "/projects/{id}/schedule-settings", MANAGE),
    ("GET", "/projects/{id}/reassignments", MANAGE),
    (
        "POST",
        "/projects/{id}/reassignments/{flag}/resolve",
        MANAGE,
    ),
    ("GET", "/projects/{id}/gantt", For::Visible),
    ("GET", "/projects/{id}/tasks", For::Visible),
    ("POST", "/projects/{id}/tasks", PLAN),
    ("PUT", "/projects/{id}/links", PLAN),
    ("DELETE", "/projects/{id}/links/{from}/{to}", PLAN),
    ("POST", "/projects/{id}/baseline", PLAN),
    ("GET", "/projects/{id}/daily-reports", PLAN),
    ("GET", "/projects/{id}/daily-reports/export", PLAN),
    ("PUT", "/projects/{id}/daily-reports", REPORT),
    ("GET", "/tasks/mine", For::Member),
    ("GET", "/tasks/{id}", For::Visible),
    ("PATCH", "/tasks/{id}", REPORT),
    ("GET", "/tasks/{id}/checkins", For::Visible),
    ("POST", "/tasks/{id}/checkins", REPORT),
    ("POST", "/tasks/{id}/extension", REPORT),
    (
        "GET",
        "/tasks/{task}/checkins/{checkin}/photos/{index}",
        For::Visible,
    ),
    ("GET", "/tasks/{id}/comments", For::Visible),
    ("POST", "/tasks/{id}/comments", REPORT),
    ("GET", "/tasks/{id}/comment-photos/{key}", For::Visible),
    ("GET", "/directory/members", For::Member),
    ("GET", "/directory/departments", For::Member),
    ("POST", "/uploads", For::Member),
    ("POST", "/uploads/wecom", For::Member),
    ("GET", "/uploads/{key}", UPLOADER),
];

/// The records the routes' parameters name.
struct Ids {
    project: i64,
    approval: i64,
    tasks: [i64; 2],
    checkin: i64,
    bystander: String,
    /// The approval's attachment.
    attachment: String,
    /// The PM's upload, shown on a comment.
    upload: String,
    /// A leaver's work flagged on the project.
    flag: i64,
}

/// A path with real-looking parameters: records that exist, so a refusal is about the
/// caller.
fn filled(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/projects") {
        ids.project
    } else if path.starts_with("/tasks") {
        ids.tasks[0]
    } else {
        ids.approval
    };
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let value = match &rest[open + 1..close] {
            "role" if path.starts_with("/projects") => "engineer".to_owned(),
            "role" => "manager".to_owned(),
            "queue" => "inbox".to_owned(),
            "key" if path.starts_with("/approvals") => ids.attachment.clone(),
            "key" if path.starts_with("/admin") => format!("sha256:{}", "0".repeat(64)),
            "key" => ids.upload.clone(),
            "userid" if path.starts_with("/projects") => ids.bystander.clone(),
            "userid" | "code" => "nobody".to_owned(),
            "task" | "from" => ids.tasks[0].to_string(),
            "to" => ids.tasks[1].to_string(),
            "checkin" => ids.checkin.to_string(),
            "index" => "0".to_owned(),
            "flag" => ids.flag.to_string(),
            _ => id.to_string(),
        };
        out.push_str(&value);
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    // What a route's query needs, so a member's answer is about who they are.
    out.push_str(match path {
        "/jssdk/signature" => "?url=http%3A%2F%2F127.0.0.1%2F&kind=config",
        "/admin/dead-letters" => "?queue=inbox",
        "/projects/{id}/daily-reports/export" => "?from=2026-12-01&to=2026-12-07",
        _ => "",
    });
    out
}

/// A body the route accepts, so a refusal is about the caller.
fn body_for(method: &str, path: &str, ids: &Ids) -> serde_json::Value {
    use serde_json::json;
    match (method, path) {
        ("POST", "/approvals/{id}/actions") => json!({"action": "approve"}),
        ("POST", "/approvals") => json!({"template": "leave", "form": {}}),
        ("PUT", "/approval-templates/{code}") => {
            serde_json::to_value(domain::approval::builtin::leave()).unwrap_or_default()
        }
        ("PUT", "/approval-delegation") => {
            json!({"delegate": "nobody", "from_ms": 0, "until_ms": 1})
        }
        ("PUT", "/projects/{id}") | ("POST", "/projects") => {
            json!({"code": "MX-1", "name": "矩阵", "department_id": 1, "version": 1})
        }
        ("PUT", "/projects/{id}/members") => json!({"userid": ids.bystander, "role": "engineer"}),
        ("PUT", "/projects/{id}/schedule-settings") => json!({"shift_successors": true}),
        ("POST", "/projects/{id}/tasks") => json!({"title": "t", "start": "2026-12-01", "days": 1}),
        ("PUT", "/projects/{id}/links") => {
            json!({"from": ids.tasks[0], "to": ids.tasks[1], "kind": "FS"})
        }
        ("PUT", "/projects/{id}/daily-reports") => json!({"day": "2026-12-01", "content": "x"}),
        ("PATCH", "/tasks/{id}") => json!({"progress": 10}),
        ("POST", "/tasks/{id}/checkins") => json!({"note": "x"}),
        ("POST", "/tasks/{id}/extension") => json!({"days": 2, "reason": "雨天停工"}),
        ("POST", "/tasks/{id}/comments") => json!({"text": "x"}),
        ("POST", "/uploads/wecom") => json!({"media_id": "m"}),
        _ => json!({}),
    }
}

async fn call_as(
    app: &TestApp,
    who: Option<&Member>,
    (method, path): (&str, &str),
    ids: &Ids,
) -> StatusCode {
    let body = body_for(method, path, ids).to_string();
    let at = filled(path, ids);
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app
        .http
        .request(method.clone(), format!("{}/api/v1{at}", app.base_url));
    if let Some(who) = who {
        request = request
            .header(COOKIE, &who.cookie)
            .header("X-CSRF-Token", &who.csrf);
    }
    if method != Method::GET {
        request = request.header(CONTENT_TYPE, "application/json").body(body);
    }
    request.send().await.expect("sent").status()
}

/// What `caller` must get from a route that is `row`: `Ok(())` when the answer fits.
fn judge(row: For, caller: Caller, status: StatusCode) -> Result<(), &'static str> {
    let refused = matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    );
    let fine = |ok: bool, why| {
        if ok && !status.is_server_error() {
            Ok(())
        } else {
            Err(why)
        }
    };
    let sees_project = caller != Caller::Outsider;
    match row {
        For::Member => fine(!refused, "a member may call it"),
        // An admin route naming a record that does not exist answers 404 to an admin.
        For::Admin if caller == Caller::Admin => fine(
            !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
            "an admin may call it",
        ),
        For::Admin => fine(status == StatusCode::FORBIDDEN, "only admins: 403"),
        For::Visible | For::Project(_) if !sees_project => {
            fine(status == StatusCode::NOT_FOUND, "an outsider: 404")
        }
        For::Visible => fine(
            !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND),
            "who sees the project may call it",
        ),
        For::Project(allowed) if caller == Caller::Admin || allowed.contains(&caller) => {
            fine(!refused, "this caller may")
        }
        For::Project(_) => fine(status == StatusCode::FORBIDDEN, "sees the project: 403"),
        For::Own(allowed) if allowed.contains(&caller) => fine(
            !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND),
            "this caller may see it",
        ),
        For::Own(_) => fine(status == StatusCode::NOT_FOUND, "not theirs: 404"),
    }
}

/// A task of `leaver`'s flagged for handing over on `project`; the flag's id.
async fn flagged(app: &TestApp, project: i64, leaver: &str, task: i64) -> i64 {
    let flag = store::NewReassignment {
        leaver: leaver.to_owned(),
        kind: "task".into(),
        item: task.to_string(),
        project_id: Some(project),
        detail: "矩阵的任务".into(),
    };
    let flags = app.state.store.reassignments();
    flags.flag(&flag, 0).await.expect("flagged");
    let open = flags.open(Some(project)).await.expect("flags");
    open.iter()
        .find(|f| f.leaver == leaver)
        .expect("the flag")
        .id
}

/// A photo `who` uploaded through the JS-SDK path; its upload key.
async fn uploaded(app: &TestApp, who: &Member) -> String {
    let media = upload(app, site_jpeg(64, 48)).await;
    let (status, body) = crate::approvals::call(
        app,
        who,
        Method::POST,
        "uploads/wecom",
        Some(serde_json::json!({"media_id": media})),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    body["key"].as_str().expect("key").to_owned()
}

/// A purchase on the project with a photo attached; (the photo's key, the approval).
async fn purchase_with_attachment(c: &crate::approvals::Company) -> (String, i64) {
    let initiator = sign_in(&c.app, &c.initiator).await;
    let key = uploaded(&c.app, &initiator).await;
    let form = [
        ("project".to_owned(), serde_json::json!(c.project)),
        (
            "items".to_owned(),
            serde_json::json!("C30 商品混凝土 200 方"),
        ),
        ("materials".to_owned(), serde_json::json!(100_000)),
        ("arrival".to_owned(), serde_json::json!("2026-12-20")),
        ("attachments".to_owned(), serde_json::json!([key])),
    ]
    .into();
    let id = server::approvals::submit(
        &c.app.state,
        &server::audit::Actor::member(&c.initiator),
        "purchase",
        &form,
        None,
        Default::default(),
    )
    .await
    .expect("submitted");
    (key, id)
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_its_row_says() {
    // The table covers the routes the handlers register, no more and no fewer.
    let mut registered: Vec<(String, String)> = api_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    registered.sort();
    let mut rows: Vec<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    rows.sort();
    assert_eq!(
        registered, rows,
        "a route without its row (or a row without its route)"
    );

    // The project, an approval on it, two tasks and a check-in exist; one member per
    // project role, finance, an admin, an outsider and a member who left.
    let c = company(1).await;
    let app = &c.app;
    let now = app.clock.now_ms();
    let approval = purchase_with_attachment(&c).await;
    let mut callers: Vec<(Caller, Member)> = Vec::new();
    for (n, role) in ProjectRole::ALL.into_iter().enumerate() {
        let userid = if role == ProjectRole::Manager {
            c.pms[0].clone()
        } else {
            let userid = app.active_user(63 + n);
            app.state
                .store
                .projects()
                .add_member(c.project, &userid, role, "admin", now)
                .await
                .expect("member");
            userid
        };
        callers.push((Caller::Role(role), sign_in(app, &userid).await));
    }
    callers.push((Caller::Finance, sign_in(app, &c.finance).await));
    let admin = app.state.settings.auth.admins[0].clone();
    callers.push((Caller::Admin, sign_in(app, &admin).await));
    callers.push((Caller::Outsider, sign_in(app, &app.active_user(60)).await));
    let leaver_id = app.active_user(61);
    let leaver = sign_in(app, &leaver_id).await;
    app.state
        .store
        .org()
        .mark_left(&leaver_id, now)
        .await
        .expect("left");
    let pm = &callers[0].1;
    let mut tasks = [0_i64; 2];
    for task in &mut tasks {
        let (status, created) = crate::approvals::call(
            app,
            pm,
            Method::POST,
            &format!("projects/{}/tasks", c.project),
            Some(serde_json::json!({"title": "绑扎钢筋", "start": "2026-12-01", "days": 2})),
        )
        .await;
        assert!(status.is_success(), "{status} {created}");
        *task = created["id"].as_i64().expect("task id");
    }
    let media = upload(app, site_jpeg(64, 48)).await;
    let (status, checkin) = crate::approvals::call(
        app,
        pm,
        Method::POST,
        &format!("tasks/{}/checkins", tasks[0]),
        Some(serde_json::json!({"note": "到场", "media_ids": [media]})),
    )
    .await;
    assert!(status.is_success(), "{status} {checkin}");
    let upload = uploaded(app, pm).await;
    let (status, comment) = crate::approvals::call(
        app,
        pm,
        Method::POST,
        &format!("tasks/{}/comments", tasks[0]),
        Some(serde_json::json!({"text": "见图", "uploads": [upload]})),
    )
    .await;
    assert!(status.is_success(), "{status} {comment}");
    let (attachment, approval) = approval;
    let ids = Ids {
        project: c.project,
        approval,
        tasks,
        checkin: checkin["id"].as_i64().expect("checkin id"),
        bystander: app.active_user(62),
        attachment,
        upload,
        flag: flagged(app, c.project, &leaver_id, tasks[1]).await,
    };

    let mut wrong = Vec::new();
    for (method, path, row) in TABLE {
        let what = format!("{method} {path}");
        assert_eq!(
            call_as(app, None, (method, path), &ids).await,
            StatusCode::UNAUTHORIZED,
            "{what}: no session"
        );
        assert_eq!(
            call_as(app, Some(&leaver), (method, path), &ids).await,
            StatusCode::UNAUTHORIZED,
            "{what}: a member who left"
        );
        for (caller, member) in &callers {
            if *method == "DELETE" && path.contains("/links/") {
                // Each caller finds the link there to remove.
                let (status, _) = crate::approvals::call(
                    app,
                    pm,
                    Method::PUT,
                    &format!("projects/{}/links", c.project),
                    Some(body_for("PUT", "/projects/{id}/links", &ids)),
                )
                .await;
                assert!(status.is_success(), "link restored: {status}");
            }
            if *method == "DELETE" && path.contains("/members/") {
                // Each caller finds the membership there to remove.
                app.state
                    .store
                    .projects()
                    .add_member(
                        c.project,
                        &ids.bystander,
                        ProjectRole::Engineer,
                        "admin",
                        now,
                    )
                    .await
                    .ok();
            }
            let status = call_as(app, Some(member), (method, path), &ids).await;
            if let Err(why) = judge(*row, *caller, status) {
                wrong.push(format!("{what} as {caller:?}: {status} ({why})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers off the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
