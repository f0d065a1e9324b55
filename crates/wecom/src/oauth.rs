//! The OAuth2 authorize URL for pages opened inside the WeCom client (docs 91022/91023).

use serde::{Deserialize, Serialize};

/// Where the real authorize page lives; the simulator replaces it in tests and the demo.
pub const DEFAULT_OAUTH_BASE: &str = "https://open.weixin.qq.com";

/// What the page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// `snsapi_base`: silent, yields the member's UserId.
    Base,
    /// `snsapi_privateinfo`: a consent page; yields a `user_ticket` for `getuserdetail`.
    PrivateInfo,
}

impl Scope {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Base => "snsapi_base",
            Scope::PrivateInfo => "snsapi_privateinfo",
        }
    }
}

/// Why an authorize URL could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// `state` must be at most 128 characters of `[a-zA-Z0-9]`.
    #[error("state must be 1 to 128 characters of [a-zA-Z0-9]")]
    BadState,
    /// `snsapi_privateinfo` requires the agent id.
    #[error("scope snsapi_privateinfo requires an agent id")]
    AgentIdRequired,
}

/// Builds `…/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…
/// &state=…&agentid=…#wechat_redirect`. `redirect_uri` is percent-encoded here.
pub fn authorize_url(
    oauth_base: &str,
    corp_id: &str,
    redirect_uri: &str,
    scope: Scope,
    state: &str,
    agent_id: Option<i64>,
) -> Result<String, OAuthError> {
    if state.is_empty() || state.len() > 128 || !state.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(OAuthError::BadState);
    }
    if scope == Scope::PrivateInfo && agent_id.is_none() {
        return Err(OAuthError::AgentIdRequired);
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("appid", corp_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", scope.as_str())
        .append_pair("state", state);
    if let Some(agent_id) = agent_id {
        query.append_pair("agentid", &agent_id.to_string());
    }
    Ok(format!(
        "{}/connect/oauth2/authorize?{}#wechat_redirect",
        oauth_base.trim_end_matches('/'),
        query.finish()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_url() {
        let url = authorize_url(
            DEFAULT_OAUTH_BASE,
            "ww123",
            "https://gantry.example.com/auth/wecom/callback?x=1",
            Scope::Base,
            "abc123",
            Some(1000002),
        )
        .expect("valid");
        assert_eq!(
            url,
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww123\
             &redirect_uri=https%3A%2F%2Fgantry.example.com%2Fauth%2Fwecom%2Fcallback%3Fx%3D1\
             &response_type=code&scope=snsapi_base&state=abc123&agentid=1000002#wechat_redirect"
        );
    }

    #[test]
    fn validates_state_and_agent() {
        let build = |scope, state, agent| {
            authorize_url("http://sim", "ww1", "http://a/", scope, state, agent)
        };
        assert_eq!(build(Scope::Base, "a-b", None), Err(OAuthError::BadState));
        assert_eq!(build(Scope::Base, "", None), Err(OAuthError::BadState));
        let long = "a".repeat(129);
        assert_eq!(build(Scope::Base, &long, None), Err(OAuthError::BadState));
        assert_eq!(
            build(Scope::PrivateInfo, "s", None),
            Err(OAuthError::AgentIdRequired)
        );
        assert!(build(Scope::PrivateInfo, "s", Some(1)).is_ok());
    }
}
