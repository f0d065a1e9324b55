//! Contacts (read): departments, users, tags (§4.2).
//!
//! Since the 2022 restrictions many user fields are simply absent, so every field that
//! WeCom may omit is optional or defaults to empty.

use serde::{Deserialize, Serialize};

use super::{Client, Error, Result, api, wire};

/// A department from `department/list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Department {
    /// Department id.
    pub id: i64,
    /// Name (may be absent for apps without name permission).
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// Leader userids.
    pub department_leader: Vec<String>,
    /// Parent id (0 for the root's parent).
    pub parentid: i64,
    /// Sort order; larger = earlier.
    pub order: u32,
}

/// A department from `department/simplelist` (ids only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimpleDepartment {
    /// Department id.
    pub id: i64,
    /// Parent id.
    pub parentid: i64,
    /// Sort order; larger = earlier.
    pub order: u32,
}

/// One (user, department) row of `user/list_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeptUser {
    /// UserID.
    pub userid: String,
    /// Department id.
    pub department: i64,
}

/// A page of `user/list_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserIdPage {
    /// Cursor of the next page; `None` at the end (WeCom sends `""` or nothing).
    #[serde(deserialize_with = "wire::opt_string")]
    pub next_cursor: Option<String>,
    /// Rows of this page.
    pub dept_user: Vec<DeptUser>,
}

/// Gender; `"0"`/`"1"`/`"2"` strings on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Gender {
    /// 0: not set.
    #[default]
    Unspecified,
    /// 1.
    Male,
    /// 2.
    Female,
}

impl Serialize for Gender {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            Self::Unspecified => "0",
            Self::Male => "1",
            Self::Female => "2",
        })
    }
}

impl<'de> Deserialize<'de> for Gender {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match wire::opt_int(d)? {
            Some(1) => Self::Male,
            Some(2) => Self::Female,
            _ => Self::Unspecified,
        })
    }
}

/// A member from `user/get` or `user/list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// UserID.
    pub userid: String,
    /// Name.
    pub name: String,
    /// Department ids.
    pub department: Vec<i64>,
    /// Sort order within each department of `department`.
    pub order: Vec<u32>,
    /// Job title.
    pub position: Option<String>,
    /// Mobile (absent for apps created after 2022-06-20).
    pub mobile: Option<String>,
    /// Gender (absent for apps created after 2022-06-20).
    pub gender: Option<Gender>,
    /// Email.
    pub email: Option<String>,
    /// Business email.
    pub biz_mail: Option<String>,
    /// 1 = leader in the matching department of `department`.
    pub is_leader_in_dept: Vec<i32>,
    /// Direct leaders' userids.
    pub direct_leader: Vec<String>,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Avatar thumbnail URL.
    pub thumb_avatar: Option<String>,
    /// Landline.
    pub telephone: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Cross-corp id.
    pub open_userid: Option<String>,
    /// Main department id.
    #[serde(deserialize_with = "wire::opt_int")]
    pub main_department: Option<i64>,
    /// 1 active, 2 disabled, 4 not activated, 5 left.
    pub status: Option<i32>,
    /// Custom attributes, kept raw.
    pub extattr: Option<serde_json::Value>,
    /// Personal QR code URL.
    pub qr_code: Option<String>,
    /// External job title.
    pub external_position: Option<String>,
    /// External profile, kept raw.
    pub external_profile: Option<serde_json::Value>,
}

/// A member from `user/simplelist`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimpleUser {
    /// UserID.
    pub userid: String,
    /// Name.
    pub name: String,
    /// Department ids.
    pub department: Vec<i64>,
    /// Cross-corp id.
    pub open_userid: Option<String>,
}

/// A tag from `tag/list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tag {
    /// Tag id.
    pub tagid: i64,
    /// Tag name.
    pub tagname: String,
}

/// A member of a tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagUser {
    /// UserID.
    pub userid: String,
    /// Name.
    pub name: String,
}

/// `tag/get`: the tag's members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagMembers {
    /// Tag name.
    pub tagname: String,
    /// Member users.
    pub userlist: Vec<TagUser>,
    /// Member department ids.
    #[serde(deserialize_with = "wire::ids")]
    pub partylist: Vec<i64>,
}

#[derive(Deserialize)]
struct DepartmentOne {
    department: Department,
}

#[derive(Deserialize)]
struct DepartmentList {
    #[serde(default)]
    department: Vec<Department>,
}

#[derive(Deserialize)]
struct SimpleDepartmentList {
    #[serde(default)]
    department_id: Vec<SimpleDepartment>,
}

#[derive(Deserialize)]
struct UserList<T> {
    #[serde(default = "Vec::new")]
    userlist: Vec<T>,
}

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    taglist: Vec<Tag>,
}

#[derive(Serialize)]
struct ListIdRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
    limit: u32,
}

fn id_query(id: Option<i64>) -> Vec<(&'static str, String)> {
    id.map(|id| ("id", id.to_string())).into_iter().collect()
}

impl Client {
    /// `department/list`: the subtree under `id` (all visible departments if `None`).
    pub async fn department_list(&self, id: Option<i64>) -> Result<Vec<Department>> {
        let list: DepartmentList = self.get_json(api::DEPARTMENT_LIST, &id_query(id)).await?;
        Ok(list.department)
    }

    /// `department/get`: one department with its name and leaders (the detail call
    /// beside `department/simplelist`).
    pub async fn department_get(&self, id: i64) -> Result<Department> {
        let one: DepartmentOne = self
            .get_json(api::DEPARTMENT_GET, &[("id", id.to_string())])
            .await?;
        Ok(one.department)
    }

    /// `department/simplelist`: ids of the subtree under `id`.
    pub async fn department_simplelist(&self, id: Option<i64>) -> Result<Vec<SimpleDepartment>> {
        let list: SimpleDepartmentList = self
            .get_json(api::DEPARTMENT_SIMPLELIST, &id_query(id))
            .await?;
        Ok(list.department_id)
    }

    /// `user/list_id`: one page of (userid, department) rows; `limit` in 1..=10000.
    pub async fn user_list_id(&self, cursor: Option<&str>, limit: u32) -> Result<UserIdPage> {
        if !(1..=10_000).contains(&limit) {
            return Err(Error::InvalidRequest(
                "user/list_id limit must be 1..=10000".into(),
            ));
        }
        let cursor = cursor.filter(|c| !c.is_empty());
        self.post_json(api::USER_LIST_ID, &ListIdRequest { cursor, limit })
            .await
    }

    /// Walks every page of `user/list_id`.
    pub async fn user_list_id_all(&self, limit: u32) -> Result<Vec<DeptUser>> {
        let mut rows = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.user_list_id(cursor.as_deref(), limit).await?;
            rows.extend(page.dept_user);
            match page.next_cursor {
                None => return Ok(rows),
                // A repeated cursor would loop forever.
                Some(next) if cursor.as_deref() == Some(next.as_str()) => {
                    return Err(Error::decode(
                        api::USER_LIST_ID,
                        "next_cursor did not advance",
                    ));
                }
                next => cursor = next,
            }
        }
    }

    /// `user/get`. Fails with 60011 for users outside the app's visibility.
    pub async fn user_get(&self, userid: &str) -> Result<User> {
        self.get_json(api::USER_GET, &[("userid", userid.to_owned())])
            .await
    }

    /// `user/simplelist` of one department (not recursive).
    pub async fn user_simplelist(&self, department_id: i64) -> Result<Vec<SimpleUser>> {
        let query = [("department_id", department_id.to_string())];
        let list: UserList<SimpleUser> = self.get_json(api::USER_SIMPLELIST, &query).await?;
        Ok(list.userlist)
    }

    /// `user/list` of one department (not recursive), with user/get fields.
    pub async fn user_list(&self, department_id: i64) -> Result<Vec<User>> {
        let query = [("department_id", department_id.to_string())];
        let list: UserList<User> = self.get_json(api::USER_LIST, &query).await?;
        Ok(list.userlist)
    }

    /// `tag/list`.
    pub async fn tag_list(&self) -> Result<Vec<Tag>> {
        let list: TagList = self.get_json(api::TAG_LIST, &[]).await?;
        Ok(list.taglist)
    }

    /// `tag/get`: members of one tag.
    pub async fn tag_get(&self, tagid: i64) -> Result<TagMembers> {
        self.get_json(api::TAG_GET, &[("tagid", tagid.to_string())])
            .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decodes_restricted_user() {
        let user: User = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","userid":"zhangsan","name":"张三","department":[1,2],
               "order":[1,2],"is_leader_in_dept":[1,0],"main_department":1,"status":1,
               "extattr":{"attrs":[]},"unknown_field":true}"#,
        )
        .unwrap();
        assert_eq!(user.userid, "zhangsan");
        assert_eq!(user.department, [1, 2]);
        assert_eq!(user.main_department, Some(1));
        assert!(user.mobile.is_none() && user.gender.is_none() && user.avatar.is_none());
        let user: User = serde_json::from_str(r#"{"userid":"a","gender":"2"}"#).unwrap();
        assert_eq!(user.gender, Some(Gender::Female));
        assert_eq!(serde_json::to_value(Gender::Male).unwrap(), "1");
    }

    #[test]
    fn decodes_lists() {
        let page: UserIdPage = serde_json::from_str(
            r#"{"errcode":0,"next_cursor":"","dept_user":[{"userid":"a","department":1}]}"#,
        )
        .unwrap();
        assert_eq!(page.next_cursor, None);
        assert_eq!(page.dept_user[0].department, 1);
        let tag: TagMembers = serde_json::from_str(
            r#"{"tagname":"t","userlist":[{"userid":"a","name":"A"}],"partylist":[2,3]}"#,
        )
        .unwrap();
        assert_eq!(tag.partylist, [2, 3]);
        let deps: DepartmentList = serde_json::from_str(
            r#"{"department":[{"id":2,"name":"研发","parentid":1,"order":4294967295}]}"#,
        )
        .unwrap();
        assert_eq!(deps.department[0].order, u32::MAX);
        assert!(deps.department[0].department_leader.is_empty());
    }
}
