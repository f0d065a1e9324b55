//! Shared simulator state. One mutex: requests are short and never await while holding it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::web::Bytes;
use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde_json::Value;

use crate::config::SimConfig;
use crate::faults::{Chaos, Fault};
use crate::limits::Limits;
use crate::org::index::{AppScope, OrgIndex};
use crate::org::{self, Org};
use crate::records::{
    AppChat, AppChatMessage, CardUpdate, DroppedMessage, RecordedCall, SentMessage,
};

/// Oldest calls are forgotten beyond this, so long benchmarks do not grow without bound.
pub(crate) const MAX_RECORDED_CALLS: usize = 200_000;

/// Who a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    App(i64),
    Contacts,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) caller: Caller,
    pub(crate) expires_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct ResponseCode {
    pub(crate) agent_id: i64,
    pub(crate) task_id: Option<String>,
    pub(crate) issued_at: i64,
    pub(crate) used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct DupEntry {
    pub(crate) at: i64,
    pub(crate) interval_ms: i64,
    pub(crate) response: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct OAuthCode {
    pub(crate) userid: String,
    pub(crate) private_info: bool,
    pub(crate) agent_id: Option<i64>,
    pub(crate) issued_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct UserTicket {
    pub(crate) userid: String,
    pub(crate) agent_id: i64,
    pub(crate) expires_at: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub(crate) filename: String,
    pub(crate) content_type: String,
    pub(crate) data: Bytes,
    pub(crate) created_at: i64,
}

/// Everything mutable.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) org: Org,
    pub(crate) idx: OrgIndex,
    pub(crate) scopes: HashMap<i64, AppScope>,
    pub(crate) offset_ms: i64,
    pub(crate) tokens: HashMap<String, Token>,
    pub(crate) calls: VecDeque<RecordedCall>,
    pub(crate) messages: Vec<SentMessage>,
    pub(crate) dropped: Vec<DroppedMessage>,
    pub(crate) card_updates: Vec<CardUpdate>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) chaos: Option<Chaos>,
    pub(crate) response_codes: HashMap<String, ResponseCode>,
    pub(crate) task_ids: HashSet<(i64, String)>,
    pub(crate) dup_check: HashMap<(i64, String), DupEntry>,
    pub(crate) oauth_codes: HashMap<String, OAuthCode>,
    pub(crate) user_tickets: HashMap<String, UserTicket>,
    pub(crate) media: HashMap<String, Media>,
    pub(crate) appchats: Vec<AppChat>,
    pub(crate) appchat_messages: Vec<AppChatMessage>,
    pub(crate) limits: Limits,
    pub(crate) msg_seq: u64,
}

impl Inner {
    /// Simulator clock, unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        real.saturating_add(self.offset_ms)
    }

    /// Rebuilds indexes and app scopes after the org changed.
    pub(crate) fn reindex(&mut self, config: &SimConfig) {
        self.idx = OrgIndex::build(&self.org);
        self.scopes = config
            .apps
            .iter()
            .map(|a| (a.agent_id, self.idx.scope(&self.org, &a.visibility)))
            .collect();
    }

    /// The visibility of a caller (the contacts secret sees everything).
    pub(crate) fn scope(&self, caller: Caller) -> Cow<'_, AppScope> {
        match (caller, caller_app(caller).and_then(|a| self.scopes.get(&a))) {
            (Caller::App(_), Some(scope)) => Cow::Borrowed(scope),
            (Caller::App(_), None) => Cow::Owned(AppScope::default()),
            (Caller::Contacts, _) => Cow::Owned(AppScope::everything()),
        }
    }

    pub(crate) fn record(&mut self, call: RecordedCall) {
        if self.calls.len() >= MAX_RECORDED_CALLS {
            self.calls.pop_front();
        }
        self.calls.push_back(call);
    }

    /// A WeCom-looking msgid: unique, opaque, URL-safe.
    pub(crate) fn next_msgid(&mut self) -> String {
        self.msg_seq += 1;
        format!("sim{:08}{}", self.msg_seq, random_token(24))
    }
}

/// The process-wide simulator.
#[derive(Debug)]
pub(crate) struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) inner: Mutex<Inner>,
    pub(crate) http: reqwest::Client,
}

impl Sim {
    pub(crate) fn new(config: SimConfig) -> Self {
        let mut inner = Inner {
            org: org::generate(&config.org),
            ..Inner::default()
        };
        inner.reindex(&config);
        Self {
            config,
            inner: Mutex::new(inner),
            http: reqwest::Client::new(),
        }
    }

    /// The state; a panic in another request must not wedge the simulator.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn caller_app(caller: Caller) -> Option<i64> {
    match caller {
        Caller::App(a) => Some(a),
        Caller::Contacts => None,
    }
}

/// Random `[A-Za-z0-9]` text.
pub(crate) fn random_token(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
