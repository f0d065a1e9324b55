//! [`spawn`] and [`SimHandle`], the Rust face of a running simulator.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;

use crate::callback::{self, CallbackDelivery, unix_now};
use crate::config::{CallbackTarget, SimApp, SimConfig};
use crate::error::SimError;
use crate::faults::{Chaos, Fault};
use crate::interact;
use crate::org::Org;
use crate::records::{
    AppChat, AppChatMessage, CardUpdate, DroppedMessage, RecordedCall, SentMessage,
};
use crate::state::{OAuthCode, Sim, random_token};
use crate::{server, xml};

/// Starts a simulator on `127.0.0.1:0` on a background thread with its own runtime
/// (works under `#[tokio::test]`, `#[actix_web::test]` and any other tokio runtime).
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    spawn_on(config, 0).await
}

/// Like [`spawn`] on a chosen port of 127.0.0.1 (0 = any free port).
pub async fn spawn_on(config: SimConfig, port: u16) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    let sim = Arc::new(Sim::new(config));
    let server = server::start(Arc::clone(&sim), listener)?;
    let server_handle = server.handle();
    // Its own thread and runtime: the server keeps answering (and stops cleanly on
    // drop) whatever the caller's runtime does, e.g. a current-thread test runtime that
    // is shutting down.
    let thread = std::thread::Builder::new()
        .name("wecom-sim".into())
        .spawn(move || {
            if let Err(e) = actix_web::rt::System::new().block_on(server) {
                tracing::error!(error = %e, "wecom-sim server failed");
            }
        })?;
    Ok(SimHandle {
        sim,
        base_url: format!("http://{addr}"),
        server: server_handle,
        thread: Some(thread),
    })
}

/// A running simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct SimHandle {
    sim: Arc<Sim>,
    base_url: String,
    server: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Registers an OAuth code; an unknown userid stands for a non-member (openid answer).
pub(crate) fn issue_code(
    sim: &Sim,
    userid: &str,
    private_info: bool,
    agent_id: Option<i64>,
) -> String {
    let mut st = sim.lock();
    let userid = match st.idx.user(userid) {
        Some(pos) => st.org.users[pos].userid.clone(),
        None => userid.to_owned(),
    };
    let code = random_token(64);
    let entry = OAuthCode {
        userid,
        private_info,
        agent_id,
        issued_at: st.now_ms(),
    };
    st.oauth_codes.insert(code.clone(), entry);
    code
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`; use it as the qyapi base URL.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The CorpID.
    pub fn corp_id(&self) -> &str {
        &self.sim.config.corp_id
    }

    /// The configuration the simulator runs with.
    pub fn config(&self) -> &SimConfig {
        &self.sim.config
    }

    /// The first app (the default config has exactly one).
    pub fn app(&self) -> Option<&SimApp> {
        self.sim.config.apps.first()
    }

    /// A snapshot of the directory.
    pub fn org(&self) -> Org {
        self.sim.lock().org.clone()
    }

    /// Every WeCom call so far (oldest first; the oldest are dropped beyond 200,000).
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.sim.lock().calls.iter().cloned().collect()
    }

    /// How many calls hit `path`.
    pub fn calls_to(&self, path: &str) -> usize {
        self.sim
            .lock()
            .calls
            .iter()
            .filter(|c| c.path == path)
            .count()
    }

    /// Forgets recorded calls.
    pub fn clear_calls(&self) {
        self.sim.lock().calls.clear();
    }

    /// Accepted message/send deliveries, one per recipient.
    pub fn messages(&self) -> Vec<SentMessage> {
        self.sim.lock().messages.clone()
    }

    /// Accepted deliveries to one member (case-insensitive).
    pub fn messages_for(&self, userid: &str) -> Vec<SentMessage> {
        let st = self.sim.lock();
        st.messages
            .iter()
            .filter(|m| m.userid.eq_ignore_ascii_case(userid))
            .cloned()
            .collect()
    }

    /// Deliveries silently dropped by the per-member limits.
    pub fn dropped(&self) -> Vec<DroppedMessage> {
        self.sim.lock().dropped.clone()
    }

    /// Accepted update_template_card calls.
    pub fn card_updates(&self) -> Vec<CardUpdate> {
        self.sim.lock().card_updates.clone()
    }

    /// Group chats created through appchat/create.
    pub fn appchats(&self) -> Vec<AppChat> {
        self.sim.lock().appchats.clone()
    }

    /// Messages accepted by appchat/send.
    pub fn appchat_messages(&self) -> Vec<AppChatMessage> {
        self.sim.lock().appchat_messages.clone()
    }

    /// Adds a fault for the next `fault.count` calls of `fault.path`.
    pub fn inject(&self, fault: Fault) {
        self.sim.lock().faults.push(fault);
    }

    /// Makes a share of the calls to a path fail at random (see [`Chaos`]).
    pub fn set_chaos(&self, chaos: Chaos) {
        self.sim.lock().chaos = Some(chaos);
    }

    /// Removes every pending fault and the chaos rule.
    pub fn clear_faults(&self) {
        let mut st = self.sim.lock();
        st.faults.clear();
        st.chaos = None;
    }

    /// Every token issued so far now answers 42001.
    pub fn expire_tokens(&self) {
        for t in self.sim.lock().tokens.values_mut() {
            t.expires_at = 0;
        }
    }

    /// Moves the simulator clock forward (token, code, limit and card expiry use it).
    pub fn advance(&self, by: Duration) {
        let mut st = self.sim.lock();
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        st.offset_ms = st.offset_ms.saturating_add(ms);
    }

    /// Sets the simulator clock to real time plus `offset`.
    pub fn set_now_offset(&self, offset: Duration) {
        self.sim.lock().offset_ms = i64::try_from(offset.as_millis()).unwrap_or(i64::MAX);
    }

    /// Simulator clock, unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.sim.lock().now_ms()
    }

    /// Runs WeCom's URL verification GET against `url`; returns the app's reply, which
    /// must equal the echostr plaintext.
    pub async fn verify_url(
        &self,
        url: &str,
        token: &str,
        aes_key: &str,
    ) -> Result<String, SimError> {
        callback::verify_url(&self.sim, url, token, aes_key).await
    }

    /// Encrypts, signs and POSTs plaintext callback XML with WeCom's retry behaviour.
    pub async fn send_callback(
        &self,
        target: &CallbackTarget,
        xml_plaintext: &str,
        agent_id: Option<i64>,
    ) -> Result<CallbackDelivery, SimError> {
        callback::send(&self.sim, target, xml_plaintext, agent_id).await
    }

    /// A member clicks `button_key` on the card with `task_id` they received; a fresh
    /// single-use response code goes into the template_card_event sent to `target`.
    pub async fn click_card(
        &self,
        target: &CallbackTarget,
        userid: &str,
        task_id: &str,
        button_key: &str,
    ) -> Result<CallbackDelivery, SimError> {
        interact::click_card(&self.sim, target, userid, task_id, button_key).await
    }

    /// The template_card_event plaintext a click would send, without sending it (the
    /// response code inside is registered and usable).
    pub fn prepare_click(
        &self,
        userid: &str,
        task_id: &str,
        button_key: &str,
    ) -> Result<String, SimError> {
        interact::prepare_click(&self.sim, userid, task_id, button_key).map(|(xml, _)| xml)
    }

    /// A member sends a text message to the first app; delivered to `target`.
    pub async fn send_text(
        &self,
        target: &CallbackTarget,
        userid: &str,
        content: &str,
    ) -> Result<CallbackDelivery, SimError> {
        interact::send_text(&self.sim, target, userid, content).await
    }

    /// Plaintext of a text message from a member (fresh MsgId, current time).
    pub fn xml_text_message(&self, from: &str, content: &str, agent_id: i64) -> String {
        xml::text_message(
            self.corp_id(),
            from,
            content,
            agent_id,
            interact::msg_id(),
            unix_now(),
        )
    }

    /// Plaintext of a template_card_event.
    pub fn xml_card_click(
        &self,
        from: &str,
        task_id: &str,
        event_key: &str,
        response_code: &str,
        agent_id: i64,
    ) -> String {
        let click = xml::CardClick {
            from,
            task_id,
            card_type: "button_interaction",
            event_key,
            response_code,
            agent_id,
        };
        xml::card_click(self.corp_id(), &click, unix_now())
    }

    /// Plaintext of an app event (`enter_agent`, menu `click`/`view`).
    pub fn xml_app_event(&self, from: &str, event: &str, event_key: &str, agent_id: i64) -> String {
        xml::app_event(self.corp_id(), from, event, event_key, agent_id, unix_now())
    }

    /// Plaintext of a change_contact event.
    pub fn xml_contact_change(&self, change: &crate::org::ContactChange) -> String {
        xml::contact_change(self.corp_id(), change, unix_now())
    }

    /// A snsapi_privateinfo OAuth code for `userid`, redeemable by any app (5 min, once).
    /// An unknown userid plays a non-member: getuserinfo then answers with an openid.
    pub fn issue_oauth_code(&self, userid: &str) -> String {
        issue_code(&self.sim, userid, true, None)
    }

    /// An OAuth code with an explicit scope (`private_info` = snsapi_privateinfo) and app.
    pub fn issue_oauth_code_with(
        &self,
        userid: &str,
        private_info: bool,
        agent_id: Option<i64>,
    ) -> String {
        issue_code(&self.sim, userid, private_info, agent_id)
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        self.server.stop(false).await;
        // The server thread is past its last await once stop completed.
        if let Some(thread) = self.thread.take() {
            drop(tokio::task::spawn_blocking(move || thread.join()).await);
        }
    }

    pub(crate) fn sim(&self) -> &Sim {
        &self.sim
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        // The stop command is queued synchronously; the returned future only waits.
        drop(self.server.stop(false));
    }
}
