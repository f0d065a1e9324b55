//! The outbox story: enqueue inside business transactions, idempotency, claims, quota
//! waits, sent receipts, dead letters, replay, purge.

use store::{ItemStatus, NewOutboxItem, Outbox, QueueStats, Store};

use super::{LEASE, T0, keys};

fn send(key: &str, recipient: Option<&str>, not_before_ms: i64) -> NewOutboxItem {
    NewOutboxItem {
        idempotency_key: key.into(),
        kind: "message".into(),
        agent_id: 1_000_002,
        recipient: recipient.map(Into::into),
        payload: r#"{"touser":"alice","msgtype":"text","text":{"content":"审批通过"}}"#.into(),
        not_before_ms,
    }
}

pub async fn run(store: &Store) {
    let outbox = store.outbox();
    let notify = send("approval:1:notify:alice", Some("alice"), 0);

    // Enqueued in a business transaction that rolls back: nothing to send.
    let mut tx = store.begin().await.unwrap();
    assert!(Outbox::enqueue(&mut tx, &notify, T0).await.unwrap());
    tx.rollback().await.unwrap();
    assert!(
        outbox
            .get_by_key(&notify.idempotency_key)
            .await
            .unwrap()
            .is_none()
    );
    {
        let mut tx = store.begin().await.unwrap();
        assert!(Outbox::enqueue(&mut tx, &notify, T0).await.unwrap());
        // Dropped without commit: rolled back too.
    }
    assert_eq!(outbox.stats(T0).await.unwrap(), QueueStats::default());

    // Committed: enqueued once; the same key again is `false`, in or out of a
    // transaction, and does not spoil the transaction it is in.
    let mut tx = store.begin().await.unwrap();
    assert!(Outbox::enqueue(&mut tx, &notify, T0).await.unwrap());
    assert!(!Outbox::enqueue(&mut tx, &notify, T0).await.unwrap());
    let card = send("approval:1:card", None, T0 + 10_000);
    assert!(Outbox::enqueue(&mut tx, &card, T0).await.unwrap());
    tx.commit().await.unwrap();
    assert!(!outbox.enqueue_now(&notify, T0 + 1).await.unwrap());
    let stored = outbox
        .get_by_key(&notify.idempotency_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.status,
            stored.attempts,
            stored.created_at_ms,
            stored.next_attempt_at_ms
        ),
        (ItemStatus::Pending, 0, T0, 0)
    );
    assert_eq!(stored.recipient.as_deref(), Some("alice"));
    assert_eq!(
        (stored.agent_id, stored.payload.as_str()),
        (1_000_002, notify.payload.as_str())
    );
    assert_eq!(outbox.get(stored.id).await.unwrap().as_ref(), Some(&stored));

    // Only the due row is claimed; a quota wait gives its attempt back.
    let claimed = outbox.claim(T0, 10, LEASE).await.unwrap();
    assert_eq!(
        keys(&claimed, |i| &i.idempotency_key),
        [notify.idempotency_key.as_str()]
    );
    assert_eq!(claimed[0].attempts, 1);
    assert!(
        outbox
            .retry_later(stored.id, "quota: 45009", T0 + 5_000, false)
            .await
            .unwrap()
    );
    let waited = outbox.get(stored.id).await.unwrap().unwrap();
    assert_eq!((waited.status, waited.attempts), (ItemStatus::Pending, 0));
    assert!(
        outbox
            .claim(T0 + 4_999, 10, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let claimed = outbox.claim(T0 + 5_000, 10, LEASE).await.unwrap();
    assert_eq!((claimed.len(), claimed[0].attempts), (1, 1));

    // The claim's lease identifies it: the holder confirms and extends it before
    // sending; once it ran out and another worker claimed the row, the old holder's
    // renewal fails and it must leave the row alone.
    let held = claimed[0].claimed_until_ms.unwrap();
    assert_eq!(held, T0 + 5_000 + LEASE);
    let renewed = outbox
        .renew(stored.id, held, T0 + 6_000, LEASE)
        .await
        .unwrap();
    assert_eq!(renewed, Some(T0 + 6_000 + LEASE));
    assert_eq!(
        outbox
            .renew(stored.id, held, T0 + 6_000, LEASE)
            .await
            .unwrap(),
        None,
        "a stale lease"
    );
    let late = T0 + 6_000 + LEASE;
    let taken = outbox.claim(late, 1, LEASE).await.unwrap();
    assert_eq!((taken[0].id, taken[0].attempts), (stored.id, 2));
    assert_eq!(
        outbox
            .renew(stored.id, renewed.unwrap(), late, LEASE)
            .await
            .unwrap(),
        None,
        "taken over"
    );
    let held = taken[0].claimed_until_ms.unwrap();
    assert_eq!(
        outbox
            .renew(stored.id, held, late + 1, LEASE)
            .await
            .unwrap(),
        Some(late + 1 + LEASE)
    );

    // Sent: msgid and response_code kept for recall and card updates.
    assert!(
        outbox
            .mark_sent(stored.id, Some("msg-1"), Some("rc-1"), T0 + 5_100)
            .await
            .unwrap()
    );
    assert!(
        !outbox
            .mark_sent(stored.id, Some("msg-2"), None, T0 + 5_200)
            .await
            .unwrap()
    );
    let sent = outbox
        .get_by_key(&notify.idempotency_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sent.status, ItemStatus::Done);
    assert_eq!(
        (sent.msgid.as_deref(), sent.response_code.as_deref()),
        (Some("msg-1"), Some("rc-1"))
    );
    assert_eq!(sent.sent_at_ms, Some(T0 + 5_100));
    assert_eq!(sent.last_error.as_deref(), Some("quota: 45009"));

    // The delayed card: counted failures, then a dead letter, then replay.
    let claimed = outbox.claim(T0 + 10_000, 10, LEASE).await.unwrap();
    assert_eq!(
        keys(&claimed, |i| &i.idempotency_key),
        [card.idempotency_key.as_str()]
    );
    assert!(claimed[0].recipient.is_none());
    let card_id = claimed[0].id;
    assert!(
        outbox
            .retry_later(card_id, "errcode -1", T0 + 11_000, true)
            .await
            .unwrap()
    );
    let claimed = outbox.claim(T0 + 11_000, 10, LEASE).await.unwrap();
    assert_eq!(claimed[0].attempts, 2);
    assert!(outbox.bury(card_id, "errcode 81013").await.unwrap());
    let dead = outbox.dead(10, 0).await.unwrap();
    assert_eq!(dead.iter().map(|d| d.id).collect::<Vec<_>>(), [card_id]);
    assert_eq!(dead[0].last_error.as_deref(), Some("errcode 81013"));
    let stats = outbox.stats(T0 + 20_000).await.unwrap();
    assert_eq!(
        (stats.pending, stats.processing, stats.done, stats.dead),
        (0, 0, 1, 1)
    );
    assert_eq!(stats.oldest_pending_age_ms, None);
    assert!(outbox.replay(card_id).await.unwrap());
    let stats = outbox.stats(T0 + 20_000).await.unwrap();
    assert_eq!(
        (stats.pending, stats.dead, stats.oldest_pending_age_ms),
        (1, 0, Some(20_000))
    );
    let replayed = outbox.claim(T0 + 20_000, 10, LEASE).await.unwrap();
    assert_eq!((replayed[0].id, replayed[0].attempts), (card_id, 1));

    // Purging sent rows.
    assert_eq!(outbox.purge_done(T0 + 5_100, 10).await.unwrap(), 0);
    assert_eq!(outbox.purge_done(T0 + 5_101, 10).await.unwrap(), 1);
    assert!(
        outbox
            .get_by_key(&notify.idempotency_key)
            .await
            .unwrap()
            .is_none()
    );
}
