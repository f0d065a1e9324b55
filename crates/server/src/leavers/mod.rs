//! Following up a member who left WeCom, however the leave was noticed (a contact
//! event or a full sync): each project role they held is flagged for handing over and
//! the project's PM is told, once per leave; approvals waiting on them are flagged and
//! handed to their department leader. Tasks join as a further kind with that feature.
//!
//! Runs in housekeeping (one replica); a failure leaves the leave unhandled, so the next
//! tick tries again, and flags and messages are keyed so a retry repeats neither.

pub mod handlers;

use std::collections::BTreeMap;

use anyhow::Context as _;
use domain::access::ProjectRole;
use domain::project::Project;
use store::NewReassignment;
use wecom::client::MessageBody;

use crate::audit::Actor;
use crate::state::AppState;
use domain::approval::instance::SYSTEM;

/// Leaves followed up per sweep.
const SWEEP_BATCH: u32 = 100;

/// Follows up every leave not yet handled, a batch at a time; returns how many.
pub async fn sweep(state: &AppState) -> anyhow::Result<usize> {
    let flags = state.store.reassignments();
    let mut handled = 0;
    loop {
        let leaves = flags.leaves_to_handle(SWEEP_BATCH).await?;
        if leaves.is_empty() {
            return Ok(handled);
        }
        for (userid, left_at_ms) in leaves {
            follow_up(state, &userid, left_at_ms)
                .await
                .with_context(|| format!("following up the leave of {userid}"))?;
            flags
                .leave_handled(&userid, left_at_ms, state.clock.now_ms())
                .await?;
            handled += 1;
        }
    }
}

async fn follow_up(state: &AppState, userid: &str, left_at_ms: i64) -> anyhow::Result<()> {
    let now = state.clock.now_ms();
    let name = state
        .store
        .org()
        .member(userid)
        .await?
        .map_or_else(|| userid.to_owned(), |m| m.name);
    approval_seats(state, userid, &name, now).await?;
    let mut by_project: BTreeMap<i64, Vec<ProjectRole>> = BTreeMap::new();
    for held in state.store.projects().roles_of(userid).await? {
        by_project
            .entry(held.project_id)
            .or_default()
            .push(held.role);
    }
    let mut tasks_by_project: BTreeMap<i64, Vec<domain::task::Task>> = BTreeMap::new();
    for task in state.store.tasks().open_of(userid, 10_000).await? {
        by_project.entry(task.project_id).or_default();
        tasks_by_project
            .entry(task.project_id)
            .or_default()
            .push(task);
    }
    for (project_id, roles) in by_project {
        let Some(project) = state.store.projects().get(project_id).await? else {
            continue;
        };
        let tasks = tasks_by_project.remove(&project_id).unwrap_or_default();
        for task in &tasks {
            let flag = NewReassignment {
                leaver: userid.to_owned(),
                kind: "task".into(),
                item: task.id.to_string(),
                project_id: Some(project_id),
                detail: format!(
                    "{}（{}）的任务「{}」",
                    project.name, project.code, task.title
                ),
            };
            state.store.reassignments().flag(&flag, now).await?;
        }
        let labels: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        for role in &roles {
            let flag = NewReassignment {
                leaver: userid.to_owned(),
                kind: "project_role".into(),
                item: format!("{project_id}:{}", role.code()),
                project_id: Some(project_id),
                detail: format!("{}（{}）的{}", project.name, project.code, role.label()),
            };
            state.store.reassignments().flag(&flag, now).await?;
        }
        let mut held = Vec::new();
        if !labels.is_empty() {
            held.push(format!("担任{}", labels.join("、")));
        }
        if !tasks.is_empty() {
            held.push(format!("负责 {} 项未完成任务", tasks.len()));
        }
        let text = format!(
            "【人员离职】{name}（{userid}）已离开企业，其在项目「{}」（{}）{}。\
             请在 Gantry 中重新指定人员。",
            project.name,
            project.code,
            held.join("，")
        );
        for to in recipients(state, &project, userid).await? {
            let item = crate::push::to_member(
                state,
                format!("leaver:{userid}:{left_at_ms}:{project_id}:{to}"),
                &to,
                MessageBody::Text {
                    content: text.clone(),
                },
            )?;
            state.store.outbox().enqueue_now(&item, now).await?;
        }
    }
    Ok(())
}

/// Approvals waiting on the leaver: each is flagged, and the leaver's seat goes to their
/// department leader at once (as a timeout escalation would, days later); without a
/// leader the flag stays open and the initiator is told to transfer or withdraw.
async fn approval_seats(
    state: &AppState,
    userid: &str,
    name: &str,
    now: i64,
) -> anyhow::Result<()> {
    let waiting = state
        .store
        .approvals()
        .list(userid, store::ApprovalList::Pending, None, 1_000)
        .await?;
    let leader = state
        .store
        .org()
        .leader_levels(userid, 1)
        .await?
        .into_iter()
        .flatten()
        .next();
    for summary in waiting {
        // Handed over first, flagged after: a failure here leaves the leave unhandled
        // and the next tick finds this approval still waiting on the leaver.
        let handed = match &leader {
            Some(to) => {
                let escalate = domain::approval::Action::Escalate {
                    from: userid.to_owned(),
                    to: to.clone(),
                };
                let origin = crate::approvals::Origin::default();
                match crate::approvals::act(
                    state,
                    summary.id,
                    &Actor::member(SYSTEM),
                    escalate,
                    &origin,
                )
                .await
                {
                    Ok(domain::approval::Outcome::Applied(_)) => true,
                    Ok(domain::approval::Outcome::AlreadyDone)
                    | Err(crate::approvals::ApprovalError::Action(_)) => false,
                    Err(e) => return Err(e.into()),
                }
            }
            None => false,
        };
        let flag = NewReassignment {
            leaver: userid.to_owned(),
            kind: "approval_step".into(),
            item: summary.id.to_string(),
            project_id: summary.project_id,
            detail: summary.title.clone(),
        };
        if !state.store.reassignments().flag(&flag, now).await? {
            continue;
        }
        // The initiator must act when nobody took the seat; the project's PM hears
        // either way (as for every piece of a leaver's project work).
        let mut told: Vec<String> = Vec::new();
        if !handed {
            told.push(summary.initiator.clone());
        }
        if let Some(project) = match summary.project_id {
            Some(p) => state.store.projects().get(p).await?,
            None => None,
        } {
            told.extend(recipients(state, &project, userid).await?);
        }
        told.sort();
        told.dedup();
        let what = match (&leader, handed) {
            (Some(to), true) => {
                let leader_name = state.store.org().member(to).await?.map(|m| m.name);
                format!(
                    "已自动转交给其上级 {}",
                    leader_name.as_deref().unwrap_or(to)
                )
            }
            _ => "请在 Gantry 中转交或撤回".to_owned(),
        };
        let text = format!(
            "【人员离职】{name}（{userid}）已离开企业，「{}」正等待其审批，{what}。",
            summary.title
        );
        for to in told {
            let item = crate::push::to_member(
                state,
                format!("leaver:{userid}:approval:{}:{to}", summary.id),
                &to,
                MessageBody::Text {
                    content: text.clone(),
                },
            )?;
            state.store.outbox().enqueue_now(&item, now).await?;
        }
    }
    Ok(())
}

/// Who hears about a project's trouble: its PMs; without one, the owning department's
/// leaders; without those, the system admins from the configuration. `leaver` (the
/// subject of the news) is never among them.
pub(crate) async fn recipients(
    state: &AppState,
    project: &Project,
    leaver: &str,
) -> anyhow::Result<Vec<String>> {
    let others =
        |list: Vec<String>| -> Vec<String> { list.into_iter().filter(|u| u != leaver).collect() };
    let pms = others(
        state
            .store
            .projects()
            .with_role(project.id, ProjectRole::Manager)
            .await?,
    );
    if !pms.is_empty() {
        return Ok(pms);
    }
    let leaders = state
        .store
        .org()
        .department(project.department_id)
        .await?
        .map(|d| others(d.leaders))
        .unwrap_or_default();
    if !leaders.is_empty() {
        return Ok(leaders);
    }
    tracing::warn!(
        project = project.id,
        "a leaver's project has no PM and its department no leader; telling the admins"
    );
    Ok(others(state.settings.auth.admins.clone()))
}
