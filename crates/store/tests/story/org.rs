//! The org story: departments, members with memberships, leavers, tags.

use domain::org::{Department, Member, MemberStatus, Membership, Tag};
use store::{Digests, PersonalFields, Reseal, SealedMember, Store};

use super::T0;

fn dept(id: i64, parent_id: i64, order: i64, name: &str) -> Department {
    Department {
        id,
        name: name.into(),
        name_en: None,
        parent_id,
        order,
        leaders: Vec::new(),
    }
}

fn member(userid: &str, name: &str, departments: &[(i64, bool, i64)]) -> Member {
    Member {
        userid: userid.into(),
        name: name.into(),
        departments: departments
            .iter()
            .map(|&(department_id, is_leader, order)| Membership {
                department_id,
                is_leader,
                order,
            })
            .collect(),
        main_department: departments.first().map(|d| d.0),
        position: None,
        mobile: None,
        email: None,
        biz_mail: None,
        gender: None,
        status: MemberStatus::Active.code(),
        avatar: None,
        alias: None,
        telephone: None,
        address: None,
        direct_leaders: Vec::new(),
        left_at_ms: None,
        extra: serde_json::Value::Null,
    }
}

/// `m` as the server hands it over; the store keeps whatever text it is given, so the
/// story's plain values stand in for sealed ones.
pub fn sealed(m: &Member) -> SealedMember {
    SealedMember {
        member: m.clone(),
        digests: Digests::default(),
    }
}

fn sealed_all(members: &[Member]) -> Vec<SealedMember> {
    members.iter().map(sealed).collect()
}

fn userids(members: &[Member]) -> Vec<&str> {
    members.iter().map(|m| m.userid.as_str()).collect()
}

pub async fn run(store: &Store) {
    let org = store.org();

    // Departments: upsert replaces, listing follows WeCom's order (larger first).
    let root = dept(1, 0, 0, "建工集团");
    let mut site = dept(2, 1, 10, "一号工地");
    site.name_en = Some("Site 1".into());
    site.leaders = vec!["alice".into()];
    let office = dept(3, 1, 20, "办公室");
    for d in [&root, &site, &office] {
        org.upsert_department(d, T0).await.unwrap();
    }
    assert_eq!(org.department(2).await.unwrap().as_ref(), Some(&site));
    site.name = "一号工地（北区）".into();
    org.upsert_department(&site, T0 + 1).await.unwrap();
    let all = org.departments().await.unwrap();
    assert_eq!(all.iter().map(|d| d.id).collect::<Vec<_>>(), [1, 3, 2]);
    assert_eq!(all[2], site);
    assert_eq!(org.department(99).await.unwrap(), None);

    // Members keep every field, their department list and its order.
    let mut alice = member("alice", "张三", &[(2, true, 10), (3, false, 1)]);
    alice.position = Some("项目经理".into());
    alice.mobile = Some("13800000000".into());
    alice.email = Some("alice@example.com".into());
    alice.biz_mail = Some("alice@corp.example.com".into());
    alice.gender = Some(2);
    alice.avatar = Some("https://wework.example/avatar/alice".into());
    alice.alias = Some("Alice".into());
    alice.telephone = Some("010-12345678".into());
    alice.address = Some("北京市".into());
    alice.direct_leaders = vec!["boss".into()];
    alice.extra = serde_json::json!({"extattr": {"attrs": [{"name": "工号", "value": "A001"}]}});
    let bob = member("bob", "李四", &[(2, false, 20)]);
    org.upsert_member(&sealed(&alice), T0).await.unwrap();
    org.upsert_member(&sealed(&bob), T0).await.unwrap();
    assert_eq!(org.member("alice").await.unwrap().as_ref(), Some(&alice));
    assert_eq!(org.member("nobody").await.unwrap(), None);
    let in_site = org.members_in_department(2).await.unwrap();
    assert_eq!(userids(&in_site), ["bob", "alice"]);
    assert_eq!(in_site[1], alice);

    // An update replaces the memberships in the same transaction.
    alice.departments = vec![Membership {
        department_id: 3,
        is_leader: true,
        order: 5,
    }];
    alice.main_department = Some(3);
    org.upsert_member(&sealed(&alice), T0 + 1).await.unwrap();
    assert_eq!(
        userids(&org.members_in_department(2).await.unwrap()),
        ["bob"]
    );
    assert_eq!(
        userids(&org.members_in_department(3).await.unwrap()),
        ["alice"]
    );
    assert_eq!(
        org.member("alice").await.unwrap().unwrap().departments,
        alice.departments
    );

    // Leavers stay, marked; the first leave time is kept.
    assert!(org.mark_left("bob", T0 + 100).await.unwrap());
    assert!(org.mark_left("bob", T0 + 200).await.unwrap());
    assert!(!org.mark_left("nobody", T0).await.unwrap());
    let left = org.member("bob").await.unwrap().unwrap();
    assert_eq!(left.left_at_ms, Some(T0 + 100));
    assert_eq!(left.status_kind(), Some(MemberStatus::Left));
    assert_eq!(left.departments, bob.departments);
    assert!(org.members_in_department(2).await.unwrap().is_empty());
    assert_eq!(org.count_members(true).await.unwrap(), 2);
    assert_eq!(org.count_members(false).await.unwrap(), 1);
    assert_eq!(org.current_userids().await.unwrap(), ["alice"]);
    let asked = ["bob".to_owned(), "alice".to_owned(), "nobody".to_owned()];
    assert_eq!(
        org.current_among(&asked)
            .await
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        ["alice"]
    );
    assert_eq!(userids(&org.members(false).await.unwrap()), ["alice"]);
    let everyone = org.members(true).await.unwrap();
    assert_eq!(userids(&everyone), ["alice", "bob"]);
    assert_eq!(
        (&everyone[0].departments, &everyone[1]),
        (&alice.departments, &left)
    );

    // Rejoining clears the mark.
    org.upsert_member(&sealed(&bob), T0 + 300).await.unwrap();
    assert_eq!(org.member("bob").await.unwrap().as_ref(), Some(&bob));
    assert_eq!(org.count_members(false).await.unwrap(), 2);

    // Deleting a department leaves memberships alone (WeCom only deletes empty ones).
    assert!(org.delete_department(3, T0).await.unwrap());
    assert!(!org.delete_department(3, T0).await.unwrap());
    assert_eq!(
        org.member("alice").await.unwrap().unwrap().departments,
        alice.departments
    );

    // Tags: lists replaced whole, duplicates ignored, lists sorted.
    let mut tag = Tag {
        id: 7,
        name: "安全员".into(),
        userids: vec!["bob".into(), "alice".into(), "bob".into()],
        department_ids: vec![3, 2],
    };
    org.upsert_tag(&tag, T0).await.unwrap();
    let stored = org.tag(7).await.unwrap().unwrap();
    assert_eq!(stored.userids, ["alice", "bob"]);
    assert_eq!(stored.department_ids, [2, 3]);
    tag.name = "质检员".into();
    tag.userids = vec!["carol".into()];
    tag.department_ids.clear();
    org.upsert_tag(&tag, T0 + 1).await.unwrap();
    let empty = Tag {
        id: 8,
        name: "空标签".into(),
        userids: Vec::new(),
        department_ids: Vec::new(),
    };
    org.upsert_tag(&empty, T0).await.unwrap();
    assert_eq!(org.tags().await.unwrap(), [tag.clone(), empty]);
    assert!(org.delete_tag(7, T0).await.unwrap());
    assert!(!org.delete_tag(7, T0).await.unwrap());
    assert_eq!(org.tag(7).await.unwrap(), None);
    assert_eq!(org.tags().await.unwrap().len(), 1);

    // Batch writes (a full org sync): the same rows as one-by-one upserts, atomically.
    let depts = [dept(40, 1, 1, "二号工地"), dept(41, 40, 2, "钢筋班")];
    let writer = org.sync_writer(org.change_seq().await.unwrap());
    writer.upsert_departments(&depts, T0).await.unwrap();
    assert_eq!(org.department(41).await.unwrap(), Some(depts[1].clone()));
    let mut batch: Vec<Member> = (0..250_i64)
        .map(|i| {
            member(
                &format!("bulk{i:03}"),
                "批量",
                &[(40, i == 0, i), (41, false, 1)],
            )
        })
        .collect();
    writer
        .upsert_members(&sealed_all(&batch), T0)
        .await
        .unwrap();
    assert_eq!(org.member("bulk000").await.unwrap(), Some(batch[0].clone()));
    assert_eq!(org.members_in_department(41).await.unwrap().len(), 250);
    batch[1].departments.truncate(1);
    batch[1].name = "改名".into();
    writer
        .upsert_members(&sealed_all(&batch[..2]), T0 + 1)
        .await
        .unwrap();
    assert_eq!(org.member("bulk001").await.unwrap(), Some(batch[1].clone()));
    let gone = vec![
        "bulk002".to_owned(),
        "bulk003".to_owned(),
        "nobody".to_owned(),
    ];
    assert_eq!(writer.mark_left(&gone, T0 + 2).await.unwrap().written, 2);
    assert_eq!(writer.mark_left(&gone, T0 + 3).await.unwrap().written, 0);
    let left = org.member("bulk002").await.unwrap().unwrap();
    assert_eq!(left.left_at_ms, Some(T0 + 2));
    let tags = [Tag {
        id: 9,
        name: "批量标签".into(),
        userids: vec!["bulk000".into()],
        department_ids: vec![40],
    }];
    writer.upsert_tags(&tags, T0).await.unwrap();
    assert_eq!(org.tag(9).await.unwrap(), Some(tags[0].clone()));
}

/// A full sync reads WeCom over minutes; a contact event applied meanwhile is newer
/// than the sync's snapshot, so the sync's writes and deletes leave it alone.
pub async fn a_sync_never_writes_over_a_newer_live_change(store: &Store) {
    let org = store.org();
    org.upsert_department(&dept(50, 1, 1, "三号工地"), T0)
        .await
        .unwrap();
    org.upsert_member(&sealed(&member("early", "早", &[(50, false, 1)])), T0)
        .await
        .unwrap();
    let since = org.change_seq().await.unwrap();
    let writer = org.sync_writer(since);

    // Live changes after the sync began: a rename, a new member, a deleted tag's return.
    let renamed = member("early", "改名后", &[(50, true, 1)]);
    org.upsert_member(&sealed(&renamed), T0 + 10).await.unwrap();
    let joined = member("joined", "新人", &[(50, false, 2)]);
    org.upsert_member(&sealed(&joined), T0 + 11).await.unwrap();
    org.upsert_department(&dept(51, 50, 1, "新班组"), T0 + 12)
        .await
        .unwrap();
    assert!(org.change_seq().await.unwrap() > since);
    // WeCom sends no department event when leadership changes; the member's flag says it.
    assert_eq!(
        org.department(50).await.unwrap().unwrap().leaders,
        ["early"]
    );

    // The sync's older snapshot: the old name, no "joined", no department 51.
    let stale = member("early", "早", &[(50, false, 1)]);
    let other = member("other", "别人", &[(50, false, 3)]);
    let written = writer
        .upsert_members(&sealed_all(&[stale, other.clone()]), T0 + 20)
        .await
        .unwrap();
    assert_eq!((written.written, written.kept_newer), (1, 1));
    assert_eq!(org.member("early").await.unwrap(), Some(renamed));
    assert_eq!(org.member("other").await.unwrap(), Some(other));
    let marked = writer
        .mark_left(&["joined".to_owned()], T0 + 21)
        .await
        .unwrap();
    assert_eq!((marked.written, marked.kept_newer), (0, 1));
    assert_eq!(
        org.member("joined").await.unwrap().unwrap().left_at_ms,
        None
    );
    let deleted = writer.delete_departments(&[51]).await.unwrap();
    assert_eq!((deleted.written, deleted.kept_newer), (0, 1));
    assert!(org.department(51).await.unwrap().is_some());

    // The next sync starts after these changes and may write them again.
    org.forget_touches_through(since).await.unwrap();
    let next = org.sync_writer(org.change_seq().await.unwrap());
    let marked = next
        .mark_left(&["joined".to_owned()], T0 + 30)
        .await
        .unwrap();
    assert_eq!((marked.written, marked.kept_newer), (1, 0));

    // A leader who leaves is no department's leader and nobody's direct leader any more.
    let mut report = member("report", "下属", &[(50, false, 4)]);
    report.direct_leaders = vec!["early".into(), "boss".into()];
    org.upsert_member(&sealed(&report), T0 + 39).await.unwrap();
    assert!(org.mark_left("early", T0 + 40).await.unwrap());
    assert!(
        org.department(50)
            .await
            .unwrap()
            .unwrap()
            .leaders
            .is_empty()
    );
    let report = org.member("report").await.unwrap().unwrap();
    assert_eq!(report.direct_leaders, ["boss"]);
}

/// Approver chains, subtrees and tag audiences over a small company.
pub async fn queries(store: &Store) {
    let org = store.org();
    let mut root = dept(1, 0, 100, "总公司");
    root.leaders = vec!["ceo".into()];
    for d in [
        root,
        dept(2, 1, 90, "华南分公司"),
        dept(3, 2, 80, "三号项目部"),
        dept(4, 1, 70, "财务部"),
    ] {
        org.upsert_department(&d, T0).await.unwrap();
    }
    let people = [
        member("ceo", "总经理", &[(1, true, 0)]),
        member("boss2", "分公司经理", &[(2, true, 0)]),
        member("lead3", "项目经理", &[(3, true, 0)]),
        member("worker", "施工员", &[(3, false, 0)]),
        member("other", "会计", &[(4, false, 0)]),
        member("gone", "前项目经理", &[(3, true, 0)]),
    ];
    for m in &people {
        org.upsert_member(&sealed(m), T0).await.unwrap();
    }
    org.mark_left("gone", T0 + 1).await.unwrap();

    assert_eq!(org.leaders_up("worker", 1).await.unwrap(), ["lead3"]);
    assert_eq!(
        org.leaders_up("worker", 3).await.unwrap(),
        ["lead3", "boss2", "ceo"]
    );
    assert_eq!(
        org.leaders_up("worker", 10).await.unwrap(),
        ["lead3", "boss2", "ceo"]
    );
    assert_eq!(
        org.leaders_up("lead3", 2).await.unwrap(),
        ["boss2"],
        "never one's own approver"
    );
    assert!(org.leaders_up("nobody", 3).await.unwrap().is_empty());
    // Level by level; a leader's own level 1 is the next leader up.
    assert_eq!(
        org.leader_levels("worker", 5).await.unwrap(),
        [
            vec!["lead3".to_owned()],
            vec!["boss2".to_owned()],
            vec!["ceo".to_owned()]
        ]
    );
    assert_eq!(
        org.leader_levels("lead3", 1).await.unwrap(),
        [vec!["boss2".to_owned()]]
    );

    assert_eq!(
        org.userids_under(2).await.unwrap(),
        ["boss2", "lead3", "worker"]
    );
    assert_eq!(org.userids_under(1).await.unwrap().len(), 5);
    assert!(org.userids_under(99).await.unwrap().is_empty());

    let tag = Tag {
        id: 9,
        name: "安全培训".into(),
        userids: vec!["other".into(), "gone".into()],
        department_ids: vec![3],
    };
    org.upsert_tag(&tag, T0).await.unwrap();
    assert_eq!(
        org.userids_with_tag(9).await.unwrap(),
        ["lead3", "other", "worker"]
    );
}

/// Personal fields: digests found by lookup and search, pages for a reseal pass, and a
/// reseal that never overwrites a write made after it read.
pub async fn personal_fields(store: &Store) {
    let org = store.org();
    let mut ann = member("ann", "安", &[(1, false, 0)]);
    ann.mobile = Some("sealed-mobile-ann".into());
    ann.email = Some("sealed-email-ann".into());
    let digests = Digests {
        mobile: Some("d-mobile-ann".into()),
        email: Some("d-email-ann".into()),
        biz_mail: Some("d-biz-ann".into()),
    };
    org.upsert_member(
        &SealedMember {
            member: ann.clone(),
            digests: digests.clone(),
        },
        T0,
    )
    .await
    .unwrap();
    let mut ben = member("ben", "本", &[(1, false, 0)]);
    ben.address = Some("plain address".into());
    org.upsert_member(&sealed(&ben), T0).await.unwrap();
    // Reads give the stored text back as it is.
    assert_eq!(org.member("ann").await.unwrap(), Some(ann.clone()));

    for d in ["d-mobile-ann", "d-email-ann", "d-biz-ann"] {
        assert_eq!(
            org.userids_by_digest(&[d.to_owned()]).await.unwrap(),
            ["ann"]
        );
    }
    assert!(org.userids_by_digest(&[]).await.unwrap().is_empty());
    assert!(
        org.userids_by_digest(&["nope".into()])
            .await
            .unwrap()
            .is_empty()
    );
    let hits = org
        .search("13800000000", &["x".into(), "d-mobile-ann".into()], 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].userid.as_str(), hits[0].mobile.as_deref()),
        ("ann", Some("sealed-mobile-ann"))
    );
    assert_eq!(org.search("本", &[], 10).await.unwrap()[0].userid, "ben");

    let page = org.personal_rows("", 1).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].userid, "ann");
    assert_eq!(page[0].digests, digests);
    let rest = org.personal_rows("ann", 10).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].fields.address.as_deref(), Some("plain address"));
    assert_eq!(rest[0].digests, Digests::default());
    assert!(org.personal_rows("ben", 10).await.unwrap().is_empty());

    // A reseal lands where the row still holds what was read, and not where a write
    // came in between.
    let ben_row = rest[0].clone();
    let resealed = PersonalFields {
        address: Some("resealed address".into()),
        ..ben_row.fields.clone()
    };
    let ann_was = page[0].fields.clone();
    let ann_fields = PersonalFields {
        mobile: Some("resealed-mobile-ann".into()),
        ..ann_was.clone()
    };
    ann.name = "安（改）".into();
    ann.mobile = Some("newer-mobile-ann".into());
    org.upsert_member(&sealed(&ann), T0 + 1).await.unwrap();
    let done = org
        .reseal(&[
            Reseal {
                userid: "ann".into(),
                was: ann_was,
                fields: ann_fields,
                digests: Digests::default(),
            },
            Reseal {
                userid: "ben".into(),
                was: ben_row.fields,
                fields: resealed,
                digests: Digests {
                    mobile: Some("d-mobile-ben".into()),
                    ..Digests::default()
                },
            },
        ])
        .await
        .unwrap();
    assert_eq!(done, [false, true]);
    assert_eq!(
        org.member("ann").await.unwrap().unwrap().mobile.as_deref(),
        Some("newer-mobile-ann")
    );
    let ben_now = org.member("ben").await.unwrap().unwrap();
    assert_eq!(ben_now.address.as_deref(), Some("resealed address"));
    assert_eq!(ben_now.name, "本", "only the personal fields change");
    assert_eq!(
        org.userids_by_digest(&["d-mobile-ben".into()])
            .await
            .unwrap(),
        ["ben"]
    );
    assert!(org.reseal(&[]).await.unwrap().is_empty());
    // Leavers are not found by a lookup.
    org.mark_left("ben", T0 + 2).await.unwrap();
    assert!(
        org.userids_by_digest(&["d-mobile-ben".into()])
            .await
            .unwrap()
            .is_empty()
    );
}
