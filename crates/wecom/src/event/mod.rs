//! The decrypted callback XML as typed values.
//!
//! [`parse`] never fails on a message or event type it does not know: those come back as
//! [`Body::Unknown`] / [`Event::Unknown`] with every field kept, so a new WeCom feature is
//! stored and can be handled later instead of being lost. It fails only on input that is
//! not a WeCom message at all, or on a known type whose required fields are missing.

mod approval;
mod card;
mod contact;
mod fields;
mod kinds;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

pub use crate::xml::{Element, XmlError};
pub use approval::{ApprovalChange, SpDetail, SpRecord};
pub use card::{SelectedItem, TemplateCardEvent};
pub use contact::{ContactChange, ExtAttr, PartyChange, TagChange, UserChange};
pub use kinds::{Body, Event};

use fields::{opt_num, opt_str, req_num, req_str};

/// Default cap for a decrypted message, matching [`crate::callback::DEFAULT_MAX_LEN`].
pub const DEFAULT_MAX_LEN: usize = crate::callback::DEFAULT_MAX_LEN;

/// Why a decrypted message could not be turned into an [`Inbound`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// Not acceptable XML.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// A field the message type requires is absent or empty.
    #[error("required field {0} is missing")]
    MissingField(&'static str),
    /// A field has a value of the wrong shape (e.g. text where a number belongs).
    #[error("field {0} has an invalid value")]
    BadField(&'static str),
}

/// One callback message or event, with the envelope fields every kind shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound {
    /// `ToUserName`: the corp id.
    pub to_user: String,
    /// `FromUserName`: the member's UserID, or `sys` for system events.
    pub from_user: String,
    /// `CreateTime`, unix seconds.
    pub create_time: i64,
    /// `AgentID` of the app, when the callback concerns one.
    pub agent_id: Option<i64>,
    /// `MsgId` of a message (64-bit, kept as text).
    pub msg_id: Option<String>,
    /// What arrived.
    pub body: Body,
}

/// Parses decrypted callback XML (at most `max_len` bytes).
pub fn parse(xml: &[u8], max_len: usize) -> Result<Inbound, EventError> {
    let doc = crate::xml::parse(xml, max_len)?;
    let root = doc.root();
    let msg_type = req_str(root, "MsgType")?;
    let body = kinds::parse_body(root, &msg_type)?;
    Ok(Inbound {
        to_user: opt_str(root, "ToUserName").unwrap_or_default(),
        from_user: req_str(root, "FromUserName")?,
        create_time: req_num(root, "CreateTime")?,
        agent_id: opt_num(root, "AgentID")?,
        msg_id: opt_str(root, "MsgId"),
        body,
    })
}

/// The dedupe key of a callback known only by its bytes: `sha1:` + hex of the plaintext.
pub fn hash_key(plaintext: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(plaintext);
    format!("sha1:{}", hex::encode(hasher.finalize()))
}

impl Inbound {
    /// A key under which WeCom's retries of this callback collide and distinct callbacks
    /// do not.
    ///
    /// WeCom's own advice (sender + CreateTime for events) merges genuinely different events
    /// sent in the same second, so: messages use `MsgId`, card clicks their single-use
    /// `ResponseCode`, and everything else a SHA-1 of the exact decrypted plaintext (a retry
    /// resends the same plaintext).
    pub fn dedupe_key(&self, plaintext: &[u8]) -> String {
        if let Some(msg_id) = &self.msg_id {
            return format!("msg:{msg_id}");
        }
        if let Body::Event(Event::TemplateCard(card)) = &self.body
            && let Some(code) = &card.response_code
        {
            return format!("card:{code}");
        }
        hash_key(plaintext)
    }

    /// A short name for the kind (`text`, `event:change_contact`, …), for logs and metrics.
    pub fn kind(&self) -> String {
        match &self.body {
            Body::Event(event) => format!("event:{}", event.name()),
            other => other.name().to_owned(),
        }
    }
}
