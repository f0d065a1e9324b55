//! Wall-clock time as UTC unix milliseconds, behind a trait so tests control it.
//!
//! Every stored instant in Gantry is an `i64` of unix milliseconds (portable across
//! SQLite and PostgreSQL), so the clock hands out exactly that.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" in UTC unix milliseconds.
pub trait Clock: Send + Sync + Debug {
    /// The current instant in UTC unix milliseconds.
    fn now_ms(&self) -> i64;
}

/// The real system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            // i64 milliseconds last for ~292 million years; saturate rather than wrap.
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            // A clock set before 1970 is broken; negative millis keep ordering intact.
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }
}

/// A clock that only moves when told to. Clones share the same instant, so a test can
/// keep one handle and give another to the code under test.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now_ms: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock standing at `now_ms`.
    pub fn new(now_ms: i64) -> Self {
        Self {
            now_ms: Arc::new(AtomicI64::new(now_ms)),
        }
    }

    /// Moves the clock to `now_ms` (backwards too, to test clock skew).
    pub fn set(&self, now_ms: i64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the clock forward by `delta_ms` and returns the new instant.
    pub fn advance(&self, delta_ms: i64) -> i64 {
        self.now_ms.fetch_add(delta_ms, Ordering::SeqCst) + delta_ms
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_clones_share_time() {
        let clock = ManualClock::new(1_000);
        let handle = clock.clone();
        assert_eq!(handle.advance(500), 1_500);
        assert_eq!(clock.now_ms(), 1_500);
        clock.set(42);
        assert_eq!(handle.now_ms(), 42);
    }

    #[test]
    fn system_clock_is_after_2020() {
        // 2020-01-01T00:00:00Z
        assert!(SystemClock.now_ms() > 1_577_836_800_000);
    }

    #[test]
    fn clocks_are_usable_as_trait_objects() {
        let clocks: Vec<Arc<dyn Clock>> =
            vec![Arc::new(SystemClock), Arc::new(ManualClock::new(7))];
        assert_eq!(clocks[1].now_ms(), 7);
    }
}
