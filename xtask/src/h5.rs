//! `cargo xtask build-h5`: the Yew app to wasm, wasm-bindgen's glue, content-hashed file
//! names, the WeCom JS-SDK from npm, and brotli/gzip copies, all in `h5/dist` (which the
//! `gantry` binary embeds). Nothing is downloaded but the npm package, once.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::run::{cargo, root, step};

const JSSDK: &str = "node_modules/@wecom/jssdk/dist/wecom.global.prod.js";
/// The field app (`index.html`), the admin console (`admin.html`) and planning
/// (`plan.html`: the Gantt), each its own wasm.
const BUNDLES: [&str; 3] = ["h5", "admin", "plan"];

pub fn run(_extra: &[String]) -> Result<(), String> {
    build()
}

/// Builds `h5/dist`.
pub fn build() -> Result<(), String> {
    crate::setup::wasm_target()?;
    crate::setup::node()?;
    let root = root();
    let h5 = root.join("h5");
    step(
        "h5: cargo build (wasm32, profile h5)",
        cargo(&[
            "build",
            "-p",
            "h5",
            "--bin",
            "h5",
            "--bin",
            "admin",
            "--bin",
            "plan",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "h5",
        ])
        .env("RUSTFLAGS", remap_flags(&root)),
    )?;
    let target = crate::run::target_dir();
    let glue = target.join("h5-bindgen");
    for bundle in BUNDLES {
        eprintln!("==> h5: wasm-bindgen {bundle}");
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(target.join(format!("wasm32-unknown-unknown/h5/{bundle}.wasm")))
            .web(true)
            .map_err(|e| format!("wasm-bindgen: {e}"))?
            .typescript(false)
            .remove_name_section(true)
            .remove_producers_section(true)
            .omit_default_module_path(false)
            .out_name(bundle)
            .generate(&glue)
            .map_err(|e| format!("wasm-bindgen: {e}"))?;
    }

    let dist = h5.join("dist");
    clean(&dist)?;
    let assets = dist.join("assets");
    fs::create_dir_all(&assets).map_err(|e| format!("{}: {e}", assets.display()))?;
    // Inlined: a stylesheet is one more round trip before anything paints (562 ms on 3G),
    // and at ~2 KB compressed it costs less than that trip.
    let css = String::from_utf8(read(&h5.join("style.css"))?)
        .map_err(|_| "h5/style.css is not UTF-8".to_owned())?;
    // Loaded by the app only when a JS-SDK feature is first used inside WeCom, so the
    // first page never waits for it.
    let wecom = hashed(&assets, "wecom", "js", &jssdk(&h5)?)?;
    let template = String::from_utf8(read(&h5.join("index.html"))?)
        .map_err(|_| "h5/index.html is not UTF-8".to_owned())?;
    for bundle in BUNDLES {
        let js = hashed(
            &assets,
            bundle,
            "js",
            &read(&glue.join(format!("{bundle}.js")))?,
        )?;
        let wasm_name = format!("{bundle}_bg");
        let wasm = hashed(
            &assets,
            &wasm_name,
            "wasm",
            &read(&glue.join(format!("{wasm_name}.wasm")))?,
        )?;
        let page = template
            .replace("{{js}}", &js)
            .replace("{{wasm}}", &wasm)
            .replace("{{style}}", &css)
            .replace("{{wecom}}", &wecom);
        let name = if bundle == "h5" {
            "index.html".to_owned()
        } else {
            format!("{bundle}.html")
        };
        write(&dist.join(name), page.as_bytes())?;
    }
    compress_all(&dist)?;
    let mut report = String::new();
    for entry in fs::read_dir(&assets).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".wasm") || (name.ends_with(".js") && !name.starts_with("wecom")) {
            let br = fs::metadata(assets.join(format!("{name}.br")))
                .map(|m| m.len())
                .unwrap_or(0);
            let raw = entry.metadata().map(|m| m.len()).unwrap_or(0);
            report.push_str(&format!(" {name} ({raw} B, brotli {br} B);"));
        }
    }
    eprintln!("h5: dist ready:{report}");
    Ok(())
}

/// Panic locations name source paths; mapped so the wasm is the same from any checkout.
fn remap_flags(root: &Path) -> String {
    let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    if !flags.is_empty() {
        flags.push(' ');
    }
    flags.push_str(&format!("--remap-path-prefix={}=gantry", root.display()));
    // Dependencies' panic locations too: ~8 KB of registry paths otherwise.
    let cargo_home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    flags.push_str(&format!(
        " --remap-path-prefix={}=crates",
        cargo_home.join("registry/src").display()
    ));
    flags
}

/// The vendored JS-SDK, installed from npm (lockfile-pinned) when missing.
fn jssdk(h5: &Path) -> Result<Vec<u8>, String> {
    let path = h5.join(JSSDK);
    if !path.exists() {
        step(
            "h5: npm ci (the WeCom JS-SDK, served by Gantry itself)",
            std::process::Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                .current_dir(h5),
        )?;
    }
    read(&path)
}

fn clean(dist: &Path) -> Result<(), String> {
    if let Ok(entries) = fs::read_dir(dist) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == ".gitkeep") {
                continue;
            }
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Writes `bytes` as `assets/<stem>-<hash>.<ext>`; returns its URL path.
fn hashed(assets: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<String, String> {
    let digest = Sha256::digest(bytes);
    let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("{stem}-{hash}.{ext}");
    write(&assets.join(&name), bytes)?;
    Ok(format!("/assets/{name}"))
}

/// Adds `.br` and `.gz` beside every file worth compressing.
fn compress_all(dir: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            compress_all(&path)?;
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == ".gitkeep" || name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let bytes = read(&path)?;
        if bytes.len() < 512 {
            continue;
        }
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params)
            .map_err(|e| format!("brotli {name}: {e}"))?;
        write(&path.with_file_name(format!("{name}.br")), &br)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &bytes).map_err(|e| format!("gzip {name}: {e}"))?;
        let gz = gz.finish().map_err(|e| format!("gzip {name}: {e}"))?;
        write(&path.with_file_name(format!("{name}.gz")), &gz)?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
