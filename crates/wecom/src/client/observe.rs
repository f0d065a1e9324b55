//! A hook that sees every WeCom API call, for metrics: which API, how it ended, how long.

use std::sync::Arc;
use std::time::Duration;

use super::Error;

/// How one API call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallRecord {
    /// The API path, e.g. `/cgi-bin/message/send`.
    pub api: &'static str,
    /// `ok`, `errcode`, `http`, `timeout`, `transport`, `decode` or `other`.
    pub outcome: &'static str,
    /// WeCom's errcode when the outcome is `errcode`.
    pub errcode: Option<i64>,
    /// Wall time of the attempt.
    pub elapsed: Duration,
}

/// Receives a [`CallRecord`] for every attempt, replays included.
pub trait CallObserver: Send + Sync + std::fmt::Debug {
    /// Called once per attempt; must be cheap and must not block.
    fn observe(&self, call: &CallRecord);
}

pub(super) type SharedObserver = Arc<dyn CallObserver>;

pub(super) fn record<T>(
    api: &'static str,
    result: &Result<T, Error>,
    elapsed: Duration,
) -> CallRecord {
    let (outcome, errcode) = match result {
        Ok(_) => ("ok", None),
        Err(Error::Api { errcode, .. }) => ("errcode", Some(*errcode)),
        Err(Error::Http { .. }) => ("http", None),
        Err(Error::Timeout { .. }) => ("timeout", None),
        Err(Error::Transport { .. }) => ("transport", None),
        Err(Error::Decode { .. }) => ("decode", None),
        Err(_) => ("other", None),
    };
    CallRecord {
        api,
        outcome,
        errcode,
        elapsed,
    }
}
