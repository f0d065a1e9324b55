//! In-process wake-ups: a stored callback wakes the inbox worker and a queued push wakes
//! the dispatcher at once instead of at their next poll, which keeps a card tap's round
//! trip in milliseconds. Other replicas still find the work by polling.

use tokio::sync::Notify;

/// One wake-up per worker kind.
#[derive(Debug, Default)]
pub struct Wake {
    /// Rows were added to the inbox.
    pub inbox: Notify,
    /// Rows were added to the outbox.
    pub outbox: Notify,
}
