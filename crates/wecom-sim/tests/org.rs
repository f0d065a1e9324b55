//! Generated org determinism and the mutation helpers' change_contact events.

mod common;

use common::Env;
use wecom::event::{Body, ContactChange as Parsed, Event};
use wecom_sim::OrgSpec;
use wecom_sim::org::generate;

#[test]
fn same_seed_same_org_other_seed_other_org() {
    let spec = OrgSpec {
        users: 500,
        departments: 60,
        tags: 8,
        seed: 7,
    };
    let a = generate(&spec);
    assert_eq!(a, generate(&spec));
    assert_ne!(a, generate(&OrgSpec { seed: 8, ..spec }));
    assert_eq!(a.users.len(), 500);
    assert_eq!(a.departments.len(), 60);
    assert_eq!(a.tags.len(), 8);
    a.check_consistency().expect("consistent");
}

fn parse(xml: &str) -> Parsed {
    let inbound = wecom::event::parse(xml.as_bytes(), 1 << 20).expect("parses");
    assert_eq!(inbound.from_user, "sys");
    match inbound.body {
        Body::Event(Event::ChangeContact(c)) => c,
        other => panic!("not change_contact: {other:?}"),
    }
}

#[tokio::test]
async fn mutations_produce_change_contact_events() {
    let env = Env::default().await;
    let mut user = env.sim.org().users[0].clone();
    user.userid = "newbie0001".into();
    user.mobile = "13900000001".into();
    let xml = env.sim.add_user(user.clone()).expect("added");
    let Parsed::CreateUser(c) = parse(&xml) else {
        panic!("not create_user: {xml}");
    };
    assert_eq!(c.user_id, "newbie0001");
    assert_eq!(c.departments, Some(user.department.clone()));

    let xml = env
        .sim
        .update_user("newbie0001", |u| u.position = "安全员".into())
        .expect("updated");
    let Parsed::UpdateUser(c) = parse(&xml) else {
        panic!("not update_user: {xml}");
    };
    assert_eq!(c.position.as_deref(), Some("安全员"));
    assert_eq!(c.mobile, None);

    let xml = env.sim.add_department("测试项目部", 1).expect("dept");
    let Parsed::CreateParty(p) = parse(&xml) else {
        panic!("not create_party: {xml}");
    };
    env.sim
        .move_user("newbie0001", vec![p.id], p.id)
        .expect("moved");
    let xmls = env.sim.delete_department_subtree(p.id).expect("deleted");
    assert_eq!(xmls.len(), 2);
    assert!(matches!(parse(&xmls[0]), Parsed::DeleteUser { .. }));
    assert!(matches!(parse(&xmls[1]), Parsed::DeleteParty { .. }));
    assert!(env.sim.org().user("newbie0001").is_none());

    let someone = env.active_user(3);
    let xml = env
        .sim
        .update_tag_members(1, &[&someone], &[], &[], &[])
        .expect("tag");
    assert!(matches!(parse(&xml), Parsed::UpdateTag(_)));
    env.sim.org().check_consistency().expect("still consistent");
    assert!(env.sim.add_department("x", 9999).is_err());
}
