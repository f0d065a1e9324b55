//! Application messages: send and recall (§4.3, §4.5).
//!
//! The client never resends a message on its own except the one token replay (WeCom
//! refused the first attempt, so nothing was delivered). Timeouts are for the caller's
//! outbox to decide; `enable_duplicate_check` is on by default to make that safe.

use serde::{Deserialize, Serialize};

use super::body::{MessageBody, WireBody};
use super::{Client, Error, Result, api, wire};

/// Recipient limits of message/send.
const MAX_USERS: usize = 1000;
const MAX_PARTIES: usize = 100;
const MAX_TAGS: usize = 100;
/// duplicate_check_interval maximum (4 h).
const MAX_DUP_INTERVAL: u32 = 4 * 3600;

/// Who receives a message. Joined with `|` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recipients {
    /// Everyone in the app's visibility (`touser: "@all"`); the lists must be empty.
    pub all: bool,
    /// UserIDs (≤1000).
    pub users: Vec<String>,
    /// Department ids (≤100).
    pub parties: Vec<i64>,
    /// Tag ids (≤100).
    pub tags: Vec<i64>,
}

impl Recipients {
    /// These users.
    pub fn users<I: IntoIterator<Item = S>, S: Into<String>>(users: I) -> Self {
        Self {
            users: users.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// `@all`.
    pub fn all() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::InvalidRequest(format!("recipients: {m}")));
        if self.all {
            if !(self.users.is_empty() && self.parties.is_empty() && self.tags.is_empty()) {
                return bad("@all cannot be combined with lists");
            }
            return Ok(());
        }
        if self.users.is_empty() && self.parties.is_empty() && self.tags.is_empty() {
            return bad("touser, toparty and totag are all empty");
        }
        if self.users.len() > MAX_USERS {
            return bad("more than 1000 users (use send_batched)");
        }
        if self.parties.len() > MAX_PARTIES || self.tags.len() > MAX_TAGS {
            return bad("more than 100 departments or tags");
        }
        // A `|` or an empty id would silently change the recipient list.
        if self
            .users
            .iter()
            .any(|u| u.is_empty() || u.contains('|') || u == "@all")
        {
            return bad("userids must be non-empty and contain no '|'");
        }
        Ok(())
    }

    fn touser(&self) -> Option<String> {
        if self.all {
            Some("@all".to_owned())
        } else {
            wire::join_pipe(&self.users)
        }
    }
}

/// A message for `message/send`; the `agentid` comes from the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Recipients.
    pub to: Recipients,
    /// Content.
    pub body: MessageBody,
    /// Confidential message (watermarked, no forwarding).
    #[serde(default)]
    pub safe: bool,
    /// Translate ids to names in the content.
    #[serde(default)]
    pub enable_id_trans: bool,
    /// Let WeCom drop identical messages within the interval; default on so that an
    /// outbox retry after a timeout cannot double-send.
    #[serde(default = "yes")]
    pub enable_duplicate_check: bool,
    /// Duplicate window in seconds (WeCom default 1800, max 14400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_check_interval: Option<u32>,
}

fn yes() -> bool {
    true
}

impl Message {
    /// A message with duplicate check on.
    pub fn new(to: Recipients, body: MessageBody) -> Self {
        Self {
            to,
            body,
            safe: false,
            enable_id_trans: false,
            enable_duplicate_check: true,
            duplicate_check_interval: None,
        }
    }

    /// Checks limits before anything is sent.
    pub fn validate(&self) -> Result<()> {
        self.to.validate()?;
        self.body.validate()?;
        if self
            .duplicate_check_interval
            .is_some_and(|s| s == 0 || s > MAX_DUP_INTERVAL)
        {
            return Err(Error::InvalidRequest(
                "duplicate_check_interval must be 1..=14400".into(),
            ));
        }
        Ok(())
    }

    /// Splits `touser` into messages of at most 1000 users; departments and tags go with
    /// the first one only, so nobody gets it twice. Persist these for an outbox.
    pub fn split(&self) -> Vec<Message> {
        if self.to.all || self.to.users.len() <= MAX_USERS {
            return vec![self.clone()];
        }
        self.to
            .users
            .chunks(MAX_USERS)
            .enumerate()
            .map(|(i, users)| Message {
                to: Recipients {
                    all: false,
                    users: users.to_vec(),
                    parties: if i == 0 {
                        self.to.parties.clone()
                    } else {
                        Vec::new()
                    },
                    tags: if i == 0 {
                        self.to.tags.clone()
                    } else {
                        Vec::new()
                    },
                },
                ..self.clone()
            })
            .collect()
    }
}

#[derive(Serialize)]
pub(super) struct SendRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    touser: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    toparty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    totag: Option<String>,
    agentid: i64,
    #[serde(flatten)]
    body: WireBody<'a>,
    #[serde(serialize_with = "wire::flag")]
    safe: bool,
    #[serde(serialize_with = "wire::flag")]
    enable_id_trans: bool,
    #[serde(serialize_with = "wire::flag")]
    enable_duplicate_check: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate_check_interval: Option<u32>,
}

impl<'a> SendRequest<'a> {
    pub(super) fn new(message: &'a Message, agentid: i64) -> Self {
        Self {
            touser: message.to.touser(),
            toparty: wire::join_pipe(&message.to.parties),
            totag: wire::join_pipe(&message.to.tags),
            agentid,
            body: message.body.wire(),
            safe: message.safe,
            enable_id_trans: message.enable_id_trans,
            enable_duplicate_check: message.enable_duplicate_check,
            duplicate_check_interval: message.duplicate_check_interval,
        }
    }
}

/// The answer of `message/send`. Partially invalid recipients still succeed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SendResult {
    /// Needed for recall.
    #[serde(deserialize_with = "wire::string")]
    pub msgid: String,
    /// For updating interactive cards.
    #[serde(deserialize_with = "wire::opt_string")]
    pub response_code: Option<String>,
    /// Invalid userids (lower-cased by WeCom).
    #[serde(deserialize_with = "wire::strings")]
    pub invaliduser: Vec<String>,
    /// Invalid department ids.
    #[serde(deserialize_with = "wire::ids")]
    pub invalidparty: Vec<i64>,
    /// Invalid tag ids.
    #[serde(deserialize_with = "wire::ids")]
    pub invalidtag: Vec<i64>,
    /// Users without a license.
    #[serde(deserialize_with = "wire::strings")]
    pub unlicenseduser: Vec<String>,
}

impl Client {
    /// `message/send`. Validates first; never retried except the token replay.
    pub async fn send(&self, message: &Message) -> Result<SendResult> {
        let agentid = self.require_agent(api::MESSAGE_SEND)?;
        message.validate()?;
        self.post_json(api::MESSAGE_SEND, &SendRequest::new(message, agentid))
            .await
    }

    /// Sends [`Message::split`] chunks in order and stops at the first failure, which is
    /// then the last element; later chunks were not attempted.
    pub async fn send_batched(&self, message: &Message) -> Vec<Result<SendResult>> {
        let chunks = message.split();
        // Validate everything first so a bad body fails before any chunk is sent.
        if let Some(Err(e)) = chunks.iter().map(Message::validate).find(Result::is_err) {
            return vec![Err(e)];
        }
        let mut results = Vec::with_capacity(chunks.len());
        for chunk in &chunks {
            let result = self.send(chunk).await;
            let failed = result.is_err();
            results.push(result);
            if failed {
                break;
            }
        }
        results
    }

    /// `message/recall` (within 24 h of sending).
    pub async fn recall(&self, msgid: &str) -> Result<()> {
        if msgid.is_empty() {
            return Err(Error::InvalidRequest("recall needs a msgid".into()));
        }
        let _: serde_json::Value = self
            .post_json(api::MESSAGE_RECALL, &serde_json::json!({ "msgid": msgid }))
            .await?;
        Ok(())
    }
}
