//! The inbox worker: claims stored callbacks and hands each to its handler.
//!
//! A handler answers done, retry later or dead; retries back off, and after
//! `workers.inbox_max_attempts` the callback becomes a dead letter an admin can replay.
//! Handlers must be idempotent: a crash after handling but before `complete` redelivers.

use store::InboxItem;
use wecom::event::{Body, Event, Inbound};

use crate::backoff;
use crate::intake::Handled;
use crate::state::AppState;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxReport {
    /// Rows claimed.
    pub claimed: usize,
    /// Finished.
    pub done: usize,
    /// Rescheduled.
    pub retried: usize,
    /// Dead-lettered.
    pub dead: usize,
    /// Handled, but the outcome could not be stored: claimed again after the lease.
    pub unrecorded: usize,
}

/// One round: claim a batch, handle each item, record the outcome.
pub async fn step(state: &AppState) -> anyhow::Result<InboxReport> {
    let settings = &state.settings.workers;
    let now = state.clock.now_ms();
    let items = state
        .store
        .inbox()
        .claim(now, settings.batch_size, settings.lease_ms)
        .await?;
    let mut report = InboxReport {
        claimed: items.len(),
        ..InboxReport::default()
    };
    for item in items {
        let handled = handle(state, &item).await;
        // Each row's outcome is recorded on its own: one that cannot be recorded must not
        // hold up the rest of the batch. Its lease runs out and it is handled again, which
        // is safe because handlers are idempotent.
        match record(state, &item, handled).await {
            Ok(outcome) => state.metrics.handled(&item.kind, report.count(outcome)),
            Err(e) => {
                tracing::warn!(id = item.id, kind = %item.kind, error = %e, "cannot record a callback's outcome; it is handled again when its lease runs out");
                report.unrecorded += 1;
            }
        }
    }
    if report.done > 0 {
        // Handlers queue replies, cards and updates: send them now, not at the next poll.
        state.wake.outbox.notify_one();
    }
    Ok(report)
}

/// What became of a handled row.
enum Outcome {
    Done,
    Retried,
    Dead,
}

impl InboxReport {
    /// Counts a recorded outcome; returns its metric label.
    fn count(&mut self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Done => {
                self.done += 1;
                "done"
            }
            Outcome::Retried => {
                self.retried += 1;
                "retry"
            }
            Outcome::Dead => {
                self.dead += 1;
                "dead"
            }
        }
    }
}

/// Stores what handling `item` came to.
async fn record(
    state: &AppState,
    item: &InboxItem,
    handled: Handled,
) -> Result<Outcome, store::StoreError> {
    let inbox = state.store.inbox();
    let max_attempts = state.settings.workers.inbox_max_attempts;
    Ok(match handled {
        Handled::Done => {
            inbox.complete(item.id, state.clock.now_ms()).await?;
            Outcome::Done
        }
        // `attempts` already counts this claim.
        Handled::Retry(error) if item.attempts < max_attempts => {
            let next = state.clock.now_ms() + backoff::delay_ms(item.attempts - 1, 1_000, 600_000);
            inbox.retry_later(item.id, &error, next).await?;
            Outcome::Retried
        }
        Handled::Retry(error) | Handled::Dead(error) => {
            tracing::warn!(id = item.id, kind = %item.kind, error = %error, "callback dead-lettered");
            inbox.bury(item.id, &error).await?;
            Outcome::Dead
        }
    })
}

async fn handle(state: &AppState, item: &InboxItem) -> Handled {
    let inbound = match wecom::event::parse(item.payload.as_bytes(), wecom::event::DEFAULT_MAX_LEN)
    {
        Ok(inbound) => inbound,
        Err(e) => return Handled::Dead(format!("unparsable callback: {e}")),
    };
    match &inbound.body {
        Body::Text { content } => reply_to_text(state, item, &inbound, content).await,
        Body::Event(Event::ChangeContact(change)) => {
            crate::org::contacts::apply(state, change).await
        }
        Body::Event(Event::TemplateCard(tap))
            if crate::tasks::assign::is_assignment_card(&tap.task_id) =>
        {
            crate::tasks::assign::handle_tap(state, &inbound.from_user, tap).await
        }
        Body::Event(Event::TemplateCard(tap)) => {
            crate::approvals::taps::handle(state, &inbound.from_user, tap).await
        }
        // Card taps and the rest get their handlers with the features that own them
        // (approvals, tasks); until then they are recorded and finished.
        _ => {
            tracing::debug!(kind = %item.kind, "no handler for this callback kind yet");
            Handled::Done
        }
    }
}

/// Texts to the app are commands (我的任务, 新建任务, 进度) or get the guide; the answer goes
/// through the outbox like every push, keyed by the callback so a retry answers once.
async fn reply_to_text(
    state: &AppState,
    item: &InboxItem,
    inbound: &Inbound,
    content: &str,
) -> Handled {
    let text = match crate::tasks::chat::reply(state, &item.dedupe_key, &inbound.from_user, content)
        .await
    {
        Ok(text) => text,
        Err(e) => return Handled::Retry(format!("answering a command: {e}")),
    };
    let outbox_item = match crate::push::to_member(
        state,
        format!("reply:{}", item.dedupe_key),
        &inbound.from_user,
        wecom::client::MessageBody::Text { content: text },
    ) {
        Ok(outbox_item) => outbox_item,
        Err(e) => return Handled::Dead(format!("cannot encode reply: {e}")),
    };
    match state
        .store
        .outbox()
        .enqueue_now(&outbox_item, state.clock.now_ms())
        .await
    {
        Ok(_) => Handled::Done,
        Err(e) => Handled::Retry(format!("cannot queue the reply: {e}")),
    }
}
