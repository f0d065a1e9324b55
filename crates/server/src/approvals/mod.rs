//! Approvals in the server: the engine (`domain::approval`) fed from the store, its
//! effects queued through the outbox as WeCom cards and notices, and card taps coming
//! back through the inbox.

pub mod cards;
pub mod directory;
pub mod handlers;
pub mod service;
pub mod taps;
pub mod timeouts;
pub mod wire;

pub use service::{ApprovalError, CardClose, Origin, act, resubmit, seed_templates, submit};
