//! WeCom's wire shapes to the org mirror's types, normalised so that what a sync reads
//! compares equal to what the store gives back (the basis of "write only changes").

use domain::org::{Department, Member, Membership, Tag};
use wecom::client::{self, Gender, User};

/// A department from `department/list`.
pub(super) fn department(d: &client::Department) -> Department {
    Department {
        id: d.id,
        name: d.name.clone(),
        name_en: d.name_en.clone(),
        parent_id: d.parentid,
        order: i64::from(d.order),
        leaders: d.department_leader.clone(),
    }
}

/// A tag from `tag/list` + `tag/get`, lists sorted and deduplicated as the store keeps them.
pub(super) fn tag(t: &client::Tag, detail: &client::TagMembers) -> Tag {
    let mut userids: Vec<String> = detail.userlist.iter().map(|u| u.userid.clone()).collect();
    userids.sort();
    userids.dedup();
    let mut department_ids = detail.partylist.clone();
    department_ids.sort_unstable();
    department_ids.dedup();
    Tag {
        id: t.tagid,
        name: t.tagname.clone(),
        userids,
        department_ids,
    }
}

/// A member from `user/get` or `user/list`. Also used by the OAuth login (routes/auth.rs).
pub(crate) fn member(user: &User) -> Member {
    let mut departments: Vec<Membership> = Vec::with_capacity(user.department.len());
    for (i, &department_id) in user.department.iter().enumerate() {
        // The store keeps one membership per department; so does the comparison.
        if departments.iter().any(|m| m.department_id == department_id) {
            continue;
        }
        departments.push(Membership {
            department_id,
            is_leader: user.is_leader_in_dept.get(i).is_some_and(|&f| f == 1),
            order: user.order.get(i).map_or(0, |&o| i64::from(o)),
        });
    }
    Member {
        userid: user.userid.clone(),
        name: user.name.clone(),
        departments,
        main_department: user.main_department,
        position: user.position.clone(),
        mobile: user.mobile.clone(),
        email: user.email.clone(),
        biz_mail: user.biz_mail.clone(),
        gender: user.gender.map(|g| match g {
            Gender::Unspecified => 0,
            Gender::Male => 1,
            Gender::Female => 2,
        }),
        status: user.status.unwrap_or(1),
        avatar: user.avatar.clone(),
        alias: user.alias.clone(),
        telephone: user.telephone.clone(),
        address: user.address.clone(),
        direct_leaders: user.direct_leader.clone(),
        left_at_ms: None,
        extra: serde_json::Value::Null,
    }
}

/// WeCom leaves out the fields it hides from apps created after 2022-06-20 (mobile,
/// email, avatar, …); absent means "not told", not "cleared" (a cleared field comes as
/// an empty string). What a member's consented OAuth login stored is kept.
pub(crate) fn keep_private(fresh: &mut Member, stored: &Member) {
    fn keep<T: Clone>(fresh: &mut Option<T>, stored: &Option<T>) {
        if fresh.is_none() {
            fresh.clone_from(stored);
        }
    }
    keep(&mut fresh.mobile, &stored.mobile);
    keep(&mut fresh.email, &stored.email);
    keep(&mut fresh.biz_mail, &stored.biz_mail);
    keep(&mut fresh.gender, &stored.gender);
    keep(&mut fresh.avatar, &stored.avatar);
    keep(&mut fresh.address, &stored.address);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_fields_keep_what_a_login_stored_but_a_cleared_field_clears() {
        let listed = User {
            userid: "zhangsan".into(),
            name: "张三".into(),
            department: vec![2],
            ..User::default()
        };
        let mut stored = member(&listed);
        stored.mobile = Some("13800000000".into());
        stored.avatar = Some("https://example.invalid/a.png".into());
        stored.email = Some("zs@example.invalid".into());

        let mut fresh = member(&listed);
        keep_private(&mut fresh, &stored);
        assert_eq!(fresh, stored, "absent means not told");

        let cleared = User {
            email: Some(String::new()),
            position: Some("安全员".into()),
            ..listed
        };
        let mut fresh = member(&cleared);
        keep_private(&mut fresh, &stored);
        assert_eq!(fresh.email.as_deref(), Some(""));
        assert_eq!(fresh.mobile, stored.mobile);
        assert_eq!(fresh.position.as_deref(), Some("安全员"));
    }
}
