//! Site networks drop. A submission that could not reach the server is queued in
//! `localStorage` and sent again when the network returns (and every half minute), with the
//! same `Idempotency-Key`, so a report is neither lost nor recorded twice. Drafts of forms
//! are kept the same way until they are sent.

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::http::{self, Failure, Method};

const QUEUE_KEY: &str = "gantry.pending";
const REFUSED_KEY: &str = "gantry.refused";
const DRAFT_PREFIX: &str = "gantry.draft.";
/// Submissions kept at most; older ones are dropped first (and said so).
const MAX_QUEUED: usize = 50;
const RETRY_EVERY_MS: i32 = 30_000;

/// A submission waiting for the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// Idempotency key, fixed at the first try.
    pub key: String,
    /// What it does, for people ("打卡：基础开挖").
    pub label: String,
    /// HTTP method.
    pub method: Method,
    /// Path under [`crate::services::BASE`], as a `services` function spelt it.
    pub path: String,
    /// JSON body.
    pub body: Value,
    /// Tries so far.
    #[serde(default)]
    pub tries: u32,
}

/// The queue's rules, apart from where it is stored.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// Oldest first.
    pub items: Vec<Submission>,
}

impl Queue {
    /// Adds `item` unless one with its key is queued; drops the oldest beyond the cap and
    /// returns them (the member is told).
    pub fn push(&mut self, item: Submission) -> Vec<Submission> {
        if self.items.iter().any(|i| i.key == item.key) {
            return Vec::new();
        }
        self.items.push(item);
        let excess = self.items.len().saturating_sub(MAX_QUEUED);
        self.items.drain(..excess).collect()
    }

    /// Removes the submission with `key`.
    pub fn remove(&mut self, key: &str) {
        self.items.retain(|i| i.key != key);
    }
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// The server took it.
    Sent(T),
    /// No network, or the server is unavailable (503): queued, sent later.
    Queued,
    /// The server refused it; not queued.
    Refused(Failure),
}

fn load() -> Queue {
    LocalStorage::get(QUEUE_KEY).unwrap_or_default()
}

/// Writes the queue; fails when the browser's storage is full or off.
fn save(queue: &Queue) -> Result<(), Failure> {
    LocalStorage::set(QUEUE_KEY, queue)
        .map_err(|_| Failure::Local("手机存储空间不足，未能保存离线提交，请联网后重试".to_owned()))
}

/// Adds submissions to the refused list shown to the member.
fn refuse(items: impl IntoIterator<Item = Refused>) {
    let mut list = refused();
    list.extend(items);
    let _ = LocalStorage::set(REFUSED_KEY, &list);
}

/// Submissions still waiting.
pub fn waiting() -> Vec<Submission> {
    load().items
}

/// A fresh idempotency key.
pub fn new_key() -> String {
    let random = (js_sys::Math::random() * 1e16) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// Sends a submission now; when the network is down, queues it for later.
pub async fn submit<T: serde::de::DeserializeOwned>(
    label: &str,
    method: Method,
    path: &str,
    body: Value,
) -> Outcome<T> {
    let item = Submission {
        key: new_key(),
        label: label.to_owned(),
        method,
        path: path.to_owned(),
        body,
        tries: 1,
    };
    match http::send_once(item.method, &item.path, &item.body, &item.key).await {
        Ok(answer) => Outcome::Sent(answer),
        Err(failure) if failure.retryable() => {
            let mut queue = load();
            let dropped = queue.push(item);
            if let Err(full) = save(&queue) {
                // Not kept: say so now rather than promise a later send.
                return Outcome::Refused(full);
            }
            refuse(dropped.into_iter().map(|d| Refused {
                label: d.label,
                reason: format!("离线队列已满（最多 {MAX_QUEUED} 条），最早的提交未能保存"),
            }));
            Outcome::Queued
        }
        Err(failure) => Outcome::Refused(failure),
    }
}

/// A queued submission the server refused for good, kept so the member is told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refused {
    /// What it was.
    pub label: String,
    /// Why, in Chinese.
    pub reason: String,
}

/// What to do with a queued submission after a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Done: forget it.
    Sent,
    /// Keep it and stop for now (no network, or signed out: it goes once signed in).
    Wait,
    /// Refused for good: move it to the refused list.
    Refuse,
}

/// The rule for a try's outcome.
pub fn after(outcome: Result<(), &Failure>) -> After {
    match outcome {
        Ok(()) => After::Sent,
        Err(f) if f.retryable() => After::Wait,
        Err(Failure::Api(e)) if e.code == api::ErrorCode::Unauthenticated => After::Wait,
        Err(_) => After::Refuse,
    }
}

/// Submissions the server refused, for the banner.
pub fn refused() -> Vec<Refused> {
    LocalStorage::get(REFUSED_KEY).unwrap_or_default()
}

/// Forgets the refused submissions (the member has read them).
pub fn clear_refused() {
    LocalStorage::delete(REFUSED_KEY);
}

/// Sends what is queued, oldest first; stops at the first that has to wait.
pub async fn flush() {
    for mut item in load().items {
        item.tries += 1;
        let sent = http::send_once::<Value>(item.method, &item.path, &item.body, &item.key).await;
        let next = after(sent.as_ref().map(|_| ()));
        if next == After::Wait {
            return;
        }
        if let (After::Refuse, Err(failure)) = (next, &sent) {
            refuse([Refused {
                label: item.label.clone(),
                reason: failure.text(),
            }]);
        }
        let mut queue = load();
        queue.remove(&item.key);
        // A queue that cannot be rewritten keeps the item; its key makes the resend harmless.
        let _ = save(&queue);
    }
}

/// Starts retrying: now, whenever the browser comes back online, and periodically.
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let retry = Closure::<dyn Fn()>::new(|| wasm_bindgen_futures::spawn_local(flush()));
    let _ = window.add_event_listener_with_callback("online", retry.as_ref().unchecked_ref());
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
        retry.as_ref().unchecked_ref(),
        RETRY_EVERY_MS,
    );
    // Lives as long as the page.
    retry.forget();
    wasm_bindgen_futures::spawn_local(flush());
}

/// The saved draft of form `name`.
pub fn draft<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    LocalStorage::get(format!("{DRAFT_PREFIX}{name}")).ok()
}

/// Saves a draft of form `name`.
pub fn keep_draft<T: Serialize>(name: &str, value: &T) {
    let _ = LocalStorage::set(format!("{DRAFT_PREFIX}{name}"), value);
}

/// Forgets the draft of form `name` (after it was sent).
pub fn drop_draft(name: &str) {
    LocalStorage::delete(format!("{DRAFT_PREFIX}{name}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str) -> Submission {
        Submission {
            key: key.to_owned(),
            label: "打卡".to_owned(),
            method: Method::Post,
            path: "/tasks/1/checkins".to_owned(),
            body: Value::Null,
            tries: 1,
        }
    }

    #[test]
    fn a_submission_is_queued_once_in_order() {
        let mut queue = Queue::default();
        assert!(queue.push(item("a")).is_empty());
        assert!(queue.push(item("b")).is_empty());
        assert!(queue.push(item("a")).is_empty());
        let keys: Vec<_> = queue.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        queue.remove("a");
        assert_eq!(queue.items.len(), 1);
    }

    #[test]
    fn the_queue_is_capped_dropping_the_oldest() {
        let mut queue = Queue::default();
        for n in 0..MAX_QUEUED {
            queue.push(item(&n.to_string()));
        }
        let dropped = queue.push(item("new"));
        assert_eq!(
            dropped.iter().map(|d| d.key.as_str()).collect::<Vec<_>>(),
            ["0"]
        );
        assert_eq!(queue.items.len(), MAX_QUEUED);
        assert_eq!(queue.items[0].key, "1");
        assert_eq!(queue.items.last().map(|i| i.key.as_str()), Some("new"));
    }

    #[test]
    fn only_a_final_refusal_leaves_the_queue() {
        use api::{ApiError, ErrorCode};
        let api = |code| Failure::Api(ApiError::new(code));
        assert_eq!(after(Ok(())), After::Sent);
        assert_eq!(after(Err(&Failure::Offline)), After::Wait);
        assert_eq!(after(Err(&api(ErrorCode::Unavailable))), After::Wait);
        assert_eq!(
            after(Err(&api(ErrorCode::Unauthenticated))),
            After::Wait,
            "sent after sign-in"
        );
        assert_eq!(after(Err(&api(ErrorCode::BadRequest))), After::Refuse);
        assert_eq!(after(Err(&api(ErrorCode::Forbidden))), After::Refuse);
    }

    #[test]
    fn the_queue_survives_storage_as_json() {
        let mut queue = Queue::default();
        queue.push(item("k"));
        let json = serde_json::to_string(&queue).expect("json");
        assert_eq!(serde_json::from_str::<Queue>(&json).expect("back"), queue);
    }
}
