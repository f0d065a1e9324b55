//! `cargo xtask bench [NAME]`: criterion benchmarks; figures go to docs/benchmarks.md.

use crate::run::{cargo, step};

const BENCHES: &[(&str, &str, &str)] = &[("wecom", "wecom", "callback")];

pub fn run(args: &[String]) -> Result<(), String> {
    let wanted = args.first().map(String::as_str);
    if wanted == Some("callback") {
        return callback();
    }
    if wanted == Some("org-sync") {
        return org_sync();
    }
    if wanted == Some("approvals") {
        return approvals();
    }
    if wanted == Some("tasks") {
        return tasks();
    }
    if wanted == Some("h5") {
        return h5();
    }
    let mut ran = false;
    for (name, package, bench) in BENCHES {
        if wanted.is_some_and(|w| w != *name) {
            continue;
        }
        ran = true;
        step(
            &format!("bench {name}"),
            &mut cargo(&["bench", "-p", package, "--bench", bench]),
        )?;
    }
    if ran {
        Ok(())
    } else {
        let mut names: Vec<_> = BENCHES.iter().map(|b| b.0).collect();
        names.push("callback");
        names.push("org-sync");
        names.push("approvals");
        names.push("tasks");
        names.push("h5");
        Err(format!("unknown benchmark; choose one of {names:?}"))
    }
}

/// The callback intake under wrk at 64 connections, on SQLite and then PostgreSQL.
fn callback() -> Result<(), String> {
    if std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_err()
    {
        return Err("wrk is needed for this benchmark: apt-get install wrk".into());
    }
    for db in ["sqlite", "postgres"] {
        server_example("callback", "callback_bench", db)?;
    }
    Ok(())
}

/// A full org sync of 100,000 members / 5,000 departments / 200 tags from wecom-sim,
/// into SQLite and then PostgreSQL, first run and repeat; then 10,000 contact-change
/// events applied on each. One process per run, so each peak RSS is its own.
fn org_sync() -> Result<(), String> {
    for db in ["sqlite", "postgres"] {
        server_example("org-sync", "org_sync_bench", db)?;
        server_example("contact events", "contact_events_bench", db)?;
    }
    Ok(())
}

/// Approval actions per second with 10,000 open instances and tap-to-card-update
/// latency through wecom-sim, on SQLite and then PostgreSQL.
fn approvals() -> Result<(), String> {
    for db in ["sqlite", "postgres"] {
        server_example("approvals", "approvals_bench", db)?;
    }
    Ok(())
}

/// The overdue scan over 10,000 projects / 1,000,000 tasks, the digests' WeCom calls,
/// the Gantt of a 2,000-task project and CPM on 10,000 tasks, on SQLite and then
/// PostgreSQL.
fn tasks() -> Result<(), String> {
    for db in ["sqlite", "postgres"] {
        server_example("tasks", "tasks_bench", db)?;
    }
    Ok(())
}

/// Runs one of the server crate's benchmark examples, release build, on one backend.
fn server_example(label: &str, example: &str, db: &str) -> Result<(), String> {
    step(
        &format!("bench {label} on {db}"),
        &mut cargo(&[
            "run",
            "--release",
            "--quiet",
            "-p",
            "server",
            "--example",
            example,
            "--",
            "--db",
            db,
        ]),
    )
}

/// The H5's sizes, first render under throttling and the Gantt at 2,000 and 10,000 tasks,
/// in headless Chromium against a release build of the demo.
fn h5() -> Result<(), String> {
    crate::h5::build()?;
    step(
        "bench h5",
        &mut cargo(&[
            "run",
            "--release",
            "-p",
            "browser-tests",
            "--example",
            "h5_bench",
        ]),
    )
}
