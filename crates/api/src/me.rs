use serde::{Deserialize, Serialize};

/// `GET /api/v1/me`: who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// WeCom UserID.
    pub userid: String,
    /// Name.
    pub name: String,
    /// Job title.
    pub position: Option<String>,
    /// Avatar URL, when WeCom shares it.
    pub avatar: Option<String>,
    /// Department ids, main department first.
    pub departments: Vec<i64>,
    /// A Gantry system admin.
    pub is_admin: bool,
    /// Echo this in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
    /// The CorpID, for `ww.register`.
    #[serde(default)]
    pub corp_id: String,
    /// The app's AgentId, for `ww.register`.
    #[serde(default)]
    pub agent_id: i64,
}

/// Which JS-SDK registration a signature is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsSdkKind {
    /// `wx.config` / `getConfigSignature` (corp ticket).
    Config,
    /// `wx.agentConfig` / `getAgentConfigSignature` (app ticket).
    Agent,
}

/// `GET /api/v1/jssdk/signature?url=…&kind=config|agent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsSdkSignature {
    /// The CorpID (`corpId` / `appId`).
    pub corp_id: String,
    /// The AgentId, for agentConfig.
    pub agent_id: Option<i64>,
    /// Unix seconds that were signed.
    pub timestamp: i64,
    /// The nonce that was signed.
    pub nonce_str: String,
    /// SHA-1 hex.
    pub signature: String,
}
