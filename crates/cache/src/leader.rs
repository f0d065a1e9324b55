//! One leader per named schedule across replicas.

use std::sync::Arc;
use std::time::Duration;

use crate::{Cache, CacheError};

/// A lease on `leader:{name}` held by `holder_id`.
///
/// Call [`LeaderLock::try_acquire`] before each tick, well within `ttl`: it renews the
/// lease while held, so the leader keeps it; a crashed leader's lease lapses after `ttl`
/// and another replica takes over. `holder_id` must be unique per replica (e.g. host,
/// pid and a random suffix), otherwise two replicas would both believe they lead.
#[derive(Debug, Clone)]
pub struct LeaderLock {
    cache: Arc<dyn Cache>,
    key: String,
    holder_id: String,
    ttl: Duration,
}

impl LeaderLock {
    /// A lock for the schedule `name`, held as `holder_id` for `ttl` per renewal.
    pub fn new(cache: Arc<dyn Cache>, name: &str, holder_id: &str, ttl: Duration) -> Self {
        Self {
            cache,
            key: format!("leader:{name}"),
            holder_id: holder_id.to_owned(),
            ttl,
        }
    }

    /// Renews the lease if we hold it, else takes it if free. Returns whether we lead.
    pub async fn try_acquire(&self) -> Result<bool, CacheError> {
        // Renew first: the leader, the common caller, then needs one round trip.
        if self
            .cache
            .expire_if_eq(&self.key, &self.holder_id, self.ttl)
            .await?
        {
            return Ok(true);
        }
        self.cache
            .set_nx(&self.key, &self.holder_id, self.ttl)
            .await
    }

    /// Gives the lease up if we hold it, so another replica need not wait for the TTL.
    pub async fn release(&self) -> Result<(), CacheError> {
        self.cache
            .delete_if_eq(&self.key, &self.holder_id)
            .await
            .map(|_| ())
    }
}
