//! rust-embed notices changed files but not added ones; watching the folder makes a fresh
//! `cargo xtask build-h5` (new hashed names) reach the next server build.

fn main() {
    println!("cargo:rerun-if-changed=../../h5/dist");
}
