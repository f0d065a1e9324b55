//! What the simulator observed, for tests to assert on (also served under `/sim/...`).

use serde::Serialize;
use serde_json::Value;

/// One HTTP call to a WeCom endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedCall {
    /// HTTP method.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Decoded query pairs, raw (tokens and secrets included: it is a simulator).
    pub query: Vec<(String, String)>,
    /// JSON body; a string for non-JSON bodies (truncated), null when empty.
    pub body: Value,
    /// HTTP status answered (0 when the connection was dropped).
    pub http_status: u16,
    /// errcode answered, when the answer was JSON.
    pub errcode: Option<i64>,
    /// Simulator clock, unix milliseconds.
    pub at_ms: i64,
    /// The injected fault that shaped the answer, if any.
    pub fault: Option<String>,
}

impl RecordedCall {
    /// The value of a query parameter.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One accepted `message/send` delivery to one member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentMessage {
    /// msgid returned to the caller (shared by all recipients of one call).
    pub msgid: String,
    /// Sending app.
    pub agent_id: i64,
    /// Recipient (as stored in the directory).
    pub userid: String,
    /// `msgtype`.
    pub msgtype: String,
    /// The whole request body.
    pub body: Value,
    /// response_code returned for interactive cards.
    pub response_code: Option<String>,
    /// template_card task_id.
    pub task_id: Option<String>,
    /// Simulator clock, unix milliseconds.
    pub at_ms: i64,
    /// Recalled through message/recall.
    pub recalled: bool,
}

/// A delivery WeCom accepted (errcode 0) but silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedMessage {
    /// msgid returned to the caller.
    pub msgid: String,
    /// Sending app.
    pub agent_id: i64,
    /// Recipient.
    pub userid: String,
    /// Why: `member_per_minute` or `member_per_hour`.
    pub reason: String,
    /// Simulator clock, unix milliseconds.
    pub at_ms: i64,
}

/// One accepted `message/update_template_card` call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardUpdate {
    /// The app.
    pub agent_id: i64,
    /// The response_code consumed.
    pub response_code: String,
    /// task_id of the card the code belonged to.
    pub task_id: Option<String>,
    /// Members whose card was updated.
    pub userids: Vec<String>,
    /// `button.replace_name`, for button-only updates.
    pub replace_name: Option<String>,
    /// The replacement card, for full updates.
    pub template_card: Option<Value>,
    /// The whole request body.
    pub body: Value,
    /// Simulator clock, unix milliseconds.
    pub at_ms: i64,
}

/// An app group chat created through `appchat/create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppChat {
    /// Chat id.
    pub chatid: String,
    /// Name.
    pub name: String,
    /// Owner UserID.
    pub owner: String,
    /// Members.
    pub userlist: Vec<String>,
    /// Creating app.
    pub agent_id: i64,
}

/// One message accepted by `appchat/send`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppChatMessage {
    /// Chat id.
    pub chatid: String,
    /// Sending app.
    pub agent_id: i64,
    /// `msgtype`.
    pub msgtype: String,
    /// The whole request body.
    pub body: Value,
    /// Simulator clock, unix milliseconds.
    pub at_ms: i64,
}
