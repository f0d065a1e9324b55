//! Logging: plain text to stderr, level from `RUST_LOG` (default info).

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn,sqlx=warn"))
}

/// Installs the global subscriber once; later calls are no-ops.
pub fn init() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

/// For tests: output goes through the test harness, so it shows only for failing tests.
pub fn init_for_tests() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_ansi(false)
        .with_test_writer()
        .try_init();
}
