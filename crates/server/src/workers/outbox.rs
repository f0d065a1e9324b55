//! The outbox dispatcher: claims queued pushes and sends them to WeCom within its quotas.
//!
//! WeCom silently drops messages beyond 30 a minute or 1,000 an hour per member per app,
//! so the dispatcher asks the shared [`QuotaLimiter`] before every send and defers rows
//! that would exceed it (a deferral is not a failed attempt). Transient WeCom errors back
//! off and retry; a send whose outcome is unknown (timeout) is retried too, which is safe
//! because every message carries `enable_duplicate_check` and WeCom drops the copy.

use std::sync::Arc;

use cache::{Admission, QuotaLimiter};
use store::{ItemStatus, OutboxItem};
use wecom::client::{Error as WecomError, Message, RetryAdvice, UpdateCard};

use crate::approvals::CardClose;
use crate::backoff;
use crate::state::AppState;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxReport {
    /// Rows claimed.
    pub claimed: usize,
    /// Accepted by WeCom.
    pub sent: usize,
    /// Waiting for quota.
    pub deferred: usize,
    /// Failed transiently, retried later.
    pub retried: usize,
    /// Dead-lettered.
    pub dead: usize,
    /// Claimed by another worker after this one's lease ran out: left to it, not sent.
    pub taken_over: usize,
    /// The claim could not be confirmed or the outcome not stored: claimed again after
    /// the lease.
    pub unrecorded: usize,
}

/// Sends outbox rows; cheap to clone.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    limiter: Arc<QuotaLimiter>,
}

enum Verdict {
    Sent(Option<String>, Option<String>),
    Deferred(i64),
    Retry(String),
    Dead(String),
}

impl Dispatcher {
    /// A dispatcher using WeCom's documented quotas over the shared cache.
    pub fn new(state: &AppState) -> Self {
        Self::with_limiter(QuotaLimiter::new(state.cache.clone()))
    }

    /// A dispatcher with a specific limiter (tests shrink the windows).
    pub fn with_limiter(limiter: QuotaLimiter) -> Self {
        Self {
            limiter: Arc::new(limiter),
        }
    }

    /// One round: claim a batch and try to send each row.
    pub async fn step(&self, state: &AppState) -> anyhow::Result<OutboxReport> {
        let settings = &state.settings.workers;
        let items = state
            .store
            .outbox()
            .claim(state.clock.now_ms(), settings.batch_size, settings.lease_ms)
            .await?;
        let mut report = OutboxReport {
            claimed: items.len(),
            ..OutboxReport::default()
        };
        for item in items {
            // Another replica may have claimed this row after our lease ran out (a slow
            // batch): confirm and extend the claim right before sending, or leave the row
            // to the replica that holds it now.
            match self.hold(state, &item).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::debug!(id = item.id, key = %item.idempotency_key, "push taken over by another worker");
                    report.taken_over += 1;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(id = item.id, key = %item.idempotency_key, error = %e, "cannot confirm the claim on a push; it is retried when its lease runs out");
                    report.unrecorded += 1;
                    continue;
                }
            }
            let verdict = self.dispatch(state, &item).await;
            // Each row's outcome is recorded on its own: one that cannot be recorded must
            // not hold up the rest of the batch. Its lease runs out and it is claimed
            // again; a repeated send is dropped by WeCom's duplicate check.
            match record(state, &item, verdict).await {
                Ok(outcome) => state.metrics.push(&item.kind, report.count(outcome)),
                Err(e) => {
                    tracing::warn!(id = item.id, key = %item.idempotency_key, error = %e, "cannot record a push's outcome; it is retried when its lease runs out");
                    report.unrecorded += 1;
                }
            }
        }
        Ok(report)
    }

    /// Whether this worker still holds its claim on `item`, extending the lease if less
    /// than half of it is left. While more than half is left nobody else can have claimed
    /// the row (a claim needs the lease to have run out), so the send needs no database
    /// round trip; it must finish within the other half (WeCom timeouts are far shorter).
    async fn hold(&self, state: &AppState, item: &OutboxItem) -> Result<bool, store::StoreError> {
        let Some(held_until) = item.claimed_until_ms else {
            return Ok(false);
        };
        let now = state.clock.now_ms();
        let lease = state.settings.workers.lease_ms;
        if held_until.saturating_sub(now) > lease / 2 {
            return Ok(true);
        }
        Ok(state
            .store
            .outbox()
            .renew(item.id, held_until, now, lease)
            .await?
            .is_some())
    }

    async fn dispatch(&self, state: &AppState, item: &OutboxItem) -> Verdict {
        match item.kind.as_str() {
            "message" => match serde_json::from_str::<Message>(&item.payload) {
                Ok(message) => self.send_message(state, item, &message).await,
                Err(e) => Verdict::Dead(format!("bad message payload: {e}")),
            },
            "card_update" => match serde_json::from_str::<UpdateCard>(&item.payload) {
                Ok(update) => match self.admit_api(state, "message/update_template_card").await {
                    Some(retry_at) => Verdict::Deferred(retry_at),
                    None => match state.wecom.update_template_card(&update).await {
                        Ok(_) => Verdict::Sent(None, None),
                        Err(e) => failure(&e),
                    },
                },
                Err(e) => Verdict::Dead(format!("bad card update payload: {e}")),
            },
            "card_close" => match serde_json::from_str::<CardClose>(&item.payload) {
                Ok(close) => self.close_card(state, &close).await,
                Err(e) => Verdict::Dead(format!("bad card close payload: {e}")),
            },
            crate::approvals::service::APPROVED_KIND => {
                match serde_json::from_str::<crate::approvals::service::Approved>(&item.payload) {
                    Ok(approved) => carry_out(state, &approved).await,
                    Err(e) => Verdict::Dead(format!("bad approved payload: {e}")),
                }
            }
            other => Verdict::Dead(format!("unknown outbox kind {other:?}")),
        }
    }

    async fn send_message(
        &self,
        state: &AppState,
        item: &OutboxItem,
        message: &Message,
    ) -> Verdict {
        let now = state.clock.now_ms();
        // Every named member must have room; the per-member limit is what WeCom enforces
        // by silently dropping, so it is checked before the corp-wide API limit.
        let members: Vec<&str> = match &item.recipient {
            Some(userid) => vec![userid.as_str()],
            None => message.to.users.iter().map(String::as_str).collect(),
        };
        for userid in members {
            match self.limiter.admit_message(item.agent_id, userid, now).await {
                Ok(Admission::Granted) => {}
                Ok(Admission::Denied { retry_at_ms }) => return Verdict::Deferred(retry_at_ms),
                // Without the shared counters we cannot prove the quota holds: wait.
                Err(e) => return Verdict::Retry(format!("quota check failed: {e}")),
            }
        }
        if let Some(retry_at) = self.admit_api(state, "message/send").await {
            return Verdict::Deferred(retry_at);
        }
        match state.wecom.send(message).await {
            Ok(result) => {
                if !result.invaliduser.is_empty() {
                    tracing::info!(key = %item.idempotency_key, invalid = ?result.invaliduser, "some recipients were invalid");
                }
                Verdict::Sent(Some(result.msgid), result.response_code)
            }
            Err(e) => failure(&e),
        }
    }

    /// Greys out a card sent earlier, with the response code its send returned. A card
    /// still queued is waited for; one that never went out needs nothing.
    async fn close_card(&self, state: &AppState, close: &CardClose) -> Verdict {
        let card = match state.store.outbox().get_by_key(&close.card_key).await {
            Ok(card) => card,
            Err(e) => return Verdict::Retry(format!("database: {e}")),
        };
        let Some(card) = card else {
            return Verdict::Sent(None, None);
        };
        let code = match (card.status, card.response_code) {
            (ItemStatus::Done, Some(code)) => code,
            (ItemStatus::Done | ItemStatus::Dead, _) => return Verdict::Sent(None, None),
            // Not sent yet: close it after it is.
            _ => return Verdict::Deferred(state.clock.now_ms() + 2_000),
        };
        if let Some(retry_at) = self.admit_api(state, "message/update_template_card").await {
            return Verdict::Deferred(retry_at);
        }
        let update =
            UpdateCard::replace_button(vec![close.userid.clone()], code, close.text.clone());
        match state.wecom.update_template_card(&update).await {
            Ok(_) => Verdict::Sent(None, None),
            Err(e) => failure(&e),
        }
    }

    async fn admit_api(&self, state: &AppState, api: &str) -> Option<i64> {
        match self
            .limiter
            .admit_api(&state.settings.wecom.corp_id, api, state.clock.now_ms())
            .await
        {
            Ok(Admission::Denied { retry_at_ms }) => Some(retry_at_ms),
            _ => None,
        }
    }
}

/// What became of a dispatched row.
enum Outcome {
    Sent,
    Deferred,
    Retried,
    Dead,
}

impl OutboxReport {
    /// Counts a recorded outcome; returns its metric label.
    fn count(&mut self, outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Sent => {
                self.sent += 1;
                "sent"
            }
            Outcome::Deferred => {
                self.deferred += 1;
                "deferred"
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

/// Stores what dispatching `item` came to.
async fn record(
    state: &AppState,
    item: &OutboxItem,
    verdict: Verdict,
) -> Result<Outcome, store::StoreError> {
    let outbox = state.store.outbox();
    Ok(match verdict {
        Verdict::Sent(msgid, response_code) => {
            outbox
                .mark_sent(
                    item.id,
                    msgid.as_deref(),
                    response_code.as_deref(),
                    state.clock.now_ms(),
                )
                .await?;
            Outcome::Sent
        }
        Verdict::Deferred(retry_at) => {
            outbox
                .retry_later(item.id, "waiting for WeCom quota", retry_at, false)
                .await?;
            Outcome::Deferred
        }
        // `attempts` already counts this claim.
        Verdict::Retry(error) if item.attempts < state.settings.workers.outbox_max_attempts => {
            let next = state.clock.now_ms() + backoff::delay_ms(item.attempts - 1, 2_000, 900_000);
            outbox.retry_later(item.id, &error, next, true).await?;
            Outcome::Retried
        }
        Verdict::Retry(error) | Verdict::Dead(error) => {
            tracing::warn!(id = item.id, key = %item.idempotency_key, error = %error, "push dead-lettered");
            outbox.bury(item.id, &error).await?;
            Outcome::Dead
        }
    })
}

/// What a passed approval does to its record, by template.
async fn carry_out(state: &AppState, approved: &crate::approvals::service::Approved) -> Verdict {
    match approved.template.as_str() {
        domain::approval::builtin::TASK_EXTENSION => {
            match crate::tasks::extension::apply(state, approved.instance).await {
                Ok(_) => Verdict::Sent(None, None),
                Err(e) => Verdict::Retry(format!("{e:#}")),
            }
        }
        other => Verdict::Dead(format!("no record acts on approved {other:?}")),
    }
}

fn failure(error: &WecomError) -> Verdict {
    match error.retry() {
        RetryAdvice::Never => Verdict::Dead(error.to_string()),
        _ => Verdict::Retry(error.to_string()),
    }
}
