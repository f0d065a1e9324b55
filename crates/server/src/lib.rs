//! Gantry's server: the actix-web app, WeCom callback intake, background workers, and the
//! commands of the `gantry` binary.

pub mod admin;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod backoff;
pub mod config;
pub mod demo;
pub mod error;
pub mod files;
pub mod idempotency;
pub mod intake;
pub mod leavers;
pub mod metrics;
pub mod org;
pub mod projects;
pub mod push;
pub mod routes;
pub mod sealed;
pub mod startup;
pub mod state;
pub mod tasks;
pub mod telemetry;
pub mod wake;
pub mod wecom_client;
pub mod workers;
