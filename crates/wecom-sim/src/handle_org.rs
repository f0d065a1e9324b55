//! Directory mutations on a running simulator; each returns the change_contact plaintext
//! WeCom would send (deliver it with [`SimHandle::send_callback`], `agent_id` None).

use crate::callback::unix_now;
use crate::error::SimError;
use crate::handle::SimHandle;
use crate::org::{ContactChange, Org, User};
use crate::xml;

impl SimHandle {
    fn mutate<T>(
        &self,
        f: impl FnOnce(&mut Org) -> Result<T, SimError>,
        render: impl FnOnce(&T) -> Vec<&ContactChange>,
    ) -> Result<Vec<String>, SimError> {
        let sim = self.sim();
        let mut st = sim.lock();
        let out = f(&mut st.org)?;
        st.reindex(&sim.config);
        let now = unix_now();
        Ok(render(&out)
            .into_iter()
            .map(|c| xml::contact_change(&sim.config.corp_id, c, now))
            .collect())
    }

    fn mutate_one(
        &self,
        f: impl FnOnce(&mut Org) -> Result<ContactChange, SimError>,
    ) -> Result<String, SimError> {
        let mut xmls = self.mutate(f, |c| vec![c])?;
        Ok(xmls.pop().unwrap_or_default())
    }

    /// Many directory changes under one lock and one reindex (a reindex per change is
    /// linear in the org, too slow for large benchmarks); the XML of each change, in order.
    pub fn batch(
        &self,
        f: impl FnOnce(&mut Org) -> Result<Vec<ContactChange>, SimError>,
    ) -> Result<Vec<String>, SimError> {
        self.mutate(f, |changes| changes.iter().collect())
    }

    /// Adds a member (create_user).
    pub fn add_user(&self, user: User) -> Result<String, SimError> {
        self.mutate_one(|org| org.add_user(user))
    }

    /// Edits a member (update_user with only the changed fields; NewUserID on rename).
    pub fn update_user(
        &self,
        userid: &str,
        edit: impl FnOnce(&mut User),
    ) -> Result<String, SimError> {
        self.mutate_one(|org| org.update_user(userid, edit))
    }

    /// Moves a member to other departments (update_user).
    pub fn move_user(
        &self,
        userid: &str,
        departments: Vec<i64>,
        main_department: i64,
    ) -> Result<String, SimError> {
        self.mutate_one(|org| org.move_user(userid, departments, main_department))
    }

    /// Removes a member (delete_user).
    pub fn delete_user(&self, userid: &str) -> Result<String, SimError> {
        self.mutate_one(|org| org.delete_user(userid))
    }

    /// Adds a department under `parentid` with the next free id (create_party).
    pub fn add_department(&self, name: &str, parentid: i64) -> Result<String, SimError> {
        self.mutate_one(|org| org.add_department(name, parentid))
    }

    /// Renames and/or moves a department (update_party).
    pub fn update_department(
        &self,
        id: i64,
        name: Option<String>,
        parentid: Option<i64>,
    ) -> Result<String, SimError> {
        self.mutate_one(|org| org.update_department(id, name, parentid))
    }

    /// Deletes a department subtree: member updates/deletions, then delete_party
    /// deepest first.
    pub fn delete_department_subtree(&self, id: i64) -> Result<Vec<String>, SimError> {
        self.mutate(
            |org| org.delete_department_subtree(id),
            |v| v.iter().collect(),
        )
    }

    /// Changes tag membership (update_tag with the effective changes).
    pub fn update_tag_members(
        &self,
        tagid: i64,
        add_users: &[&str],
        del_users: &[&str],
        add_parties: &[i64],
        del_parties: &[i64],
    ) -> Result<String, SimError> {
        self.mutate_one(|org| {
            org.update_tag_members(tagid, add_users, del_users, add_parties, del_parties)
        })
    }
}
