//! `serve` in the test's own runtime: the server takes its listener and a shutdown future, so
//! a test needs no child process, no "listening on" line and no sleeping. Tokio's paused clock
//! drives the timeouts: a 15-second header timeout passes in no wall time.

use std::time::Duration;

use terraform_drift::server::{self, Options, ServeConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn start() -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve.toml");
    std::fs::write(&path, "header_timeout_seconds = 15\n").unwrap();
    let config = ServeConfig::read(&path).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::run(
        config,
        Options {
            insecure_no_hmac: true,
        },
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, stop, server, dir)
}

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test(start_paused = true)]
async fn a_silent_connection_is_closed_at_the_header_timeout_and_shutdown_is_the_callers() {
    let (addr, stop, server, _dir) = start().await;
    assert!(get(addr, "/healthz").await.contains("200 OK"));

    // A client that connects and says nothing: closed once the (paused) clock passes 15 s,
    // and not before.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let opened = tokio::time::Instant::now();
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            match silent.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the silent connection was held for 60 s");
    let held = opened.elapsed();
    assert!(
        held >= Duration::from_secs(15) && held < Duration::from_secs(20),
        "closed after {held:?}"
    );

    // The server is still up, and stops when the caller's future completes.
    assert!(get(addr, "/healthz").await.contains("200 OK"));
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("the server stopped")
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}
