//! The critical path against hand-computed schedules, property tests over random
//! networks, the forecast, and the reminder policy.

use std::collections::HashMap;

use domain::calendar::Day;
use domain::reminders::{self, Due, Escalation, OpenTask, Policy};
use domain::schedule::{
    Activity, Link, LinkKind, Progress, ScheduleError, critical_path, forecast, lag_days,
    remaining_days, shift_successors,
};
use proptest::prelude::*;

const D0: i32 = 20_000;

fn task(id: i64, start: i32, days: i32) -> Activity {
    Activity {
        id,
        start: Day(D0 + start),
        days,
    }
}

fn link(from: i64, to: i64, kind: LinkKind, lag: i32) -> Link {
    Link {
        from,
        to,
        kind,
        lag,
    }
}

use LinkKind::{FinishFinish as FF, FinishStart as FS, StartFinish as SF, StartStart as SS};

/// (early start, early finish, late start, late finish, float) relative to D0.
fn dates(s: &domain::schedule::Schedule, id: i64) -> (i32, i32, i32, i32, i32) {
    let t = s.timings.iter().find(|t| t.id == id).expect("timed");
    (
        t.early_start.0 - D0,
        t.early_finish.0 - D0,
        t.late_start.0 - D0,
        t.late_finish.0 - D0,
        t.total_float,
    )
}

#[test]
fn a_textbook_network() {
    // A(3) → B(2), A → C(4), B and C → D(2), C SS+1 → E(1).
    let tasks = [
        task(1, 0, 3),
        task(2, 0, 2),
        task(3, 0, 4),
        task(4, 0, 2),
        task(5, 0, 1),
    ];
    let links = [
        link(1, 2, FS, 0),
        link(1, 3, FS, 0),
        link(2, 4, FS, 0),
        link(3, 4, FS, 0),
        link(3, 5, SS, 1),
    ];
    let s = critical_path(&tasks, &links).expect("acyclic");
    assert_eq!(s.finish, Some(Day(D0 + 9)));
    assert_eq!(dates(&s, 1), (0, 3, 0, 3, 0));
    assert_eq!(dates(&s, 2), (3, 5, 5, 7, 2));
    assert_eq!(dates(&s, 3), (3, 7, 3, 7, 0));
    assert_eq!(dates(&s, 4), (7, 9, 7, 9, 0));
    assert_eq!(dates(&s, 5), (4, 5, 8, 9, 4));
    let critical: Vec<i64> = s
        .timings
        .iter()
        .filter(|t| t.critical)
        .map(|t| t.id)
        .collect();
    assert_eq!(critical, [1, 3, 4]);
}

#[test]
fn finish_finish_start_finish_lags_and_planned_starts() {
    // F(5); G(2) finishes with F; H(3) must finish 2 days after F starts but cannot
    // start before its planned day 0; K(1) is planned late and waits for nothing.
    let tasks = [task(1, 0, 5), task(2, 0, 2), task(3, 0, 3), task(4, 10, 1)];
    let links = [link(1, 2, FF, 0), link(1, 3, SF, 2), link(1, 4, FS, -2)];
    let s = critical_path(&tasks, &links).expect("acyclic");
    assert_eq!(dates(&s, 2), (3, 5, 9, 11, 6));
    assert_eq!(dates(&s, 3).0, 0, "the planned start is a floor");
    assert_eq!(dates(&s, 4), (10, 11, 10, 11, 0));
    assert_eq!(s.finish, Some(Day(D0 + 11)));
    // F's latest finish is the project's (G finishes with it): 11 − 5 = 6 days of float.
    assert_eq!(dates(&s, 1), (0, 5, 6, 11, 6));
}

#[test]
fn a_cycle_is_named() {
    let tasks = [task(1, 0, 1), task(2, 0, 1), task(3, 0, 1), task(4, 0, 1)];
    let links = [
        link(4, 1, FS, 0),
        link(1, 2, FS, 0),
        link(2, 3, FS, 0),
        link(3, 1, FS, 0),
    ];
    let Err(ScheduleError::Cycle(ids)) = critical_path(&tasks, &links) else {
        panic!("a cycle must be refused");
    };
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 2, 3], "{ids:?}");
    assert!(
        ScheduleError::Cycle(ids).to_string().contains("循环"),
        "a clear error in Chinese"
    );
    assert_eq!(
        critical_path(&tasks[..1], &[link(1, 1, FS, 0)]),
        Err(ScheduleError::SelfLink(1))
    );
    assert_eq!(
        critical_path(&tasks[..1], &[link(1, 9, FS, 0)]),
        Err(ScheduleError::UnknownTask(9))
    );
}

#[test]
fn moving_a_task_pushes_only_its_successors_and_only_as_far_as_needed() {
    let tasks = [task(1, 0, 3), task(2, 3, 2), task(3, 20, 1), task(4, 0, 4)];
    let links = [link(1, 2, FS, 0), link(2, 3, FS, 0), link(4, 3, FS, 0)];
    let changes = shift_successors(&tasks, &links, 1, Day(D0 + 5)).expect("acyclic");
    // Task 2 moves to 8; task 3 was planned at 20, later than 10: it stays.
    assert_eq!(changes, [(2, Day(D0 + 8))]);
    assert!(
        shift_successors(&tasks, &links, 4, Day(D0 + 1))
            .expect("acyclic")
            .is_empty()
    );
}

#[test]
fn the_forecast_replans_unfinished_work_from_today() {
    let tasks = [task(1, 0, 10), task(2, 0, 5)];
    let links = [link(1, 2, FS, 0)];
    let plan = critical_path(&tasks, &links).expect("plan");
    assert_eq!(plan.finish, Some(Day(D0 + 15)));
    let today = Day(D0 + 8);
    // Task 1 is 50 % done on day 8: 5 days left, then 5 for task 2.
    let progress = HashMap::from([(
        1,
        Progress {
            percent: 50,
            finished_on: None,
        },
    )]);
    let f = forecast(&tasks, &links, &progress, today).expect("forecast");
    assert_eq!(f.finish, Some(Day(D0 + 18)));
    assert_eq!(lag_days(plan.finish, f.finish), 3);
    // Finished early: no lag.
    let done = HashMap::from([(
        1,
        Progress {
            percent: 100,
            finished_on: Some(Day(D0 + 7)),
        },
    )]);
    let f = forecast(&tasks, &links, &done, Day(D0 + 7)).expect("forecast");
    assert_eq!(lag_days(plan.finish, f.finish), 0);
    assert_eq!((remaining_days(3, 10), remaining_days(3, 100)), (3, 0));
}

/// A random acyclic network: links only run from lower to higher index.
fn network() -> impl Strategy<Value = (Vec<Activity>, Vec<Link>)> {
    (2usize..40).prop_flat_map(|n| {
        let tasks = prop::collection::vec((0i32..30, 0i32..12), n);
        let links = prop::collection::vec((0..n, 0..n, 0u8..4, -3i32..6), 0..n * 2);
        (tasks, links).prop_map(|(tasks, raw)| {
            let tasks: Vec<Activity> = tasks
                .into_iter()
                .enumerate()
                .map(|(i, (start, days))| task(i as i64 + 1, start, days))
                .collect();
            let mut links: Vec<Link> = raw
                .into_iter()
                .filter(|(a, b, ..)| a != b)
                .map(|(a, b, k, lag)| {
                    let kind = [FS, SS, FF, SF][usize::from(k)];
                    link(a.min(b) as i64 + 1, a.max(b) as i64 + 1, kind, lag)
                })
                .collect();
            links.sort_by_key(|l| (l.from, l.to));
            links.dedup_by_key(|l| (l.from, l.to));
            (tasks, links)
        })
    })
}

fn allowed_start(l: &Link, pred: &Activity, pred_start: i32, days: i32) -> i32 {
    match l.kind {
        FS => pred_start + pred.days + l.lag,
        SS => pred_start + l.lag,
        FF => pred_start + pred.days + l.lag - days,
        SF => pred_start + l.lag - days,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn float_is_never_negative_links_hold_and_the_critical_chain_is_connected(
        (tasks, links) in network()
    ) {
        let s = critical_path(&tasks, &links).expect("acyclic by construction");
        let by_id: HashMap<i64, (usize, &Activity)> =
            tasks.iter().enumerate().map(|(i, t)| (t.id, (i, t))).collect();
        let finish = s.finish.expect("tasks").0;
        for (t, a) in s.timings.iter().zip(&tasks) {
            prop_assert!(t.total_float >= 0, "{t:?}");
            prop_assert!(t.early_start >= a.start);
            prop_assert_eq!(t.early_finish.0, t.early_start.0 + a.days);
            prop_assert!(t.late_finish.0 <= finish);
        }
        for l in &links {
            let (pi, pred) = by_id[&l.from];
            let (si, succ) = by_id[&l.to];
            let min = allowed_start(l, pred, s.timings[pi].early_start.0, succ.days);
            prop_assert!(s.timings[si].early_start.0 >= min, "{l:?}");
        }
        // Some critical task finishes the project, and each critical task is either held
        // by its own planned start or driven by a critical predecessor.
        prop_assert!(s.timings.iter().any(|t| t.critical && t.early_finish.0 == finish));
        for (i, t) in s.timings.iter().enumerate().filter(|(_, t)| t.critical) {
            if t.early_start == tasks[i].start {
                continue;
            }
            let driven = links.iter().filter(|l| l.to == t.id).any(|l| {
                let (pi, pred) = by_id[&l.from];
                s.timings[pi].critical
                    && allowed_start(l, pred, s.timings[pi].early_start.0, tasks[i].days)
                        == t.early_start.0
            });
            prop_assert!(driven, "critical task {} has no critical driver", t.id);
        }
    }

    #[test]
    fn a_shift_leaves_every_link_satisfied((tasks, links) in network(), pick in 0usize..40, by in 0i32..15) {
        let moved = &tasks[pick % tasks.len()];
        // Start from a plan that already satisfies its links: the computed early starts.
        let s = critical_path(&tasks, &links).expect("acyclic");
        let planned: Vec<Activity> = tasks
            .iter()
            .zip(&s.timings)
            .map(|(a, t)| Activity { id: a.id, start: t.early_start, days: a.days })
            .collect();
        let new_start = planned[pick % tasks.len()].start.plus(by);
        let changes = shift_successors(&planned, &links, moved.id, new_start).expect("acyclic");
        let mut start: HashMap<i64, i32> = planned.iter().map(|a| (a.id, a.start.0)).collect();
        start.insert(moved.id, new_start.0);
        for (id, day) in &changes {
            prop_assert!(*day > planned.iter().find(|a| a.id == *id).expect("task").start);
            start.insert(*id, day.0);
        }
        for l in &links {
            let pred = planned.iter().find(|a| a.id == l.from).expect("task");
            let succ = planned.iter().find(|a| a.id == l.to).expect("task");
            prop_assert!(start[&l.to] >= allowed_start(l, pred, start[&l.from], succ.days));
        }
    }
}

fn open(id: i64, owner: &str, due: i32) -> OpenTask {
    OpenTask {
        id,
        project_id: 7,
        title: format!("任务{id}"),
        owner: owner.into(),
        owner_left: false,
        due: Day(D0 + due),
        reminded_on: None,
        escalated: false,
    }
}

#[test]
fn one_digest_per_member_overdue_first_each_task_once_a_day() {
    let policy = Policy::default();
    let today = Day(D0 + 10);
    let mut reminded = open(4, "wang", 9);
    reminded.reminded_on = Some(today);
    let tasks = [
        open(1, "wang", 11),
        open(2, "wang", 8),
        open(3, "li", 5),
        reminded,
        open(5, "wang", 30),
    ];
    let run = reminders::plan(&policy, &tasks, today);
    assert_eq!(run.digests.len(), 2, "one digest per member");
    let wang: Vec<(i64, Due)> = run.digests["wang"]
        .iter()
        .map(|l| (l.task_id, l.due))
        .collect();
    assert_eq!(wang, [(2, Due::Overdue(2)), (1, Due::Soon(1))]);
    assert_eq!(run.escalations.len(), 1);
    assert_eq!(run.escalations[0].task_id, 3);
    assert_eq!(run.escalations[0].reason, Escalation::Overdue(5));
}

#[test]
fn a_leavers_task_goes_to_the_pm_once_and_quiet_hours_wrap_midnight() {
    let policy = Policy::default();
    let mut left = open(1, "gone", 0);
    left.owner_left = true;
    let run = reminders::plan(&policy, std::slice::from_ref(&left), Day(D0 + 1));
    assert!(run.digests.is_empty());
    assert_eq!(run.escalations[0].reason, Escalation::OwnerLeft);
    left.escalated = true;
    assert!(
        reminders::plan(&policy, &[left], Day(D0 + 2))
            .escalations
            .is_empty()
    );
    assert!(policy.is_quiet(23 * 60) && policy.is_quiet(7 * 60 + 59));
    assert!(!policy.is_quiet(8 * 60) && !policy.is_quiet(21 * 60 + 59));
    assert!(reminders::project_alert(&policy, 7, 0));
    assert!(reminders::project_alert(&policy, 0, 1));
    assert!(!reminders::project_alert(&policy, 6, 0));
}
