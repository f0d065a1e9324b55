//! Scheduled jobs, each run by exactly one replica at a time under a [`LeaderLock`].

use std::time::Duration;

use cache::LeaderLock;
use tokio::sync::watch;

use crate::org::sync as org_sync;
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

/// Runs the overdue-task scan when the configured interval has passed since the last one
/// (by any replica: the mark lives in the shared cache).
async fn task_reminders_if_due(state: &AppState) {
    let minutes = u64::from(state.settings.reminders.scan_interval_minutes.max(1));
    let every = Duration::from_secs(minutes * 60);
    match state.cache.set_nx("reminders:last_scan", "1", every).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether the overdue scan is due");
            return;
        }
    }
    match crate::tasks::reminders::scan(state).await {
        Ok(r) if r.digests + r.escalations + r.project_alerts > 0 => tracing::info!(
            digests = r.digests,
            escalations = r.escalations,
            project_alerts = r.project_alerts,
            "task reminders queued"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "overdue scan failed; the next interval retries"),
    }
}

/// Finished queue rows are kept this long for support questions, then purged.
const KEEP_DONE_MS: i64 = 7 * 24 * 3600 * 1000;

/// Starts the scheduled full org sync when it is due and none is running. The sync
/// runs in the background: it may take a minute and housekeeping must keep ticking.
pub async fn org_sync_if_due(state: &AppState) -> bool {
    let now = state.clock.now_ms();
    let interval = state.settings.workers.org_sync_interval_hours;
    match org_sync::due(&state.store, interval, now).await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether an org sync is due");
            return false;
        }
    }
    match org_sync::try_begin(state.cache.as_ref(), "schedule").await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(e) => {
            tracing::warn!(error = %e, "org sync lock unavailable");
            return false;
        }
    }
    tracing::info!("scheduled org sync starting");
    let state = state.clone();
    tokio::spawn(async move {
        let options = org_sync::SyncOptions::with_progress(state.cache.clone());
        let (wecom, store, cipher) = (&state.wecom, &state.store, &state.cipher);
        if let Err(e) = org_sync::sync_and_record(wecom, store, cipher, &options, now).await {
            tracing::warn!(error = %e, "scheduled org sync failed");
        }
        org_sync::end(state.cache.as_ref()).await;
    });
    true
}

/// Starts the daily org sync, anchors the audit chain once a day, sweeps approval
/// timeouts, runs the overdue-task scan, deletes unused uploads, follows up leavers,
/// purges old finished queue rows and reports dead letters.
async fn housekeeping(state: &AppState) {
    org_sync_if_due(state).await;
    crate::admin::audit_log::anchor::daily(state).await;
    match crate::approvals::timeouts::sweep(state).await {
        Ok(r) if r.escalated > 0 => {
            tracing::info!(
                escalated = r.escalated,
                "approval seats escalated after timeout"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "approval timeout sweep failed; next tick retries"),
    }
    task_reminders_if_due(state).await;
    match crate::tasks::daily_reports::remind_unfiled(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(members = n, "daily report reminders queued"),
        Err(e) => tracing::warn!(error = %e, "daily report reminder failed; next tick retries"),
    }
    match crate::files::sweep_unused_uploads(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(uploads = n, "deleted uploads nothing used"),
        Err(e) => tracing::warn!(error = %e, "sweeping unused uploads failed; next tick retries"),
    }
    match crate::leavers::sweep(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(leaves = n, "followed up members who left"),
        Err(e) => tracing::warn!(error = %e, "following up leavers failed; next tick retries"),
    }
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
