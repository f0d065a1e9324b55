//! Daily reports (施工日志): filed by the site (weather, headcount by trade, work done,
//! problems, tomorrow's plan, photos), read by the PM day by day and exported to Excel;
//! and the reminder from `reminders.daily_report_at` (China time) to every 施工员/班组长
//! and 工程师 of a project under construction who has not filed that day's report, once a
//! day, through the outbox, keyed by day, project and member.

use anyhow::Context as _;
use api::{Crew, DailyReport, Weather};
use domain::calendar::Day;
use serde::{Deserialize, Serialize};
use store::Tasks;

use super::service::TaskError;
use crate::audit::{self, Actor, Target};
use crate::state::AppState;

/// The roles whose members file daily reports.
const FILERS: [&str; 2] = ["foreman", "engineer"];
/// China Standard Time, ms ahead of UTC.
const CST_MS: i64 = 8 * 3600 * 1000;
/// Most days one export covers.
pub const EXPORT_DAYS: i32 = 366;

/// What the `content` column holds (JSON); a report from before the structured form is
/// plain text, read as its work done.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    content: String,
    #[serde(default)]
    weather: Option<Weather>,
    #[serde(default)]
    workforce: Vec<Crew>,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    tomorrow: String,
    #[serde(default)]
    photos: Vec<String>,
}

/// A stored report as the API shows it.
pub fn view(userid: String, name: String, day: Day, stored: &str) -> DailyReport {
    let s = serde_json::from_str::<Stored>(stored).unwrap_or_else(|_| Stored {
        content: stored.to_owned(),
        ..Stored::default()
    });
    DailyReport {
        userid,
        name,
        day: day.to_string(),
        content: s.content,
        weather: s.weather,
        workforce: s.workforce,
        problems: s.problems,
        tomorrow: s.tomorrow,
        photos: s.photos,
    }
}

/// Files (or rewrites) the actor's daily report for the project and day, audited in the
/// same transaction; photos must be the writer's own uploads.
pub async fn put(
    state: &AppState,
    project_id: i64,
    report: &DailyReport,
    actor: &Actor,
) -> Result<(), TaskError> {
    let day =
        Day::parse(&report.day).ok_or_else(|| TaskError::Invalid("day 应为 YYYY-MM-DD".into()))?;
    let content = report.content.trim();
    if content.is_empty() {
        return Err(TaskError::Invalid("请填写施工内容".into()));
    }
    if report
        .workforce
        .iter()
        .any(|c| c.trade.trim().is_empty() || c.count > 10_000)
    {
        return Err(TaskError::Invalid(
            "出勤：请填写工种，人数不超过 10000".into(),
        ));
    }
    for key in &report.photos {
        let own = crate::files::own_upload(state, &actor.userid, key)
            .await
            .map_err(|e| TaskError::Internal(e.context("reading an upload")))?;
        if own.is_none() {
            return Err(TaskError::Invalid("照片不存在或已过期，请重新上传".into()));
        }
    }
    let stored = Stored {
        content: content.to_owned(),
        weather: report.weather,
        workforce: report.workforce.clone(),
        problems: report.problems.trim().to_owned(),
        tomorrow: report.tomorrow.trim().to_owned(),
        photos: report.photos.clone(),
    };
    let stored = serde_json::to_string(&stored).map_err(|e| TaskError::Internal(e.into()))?;
    let key = project_id.to_string();
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    Tasks::put_report_on(&mut tx, project_id, &actor.userid, day, &stored, now).await?;
    audit::append(
        &mut tx,
        state,
        actor,
        "daily_report.put",
        Target::new("project", &key).in_project(Some(project_id)),
        audit::NONE,
        Some(&report.day),
    )
    .await?;
    tx.commit().await.context("committing a daily report")?;
    Ok(())
}

/// One project's reports from `from` to `to` (inclusive) as an .xlsx: a row per report.
pub async fn export(
    state: &AppState,
    project_id: i64,
    from: Day,
    to: Day,
) -> anyhow::Result<Vec<u8>> {
    let rows = state
        .store
        .tasks()
        .reports_between(project_id, from, to)
        .await?;
    let ids: Vec<&str> = rows.iter().map(|(_, u, _)| u.as_str()).collect();
    let names = state.store.org().names(&ids).await?;
    let views: Vec<DailyReport> = rows
        .iter()
        .map(|(day, userid, stored)| {
            let name = names.get(userid).cloned().unwrap_or_else(|| userid.clone());
            view(userid.clone(), name, *day, stored)
        })
        .collect();
    Ok(sheet(&views)?)
}

fn sheet(reports: &[DailyReport]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    const HEADERS: [&str; 8] = [
        "日期",
        "填报人",
        "天气",
        "出勤",
        "施工内容",
        "存在问题",
        "明日计划",
        "照片数",
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("施工日志")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, header) in (0_u16..).zip(HEADERS) {
        sheet.write_string_with_format(0, col, header, &bold)?;
    }
    for (row, r) in (1_u32..).zip(reports) {
        let crews: Vec<String> = r
            .workforce
            .iter()
            .map(|c| format!("{} {} 人", c.trade, c.count))
            .collect();
        sheet.write_string(row, 0, &r.day)?;
        sheet.write_string(row, 1, &r.name)?;
        sheet.write_string(row, 2, r.weather.map_or("", Weather::label))?;
        sheet.write_string(row, 3, crews.join("、"))?;
        sheet.write_string(row, 4, &r.content)?;
        sheet.write_string(row, 5, &r.problems)?;
        sheet.write_string(row, 6, &r.tomorrow)?;
        sheet.write_number(row, 7, r.photos.len() as f64)?;
    }
    sheet.set_column_width(4, 40)?;
    book.save_to_buffer()
}

/// Reminds who has not filed today's report, once it is time; returns how many were told.
pub async fn remind_unfiled(state: &AppState) -> anyhow::Result<usize> {
    let Some(at_minute) = state.settings.reminders.daily_report_minute()? else {
        return Ok(0);
    };
    let now = state.clock.now_ms();
    let minute_of_day = (now + CST_MS).rem_euclid(86_400_000) / 60_000;
    if minute_of_day < i64::from(at_minute) {
        return Ok(0);
    }
    let today = Day::of_ms(now);
    // One reminder a day, at the set time: later ticks of the same day leave it be.
    let mark = format!("dailyreport:reminded:{today}");
    if state.cache.get(&mark).await?.is_some() {
        return Ok(0);
    }
    let unfiled = state.store.tasks().unfiled_reports(today, &FILERS).await?;
    let mut items = Vec::with_capacity(unfiled.len());
    // One read per project, not per member.
    let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for (project, userid) in &unfiled {
        if !names.contains_key(project) {
            let name = state.store.projects().get(*project).await?.map(|p| p.name);
            names.insert(*project, name.unwrap_or_default());
        }
        let name = names.get(project).map_or("", String::as_str);
        let url = format!(
            "{}/projects/{project}/daily",
            state.settings.server.public_url.trim_end_matches('/')
        );
        let body = wecom::client::MessageBody::TextCard {
            title: format!("今日施工日志未填写：{name}"),
            description: format!("{today} 的施工日志还没有填写，请在下班前补上"),
            url,
            btntxt: Some("去填写".into()),
        };
        let key = format!("dailyreport:{today}:{project}:{userid}");
        items.push(crate::push::to_member(state, key, userid, body)?);
    }
    let mut tx = state.store.begin().await?;
    let queued = store::Outbox::enqueue_many(&mut tx, &items, now).await?;
    tx.commit().await?;
    if queued > 0 {
        state.wake.outbox.notify_one();
    }
    let day = std::time::Duration::from_secs(26 * 3600);
    state.cache.set(&mark, "1", Some(day)).await?;
    Ok(usize::try_from(queued).unwrap_or(usize::MAX))
}
