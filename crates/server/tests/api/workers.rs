//! The workers' rounds under trouble (issue 16): a row whose outcome cannot be stored does
//! not stall its batch, a redelivered `新建任务` creates one task, and a push whose lease
//! ran out during a slow batch is sent by one worker only.

use std::collections::HashMap;
use std::time::Duration;

use domain::clock::Clock as _;
use server::workers::inbox;
use server::workers::outbox::Dispatcher;
use store::{Backend, ItemStatus, NewInboxItem, NewOutboxItem, Outbox, Store};
use wecom::client::{Message, MessageBody, Recipients};
use wecom_sim::{Fault, FaultKind};

use crate::approvals::{dispatch, drain_inbox};
use crate::helpers::{TestApp, real_now_ms, spawn_app};

/// Makes every update that finishes row `id` of `table` fail, as a constraint would: a
/// test-side trigger, not a hook in the product.
async fn fail_finishing(store: &Store, table: &str, id: i64) {
    let sql = match store.backend() {
        Backend::Sqlite => format!(
            "CREATE TRIGGER refuse_finish_{table} BEFORE UPDATE ON {table} FOR EACH ROW \
             WHEN NEW.status = 'done' AND OLD.id = {id} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ),
        Backend::Postgres => format!(
            "CREATE FUNCTION refuse_finish_{table}() RETURNS trigger LANGUAGE plpgsql AS \
               $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$; \
             CREATE TRIGGER refuse_finish_{table} BEFORE UPDATE ON {table} FOR EACH ROW \
               WHEN (NEW.status = 'done' AND OLD.id = {id}) \
               EXECUTE FUNCTION refuse_finish_{table}()"
        ),
    };
    sqlx::raw_sql(&sql)
        .execute(store.pool())
        .await
        .expect("trigger");
}

async fn allow_finishing(store: &Store, table: &str) {
    let sql = match store.backend() {
        Backend::Sqlite => format!("DROP TRIGGER refuse_finish_{table}"),
        Backend::Postgres => format!("DROP TRIGGER refuse_finish_{table} ON {table}"),
    };
    sqlx::raw_sql(&sql)
        .execute(store.pool())
        .await
        .expect("drop trigger");
}

/// Ids of `table`'s rows, oldest first, with their status.
async fn rows(store: &Store, table: &str) -> Vec<(i64, String)> {
    let sql = format!("SELECT id, status FROM {table} ORDER BY id");
    sqlx::query_as::<_, (i64, String)>(&sql)
        .fetch_all(store.pool())
        .await
        .expect("rows")
}

#[tokio::test]
async fn a_callback_whose_outcome_cannot_be_stored_does_not_stall_its_batch() {
    let app = spawn_app().await;
    let store = &app.state.store;
    let users: Vec<String> = (1..=3).map(|i| app.active_user(i)).collect();
    for user in &users {
        app.sim
            .send_text(&app.target, user, "hello")
            .await
            .expect("sent");
    }
    let ids: Vec<i64> = rows(store, "inbox").await.iter().map(|r| r.0).collect();
    assert_eq!(ids.len(), 3, "three callbacks stored");
    fail_finishing(store, "inbox", ids[1]).await;

    let report = inbox::step(&app.state)
        .await
        .expect("a round with one unrecordable row still succeeds");
    assert_eq!((report.claimed, report.done), (3, 2), "{report:?}");
    assert_eq!(
        rows(store, "inbox").await,
        vec![
            (ids[0], "done".to_owned()),
            (ids[1], "processing".to_owned()),
            (ids[2], "done".to_owned()),
        ],
        "the rows after the failing one were finished in the same round"
    );

    // Once the fault is gone and the lease has run out, the row is handled again.
    allow_finishing(store, "inbox").await;
    app.clock.advance(app.state.settings.workers.lease_ms + 1);
    drain_inbox(&app).await;
    assert_eq!(
        app.inbox_stats().await.done,
        3,
        "the stalled row was handled later"
    );
    dispatch(&app).await;
    for user in &users {
        assert_eq!(app.sim.messages_for(user).len(), 1, "one answer to {user}");
    }
}

fn message(key: &str, user: &str, content: &str, duplicate_check: bool) -> NewOutboxItem {
    let mut message = Message::new(
        Recipients::users([user.to_owned()]),
        MessageBody::Text {
            content: content.to_owned(),
        },
    );
    message.enable_duplicate_check = duplicate_check;
    NewOutboxItem {
        idempotency_key: key.to_owned(),
        kind: "message".into(),
        agent_id: 1000002,
        recipient: Some(user.to_owned()),
        payload: serde_json::to_string(&message).expect("json"),
        not_before_ms: 0,
    }
}

async fn enqueue(app: &TestApp, items: &[NewOutboxItem]) {
    let mut tx = app.state.store.begin().await.expect("tx");
    Outbox::enqueue_many(&mut tx, items, app.clock.now_ms())
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
}

/// How often each text reached the simulator.
fn delivered(app: &TestApp) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for m in app.sim.messages() {
        let content = m.body["text"]["content"].as_str().unwrap_or_default();
        *seen.entry(content.to_owned()).or_default() += 1;
    }
    seen
}

#[tokio::test]
async fn a_push_whose_outcome_cannot_be_stored_does_not_stall_its_batch() {
    let app = spawn_app().await;
    let store = &app.state.store;
    let items: Vec<NewOutboxItem> = (0..3)
        .map(|i| {
            let user = app.active_user(i);
            message(&format!("stall:{i}"), &user, &format!("批次 {i}"), true)
        })
        .collect();
    enqueue(&app, &items).await;
    let ids: Vec<i64> = rows(store, "outbox").await.iter().map(|r| r.0).collect();
    fail_finishing(store, "outbox", ids[1]).await;

    let report = Dispatcher::new(&app.state)
        .step(&app.state)
        .await
        .expect("a round with one unrecordable row still succeeds");
    assert_eq!((report.claimed, report.sent), (3, 2), "{report:?}");
    assert_eq!(
        rows(store, "outbox").await,
        vec![
            (ids[0], "done".to_owned()),
            (ids[1], "processing".to_owned()),
            (ids[2], "done".to_owned()),
        ],
        "the rows after the failing one were sent and recorded in the same round"
    );

    allow_finishing(store, "outbox").await;
    app.clock.advance(app.state.settings.workers.lease_ms + 1);
    dispatch(&app).await;
    assert_eq!(app.outbox_stats().await.done, 3);
    let seen = delivered(&app);
    for i in 0..3 {
        // Sent again after the lease, and dropped by WeCom's duplicate check.
        assert_eq!(seen.get(&format!("批次 {i}")), Some(&1), "push {i}");
    }
}

#[tokio::test]
async fn a_redelivered_new_task_command_creates_one_task() {
    let s = crate::tasks::site(1).await;
    let app = &s.app;
    let eng = &s.engineers[0];
    // Callbacks are signed with the real time: the app's clock goes back to it.
    app.clock.advance(real_now_ms() - app.clock.now_ms());
    let agent = app.sim.app().expect("sim app").agent_id;
    // One message, one MsgId, arriving more than once.
    let xml = app
        .sim
        .xml_text_message(eng, "新建任务 二层顶板验收 明天", agent);
    app.sim
        .send_callback(&app.target, &xml, Some(agent))
        .await
        .expect("sent");
    drain_inbox(app).await;
    dispatch(app).await;
    let open = |app: &TestApp| {
        let store = app.state.store.clone();
        let eng = eng.clone();
        async move { store.tasks().open_of(&eng, 10).await.expect("tasks") }
    };
    assert_eq!(open(app).await.len(), 1, "the command created its task");

    // Handled again as a new row with the same MsgId: a redelivery after the inbox
    // forgot the key (the callback route's own fast path is bypassed here).
    let first = rows(&app.state.store, "inbox").await[0].0;
    let stored = app
        .state
        .store
        .inbox()
        .get(first)
        .await
        .expect("row")
        .expect("stored");
    let purged = app
        .state
        .store
        .inbox()
        .purge_done(app.clock.now_ms() + 1, 100)
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    let again = NewInboxItem {
        source: stored.source.clone(),
        dedupe_key: stored.dedupe_key.clone(),
        kind: stored.kind.clone(),
        payload: stored.payload.clone(),
        received_at_ms: app.clock.now_ms(),
    };
    assert_eq!(
        app.state
            .store
            .inbox()
            .insert_batch(&[again])
            .await
            .expect("insert"),
        vec![true],
        "stored again"
    );
    drain_inbox(app).await;

    // Handled again as the same row: a worker lost its lease before recording the
    // outcome, or an admin replays it.
    let id = rows(&app.state.store, "inbox").await[0].0;
    sqlx::query(
        "UPDATE inbox SET status = 'processing', claimed_until_ms = $1, \
           finished_at_ms = NULL WHERE id = $2",
    )
    .bind(app.clock.now_ms())
    .bind(id)
    .execute(app.state.store.pool())
    .await
    .expect("lease lost");
    drain_inbox(app).await;
    assert_eq!(
        app.state
            .store
            .inbox()
            .get(id)
            .await
            .expect("row")
            .map(|r| r.status),
        Some(ItemStatus::Done)
    );
    dispatch(app).await;

    let tasks = open(app).await;
    assert_eq!(
        tasks.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
        vec!["二层顶板验收"],
        "one task however often the message is handled"
    );
    let replies: Vec<String> = app
        .sim
        .messages_for(eng)
        .iter()
        .filter_map(|m| m.body["text"]["content"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert!(
        replies[0].starts_with("已新建任务「二层顶板验收」"),
        "{replies:?}"
    );
}

/// Waits (real time) until `done` holds.
async fn until<F, Fut>(what: &str, done: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..1_000 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn a_push_taken_over_after_its_lease_ran_out_is_sent_once() {
    const N: usize = 6;
    let app = spawn_app().await;
    let lease = app.state.settings.workers.lease_ms;
    // Without WeCom's duplicate check, so every second send would show.
    let items: Vec<NewOutboxItem> = (0..N)
        .map(|i| {
            let user = app.active_user(i);
            message(&format!("slow:{i}"), &user, &format!("慢批次 {i}"), false)
        })
        .collect();
    enqueue(&app, &items).await;
    // WeCom is slow for the first two sends: the first replica's batch outlives its lease.
    app.sim.inject(Fault {
        path: "/cgi-bin/message/send".into(),
        count: 2,
        kind: FaultKind::Delay(Duration::from_millis(1_000)),
    });

    let first = {
        let state = app.state.clone();
        let dispatcher = Dispatcher::new(&app.state);
        tokio::spawn(async move { dispatcher.step(&state).await })
    };
    let status_of = |key: &'static str| {
        let store = app.state.store.clone();
        async move {
            store
                .outbox()
                .get_by_key(key)
                .await
                .expect("row")
                .map(|r| r.status)
        }
    };
    until("the first replica claimed the batch", || async {
        app.outbox_stats().await.processing == N as i64
    })
    .await;
    // Half a lease passes while the first push is on its way.
    app.clock.advance(lease / 2);
    assert_eq!(
        status_of("slow:0").await,
        Some(ItemStatus::Processing),
        "the first send is still slow"
    );
    until("the first push was sent", || async {
        status_of("slow:0").await == Some(ItemStatus::Done)
    })
    .await;
    // The second push is on its way; then the batch's lease runs out and a second replica
    // claims what the first has not reached.
    tokio::time::sleep(Duration::from_millis(200)).await;
    app.clock.advance(lease / 2 + 1);
    let second = Dispatcher::new(&app.state);
    let mut taken = 0;
    loop {
        let report = second.step(&app.state).await.expect("second replica");
        if report.claimed == 0 {
            break;
        }
        taken += report.claimed;
    }
    assert!(taken > 0, "the second replica took over part of the batch");
    let report = first.await.expect("joined").expect("first replica");

    dispatch(&app).await;
    assert_eq!(app.outbox_stats().await.done, N as i64);
    let seen = delivered(&app);
    for i in 0..N {
        assert_eq!(seen.get(&format!("慢批次 {i}")), Some(&1), "push {i}");
    }
    assert_eq!(report.sent + taken, N, "{report:?}");
}
