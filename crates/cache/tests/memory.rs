//! MemoryCache specifics: the limiter property and bounded growth.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use cache::{Admission, Cache, MemoryCache, Window};
use proptest::prelude::*;

/// Whether `cost` more events at `at` fit every window, given the recorded `events`.
fn fits(events: &[i64], at: i64, windows: &[Window], cost: u32) -> bool {
    windows.iter().all(|w| {
        let len = i64::try_from(w.len.as_millis()).unwrap();
        let inside = events.iter().filter(|&&e| e > at - len && e <= at).count();
        inside + cost as usize <= w.max as usize
    })
}

fn windows() -> impl Strategy<Value = Vec<Window>> {
    prop::collection::vec(
        (1_u64..400, 1_u32..8).prop_map(|(ms, max)| Window::new(Duration::from_millis(ms), max)),
        1..4,
    )
}

/// Requests as (time step, cost); steps may go backwards a little (clock skew).
fn requests() -> impl Strategy<Value = Vec<(i64, u32)>> {
    prop::collection::vec((-30_i64..120, 0_u32..4), 1..200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn granted_events_never_exceed_any_window(windows in windows(), requests in requests()) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let cache = MemoryCache::new();
        let mut recorded: Vec<i64> = Vec::new();
        let mut t = 1_000_000_i64;
        for (step, cost) in requests {
            t += step;
            let got = rt.block_on(cache.admit("k", t, &windows, cost)).unwrap();
            // Events are recorded at the caller's time, or at the newest event if later.
            let at = recorded.last().map_or(t, |&last| last.max(t));
            match got {
                Admission::Granted => {
                    prop_assert!(fits(&recorded, at, &windows, cost), "granted over the limit at {at}");
                    recorded.extend(std::iter::repeat_n(at, cost as usize));
                }
                Admission::Denied { retry_at_ms } => {
                    prop_assert!(!fits(&recorded, at, &windows, cost), "denied although it fits at {at}");
                    if windows.iter().any(|w| cost > w.max) {
                        prop_assert_eq!(retry_at_ms, i64::MAX);
                    } else {
                        // Exact: passes at retry_at, not one millisecond earlier.
                        prop_assert!(retry_at_ms > at);
                        prop_assert!(fits(&recorded, retry_at_ms, &windows, cost));
                        prop_assert!(!fits(&recorded, retry_at_ms - 1, &windows, cost));
                    }
                }
            }
        }
        // The invariant itself: no window ending at any event holds more than max.
        for &end in &recorded {
            prop_assert!(fits(&recorded, end, &windows, 0), "window ending at {end} over max");
        }
    }
}

#[tokio::test]
async fn sweep_bounds_growth() {
    let cache = MemoryCache::with_sweep_interval(Duration::from_millis(50));
    let short = Duration::from_millis(10);
    for i in 0..1_000 {
        cache
            .set_nx(&format!("dedupe:{i}"), "1", short)
            .await
            .unwrap();
        cache
            .admit(&format!("quota:{i}"), 0, &[Window::new(short, 1)], 1)
            .await
            .unwrap();
    }
    assert_eq!(cache.len(), 2_000);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Any operation sweeps once the interval has passed; nothing was read back.
    cache.set("live", "x", None).await.unwrap();
    assert_eq!(cache.len(), 1);
    assert!(!cache.is_empty());
}

#[tokio::test]
async fn idle_limiter_log_expires_like_a_redis_key() {
    let cache = MemoryCache::new();
    let w = [Window::new(Duration::from_millis(50), 1)];
    assert!(cache.admit("k", 0, &w, 1).await.unwrap().is_granted());
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The caller's clock did not move, but the log expired in real time, as on Redis.
    assert!(cache.admit("k", 0, &w, 1).await.unwrap().is_granted());
}
