//! The WeCom directory mirror: departments, members and tags as Gantry keeps them.
//!
//! Field names and meanings follow WeCom's contacts API (`department/get`, `user/get`,
//! `tag/get`) so org sync maps them one to one. Members are never hard-deleted: a
//! leaver keeps their row with [`Member::left_at_ms`] set, because approvals, tasks and
//! audit records still point at them.

use serde::{Deserialize, Serialize};

/// A department (部门). WeCom's root department has id 1 and parent 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// WeCom department id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// English name, when the corp sets one.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Parent department id; 0 for the root.
    pub parent_id: i64,
    /// Order among siblings; WeCom shows larger values first.
    #[serde(default)]
    pub order: i64,
    /// Userids of the department leaders (部门负责人).
    #[serde(default)]
    pub leaders: Vec<String>,
}

/// One department a member belongs to, with their place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The department id.
    pub department_id: i64,
    /// Whether the member leads this department (`is_leader_in_dept`).
    #[serde(default)]
    pub is_leader: bool,
    /// Order inside the department; WeCom shows larger values first.
    #[serde(default)]
    pub order: i64,
}

/// WeCom's member status codes, for code that needs to reason about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberStatus {
    /// 1: activated (已激活).
    Active,
    /// 2: disabled by an admin (已禁用).
    Disabled,
    /// 4: invited but not yet activated (未激活).
    Inactive,
    /// 5: left the corp (退出企业).
    Left,
}

impl MemberStatus {
    /// Maps WeCom's numeric code; `None` for codes WeCom may add later.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(Self::Active),
            2 => Some(Self::Disabled),
            4 => Some(Self::Inactive),
            5 => Some(Self::Left),
            _ => None,
        }
    }

    /// WeCom's numeric code.
    pub fn code(self) -> i32 {
        match self {
            Self::Active => 1,
            Self::Disabled => 2,
            Self::Inactive => 4,
            Self::Left => 5,
        }
    }
}

/// A member (成员) of the corp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// WeCom userid, unique in the corp.
    pub userid: String,
    /// Display name.
    pub name: String,
    /// Departments the member belongs to, with leader flag and order in each.
    #[serde(default)]
    pub departments: Vec<Membership>,
    /// Main department id, when WeCom reports one.
    #[serde(default)]
    pub main_department: Option<i64>,
    /// Job title (职务).
    #[serde(default)]
    pub position: Option<String>,
    /// Mobile number; only visible to apps with the right field permissions.
    #[serde(default)]
    pub mobile: Option<String>,
    /// Personal email.
    #[serde(default)]
    pub email: Option<String>,
    /// Corp mailbox (企业邮箱).
    #[serde(default)]
    pub biz_mail: Option<String>,
    /// WeCom gender code: 0 unknown, 1 male, 2 female.
    #[serde(default)]
    pub gender: Option<i32>,
    /// WeCom status code; see [`MemberStatus`].
    pub status: i32,
    /// Avatar URL.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Alias (别名).
    #[serde(default)]
    pub alias: Option<String>,
    /// Landline (座机).
    #[serde(default)]
    pub telephone: Option<String>,
    /// Office address.
    #[serde(default)]
    pub address: Option<String>,
    /// Userids of the member's direct leaders (直属上级).
    #[serde(default)]
    pub direct_leaders: Vec<String>,
    /// When Gantry saw the member leave; `None` while they are in the corp.
    #[serde(default)]
    pub left_at_ms: Option<i64>,
    /// Anything else WeCom sends that Gantry keeps verbatim (e.g. `extattr`);
    /// `Null` when there is nothing.
    #[serde(default)]
    pub extra: serde_json::Value,
}

impl Member {
    /// The typed status, when the code is one Gantry knows.
    pub fn status_kind(&self) -> Option<MemberStatus> {
        MemberStatus::from_code(self.status)
    }

    /// Whether the member is still in the corp (not marked as a leaver).
    pub fn is_current(&self) -> bool {
        self.left_at_ms.is_none() && self.status_kind() != Some(MemberStatus::Left)
    }

    /// The membership in `department_id`, if any.
    pub fn membership(&self, department_id: i64) -> Option<&Membership> {
        self.departments
            .iter()
            .find(|m| m.department_id == department_id)
    }
}

/// A tag (标签): a named set of members and departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// WeCom tag id.
    pub id: i64,
    /// Tag name.
    pub name: String,
    /// Userids tagged directly.
    #[serde(default)]
    pub userids: Vec<String>,
    /// Department ids tagged (their members are in the tag's reach).
    #[serde(default)]
    pub department_ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip() {
        for code in [1, 2, 4, 5] {
            let status = MemberStatus::from_code(code).expect("known code");
            assert_eq!(status.code(), code);
        }
        assert_eq!(MemberStatus::from_code(3), None);
    }

    #[test]
    fn member_deserialises_with_defaults() {
        let m: Member = serde_json::from_str(r#"{"userid":"zhangsan","name":"张三","status":1}"#)
            .expect("minimal member");
        assert!(m.departments.is_empty());
        assert!(m.extra.is_null());
        assert!(m.is_current());
    }

    #[test]
    fn leaver_is_not_current() {
        let mut m: Member = serde_json::from_str(
            r#"{"userid":"lisi","name":"李四","status":1,
                "departments":[{"department_id":2,"is_leader":true,"order":3}]}"#,
        )
        .expect("member");
        assert_eq!(m.membership(2).map(|d| d.is_leader), Some(true));
        m.left_at_ms = Some(1);
        assert!(!m.is_current());
    }
}
