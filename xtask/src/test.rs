//! `cargo xtask test`: the gate every change passes, locally and in CI.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use crate::run::{cargo, step};

pub fn run(extra: &[String]) -> Result<(), String> {
    let mut run = Run::default();
    run.check(crate::setup::components());
    run.check(step(
        "cargo fmt --check",
        &mut cargo(&["fmt", "--all", "--check"]),
    ));
    run.check(step(
        "cargo clippy",
        &mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    ));
    // The H5 compiles to wasm32, where code behind `cfg(target_arch)` differs.
    run.check(crate::setup::wasm_target().and_then(|()| {
        step(
            "cargo clippy (wasm32: the H5 and api)",
            &mut cargo(&[
                "clippy",
                "-p",
                "h5",
                "-p",
                "api",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ]),
        )
    }));
    // Deployment files (compose, Kubernetes, systemd, nginx, Dockerfile) stay consistent
    // with the configuration keys.
    run.check(step(
        "deploy/check.sh",
        std::process::Command::new("bash")
            .arg("deploy/check.sh")
            .current_dir(crate::run::root()),
    ));
    // The browser tests drive the built H5 in Chromium, and the server embeds it.
    run.check(crate::h5::build());
    run.check(crate::setup::browser());
    // The file store's tests run against a real S3-compatible server as well as a directory.
    let s3 = crate::s3::start();
    let s3_url = s3.as_ref().ok().map(|s| s.url.clone());
    if let Err(e) = &s3 {
        run.check(Err(e.clone()));
    }
    let with_s3 = |mut cmd: std::process::Command| {
        if let Some(url) = &s3_url {
            cmd.env(crate::s3::URL_VAR, url);
        }
        cmd
    };
    // Doc tests are not part of --all-targets.
    run.tests("cargo test --doc", cargo(&["test", "--workspace", "--doc"]));
    // --no-fail-fast: one failing test binary does not hide the others' results.
    let mut all = with_s3(cargo(&[
        "test",
        "--workspace",
        "--all-targets",
        "--no-fail-fast",
    ]));
    all.args(extra);
    run.tests("cargo test --workspace", all);
    // The store and cache suites cover PostgreSQL and Redis themselves when these are set;
    // the server's black-box suite runs once more on them.
    let pg = std::env::var_os("GANTRY_TEST_PG_URL").is_some();
    let redis = std::env::var_os("GANTRY_TEST_REDIS_URL").is_some();
    if pg && redis {
        let mut server = with_s3(cargo(&[
            "test",
            "-p",
            "server",
            "--tests",
            "--no-fail-fast",
        ]));
        server.env("GANTRY_TEST_SERVER_BACKEND", "postgres");
        run.tests("server on PostgreSQL + Redis", server);
    } else {
        eprintln!(
            "note: GANTRY_TEST_PG_URL / GANTRY_TEST_REDIS_URL unset: PostgreSQL and Redis not tested"
        );
    }
    drop(s3);
    run.finish()
}

/// What a whole run found: every step runs, and every failure is listed at the end.
#[derive(Default)]
struct Run {
    passed: u64,
    failed: u64,
    failures: Vec<String>,
}

impl Run {
    fn check(&mut self, result: Result<(), String>) {
        if let Err(message) = result {
            eprintln!("xtask: {message}");
            self.failures.push(message);
        }
    }

    /// Runs a `cargo test` command, passing its output through while adding up
    /// `test result:` lines and noting each failed test by name.
    fn tests(&mut self, name: &str, mut cmd: std::process::Command) {
        eprintln!("==> {name}");
        let mut child = match cmd.stdout(Stdio::piped()).spawn() {
            Ok(child) => child,
            Err(e) => return self.failures.push(format!("{name}: could not start: {e}")),
        };
        let mut failed_tests = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            let mut out = std::io::stdout().lock();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.trim_start().strip_prefix("test result: ") {
                    self.passed += count(rest, " passed");
                    self.failed += count(rest, " failed");
                } else if let Some(test) = failed_test(&line) {
                    failed_tests.push(format!("{name}: {test}"));
                }
                let _ = writeln!(out, "{line}");
            }
        }
        match child.wait() {
            Ok(status) if status.success() => {}
            Ok(status) if failed_tests.is_empty() => {
                self.failures.push(format!("{name} failed ({status})"));
            }
            Ok(_) => self.failures.append(&mut failed_tests),
            Err(e) => self.failures.push(format!("{name}: {e}")),
        }
    }

    fn finish(self) -> Result<(), String> {
        // One closing line for the whole run, so CI sees the real count rather than the
        // last test binary's (which may be a binary crate with no tests).
        let _ = writeln!(
            std::io::stdout(),
            "tests: {} passed, {} failed",
            self.passed,
            self.failed
        );
        if self.failures.is_empty() {
            return Ok(());
        }
        eprintln!("\nfailures ({}):", self.failures.len());
        for failure in &self.failures {
            eprintln!("  - {failure}");
        }
        Err(format!("{} step(s) or test(s) failed", self.failures.len()))
    }
}

/// `test tasks::checkin ... FAILED` → `tasks::checkin`.
fn failed_test(line: &str) -> Option<&str> {
    line.strip_prefix("test ")?.strip_suffix(" ... FAILED")
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
    use super::{count, failed_test};

    #[test]
    fn names_failed_tests() {
        assert_eq!(failed_test("test a::b ... FAILED"), Some("a::b"));
        assert_eq!(failed_test("test a::b ... ok"), None);
    }

    #[test]
    fn reads_cargo_summaries() {
        let ok = "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.1s";
        assert_eq!(count(ok, " passed"), 12);
        assert_eq!(count(ok, " failed"), 0);
        let bad = "FAILED. 4 passed; 3 failed; 0 ignored";
        assert_eq!((count(bad, " passed"), count(bad, " failed")), (4, 3));
    }
}
