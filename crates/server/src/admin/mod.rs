//! 管理: the admin console's API (org sync status and runs, dead letters, role grants).

pub mod handlers;
