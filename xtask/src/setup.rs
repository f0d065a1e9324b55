//! What `demo` and `test` need beyond cargo, installed on first use and said as it happens:
//! the wasm target (rustup), node and npm (the JS-SDK package), and for the browser tests
//! Chromium, chromedriver and a CJK font (the system's package manager).
//!
//! System packages are installed only as root or with password-less sudo; otherwise the
//! command stops with the one line to run by hand.

use std::path::Path;
use std::process::{Command, Stdio};

const WASM: &str = "wasm32-unknown-unknown";
/// Debian/Ubuntu package names; the font makes pages (and screenshots) show Chinese.
const BROWSER_PACKAGES: [&str; 4] = [
    "chromium",
    "chromium-driver",
    "fonts-wqy-microhei",
    "fontconfig",
];
const NODE_PACKAGES: [&str; 2] = ["nodejs", "npm"];

/// Everything `demo` and `test` need.
pub fn all() -> Result<(), String> {
    components()?;
    wasm_target()?;
    node()?;
    browser()?;
    crate::s3::install().map(drop)
}

/// The wasm target for the H5, added through rustup when missing.
pub fn wasm_target() -> Result<(), String> {
    if has_wasm_target() {
        return Ok(());
    }
    if !succeeds(Command::new("rustup").arg("--version")) {
        return Err(format!(
            "the {WASM} target is missing and rustup is not on PATH; add the target to your \
             toolchain (with rustup: rustup target add {WASM})"
        ));
    }
    eprintln!("==> setup: rustup target add {WASM} (the H5 is compiled to wasm)");
    let added = Command::new("rustup")
        .args(["target", "add", WASM])
        .status()
        .is_ok_and(|s| s.success());
    if added && has_wasm_target() {
        Ok(())
    } else {
        Err(format!(
            "could not add the {WASM} target: run rustup target add {WASM}"
        ))
    }
}

/// rustfmt and clippy, which a minimal rustup profile leaves out.
pub fn components() -> Result<(), String> {
    let has = |tool: &str| succeeds(Command::new("cargo").args([tool, "--version"]));
    if has("fmt") && has("clippy") {
        return Ok(());
    }
    eprintln!("==> setup: rustup component add rustfmt clippy");
    let added = Command::new("rustup")
        .args(["component", "add", "rustfmt", "clippy"])
        .status()
        .is_ok_and(|s| s.success());
    if added {
        Ok(())
    } else {
        Err("could not add rustfmt and clippy: run rustup component add rustfmt clippy".into())
    }
}

/// The target's standard library sits in the active toolchain's sysroot; asking rustc
/// covers toolchains chosen by a rust-toolchain file or `+channel` alike.
fn has_wasm_target() -> bool {
    let sysroot = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .output();
    match sysroot {
        Ok(out) if out.status.success() => {
            let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            Path::new(&sysroot)
                .join("lib/rustlib")
                .join(WASM)
                .join("lib")
                .is_dir()
        }
        _ => false,
    }
}

/// node and npm, for the WeCom JS-SDK package the H5 serves itself.
pub fn node() -> Result<(), String> {
    if succeeds(Command::new("npm").arg("--version")) {
        return Ok(());
    }
    system_packages(
        "node and npm (the H5 serves the WeCom JS-SDK from npm)",
        &NODE_PACKAGES,
    )
}

/// Headless Chromium, chromedriver and a CJK font for the browser tests.
pub fn browser() -> Result<(), String> {
    let chromium = std::env::var("GANTRY_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver =
        std::env::var("GANTRY_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if Path::new(&chromium).exists() && Path::new(&driver).exists() && has_cjk_font() {
        return Ok(());
    }
    system_packages(
        "Chromium, chromedriver and a CJK font (the H5 browser tests)",
        &BROWSER_PACKAGES,
    )
}

fn has_cjk_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.is_empty())
}

/// Installs Debian packages as root or through password-less sudo; otherwise fails with
/// the command to run.
pub(crate) fn system_packages(what: &str, packages: &[&str]) -> Result<(), String> {
    let list = packages.join(" ");
    let by_hand = format!("sudo apt-get update && sudo apt-get install -y {list}");
    if !succeeds(Command::new("apt-get").arg("--version")) {
        return Err(format!(
            "{what} missing and there is no apt-get here: install the equivalents of {list} \
             with your package manager"
        ));
    }
    let sudo: &[&str] = if is_root() {
        &[]
    } else if succeeds(Command::new("sudo").args(["-n", "true"])) {
        &["sudo", "-n"]
    } else {
        return Err(format!("{what} missing; run: {by_hand}"));
    };
    eprintln!("==> setup: apt-get install {list} ({what})");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            cmd.args(&sudo[1..]).arg("apt-get");
        }
        cmd.args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(packages);
    if apt(&["update", "-q"]) && apt(&install) {
        Ok(())
    } else {
        Err(format!("installing {what} failed; run: {by_hand}"))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
