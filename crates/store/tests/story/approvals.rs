//! Approval templates and instances: versions, optimistic saves, and the four lists.

use std::collections::BTreeMap;

use domain::approval::{
    Action, Instance, Outcome, PlannedStep, RejectDefault, SignMode, Status, StepKind, builtin,
};
use store::{ApprovalList, Approvals, NewInstance, Store};

use super::T0;

fn step(node: &str, mode: SignMode, people: &[&str]) -> PlannedStep {
    PlannedStep::of(node, StepKind::Approve(mode), people)
}

pub async fn run(store: &Store) {
    let approvals = store.approvals();
    let purchase = builtin::purchase();
    assert_eq!(
        approvals
            .put_template(&purchase, "admin", T0)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        approvals
            .put_template(&purchase, "admin", T0 + 1)
            .await
            .unwrap(),
        2
    );
    approvals
        .put_template(&builtin::leave(), "admin", T0)
        .await
        .unwrap();
    assert!(
        approvals
            .set_enabled("leave", false, "admin", T0 + 2)
            .await
            .unwrap()
    );
    assert!(
        !approvals
            .set_enabled("nope", false, "admin", T0)
            .await
            .unwrap()
    );
    let all = approvals.templates().await.unwrap();
    let codes: Vec<(&str, bool)> = all
        .iter()
        .map(|t| (t.template.code.as_str(), t.enabled))
        .collect();
    assert_eq!(codes, [("leave", false), ("purchase", true)]);
    let stored = approvals.template("purchase").await.unwrap().unwrap();
    assert_eq!((stored.template, stored.version), (purchase, 2));

    let mut steps = vec![
        step("one", SignMode::Any, &["a", "b"]),
        step("two", SignMode::All, &["c"]),
    ];
    steps.push(PlannedStep::of("cc", StepKind::Cc, &["d"]));
    let (instance, _) = Instance::start(
        "purchase",
        "worker",
        BTreeMap::new(),
        steps,
        RejectDefault::Initiator,
        T0,
    );
    let mut tx = store.begin().await.unwrap();
    let new = NewInstance {
        template_version: 2,
        title: "worker的材料采购申请",
        project_id: Some(7),
        instance: &instance,
    };
    let id = Approvals::insert(&mut tx, new, T0).await.unwrap();
    let other = Approvals::insert(&mut tx, new, T0).await.unwrap();
    tx.commit().await.unwrap();
    assert!(other > id);

    let loaded = approvals.get(id).await.unwrap().unwrap();
    assert_eq!((loaded.version, &loaded.instance), (1, &instance));
    let ids = |list: Vec<store::InstanceSummary>| list.iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(approvals
            .list("a", ApprovalList::Pending, None, 10)
            .await
            .unwrap()),
        [other, id]
    );
    assert_eq!(
        ids(approvals
            .list("a", ApprovalList::Pending, Some(other), 10)
            .await
            .unwrap()),
        [id]
    );
    assert_eq!(
        ids(approvals
            .list("worker", ApprovalList::Mine, None, 1)
            .await
            .unwrap()),
        [other]
    );

    // Two taps on one version: the first save wins, the second must reload.
    let mut first = loaded.instance.clone();
    let mut second = loaded.instance.clone();
    assert!(matches!(
        first.act("a", Action::Approve { comment: None }, T0 + 5),
        Ok(Outcome::Applied(_))
    ));
    assert!(matches!(
        second.act("b", Action::Approve { comment: None }, T0 + 5),
        Ok(Outcome::Applied(_))
    ));
    let listed = loaded.instance.listed();
    let mut tx = store.begin().await.unwrap();
    assert!(
        Approvals::save(&mut tx, id, 1, &listed, &first, T0 + 5)
            .await
            .unwrap()
    );
    assert!(
        !Approvals::save(&mut tx, id, 1, &listed, &second, T0 + 5)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let reloaded = approvals.get(id).await.unwrap().unwrap();
    assert_eq!((reloaded.version, &reloaded.instance), (2, &first));

    // The lists follow the state: a moved to done, b off pending, c pending.
    assert_eq!(
        ids(approvals
            .list("a", ApprovalList::Done, None, 10)
            .await
            .unwrap()),
        [id]
    );
    assert_eq!(
        ids(approvals
            .list("b", ApprovalList::Pending, None, 10)
            .await
            .unwrap()),
        [other]
    );
    assert_eq!(
        ids(approvals
            .list("c", ApprovalList::Pending, None, 10)
            .await
            .unwrap()),
        [id]
    );
    let counts = approvals.counts("a").await.unwrap();
    assert_eq!(
        (counts.pending, counts.done, counts.cc, counts.mine),
        (1, 1, 0, 0)
    );

    // c approves: finished, d copied, nobody pending.
    let listed = reloaded.instance.listed();
    let mut done = reloaded.instance;
    done.act("c", Action::Approve { comment: None }, T0 + 6)
        .unwrap();
    assert_eq!(done.status, Status::Approved);
    let mut tx = store.begin().await.unwrap();
    assert!(
        Approvals::save(&mut tx, id, 2, &listed, &done, T0 + 6)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        ids(approvals
            .list("d", ApprovalList::Cc, None, 10)
            .await
            .unwrap()),
        [id]
    );
    assert!(
        approvals
            .list("c", ApprovalList::Pending, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let summary = &approvals
        .list("worker", ApprovalList::Mine, None, 10)
        .await
        .unwrap()[1];
    assert_eq!((summary.id, summary.status), (id, Status::Approved));
    // Filters by status and template, on both kinds of list.
    let approved = store::ListFilter {
        status: Some(Status::Approved),
        ..store::ListFilter::default()
    };
    let mine = approvals
        .list_filtered("worker", ApprovalList::Mine, approved, None, 10)
        .await
        .unwrap();
    assert_eq!(ids(mine), [id]);
    let done = approvals
        .list_filtered("a", ApprovalList::Done, approved, None, 10)
        .await
        .unwrap();
    assert_eq!(ids(done), [id]);
    let other_template = store::ListFilter {
        template: Some("leave"),
        ..store::ListFilter::default()
    };
    let none = approvals
        .list_filtered("worker", ApprovalList::Mine, other_template, None, 10)
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(approvals.pending_ids(0, 10).await.unwrap(), [other]);

    // The timeout sweep reads only instances with a reminder or escalation due.
    let timed = PlannedStep {
        timeout: Some(domain::approval::Timeout {
            remind_after_hours: 1,
            escalate_after_hours: None,
        }),
        ..step("timed", SignMode::Any, &["e"])
    };
    let (slow, _) = Instance::start(
        "purchase",
        "worker",
        BTreeMap::new(),
        vec![timed],
        RejectDefault::Initiator,
        T0,
    );
    let mut tx = store.begin().await.unwrap();
    let new = NewInstance {
        instance: &slow,
        ..new
    };
    let slow_id = Approvals::insert(&mut tx, new, T0).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        approvals
            .due_for_timeout(T0 + 3_599_999, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        approvals
            .due_for_timeout(T0 + 3_600_000, 0, 10)
            .await
            .unwrap(),
        [slow_id]
    );

    // Cards: found by task_id, closed once.
    let card = store::ApprovalCard {
        task_id: format!("ap{id}_1_0"),
        instance_id: id,
        userid: "c".into(),
        step: 1,
        outbox_key: format!("apcard:{id}:1:0"),
    };
    let mut tx = store.begin().await.unwrap();
    Approvals::add_cards(&mut tx, std::slice::from_ref(&card), T0)
        .await
        .unwrap();
    Approvals::add_cards(&mut tx, std::slice::from_ref(&card), T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        approvals.card(&card.task_id).await.unwrap(),
        Some(card.clone())
    );
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        Approvals::close_cards(&mut tx, id, &["c", "nobody"])
            .await
            .unwrap(),
        [card]
    );
    assert!(
        Approvals::close_cards(&mut tx, id, &["c", "nobody"])
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();

    // Out-of-office: in force only inside its window.
    approvals
        .set_delegation("a", "x", T0 + 100, T0 + 200, T0)
        .await
        .unwrap();
    assert!(approvals.delegates_at(T0 + 99).await.unwrap().is_empty());
    assert_eq!(
        approvals
            .delegates_at(T0 + 150)
            .await
            .unwrap()
            .get("a")
            .map(String::as_str),
        Some("x")
    );
    assert!(approvals.delegates_at(T0 + 200).await.unwrap().is_empty());
    assert!(
        approvals
            .set_delegation("a", "a", T0, T0 + 1, T0)
            .await
            .is_err()
    );
    assert_eq!(approvals.clear_delegations("a").await.unwrap(), 1);
}
