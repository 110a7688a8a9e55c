//! `serve` against clients that hold connections: silent sockets, trickled headers, a flood
//! past the connection limit. The server binary on 127.0.0.1:0.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::bin;

struct Server {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(settings: &str) -> Server {
        Server::start_with_env(settings, &[])
    }

    fn start_with_env(settings: &str, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("serve.toml");
        std::fs::write(&config, settings).unwrap();
        let mut child = Command::new(bin())
            .args(["serve", "--insecure-no-hmac", "--config"])
            .arg(&config)
            .args(["--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        Server {
            child,
            addr,
            _dir: dir,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True once the server has closed `s` (a read gives EOF or a reset) before `deadline`.
fn closed_by_server(s: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 256];
    while Instant::now() < deadline {
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {} // a 408 or similar before closing is fine
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

fn healthz(addr: SocketAddr) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn silent_slow_and_surplus_connections_are_closed() {
    let server = Server::start("max_connections = 16\nheader_timeout_seconds = 2\n");
    assert!(healthz(server.addr).unwrap().contains("200 OK"));

    // More silent sockets than the limit: the surplus is closed at once, the rest when the
    // header timeout runs out; none is held.
    let mut silent: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    for (i, s) in silent.iter_mut().enumerate() {
        assert!(
            closed_by_server(s, deadline),
            "silent connection {i} was held open"
        );
    }

    // A client that trickles its headers a byte at a time is cut off too.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    let start = Instant::now();
    let mut cut = false;
    for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" {
        if slow.write_all(&[*b]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
        if start.elapsed() > Duration::from_secs(12) {
            break;
        }
    }
    assert!(
        cut || closed_by_server(&mut slow, Instant::now() + Duration::from_secs(3)),
        "a slow-header client was held for {:?}",
        start.elapsed()
    );

    // And the server still answers.
    assert!(healthz(server.addr).unwrap().contains("200 OK"));
}

/// One HTTP/1.1 request with a bearer token; the status code and body.
fn request(addr: SocketAddr, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

/// Starts a scan of `workspace`; its id.
fn start_scan(addr: SocketAddr, token: &str, workspace: &str) -> String {
    let (status, body) = request(
        addr,
        "POST",
        "/api/v1/scans",
        token,
        &format!(r#"{{"workspace": "{workspace}"}}"#),
    );
    assert_eq!(status, 202, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["scan_id"]
        .as_str()
        .or(v["id"].as_str())
        .unwrap()
        .to_string()
}

/// The scan's record once it is no longer running (within 60 s).
fn finished_scan(addr: SocketAddr, token: &str, id: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = request(addr, "GET", &format!("/api/v1/scans/{id}"), token, "");
        assert_eq!(status, 200, "{body}");
        let r: serde_json::Value = serde_json::from_str(&body).unwrap();
        if r["status"] != "running" {
            return r;
        }
        assert!(Instant::now() < deadline, "scan {id} never finished");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The scan record says `failed` with an error containing `why`.
fn assert_failed_with(record: &serde_json::Value, why: &str) {
    assert_eq!(record["status"], "failed", "{record}");
    let error = record["error"].as_str().unwrap_or_default();
    assert!(error.contains(why), "{record}");
}

#[test]
fn a_hostile_state_fails_its_scan_and_the_server_stays_up() {
    let ws = tempfile::tempdir().unwrap();
    let key = vec!["a"; 6000].join(".");
    let state = serde_json::json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
        {"mode": "managed", "type": "aws_vpc", "name": "deep",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes_flat": {"id": "vpc-1", key.as_str(): "x"}}]}]});
    std::fs::write(ws.path().join("terraform.tfstate"), state.to_string()).unwrap();
    std::fs::write(
        ws.path().join("live.json"),
        r#"{"format_version": "1", "resources": []}"#,
    )
    .unwrap();
    let token = "reader-token-0123456789abcdef";
    let server = {
        let settings = format!(
            "[[tokens]]\nname = \"reader\"\ntoken_env = \"LIMITS_READ_TOKEN\"\nrole = \"read\"\n\n[[workspaces]]\nname = \"deep\"\ndir = \"{}\"\nlive = \"live.json\"\n",
            ws.path().display()
        );
        Server::start_with_env(&settings, &[("LIMITS_READ_TOKEN", token)])
    };
    // Twice: a crash would take the server (and the second request) down with it.
    for _ in 0..2 {
        let id = start_scan(server.addr, token, "deep");
        assert_failed_with(&finished_scan(server.addr, token, &id), "deeper than");
    }
    assert!(healthz(server.addr).unwrap().contains("200 OK"));
}

#[test]
fn a_scan_that_hangs_is_stopped_at_its_deadline_and_shutdown_does_not_wait() {
    // An AWS endpoint that accepts connections and never answers: the SDK waits forever.
    let black_hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", black_hole.local_addr().unwrap());
    let ws = tempfile::tempdir().unwrap();
    let state = serde_json::json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
        {"mode": "managed", "type": "aws_vpc", "name": "main",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes": {"id": "vpc-1", "arn": "arn:aws:ec2:us-east-1:1:vpc/vpc-1"}}]}]});
    std::fs::write(ws.path().join("terraform.tfstate"), state.to_string()).unwrap();
    let token = "reader-token-0123456789abcdef";
    let settings = format!(
        "scan_timeout_seconds = 2\n\n[[tokens]]\nname = \"reader\"\ntoken_env = \"LIMITS_READ_TOKEN\"\nrole = \"read\"\n\n[[workspaces]]\nname = \"hung\"\ndir = \"{}\"\nlive = \"aws\"\nregions = [\"us-east-1\"]\n",
        ws.path().display()
    );
    let mut server = Server::start_with_env(
        &settings,
        &[
            ("LIMITS_READ_TOKEN", token),
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_REGION", "us-east-1"),
        ],
    );
    let id = start_scan(server.addr, token, "hung");
    assert_failed_with(
        &finished_scan(server.addr, token, &id),
        "scan_timeout_seconds",
    );

    // A second hung scan is running when SIGTERM arrives: the server exits without it.
    start_scan(server.addr, token, "hung");
    let stopped = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let asked = Instant::now();
    while server.child.try_wait().unwrap().is_none() {
        assert!(
            asked.elapsed() < Duration::from_secs(10),
            "shutdown waited for a hung scan"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(black_hole);
}
