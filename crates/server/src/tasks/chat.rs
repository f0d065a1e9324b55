//! Answers to the commands members text to the app (see [`domain::chat`]).

use anyhow::Context as _;
use api::NewTaskRequest;
use domain::access::ProjectRole;
use domain::calendar::Day;
use domain::chat::{self, Command};
use store::{Inbox, NewTask};

use super::gantt;
use super::service::{self, TaskError};
use crate::audit::Actor;
use crate::state::AppState;

/// What the app says back when the text is not a command.
pub const HELP: &str = "可以发送：\n\
    • 我的任务 —— 查看你未完成的任务\n\
    • 新建任务 二层顶板验收 @张三 12月3日（多个项目时加 #项目编号）\n\
    • 进度 项目编号或名称 —— 查看项目进度";

/// Tasks listed in a reply.
const LISTED: u32 = 10;

/// The reply to `text` from `userid`, which came in the callback with `dedupe_key` (its
/// MsgId). A command that changes something (新建任务) is carried out once per
/// `dedupe_key`: handled again (a redelivery, a retry after a lost lease, a replayed dead
/// letter), it answers what it answered the first time.
pub async fn reply(
    state: &AppState,
    dedupe_key: &str,
    userid: &str,
    text: &str,
) -> anyhow::Result<String> {
    let today = Day::of_ms(state.clock.now_ms());
    match chat::parse(text, today) {
        Command::MyTasks => my_tasks(state, userid, today).await,
        Command::NewTask {
            title,
            assignee,
            due,
            project,
        } => {
            if let Some(answer) = state.store.inbox().answer(dedupe_key).await? {
                return Ok(answer);
            }
            let asked = Asked {
                title: &title,
                assignee,
                due,
                project,
            };
            new_task(state, dedupe_key, userid, asked, today).await
        }
        Command::Progress { project } => progress(state, userid, &project, today).await,
        Command::Help => Ok(HELP.to_owned()),
    }
}

async fn my_tasks(state: &AppState, userid: &str, today: Day) -> anyhow::Result<String> {
    let tasks = state.store.tasks().open_of(userid, LISTED + 1).await?;
    if tasks.is_empty() {
        return Ok("你目前没有未完成的任务。".into());
    }
    let mut lines = vec!["你的未完成任务：".to_owned()];
    for (n, t) in tasks.iter().take(LISTED as usize).enumerate() {
        let late = gantt::overdue_days(t, today);
        let tag = if late > 0 {
            format!("【逾期{late}天】")
        } else {
            String::new()
        };
        let (_, m, d) = t.due().ymd();
        lines.push(format!(
            "{}. {tag}{}（截止 {m}月{d}日，{}%）",
            n + 1,
            t.title,
            t.progress
        ));
    }
    if tasks.len() > LISTED as usize {
        lines.push("…更多请在工作台中查看".into());
    }
    Ok(lines.join("\n"))
}

/// Roles that may add tasks by text (the planners of a project).
const PLANNERS: [ProjectRole; 3] = [
    ProjectRole::Manager,
    ProjectRole::Engineer,
    ProjectRole::Foreman,
];

/// What a `新建任务` command asks for.
struct Asked<'a> {
    title: &'a str,
    assignee: Option<String>,
    due: Option<Day>,
    project: Option<String>,
}

async fn new_task(
    state: &AppState,
    dedupe_key: &str,
    userid: &str,
    asked: Asked<'_>,
    today: Day,
) -> anyhow::Result<String> {
    let Asked {
        title,
        assignee,
        due,
        project,
    } = asked;
    let mut planned: Vec<i64> = state
        .store
        .projects()
        .roles_of(userid)
        .await?
        .into_iter()
        .filter(|r| PLANNERS.contains(&r.role))
        .map(|r| r.project_id)
        .collect();
    planned.sort_unstable();
    planned.dedup();
    let project_id = match project {
        Some(code) => {
            let found = state.store.projects().find(&code, 5).await?;
            match found.iter().find(|p| planned.contains(&p.id)) {
                Some(p) => p.id,
                None => return Ok(format!("你不能在项目「{code}」中新建任务。")),
            }
        }
        None if planned.len() == 1 => planned[0],
        None if planned.is_empty() => {
            return Ok("你还不是任何项目的计划人员，无法新建任务。".into());
        }
        None => return Ok(
            "你在多个项目中，请用 #项目编号 指明，例如：新建任务 #SZ-08 二层顶板验收 @张三 明天"
                .into(),
        ),
    };
    let owner = match assignee {
        None => userid.to_owned(),
        Some(who) => match resolve(state, &who).await? {
            Ok(found) => found,
            Err(why) => return Ok(why),
        },
    };
    let due = due.unwrap_or(today);
    if due < today {
        return Ok("截止日期已过，请换一个日期。".into());
    }
    let req = NewTaskRequest {
        parent_id: None,
        title: title.to_owned(),
        start: today.to_string(),
        days: due.since(today) + 1,
        milestone: false,
        owner: Some(owner.clone()),
        helpers: Vec::new(),
    };
    let new = match service::plan_create(state, project_id, &req).await {
        Ok(new) => new,
        Err(TaskError::Invalid(why)) => return Ok(why),
        Err(e) => return Err(e.into()),
    };
    let names = state.store.org().names(&[owner.as_str()]).await?;
    let name = names.get(&owner).map_or(owner.as_str(), String::as_str);
    let answer = format!("已新建任务「{}」，负责人 {name}，截止 {due}。", new.title);
    create_once(state, dedupe_key, userid, &new, &answer).await
}

/// Creates `new` for the command in the callback with `dedupe_key`, audited, unless that
/// callback created a task before; returns the answer (the first one, on a repeat).
async fn create_once(
    state: &AppState,
    dedupe_key: &str,
    userid: &str,
    new: &NewTask,
    answer: &str,
) -> anyhow::Result<String> {
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let task = service::create_on(&mut tx, state, new, &Actor::member(userid)).await?;
    // A second handler of the same callback that raced this one waits here (PostgreSQL)
    // or before `begin` (SQLite) and then finds the key taken.
    if !Inbox::record_answer_on(&mut tx, dedupe_key, answer, Some(task.id), now).await? {
        drop(tx);
        let first = state.store.inbox().answer(dedupe_key).await?;
        return Ok(first.unwrap_or_else(|| answer.to_owned()));
    }
    tx.commit().await.context("committing a new task")?;
    Ok(answer.to_owned())
}

/// A member named `who` (a display name, a userid, or their mobile or email), or why not.
async fn resolve(state: &AppState, who: &str) -> anyhow::Result<Result<String, String>> {
    let named = state.store.org().userids_named(who).await?;
    Ok(match named.as_slice() {
        [one] => Ok(one.clone()),
        [] => match state.store.org().member(who).await? {
            Some(m) if m.left_at_ms.is_none() => Ok(m.userid),
            _ => {
                let found =
                    crate::org::personal::find_by_contact(&state.store, &state.cipher, who).await?;
                match found.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(format!("找不到成员「{who}」。")),
                    _ => Err(format!("有多位成员使用「{who}」，请用 @账号 指明。")),
                }
            }
        },
        _ => Err(format!("有多位成员叫「{who}」，请用 @账号 指明。")),
    })
}

async fn progress(
    state: &AppState,
    userid: &str,
    term: &str,
    today: Day,
) -> anyhow::Result<String> {
    let mine: Vec<i64> = state
        .store
        .projects()
        .roles_of(userid)
        .await?
        .into_iter()
        .map(|r| r.project_id)
        .collect();
    let found = state.store.projects().find(term, 20).await?;
    let Some(project) = found.into_iter().find(|p| mine.contains(&p.id)) else {
        return Ok(format!("没有找到你参与的项目「{term}」。"));
    };
    let g = gantt::gantt(state, project.id, today).await?;
    let leaves: Vec<_> = g
        .bars
        .iter()
        .filter(|b| b.f & gantt::SUMMARY == 0)
        .collect();
    if leaves.is_empty() {
        return Ok(format!(
            "{}（{}）还没有进度计划。",
            project.name, project.code
        ));
    }
    let weight: i64 = leaves.iter().map(|b| i64::from(b.d.max(1))).sum();
    let done: i64 = leaves
        .iter()
        .map(|b| i64::from(b.d.max(1)) * i64::from(b.pr))
        .sum();
    let overdue = leaves.iter().filter(|b| b.f & gantt::OVERDUE != 0).count();
    let mut text = format!(
        "{}（{}）：完成 {}%，逾期任务 {overdue} 项",
        project.name,
        project.code,
        done / weight.max(1)
    );
    if g.lag_days > 0 {
        text.push_str(&format!("，预计滞后 {} 天", g.lag_days));
    }
    if let Some(finish) = g.forecast_finish {
        text.push_str(&format!("，预计 {finish} 完成"));
    }
    Ok(text + "。")
}
