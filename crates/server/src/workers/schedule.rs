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
            Ok(true) => housekeeping(&state).await,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "leader lock unavailable; skipping this tick"),
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

/// Reports queue health; later issues add org reconcile, overdue scans and digests here.
async fn housekeeping(state: &AppState) {
    let now = state.clock.now_ms();
    if let (Ok(inbox), Ok(outbox)) = (state.store.inbox().stats(now).await, state.store.outbox().stats(now).await) {
        if inbox.dead > 0 || outbox.dead > 0 {
            tracing::warn!(inbox_dead = inbox.dead, outbox_dead = outbox.dead, "dead letters are waiting for an admin");
        }
    }
}
