//! `change_contact` (通讯录变更, docs 90970-90972): member, department and tag changes.
//!
//! Since 2022-08-15 WeCom may send member events with ids only, so every field but the id
//! is optional: `None` means "not in this event", never "cleared".

use serde::{Deserialize, Serialize};

use super::EventError;
use super::fields::{opt_list, opt_num, opt_str, req_num, req_str};
use crate::xml::{Element, Node};

/// One directory change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change_type", rename_all = "snake_case")]
pub enum ContactChange {
    /// A member was added.
    CreateUser(UserChange),
    /// A member changed; only changed fields are present.
    UpdateUser(UserChange),
    /// A member was removed.
    DeleteUser {
        /// The removed member.
        user_id: String,
    },
    /// A department was added.
    CreateParty(PartyChange),
    /// A department changed; only changed fields are present.
    UpdateParty(PartyChange),
    /// A department was removed.
    DeleteParty {
        /// The removed department.
        id: i64,
    },
    /// Tag membership changed.
    UpdateTag(TagChange),
    /// A `ChangeType` this crate does not know yet, kept whole.
    Unknown {
        /// The `ChangeType` value.
        kind: String,
        /// The whole message.
        raw: Element,
    },
}

/// Member fields carried by create/update events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    /// The member's UserID (the old one when it changed).
    pub user_id: String,
    /// The new UserID, only when it changed.
    pub new_user_id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Departments the receiver may see.
    pub departments: Option<Vec<i64>>,
    /// Main department.
    pub main_department: Option<i64>,
    /// Leader flags aligned with `departments`.
    pub is_leader_in_dept: Option<Vec<bool>>,
    /// Direct leaders' UserIDs.
    pub direct_leader: Option<Vec<String>>,
    /// Job title.
    pub position: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
    /// 1 male, 2 female.
    pub gender: Option<u8>,
    /// Email.
    pub email: Option<String>,
    /// Business email.
    pub biz_mail: Option<String>,
    /// 1 active, 2 disabled, 4 not activated, 5 left.
    pub status: Option<u8>,
    /// Avatar URL.
    pub avatar: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// Landline.
    pub telephone: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Custom attributes (`ExtAttr/Item`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ext_attr: Vec<ExtAttr>,
}

/// One custom member attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtAttr {
    /// Attribute name.
    pub name: String,
    /// 0 text, 1 web link.
    pub kind: u8,
    /// Text value, or the link's URL.
    pub value: String,
    /// The link's title (web attributes only).
    pub title: Option<String>,
}

/// Department fields carried by create/update events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyChange {
    /// Department id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Parent department id.
    pub parent_id: Option<i64>,
    /// Sort order (larger first).
    pub order: Option<u32>,
}

/// Tag membership delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagChange {
    /// Tag id.
    pub tag_id: i64,
    /// Members added.
    pub add_user_items: Vec<String>,
    /// Members removed.
    pub del_user_items: Vec<String>,
    /// Departments added.
    pub add_party_items: Vec<i64>,
    /// Departments removed.
    pub del_party_items: Vec<i64>,
}

pub(super) fn parse(el: Node<'_, '_>) -> Result<ContactChange, EventError> {
    let kind = req_str(el, "ChangeType")?;
    Ok(match kind.as_str() {
        "create_user" => ContactChange::CreateUser(user(el)?),
        "update_user" => ContactChange::UpdateUser(user(el)?),
        "delete_user" => ContactChange::DeleteUser {
            user_id: req_str(el, "UserID")?,
        },
        "create_party" => ContactChange::CreateParty(party(el)?),
        "update_party" => ContactChange::UpdateParty(party(el)?),
        "delete_party" => ContactChange::DeleteParty {
            id: req_num(el, "Id")?,
        },
        "update_tag" => ContactChange::UpdateTag(TagChange {
            tag_id: req_num(el, "TagId")?,
            add_user_items: opt_list(el, "AddUserItems")?.unwrap_or_default(),
            del_user_items: opt_list(el, "DelUserItems")?.unwrap_or_default(),
            add_party_items: opt_list(el, "AddPartyItems")?.unwrap_or_default(),
            del_party_items: opt_list(el, "DelPartyItems")?.unwrap_or_default(),
        }),
        _ => ContactChange::Unknown {
            kind,
            raw: el.to_element(),
        },
    })
}

fn user(el: Node<'_, '_>) -> Result<UserChange, EventError> {
    let is_leader_in_dept = opt_list::<u8>(el, "IsLeaderInDept")?
        .map(|flags| flags.into_iter().map(|f| f == 1).collect());
    let ext_attr = el
        .child("ExtAttr")
        .map(|attrs| attrs.children_named("Item").map(ext_item).collect())
        .transpose()?
        .unwrap_or_default();
    Ok(UserChange {
        user_id: req_str(el, "UserID")?,
        new_user_id: opt_str(el, "NewUserID"),
        name: opt_str(el, "Name"),
        departments: opt_list(el, "Department")?,
        main_department: opt_num(el, "MainDepartment")?,
        is_leader_in_dept,
        direct_leader: opt_list(el, "DirectLeader")?,
        position: opt_str(el, "Position"),
        mobile: opt_str(el, "Mobile"),
        gender: opt_num(el, "Gender")?,
        email: opt_str(el, "Email"),
        biz_mail: opt_str(el, "BizMail"),
        status: opt_num(el, "Status")?,
        avatar: opt_str(el, "Avatar"),
        alias: opt_str(el, "Alias"),
        telephone: opt_str(el, "Telephone"),
        address: opt_str(el, "Address"),
        ext_attr,
    })
}

fn ext_item(item: Node<'_, '_>) -> Result<ExtAttr, EventError> {
    let kind: u8 = opt_num(item, "Type")?.unwrap_or(0);
    let (value, title) = match (kind, item.child("Web"), item.child("Text")) {
        (1, Some(web), _) => (
            opt_str(web, "Url").unwrap_or_default(),
            opt_str(web, "Title"),
        ),
        (_, _, Some(text)) => (opt_str(text, "Value").unwrap_or_default(), None),
        _ => (String::new(), None),
    };
    Ok(ExtAttr {
        name: opt_str(item, "Name").unwrap_or_default(),
        kind,
        value,
        title,
    })
}

fn party(el: Node<'_, '_>) -> Result<PartyChange, EventError> {
    Ok(PartyChange {
        id: req_num(el, "Id")?,
        name: opt_str(el, "Name"),
        parent_id: opt_num(el, "ParentId")?,
        order: opt_num(el, "Order")?,
    })
}
