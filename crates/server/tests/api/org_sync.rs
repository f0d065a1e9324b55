//! The full org sync against a generated 1,000-member company: exact, idempotent,
//! fault-tolerant, cheap in calls, and never firing anyone on a partial read.

use std::collections::HashMap;

use domain::clock::Clock as _;
use server::org::sync::{
    self as org_sync, PROGRESS_KEY, Stage, SyncOptions, SyncProgress, SyncReport,
};
use wecom_sim::{Chaos, Fault, FaultKind, OrgSpec, SimConfig};

use crate::helpers::{Setup, TestApp, spawn_with};

const USERS: usize = 1_000;
const DEPARTMENTS: usize = 80;
const TAGS: usize = 12;

async fn company() -> TestApp {
    spawn_with(Setup {
        sim: SimConfig {
            org: OrgSpec {
                users: USERS,
                departments: DEPARTMENTS,
                tags: TAGS,
                seed: 2026,
            },
            ..SimConfig::default()
        },
        ..Setup::default()
    })
    .await
}

/// Quick retries, and enough of them that 20 % faults cannot exhaust them in practice.
fn options(app: &TestApp) -> SyncOptions {
    SyncOptions {
        attempts: 12,
        base_delay_ms: 2,
        max_delay_ms: 40,
        progress: Some(app.state.cache.clone()),
        ..SyncOptions::default()
    }
}

async fn sync(app: &TestApp) -> SyncReport {
    org_sync::sync_with(
        &app.state.wecom,
        &app.state.store,
        &app.state.cipher,
        &options(app),
        app.clock.now_ms(),
    )
    .await
    .expect("sync")
}

/// Syncs once more and checks it wrote nothing: the store already matches WeCom.
async fn sync_again_changes_nothing(app: &TestApp) -> SyncReport {
    let again = sync(app).await;
    assert_eq!(
        (again.added, again.changed, again.left),
        (0, 0, 0),
        "{again:?}"
    );
    again
}

/// Every department, member and tag of the simulator is in the store, field by field.
async fn assert_exact(app: &TestApp) {
    let org = app.sim.org();
    let store = app.state.store.org();
    let departments: HashMap<i64, _> = store
        .departments()
        .await
        .expect("departments")
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    assert_eq!(departments.len(), org.departments.len());
    for d in &org.departments {
        let stored = &departments[&d.id];
        assert_eq!(stored.name, d.name);
        assert_eq!(stored.name_en, d.name_en);
        assert_eq!(stored.parent_id, d.parentid);
        assert_eq!(stored.order, i64::from(d.order));
        assert_eq!(stored.leaders, d.department_leader);
    }
    let members: HashMap<String, _> = store
        .members(false)
        .await
        .expect("members")
        .into_iter()
        .map(|m| (m.userid.clone(), m))
        .collect();
    assert_eq!(members.len(), org.users.len());
    for u in &org.users {
        let m = &members[&u.userid];
        assert_eq!(m.name, u.name, "{}", u.userid);
        let ids: Vec<i64> = m.departments.iter().map(|d| d.department_id).collect();
        assert_eq!(ids, u.department, "{}", u.userid);
        let leaders: Vec<u8> = m
            .departments
            .iter()
            .map(|d| u8::from(d.is_leader))
            .collect();
        assert_eq!(leaders, u.is_leader_in_dept, "{}", u.userid);
        let orders: Vec<i64> = m.departments.iter().map(|d| d.order).collect();
        let expected: Vec<i64> = u.order.iter().map(|&o| i64::from(o)).collect();
        assert_eq!(orders, expected, "{}", u.userid);
        assert_eq!(
            m.position.as_deref().unwrap_or(""),
            u.position,
            "{}",
            u.userid
        );
        assert_eq!(m.status, i32::from(u.status), "{}", u.userid);
        assert_eq!(m.main_department, Some(u.main_department), "{}", u.userid);
        assert_eq!(m.direct_leaders, u.direct_leader, "{}", u.userid);
        assert_eq!(m.left_at_ms, None, "{}", u.userid);
    }
    let tags = store.tags().await.expect("tags");
    assert_eq!(tags.len(), org.tags.len());
    for (stored, t) in tags.iter().zip(&org.tags) {
        let mut users = t.users.clone();
        users.sort();
        let mut parties = t.parties.clone();
        parties.sort_unstable();
        assert_eq!((stored.id, &stored.name), (t.tagid, &t.tagname));
        assert_eq!(stored.userids, users, "tag {}", t.tagid);
        assert_eq!(stored.department_ids, parties, "tag {}", t.tagid);
    }
}

#[tokio::test]
async fn a_full_sync_is_exact_cheap_and_a_repeat_changes_nothing() {
    let app = company().await;
    app.sim.clear_calls();
    let first = sync(&app).await;
    assert!(first.errors.is_empty(), "{first:?}");
    assert_eq!(first.added, DEPARTMENTS + USERS + TAGS, "{first:?}");
    assert_eq!((first.changed, first.left), (0, 0));
    assert_exact(&app).await;

    // department/list, user/list per department, tag/list, tag/get per tag, a token.
    let sent = app.sim.calls().len();
    assert!(sent <= DEPARTMENTS + TAGS + 5, "{sent} calls");
    assert_eq!(app.sim.calls_to("/cgi-bin/user/list"), DEPARTMENTS);
    assert_eq!(
        first.wecom_calls,
        u64::try_from(DEPARTMENTS + TAGS + 2).expect("small")
    );

    let progress: SyncProgress = serde_json::from_str(
        &app.state
            .cache
            .get(PROGRESS_KEY)
            .await
            .expect("cache")
            .expect("progress"),
    )
    .expect("progress json");
    assert_eq!((progress.stage, progress.percent), (Stage::Done, 100));

    let again = sync_again_changes_nothing(&app).await;
    assert_eq!(again.unchanged, DEPARTMENTS + USERS + TAGS);
    assert_exact(&app).await;

    // One real change is one write.
    let user = app.sim.org().users[3].userid.clone();
    app.sim.delete_user(&user).expect("deleted");
    let third = sync(&app).await;
    assert_eq!(
        (third.added, third.changed, third.left),
        (0, 0, 1),
        "{third:?}"
    );
}

#[tokio::test]
async fn twenty_percent_random_faults_still_give_an_exact_copy() {
    let app = company().await;
    app.sim.set_chaos(Chaos::new(
        "*",
        20,
        vec![
            FaultKind::Errcode(-1),
            FaultKind::Errcode(45033),
            FaultKind::HttpStatus(502),
            FaultKind::DropConnection,
        ],
        7,
    ));
    let report = sync(&app).await;
    app.sim.clear_faults();
    assert!(report.errors.is_empty(), "{report:?}");
    assert!(report.wecom_calls > u64::try_from(DEPARTMENTS + TAGS + 2).expect("small"));
    assert_exact(&app).await;
    sync_again_changes_nothing(&app).await;
}

/// A refused list call is read the slow way (ids, then details) and the copy is still
/// exact, leavers included.
#[tokio::test]
async fn refused_list_calls_fall_back_to_ids_and_details() {
    let app = company().await;
    sync(&app).await;
    let gone = app.sim.org().users[5].userid.clone();
    app.sim.delete_user(&gone).expect("deleted");
    let renamed = app.active_user(9);
    app.sim
        .update_user(&renamed, |u| u.name = "改了名".into())
        .expect("renamed");
    app.sim.inject(Fault {
        path: "/cgi-bin/department/list".into(),
        count: 1,
        kind: FaultKind::Errcode(48002),
    });
    app.sim.inject(Fault {
        path: "/cgi-bin/user/list".into(),
        count: 3,
        kind: FaultKind::Errcode(48002),
    });
    let before = app.sim.calls_to("/cgi-bin/user/get");
    let report = sync(&app).await;
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(report.fallbacks.len(), 2, "{report:?}");
    assert!(
        report.fallbacks[0].contains("department/simplelist"),
        "{report:?}"
    );
    assert!(report.fallbacks[1].contains("3 department"), "{report:?}");
    assert!(app.sim.calls_to("/cgi-bin/department/get") >= DEPARTMENTS);
    assert!(app.sim.calls_to("/cgi-bin/user/get") > before);
    assert_eq!(report.left, 1, "{report:?}");
    assert_exact(&app).await;
}

/// When even the fallback is refused, the department is skipped and reported, and a
/// partial read fires nobody.
#[tokio::test]
async fn an_unreadable_department_is_reported_and_nobody_is_marked_left() {
    let app = company().await;
    sync(&app).await;
    let gone = app.sim.org().users[5].userid.clone();
    app.sim.delete_user(&gone).expect("deleted");
    for path in ["/cgi-bin/user/list", "/cgi-bin/user/simplelist"] {
        app.sim.inject(Fault {
            path: path.into(),
            count: 1,
            kind: FaultKind::Errcode(48002),
        });
    }
    let report = sync(&app).await;
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert!(report.errors[0].contains("48002"), "{report:?}");
    assert_eq!(report.left, 0, "a partial read must not fire anyone");
    let store = app.state.store.org();
    assert_eq!(
        store.count_members(false).await.expect("count"),
        i64::try_from(USERS).expect("small")
    );
    let kept = store.member(&gone).await.expect("read").expect("kept");
    assert_eq!(kept.left_at_ms, None);

    // Once every department reads again, the leaver is marked.
    let healed = sync(&app).await;
    assert!(healed.errors.is_empty(), "{healed:?}");
    assert_eq!(healed.left, 1);
}

/// Contact events applied while a slow full sync is reading are newer than its snapshot:
/// the sync must neither undo them (old names, leavers brought back, newcomers fired)
/// nor lose them.
#[tokio::test]
async fn a_burst_of_change_events_during_a_full_sync_is_neither_lost_nor_overwritten() {
    let app = company().await;
    sync(&app).await;
    // Slow reads, two at a time: the sync spends about a second reading members.
    app.sim.inject(Fault {
        path: "/cgi-bin/user/list".into(),
        count: u32::try_from(DEPARTMENTS).expect("small"),
        kind: FaultKind::Delay(std::time::Duration::from_millis(25)),
    });
    let slow = SyncOptions {
        concurrency: 2,
        ..options(&app)
    };
    let full = org_sync::sync_with(
        &app.state.wecom,
        &app.state.store,
        &app.state.cipher,
        &slow,
        app.clock.now_ms(),
    );
    let burst = async {
        // Once reading has begun, change the directory and deliver the events.
        loop {
            let progress = app.state.cache.get(PROGRESS_KEY).await.expect("cache");
            let reading = progress
                .and_then(|p| serde_json::from_str::<SyncProgress>(&p).ok())
                .is_some_and(|p| p.stage == Stage::Members && p.done > DEPARTMENTS / 4);
            if reading {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let sim = &app.sim;
        let mut events = Vec::new();
        for nth in 0..30 {
            let userid = app.active_user(nth * 25);
            events.push(
                sim.update_user(&userid, |u| u.name = format!("{}（改）", u.name))
                    .expect("renamed"),
            );
        }
        for nth in 0..5 {
            let userid = app.active_user(nth * 97 + 3);
            events.push(sim.delete_user(&userid).expect("deleted"));
        }
        for n in 0..5 {
            let mut user = sim.org().users[n * 11].clone();
            user.userid = format!("burst{n:02}");
            user.name = format!("新人{n}");
            events.push(sim.add_user(user).expect("added"));
        }
        crate::contacts::deliver(&app, &events).await;
    };
    let (report, ()) = tokio::join!(full, burst);
    let report = report.expect("sync");
    assert!(report.errors.is_empty(), "{report:?}");
    assert_exact(&app).await;
    // Nothing the sync skipped is stale: a later sync agrees with what is stored.
    sync_again_changes_nothing(&app).await;
}

/// The daily sync: started by housekeeping when due, never twice at once, and not
/// again until the interval has passed.
#[tokio::test]
async fn the_scheduled_sync_runs_once_per_interval_and_never_beside_another() {
    let app = company().await;
    let state = &app.state;
    // An admin's (or the CLI's) sync holds the lock: the schedule waits.
    assert!(
        org_sync::try_begin(state.cache.as_ref(), "admin")
            .await
            .expect("lock")
    );
    assert!(!server::workers::schedule::org_sync_if_due(state).await);
    org_sync::end(state.cache.as_ref()).await;

    assert!(server::workers::schedule::org_sync_if_due(state).await);
    let last = loop {
        let recorded = state
            .store
            .settings()
            .get(org_sync::LAST_SYNC_KEY)
            .await
            .expect("read");
        let running = state.cache.get(org_sync::RUNNING_KEY).await.expect("cache");
        if let (Some(v), None) = (recorded, running) {
            break serde_json::from_str::<org_sync::LastSync>(&v).expect("json");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(last.report.expect("succeeded").members, USERS);
    // The run is in the audit trail, summarised.
    let filter = store::AuditFilter {
        action: Some("org.sync".into()),
        ..store::AuditFilter::default()
    };
    let rows = state
        .store
        .audit()
        .list(&filter, 5, None)
        .await
        .expect("audit");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor, "system");
    assert!(
        rows[0]
            .after_json
            .as_deref()
            .is_some_and(|a| a.contains(&format!("\"members\":{USERS}"))),
        "{:?}",
        rows[0].after_json
    );
    assert_eq!(
        app.state
            .store
            .org()
            .count_members(false)
            .await
            .expect("count"),
        i64::try_from(USERS).expect("small")
    );
    assert!(
        !server::workers::schedule::org_sync_if_due(state).await,
        "not due yet"
    );
    app.clock.advance(23 * 3_600_000);
    assert!(
        !server::workers::schedule::org_sync_if_due(state).await,
        "not due yet"
    );
    app.clock.advance(3_600_000);
    assert!(
        server::workers::schedule::org_sync_if_due(state).await,
        "a day later"
    );
}
