//! Scheduled jobs, each run by exactly one replica at a time under a [`LeaderLock`].

use std::time::Duration;

use cache::LeaderLock;
use tokio::sync::watch;

use crate::state::AppState;

/// How often schedules are considered.
const TICK: Duration = Duration::from_secs(15);
/// A leader that stops renewing loses the lock after this long.
const LEASE: Duration = Duration::from_secs(60);

/// Runs the schedules until stopped.
pub async fn run(state: AppState, mut stopped: watch::Receiver<bool>) {
    let holder = format!("{}-{}", std::process::id(), rand::random::<u32>());
    let lock = LeaderLock::new(state.cache.clone(), "housekeeping", &holder, LEASE);
    loop {
        match lock.try_acquire().await {
            Ok(true) => {
                state.metrics.leader("housekeeping", true);
                housekeeping(&state).await;
            }
            Ok(false) => state.metrics.leader("housekeeping", false),
            Err(e) => {
                state.metrics.leader("housekeeping", false);
                tracing::warn!(error = %e, "leader lock unavailable; skipping this tick");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stopped.changed() => {
                let _ = lock.release().await;
                return;
            }
        }
    }
}

/// Finished queue rows are kept this long for support questions, then purged.
const KEEP_DONE_MS: i64 = 7 * 24 * 3600 * 1000;

/// Purges old finished queue rows and reports dead letters; later issues add org
/// reconcile, overdue scans and digests here.
async fn housekeeping(state: &AppState) {
    let now = state.clock.now_ms();
    let before = now - KEEP_DONE_MS;
    match (
        state.store.inbox().purge_done(before, 10_000).await,
        state.store.outbox().purge_done(before, 10_000).await,
    ) {
        (Ok(inbox), Ok(outbox)) if inbox + outbox > 0 => {
            tracing::info!(
                inbox,
                outbox,
                "purged finished queue rows older than 7 days"
            );
        }
        (Err(e), _) | (_, Err(e)) => tracing::warn!(error = %e, "housekeeping purge failed"),
        _ => {}
    }
    let inbox = state
        .store
        .inbox()
        .stats(now)
        .await
        .map(|s| s.dead)
        .unwrap_or(0);
    let outbox = state
        .store
        .outbox()
        .stats(now)
        .await
        .map(|s| s.dead)
        .unwrap_or(0);
    if inbox > 0 || outbox > 0 {
        tracing::warn!(
            inbox_dead = inbox,
            outbox_dead = outbox,
            "dead letters are waiting for an admin"
        );
    }
}
