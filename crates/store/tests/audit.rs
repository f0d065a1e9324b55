//! The audit chain on SQLite always and on PostgreSQL when `GANTRY_TEST_PG_URL` is set:
//! appends and lists, every kind of tampering a raw SQL user could try, and concurrent
//! appenders that must not fork the chain.

#![allow(
    clippy::unwrap_used,
    reason = "a failed step should stop the story loudly"
)]

mod support;

use store::sqlx;
use store::{
    Audit, AuditEntry, AuditFilter, Broken, GENESIS_HASH, NewAuditEntry, Problem, Store, StoreError,
};

const T0: i64 = 1_700_000_000_000;

both_backends! {
    append_list_verify => append_list_verify,
    edited_columns => edited_columns,
    removed_and_reordered => removed_and_reordered,
    tail_and_head => tail_and_head,
    long_chain => long_chain,
    concurrent_appends => concurrent_appends,
    console_filters => console_filters,
}

fn entry(n: i64, actor: &str) -> NewAuditEntry {
    NewAuditEntry {
        at_ms: T0 + n,
        actor: actor.to_owned(),
        ip: (n % 2 == 1).then(|| format!("10.0.0.{n}")),
        action: if n == 1 {
            "project.create"
        } else {
            "project.update"
        }
        .to_owned(),
        target_type: "project".to_owned(),
        target_id: format!("p{}", n % 3),
        before_json: (n > 1).then(|| format!(r#"{{"n":{}}}"#, n - 1)),
        after_json: Some(format!(r#"{{"n":{n},"名称":"一期"}}"#)),
        project_id: None,
    }
}

async fn append_n(store: &Store, n: i64) -> Vec<AuditEntry> {
    let mut rows = Vec::new();
    for i in 1..=n {
        rows.push(
            store
                .audit()
                .append_now(&entry(i, "zhangsan"))
                .await
                .unwrap(),
        );
    }
    rows
}

fn broken_at(id: i64, problem: Problem) -> Option<Broken> {
    Some(Broken { id, problem })
}

async fn exec(store: &Store, sql: &str) {
    sqlx::query(sql).execute(store.pool()).await.unwrap();
}

async fn append_list_verify(store: &Store) {
    let audit = store.audit();
    let empty = audit.verify().await.unwrap();
    assert!(empty.is_intact(), "{empty}");
    assert_eq!((empty.checked, empty.head_id), (0, 0));
    assert_eq!(empty.head_hash, GENESIS_HASH);

    let rows = append_n(store, 3).await;
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(rows[0].prev_hash, GENESIS_HASH);
    assert_eq!(rows[1].prev_hash, rows[0].hash);
    assert_eq!(rows[2].compute_hash(), rows[2].hash);

    // A business change and its audit row commit together, or not at all.
    let mut tx = store.begin().await.unwrap();
    sqlx::query("INSERT INTO settings (name, value, updated_at_ms) VALUES ('k', '1', 0)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let lost = Audit::append(&mut tx, &entry(4, "lisi")).await.unwrap();
    assert_eq!(lost.id, 4);
    drop(tx);
    assert_eq!(store.settings().get("k").await.unwrap(), None);
    // The rolled-back id is reused: no gap for verify to mistake for a deleted row.
    let mut tx = store.begin().await.unwrap();
    let kept = Audit::append(&mut tx, &entry(4, "lisi")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (kept.id, kept.prev_hash.as_str()),
        (4, rows[2].hash.as_str())
    );

    // Outside any transaction the append still runs in one of its own.
    let mut conn = store.pool().acquire().await.unwrap();
    let fifth = Audit::append(&mut conn, &entry(5, "system")).await.unwrap();
    conn.close().await.unwrap();
    assert_eq!(fifth.id, 5);

    let report = audit.verify().await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!((report.checked, report.head_id), (5, 5));
    assert_eq!(report.head_hash, fifth.hash);
    assert!(report.to_string().starts_with("audit chain intact: 5 rows"));

    // Newest first, filtered, paged by id.
    let all = audit.list(&AuditFilter::default(), 10, None).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.id).collect::<Vec<_>>(),
        [5, 4, 3, 2, 1]
    );
    assert_eq!(all[4], rows[0]);
    assert_eq!(
        all[1].after_json.as_deref(),
        Some(r#"{"n":4,"名称":"一期"}"#)
    );
    let page = audit
        .list(&AuditFilter::default(), 2, Some(4))
        .await
        .unwrap();
    assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 2]);
    let by = |actor: &str| AuditFilter {
        actor: Some(actor.to_owned()),
        ..AuditFilter::default()
    };
    assert_eq!(audit.list(&by("lisi"), 10, None).await.unwrap(), [kept]);
    let target = AuditFilter {
        action: Some("project.update".into()),
        target_type: Some("project".into()),
        target_id: Some("p2".into()),
        ..AuditFilter::default()
    };
    let ids: Vec<i64> = audit
        .list(&target, 10, None)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [5, 2]);
    let ids: Vec<i64> = audit
        .list(&by("zhangsan"), 10, Some(3))
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [2, 1]);
}

/// Changing any single column of row 3 with raw SQL is caught at row 3.
async fn edited_columns(store: &Store) {
    let rows = append_n(store, 5).await;
    let third = &rows[2];
    assert!(third.ip.is_some() && third.before_json.is_some());
    let edited = Problem::Edited;
    let cases = [
        ("at_ms = at_ms + 1", edited.clone()),
        ("actor = 'mallory'", edited.clone()),
        ("ip = '6.6.6.6'", edited.clone()),
        ("ip = NULL", edited.clone()),
        ("action = 'project.delete'", edited.clone()),
        ("target_type = 'task'", edited.clone()),
        ("target_id = 'p9'", edited.clone()),
        ("before_json = NULL", edited.clone()),
        ("after_json = '{\"n\":3,\"budget\":0}'", edited.clone()),
        ("hash = '0' || hash", edited),
        ("prev_hash = '0' || prev_hash", Problem::Unlinked),
        ("id = 1003", Problem::Missing { found: 4 }),
    ];
    for (set, problem) in cases {
        exec(store, &format!("UPDATE audit_log SET {set} WHERE id = 3")).await;
        let report = store.audit().verify().await.unwrap();
        assert_eq!(report.broken, broken_at(3, problem), "{set}");
        assert_eq!(report.checked, 2, "{set}");
        restore(store, third).await;
        assert!(store.audit().verify().await.unwrap().is_intact(), "{set}");
    }

    // Re-hashing the edited row is not enough: the next row no longer links to it.
    let mut forged = third.clone();
    forged.actor = "mallory".into();
    forged.hash = forged.compute_hash();
    restore(store, &forged).await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(4, Problem::Unlinked));
    assert!(report.to_string().contains("BROKEN at #4"), "{report}");
}

/// Writes every column of `row` back over id 3 (or 1003, after an id edit).
async fn restore(store: &Store, row: &AuditEntry) {
    sqlx::query(
        "UPDATE audit_log SET id = $1, at_ms = $2, actor = $3, ip = $4, action = $5, \
         target_type = $6, target_id = $7, before_json = $8, after_json = $9, \
         prev_hash = $10, hash = $11 WHERE id IN (3, 1003)",
    )
    .bind(row.id)
    .bind(row.at_ms)
    .bind(row.actor.as_str())
    .bind(row.ip.as_deref())
    .bind(row.action.as_str())
    .bind(row.target_type.as_str())
    .bind(row.target_id.as_str())
    .bind(row.before_json.as_deref())
    .bind(row.after_json.as_deref())
    .bind(row.prev_hash.as_str())
    .bind(row.hash.as_str())
    .execute(store.pool())
    .await
    .unwrap();
}

async fn removed_and_reordered(store: &Store) {
    append_n(store, 5).await;
    // Swapping rows 2 and 3 (every column moves with its id) breaks the link at 2.
    exec(store, "UPDATE audit_log SET id = -2 WHERE id = 2").await;
    exec(store, "UPDATE audit_log SET id = 2 WHERE id = 3").await;
    exec(store, "UPDATE audit_log SET id = 3 WHERE id = -2").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(2, Problem::Unlinked));
    // A row slipped in below the chain.
    exec(store, "UPDATE audit_log SET id = 0 WHERE id = 2").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(0, Problem::Foreign));

    exec(store, "DELETE FROM audit_log WHERE id = 0").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(2, Problem::Missing { found: 3 }));
    assert_eq!(report.checked, 1);
}

/// Truncating the tail: the chain alone cannot see it, the head can, and a head rewound
/// along with it cannot (which is why operators anchor the head outside the database).
async fn tail_and_head(store: &Store) {
    let rows = append_n(store, 5).await;
    exec(store, "DELETE FROM audit_log WHERE id = 5").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(
        report.broken,
        broken_at(5, Problem::Truncated { head_id: 5 })
    );
    assert_eq!(report.checked, 4);

    // Rewinding only the id still leaves the old hash behind.
    exec(store, "UPDATE audit_head SET last_id = 4").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(4, Problem::HeadMismatch));

    // Rewinding the head completely makes the truncation invisible from inside the
    // database: only a head hash recorded elsewhere (rows[4].hash) would reveal it.
    sqlx::query("UPDATE audit_head SET last_hash = $1")
        .bind(rows[3].hash.as_str())
        .execute(store.pool())
        .await
        .unwrap();
    let report = store.audit().verify().await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert_ne!(report.head_hash, rows[4].hash);

    // A row inserted past the head, bypassing append.
    insert_foreign(store, &rows[4]).await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(5, Problem::Foreign));

    exec(store, "DELETE FROM audit_head").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(report.broken, broken_at(0, Problem::HeadMissing));
    let err = store
        .audit()
        .append_now(&entry(6, "system"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
}

async fn insert_foreign(store: &Store, row: &AuditEntry) {
    exec(
        store,
        &format!(
            "INSERT INTO audit_log (id, at_ms, actor, action, target_type, target_id, \
             prev_hash, hash) VALUES ({}, 0, 'x', 'x', 'x', 'x', '{}', '{}')",
            row.id, row.prev_hash, row.hash
        ),
    )
    .await;
}

/// More rows than one verify batch: the walk pages through and still pinpoints a gap.
async fn long_chain(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    for i in 1..=2100 {
        Audit::append(&mut tx, &entry(i, "system")).await.unwrap();
    }
    tx.commit().await.unwrap();
    let report = store.audit().verify().await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.checked, 2100);

    exec(store, "DELETE FROM audit_log WHERE id = 1500").await;
    let report = store.audit().verify().await.unwrap();
    assert_eq!(
        report.broken,
        broken_at(1500, Problem::Missing { found: 1501 })
    );
    assert_eq!(report.checked, 1499);
}

/// 4 appenders × 50 rows, each in its own transaction next to a business write: every
/// row lands and the chain stays one line.
async fn concurrent_appends(store: &Store) {
    let mut tasks = Vec::new();
    for t in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..50 {
                let mut tx = store.begin().await.unwrap();
                sqlx::query(
                    "INSERT INTO settings (name, value, updated_at_ms) VALUES ($1, '1', 0)",
                )
                .bind(format!("t{t}.{i}"))
                .execute(&mut *tx)
                .await
                .unwrap();
                Audit::append(&mut tx, &entry(i, &format!("user{t}")))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = store.audit().verify().await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!((report.checked, report.head_id), (200, 200));
    for t in 0..4 {
        let filter = AuditFilter {
            actor: Some(format!("user{t}")),
            ..AuditFilter::default()
        };
        assert_eq!(
            store.audit().list(&filter, 100, None).await.unwrap().len(),
            50
        );
    }
}

/// The admin console's filters: an action prefix (whose `_` is no wildcard), a project
/// (rows filed under it, and older rows whose target is the project itself), a time
/// range; and the project id is part of the hash.
async fn console_filters(store: &Store) {
    let audit = store.audit();
    let row = |n: i64, action: &str, target: (&str, &str), project: Option<i64>| NewAuditEntry {
        action: action.to_owned(),
        target_type: target.0.to_owned(),
        target_id: target.1.to_owned(),
        project_id: project,
        ..entry(n, "zhangsan")
    };
    for new in [
        row(1, "project.update", ("project", "7"), None),
        row(2, "task.create", ("task", "30"), Some(7)),
        row(3, "approval.add_signer", ("approval", "4"), Some(7)),
        row(4, "approval.approve", ("approval", "5"), Some(8)),
        row(5, "approvalXadd_signer", ("approval", "6"), None),
        row(6, "project.update", ("project", "8"), Some(8)),
    ] {
        audit.append_now(&new).await.unwrap();
    }
    let ids = |filter: AuditFilter| async move {
        audit
            .list(&filter, 10, None)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    let prefix = |p: &str| AuditFilter {
        action_prefix: Some(p.to_owned()),
        ..AuditFilter::default()
    };
    assert_eq!(ids(prefix("approval.")).await, [4, 3]);
    assert_eq!(ids(prefix("approval.add_")).await, [3]);
    assert_eq!(ids(prefix("Approval.")).await, Vec::<i64>::new());
    let project = |p: i64| AuditFilter {
        project_id: Some(p),
        ..AuditFilter::default()
    };
    assert_eq!(ids(project(7)).await, [3, 2, 1]);
    assert_eq!(ids(project(8)).await, [6, 4]);
    let span = AuditFilter {
        from_ms: Some(T0 + 2),
        to_ms: Some(T0 + 5),
        ..project(7)
    };
    assert_eq!(ids(span).await, [3, 2]);
    let got = audit.get(3).await.unwrap().unwrap();
    assert_eq!(
        (got.project_id, got.action.as_str()),
        (Some(7), "approval.add_signer")
    );
    assert!(audit.get(99).await.unwrap().is_none());

    assert!(audit.verify().await.unwrap().is_intact());
    exec(store, "UPDATE audit_log SET project_id = 8 WHERE id = 2").await;
    let report = audit.verify().await.unwrap();
    assert_eq!(report.broken, broken_at(2, Problem::Edited));
}
