//! Progress for the admin progress bar, kept in the cache under [`PROGRESS_KEY`].

use std::sync::Arc;
use std::time::Duration;

use cache::Cache;
use tokio::sync::Mutex;

/// Cache key of the running (or last) sync's [`SyncProgress`], JSON.
pub const PROGRESS_KEY: &str = "org_sync:progress";

/// The part of the bar for reading members (the rest of [`Stage::Members`] is writing).
pub(super) const READ_SPAN: (u64, u64) = (5, 70);
/// The part of the bar for writing members.
pub(super) const WRITE_SPAN: (u64, u64) = (70, 85);

/// How long a progress record outlives its sync.
const PROGRESS_TTL: Duration = Duration::from_secs(24 * 3600);

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading and writing departments.
    Departments,
    /// Reading members department by department, then writing the changes.
    Members,
    /// Reading and writing tags.
    Tags,
    /// Marking members who are gone as left.
    Leavers,
    /// Finished (see the last sync's report for what happened).
    Done,
    /// Stopped by an error (see the last sync's error).
    Failed,
}

impl Stage {
    /// The share of the whole bar this stage covers, as [from, to) percent.
    pub(super) fn span(self) -> (u64, u64) {
        match self {
            Self::Departments => (0, 5),
            Self::Members => (5, 85),
            Self::Tags => (85, 95),
            Self::Leavers => (95, 100),
            Self::Done | Self::Failed => (100, 100),
        }
    }
}

/// What `GET /api/v1/admin/sync` shows as `progress`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncProgress {
    /// The current stage.
    pub stage: Stage,
    /// 0–100 over the whole sync.
    pub percent: u8,
    /// Items done in this stage (departments read, tags read, …).
    pub done: usize,
    /// Items in this stage.
    pub total: usize,
    /// When the sync started, unix ms.
    pub started_at_ms: i64,
}

/// The writer; a no-op without a cache. Writes only when the percent moves, so a
/// 5,000-department sync costs about a hundred cache writes.
#[derive(Debug)]
pub(super) struct Progress {
    cache: Option<Arc<dyn Cache>>,
    /// The shown state and the part of the bar the current step covers.
    state: Mutex<(SyncProgress, (u64, u64))>,
}

impl Progress {
    pub(super) fn new(cache: Option<Arc<dyn Cache>>, started_at_ms: i64) -> Self {
        Self {
            cache,
            state: Mutex::new((
                SyncProgress {
                    stage: Stage::Departments,
                    percent: 0,
                    done: 0,
                    total: 0,
                    started_at_ms,
                },
                (0, 0),
            )),
        }
    }

    /// Enters `stage`, which has `total` items.
    pub(super) async fn stage(&self, stage: Stage, total: usize) {
        self.part(stage, stage.span(), total).await;
    }

    /// Enters a step of `stage` covering `span` of the bar, with `total` items.
    pub(super) async fn part(&self, stage: Stage, span: (u64, u64), total: usize) {
        let mut guard = self.state.lock().await;
        let (state, current) = &mut *guard;
        *current = span;
        state.stage = stage;
        state.done = 0;
        state.total = total;
        state.percent = percent(span, 0, total);
        self.write(state).await;
    }

    /// One more item of the current step done.
    pub(super) async fn step(&self) {
        let mut guard = self.state.lock().await;
        let (state, span) = &mut *guard;
        state.done += 1;
        let now = percent(*span, state.done, state.total);
        if now != state.percent {
            state.percent = now;
            self.write(state).await;
        }
    }

    async fn write(&self, state: &SyncProgress) {
        let Some(cache) = &self.cache else { return };
        let Ok(json) = serde_json::to_string(state) else {
            return;
        };
        // Progress is cosmetic: a cache hiccup must not fail the sync.
        if let Err(e) = cache.set(PROGRESS_KEY, &json, Some(PROGRESS_TTL)).await {
            tracing::debug!(error = %e, "org sync progress not written");
        }
    }
}

fn percent((from, to): (u64, u64), done: usize, total: usize) -> u8 {
    let done = u64::try_from(done).unwrap_or(u64::MAX);
    let total = u64::try_from(total).unwrap_or(u64::MAX);
    let within = ((to - from) * done.min(total))
        .checked_div(total)
        .unwrap_or(0);
    u8::try_from(from + within).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::{Stage, percent};

    #[test]
    fn percent_covers_the_bar_in_order() {
        assert_eq!(percent(Stage::Departments.span(), 0, 1), 0);
        assert_eq!(percent(Stage::Members.span(), 0, 10), 5);
        assert_eq!(percent(Stage::Members.span(), 10, 10), 85);
        assert_eq!(percent(Stage::Members.span(), 5, 0), 5);
        assert_eq!(percent(Stage::Done.span(), 0, 0), 100);
    }
}
