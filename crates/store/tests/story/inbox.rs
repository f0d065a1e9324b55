//! The inbox story: group insert with duplicates, claims and leases, retry, bury,
//! replay, stats, purge.

use store::{Inbox, ItemStatus, NewInboxItem, QueueStats, Store};

use super::{LEASE, T0, keys};

fn callback(key: &str, received_at_ms: i64) -> NewInboxItem {
    NewInboxItem {
        source: "app".into(),
        dedupe_key: key.into(),
        kind: "event:change_contact".into(),
        payload: format!("<xml><Key>{key}</Key><Name>张三</Name></xml>"),
        received_at_ms,
    }
}

pub async fn run(store: &Store) {
    let inbox = store.inbox();

    // Group insert: a duplicate inside the batch and one already stored.
    let batch = [
        callback("k1", T0),
        callback("k2", T0 + 1),
        callback("k1", T0 + 2),
        callback("k3", T0 + 3),
    ];
    assert_eq!(
        inbox.insert_batch(&batch).await.unwrap(),
        [true, true, false, true]
    );
    let again = [callback("k2", T0 + 4), callback("k4", T0 + 5)];
    assert_eq!(inbox.insert_batch(&again).await.unwrap(), [false, true]);
    assert!(inbox.insert_batch(&[]).await.unwrap().is_empty());

    // Claims: oldest first, leased, attempts counted.
    assert!(
        inbox.claim(T0 - 1, 10, LEASE).await.unwrap().is_empty(),
        "due from receipt"
    );
    let first = inbox.claim(T0 + 10, 2, LEASE).await.unwrap();
    assert_eq!(keys(&first, |i| &i.dedupe_key), ["k1", "k2"]);
    assert!(
        first
            .iter()
            .all(|i| i.status == ItemStatus::Processing && i.attempts == 1)
    );
    assert_eq!(first[0].payload, batch[0].payload);
    assert_eq!(first[0].source, "app");
    assert_eq!(first[0].received_at_ms, T0);
    let rest = inbox.claim(T0 + 10, 10, LEASE).await.unwrap();
    assert_eq!(keys(&rest, |i| &i.dedupe_key), ["k3", "k4"]);
    assert!(inbox.claim(T0 + 10, 10, LEASE).await.unwrap().is_empty());
    let (k1, k2, k3) = (first[0].id, first[1].id, rest[0].id);

    // complete / retry_later; finished rows cannot be moved again.
    assert!(inbox.complete(k1, T0 + 10).await.unwrap());
    assert!(!inbox.complete(k1, T0 + 11).await.unwrap());
    assert!(!inbox.retry_later(k1, "late worker", T0).await.unwrap());
    assert!(!inbox.bury(k1, "late worker").await.unwrap());
    assert!(inbox.retry_later(k2, "boom", T0 + 60_000).await.unwrap());
    assert!(inbox.claim(T0 + 1_000, 10, LEASE).await.unwrap().is_empty());

    // A worker died holding k3 and k4: their leases run out and they come back.
    assert!(
        inbox
            .claim(T0 + 9 + LEASE, 10, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let recovered = inbox.claim(T0 + 10 + LEASE, 10, LEASE).await.unwrap();
    assert_eq!(keys(&recovered, |i| &i.dedupe_key), ["k3", "k4"]);
    assert!(recovered.iter().all(|i| i.attempts == 2));

    // The retried row is due at its time, with its error.
    let retried = inbox.claim(T0 + 60_000, 10, LEASE).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].id, k2);
    assert_eq!(retried[0].attempts, 2);
    assert_eq!(retried[0].last_error.as_deref(), Some("boom"));

    // Bury, stats, dead letters, replay.
    assert!(inbox.bury(k2, "gave up").await.unwrap());
    let stats = inbox.stats(T0 + 60_000).await.unwrap();
    assert_eq!(
        stats,
        QueueStats {
            pending: 0,
            processing: 2,
            done: 1,
            dead: 1,
            oldest_pending_age_ms: Some(60_000 - 3),
        }
    );
    let dead = inbox.dead(10, 0).await.unwrap();
    assert_eq!(keys(&dead, |i| &i.dedupe_key), ["k2"]);
    assert_eq!(dead[0].status, ItemStatus::Dead);
    assert_eq!(dead[0].last_error.as_deref(), Some("gave up"));
    assert!(inbox.dead(10, 1).await.unwrap().is_empty());
    assert!(inbox.replay(k2).await.unwrap());
    assert!(!inbox.replay(k2).await.unwrap());
    assert!(!inbox.replay(k3).await.unwrap());
    let replayed = inbox.get(k2).await.unwrap().expect("k2 exists");
    assert_eq!(
        (replayed.status, replayed.attempts),
        (ItemStatus::Pending, 0)
    );
    assert!(inbox.get(-1).await.unwrap().is_none());

    // Drain everything; stats settle; purge forgets dedupe keys.
    let again = inbox.claim(T0 + 60_001, 10, LEASE).await.unwrap();
    assert_eq!(keys(&again, |i| &i.dedupe_key), ["k2"]);
    for item in recovered.iter().chain(&again) {
        assert!(inbox.complete(item.id, T0 + 70_000).await.unwrap());
    }
    let stats = inbox.stats(T0 + 70_000).await.unwrap();
    assert_eq!((stats.done, stats.oldest_pending_age_ms), (4, None));
    assert_eq!(inbox.purge_done(T0 + 70_000, 100).await.unwrap(), 1);
    assert_eq!(inbox.purge_done(T0 + 70_001, 100).await.unwrap(), 3);
    assert_eq!(inbox.stats(T0).await.unwrap(), QueueStats::default());
    assert_eq!(
        inbox.insert_batch(&[callback("k1", T0)]).await.unwrap(),
        [true]
    );

    // A command carried out once per callback key: the second record is refused (the
    // caller rolls back) and the first answer stays, past purges of the inbox rows.
    assert_eq!(inbox.answer("k1").await.unwrap(), None);
    let mut tx = store.begin().await.unwrap();
    assert!(
        Inbox::record_answer_on(&mut tx, "k1", "已新建任务「验收」", None, T0)
            .await
            .unwrap()
    );
    assert!(
        !Inbox::record_answer_on(&mut tx, "k1", "又一次", None, T0 + 1)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(
        Inbox::record_answer_on(&mut tx, "k2", "回滚", None, T0)
            .await
            .unwrap()
    );
    tx.rollback().await.unwrap();
    assert_eq!(
        inbox.answer("k1").await.unwrap().as_deref(),
        Some("已新建任务「验收」")
    );
    assert_eq!(inbox.answer("k2").await.unwrap(), None);

    // A batch larger than one INSERT statement keeps the per-item answers aligned.
    let mut big: Vec<_> = (0..300)
        .map(|i| callback(&format!("bulk-{i}"), T0))
        .collect();
    big.insert(150, callback("bulk-7", T0));
    big.push(callback("k1", T0));
    let inserted = inbox.insert_batch(&big).await.unwrap();
    assert_eq!(inserted.iter().filter(|&&b| b).count(), 300);
    assert!(!inserted[150] && !inserted[301]);
    assert_eq!(inbox.stats(T0).await.unwrap().pending, 301);
}
