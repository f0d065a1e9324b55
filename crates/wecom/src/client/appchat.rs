//! App group chats (应用群聊, §4.9). A new group stays invisible until its first message.

use serde::{Deserialize, Serialize};

use super::body::{MessageBody, WireBody};
use super::{Client, Error, Result, api, wire};

#[derive(Serialize)]
struct CreateRequest<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    owner: &'a str,
    userlist: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    chatid: Option<&'a str>,
}

#[derive(Deserialize)]
struct CreateAnswer {
    #[serde(default, deserialize_with = "wire::string")]
    chatid: String,
}

#[derive(Serialize)]
struct SendRequest<'a> {
    chatid: &'a str,
    #[serde(flatten)]
    body: WireBody<'a>,
    #[serde(serialize_with = "wire::flag")]
    safe: bool,
}

/// `chatid`: 1..=32 characters of `[0-9a-zA-Z]`.
fn is_valid_chatid(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn validate_create(
    name: &str,
    owner: &str,
    userlist: &[String],
    chatid: Option<&str>,
) -> Result<()> {
    let bad = |m: &str| Err(Error::InvalidRequest(format!("appchat/create: {m}")));
    if name.chars().count() > 50 {
        return bad("name is longer than 50 characters");
    }
    if userlist.len() < 2 || userlist.iter().any(String::is_empty) {
        return bad("userlist needs at least 2 non-empty userids");
    }
    if !owner.is_empty() && !userlist.iter().any(|u| u == owner) {
        return bad("owner must be in userlist");
    }
    if chatid.is_some_and(|id| !is_valid_chatid(id)) {
        return bad("chatid must be 1 to 32 characters of [0-9a-zA-Z]");
    }
    Ok(())
}

impl Client {
    /// `appchat/create`; returns the chatid (WeCom generates one if `chatid` is `None`).
    /// `owner` may be empty to let WeCom pick one. Needs root-department visibility.
    pub async fn appchat_create(
        &self,
        name: &str,
        owner: &str,
        userlist: &[String],
        chatid: Option<&str>,
    ) -> Result<String> {
        validate_create(name, owner, userlist, chatid)?;
        let request = CreateRequest {
            name,
            owner,
            userlist,
            chatid,
        };
        let answer: CreateAnswer = self.post_json(api::APPCHAT_CREATE, &request).await?;
        if answer.chatid.is_empty() {
            return Err(Error::decode(api::APPCHAT_CREATE, "response has no chatid"));
        }
        Ok(answer.chatid)
    }

    /// `appchat/send` of a text, markdown or textcard body. Not retried (like message/send).
    pub async fn appchat_send(&self, chatid: &str, body: &MessageBody) -> Result<()> {
        if !is_valid_chatid(chatid) {
            return Err(Error::InvalidRequest("appchat/send: invalid chatid".into()));
        }
        if matches!(body, MessageBody::TemplateCard(_)) {
            return Err(Error::InvalidRequest(
                "appchat/send does not take template cards".into(),
            ));
        }
        body.validate()?;
        let request = SendRequest {
            chatid,
            body: body.wire(),
            safe: false,
        };
        let _: serde_json::Value = self.post_json(api::APPCHAT_SEND, &request).await?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn validates_create() {
        let users = vec!["a".to_owned(), "b".to_owned()];
        assert!(validate_create("群", "a", &users, Some("chat01")).is_ok());
        assert!(validate_create("群", "", &users, None).is_ok());
        assert!(validate_create("群", "c", &users, None).is_err());
        assert!(validate_create("群", "a", &users[..1], None).is_err());
        assert!(validate_create("群", "a", &users, Some("bad-id")).is_err());
        assert!(validate_create(&"名".repeat(51), "a", &users, None).is_err());
    }

    #[test]
    fn send_wire_shape() {
        let body = MessageBody::Markdown {
            content: "**hi**".into(),
        };
        let v = serde_json::to_value(SendRequest {
            chatid: "c1",
            body: body.wire(),
            safe: false,
        })
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"chatid":"c1","msgtype":"markdown","markdown":{"content":"**hi**"},"safe":0})
        );
    }
}
