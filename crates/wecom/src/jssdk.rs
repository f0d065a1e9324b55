//! JS-SDK signatures for `wx.config` / `ww.register` (corp ticket) and `wx.agentConfig`
//! (app ticket). Both use the same algorithm with different tickets.

use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// What a page needs to call `ww.register`'s `getConfigSignature` or
/// `getAgentConfigSignature`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsSdkSignature {
    /// Unix seconds that were signed.
    pub timestamp: i64,
    /// The nonce that was signed.
    pub nonce_str: String,
    /// Lowercase hex SHA-1.
    pub signature: String,
}

/// The page URL as it must be signed: everything from `#` on removed.
pub fn signable_url(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}

/// SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` (raw values, no escaping).
pub fn sign(ticket: &str, nonce_str: &str, timestamp: i64, url: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(b"jsapi_ticket=");
    hasher.update(ticket.as_bytes());
    hasher.update(b"&noncestr=");
    hasher.update(nonce_str.as_bytes());
    hasher.update(b"&timestamp=");
    hasher.update(timestamp.to_string().as_bytes());
    hasher.update(b"&url=");
    hasher.update(signable_url(url).as_bytes());
    hex::encode(hasher.finalize())
}

/// Signs `url` with a fresh 16-character nonce at `timestamp` (unix seconds).
pub fn signature_for(ticket: &str, url: &str, timestamp: i64) -> JsSdkSignature {
    let nonce_str: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    let signature = sign(ticket, &nonce_str, timestamp, url);
    JsSdkSignature {
        timestamp,
        nonce_str,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of WeCom doc 90506.
    #[test]
    fn matches_the_official_worked_example() {
        let ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
        let sig = sign(
            ticket,
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value",
        );
        assert_eq!(sig, "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    }

    #[test]
    fn ignores_the_fragment() {
        assert_eq!(
            signable_url("https://a.example/p?x=1#/tasks/3"),
            "https://a.example/p?x=1"
        );
        assert_eq!(
            sign("t", "n", 1, "https://a/#x"),
            sign("t", "n", 1, "https://a/")
        );
    }

    #[test]
    fn fresh_signatures_verify_and_differ() {
        let a = signature_for("ticket", "https://a/", 1_700_000_000);
        let b = signature_for("ticket", "https://a/", 1_700_000_000);
        assert_eq!(a.nonce_str.len(), 16);
        assert_eq!(
            a.signature,
            sign("ticket", &a.nonce_str, a.timestamp, "https://a/")
        );
        assert_ne!(a.nonce_str, b.nonce_str);
    }
}
