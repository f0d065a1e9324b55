//! Shared setup: a simulator on port 0 and clients pointed at it.

use std::sync::Arc;
use std::time::Duration;

use wecom::client::{Client, ClientConfig, MemoryTokenStore, Secret};
use wecom_sim::{SimConfig, SimHandle};

pub const AGENT: i64 = 1000002;

pub async fn sim() -> SimHandle {
    wecom_sim::spawn(SimConfig::default())
        .await
        .expect("simulator starts")
}

pub fn config(sim: &SimHandle, agent: Option<i64>, secret: &str) -> ClientConfig {
    let mut config = ClientConfig::new(sim.corp_id(), agent, Secret::new(secret));
    config.api_base = sim.base_url().parse().expect("sim url");
    // Short enough that the timeout tests stay fast, long enough for a loaded CI machine.
    config.timeout = Duration::from_millis(1500);
    config
}

/// A client for the default app (agent 1000002).
pub fn app_client(sim: &SimHandle) -> Client {
    Client::new(
        config(sim, Some(AGENT), "sim-app-secret"),
        Arc::new(MemoryTokenStore::new()),
    )
    .expect("client builds")
}

/// A client for the 通讯录同步 secret (no agent).
#[allow(dead_code, reason = "not every test binary uses it")]
pub fn contacts_client(sim: &SimHandle) -> Client {
    Client::new(
        config(sim, None, "sim-contacts-secret"),
        Arc::new(MemoryTokenStore::new()),
    )
    .expect("client builds")
}

/// The first `n` active members of the generated directory.
#[allow(dead_code, reason = "not every test binary uses it")]
pub fn active_users(sim: &SimHandle, n: usize) -> Vec<String> {
    let org = sim.org();
    let users: Vec<String> = org
        .users
        .iter()
        .filter(|u| u.status == 1)
        .take(n)
        .map(|u| u.userid.clone())
        .collect();
    assert_eq!(users.len(), n, "the generated org has {n} active members");
    users
}
