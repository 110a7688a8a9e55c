//! Faults between the tool and AWS: a fault-injecting proxy in front of moto answers some
//! Describe calls with AccessDenied, throttling or 500s. Partial results must be reported as
//! partial (exit 1 unless --allow-partial), never as "in sync"; transient faults are retried.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use common::Scenario;
use serde_json::Value;

/// What the proxy does with one EC2 action.
#[derive(Clone, Copy)]
enum Fault {
    /// Always `UnauthorizedOperation` (HTTP 403).
    Deny,
    /// `RequestLimitExceeded` (HTTP 503) for the first N calls, then pass through.
    Throttle(usize),
    /// Always HTTP 500.
    Fail,
}

struct Proxy {
    url: String,
    calls: Arc<Mutex<HashMap<String, usize>>>,
}

impl Proxy {
    fn start(upstream: &str, faults: HashMap<&'static str, Fault>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let calls: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let counter = calls.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { break };
                let upstream = upstream.clone();
                let faults = faults.clone();
                let counter = counter.clone();
                std::thread::spawn(move || serve(conn, &upstream, &faults, &counter));
            }
        });
        Proxy { url, calls }
    }

    fn calls(&self, action: &str) -> usize {
        self.calls.lock().unwrap().get(action).copied().unwrap_or(0)
    }
}

/// Reads one HTTP/1.1 request (headers + Content-Length body).
fn read_request(conn: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if conn.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    conn.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn serve(
    mut conn: TcpStream,
    upstream: &str,
    faults: &HashMap<&'static str, Fault>,
    counter: &Mutex<HashMap<String, usize>>,
) {
    let Some((head, body)) = read_request(&mut conn) else {
        return;
    };
    let text = String::from_utf8_lossy(&body);
    let action = text
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("")
        .to_string();
    let n = {
        let mut c = counter.lock().unwrap();
        let e = c.entry(action.clone()).or_default();
        *e += 1;
        *e
    };
    let error = |status: &str, code: &str| {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>injected {code}</Message></Error></Errors><RequestID>req-{n}</RequestID></Response>"
        );
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
            xml.len()
        )
        .into_bytes()
    };
    let response = match faults.get(action.as_str()) {
        Some(Fault::Deny) => error("403 Forbidden", "UnauthorizedOperation"),
        Some(Fault::Throttle(k)) if n <= *k => {
            error("503 Service Unavailable", "RequestLimitExceeded")
        }
        Some(Fault::Fail) => error("500 Internal Server Error", "InternalError"),
        _ => forward(upstream, &head, &body),
    };
    let _ = conn.write_all(&response);
}

/// Sends the request upstream with `Connection: close` and returns the whole response.
fn forward(upstream: &str, head: &str, body: &[u8]) -> Vec<u8> {
    let mut up = TcpStream::connect(upstream).unwrap();
    let mut lines: Vec<&str> = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let req = format!("{}\r\n\r\n", lines.join("\r\n"));
    up.write_all(req.as_bytes()).unwrap();
    up.write_all(body).unwrap();
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).unwrap();
    resp
}

fn scan_through(s: &Scenario, proxy: &Proxy, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let r = s.drift_with_env(&args, &[("AWS_ENDPOINT_URL", proxy.url.as_str())]);
    let v = r.json();
    (r.code, v, r.stderr)
}

#[test]
fn access_denied_is_partial_never_in_sync_and_throttling_is_retried() {
    let s = Scenario::new("scenarios/faults");
    s.apply();
    let proxy = Proxy::start(
        &s.moto.url,
        HashMap::from([
            ("DescribeVolumes", Fault::Deny),
            ("DescribeVpcs", Fault::Throttle(2)),
        ]),
    );
    let (code, report, stderr) = scan_through(&s, &proxy, &[]);
    assert_eq!(
        code, 1,
        "partial without --allow-partial is an error: {stderr}"
    );
    assert!(stderr.contains("partial"), "{stderr}");
    assert_eq!(report["partial"], true);
    let alerts = report["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{report:#}");
    assert_eq!(alerts[0]["type"], "access_denied");
    assert!(
        alerts[0]["message"]
            .as_str()
            .unwrap()
            .contains("aws_ebs_volume")
    );
    // The volume could not be checked: unchecked, not missing.
    assert_eq!(report["summary"]["missing"], 0, "{report:#}");
    assert_eq!(report["summary"]["unchecked"], 1);
    // Throttled twice, then answered: the VPC was still checked.
    assert!(proxy.calls("DescribeVpcs") >= 3);
    assert_eq!(report["summary"]["managed"], 2);
    // The AccessDenied was not retried into the ground.
    assert!(
        proxy.calls("DescribeVolumes") <= 2,
        "{}",
        proxy.calls("DescribeVolumes")
    );

    let (code, report, _) = scan_through(&s, &proxy, &["--allow-partial"]);
    assert_eq!(code, 0);
    assert_eq!(report["partial"], true);

    let md = s.drift_with_env(
        &["scan", ".", "--format", "markdown", "--allow-partial"],
        &[("AWS_ENDPOINT_URL", proxy.url.as_str())],
    );
    assert!(md.stdout.contains("PARTIAL"), "{}", md.stdout);
}

#[test]
fn persistent_server_errors_become_alerts_after_retries() {
    let s = Scenario::new("scenarios/faults");
    s.apply();
    let proxy = Proxy::start(
        &s.moto.url,
        HashMap::from([("DescribeSubnets", Fault::Fail)]),
    );
    let (code, report, _) = scan_through(&s, &proxy, &[]);
    assert_eq!(code, 1);
    let alerts = report["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["type"], "list_failed");
    assert!(proxy.calls("DescribeSubnets") >= 3, "retried with backoff");
    assert_eq!(report["summary"]["missing"], 0);
}
