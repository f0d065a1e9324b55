//! Durable intake of verified callbacks: group commit into the inbox, spool on failure.
//!
//! Request handlers hand each callback to one writer task and wait for its verdict. The
//! writer takes everything queued at that moment and stores it in one transaction, so one
//! commit (one fsync) serves many callbacks under load while a lone callback still goes
//! straight through. When the database refuses, the batch is appended to the spool; while
//! the spool holds records, new callbacks join it too, so replay keeps arrival order.

pub mod spool;

use std::sync::Arc;
use std::time::Duration;

use store::{NewInboxItem, Store};
use tokio::sync::{mpsc, oneshot};

use spool::{Spool, SpoolRecord};

use crate::wake::Wake;

/// What a handler decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Finished; never look at it again.
    Done,
    /// A transient problem; try again later.
    Retry(String),
    /// It can never succeed; keep it as a dead letter.
    Dead(String),
}

/// Largest batch one commit takes.
const MAX_BATCH: usize = 512;
/// How often the writer checks whether a spool can be replayed.
const REPLAY_EVERY: Duration = Duration::from_secs(1);

/// What became of a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// In the inbox (`duplicate`: it was already there).
    Stored {
        /// The dedupe key was already present.
        duplicate: bool,
    },
    /// In the fsync'd spool; it reaches the inbox when the database is back.
    Spooled,
    /// Neither the database nor the spool could keep it: answer 5xx.
    Failed,
}

impl Outcome {
    /// True when the callback is durably kept and may be acknowledged.
    pub fn is_durable(self) -> bool {
        !matches!(self, Outcome::Failed)
    }
}

struct Job {
    item: NewInboxItem,
    reply: oneshot::Sender<Outcome>,
}

/// The handle request handlers use.
#[derive(Debug, Clone)]
pub struct Intake {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("dedupe_key", &self.item.dedupe_key)
            .finish()
    }
}

impl Intake {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store, spool: Spool, wake: Arc<Wake>) -> Self {
        let (tx, rx) = mpsc::channel(8 * MAX_BATCH);
        tokio::spawn(Writer { store, spool, wake }.run(rx));
        Self { tx }
    }

    /// Stores one callback durably, or says it could not.
    pub async fn submit(&self, item: NewInboxItem) -> Outcome {
        let (reply, verdict) = oneshot::channel();
        if self.tx.send(Job { item, reply }).await.is_err() {
            return Outcome::Failed;
        }
        verdict.await.unwrap_or(Outcome::Failed)
    }
}

struct Writer {
    store: Store,
    spool: Spool,
    wake: Arc<Wake>,
}

impl Writer {
    async fn run(self, mut rx: mpsc::Receiver<Job>) {
        let mut ticker = tokio::time::interval(REPLAY_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                job = rx.recv() => {
                    let Some(job) = job else { break };
                    let mut batch = vec![job];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    self.write(batch).await;
                }
                _ = ticker.tick() => self.replay().await,
            }
        }
    }

    async fn write(&self, batch: Vec<Job>) {
        let items: Vec<NewInboxItem> = batch.iter().map(|j| j.item.clone()).collect();
        let outcomes = if self.spool.has_records() {
            self.to_spool(&items).await
        } else {
            match self.store.inbox().insert_batch(&items).await {
                Ok(inserted) => {
                    if inserted.iter().any(|&new| new) {
                        self.wake.inbox.notify_one();
                    }
                    inserted
                }
                .into_iter()
                .map(|inserted| Outcome::Stored {
                    duplicate: !inserted,
                })
                .collect(),
                Err(e) => {
                    tracing::warn!(error = %e, count = items.len(), "inbox write failed; spooling");
                    self.to_spool(&items).await
                }
            }
        };
        for (job, outcome) in batch.into_iter().zip(outcomes) {
            let _ = job.reply.send(outcome);
        }
    }

    async fn to_spool(&self, items: &[NewInboxItem]) -> Vec<Outcome> {
        let records: Vec<SpoolRecord> = items.iter().map(SpoolRecord::from).collect();
        let path = self.spool.path().to_owned();
        let result = tokio::task::spawn_blocking(move || spool_at(&path).append(&records)).await;
        let outcome = match result {
            Ok(Ok(())) => Outcome::Spooled,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "spool append failed: callbacks are answered 503");
                Outcome::Failed
            }
            Err(e) => {
                tracing::error!(error = %e, "spool task failed");
                Outcome::Failed
            }
        };
        vec![outcome; items.len()]
    }

    /// Moves spooled callbacks into the inbox once the database answers again.
    async fn replay(&self) {
        if !self.spool.has_records() || self.store.ping().await.is_err() {
            return;
        }
        let path = self.spool.path().to_owned();
        let records = match tokio::task::spawn_blocking(move || spool_at(&path).read_all()).await {
            Ok(Ok(records)) => records,
            Ok(Err(e)) => return tracing::error!(error = %e, "cannot read the spool"),
            Err(e) => return tracing::error!(error = %e, "spool task failed"),
        };
        let total = records.len();
        let items: Vec<NewInboxItem> = records.into_iter().map(NewInboxItem::from).collect();
        for chunk in items.chunks(MAX_BATCH) {
            // Dedupe keys make a replay after a crash between insert and clear harmless.
            if let Err(e) = self.store.inbox().insert_batch(chunk).await {
                return tracing::warn!(error = %e, "spool replay paused; database refused");
            }
        }
        let path = self.spool.path().to_owned();
        match tokio::task::spawn_blocking(move || spool_at(&path).clear()).await {
            Ok(Ok(())) => {
                self.wake.inbox.notify_one();
                tracing::info!(count = total, "spooled callbacks replayed into the inbox")
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "spool replayed but not cleared; will dedupe on next replay")
            }
            Err(e) => tracing::error!(error = %e, "spool task failed"),
        }
    }
}

fn spool_at(path: &std::path::Path) -> Spool {
    Spool::at(path.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn housekeeping_keeps_dedupe_keys_as_long_as_the_callback_window_assumes() {
        // The purge age lives in the workers; it must not drop below
        // config::DEDUPE_KEEP_MS, which config validation holds the callback window to.
        let schedule = include_str!("../workers/schedule.rs");
        let same = schedule.contains("const KEEP_DONE_MS: i64 = 7 * 24 * 3600 * 1000;")
            || schedule.contains("DEDUPE_KEEP_MS");
        assert!(
            same,
            "workers::schedule's purge age changed: update config::DEDUPE_KEEP_MS with it"
        );
        assert_eq!(crate::config::DEDUPE_KEEP_MS, 7 * 24 * 3600 * 1000);
    }
}
