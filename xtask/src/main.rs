//! `cargo xtask <command>`: the project's scripted chores, in plain Rust so they run the
//! same on every machine with only cargo installed.

use std::process::ExitCode;

mod bench;
mod demo;
mod fuzz;
mod h5;
mod run;
mod s3;
mod setup;
mod test;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo            build the H5, then run Gantry with SQLite, the WeCom simulator and seeded data
  build-h5        build the H5 workbench (wasm) into h5/dist, which the gantry binary embeds
  test            cargo fmt --check, clippy -D warnings (native and wasm32), then every test;
                  installs the wasm target, node/npm, Chromium, a CJK font and the S3 test
                  server (moto, from PyPI) when missing
  setup           install only what demo and test need (wasm target, node/npm, Chromium, CJK
                  font, S3 test server)
  bench [NAME]    run benchmarks (wecom, callback, org-sync, approvals, tasks, h5); figures go to docs/benchmarks.md
  fuzz [SECONDS]  run the callback fuzz target (nightly + cargo-fuzz, installed on demand)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(&args[1..]),
        Some("build-h5") => h5::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("setup") => setup::all(),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
