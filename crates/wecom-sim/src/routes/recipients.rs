//! Turning touser/toparty/totag into members, as message/send and card updates do.

use std::collections::HashSet;

use crate::org::index::AppScope;
use crate::state::Inner;

/// Recipients named in a request.
#[derive(Debug, Default)]
pub(super) struct Targets {
    pub(super) users: Vec<String>,
    pub(super) all: bool,
    pub(super) parties: Vec<String>,
    pub(super) tags: Vec<String>,
}

impl Targets {
    pub(super) fn is_empty(&self) -> bool {
        !self.all && self.users.is_empty() && self.parties.is_empty() && self.tags.is_empty()
    }
}

/// Members reached plus the ids WeCom reports back as invalid.
#[derive(Debug, Default)]
pub(super) struct Resolved {
    /// Positions in `org.users`, unique, in request order.
    pub(super) users: Vec<usize>,
    pub(super) invalid_users: Vec<String>,
    pub(super) invalid_parties: Vec<String>,
    pub(super) invalid_tags: Vec<String>,
}

/// Splits WeCom's `a|b|c` lists.
pub(super) fn split_bar(raw: &str) -> Vec<String> {
    raw.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Active (1) and not-yet-activated (4) members receive messages; disabled (2) and
/// departed (5) ones do not.
fn deliverable(status: u8) -> bool {
    matches!(status, 1 | 4)
}

pub(super) fn resolve(st: &Inner, scope: &AppScope, t: &Targets) -> Resolved {
    let mut out = Resolved::default();
    let mut seen = HashSet::new();
    let org = &st.org;
    let mut add = |out: &mut Resolved, pos: usize| {
        if deliverable(org.users[pos].status) && seen.insert(pos) {
            out.users.push(pos);
        }
    };
    if t.all {
        for (pos, u) in org.users.iter().enumerate() {
            if scope.sees_user(u) {
                add(&mut out, pos);
            }
        }
    }
    for name in &t.users {
        match st.idx.user(name) {
            Some(pos) if scope.sees_user(&org.users[pos]) && deliverable(org.users[pos].status) => {
                add(&mut out, pos);
            }
            // WeCom reports invalid userids lower-cased.
            _ => out.invalid_users.push(name.to_ascii_lowercase()),
        }
    }
    for raw in &t.parties {
        let id = raw.parse::<i64>().ok();
        match id.filter(|d| st.idx.dept(*d).is_some() && scope.sees_dept(*d)) {
            Some(d) => {
                for sub in st.idx.subtree(d) {
                    for &pos in st.idx.users_in(sub) {
                        add(&mut out, pos);
                    }
                }
            }
            None => out.invalid_parties.push(raw.clone()),
        }
    }
    for raw in &t.tags {
        let tag = raw.parse::<i64>().ok().and_then(|id| org.tag(id));
        let mut reached = false;
        if let Some(tag) = tag {
            for u in &tag.users {
                if let Some(pos) = st.idx.user(u).filter(|p| scope.sees_user(&org.users[*p])) {
                    reached = true;
                    add(&mut out, pos);
                }
            }
            for d in tag.parties.iter().filter(|d| scope.sees_dept(**d)) {
                reached = true;
                for sub in st.idx.subtree(*d) {
                    for &pos in st.idx.users_in(sub) {
                        add(&mut out, pos);
                    }
                }
            }
        }
        if !reached {
            out.invalid_tags.push(raw.clone());
        }
    }
    out
}
