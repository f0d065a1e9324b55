//! What the H5 workbench needs beyond the other suites: who it registers the JS-SDK as, the
//! member picker, photos from a browser (no JS-SDK) for check-ins, a task by id, and the
//! sync status in the shared wire type.

use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::approvals::{Member, call, sign_in};
use crate::checkin_photos;
use crate::helpers::TestApp;
use crate::tasks::site;

async fn upload(app: &TestApp, who: &Member, bytes: Vec<u8>, csrf: bool) -> (StatusCode, Value) {
    let mut request = app
        .http
        .post(format!("{}/api/v1/uploads", app.base_url))
        .header(COOKIE, &who.cookie)
        .header("Content-Type", "image/jpeg")
        .body(bytes);
    if csrf {
        request = request.header("X-CSRF-Token", &who.csrf);
    }
    let response = request.send().await.expect("sent");
    let code = response.status();
    (code, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_browser_photo_is_uploaded_then_checked_in_stamped_and_kept() {
    let s = site(1).await;
    let app = &s.app;
    let pm = sign_in(app, &s.pm).await;
    let eng = sign_in(app, &s.engineers[0]).await;
    let start = app.state.clock.now_ms();
    let day = domain::calendar::Day::of_ms(start).to_string();
    let (code, task) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", s.project),
        Some(json!({"title": "基坑支护", "start": day, "days": 3, "owner": s.engineers[0]})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{task}");
    let task = task["id"].as_i64().expect("id");

    let (code, shown) = call(app, &eng, Method::GET, &format!("tasks/{task}"), None).await;
    assert_eq!(code, StatusCode::OK, "{shown}");
    assert_eq!(
        (shown["title"].clone(), shown["owner"].clone()),
        (json!("基坑支护"), json!(s.engineers[0]))
    );
    let stranger = sign_in(app, &app.active_user(90)).await;
    let (code, _) = call(app, &stranger, Method::GET, &format!("tasks/{task}"), None).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "a project they cannot see");
    let (code, _) = call(
        app,
        &eng,
        Method::GET,
        &format!("tasks/{}", task + 1000),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::NOT_FOUND);

    let jpeg = checkin_photos::site_jpeg(300, 200);
    let (code, _) = upload(app, &eng, jpeg.clone(), false).await;
    assert_eq!(
        code,
        StatusCode::FORBIDDEN,
        "a change without the CSRF token"
    );
    let (code, refused) = upload(app, &eng, b"<html>not a photo</html>".to_vec(), true).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");
    let (code, refused) = upload(app, &eng, Vec::new(), true).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");
    let (code, uploaded) = upload(app, &eng, jpeg.clone(), true).await;
    assert_eq!(code, StatusCode::CREATED, "{uploaded}");
    let key = uploaded["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("sha256:"), "{key}");
    // A fresh upload is its uploader's alone, even for a colleague on the same project.
    let shown_to = |who: &crate::approvals::Member| {
        app.http
            .get(format!("{}/api/v1/uploads/{key}", app.base_url))
            .header(COOKIE, &who.cookie)
            .send()
    };
    assert_eq!(
        shown_to(&pm).await.expect("sent").status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        shown_to(&stranger).await.expect("sent").status(),
        StatusCode::NOT_FOUND
    );
    let shown = shown_to(&eng).await.expect("sent");
    assert_eq!(shown.status(), StatusCode::OK);
    assert_eq!(shown.headers()["content-type"], "image/jpeg");
    assert_eq!(&shown.bytes().await.expect("body")[..], &jpeg[..]);
    for missing in [
        format!("sha256:{}", "0".repeat(64)),
        "sha256:..%2F..%2Fx".into(),
        "x".into(),
    ] {
        let (code, _) = call(app, &pm, Method::GET, &format!("uploads/{missing}"), None).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{missing}");
    }
    let anonymous = app
        .http
        .get(format!("{}/api/v1/uploads/{key}", app.base_url))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // The same photo taken with the JS-SDK is fetched from WeCom and kept under the same key.
    let media_id = checkin_photos::upload(app, jpeg.clone()).await;
    let (code, kept) = call(
        app,
        &eng,
        Method::POST,
        "uploads/wecom",
        Some(json!({ "media_id": media_id })),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{kept}");
    assert_eq!(kept["key"], json!(key), "content addressed");
    let (code, refused) = call(
        app,
        &eng,
        Method::POST,
        "uploads/wecom",
        Some(json!({ "media_id": "gone" })),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");

    let path = format!("tasks/{task}/checkins");
    let unknown = format!("sha256:{}", "0".repeat(64));
    for bad in [unknown.as_str(), "sha256:../../etc/passwd", "nope"] {
        let (code, refused) = call(
            app,
            &eng,
            Method::POST,
            &path,
            Some(json!({"uploads": [bad], "note": "x"})),
        )
        .await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}: {refused}");
    }
    let (code, refused) = call(
        app,
        &pm,
        Method::POST,
        &path,
        Some(json!({"uploads": [key], "note": "别人的照片"})),
    )
    .await;
    assert_eq!(
        code,
        StatusCode::BAD_REQUEST,
        "only the uploader checks in with it: {refused}"
    );
    let (_, none) = call(app, &eng, Method::GET, &path, None).await;
    assert_eq!(none, json!([]), "a refused check-in records nothing");

    let (code, stored) = call(
        app,
        &eng,
        Method::POST,
        &path,
        Some(json!({"uploads": [key], "note": "支护完成", "progress": 40,
                    "location": [22.54, 113.93], "address": "前海"})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{stored}");
    checkin_photos::are_stamped_and_kept(app, &eng, task, &stored, &jpeg).await;

    // Comments with photos: the thread on the task.
    let comments = format!("tasks/{task}/comments");
    let (code, added) = call(
        app,
        &eng,
        Method::POST,
        &comments,
        Some(json!({"text": "  支护桩已全部完成，见照片  ", "uploads": [key]})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{added}");
    for (who, bad) in [
        (&eng, json!({"text": "   "})),
        (&eng, json!({"text": "x".repeat(2_001)})),
        (&pm, json!({"text": "借用别人的照片", "uploads": [key]})),
    ] {
        let (code, refused) = call(app, who, Method::POST, &comments, Some(bad)).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{refused}");
    }
    let (code, _) = call(
        app,
        &pm,
        Method::POST,
        &comments,
        Some(json!({"text": "收到"})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
    let (code, thread) = call(app, &pm, Method::GET, &comments, None).await;
    assert_eq!(code, StatusCode::OK);
    let thread: Vec<api::CommentView> = serde_json::from_value(thread).expect("comments");
    assert_eq!(thread.len(), 2);
    assert_eq!(
        thread[0].text, "支护桩已全部完成，见照片",
        "trimmed, oldest first"
    );
    assert_eq!(thread[0].photos, vec![key.clone()]);
    assert_eq!(thread[0].userid, s.engineers[0]);
    assert_ne!(
        thread[0].name, thread[0].userid,
        "named as the org knows them"
    );
    assert_eq!(thread[1].text, "收到");
    let (code, _) = call(app, &stranger, Method::GET, &comments, None).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "a project they cannot see");

    // Once attached, the photo is read through the comment: by the project, not others.
    let photo = |who: &crate::approvals::Member, key: String| {
        app.http
            .get(format!(
                "{}/api/v1/tasks/{task}/comment-photos/{key}",
                app.base_url
            ))
            .header(COOKIE, &who.cookie)
            .send()
    };
    let seen = photo(&pm, key.clone()).await.expect("sent");
    assert_eq!(seen.status(), StatusCode::OK);
    assert_eq!(&seen.bytes().await.expect("body")[..], &jpeg[..]);
    assert_eq!(
        photo(&stranger, key.clone()).await.expect("sent").status(),
        StatusCode::NOT_FOUND
    );
    let elsewhere = format!("sha256:{}", "1".repeat(64));
    assert_eq!(
        photo(&pm, elsewhere).await.expect("sent").status(),
        StatusCode::NOT_FOUND,
        "only photos of this task's comments"
    );
}

#[tokio::test]
async fn the_member_picker_finds_current_members_by_name_or_account() {
    let s = site(0).await;
    let app = &s.app;
    let pm = sign_in(app, &s.pm).await;
    let (code, me) = call(app, &pm, Method::GET, "me", None).await;
    assert_eq!(code, StatusCode::OK);
    let me: api::Me = serde_json::from_value(me).expect("the shared type");
    assert_eq!(me.corp_id, app.state.settings.wecom.corp_id);
    assert_eq!(me.agent_id, app.state.settings.wecom.agent_id);
    assert!(!me.is_admin);
    app.state
        .store
        .roles()
        .grant(&s.pm, "admin", "test", app.state.clock.now_ms())
        .await
        .expect("grant");
    let (_, me) = call(app, &pm, Method::GET, "me", None).await;
    assert_eq!(me["is_admin"], json!(true), "a granted admin sees 管理 too");

    let (code, all) = call(app, &pm, Method::GET, "directory/members?limit=5", None).await;
    assert_eq!(code, StatusCode::OK, "{all}");
    let all: Vec<api::DirectoryEntry> = serde_json::from_value(all).expect("entries");
    assert_eq!(all.len(), 5);
    let name = all[2].name.clone();
    let part: String = name.chars().skip(1).collect();
    let (_, found) = call(
        app,
        &pm,
        Method::GET,
        &format!("directory/members?q={}", urlencode(&part)),
        None,
    )
    .await;
    let found: Vec<api::DirectoryEntry> = serde_json::from_value(found).expect("entries");
    assert!(
        found.iter().any(|m| m.userid == all[2].userid),
        "{part}: {found:?}"
    );
    assert!(
        found
            .iter()
            .all(|m| m.name.contains(&part) || m.userid.contains(&part))
    );
    let (_, by_account) = call(
        app,
        &pm,
        Method::GET,
        &format!("directory/members?q={}", all[2].userid.to_uppercase()),
        None,
    )
    .await;
    assert_eq!(
        by_account[0]["userid"],
        json!(all[2].userid),
        "accounts match whatever their case, on both backends"
    );
    for literal in ["%", "_", "\\"] {
        let (code, none) = call(
            app,
            &pm,
            Method::GET,
            &format!("directory/members?q={}", urlencode(literal)),
            None,
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(none, json!([]), "{literal} is matched literally");
    }
    let (_, capped) = call(
        app,
        &pm,
        Method::GET,
        "directory/members?limit=100000",
        None,
    )
    .await;
    assert_eq!(capped.as_array().map(Vec::len), Some(50));
}

#[tokio::test]
async fn the_sync_status_reads_as_the_shared_type() {
    let s = site(0).await;
    let app = &s.app;
    // The test settings make the org's first member a config admin.
    let admin = sign_in(app, &app.sim.org().users[0].userid).await;
    let (code, status) = call(app, &admin, Method::GET, "admin/sync", None).await;
    assert_eq!(code, StatusCode::OK, "{status}");
    let status: api::SyncStatus = serde_json::from_value(status.clone()).expect("{status}");
    assert!(!status.running);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_check_in_sent_twice_with_one_key_is_recorded_once() {
    let s = site(1).await;
    let app = &s.app;
    let pm = sign_in(app, &s.pm).await;
    let eng = sign_in(app, &s.engineers[0]).await;
    let day = domain::calendar::Day::of_ms(app.state.clock.now_ms()).to_string();
    let (_, task) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", s.project),
        Some(json!({"title": "钢筋绑扎", "start": day, "days": 2, "owner": s.engineers[0]})),
    )
    .await;
    let path = format!("tasks/{}/checkins", task["id"]);
    let send_as = |who: &Member, key: &'static str, note: &'static str| {
        let request = app
            .http
            .post(format!("{}/api/v1/{path}", app.base_url))
            .header(COOKIE, &who.cookie)
            .header("X-CSRF-Token", &who.csrf)
            .header("Idempotency-Key", key)
            .json(&json!({"note": note, "progress": 30}));
        async move {
            let response = request.send().await.expect("sent");
            let replayed = response.headers().contains_key("Idempotent-Replayed");
            let code = response.status();
            (
                code,
                replayed,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let send = |key: &'static str, note: &'static str| send_as(&eng, key, note);
    let (code, replayed, first) = send("k-18c2f0a3b9e41", "绑扎一半").await;
    assert_eq!((code, replayed), (StatusCode::CREATED, false), "{first}");
    // The answer was lost on the way; the H5's queue sends it again.
    let (code, replayed, again) = send("k-18c2f0a3b9e41", "绑扎一半").await;
    assert_eq!((code, replayed), (StatusCode::CREATED, true), "{again}");
    assert_eq!(again["id"], first["id"]);
    let (_, list) = call(app, &eng, Method::GET, &path, None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");

    let (code, _, other) = send("k-29d3e1b4c0f52", "绑扎完成").await;
    assert_eq!(code, StatusCode::CREATED, "a new key is a new check-in");
    assert_ne!(other["id"], first["id"]);
    let (code, _, bad) = send("bad key!", "x").await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}");
    // Another member's identical key is theirs alone.
    let (code, replayed, theirs) = send_as(&pm, "k-18c2f0a3b9e41", "项目经理检查").await;
    assert_eq!((code, replayed), (StatusCode::CREATED, false), "{theirs}");
    let (_, list) = call(app, &eng, Method::GET, &path, None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn an_approval_photo_is_shown_to_who_sees_the_approval_only() {
    let s = site(1).await;
    let app = &s.app;
    let pm = sign_in(app, &s.pm).await;
    let eng = sign_in(app, &s.engineers[0]).await;
    let stranger = sign_in(app, &app.active_user(90)).await;
    let jpeg = checkin_photos::site_jpeg(200, 150);
    let (code, uploaded) = upload(app, &eng, jpeg.clone(), true).await;
    assert_eq!(code, StatusCode::CREATED, "{uploaded}");
    let key = uploaded["key"].as_str().expect("key").to_owned();
    let form = json!({"project": s.project, "items": "脚手架扣件 500 套", "materials": 80_000,
                      "arrival": "2026-12-20", "attachments": [key]});
    let (code, created) = call(
        app,
        &eng,
        Method::POST,
        "approvals",
        Some(json!({"template": "purchase", "form": form})),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let photo = |who: &crate::approvals::Member, key: &str| {
        app.http
            .get(format!(
                "{}/api/v1/approvals/{id}/attachments/{key}",
                app.base_url
            ))
            .header(COOKIE, &who.cookie)
            .send()
    };
    let seen = photo(&pm, &key).await.expect("sent");
    assert_eq!(seen.status(), StatusCode::OK, "the approver sees it");
    assert_eq!(&seen.bytes().await.expect("body")[..], &jpeg[..]);
    assert_eq!(
        photo(&stranger, &key).await.expect("sent").status(),
        StatusCode::NOT_FOUND
    );
    let other = format!("sha256:{}", "2".repeat(64));
    assert_eq!(
        photo(&pm, &other).await.expect("sent").status(),
        StatusCode::NOT_FOUND,
        "only what the form carries"
    );
}

#[tokio::test]
async fn uploads_are_limited_per_member() {
    let s = site(1).await;
    let app = &s.app;
    let eng = sign_in(app, &s.engineers[0]).await;
    let pm = sign_in(app, &s.pm).await;
    let jpeg = checkin_photos::site_jpeg(32, 24);
    for n in 0..60 {
        let (code, answer) = upload(app, &eng, jpeg.clone(), true).await;
        assert_eq!(code, StatusCode::CREATED, "upload {n}: {answer}");
    }
    let (code, refused) = upload(app, &eng, jpeg.clone(), true).await;
    assert_eq!(code, StatusCode::TOO_MANY_REQUESTS, "{refused}");
    assert_eq!(refused["code"], "rate_limited");
    // Per member: a colleague still uploads, and ten minutes later so does the engineer.
    let (code, _) = upload(app, &pm, jpeg.clone(), true).await;
    assert_eq!(code, StatusCode::CREATED);
    app.clock.advance(601_000);
    let (code, _) = upload(app, &eng, jpeg, true).await;
    assert_eq!(code, StatusCode::CREATED);
}
