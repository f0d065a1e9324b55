//! Black-box tests of the server: the real app on port 0, WeCom played by `wecom-sim`.
//! All files link into one test binary (one compile, shared helpers).

mod admin;
mod approval_flows;
mod approvals;
mod audit_log;
mod audit_trail;
mod auth;
mod callbacks;
mod checkin_photos;
mod contacts;
mod contract;
mod daily_reports;
mod file_store;
mod helpers;
mod leavers;
mod ledger;
mod limits;
mod matrix;
mod org;
mod org_sync;
mod outbox;
mod people;
mod privacy;
mod projects_h5;
mod proxy;
mod replicas;
mod resilience;
mod secrets;
mod self_approval;
mod task_assignment;
mod task_extension;
mod tasks;
mod unused_uploads;
mod workbench;
mod workers;
