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
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("serve.toml");
        std::fs::write(&config, settings).unwrap();
        let mut child = Command::new(bin())
            .args(["serve", "--insecure-no-hmac", "--config"])
            .arg(&config)
            .args(["--listen", "127.0.0.1:0"])
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
