//! Lookup tables over an [`Org`] and per-app visibility, rebuilt after every mutation.

use std::collections::{HashMap, HashSet};

use super::{Org, User};
use crate::config::Visibility;

/// Positions and relations of an [`Org`], so requests on 100k members stay cheap.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrgIndex {
    dept_pos: HashMap<i64, usize>,
    user_pos: HashMap<String, usize>,
    children: HashMap<i64, Vec<i64>>,
    dept_users: HashMap<i64, Vec<usize>>,
}

impl OrgIndex {
    pub(crate) fn build(org: &Org) -> Self {
        let mut idx = Self::default();
        for (i, d) in org.departments.iter().enumerate() {
            idx.dept_pos.insert(d.id, i);
            idx.children.entry(d.parentid).or_default().push(d.id);
        }
        for (i, u) in org.users.iter().enumerate() {
            idx.user_pos.insert(u.userid.to_ascii_lowercase(), i);
            for d in &u.department {
                idx.dept_users.entry(*d).or_default().push(i);
            }
        }
        idx
    }

    /// Position of a member in `org.users` (case-insensitive).
    pub(crate) fn user(&self, userid: &str) -> Option<usize> {
        self.user_pos.get(&userid.to_ascii_lowercase()).copied()
    }

    /// Position of a department in `org.departments`.
    pub(crate) fn dept(&self, id: i64) -> Option<usize> {
        self.dept_pos.get(&id).copied()
    }

    /// Ids of `id` and its descendants, pre-order.
    pub(crate) fn subtree(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        if !self.dept_pos.contains_key(&id) {
            return out;
        }
        let mut stack = vec![id];
        while let Some(d) = stack.pop() {
            out.push(d);
            if let Some(kids) = self.children.get(&d) {
                stack.extend(kids.iter().rev());
            }
        }
        out
    }

    /// Positions of members directly in a department.
    pub(crate) fn users_in(&self, dept: i64) -> &[usize] {
        self.dept_users.get(&dept).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn scope(&self, org: &Org, vis: &Visibility) -> AppScope {
        match vis {
            Visibility::Root => AppScope {
                all: true,
                ..AppScope::default()
            },
            Visibility::Departments(ids) => AppScope {
                all: false,
                depts: ids.iter().flat_map(|d| self.subtree(*d)).collect(),
                users: HashSet::new(),
            },
            Visibility::Users(ids) => AppScope {
                all: false,
                depts: HashSet::new(),
                users: ids
                    .iter()
                    .filter_map(|u| self.user(u))
                    .map(|i| org.users[i].userid.clone())
                    .collect(),
            },
        }
    }
}

/// What one token may see: everything (contacts secret, root visibility) or a subset.
#[derive(Debug, Clone, Default)]
pub(crate) struct AppScope {
    pub(crate) all: bool,
    pub(crate) depts: HashSet<i64>,
    pub(crate) users: HashSet<String>,
}

impl AppScope {
    pub(crate) fn everything() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    pub(crate) fn sees_dept(&self, id: i64) -> bool {
        self.all || self.depts.contains(&id)
    }

    pub(crate) fn sees_user(&self, user: &User) -> bool {
        self.all
            || self.users.contains(&user.userid)
            || user.department.iter().any(|d| self.depts.contains(d))
    }
}

/// The invariants a generated or mutated org keeps.
pub(super) fn check(org: &Org) -> Result<(), String> {
    let mut ids = HashSet::new();
    for d in &org.departments {
        if !ids.insert(d.id) {
            return Err(format!("duplicate department id {}", d.id));
        }
    }
    for d in &org.departments {
        if d.id != 1 && !ids.contains(&d.parentid) {
            return Err(format!(
                "department {} has unknown parent {}",
                d.id, d.parentid
            ));
        }
    }
    let mut siblings = HashSet::new();
    for d in &org.departments {
        if !siblings.insert((d.parentid, d.name.as_str())) {
            return Err(format!("duplicate sibling name {}", d.name));
        }
    }
    let by_id: HashMap<String, &User> = org
        .users
        .iter()
        .map(|u| (u.userid.to_ascii_lowercase(), u))
        .collect();
    let mut userids = HashSet::new();
    let mut mobiles = HashSet::new();
    for u in &org.users {
        if !userids.insert(u.userid.to_ascii_lowercase()) {
            return Err(format!("duplicate userid {}", u.userid));
        }
        if !mobiles.insert(u.mobile.as_str()) {
            return Err(format!("duplicate mobile {}", u.mobile));
        }
        if u.department.is_empty() || u.department.iter().any(|d| !ids.contains(d)) {
            return Err(format!("{} has bad departments", u.userid));
        }
        if !u.department.contains(&u.main_department) {
            return Err(format!("{} main department not in department", u.userid));
        }
        if u.is_leader_in_dept.len() != u.department.len() || u.order.len() != u.department.len() {
            return Err(format!("{} leader/order flags not aligned", u.userid));
        }
    }
    for d in &org.departments {
        for l in &d.department_leader {
            let Some(u) = by_id.get(&l.to_ascii_lowercase()) else {
                return Err(format!("department {} leader {l} unknown", d.id));
            };
            let pos = u.department.iter().position(|x| *x == d.id);
            if pos.and_then(|p| u.is_leader_in_dept.get(p)) != Some(&1) {
                return Err(format!("leader {l} not flagged in department {}", d.id));
            }
        }
    }
    for u in &org.users {
        if u.direct_leader
            .iter()
            .any(|l| !userids.contains(&l.to_ascii_lowercase()))
        {
            return Err(format!("{} has an unknown direct leader", u.userid));
        }
    }
    for t in &org.tags {
        if t.users
            .iter()
            .any(|l| !userids.contains(&l.to_ascii_lowercase()))
            || t.parties.iter().any(|p| !ids.contains(p))
        {
            return Err(format!("tag {} has unknown members", t.tagid));
        }
    }
    Ok(())
}
