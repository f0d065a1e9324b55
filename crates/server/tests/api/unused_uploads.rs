//! Uploads nothing used are deleted after `files.unused_upload_hours`; a used upload, and
//! every check-in photo, stays.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::approvals::{Member, call, company, sign_in};
use crate::checkin_photos::{site_jpeg, upload};
use crate::helpers::TestApp;

async fn uploaded(app: &TestApp, who: &Member, seed: u32) -> String {
    let media = upload(app, site_jpeg(40 + seed, 30)).await;
    let (status, body) = call(
        app,
        who,
        Method::POST,
        "uploads/wecom",
        Some(json!({"media_id": media})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["key"].as_str().expect("key").to_owned()
}

fn object(key: &str) -> String {
    let hex = key.strip_prefix("sha256:").expect("a content key");
    server::files::object_key(hex)
}

#[tokio::test]
async fn unused_uploads_are_swept_and_used_ones_stay() {
    let c = company(1).await;
    let app = &c.app;
    let pm = sign_in(app, &c.pms[0]).await;
    let (status, task) = call(
        app,
        &pm,
        Method::POST,
        &format!("projects/{}/tasks", c.project),
        Some(json!({"title": "模板支设", "start": "2026-12-01", "days": 2})),
    )
    .await;
    assert!(status.is_success(), "{task}");
    let task = task["id"].as_i64().expect("task");
    let unused = uploaded(app, &pm, 1).await;
    let commented = uploaded(app, &pm, 2).await;
    let checked_in = uploaded(app, &pm, 3).await;
    let (status, answer) = call(
        app,
        &pm,
        Method::POST,
        &format!("tasks/{task}/comments"),
        Some(json!({"text": "见图", "uploads": [commented]})),
    )
    .await;
    assert!(status.is_success(), "{answer}");
    let (status, checkin) = call(
        app,
        &pm,
        Method::POST,
        &format!("tasks/{task}/checkins"),
        Some(json!({"note": "到场", "uploads": [checked_in]})),
    )
    .await;
    assert!(status.is_success(), "{checkin}");
    let stamped = checkin["photos"][0]
        .as_str()
        .expect("stamped copy")
        .to_owned();

    // Not yet: an upload may be used for days.
    let hours = i64::from(app.state.settings.files.unused_upload_hours);
    app.clock.advance((hours - 1) * 3_600_000);
    assert_eq!(
        server::files::sweep_unused_uploads(&app.state)
            .await
            .expect("swept"),
        0
    );

    app.clock.advance(2 * 3_600_000);
    assert_eq!(
        server::files::sweep_unused_uploads(&app.state)
            .await
            .expect("swept"),
        1
    );
    let files = &app.state.files;
    assert!(
        !files.exists(&object(&unused)).await.expect("head"),
        "unused upload deleted"
    );
    for kept in [&commented, &checked_in, &stamped] {
        assert!(
            files.exists(&object(kept)).await.expect("head"),
            "{kept} kept"
        );
    }
    // Swept once: nothing left to do.
    assert_eq!(
        server::files::sweep_unused_uploads(&app.state)
            .await
            .expect("swept"),
        0
    );
}
