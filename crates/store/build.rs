//! `sqlx::migrate!` embeds the SQL files at compile time but cannot tell Cargo to watch
//! them on stable Rust; without this, an edited migration would not trigger a rebuild.

#![allow(clippy::print_stdout, reason = "build scripts talk to Cargo on stdout")]

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
