//! A task's owner hears of it at once: when someone else makes them its owner, a card
//! (查看 / 接受) is queued in the same transaction as the assignment, not left to the next
//! day's digest. 接受 on the card is recorded as the owner's comment on the task, audited,
//! and the card says so.

use domain::task::Task;
use store::{Comment, Outbox};
use wecom::client::{
    Button, CardAction, CardSource, HorizontalContent, JumpItem, MainTitle, MessageBody,
    TemplateCard,
};
use wecom::event::TemplateCardEvent;

use super::service::TaskError;
use crate::audit::{self, Actor, Target};
use crate::intake::Handled;
use crate::state::AppState;

/// The 接受 button's key.
pub const ACCEPT_KEY: &str = "task_accept";
/// Card task ids start with this, then the task id.
const CARD_PREFIX: &str = "tk";
/// What the owner's acceptance reads as on the task.
const ACCEPTED: &str = "已接受任务";

/// Queues the assignment card on `conn` when `task` has an owner other than `actor`.
pub async fn tell_owner_on(
    conn: &mut store::sqlx::AnyConnection,
    state: &AppState,
    task: &Task,
    actor: &Actor,
) -> Result<(), TaskError> {
    let Some(owner) = task.owner.as_deref().filter(|o| *o != actor.userid) else {
        return Ok(());
    };
    let project = state
        .store
        .projects()
        .get(task.project_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let now = state.clock.now_ms();
    // WeCom wants every card's task id unique within the app.
    let card_id = format!("{CARD_PREFIX}{}_{}", task.id, crate::auth::new_token());
    let body = card(state, &card_id, task, &project);
    let key = format!("taskassign:{card_id}");
    let item = crate::push::to_member(state, key, owner, body)
        .map_err(|e| TaskError::Internal(e.into()))?;
    // The caller wakes the outbox once its transaction has committed the row.
    Outbox::enqueue(conn, &item, now).await?;
    Ok(())
}

fn card(state: &AppState, card_id: &str, task: &Task, project: &str) -> MessageBody {
    let url = format!(
        "{}/tasks/{}",
        state.settings.server.public_url.trim_end_matches('/'),
        task.id
    );
    let line = |key: &str, value: String| HorizontalContent {
        keyname: key.to_owned(),
        value: Some(value),
        kind: None,
        url: None,
        media_id: None,
        userid: None,
    };
    let card = TemplateCard {
        source: Some(CardSource {
            desc: Some("Gantry 任务".into()),
            ..CardSource::default()
        }),
        main_title: Some(MainTitle {
            title: Some(format!("新任务：{}", task.title)),
            desc: Some("你被指派为负责人".into()),
        }),
        horizontal_content_list: vec![
            line("项目", project.to_owned()),
            line("计划", format!("{} 至 {}", task.start, task.due())),
        ],
        jump_list: vec![JumpItem {
            kind: Some(1),
            title: "查看".into(),
            url: Some(url.clone()),
            appid: None,
            pagepath: None,
        }],
        card_action: Some(CardAction::url(&url)),
        ..TemplateCard::button_interaction(card_id, vec![Button::callback("接受", ACCEPT_KEY, 1)])
    };
    MessageBody::TemplateCard(Box::new(card))
}

/// Whether a card tap is about a task assignment.
pub fn is_assignment_card(card_id: &str) -> bool {
    task_of(card_id).is_some()
}

fn task_of(card_id: &str) -> Option<i64> {
    card_id
        .strip_prefix(CARD_PREFIX)?
        .split('_')
        .next()?
        .parse()
        .ok()
}

/// 接受 tapped by `userid`: recorded once, as long as they still own the task.
pub async fn handle_tap(state: &AppState, userid: &str, tap: &TemplateCardEvent) -> Handled {
    let (Some(id), ACCEPT_KEY) = (task_of(&tap.task_id), tap.event_key.as_str()) else {
        return Handled::Done;
    };
    let task = match state.store.tasks().get(id).await {
        Ok(task) => task,
        Err(e) => return Handled::Retry(format!("database: {e}")),
    };
    let answer = match task {
        None => "任务已删除",
        Some(task) if task.owner.as_deref() != Some(userid) => "任务已改派他人，此卡片已失效",
        Some(task) => match accept(state, &task, userid).await {
            Ok(()) => "已接受",
            Err(e) => return Handled::Retry(e.to_string()),
        },
    };
    crate::push::answer_tap(state, userid, tap, answer).await
}

/// The owner's 已接受任务 on the task, with its audit row, unless they said it already.
async fn accept(state: &AppState, task: &Task, userid: &str) -> anyhow::Result<()> {
    let said = state.store.tasks().comments(task.id, 500).await?;
    if said
        .iter()
        .any(|c| c.userid == userid && c.body == ACCEPTED)
    {
        return Ok(());
    }
    let comment = Comment {
        id: 0,
        task_id: task.id,
        userid: userid.to_owned(),
        at_ms: state.clock.now_ms(),
        body: ACCEPTED.to_owned(),
        photos: Vec::new(),
    };
    let key = task.id.to_string();
    let mut tx = state.store.begin().await?;
    let comment_id = store::Tasks::add_comment_on(&mut tx, &comment).await?;
    audit::append(
        &mut tx,
        state,
        &Actor::member(userid),
        "task.accept",
        Target::new("task", &key).in_project(Some(task.project_id)),
        audit::NONE,
        Some(&comment_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_ids_name_their_task() {
        assert_eq!(task_of("tk42_AbC123"), Some(42));
        assert!(is_assignment_card("tk7_1"));
        assert!(!is_assignment_card("ap7_1_0_0"));
        assert!(!is_assignment_card("tkx_1"));
    }
}
