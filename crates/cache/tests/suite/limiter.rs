//! `Cache::admit`: exact sliding-window boundaries, several windows, concurrency.

use std::sync::Arc;
use std::time::Duration;

use cache::{Admission, Cache, QuotaLimiter, Window};

/// A realistic wall-clock start, so the Redis script handles 13-digit scores.
const T0: i64 = 1_767_225_600_000;
const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

fn denied(retry_at_ms: i64) -> Admission {
    Admission::Denied { retry_at_ms }
}

/// WeCom's member quota: the 31st message in a sliding minute is refused, and allowed
/// again exactly when the oldest leaves the window.
pub async fn minute_boundary(c: Arc<dyn Cache>) {
    let w = [Window::new(MINUTE, 30), Window::new(HOUR, 1_000)];
    for i in 0..30 {
        let got = c.admit("member", T0 + i * 1_000, &w, 1).await.unwrap();
        assert_eq!(got, Admission::Granted, "message {i}");
    }
    let at = T0 + 30_000;
    assert_eq!(
        c.admit("member", at, &w, 1).await.unwrap(),
        denied(T0 + 60_000)
    );
    // Denials record nothing: asking again gives the same answer.
    assert_eq!(
        c.admit("member", at, &w, 1).await.unwrap(),
        denied(T0 + 60_000)
    );
    let just_before = T0 + 59_999;
    assert_eq!(
        c.admit("member", just_before, &w, 1).await.unwrap(),
        denied(T0 + 60_000)
    );
    assert_eq!(
        c.admit("member", T0 + 60_000, &w, 1).await.unwrap(),
        Admission::Granted
    );
    // The next slot opens when the second message (T0 + 1 s) leaves.
    assert_eq!(
        c.admit("member", T0 + 60_000, &w, 1).await.unwrap(),
        denied(T0 + 61_000)
    );
    // Other keys are independent.
    assert!(c.admit("member-2", at, &w, 1).await.unwrap().is_granted());
}

/// The longer window decides once the short one is clear.
pub async fn several_windows(c: Arc<dyn Cache>) {
    let w = [
        Window::new(Duration::from_secs(1), 2),
        Window::new(Duration::from_secs(10), 3),
    ];
    assert!(c.admit("k", T0, &w, 1).await.unwrap().is_granted());
    assert!(c.admit("k", T0 + 100, &w, 1).await.unwrap().is_granted());
    // Short window full: waits for T0 to leave it.
    assert_eq!(
        c.admit("k", T0 + 200, &w, 1).await.unwrap(),
        denied(T0 + 1_000)
    );
    assert!(c.admit("k", T0 + 1_000, &w, 1).await.unwrap().is_granted());
    // Now the 10 s window (3) is full: T0 leaves it at T0 + 10 s.
    assert_eq!(
        c.admit("k", T0 + 5_000, &w, 1).await.unwrap(),
        denied(T0 + 10_000)
    );
    assert_eq!(
        c.admit("k", T0 + 9_999, &w, 1).await.unwrap(),
        denied(T0 + 10_000)
    );
    assert!(c.admit("k", T0 + 10_000, &w, 1).await.unwrap().is_granted());
    // Both windows failing: the later opening wins.
    let w = [
        Window::new(Duration::from_secs(1), 1),
        Window::new(Duration::from_secs(10), 2),
    ];
    assert!(c.admit("k2", T0, &w, 1).await.unwrap().is_granted());
    assert!(c.admit("k2", T0 + 1_000, &w, 1).await.unwrap().is_granted());
    // 1 s window opens at T0 + 2 s, the 10 s window at T0 + 10 s.
    assert_eq!(
        c.admit("k2", T0 + 1_500, &w, 1).await.unwrap(),
        denied(T0 + 10_000)
    );
    assert_eq!(
        c.admit("k2", T0 + 9_999, &w, 1).await.unwrap(),
        denied(T0 + 10_000)
    );
    assert!(
        c.admit("k2", T0 + 10_000, &w, 1)
            .await
            .unwrap()
            .is_granted()
    );
}

pub async fn cost_and_edge_cases(c: Arc<dyn Cache>) {
    let w = [Window::new(MINUTE, 5)];
    assert!(c.admit("batch", T0, &w, 3).await.unwrap().is_granted());
    assert!(c.admit("batch", T0 + 1, &w, 2).await.unwrap().is_granted());
    // Needs 3 slots: the three events recorded at T0 must leave.
    assert_eq!(
        c.admit("batch", T0 + 2, &w, 3).await.unwrap(),
        denied(T0 + 60_000)
    );
    assert_eq!(
        c.admit("batch", T0 + 2, &w, 6).await.unwrap(),
        denied(i64::MAX),
        "never fits"
    );
    assert!(
        c.admit("batch", T0 + 2, &w, 0).await.unwrap().is_granted(),
        "cost 0"
    );
    assert!(
        c.admit("batch", T0 + 2, &[], 99)
            .await
            .unwrap()
            .is_granted(),
        "no windows"
    );
    assert!(
        c.admit("batch", T0 + 60_000, &w, 3)
            .await
            .unwrap()
            .is_granted()
    );
    // A replica whose clock lags the newest event cannot sneak in.
    assert_eq!(
        c.admit("batch", T0 - 60_000, &w, 1).await.unwrap(),
        denied(T0 + 60_001)
    );
    // Times before 1970 (a manual test clock at zero) work as well.
    let small = [Window::new(Duration::from_millis(100), 1)];
    assert!(c.admit("neg", -50, &small, 1).await.unwrap().is_granted());
    assert_eq!(c.admit("neg", -20, &small, 1).await.unwrap(), denied(50));
}

/// 32 tasks, spread over the replicas, hammer one key: exactly `max` get through.
pub async fn concurrent_never_over_admits(replicas: Vec<Arc<dyn Cache>>) {
    let w = [Window::new(MINUTE, 30), Window::new(HOUR, 1_000)];
    let mut tasks = Vec::new();
    for task in 0..32_i64 {
        let c = replicas[usize::try_from(task).unwrap() % replicas.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut granted = 0;
            for i in 0..5 {
                // Slightly different clocks per task, all within one minute.
                let now = T0 + task * 7 + i;
                granted += usize::from(c.admit("hot", now, &w, 1).await.unwrap().is_granted());
            }
            granted
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(total, 30);
}

pub async fn quota_limiter(c: Arc<dyn Cache>) {
    let q = QuotaLimiter::new(c).with_member_windows(vec![Window::new(MINUTE, 2)]);
    assert!(
        q.admit_message(1_000_002, "zhangsan", T0)
            .await
            .unwrap()
            .is_granted()
    );
    assert!(
        q.admit_message(1_000_002, "zhangsan", T0 + 1)
            .await
            .unwrap()
            .is_granted()
    );
    assert_eq!(
        q.admit_message(1_000_002, "zhangsan", T0 + 2)
            .await
            .unwrap(),
        denied(T0 + 60_000)
    );
    // Per member and per app.
    assert!(
        q.admit_message(1_000_002, "lisi", T0 + 2)
            .await
            .unwrap()
            .is_granted()
    );
    assert!(
        q.admit_message(1_000_003, "zhangsan", T0 + 2)
            .await
            .unwrap()
            .is_granted()
    );
    // API quota keeps its published windows here.
    for i in 0..100 {
        assert!(
            q.admit_api("ww1", "message/send", T0 + i)
                .await
                .unwrap()
                .is_granted()
        );
    }
}
