//! The S3-compatible server the suite's file-store tests run against: moto's server from
//! PyPI, pinned, installed into a virtualenv under the target dir on first use and
//! started on a free loopback port for the length of one test run.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The pinned package: the S3 API and its standalone server.
const MOTO: &str = "moto[s3,server]==5.1.18";
/// What the tests read to find it.
pub const URL_VAR: &str = "GANTRY_TEST_S3_URL";

/// A running server; stopped when dropped.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn venv() -> PathBuf {
    crate::run::target_dir().join("tools").join("s3")
}

/// Installs the server when missing (Python's venv from apt when even that is missing).
pub fn install() -> Result<PathBuf, String> {
    let venv = venv();
    let server = venv.join("bin").join("moto_server");
    let pinned = venv.join("installed.txt");
    if server.exists() && std::fs::read_to_string(&pinned).is_ok_and(|p| p == MOTO) {
        return Ok(server);
    }
    let has_venv = Command::new("python3")
        .args(["-m", "venv", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_venv {
        crate::setup::system_packages(
            "Python's venv (the S3-compatible test server)",
            &["python3", "python3-venv"],
        )?;
    }
    eprintln!(
        "==> setup: {MOTO} into {} (the S3-compatible test server)",
        venv.display()
    );
    let ok = |cmd: &mut Command| cmd.status().is_ok_and(|s| s.success());
    if !ok(Command::new("python3").arg("-m").arg("venv").arg(&venv))
        || !ok(Command::new(venv.join("bin").join("pip")).args(["install", "-q", MOTO]))
    {
        return Err(format!(
            "installing {MOTO} failed; by hand: python3 -m venv {0} && {0}/bin/pip install '{MOTO}'",
            venv.display()
        ));
    }
    std::fs::write(&pinned, MOTO).map_err(|e| format!("{}: {e}", pinned.display()))?;
    Ok(server)
}

/// Starts the server on a free port and waits until it answers.
pub fn start() -> Result<S3Server, String> {
    let server = install()?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port for the S3 test server: {e}"))?
        .port();
    let log = std::fs::File::create(venv().join("server.log"))
        .map_err(|e| format!("S3 test server log: {e}"))?;
    let child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", server.display()))?;
    let running = S3Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!(
                "the S3 test server did not start; see {}",
                venv().join("server.log").display()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("==> S3-compatible test server at {}", running.url);
    Ok(running)
}
