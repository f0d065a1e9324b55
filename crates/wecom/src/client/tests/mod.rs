//! Tests of the client that need more than one module: configuration, message wire
//! format, and token flows against a minimal in-test HTTP server.

#![allow(clippy::unwrap_used)]

mod flows;
mod message;
mod server;

mod config {
    use std::sync::Arc;
    use std::time::Duration;

    use crate::client::*;

    #[test]
    fn secret_is_hidden_and_scope_is_per_app() {
        let config = ClientConfig::new("ww1", Some(1000002), "s3cr3t");
        assert!(!format!("{config:?}").contains("s3cr3t"));
        assert_eq!(config.api_base.as_str(), "https://qyapi.weixin.qq.com/");
        assert_eq!(
            config.credential_key(CredentialKind::AccessToken),
            "wecom:access_token:ww1:1000002"
        );
        let sync = ClientConfig::new("ww1", None, "a");
        let contact = ClientConfig::new("ww1", None, "b");
        assert!(sync.credential_scope().starts_with("noagent-"));
        assert_ne!(sync.credential_scope(), contact.credential_scope());
    }

    #[test]
    fn rejects_bad_config() {
        let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
        let mut config = ClientConfig::new("ww1", Some(1), "s");
        config.refresh_ahead = Duration::from_secs(7200);
        assert!(matches!(Client::new(config, store.clone()), Err(Error::Config(_))));
        let config = ClientConfig::new("ww1", Some(1), "");
        assert!(matches!(Client::new(config, store.clone()), Err(Error::Config(_))));
        let client = Client::new(ClientConfig::new("ww1", Some(1), "s"), store).unwrap();
        assert_eq!(client.agent_id(), Some(1));
        assert_eq!(client.gettoken_calls(), 0);
    }
}
