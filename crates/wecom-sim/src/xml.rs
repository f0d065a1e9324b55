//! Plaintext callback XML exactly as WeCom writes it: one element per line, strings in
//! CDATA, numbers bare (the mix the official samples show).

use crate::org::{ContactChange, Department, User};

/// Builds `<xml>…</xml>` one element at a time.
#[derive(Debug)]
struct Xml(String);

impl Xml {
    fn new() -> Self {
        Self(String::from("<xml>"))
    }

    fn cdata(mut self, tag: &str, value: &str) -> Self {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push_str("><![CDATA[");
        // `]]>` cannot appear inside CDATA: close and reopen around the `>`.
        self.0.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
        self.0.push_str("]]></");
        self.0.push_str(tag);
        self.0.push_str(">\n");
        self
    }

    fn bare(mut self, tag: &str, value: impl std::fmt::Display) -> Self {
        self.0.push_str(&format!("<{tag}>{value}</{tag}>\n"));
        self
    }

    fn finish(mut self) -> String {
        self.0.push_str("</xml>");
        self.0
    }
}

fn header(corp_id: &str, from: &str, create_time: i64, msg_type: &str) -> Xml {
    Xml::new()
        .cdata("ToUserName", corp_id)
        .cdata("FromUserName", from)
        .bare("CreateTime", create_time)
        .cdata("MsgType", msg_type)
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// A text message a member sent to the app (doc 90239).
pub fn text_message(
    corp_id: &str,
    from: &str,
    content: &str,
    agent_id: i64,
    msg_id: u64,
    create_time: i64,
) -> String {
    header(corp_id, from, create_time, "text")
        .cdata("Content", content)
        .bare("MsgId", msg_id)
        .bare("AgentID", agent_id)
        .finish()
}

/// An app event without extra fields: `enter_agent`, menu `click` (key) or `view` (URL).
pub fn app_event(
    corp_id: &str,
    from: &str,
    event: &str,
    event_key: &str,
    agent_id: i64,
    create_time: i64,
) -> String {
    header(corp_id, from, create_time, "event")
        .cdata("Event", event)
        .cdata("EventKey", event_key)
        .bare("AgentID", agent_id)
        .finish()
}

/// The parameters of a `template_card_event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardClick<'a> {
    /// UserID of the member who clicked.
    pub from: &'a str,
    /// `task_id` of the card.
    pub task_id: &'a str,
    /// `card_type` of the card.
    pub card_type: &'a str,
    /// `key` of the clicked button.
    pub event_key: &'a str,
    /// Fresh single-use response code.
    pub response_code: &'a str,
    /// The app.
    pub agent_id: i64,
}

/// A click on an interactive template card (doc 90240).
pub fn card_click(corp_id: &str, click: &CardClick<'_>, create_time: i64) -> String {
    header(corp_id, click.from, create_time, "event")
        .cdata("Event", "template_card_event")
        .cdata("EventKey", click.event_key)
        .cdata("TaskId", click.task_id)
        .cdata("CardType", click.card_type)
        .cdata("ResponseCode", click.response_code)
        .bare("AgentID", click.agent_id)
        .finish()
}

/// A `change_contact` event (docs 90970-90972) with WeCom's full, pre-2022-08-15 fields.
pub fn contact_change(corp_id: &str, change: &ContactChange, create_time: i64) -> String {
    let x = header(corp_id, "sys", create_time, "event").cdata("Event", "change_contact");
    match change {
        ContactChange::CreateUser(u) => create_user(x.bare("ChangeType", "create_user"), u),
        ContactChange::UpdateUser { before, after } => {
            update_user(x.bare("ChangeType", "update_user"), before, after)
        }
        ContactChange::DeleteUser { userid } => {
            x.bare("ChangeType", "delete_user").cdata("UserID", userid)
        }
        ContactChange::CreateParty(d) => party(x.bare("ChangeType", "create_party"), d),
        ContactChange::UpdateParty { id, name, parentid } => {
            let mut x = x.bare("ChangeType", "update_party").bare("Id", id);
            if let Some(name) = name {
                x = x.cdata("Name", name);
            }
            if let Some(p) = parentid {
                x = x.cdata("ParentId", &p.to_string());
            }
            x
        }
        ContactChange::DeleteParty { id } => x.bare("ChangeType", "delete_party").bare("Id", id),
        ContactChange::UpdateTag {
            tagid,
            add_users,
            del_users,
            add_parties,
            del_parties,
        } => {
            let mut x = x.cdata("ChangeType", "update_tag").bare("TagId", tagid);
            for (tag, items) in [
                ("AddUserItems", join(add_users)),
                ("DelUserItems", join(del_users)),
            ]
            .into_iter()
            .chain([
                ("AddPartyItems", join(add_parties)),
                ("DelPartyItems", join(del_parties)),
            ]) {
                if !items.is_empty() {
                    x = x.cdata(tag, &items);
                }
            }
            x
        }
    }
    .finish()
}

fn party(x: Xml, d: &Department) -> Xml {
    x.bare("Id", d.id)
        .cdata("Name", &d.name)
        .cdata("ParentId", &d.parentid.to_string())
        .bare("Order", d.order)
}

fn create_user(x: Xml, u: &User) -> Xml {
    let mut x = x
        .cdata("UserID", &u.userid)
        .cdata("Name", &u.name)
        .cdata("Department", &join(&u.department))
        .bare("MainDepartment", u.main_department)
        .cdata("IsLeaderInDept", &join(&u.is_leader_in_dept))
        .cdata("DirectLeader", &join(&u.direct_leader))
        .cdata("Position", &u.position)
        .bare("Mobile", &u.mobile)
        .bare("Gender", &u.gender)
        .cdata("Email", &u.email)
        .cdata("BizMail", &u.biz_mail)
        .bare("Status", u.status)
        .cdata("Avatar", &u.avatar);
    for (tag, v) in [
        ("Alias", &u.alias),
        ("Telephone", &u.telephone),
        ("Address", &u.address),
    ] {
        if !v.is_empty() {
            x = x.cdata(tag, v);
        }
    }
    x
}

fn update_user(x: Xml, b: &User, a: &User) -> Xml {
    let mut x = x.cdata("UserID", &b.userid);
    if a.userid != b.userid {
        x = x.cdata("NewUserID", &a.userid);
    }
    if a.name != b.name {
        x = x.cdata("Name", &a.name);
    }
    if a.department != b.department {
        x = x.cdata("Department", &join(&a.department));
    }
    if a.main_department != b.main_department {
        x = x.bare("MainDepartment", a.main_department);
    }
    if a.is_leader_in_dept != b.is_leader_in_dept || a.department != b.department {
        x = x.cdata("IsLeaderInDept", &join(&a.is_leader_in_dept));
    }
    if a.direct_leader != b.direct_leader {
        x = x.cdata("DirectLeader", &join(&a.direct_leader));
    }
    if a.position != b.position {
        x = x.cdata("Position", &a.position);
    }
    if a.mobile != b.mobile {
        x = x.bare("Mobile", &a.mobile);
    }
    if a.gender != b.gender {
        x = x.bare("Gender", &a.gender);
    }
    if a.status != b.status {
        x = x.bare("Status", a.status);
    }
    let strings = [
        ("Email", &b.email, &a.email),
        ("BizMail", &b.biz_mail, &a.biz_mail),
        ("Avatar", &b.avatar, &a.avatar),
        ("Alias", &b.alias, &a.alias),
        ("Telephone", &b.telephone, &a.telephone),
        ("Address", &b.address, &a.address),
    ];
    for (tag, before, after) in strings {
        if before != after {
            x = x.cdata(tag, after);
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_message_matches_wecom_layout() {
        let xml = text_message("ww1", "zhangsan", "a]]>b", 1_000_002, 7, 1_700_000_000);
        assert_eq!(
            xml,
            "<xml><ToUserName><![CDATA[ww1]]></ToUserName>\n\
<FromUserName><![CDATA[zhangsan]]></FromUserName>\n\
<CreateTime>1700000000</CreateTime>\n\
<MsgType><![CDATA[text]]></MsgType>\n\
<Content><![CDATA[a]]]]><![CDATA[>b]]></Content>\n\
<MsgId>7</MsgId>\n\
<AgentID>1000002</AgentID>\n</xml>"
        );
        let parsed = wecom::event::parse(xml.as_bytes(), 1 << 16).expect("parses");
        assert!(
            matches!(parsed.body, wecom::event::Body::Text { ref content, .. } if content == "a]]>b")
        );
    }
}
