//! From `reminders.daily_report_at`, the 施工员 and 工程师 of a project under construction
//! who have not filed today's daily report get one reminder; whoever filed gets none.

use domain::access::ProjectRole;
use domain::clock::Clock as _;
use reqwest::Method;
use serde_json::json;

use crate::approvals::{call, company, dispatch, sign_in};
use crate::helpers::TestApp;

fn reminders(app: &TestApp, userid: &str) -> usize {
    app.sim
        .messages_for(userid)
        .iter()
        .filter(|m| m.body.to_string().contains("施工日志未填写"))
        .count()
}

#[tokio::test]
async fn who_has_not_filed_by_the_set_time_is_reminded_once() {
    let c = company(1).await;
    let app = &c.app;
    let filed = app.active_user(30);
    let missing = app.active_user(31);
    let safety = app.active_user(32);
    for (who, role) in [
        (&filed, ProjectRole::Foreman),
        (&missing, ProjectRole::Engineer),
        (&safety, ProjectRole::Safety),
    ] {
        app.state
            .store
            .projects()
            .add_member(c.project, who, role, "admin", 0)
            .await
            .expect("member");
    }
    // 16:00 China time: not yet.
    let day_start_cst = {
        let now = app.clock.now_ms();
        let cst = 8 * 3_600_000;
        (now + cst).div_euclid(86_400_000) * 86_400_000 - cst
    };
    app.clock.set(day_start_cst + 16 * 3_600_000);
    let today = domain::calendar::Day::of_ms(app.clock.now_ms()).to_string();
    let foreman = sign_in(app, &filed).await;
    let (status, answer) = call(
        app,
        &foreman,
        Method::PUT,
        &format!("projects/{}/daily-reports", c.project),
        Some(json!({"day": today, "content": "晴，钢筋班 12 人，完成二层梁板钢筋"})),
    )
    .await;
    assert!(status.is_success(), "{answer}");
    let remind = server::tasks::daily_reports::remind_unfiled;
    assert_eq!(remind(&app.state).await.expect("scan"), 0, "not yet 17:30");

    app.clock.set(day_start_cst + 17 * 3_600_000 + 31 * 60_000);
    assert_eq!(remind(&app.state).await.expect("scan"), 1);
    dispatch(app).await;
    assert_eq!(reminders(app, &missing), 1);
    assert_eq!(reminders(app, &filed), 0, "filed already");
    assert_eq!(
        reminders(app, &safety),
        0,
        "safety officers do not file them"
    );
    // Later ticks the same day tell nobody again.
    assert_eq!(remind(&app.state).await.expect("scan"), 0);
}

#[tokio::test]
async fn a_structured_report_is_filed_read_by_day_and_exported() {
    let c = company(1).await;
    let app = &c.app;
    let foreman_id = app.active_user(30);
    app.state
        .store
        .projects()
        .add_member(c.project, &foreman_id, ProjectRole::Foreman, "admin", 0)
        .await
        .expect("member");
    let foreman = sign_in(app, &foreman_id).await;
    let pm = sign_in(app, &c.pms[0]).await;
    let photo = crate::checkin_photos::upload(app, crate::checkin_photos::site_jpeg(40, 30)).await;
    let (_, kept) = call(
        app,
        &foreman,
        Method::POST,
        "uploads/wecom",
        Some(json!({"media_id": photo})),
    )
    .await;
    let key = kept["key"].as_str().expect("key").to_owned();
    let report = json!({
        "day": "2026-12-07",
        "content": "二层梁板钢筋绑扎完成 80%",
        "weather": "rain",
        "workforce": [{"trade": "钢筋工", "count": 12}, {"trade": "木工", "count": 6}],
        "problems": "降雨影响，基坑少量积水",
        "tomorrow": "完成钢筋隐蔽验收",
        "photos": [key]
    });
    let path = format!("projects/{}/daily-reports", c.project);
    let (status, answer) = call(app, &foreman, Method::PUT, &path, Some(report)).await;
    assert!(status.is_success(), "{answer}");

    // Someone else's photo is refused.
    let (status, _) = call(
        app,
        &pm,
        Method::PUT,
        &path,
        Some(json!({"day": "2026-12-07", "content": "x", "photos": [key]})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);

    let (_, day) = call(
        app,
        &pm,
        Method::GET,
        &format!("{path}?day=2026-12-07"),
        None,
    )
    .await;
    let filed = &day[0];
    assert_eq!(filed["weather"], "rain");
    assert_eq!(filed["workforce"][0]["count"], 12);
    assert_eq!(filed["tomorrow"], "完成钢筋隐蔽验收");
    assert!(!filed["name"].as_str().unwrap_or_default().is_empty());

    let sheet = app
        .http
        .get(format!(
            "{}/api/v1/{path}/export?from=2026-12-01&to=2026-12-07",
            app.base_url
        ))
        .header(reqwest::header::COOKIE, &pm.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(sheet.status(), reqwest::StatusCode::OK);
    let bytes = sheet.bytes().await.expect("bytes");
    use calamine::{Reader as _, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = book.worksheet_range("施工日志").expect("sheet");
    let cells: Vec<String> = range
        .rows()
        .nth(1)
        .expect("a row")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(cells[0], "2026-12-07");
    assert_eq!(cells[2], "雨");
    assert!(cells[3].contains("钢筋工 12 人"), "{cells:?}");
}
