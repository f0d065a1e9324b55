//! `cargo xtask test`: the gate every change passes, locally and in CI.

use crate::run::{cargo, step};

pub fn run(extra: &[String]) -> Result<(), String> {
    step(
        "cargo fmt --check",
        &mut cargo(&["fmt", "--all", "--check"]),
    )?;
    step(
        "cargo clippy",
        &mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let mut test = cargo(&["test", "--workspace", "--all-targets"]);
    test.args(extra);
    step("cargo test", &mut test)?;
    // Doc tests are not part of --all-targets.
    step(
        "cargo test --doc",
        &mut cargo(&["test", "--workspace", "--doc"]),
    )
}
