//! Gantry's server: the actix-web app, WeCom callback intake, background workers, and the
//! commands of the `gantry` binary.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod idempotency;
pub mod intake;
pub mod leavers;
pub mod metrics;
pub mod org_sync;
pub mod projects;
pub mod push;
pub mod routes;
pub mod sealed;
pub mod startup;
pub mod state;
pub mod tasks;
pub mod telemetry;
pub mod workers;
