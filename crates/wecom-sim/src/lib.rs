//! A faithful WeCom (企业微信) simulator for tests, benchmarks and the demo.
//!
//! [`spawn`] starts an HTTP server on `127.0.0.1` that answers the qyapi endpoints a
//! self-built app uses (tokens, directory reads, messages and cards, OAuth, JS-SDK
//! tickets, media, app chats) with WeCom's errcodes and limits, over a deterministic
//! generated construction-company directory. The [`SimHandle`] records every call, injects
//! faults, moves the clock and plays the WeCom side of callbacks (URL verification,
//! encrypted events with retries, card clicks). The same controls exist over HTTP under
//! `/sim/...` for the demo console.
//!
//! Errcodes are listed in [`codes`]; the ones no public source confirms are marked there.

#![warn(missing_docs)]

mod callback;
pub mod codes;
mod config;
mod error;
mod faults;
mod handle;
mod handle_org;
mod interact;
mod limits;
pub mod org;
mod records;
mod routes;
mod server;
mod state;
pub mod xml;

pub use callback::{CallbackDelivery, DeliveryAttempt};
pub use config::{CallbackTarget, OrgSpec, SimApp, SimConfig, SimLimits, Visibility};
pub use error::SimError;
pub use faults::{Chaos, Fault, FaultKind};
pub use handle::{SimHandle, spawn, spawn_on};
pub use org::{ContactChange, Department, Org, Tag, User};
pub use records::{AppChat, AppChatMessage, CardUpdate, DroppedMessage, RecordedCall, SentMessage};
