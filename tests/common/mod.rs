#![allow(dead_code)] // each test binary uses its own part of these helpers
//! A redis-server of a test's own (TLS, passwords, ACL users), on a free port, stopped
//! when dropped. The shared Redis at REDIS_URL is never reconfigured. redis-server and
//! openssl are the system's, or fetched into the cache folder the first time (`tool`).

pub mod serving;

use n8n_nodes_functions::keys::FunctionKey;
use n8n_nodes_functions::protocol::{Args, GLOBAL_SCOPE};
use n8n_nodes_functions::Request;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A call to the global function `name`, with one argument set.
pub fn request(name: &str, items: Vec<Args>, timeout: Duration) -> Request {
    Request::new(FunctionKey::new(GLOBAL_SCOPE, name).unwrap(), items, timeout)
}

pub struct PrivateRedis {
    pub port: u16,
    pub dir: PathBuf,
    command: Vec<String>,
    child: Child,
}

/// The program `name` (redis-server, openssl) as test-tools/which.js finds it: the system's
/// copy, or Debian's package fetched into the cache folder the first time (with progress on
/// stderr). The same lookup as the JavaScript tests', so `cargo test` alone needs Node too.
fn tool(name: &str) -> PathBuf {
    static FOUND: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut found = FOUND.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, path)) = found.iter().find(|(known, _)| known == name) {
        return path.clone();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-tools").join("which.js");
    let output =
        Command::new("node").arg(&script).arg(name).stderr(Stdio::inherit()).output().unwrap_or_else(|error| {
            panic!(
                "these tests find {name} with Node ({}), which did not start: {error}; install Node 20+",
                script.display()
            )
        });
    assert!(
        output.status.success(),
        "{name} is needed by this test and could not be found or fetched: test-tools/which.js says why above"
    );
    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    found.push((name.to_string(), path.clone()));
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl PrivateRedis {
    /// Starts `redis-server` with `args` added; `tls` serves TLS only, with a fresh CA.
    pub fn start(args: &[&str], tls: bool) -> Self {
        // Found (or fetched) first: a test that cannot have them leaves no folder behind.
        let program = tool("redis-server");
        if tls {
            tool("openssl");
        }
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("fn-redis-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new(program);
        command.arg("--bind").arg("127.0.0.1").arg("--save").arg("").arg("--dir").arg(&dir);
        if tls {
            make_certificates(&dir);
            command.arg("--port").arg("0").arg("--tls-port").arg(port.to_string());
            command
                .arg("--tls-cert-file")
                .arg(dir.join("server.crt"))
                .arg("--tls-key-file")
                .arg(dir.join("server.key"));
            command.arg("--tls-ca-cert-file").arg(dir.join("ca.crt")).arg("--tls-auth-clients").arg("no");
        } else {
            command.arg("--port").arg(port.to_string());
        }
        command.args(args);
        let command: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let child = spawn(&command, port);
        Self { port, dir, command, child }
    }

    /// Kills the server (no shutdown save) and starts it again with the same settings.
    pub fn crash_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn(&self.command, self.port);
    }

    pub fn ca_file(&self) -> String {
        self.dir.join("ca.crt").to_string_lossy().into_owned()
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn spawn(args: &[String], port: u16) -> Child {
    let program = tool("redis-server");
    let child = Command::new(&program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{} did not start: {error}", program.display()));
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "redis-server did not listen on {port} within 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// A CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.
fn make_certificates(dir: &Path) {
    let program = tool("openssl");
    let openssl = |args: &[&str]| {
        let status =
            Command::new(&program).args(args).current_dir(dir).stdout(Stdio::null()).stderr(Stdio::null()).status();
        assert!(
            status.unwrap_or_else(|error| panic!("{} did not start: {error}", program.display())).success(),
            "openssl {args:?} failed"
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "1",
        "-subj",
        "/CN=test-ca",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(dir.join("ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "1",
        "-extfile",
        "ext",
    ]);
}
