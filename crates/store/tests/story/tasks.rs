//! Tasks: the hierarchy, edits, links, a baseline, the overdue scan's reads and marks,
//! check-ins and daily reports.

use domain::calendar::Day;
use domain::project::ProjectStatus;
use domain::schedule::{Link, LinkKind};
use domain::task::TaskStatus;
use store::{Checkin, NewProject, NewTask, Store, Tasks};

use super::T0;

const D: i32 = 20_400;

fn new_task(
    project_id: i64,
    parent_id: Option<i64>,
    title: &str,
    start: i32,
    days: i32,
) -> NewTask {
    NewTask {
        project_id,
        parent_id,
        title: title.into(),
        milestone: false,
        start: Day(D + start),
        days,
        owner: Some("eng".into()),
        helpers: vec!["helper".into()],
    }
}

pub async fn run(store: &Store) {
    let project = store
        .projects()
        .create(
            &NewProject {
                code: "T-1".into(),
                name: "综合楼".into(),
                department_id: 1,
                status: ProjectStatus::Active,
            },
            "pm",
            T0,
        )
        .await
        .unwrap();
    let tasks = store.tasks();
    let phase = tasks
        .create(&new_task(project, None, "基础施工", 0, 1), "pm", T0)
        .await
        .unwrap();
    let dig = tasks
        .create(&new_task(project, Some(phase), "土方开挖", 0, 5), "pm", T0)
        .await
        .unwrap();
    let pour = tasks
        .create(&new_task(project, Some(phase), "底板浇筑", 5, 3), "pm", T0)
        .await
        .unwrap();
    let all = tasks.of_project(project).await.unwrap();
    assert_eq!(
        all.iter().map(|t| t.id).collect::<Vec<_>>(),
        [phase, dig, pour],
        "parents first, then siblings in order"
    );
    assert!(all[0].summary, "a parent becomes a summary");
    assert_eq!((all[1].position, all[2].position), (1, 2));
    assert_eq!(all[2].helpers, ["helper"]);

    // Links, replaced in place.
    let link = Link {
        from: dig,
        to: pour,
        kind: LinkKind::FinishStart,
        lag: 0,
    };
    tasks.link(project, &link).await.unwrap();
    tasks.link(project, &Link { lag: 1, ..link }).await.unwrap();
    assert_eq!(
        tasks.links(project).await.unwrap(),
        [Link { lag: 1, ..link }]
    );

    // Baseline, then a move: the baseline keeps the old plan.
    assert_eq!(tasks.take_baseline(project, T0).await.unwrap(), 3);
    let mut tx = store.begin().await.unwrap();
    Tasks::move_starts(&mut tx, &[(pour, Day(D + 6))], T0 + 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let moved = tasks.get(pour).await.unwrap().unwrap();
    assert_eq!((moved.start, moved.finish()), (Day(D + 6), Day(D + 9)));
    assert_eq!(
        tasks.baseline(project).await.unwrap()[&pour],
        (Day(D + 5), Day(D + 8))
    );

    // The scan sees open leaves finishing by a day, marks them, and a moved date
    // forgets the marks.
    let due = tasks.due_by(Day(D + 5), 0, 100).await.unwrap();
    assert_eq!(due.iter().map(|t| t.id).collect::<Vec<_>>(), [dig]);
    assert_eq!(due[0].owner.as_deref(), Some("eng"));
    assert!(!due[0].owner_left && due[0].reminded_on.is_none());
    let mut tx = store.begin().await.unwrap();
    Tasks::mark_reminded(&mut tx, &[dig], Day(D + 6))
        .await
        .unwrap();
    Tasks::mark_escalated(&mut tx, &[dig]).await.unwrap();
    assert!(
        Tasks::mark_project_alerted(&mut tx, project, Day(D + 6))
            .await
            .unwrap()
    );
    assert!(
        !Tasks::mark_project_alerted(&mut tx, project, Day(D + 6))
            .await
            .unwrap(),
        "once a day"
    );
    tx.commit().await.unwrap();
    let settings = store
        .projects()
        .schedule_settings_of(&[project, project + 1_000])
        .await
        .unwrap();
    assert_eq!(settings.len(), 1, "only projects that exist");
    assert_eq!(
        (
            settings[&project].shift_successors,
            settings[&project].alerted_day
        ),
        (true, Some(Day(D + 6)))
    );
    let marked = &tasks.due_by(Day(D + 5), 0, 100).await.unwrap()[0];
    assert_eq!(
        (marked.reminded_on, marked.escalated),
        (Some(Day(D + 6)), true)
    );
    let mut task = tasks.get(dig).await.unwrap().unwrap();
    task.days = 7;
    task.status = TaskStatus::Doing;
    task.progress = 40;
    assert!(tasks.save(&task, T0 + 2).await.unwrap());
    assert!(tasks.due_by(Day(D + 5), 0, 100).await.unwrap().is_empty());
    let again = &tasks.due_by(Day(D + 7), 0, 100).await.unwrap()[0];
    assert_eq!((again.reminded_on, again.escalated), (None, false));
    assert_eq!(tasks.open_of("eng", 10).await.unwrap().len(), 2);
    task.status = TaskStatus::Done;
    task.finished_on = Some(Day(D + 7));
    tasks.save(&task, T0 + 3).await.unwrap();
    assert_eq!(tasks.open_of("eng", 10).await.unwrap().len(), 1);

    // Check-ins and daily reports.
    let checkin = Checkin {
        id: 0,
        task_id: pour,
        userid: "eng".into(),
        at_ms: T0 + 4,
        location: Some((23.129_1, 113.264_4)),
        address: "广州市天河区".into(),
        note: "钢筋绑扎完成".into(),
        photos: vec!["sha256:ab".into()],
        originals: vec!["sha256:cd".into()],
        progress: Some(30),
    };
    let id = tasks.add_checkin(&checkin).await.unwrap();
    assert_eq!(
        tasks.checkins(pour).await.unwrap(),
        [Checkin {
            id,
            ..checkin.clone()
        }]
    );
    assert_eq!(
        tasks.checkin(id).await.unwrap(),
        Some(Checkin {
            id,
            ..checkin.clone()
        })
    );
    assert_eq!(tasks.checkin(id + 1).await.unwrap(), None);
    // A check-in without a location, then one with: both kinds of float parameter on
    // the same statement.
    for location in [None, Some((31.5, 121.25)), None] {
        let more = Checkin {
            id: 0,
            location,
            ..checkin.clone()
        };
        let more_id = tasks.add_checkin(&more).await.unwrap();
        assert_eq!(
            tasks.checkin(more_id).await.unwrap().unwrap().location,
            location
        );
    }
    tasks
        .put_report(project, "eng", Day(D + 7), "上午验槽", T0)
        .await
        .unwrap();
    tasks
        .put_report(project, "eng", Day(D + 7), "上午验槽，下午垫层", T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        tasks.reports(project, Day(D + 7)).await.unwrap(),
        [("eng".to_owned(), "上午验槽，下午垫层".to_owned())]
    );
}
