//! `cargo xtask test`: the gate every change passes, locally and in CI.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

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
    // Deployment files (compose, Kubernetes, systemd, nginx, Dockerfile) stay consistent
    // with the configuration keys.
    step(
        "deploy/check.sh",
        std::process::Command::new("bash")
            .arg("deploy/check.sh")
            .current_dir(crate::run::root()),
    )?;
    // The browser tests drive the built H5, and the server embeds it.
    crate::h5::build()?;
    let mut totals = Totals::default();
    // Doc tests are not part of --all-targets.
    run_tests(&["test", "--workspace", "--doc"], &[], &mut totals)?;
    run_tests(
        &["test", "--workspace", "--all-targets"],
        extra,
        &mut totals,
    )?;
    // The store and cache suites cover PostgreSQL and Redis themselves when these are set;
    // the server's black-box suite runs once more on them.
    let pg = std::env::var_os("GANTRY_TEST_PG_URL").is_some();
    let redis = std::env::var_os("GANTRY_TEST_REDIS_URL").is_some();
    if pg && redis {
        let mut server = cargo(&["test", "-p", "server", "--tests"]);
        server.env("GANTRY_TEST_SERVER_BACKEND", "postgres");
        run_tests_with("server on PostgreSQL + Redis", server, &mut totals)?;
    } else {
        eprintln!(
            "note: GANTRY_TEST_PG_URL / GANTRY_TEST_REDIS_URL unset: PostgreSQL and Redis not tested"
        );
    }
    // One closing line for the whole run, so CI sees the real count rather than the last
    // test binary's (which may be a binary crate with no tests).
    let _ = writeln!(
        std::io::stdout(),
        "tests: {} passed, {} failed",
        totals.passed,
        totals.failed
    );
    Ok(())
}

#[derive(Default)]
struct Totals {
    passed: u64,
    failed: u64,
}

fn run_tests(args: &[&str], extra: &[String], totals: &mut Totals) -> Result<(), String> {
    let mut cmd = cargo(args);
    cmd.args(extra);
    run_tests_with(&format!("cargo {}", args.join(" ")), cmd, totals)
}

/// Runs a `cargo test` command, passing its output through while adding up
/// `test result:` lines.
fn run_tests_with(
    name: &str,
    mut cmd: std::process::Command,
    totals: &mut Totals,
) -> Result<(), String> {
    eprintln!("==> {name}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{name}: could not start: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout().lock();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.trim_start().strip_prefix("test result: ") {
                totals.passed += count(rest, " passed");
                totals.failed += count(rest, " failed");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let status = child.wait().map_err(|e| format!("{name}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

/// The number before `label` in `ok. 12 passed; 0 failed; …`.
fn count(summary: &str, label: &str) -> u64 {
    summary
        .split(';')
        .find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .strip_suffix(label.trim())
                .map(str::trim)
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn reads_cargo_summaries() {
        let ok = "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.1s";
        assert_eq!(count(ok, " passed"), 12);
        assert_eq!(count(ok, " failed"), 0);
        let bad = "FAILED. 4 passed; 3 failed; 0 ignored";
        assert_eq!((count(bad, " passed"), count(bad, " failed")), (4, 3));
    }
}
