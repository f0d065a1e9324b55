//! The overdue scan, run by the housekeeping leader every few minutes: one digest per
//! member listing all their overdue and due-soon tasks, escalations to the project
//! managers, and lag alerts to the PM and the department leaders. Every message is
//! queued in the same transaction that marks what it covered, so a crash or a second
//! run the same day neither loses nor repeats one.

use std::collections::BTreeMap;

use anyhow::Context as _;
use domain::calendar::Day;
use domain::reminders::{self, Due, Escalated, Escalation, Line, OpenTask, Policy};
use store::{NewOutboxItem, Outbox, Tasks};
use wecom::client::MessageBody;

use crate::state::AppState;

/// Open tasks read per page.
const PAGE: u32 = 5_000;
/// Members whose digests share one transaction.
const MEMBERS_PER_TX: usize = 200;
/// Lines a digest lists before "等 N 项".
const LINES_SHOWN: usize = 6;
/// WeCom's limit on a text card's description, in bytes.
const DESCRIPTION_BYTES: usize = 512;

/// What one scan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Skipped: quiet hours.
    pub quiet: bool,
    /// Open tasks looked at.
    pub tasks: usize,
    /// Digests queued (one per member).
    pub digests: usize,
    /// Escalation messages queued.
    pub escalations: usize,
    /// Projects whose PM and leaders were alerted.
    pub project_alerts: usize,
}

/// Runs one scan now.
pub async fn scan(state: &AppState) -> anyhow::Result<ScanReport> {
    let policy = state.settings.reminders.policy()?;
    let now = state.clock.now_ms();
    let minute = u32::try_from(Day::ms_into_day(now) / 60_000).unwrap_or(0);
    if policy.is_quiet(minute) {
        return Ok(ScanReport {
            quiet: true,
            ..ScanReport::default()
        });
    }
    let today = Day::of_ms(now);
    let due = open_tasks(state, today.plus(policy.due_soon_days + 1)).await?;
    let mut report = ScanReport {
        tasks: due.len(),
        ..ScanReport::default()
    };
    let mut digests: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    let mut escalations = Vec::new();
    let mut by_project: BTreeMap<i64, Vec<OpenTask>> = BTreeMap::new();
    for task in due {
        by_project.entry(task.project_id).or_default().push(task);
    }
    let ids: Vec<i64> = by_project.keys().copied().collect();
    let projects = state.store.projects().schedule_settings_of(&ids).await?;
    for (project_id, tasks) in &by_project {
        let settings = projects.get(project_id).copied();
        let mut project_policy = policy;
        if let Some(days) = settings.and_then(|s| s.escalate_after_days) {
            project_policy.escalate_after_days = days;
        }
        let run = reminders::plan(&project_policy, tasks, today);
        for (member, lines) in run.digests {
            digests.entry(member).or_default().extend(lines);
        }
        escalations.extend(run.escalations);
    }
    report.digests = send_digests(state, digests, today).await?;
    report.escalations = send_escalations(state, escalations, today).await?;
    for (project_id, tasks) in &by_project {
        let settings = projects.get(project_id).copied();
        if settings.is_some_and(|s| s.alerted_day.is_some_and(|d| d >= today)) {
            continue;
        }
        let late = tasks.iter().any(|t| today.since(t.due) > 0);
        if late && alert_project(state, &policy, *project_id, settings, today).await? {
            report.project_alerts += 1;
        }
    }
    Ok(report)
}

/// Every open leaf task with a finish (exclusive) by `finish_by`, as the policy sees it.
async fn open_tasks(state: &AppState, finish_by: Day) -> anyhow::Result<Vec<OpenTask>> {
    let mut open = Vec::new();
    let mut after = 0;
    loop {
        let page = state.store.tasks().due_by(finish_by, after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(open);
        };
        after = last.id;
        let full = page.len() == PAGE as usize;
        open.extend(page.into_iter().map(|t| {
            let due = domain::task::last_day(t.finish, t.days);
            OpenTask {
                id: t.id,
                project_id: t.project_id,
                title: t.title,
                // A task nobody owns is the PM's to sort out, like a leaver's.
                owner_left: t.owner_left || t.owner.is_none(),
                owner: t.owner.unwrap_or_default(),
                due,
                reminded_on: t.reminded_on,
                escalated: t.escalated,
            }
        }));
        if !full {
            return Ok(open);
        }
    }
}

async fn send_digests(
    state: &AppState,
    digests: BTreeMap<String, Vec<Line>>,
    today: Day,
) -> anyhow::Result<usize> {
    let members: Vec<(String, Vec<Line>)> = digests.into_iter().collect();
    let url = format!("{}/tasks", state.settings.server.public_url);
    let now = state.clock.now_ms();
    for chunk in members.chunks(MEMBERS_PER_TX) {
        let mut items = Vec::with_capacity(chunk.len());
        let mut covered = Vec::new();
        for (member, lines) in chunk {
            let body = digest_card(lines, &url);
            let key = format!("taskdigest:{member}:{today}");
            items.push(crate::push::to_member(state, key, member, body)?);
            covered.extend(lines.iter().map(|l| l.task_id));
        }
        let mut tx = state.store.begin().await?;
        Outbox::enqueue_many(&mut tx, &items, now).await?;
        Tasks::mark_reminded(&mut tx, &covered, today).await?;
        tx.commit().await.context("committing task digests")?;
    }
    if !members.is_empty() {
        state.wake.outbox.notify_one();
    }
    Ok(members.len())
}

/// The digest a member gets: counts in the title, the most pressing tasks listed.
pub fn digest_card(lines: &[Line], url: &str) -> MessageBody {
    let overdue = lines
        .iter()
        .filter(|l| matches!(l.due, Due::Overdue(_)))
        .count();
    let soon = lines.len() - overdue;
    let title = match (overdue, soon) {
        (0, n) => format!("任务提醒：{n} 项即将到期"),
        (n, 0) => format!("任务提醒：{n} 项已逾期"),
        (n, m) => format!("任务提醒：{n} 项已逾期，{m} 项即将到期"),
    };
    let mut description = String::new();
    for line in lines.iter().take(LINES_SHOWN) {
        let tag = match line.due {
            Due::Overdue(days) => format!("逾期{days}天"),
            Due::Soon(0) => "今日到期".to_owned(),
            Due::Soon(days) => format!("{days}天后到期"),
        };
        let next = format!("【{tag}】{}\n", line.title);
        if description.len() + next.len() > DESCRIPTION_BYTES - 40 {
            break;
        }
        description.push_str(&next);
    }
    let shown = description.lines().count();
    if shown < lines.len() {
        description.push_str(&format!("等共 {} 项", lines.len()));
    }
    MessageBody::TextCard {
        title,
        description: description.trim_end().to_owned(),
        url: url.to_owned(),
        btntxt: Some("查看任务".into()),
    }
}

async fn send_escalations(
    state: &AppState,
    escalations: Vec<Escalated>,
    today: Day,
) -> anyhow::Result<usize> {
    let mut by_project: BTreeMap<i64, Vec<Escalated>> = BTreeMap::new();
    for e in escalations {
        by_project.entry(e.project_id).or_default().push(e);
    }
    let now = state.clock.now_ms();
    let mut sent = 0;
    for (project_id, list) in by_project {
        let Some(project) = state.store.projects().get(project_id).await? else {
            continue;
        };
        let owners: Vec<&str> = list.iter().map(|e| e.owner.as_str()).collect();
        let names = state.store.org().names(&owners).await?;
        let mut text = format!("【任务逾期】{}：", project.name);
        for e in &list {
            let who = names.get(&e.owner).map_or(e.owner.as_str(), String::as_str);
            let why = match e.reason {
                Escalation::Overdue(days) => format!("负责人 {who}，已逾期 {days} 天"),
                Escalation::OwnerLeft if e.owner.is_empty() => "无负责人".to_owned(),
                Escalation::OwnerLeft => format!("负责人 {who} 已离职，请重新分配"),
            };
            text.push_str(&format!("\n• {}（{why}）", e.title));
        }
        let first = list.iter().map(|e| e.task_id).min().unwrap_or_default();
        let mut items: Vec<NewOutboxItem> = Vec::new();
        for pm in crate::leavers::recipients(state, &project, "").await? {
            let key = format!("taskesc:{project_id}:{today}:{first}:{pm}");
            let body = MessageBody::Text {
                content: text.clone(),
            };
            items.push(crate::push::to_member(state, key, &pm, body)?);
        }
        let ids: Vec<i64> = list.iter().map(|e| e.task_id).collect();
        let mut tx = state.store.begin().await?;
        Outbox::enqueue_many(&mut tx, &items, now).await?;
        Tasks::mark_escalated(&mut tx, &ids).await?;
        tx.commit().await.context("committing task escalations")?;
        sent += items.len();
    }
    Ok(sent)
}

/// Works out the project's lag, once a day; when it crosses the threshold (or a
/// milestone was missed) tells the PMs and the department's leaders.
async fn alert_project(
    state: &AppState,
    policy: &Policy,
    project_id: i64,
    settings: Option<store::ScheduleSettings>,
    today: Day,
) -> anyhow::Result<bool> {
    let Some(project) = state.store.projects().get(project_id).await? else {
        return Ok(false);
    };
    let gantt = match super::gantt::gantt(state, project_id, today).await {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(project = project_id, error = %e, "cannot compute the schedule for a lag alert");
            return Ok(false);
        }
    };
    let missed: Vec<&str> = gantt
        .bars
        .iter()
        .filter(|b| b.f & super::gantt::MILESTONE != 0 && b.f & super::gantt::OVERDUE != 0)
        .map(|b| b.t.as_str())
        .collect();
    let mut threshold = *policy;
    if let Some(days) = settings.and_then(|s| s.lag_alert_days) {
        threshold.lag_alert_days = days;
    }
    let alert = reminders::project_alert(&threshold, gantt.lag_days, missed.len());
    let mut text = format!("【进度预警】{}", project.name);
    if gantt.lag_days > 0 {
        text.push_str(&format!("：预计滞后 {} 天", gantt.lag_days));
        if let Some(finish) = &gantt.forecast_finish {
            text.push_str(&format!("，预计 {finish} 完成"));
        }
    }
    if !missed.is_empty() {
        text.push_str(&format!("；里程碑未按期完成：{}", missed.join("、")));
    }
    let mut to = if alert {
        crate::leavers::recipients(state, &project, "").await?
    } else {
        Vec::new()
    };
    if alert && let Some(department) = state.store.org().department(project.department_id).await? {
        to.extend(department.leaders);
    }
    to.sort();
    to.dedup();
    let now = state.clock.now_ms();
    let mut items = Vec::with_capacity(to.len());
    for userid in &to {
        let key = format!("tasklag:{project_id}:{today}:{userid}");
        let body = MessageBody::Text {
            content: text.clone(),
        };
        items.push(crate::push::to_member(state, key, userid, body)?);
    }
    // The day is marked whether or not it alerted: a project's lag is worked out at most
    // once a day, not on every scan.
    let mut tx = state.store.begin().await?;
    if !Tasks::mark_project_alerted(&mut tx, project_id, today).await? {
        return Ok(false);
    }
    Outbox::enqueue_many(&mut tx, &items, now).await?;
    tx.commit().await.context("committing a lag alert")?;
    Ok(alert)
}
