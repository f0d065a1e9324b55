//! JS-SDK tickets (§4.7), cached like the access_token: the hourly quotas (100 per app)
//! are far lower than the token's, so single-flight matters even more here.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::Deserialize;

use super::cache::{Fetched, Slot};
use super::http::DEFAULT_LIFETIME;
use super::{Client, Error, Result, api};

#[derive(Deserialize)]
struct TicketResponse {
    #[serde(default)]
    ticket: String,
    expires_in: Option<u64>,
}

impl Client {
    /// The corp `jsapi_ticket` for `wx.config`, cached per app.
    pub async fn jsapi_ticket(&self) -> Result<String> {
        self.ticket(&self.inner.jsapi_ticket, api::JSAPI_TICKET, &[])
            .await
    }

    /// The app ticket for `wx.agentConfig`; needs a client with an agent_id (the ticket
    /// must come from the token of the same app).
    pub async fn agent_config_ticket(&self) -> Result<String> {
        self.require_agent(api::AGENT_TICKET)?;
        let query = [("type", "agent_config".to_owned())];
        self.ticket(&self.inner.agent_ticket, api::AGENT_TICKET, &query)
            .await
    }

    /// Drops a jsapi_ticket if it is still the cached one (compare-and-delete).
    pub async fn invalidate_jsapi_ticket(&self, ticket: &str) {
        self.invalidate(&self.inner.jsapi_ticket, ticket).await;
    }

    /// Drops an agent_config ticket if it is still the cached one (compare-and-delete).
    pub async fn invalidate_agent_config_ticket(&self, ticket: &str) {
        self.invalidate(&self.inner.agent_ticket, ticket).await;
    }

    async fn ticket(
        &self,
        slot: &Slot,
        api: &'static str,
        query: &[(&str, String)],
    ) -> Result<String> {
        self.cached(slot, || async move {
            self.inner.ticket_calls.fetch_add(1, Ordering::Relaxed);
            // Decode by hand: a serde message could quote the ticket.
            let raw = self
                .authed(api, super::http::Expect::Json, |url| {
                    self.inner.http.get(url).query(query)
                })
                .await?;
            let parsed: TicketResponse = serde_json::from_slice(&raw.body)
                .map_err(|_| Error::decode(api, "malformed ticket response"))?;
            if parsed.ticket.is_empty() {
                return Err(Error::decode(api, "response has no ticket"));
            }
            Ok(Fetched {
                value: parsed.ticket,
                expires_in: parsed
                    .expires_in
                    .map_or(DEFAULT_LIFETIME, Duration::from_secs),
            })
        })
        .await
    }
}
