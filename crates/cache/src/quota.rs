//! WeCom's send and API quotas (protocol §5), enforced across replicas.

use std::sync::Arc;
use std::time::Duration;

use crate::{Admission, Cache, CacheError, Window};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// Per app per member: 30 a minute and 1,000 an hour. WeCom silently drops the excess,
/// so this must hold exactly, not roughly.
pub const MEMBER_WINDOWS: [Window; 2] = [Window::new(MINUTE, 30), Window::new(HOUR, 1_000)];

/// Per corp per API: 10,000 a minute and 150,000 an hour (45009 beyond).
pub const API_WINDOWS: [Window; 2] = [Window::new(MINUTE, 10_000), Window::new(HOUR, 150_000)];

/// Admission control for WeCom's quotas, one sliding-window log per member or API.
///
/// Keys: `quota:msg:{agent_id}:{userid}` and `quota:api:{corp_id}:{api}`.
#[derive(Debug, Clone)]
pub struct QuotaLimiter {
    cache: Arc<dyn Cache>,
    member_windows: Vec<Window>,
    api_windows: Vec<Window>,
}

impl QuotaLimiter {
    /// WeCom's published limits over `cache`.
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self {
            cache,
            member_windows: MEMBER_WINDOWS.to_vec(),
            api_windows: API_WINDOWS.to_vec(),
        }
    }

    /// Replaces the per-member windows (tests shrink them).
    pub fn with_member_windows(mut self, windows: Vec<Window>) -> Self {
        self.member_windows = windows;
        self
    }

    /// Replaces the per-API windows (the protocol doc lists lower, older limits).
    pub fn with_api_windows(mut self, windows: Vec<Window>) -> Self {
        self.api_windows = windows;
        self
    }

    /// One message from app `agent_id` to member `userid` at `now_ms`.
    pub async fn admit_message(
        &self,
        agent_id: i64,
        userid: &str,
        now_ms: i64,
    ) -> Result<Admission, CacheError> {
        let key = format!("quota:msg:{agent_id}:{userid}");
        self.cache
            .admit(&key, now_ms, &self.member_windows, 1)
            .await
    }

    /// One call of `api` (e.g. `message/send`) by corp `corp_id` at `now_ms`.
    pub async fn admit_api(
        &self,
        corp_id: &str,
        api: &str,
        now_ms: i64,
    ) -> Result<Admission, CacheError> {
        let key = format!("quota:api:{corp_id}:{api}");
        self.cache.admit(&key, now_ms, &self.api_windows, 1).await
    }
}
