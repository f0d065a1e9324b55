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
        assert!(matches!(
            Client::new(config, store.clone()),
            Err(Error::Config(_))
        ));
        let config = ClientConfig::new("ww1", Some(1), "");
        assert!(matches!(
            Client::new(config, store.clone()),
            Err(Error::Config(_))
        ));
        let client = Client::new(ClientConfig::new("ww1", Some(1), "s"), store).unwrap();
        assert_eq!(client.agent_id(), Some(1));
        assert_eq!(client.gettoken_calls(), 0);
    }
}

/// Every public future must be `Send` so servers can `tokio::spawn` them.
#[allow(dead_code, clippy::let_underscore_future)]
fn public_futures_are_send(client: &crate::client::Client, m: &crate::client::Message) {
    use crate::client::*;
    fn send<T: Send>(_: T) {}
    send(client.access_token());
    send(client.jsapi_ticket());
    send(client.agent_config_ticket());
    send(client.send(m));
    send(client.send_batched(m));
    send(client.recall("m"));
    send(client.update_template_card(&UpdateCard::replace_button(vec![], "rc", "x")));
    send(client.user_list_id_all(100));
    send(client.department_list(None));
    send(client.tag_get(1));
    send(client.get_user_info("c"));
    send(client.get_user_detail("t"));
    send(client.upload_media(MediaKind::File, "a", vec![], "text/plain"));
    send(client.get_media("m"));
    send(client.appchat_create("n", "o", &[], None));
    send(client.appchat_send("c", &m.body));
}
