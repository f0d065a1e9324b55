//! Incremental org changes: `change_contact` events from the 通讯录同步 callback, applied
//! in order through the inbox.

use server::workers::inbox;
use wecom_sim::CallbackTarget;

use crate::helpers::{AES_KEY, TestApp, spawn_app};

fn contacts_target(app: &TestApp) -> CallbackTarget {
    CallbackTarget {
        url: format!("{}/wecom/contacts/callback", app.base_url),
        token: "ContactsToken7".into(),
        encoding_aes_key: AES_KEY.into(),
    }
}

pub(crate) async fn deliver(app: &TestApp, xmls: &[String]) {
    let target = contacts_target(app);
    for xml in xmls {
        let delivery = app
            .sim
            .send_callback(&target, xml, None)
            .await
            .expect("sent");
        assert!(delivery.delivered);
    }
    while inbox::step(&app.state).await.expect("inbox").claimed > 0 {}
    assert_eq!(
        app.inbox_stats().await.dead,
        0,
        "no event was dead-lettered"
    );
}

#[tokio::test]
async fn member_department_and_tag_changes_reach_the_mirror() {
    let app = spawn_app().await;
    app.sync_org().await;
    let org = app.state.store.org();
    let sim = &app.sim;

    // A new department, a member moved into it, a renamed title, a tag change.
    let dept_xml = sim.add_department("七号项目部", 1).expect("department");
    let new_dept = sim
        .org()
        .departments
        .iter()
        .find(|d| d.name == "七号项目部")
        .expect("created")
        .id;
    let mover = app.active_user(6);
    let move_xml = sim
        .move_user(&mover, vec![new_dept], new_dept)
        .expect("moved");
    let retitled = app.active_user(7);
    let title_xml = sim
        .update_user(&retitled, |u| u.position = "安全总监".into())
        .expect("updated");
    let tag = sim.org().tags[0].tagid;
    let tag_xml = sim
        .update_tag_members(tag, &[mover.as_str()], &[], &[], &[])
        .expect("tagged");
    deliver(&app, &[dept_xml, move_xml, title_xml, tag_xml]).await;

    let dept = org
        .department(new_dept)
        .await
        .expect("read")
        .expect("department mirrored");
    assert_eq!((dept.name.as_str(), dept.parent_id), ("七号项目部", 1));
    let moved = org.member(&mover).await.expect("read").expect("member");
    assert_eq!(
        moved
            .departments
            .iter()
            .map(|m| m.department_id)
            .collect::<Vec<_>>(),
        [new_dept]
    );
    assert_eq!(moved.main_department, Some(new_dept));
    assert_eq!(
        org.member(&retitled)
            .await
            .expect("read")
            .expect("member")
            .position
            .as_deref(),
        Some("安全总监")
    );
    assert!(
        org.tag(tag)
            .await
            .expect("read")
            .expect("tag")
            .userids
            .contains(&mover)
    );

    // A member leaves; a department subtree is removed.
    let leaver = app.active_user(8);
    let leave_xml = sim.delete_user(&leaver).expect("deleted");
    let subtree_xml = sim
        .delete_department_subtree(new_dept)
        .expect("subtree deleted");
    let mut events = vec![leave_xml];
    events.extend(subtree_xml);
    deliver(&app, &events).await;
    let gone = org
        .member(&leaver)
        .await
        .expect("read")
        .expect("kept, never deleted");
    assert!(gone.left_at_ms.is_some());
    assert!(org.department(new_dept).await.expect("read").is_none());

    // A repeated delete (WeCom retries, or a replayed spool) changes nothing and dead-letters nothing.
    let before = org.members(true).await.expect("members");
    let replay = sim.xml_contact_change(&wecom_sim::ContactChange::DeleteUser {
        userid: leaver.clone(),
    });
    deliver(&app, &[replay]).await;
    assert_eq!(org.members(true).await.expect("members"), before);
}
