//! `gantry sync-org`'s copy of the directory, against the simulator's generated company.

use domain::clock::Clock as _;
use server::org::sync as org_sync;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_full_copy_matches_the_directory_and_marks_leavers() {
    let app = spawn_app().await;
    let org = app.sim.org();
    let report = org_sync::sync(
        &app.state.wecom,
        &app.state.store,
        &app.state.cipher,
        app.clock.now_ms(),
    )
    .await
    .expect("sync");
    assert_eq!(report.departments, org.departments.len());
    assert_eq!(report.members, org.users.len());
    assert_eq!(report.tags, org.tags.len());
    let user = &org.users[7];
    let stored = app
        .state
        .store
        .org()
        .member(&user.userid)
        .await
        .expect("read")
        .expect("synced");
    assert_eq!(stored.name, user.name);
    let stored_departments: Vec<i64> = stored.departments.iter().map(|m| m.department_id).collect();
    assert_eq!(stored_departments, user.department);

    // A member removed in WeCom is marked left on the next sync, never deleted.
    app.sim
        .delete_user(&user.userid)
        .expect("deleted in the simulator");
    let again = org_sync::sync(
        &app.state.wecom,
        &app.state.store,
        &app.state.cipher,
        app.clock.now_ms(),
    )
    .await
    .expect("sync");
    assert_eq!(again.left, 1);
    let kept = app
        .state
        .store
        .org()
        .member(&user.userid)
        .await
        .expect("read")
        .expect("kept");
    assert!(kept.left_at_ms.is_some());
}
