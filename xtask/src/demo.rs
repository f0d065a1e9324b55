//! `cargo xtask demo`: builds and runs `gantry demo` (SQLite, the WeCom simulator, seeded
//! data). Extra arguments go to `gantry demo`, e.g. `cargo xtask demo --port 8088`.

use crate::run::{cargo, step};

pub fn run(extra: &[String]) -> Result<(), String> {
    let mut cmd = cargo(&["run", "-p", "server", "--bin", "gantry", "--", "demo"]);
    cmd.args(extra);
    step("gantry demo", &mut cmd)
}
