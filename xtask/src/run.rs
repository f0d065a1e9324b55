//! Running child commands with their output passed through.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root of the checkout `cargo xtask` was run in.
///
/// Found at run time, never from `CARGO_MANIFEST_DIR` at compile time: with one target dir
/// shared by two checkouts, the compiled-in path is whichever checkout built xtask last.
pub fn root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(find_root).clone()
}

fn find_root() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // Cargo's own answer for the current directory, which `cargo xtask` (an alias of
    // `cargo run`) leaves as the caller's.
    let located = Command::new(cargo_bin())
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .current_dir(&here)
        .output();
    if let Ok(out) = located
        && out.status.success()
    {
        let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Some(dir) = manifest.parent() {
            return dir.to_path_buf();
        }
    }
    here.ancestors()
        .find(|dir| is_workspace(dir))
        .map(Path::to_path_buf)
        .unwrap_or(here)
}

/// Where cargo puts build output: `CARGO_TARGET_DIR`, a `build.target-dir` in any cargo
/// config, or `target/` in the workspace, as cargo itself resolves it.
pub fn target_dir() -> PathBuf {
    let metadata = cargo(&["metadata", "--format-version", "1", "--no-deps"]).output();
    if let Ok(out) = metadata
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        let key = "\"target_directory\":\"";
        if let Some(start) = text.find(key).map(|i| i + key.len())
            && let Some(len) = text[start..].find('"')
        {
            return PathBuf::from(text[start..start + len].replace("\\\\", "\\"));
        }
    }
    root().join("target")
}

fn is_workspace(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|text| text.lines().any(|l| l.trim() == "[workspace]"))
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// A `cargo` command run from the workspace root.
pub fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(cargo_bin());
    cmd.args(args).current_dir(root());
    cmd
}

/// Runs `cmd`, failing with a message that names the step.
pub fn step(name: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("==> {name}");
    let status = cmd
        .status()
        .map_err(|e| format!("{name}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tests run in the package folder, below the workspace: the root is found from there,
    /// whichever checkout compiled this binary.
    #[test]
    fn finds_the_workspace_from_a_folder_inside_it() {
        let root = find_root();
        assert!(is_workspace(&root), "{}", root.display());
        assert!(root.join("xtask/src/run.rs").is_file());
        let here = std::env::current_dir().expect("cwd");
        assert!(
            here.starts_with(&root),
            "{} is not inside {}",
            here.display(),
            root.display()
        );
    }

    #[test]
    fn the_target_dir_is_cargos_own() {
        let target = target_dir();
        assert!(target.is_absolute(), "{}", target.display());
        if let Some(env) = std::env::var_os("CARGO_TARGET_DIR") {
            assert_eq!(target, PathBuf::from(env));
        }
    }
}
