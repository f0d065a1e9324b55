//! The simulated directory: departments, members and tags, with WeCom's field names.

mod generate;
pub(crate) mod index;
pub(crate) mod mutate;
mod names;
mod rng;

use serde::{Deserialize, Serialize};

pub use generate::generate;
pub use mutate::ContactChange;

/// A department, as `department/list` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Department id (root = 1).
    pub id: i64,
    /// Name, unique among siblings.
    pub name: String,
    /// English name, rarely set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Parent id (0 for the root).
    pub parentid: i64,
    /// Sort order among siblings, larger first.
    pub order: u32,
    /// UserIDs of the department leaders.
    pub department_leader: Vec<String>,
}

/// A member, as `user/get` returns it to an app allowed to see every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// UserID (ASCII, unique case-insensitively).
    pub userid: String,
    /// Name.
    pub name: String,
    /// Departments the member belongs to.
    pub department: Vec<i64>,
    /// Order within each department, aligned with `department`.
    pub order: Vec<u32>,
    /// Job title.
    pub position: String,
    /// Mobile number.
    pub mobile: String,
    /// "1" male, "2" female (a string, as WeCom sends it).
    pub gender: String,
    /// Personal email.
    pub email: String,
    /// Corporate email.
    pub biz_mail: String,
    /// 1 when leader of the department at the same index of `department`.
    pub is_leader_in_dept: Vec<u8>,
    /// UserIDs of direct leaders.
    pub direct_leader: Vec<String>,
    /// Avatar URL.
    pub avatar: String,
    /// Thumbnail avatar URL.
    pub thumb_avatar: String,
    /// Landline.
    pub telephone: String,
    /// Alias.
    pub alias: String,
    /// Address.
    pub address: String,
    /// Corp-independent id.
    pub open_userid: String,
    /// Main department.
    pub main_department: i64,
    /// 1 active, 2 disabled, 4 not activated, 5 left.
    pub status: u8,
    /// Personal QR code URL.
    pub qr_code: String,
    /// Position shown to external contacts.
    pub external_position: String,
}

/// A tag with its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag id.
    pub tagid: i64,
    /// Tag name.
    pub tagname: String,
    /// Member UserIDs.
    pub users: Vec<String>,
    /// Department ids.
    pub parties: Vec<i64>,
}

/// A whole directory snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// Departments, parents before children.
    pub departments: Vec<Department>,
    /// Members.
    pub users: Vec<User>,
    /// Tags.
    pub tags: Vec<Tag>,
}

impl Org {
    /// The member with this UserID (case-insensitive, as WeCom matches them).
    pub fn user(&self, userid: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.userid.eq_ignore_ascii_case(userid))
    }

    /// The department with this id.
    pub fn department(&self, id: i64) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// The tag with this id.
    pub fn tag(&self, tagid: i64) -> Option<&Tag> {
        self.tags.iter().find(|t| t.tagid == tagid)
    }

    /// Direct children of a department.
    pub fn children(&self, id: i64) -> Vec<&Department> {
        self.departments
            .iter()
            .filter(|d| d.parentid == id)
            .collect()
    }

    /// Ids of the department and everything below it (pre-order).
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(d) = stack.pop() {
            if self.department(d).is_none() {
                continue;
            }
            out.push(d);
            let mut kids: Vec<i64> = self.children(d).iter().map(|c| c.id).collect();
            kids.reverse();
            stack.extend(kids);
        }
        out
    }

    /// Members directly in a department (not recursive, like `user/list`).
    pub fn users_in(&self, dept: i64) -> Vec<&User> {
        self.users
            .iter()
            .filter(|u| u.department.contains(&dept))
            .collect()
    }

    /// Checks the invariants WeCom guarantees; returns the first violation found.
    pub fn check_consistency(&self) -> Result<(), String> {
        index::check(self)
    }
}
