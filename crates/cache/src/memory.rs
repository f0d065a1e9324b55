//! In-process [`Cache`] for a single replica.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::window::{EventLog, longest_ms};
use crate::{Admission, Cache, CacheError, Window, ttl_ms};

/// How often a write sweeps out expired entries by default.
const DEFAULT_SWEEP_EVERY: Duration = Duration::from_secs(30);

/// In-process cache. Entries expire lazily on access, and every operation sweeps the
/// whole map once `sweep_every` has passed, so keys written once and never read again
/// (dedupe marks, idle limiter logs) cannot pile up.
pub struct MemoryCache {
    state: Mutex<State>,
    sweep_every: Duration,
}

struct Entry {
    value: String,
    expires_at: Option<Instant>,
}

impl Entry {
    fn live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

struct Log {
    events: EventLog,
    /// Like the Redis key TTL: the longest window after the last write.
    expires_at: Instant,
}

struct State {
    values: HashMap<String, Entry>,
    logs: HashMap<String, Log>,
    next_sweep: Instant,
}

impl State {
    /// The live entry of `key`; an expired one is removed on the way.
    fn live(&mut self, key: &str, now: Instant) -> Option<&mut Entry> {
        if self.values.get(key).is_some_and(|e| !e.live(now)) {
            self.values.remove(key);
        }
        self.values.get_mut(key)
    }
}

impl fmt::Debug for MemoryCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MemoryCache")
            .field("values", &state.values.len())
            .field("limiter_keys", &state.logs.len())
            .field("sweep_every", &self.sweep_every)
            .finish()
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryCache {
    /// An empty cache sweeping every 30 s.
    pub fn new() -> Self {
        Self::with_sweep_interval(DEFAULT_SWEEP_EVERY)
    }

    /// An empty cache sweeping expired entries at most every `every`.
    pub fn with_sweep_interval(every: Duration) -> Self {
        Self {
            state: Mutex::new(State {
                values: HashMap::new(),
                logs: HashMap::new(),
                next_sweep: later(Instant::now(), every),
            }),
            sweep_every: every,
        }
    }

    /// Keys held, values and limiter logs together, including expired ones not yet swept.
    pub fn len(&self) -> usize {
        let state = self.lock();
        state.values.len() + state.logs.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    // A poisoned map is still consistent: every change is a whole insert or remove.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the state, sweeping first when due. Returns the time used for expiry.
    fn state(&self) -> (MutexGuard<'_, State>, Instant) {
        let now = Instant::now();
        let mut state = self.lock();
        if now >= state.next_sweep {
            state.values.retain(|_, e| e.live(now));
            state
                .logs
                .retain(|_, l| l.expires_at > now && !l.events.is_empty());
            state.next_sweep = later(now, self.sweep_every);
        }
        (state, now)
    }
}

fn deadline(now: Instant, ttl: Duration) -> Instant {
    later(now, Duration::from_millis(ttl_ms(ttl)))
}

/// `now + d`, saturating at a century: absurd TTLs must not panic on overflow.
fn later(now: Instant, d: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    now + d.min(CENTURY)
}

#[async_trait::async_trait]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let (mut state, now) = self.state();
        Ok(state.live(key, now).map(|e| e.value.clone()))
    }

    async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<(), CacheError> {
        let (mut state, now) = self.state();
        let entry = Entry {
            value: value.to_owned(),
            expires_at: ttl.map(|t| deadline(now, t)),
        };
        state.values.insert(key.to_owned(), entry);
        Ok(())
    }

    async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> Result<bool, CacheError> {
        let (mut state, now) = self.state();
        if state.live(key, now).is_some() {
            return Ok(false);
        }
        let entry = Entry {
            value: value.to_owned(),
            expires_at: Some(deadline(now, ttl)),
        };
        state.values.insert(key.to_owned(), entry);
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let (mut state, now) = self.state();
        Ok(state.values.remove(key).is_some_and(|e| e.live(now)))
    }

    async fn delete_if_eq(&self, key: &str, value: &str) -> Result<bool, CacheError> {
        let (mut state, now) = self.state();
        if state.live(key, now).is_some_and(|e| e.value == value) {
            state.values.remove(key);
            return Ok(true);
        }
        Ok(false)
    }

    async fn expire_if_eq(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let (mut state, now) = self.state();
        match state.live(key, now) {
            Some(e) if e.value == value => {
                e.expires_at = Some(deadline(now, ttl));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn admit(
        &self,
        key: &str,
        now_ms: i64,
        windows: &[Window],
        cost: u32,
    ) -> Result<Admission, CacheError> {
        let Some(longest) = longest_ms(windows) else {
            return Ok(Admission::Granted);
        };
        let (mut state, now) = self.state();
        let log = state.logs.entry(key.to_owned()).or_insert_with(|| Log {
            events: EventLog::default(),
            expires_at: now,
        });
        if log.expires_at <= now {
            // Expired like a Redis key: start from scratch.
            log.events = EventLog::default();
        }
        let admission = log.events.admit(now_ms, windows, cost);
        if admission.is_granted() {
            let keep = Duration::from_millis(u64::try_from(longest).unwrap_or(u64::MAX));
            log.expires_at = later(now, keep);
        }
        Ok(admission)
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }
}
