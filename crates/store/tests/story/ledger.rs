//! The project ledger: entries with every field, optimistic edits, tags, the list's
//! filters, sorting, pages and visibility.

use domain::access::ProjectRole;
use domain::calendar::Day;
use domain::ledger::{ContractStatus, Coordinates, Ledger};
use domain::project::ProjectStatus;
use store::{ProjectQuery, ProjectSort, Projects, ScheduleSettings, Store, Visibility};

use super::T0;

fn entry(code: &str, name: &str, department: i64) -> Ledger {
    let mut l = Ledger::new(code, name, department, ProjectStatus::Active);
    l.kind = "房建".into();
    l.client = "滨江置业有限公司".into();
    l.address = "杭州市滨江区江南大道 100 号".into();
    l.location = Some(Coordinates {
        lat: 30.208_765,
        lng: 120.212_345,
    });
    l.contract_fen = Some(12_345_678_901);
    l.budget_fen = Some(11_000_000_000);
    l.contract_status = ContractStatus::Performing;
    l.planned_start = Day::parse("2026-03-01");
    l.planned_finish = Day::parse("2027-06-30");
    l.actual_start = Day::parse("2026-03-05");
    l.tags = vec!["EPC".into(), "重点".into()];
    l
}

async fn create(store: &Store, ledger: &Ledger) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = Projects::create_on(&mut tx, ledger, "admin", T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn codes(page: &store::ProjectPage) -> Vec<&str> {
    page.items.iter().map(|r| r.ledger.code.as_str()).collect()
}

pub async fn run(store: &Store) {
    let projects = store.projects();
    let full = entry("HZ-001", "滨江花园一期", 2);
    let id = create(store, &full).await;
    let stored = projects.ledger(id).await.unwrap().unwrap();
    assert_eq!(stored.ledger, full, "every field comes back as written");
    assert_eq!((stored.version, stored.created_by.as_str()), (1, "admin"));

    // A taken code is a conflict, and the failed transaction leaves nothing behind.
    let mut tx = store.begin().await.unwrap();
    let taken = Projects::create_on(&mut tx, &full, "admin", T0).await;
    assert!(taken.unwrap_err().is_conflict());
    drop(tx);

    // Edits carry the version read; a stale one changes nothing.
    let mut edited = full.clone();
    edited.name = "滨江花园一期（主体）".into();
    edited.tags = vec!["重点".into()];
    edited.location = None;
    let mut tx = store.begin().await.unwrap();
    let saved = Projects::update_on(&mut tx, id, 1, &edited, T0 + 1).await;
    assert_eq!(saved.unwrap(), Some(2));
    let stale = Projects::update_on(&mut tx, id, 1, &full, T0 + 2).await;
    assert_eq!(stale.unwrap(), None);
    tx.commit().await.unwrap();
    let stored = projects.ledger(id).await.unwrap().unwrap();
    assert_eq!((stored.ledger.clone(), stored.version), (edited, 2));
    assert_eq!(stored.updated_at_ms, T0 + 1);

    // Schedule settings are kept beside the ledger and survive its edits.
    let settings = ScheduleSettings {
        shift_successors: false,
        lag_alert_days: Some(5),
        escalate_after_days: None,
        alerted_day: None,
    };
    assert!(projects.set_schedule_settings(id, &settings).await.unwrap());
    assert!(
        !projects
            .set_schedule_settings(id + 99, &settings)
            .await
            .unwrap()
    );
    assert_eq!(
        projects.schedule_settings(id).await.unwrap(),
        Some(settings)
    );

    // A second and third project for the list.
    let mut road = entry("HZ-002", "之江路改造", 3);
    road.kind = "市政".into();
    road.status = ProjectStatus::Suspended;
    road.planned_start = None;
    road.contract_fen = Some(500);
    road.tags = vec!["EPC".into()];
    let road_id = create(store, &road).await;
    let mut bridge = entry("NB-100", "甬江大桥_50%段", 2);
    bridge.client = "宁波交投".into();
    bridge.contract_fen = None;
    bridge.planned_start = Day::parse("2025-01-01");
    let bridge_id = create(store, &bridge).await;
    let mut tx = store.begin().await.unwrap();
    Projects::add_member_on(&mut tx, road_id, "pm1", ProjectRole::Manager, "admin", T0)
        .await
        .unwrap();
    Projects::add_member_on(
        &mut tx,
        bridge_id,
        "pm1",
        ProjectRole::Engineer,
        "admin",
        T0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let all = ProjectQuery {
        limit: 10,
        ..ProjectQuery::default()
    };
    let page = projects.list(&all).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(codes(&page), ["HZ-001", "HZ-002", "NB-100"]);
    assert_eq!(
        page.items[0].ledger.tags,
        ["重点"],
        "tags come with the page"
    );

    let search = |text: &str| ProjectQuery {
        text: Some(text.into()),
        ..all.clone()
    };
    assert_eq!(
        codes(&projects.list(&search("hz-00")).await.unwrap()),
        ["HZ-001", "HZ-002"]
    );
    assert_eq!(
        codes(&projects.list(&search("宁波")).await.unwrap()),
        ["NB-100"]
    );
    assert_eq!(
        codes(&projects.list(&search("_50%")).await.unwrap()),
        ["NB-100"]
    );
    assert!(projects.list(&search("1%")).await.unwrap().items.is_empty());

    let filtered = |f: &dyn Fn(&mut ProjectQuery)| {
        let mut q = all.clone();
        f(&mut q);
        q
    };
    let by_status = filtered(&|q| q.statuses = vec![ProjectStatus::Suspended]);
    assert_eq!(codes(&projects.list(&by_status).await.unwrap()), ["HZ-002"]);
    let by_kind = filtered(&|q| q.kind = Some("房建".into()));
    assert_eq!(
        codes(&projects.list(&by_kind).await.unwrap()),
        ["HZ-001", "NB-100"]
    );
    let by_tag = filtered(&|q| q.tag = Some("EPC".into()));
    assert_eq!(
        codes(&projects.list(&by_tag).await.unwrap()),
        ["HZ-002", "NB-100"]
    );
    let by_department = filtered(&|q| q.departments = vec![3]);
    assert_eq!(
        codes(&projects.list(&by_department).await.unwrap()),
        ["HZ-002"]
    );
    let by_member = filtered(&|q| q.member = Some("pm1".into()));
    assert_eq!(
        codes(&projects.list(&by_member).await.unwrap()),
        ["HZ-002", "NB-100"]
    );
    let by_role = filtered(&|q| {
        q.member = Some("pm1".into());
        q.member_role = Some(ProjectRole::Manager);
    });
    assert_eq!(codes(&projects.list(&by_role).await.unwrap()), ["HZ-002"]);

    // Unset values sort last both ways, on both backends.
    let by_start = filtered(&|q| q.sort = ProjectSort::PlannedStart);
    assert_eq!(
        codes(&projects.list(&by_start).await.unwrap()),
        ["NB-100", "HZ-001", "HZ-002"]
    );
    let by_start_desc = filtered(&|q| {
        q.sort = ProjectSort::PlannedStart;
        q.descending = true;
    });
    assert_eq!(
        codes(&projects.list(&by_start_desc).await.unwrap()),
        ["HZ-001", "NB-100", "HZ-002"]
    );
    let by_amount = filtered(&|q| {
        q.sort = ProjectSort::ContractAmount;
        q.descending = true;
    });
    assert_eq!(
        codes(&projects.list(&by_amount).await.unwrap()),
        ["HZ-001", "HZ-002", "NB-100"]
    );

    // Pages, and what a member may see.
    let second = filtered(&|q| {
        q.limit = 2;
        q.offset = 2;
    });
    let page = projects.list(&second).await.unwrap();
    assert_eq!((page.total, codes(&page)), (3, vec!["NB-100"]));
    let mine = filtered(&|q| {
        q.visibility = Visibility::Limited {
            projects: vec![road_id],
            departments: vec![2],
        };
    });
    assert_eq!(
        codes(&projects.list(&mine).await.unwrap()),
        ["HZ-001", "HZ-002", "NB-100"]
    );
    let only_road = filtered(&|q| {
        q.visibility = Visibility::Limited {
            projects: vec![road_id],
            departments: Vec::new(),
        };
    });
    let page = projects.list(&only_road).await.unwrap();
    assert_eq!((page.total, codes(&page)), (1, vec!["HZ-002"]));

    // Imports look entries up by code; managers by project.
    let found = projects
        .ledgers_by_code(&["NB-100".into(), "HZ-002".into(), "XX".into()])
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found["HZ-002"].ledger, road);
    let managers = projects
        .holders_of(&[id, road_id, bridge_id], ProjectRole::Manager)
        .await
        .unwrap();
    assert_eq!(managers.get(&road_id).unwrap(), &["pm1".to_owned()]);
    assert!(!managers.contains_key(&bridge_id));
}
