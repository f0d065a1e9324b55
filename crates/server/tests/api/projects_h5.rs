//! What the H5's project pages rely on: each project says what the viewer may change
//! (`can`, from the one authorisation check) and the list whether they may create
//! projects, so only working buttons are shown; the export is a download a plain link
//! saves under its Chinese name, in the WeCom webview too.

use domain::access::ProjectRole;
use domain::clock::Clock as _;
use reqwest::header::{CONTENT_DISPOSITION, COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::approvals::{Member, call, sign_in};
use crate::helpers::{TestApp, spawn_app};

async fn detail(app: &TestApp, who: &Member, id: i64) -> Value {
    let (status, body) = call(app, who, Method::GET, &format!("projects/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn projects_say_what_the_viewer_may_change() {
    let app = spawn_app().await;
    app.sync_org().await;
    let admin_id = app.sim.org().users[0].userid.clone();
    let (pm_id, engineer_id, head_id) = (
        app.active_user(11),
        app.active_user(12),
        app.active_user(13),
    );
    let admin = sign_in(&app, &admin_id).await;
    let departments = app.state.store.org().departments().await.expect("read");
    let department = departments
        .iter()
        .find(|d| d.id != 1)
        .expect("a department");
    let (status, created) = call(
        &app,
        &admin,
        Method::POST,
        "projects",
        Some(json!({
            "code": "H5-1", "name": "手机建的项目", "department_id": department.id, "pm": pm_id,
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["can"], json!(["edit", "manage_members"]));
    app.state
        .store
        .projects()
        .add_member(
            id,
            &engineer_id,
            ProjectRole::Engineer,
            &admin_id,
            app.clock.now_ms(),
        )
        .await
        .expect("member");

    let pm = sign_in(&app, &pm_id).await;
    let engineer = sign_in(&app, &engineer_id).await;
    assert_eq!(
        detail(&app, &pm, id).await["can"],
        json!(["edit", "manage_members"])
    );
    assert_eq!(detail(&app, &engineer, id).await["can"], json!([]));
    // What `can` promises holds: the engineer's edit is refused, the PM's goes through.
    let settings =
        json!({"shift_successors": false, "lag_alert_days": 3, "escalate_after_days": null});
    let path = format!("projects/{id}/schedule-settings");
    let (status, _) = call(&app, &engineer, Method::PUT, &path, Some(settings.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, saved) = call(&app, &pm, Method::PUT, &path, Some(settings.clone())).await;
    assert_eq!((status, saved), (StatusCode::OK, settings));

    // Only those who may create projects are offered 新建项目 and 导入.
    for (who, may) in [(&admin, true), (&pm, false), (&engineer, false)] {
        let (status, page) = call(&app, who, Method::GET, "projects?q=H5-1", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["can_create"], may, "{page}");
        assert_eq!(page["items"][0]["can"], detail(&app, who, id).await["can"]);
    }
    let outsider = sign_in(&app, &head_id).await;
    let (status, page) = call(&app, &outsider, Method::GET, "projects", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["can_create"], false);
}

#[tokio::test]
async fn the_export_is_saved_under_its_chinese_name() {
    let app = spawn_app().await;
    app.sync_org().await;
    let admin = sign_in(&app, &app.sim.org().users[0].userid).await;
    let response = app
        .http
        .get(format!("{}/api/v1/projects/export", app.base_url))
        .header(COOKIE, &admin.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .expect("ASCII header")
        .to_owned();
    let day = domain::calendar::Day::of_ms(app.clock.now_ms());
    // An ASCII name for older clients, then the Chinese one as RFC 5987 UTF-8.
    let (ascii, utf8) = disposition
        .split_once("; filename*=UTF-8''")
        .expect("a UTF-8 filename");
    assert_eq!(
        ascii,
        format!("attachment; filename=\"projects-{day}.xlsx\"")
    );
    assert_eq!(percent_decoded(utf8), format!("项目台账-{day}.xlsx"));
}

/// `%XX` escapes back to the UTF-8 text they spell.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("an escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}
