//! 管理: the admin console's API (org sync status and runs, dead letters, role grants, the
//! audit log).

pub mod audit_log;
pub mod handlers;
