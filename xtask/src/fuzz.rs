//! `cargo xtask fuzz [SECONDS]`: a short libFuzzer run of decrypt + parse.
//!
//! cargo-fuzz needs nightly (for the sanitizer flags), so this is a developer tool and not
//! part of CI; it installs cargo-fuzz from crates.io on first use.

use std::process::Command;

use crate::run::{root, step};

pub fn run(args: &[String]) -> Result<(), String> {
    let seconds = args.first().map_or("60", String::as_str);
    if seconds.parse::<u32>().is_err() {
        return Err(format!("SECONDS must be a whole number, got {seconds:?}"));
    }
    let has_fuzz = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_fuzz {
        step(
            "install cargo-fuzz",
            Command::new("cargo").args(["+nightly", "install", "cargo-fuzz", "--locked"]),
        )?;
    }
    for target in ["callback_open", "event_parse"] {
        step(
            &format!("fuzz {target} for {seconds}s"),
            Command::new("cargo")
                .args([
                    "+nightly",
                    "fuzz",
                    "run",
                    target,
                    "--",
                    &format!("-max_total_time={seconds}"),
                ])
                .current_dir(root()),
        )?;
    }
    Ok(())
}
