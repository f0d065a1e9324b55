//! Sliding-window log limiter: the types shared by both backends and the in-memory log.

use std::collections::VecDeque;
use std::time::Duration;

/// One sliding window: at most `max` events in any `len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// Window length.
    pub len: Duration,
    /// Events allowed within any window of that length.
    pub max: u32,
}

impl Window {
    /// A window of `len` allowing `max` events.
    pub const fn new(len: Duration, max: u32) -> Self {
        Self { len, max }
    }

    /// The length in whole milliseconds (at least 1, so a window always has a span).
    pub(crate) fn len_ms(&self) -> i64 {
        i64::try_from(self.len.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }
}

/// The answer of [`crate::Cache::admit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Allowed; the events have been recorded.
    Granted,
    /// Refused; nothing was recorded.
    Denied {
        /// The earliest time (Unix ms, the caller's clock) at which the same request
        /// would pass if nothing else is admitted meanwhile. [`i64::MAX`] when it never
        /// can (`cost` exceeds a window's `max`).
        retry_at_ms: i64,
    },
}

impl Admission {
    /// Whether the request was granted.
    pub fn is_granted(&self) -> bool {
        matches!(self, Self::Granted)
    }
}

/// The longest window in ms, or `None` when there are no windows.
pub(crate) fn longest_ms(windows: &[Window]) -> Option<i64> {
    windows.iter().map(Window::len_ms).max()
}

/// The events of one limiter key, oldest first.
///
/// Each entry is `(time, cumulative count up to and including it)`, so counting a window
/// and finding its k-th oldest event are binary searches, not scans: the per-corp API
/// log holds up to 150,000 events an hour.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    entries: VecDeque<(i64, u64)>,
    /// Events dropped from the front; the cumulative count where the log starts.
    pruned: u64,
}

impl EventLog {
    fn total(&self) -> u64 {
        self.entries.back().map_or(self.pruned, |e| e.1)
    }

    /// Cumulative count before entry `i`.
    fn before(&self, i: usize) -> u64 {
        match i.checked_sub(1) {
            Some(p) => self.entries[p].1,
            None => self.pruned,
        }
    }

    /// Whether nothing is recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks every window and records `cost` events at `now_ms` if all pass.
    ///
    /// A `now_ms` behind the newest event (clock skew between replicas) is treated as the
    /// newest event's time: events then stay in time order, so pruning never drops one a
    /// later window still needs, and the check can only err on the strict side.
    pub(crate) fn admit(&mut self, now_ms: i64, windows: &[Window], cost: u32) -> Admission {
        let Some(longest) = longest_ms(windows) else {
            return Admission::Granted;
        };
        let newest = self.entries.back().map(|e| e.0);
        let now = newest.map_or(now_ms, |t| t.max(now_ms));
        // Relative to the newest event, not `now`: a request that records nothing must not
        // drop events a later request, recorded at the newest time, still has to count.
        if let Some(newest) = newest {
            self.prune(newest.saturating_sub(longest));
        }

        let cost = u64::from(cost);
        let mut retry_at: Option<i64> = None;
        for w in windows {
            let max = u64::from(w.max);
            if cost > max {
                return Admission::Denied {
                    retry_at_ms: i64::MAX,
                };
            }
            let len = w.len_ms();
            let start = now.saturating_sub(len);
            // First entry inside (start, ∞).
            let first = self.entries.partition_point(|e| e.0 <= start);
            let base = self.before(first);
            let count = self.total() - base;
            if count + cost > max {
                // The window passes once the k oldest events in it have left.
                let k = count + cost - max;
                let idx = self.entries.partition_point(|e| e.1 < base + k);
                let leaves = self.entries[idx].0.saturating_add(len);
                retry_at = Some(retry_at.map_or(leaves, |r| r.max(leaves)));
            }
        }
        if let Some(retry_at_ms) = retry_at {
            return Admission::Denied { retry_at_ms };
        }
        if cost > 0 {
            let total = self.total() + cost;
            match self.entries.back_mut() {
                Some(last) if last.0 == now => last.1 = total,
                _ => self.entries.push_back((now, total)),
            }
        }
        Admission::Granted
    }

    /// Drops events at or before `cutoff`: no window can see them again.
    fn prune(&mut self, cutoff: i64) {
        while let Some(&(t, cum)) = self.entries.front() {
            if t > cutoff {
                break;
            }
            self.pruned = cum;
            self.entries.pop_front();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn boundary_is_exclusive_at_the_old_end() {
        let mut log = EventLog::default();
        let w = [Window::new(MIN, 3)];
        for t in [0, 10, 20] {
            assert_eq!(log.admit(t, &w, 1), Admission::Granted);
        }
        assert_eq!(
            log.admit(30, &w, 1),
            Admission::Denied {
                retry_at_ms: 60_000
            }
        );
        assert!(!log.admit(59_999, &w, 1).is_granted());
        assert_eq!(log.admit(60_000, &w, 1), Admission::Granted);
    }

    #[test]
    fn cost_waits_for_enough_events_to_leave() {
        let mut log = EventLog::default();
        let w = [Window::new(MIN, 4)];
        for t in [0, 5, 5, 9] {
            assert!(log.admit(t, &w, 1).is_granted());
        }
        // Needs 3 slots: the events at 0 and both at 5 must leave.
        assert_eq!(
            log.admit(10, &w, 3),
            Admission::Denied {
                retry_at_ms: 60_005
            }
        );
        assert!(log.admit(60_005, &w, 3).is_granted());
    }

    #[test]
    fn cost_above_max_never_passes() {
        let mut log = EventLog::default();
        assert_eq!(
            log.admit(0, &[Window::new(MIN, 2)], 3),
            Admission::Denied {
                retry_at_ms: i64::MAX
            }
        );
        assert!(log.is_empty());
    }

    #[test]
    fn late_clock_is_treated_as_the_newest_event() {
        let mut log = EventLog::default();
        let w = [Window::new(MIN, 1)];
        assert!(log.admit(100_000, &w, 1).is_granted());
        // A replica 50 s behind must not slip a second event into the same minute.
        assert_eq!(
            log.admit(50_000, &w, 1),
            Admission::Denied {
                retry_at_ms: 160_000
            }
        );
    }

    #[test]
    fn pruning_keeps_counts_right() {
        let mut log = EventLog::default();
        let w = [Window::new(Duration::from_millis(10), 2)];
        for t in 0..1_000 {
            let granted = log.admit(t * 5, &w, 1).is_granted();
            assert!(granted, "t={t}");
        }
        // Pruning trails the newest event by one call.
        assert!(log.entries.len() <= 3, "{}", log.entries.len());
    }
}
