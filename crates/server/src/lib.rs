//! Gantry's server: the actix-web app, WeCom callback intake, background workers, and the
//! commands of the `gantry` binary.
//!
//! Modules sit in layers; a module uses its own layer or lower ones, never higher, and
//! `tests::layers_hold` fails the build's tests on any upward `crate::` path or cycle:
//!
//! 1. foundation: `config`, `error`, `metrics`, `telemetry`, `backoff`, `wake` — no
//!    Gantry state, usable anywhere. Then `sealed` (field encryption, keyed by config),
//!    `wecom_client` (the qyapi client built from config) and `file_store` (one store
//!    for every file: a directory or an S3-compatible bucket).
//! 2. platform: `intake` (durable callback intake and the `Handled` verdict), `state`
//!    (what handlers and workers share), `auth` (sessions and the one authorisation
//!    check), `audit`, `idempotency`, `push` (outbox rows for WeCom messages), `files`.
//! 3. features, each one folder with its handlers, views, service and audit rows: `org`,
//!    `projects`, `approvals`, `leavers`, `tasks`, `admin`. A feature may call a
//!    lower feature's service (tasks → leavers → approvals), never a higher one's.
//! 4. `workers`: the inbox, outbox and scheduled jobs that drive the features.
//! 5. `routes`: cross-cutting HTTP (health, sign-in, the H5, WeCom callbacks) and the
//!    composition of `/api/v1` from the features' `configure` functions.
//! 6. `startup` (the app and its workers), then `demo` (startup with a simulator).

pub mod admin;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod backoff;
pub mod config;
pub mod demo;
pub mod error;
pub mod file_store;
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

#[cfg(test)]
mod tests;
