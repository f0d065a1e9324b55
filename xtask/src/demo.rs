//! `cargo xtask demo`: builds the H5, then builds and runs `gantry demo` (SQLite, the WeCom simulator, seeded
//! data). Extra arguments go to `gantry demo`, e.g. `cargo xtask demo --port 8088`.

use crate::run::{cargo, step};

pub fn run(extra: &[String]) -> Result<(), String> {
    // The demo is the real app: the H5 is built first and embedded.
    crate::h5::build()?;
    let mut cmd = cargo(&["run", "-p", "server", "--bin", "gantry", "--", "demo"]);
    cmd.args(extra);
    step("gantry demo", &mut cmd)
}
