//! Directory changes for tests; each returns the `change_contact` events WeCom would send.

use std::collections::HashSet;

use super::{Department, Org, User};
use crate::codes;
use crate::error::SimError;

/// One `change_contact` event (render it with [`crate::xml::contact_change`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactChange {
    /// create_user with every field.
    CreateUser(Box<User>),
    /// update_user: the XML carries only the fields that differ.
    UpdateUser {
        /// The member before.
        before: Box<User>,
        /// The member after.
        after: Box<User>,
    },
    /// delete_user.
    DeleteUser {
        /// The removed member.
        userid: String,
    },
    /// create_party.
    CreateParty(Department),
    /// update_party with the changed fields.
    UpdateParty {
        /// Department id.
        id: i64,
        /// New name.
        name: Option<String>,
        /// New parent.
        parentid: Option<i64>,
    },
    /// delete_party.
    DeleteParty {
        /// Department id.
        id: i64,
    },
    /// update_tag.
    UpdateTag {
        /// Tag id.
        tagid: i64,
        /// Members added.
        add_users: Vec<String>,
        /// Members removed.
        del_users: Vec<String>,
        /// Departments added.
        add_parties: Vec<i64>,
        /// Departments removed.
        del_parties: Vec<i64>,
    },
}

fn err(code: i64, detail: impl Into<String>) -> SimError {
    SimError::contact(code, detail)
}

impl Org {
    fn user_pos(&self, userid: &str) -> Result<usize, SimError> {
        self.users
            .iter()
            .position(|u| u.userid.eq_ignore_ascii_case(userid))
            .ok_or_else(|| err(codes::USER_NOT_FOUND, userid))
    }

    fn check_user(&self, u: &mut User, skip: Option<usize>) -> Result<(), SimError> {
        let taken = self
            .users
            .iter()
            .enumerate()
            .any(|(i, o)| Some(i) != skip && o.userid.eq_ignore_ascii_case(&u.userid));
        if taken {
            return Err(err(codes::USERID_EXISTS, u.userid.clone()));
        }
        if u.department.is_empty() {
            u.department = vec![1];
        }
        if let Some(d) = u.department.iter().find(|d| self.department(**d).is_none()) {
            return Err(err(codes::INVALID_PARTY, d.to_string()));
        }
        if !u.department.contains(&u.main_department) {
            u.main_department = u.department[0];
        }
        u.is_leader_in_dept.resize(u.department.len(), 0);
        u.order.resize(u.department.len(), 0);
        Ok(())
    }

    /// Adds a member (departments must exist; leader/order flags are padded to match).
    pub fn add_user(&mut self, mut user: User) -> Result<ContactChange, SimError> {
        self.check_user(&mut user, None)?;
        self.users.push(user.clone());
        self.sync_leaders(&user.userid, &user.userid);
        Ok(ContactChange::CreateUser(Box::new(user)))
    }

    /// Changes a member through `edit` (a new `userid` renames every reference to it).
    pub fn update_user(
        &mut self,
        userid: &str,
        edit: impl FnOnce(&mut User),
    ) -> Result<ContactChange, SimError> {
        let pos = self.user_pos(userid)?;
        let before = self.users[pos].clone();
        let mut after = before.clone();
        edit(&mut after);
        self.check_user(&mut after, Some(pos))?;
        self.users[pos] = after.clone();
        if after.userid != before.userid {
            self.rename_references(&before.userid, &after.userid);
        }
        self.sync_leaders(&before.userid, &after.userid);
        Ok(ContactChange::UpdateUser {
            before: Box::new(before),
            after: Box::new(after),
        })
    }

    /// Moves a member to `departments` (leader flags kept where the department stays).
    pub fn move_user(
        &mut self,
        userid: &str,
        departments: Vec<i64>,
        main_department: i64,
    ) -> Result<ContactChange, SimError> {
        self.update_user(userid, |u| {
            let flags = departments
                .iter()
                .map(|d| {
                    let old = u.department.iter().position(|x| x == d);
                    old.and_then(|i| u.is_leader_in_dept.get(i).copied())
                        .unwrap_or(0)
                })
                .collect();
            u.order = vec![0; departments.len()];
            u.is_leader_in_dept = flags;
            u.department = departments;
            u.main_department = main_department;
        })
    }

    /// Removes a member and every reference to it.
    pub fn delete_user(&mut self, userid: &str) -> Result<ContactChange, SimError> {
        let pos = self.user_pos(userid)?;
        let user = self.users.remove(pos);
        self.forget_user(&user.userid);
        Ok(ContactChange::DeleteUser {
            userid: user.userid,
        })
    }

    /// Adds a department under `parentid` with the next free id.
    pub fn add_department(&mut self, name: &str, parentid: i64) -> Result<ContactChange, SimError> {
        if self.department(parentid).is_none() {
            return Err(err(codes::INVALID_PARENT, parentid.to_string()));
        }
        if self.children(parentid).iter().any(|d| d.name == name) {
            return Err(err(codes::DEPT_EXISTS, name));
        }
        let id = self.departments.iter().map(|d| d.id).max().unwrap_or(0) + 1;
        let siblings = u32::try_from(self.children(parentid).len()).unwrap_or(u32::MAX);
        let dept = Department {
            id,
            name: name.to_owned(),
            name_en: None,
            parentid,
            order: 100_000_000u32.saturating_sub(siblings.saturating_mul(1000)),
            department_leader: Vec::new(),
        };
        self.departments.push(dept.clone());
        Ok(ContactChange::CreateParty(dept))
    }

    /// Renames and/or moves a department.
    pub fn update_department(
        &mut self,
        id: i64,
        name: Option<String>,
        parentid: Option<i64>,
    ) -> Result<ContactChange, SimError> {
        let pos = self
            .departments
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| err(codes::INVALID_PARTY, id.to_string()))?;
        if let Some(p) = parentid {
            if self.department(p).is_none() {
                return Err(err(codes::INVALID_PARENT, p.to_string()));
            }
            if self.subtree(id).contains(&p) {
                return Err(err(codes::DEPT_CYCLE, p.to_string()));
            }
            self.departments[pos].parentid = p;
        }
        if let Some(n) = &name {
            self.departments[pos].name.clone_from(n);
        }
        Ok(ContactChange::UpdateParty { id, name, parentid })
    }

    /// Deletes a department and everything below it. Members left without a department
    /// are deleted, others lose those departments; then the departments go, deepest first.
    pub fn delete_department_subtree(&mut self, id: i64) -> Result<Vec<ContactChange>, SimError> {
        if id == 1 {
            return Err(err(codes::ROOT_DELETE, "1"));
        }
        if self.department(id).is_none() {
            return Err(err(codes::INVALID_PARTY, id.to_string()));
        }
        let gone: Vec<i64> = self.subtree(id);
        let gone_set: HashSet<i64> = gone.iter().copied().collect();
        let affected: Vec<String> = self
            .users
            .iter()
            .filter(|u| u.department.iter().any(|d| gone_set.contains(d)))
            .map(|u| u.userid.clone())
            .collect();
        let mut changes = Vec::new();
        for userid in affected {
            let pos = self.user_pos(&userid)?;
            let u = &self.users[pos];
            let keep: Vec<i64> = u
                .department
                .iter()
                .copied()
                .filter(|d| !gone_set.contains(d))
                .collect();
            if keep.is_empty() {
                changes.push(self.delete_user(&userid)?);
            } else {
                let main = if keep.contains(&u.main_department) {
                    u.main_department
                } else {
                    keep[0]
                };
                changes.push(self.move_user(&userid, keep, main)?);
            }
        }
        for t in &mut self.tags {
            t.parties.retain(|p| !gone_set.contains(p));
        }
        self.departments.retain(|d| !gone_set.contains(&d.id));
        changes.extend(
            gone.iter()
                .rev()
                .map(|&id| ContactChange::DeleteParty { id }),
        );
        Ok(changes)
    }

    /// Adds and removes tag members; only effective changes are listed in the event.
    pub fn update_tag_members(
        &mut self,
        tagid: i64,
        add_users: &[&str],
        del_users: &[&str],
        add_parties: &[i64],
        del_parties: &[i64],
    ) -> Result<ContactChange, SimError> {
        for u in add_users.iter().chain(del_users) {
            self.user_pos(u)?;
        }
        if let Some(p) = add_parties.iter().find(|p| self.department(**p).is_none()) {
            return Err(err(codes::INVALID_PARTY, p.to_string()));
        }
        let tag = self
            .tags
            .iter_mut()
            .find(|t| t.tagid == tagid)
            .ok_or_else(|| err(codes::INVALID_TAGID, tagid.to_string()))?;
        let mut change = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for u in add_users {
            if !tag.users.iter().any(|x| x.eq_ignore_ascii_case(u)) {
                tag.users.push((*u).to_owned());
                change.0.push((*u).to_owned());
            }
        }
        for u in del_users {
            if let Some(i) = tag.users.iter().position(|x| x.eq_ignore_ascii_case(u)) {
                change.1.push(tag.users.remove(i));
            }
        }
        for p in add_parties {
            if !tag.parties.contains(p) {
                tag.parties.push(*p);
                change.2.push(*p);
            }
        }
        for p in del_parties {
            if let Some(i) = tag.parties.iter().position(|x| x == p) {
                change.3.push(tag.parties.remove(i));
            }
        }
        Ok(ContactChange::UpdateTag {
            tagid,
            add_users: change.0,
            del_users: change.1,
            add_parties: change.2,
            del_parties: change.3,
        })
    }

    /// Makes `department_leader` lists agree with the member's `is_leader_in_dept`.
    fn sync_leaders(&mut self, old_id: &str, new_id: &str) {
        let Some(u) = self.users.iter().find(|u| u.userid == new_id).cloned() else {
            return;
        };
        for d in &mut self.departments {
            d.department_leader.retain(|l| l != old_id && l != new_id);
            let flagged = u
                .department
                .iter()
                .zip(&u.is_leader_in_dept)
                .any(|(dep, f)| *dep == d.id && *f == 1);
            if flagged {
                d.department_leader.push(new_id.to_owned());
            }
        }
    }

    fn rename_references(&mut self, old: &str, new: &str) {
        let rename = |v: &mut Vec<String>| {
            for x in v.iter_mut().filter(|x| *x == old) {
                *x = new.to_owned();
            }
        };
        self.departments
            .iter_mut()
            .for_each(|d| rename(&mut d.department_leader));
        self.users
            .iter_mut()
            .for_each(|u| rename(&mut u.direct_leader));
        self.tags.iter_mut().for_each(|t| rename(&mut t.users));
    }

    fn forget_user(&mut self, userid: &str) {
        for d in &mut self.departments {
            d.department_leader.retain(|l| l != userid);
        }
        for u in &mut self.users {
            u.direct_leader.retain(|l| l != userid);
        }
        for t in &mut self.tags {
            t.users.retain(|l| l != userid);
        }
    }
}
