//! `serve` end to end: the binary on 127.0.0.1:0, a fake HCP Terraform for the run task, the
//! REST API and WebSocket against a moto-backed scenario, and the dashboard in headless
//! Chromium.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use common::{Scenario, add_tags, bin, block_on};
use futures::{SinkExt, StreamExt};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha512;

const HMAC_KEY: &str = "run-task-key-for-tests-0123456789";
const READ_TOKEN: &str = "reader-token-0123456789abcdef";
const ADMIN_TOKEN: &str = "admin-token-0123456789abcdef";

/// The server binary, stopped with SIGTERM on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    audit: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Writes a configuration with `workspaces` (TOML) and starts `serve` on port 0.
    fn start(workspaces: &str, extra_env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("serve.toml");
        std::fs::write(
            &config,
            format!(
                r#"
audit_log = "audit.jsonl"
public_url = "http://drift.example.test"

[run_task]
retry_base_seconds = 0.2

[[tokens]]
name = "reader"
token_env = "TEST_READ_TOKEN"
role = "read"

[[tokens]]
name = "admin"
token_env = "TEST_ADMIN_TOKEN"
role = "remediate"

[compliance]
required_tags = ["Name", "Owner"]

{workspaces}
"#
            ),
        )
        .unwrap();
        let mut child = Command::new(bin())
            .args(["serve", "--log-json", "--config"])
            .arg(&config)
            .args(["--listen", "127.0.0.1:0"])
            .env("TF_DRIFT_RUN_TASK_HMAC_KEY", HMAC_KEY)
            .env("TEST_READ_TOKEN", READ_TOKEN)
            .env("TEST_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_PROFILE")
            .env("RUST_LOG", "info")
            .envs(extra_env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("serve.log")).unwrap())
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
            audit: dir.path().join("audit.jsonl"),
            log: dir.path().join("serve.log"),
            _dir: dir,
        }
    }

    /// The server's log (`--log-json`): every line must be a JSON object, and no secret may
    /// appear in it.
    fn log_lines(&self, secrets: &[&str]) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.log).unwrap();
        for s in secrets {
            assert!(!text.contains(s), "a secret leaked into the log:\n{text}");
        }
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGTERM, then the exit status within `deadline`.
    fn stop(&mut self, deadline: Duration) -> std::process::ExitStatus {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let end = Instant::now() + deadline;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < end, "serve did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sign(body: &[u8]) -> String {
    let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(HMAC_KEY.as_bytes()).unwrap();
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn wait_until(what: &str, deadline: Duration, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + deadline;
    while !f() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What the fake HCP Terraform saw.
#[derive(Default)]
struct Seen {
    /// (path, Authorization header) of every GET.
    gets: Vec<(String, Option<String>)>,
    /// (task result, Authorization, content type, body) of every PATCH.
    patches: Vec<(String, Option<String>, Option<String>, Value)>,
    /// Status codes still to answer for a task result's callback, in order (then 200).
    script: std::collections::HashMap<String, Vec<u16>>,
    /// The plan JSON served (default: `tests/fixtures/serve/plan.json`).
    plan: Option<Vec<u8>>,
}

type Shared = Arc<Mutex<Seen>>;

fn auth_of(h: &HeaderMap) -> Option<String> {
    h.get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
}

/// A fake HCP Terraform on 127.0.0.1: plan JSON behind a redirect to another host name
/// (`localhost`), and the callback endpoint.
fn fake_hcp(seen: Shared) -> (SocketAddr, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let port = addr.port();
    let app = axum::Router::new()
        .route(
            "/api/v2/plans/{id}/json-output",
            axum::routing::get(
                move |State(s): State<Shared>, UrlPath(id): UrlPath<String>, h: HeaderMap| async move {
                    s.lock()
                        .unwrap()
                        .gets
                        .push((format!("/api/v2/plans/{id}/json-output"), auth_of(&h)));
                    // HCP answers with a redirect to a signed archive URL on another host.
                    (
                        StatusCode::TEMPORARY_REDIRECT,
                        [("location", format!("http://localhost:{port}/archive/{id}.json"))],
                    )
                },
            ),
        )
        .route(
            "/archive/{file}",
            axum::routing::get(
                |State(s): State<Shared>, UrlPath(file): UrlPath<String>, h: HeaderMap| async move {
                    let plan = {
                        let mut s = s.lock().unwrap();
                        s.gets.push((format!("/archive/{file}"), auth_of(&h)));
                        s.plan.clone().unwrap_or_else(|| {
                            std::fs::read(common::fixture("serve/plan.json")).unwrap()
                        })
                    };
                    // A slow archive: the run task must have answered long before it is served.
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    plan
                },
            ),
        )
        .route(
            "/api/v2/task-results/{id}/callback",
            axum::routing::patch(
                |State(s): State<Shared>, UrlPath(id): UrlPath<String>, h: HeaderMap, body: String| async move {
                    let mut s = s.lock().unwrap();
                    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    let ct = h
                        .get("content-type")
                        .map(|v| v.to_str().unwrap().to_string());
                    s.patches.push((id.clone(), auth_of(&h), ct, body));
                    let code = s.script.get_mut(&id).and_then(|v| {
                        if v.is_empty() { None } else { Some(v.remove(0)) }
                    });
                    StatusCode::from_u16(code.unwrap_or(200)).unwrap().into_response()
                },
            ),
        )
        .with_state(seen);
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, rt)
}

fn task_request(hcp: SocketAddr, id: &str, token: &str, workspace: &str) -> Value {
    json!({
        "payload_version": 1,
        "stage": "post_plan",
        "access_token": token,
        "capabilities": {"outcomes": true},
        "configuration_version_download_url": format!("http://{hcp}/api/v2/configuration-versions/cv-1/download"),
        "configuration_version_id": "cv-1",
        "is_speculative": false,
        "organization_name": "acme",
        "plan_json_api_url": format!("http://{hcp}/api/v2/plans/plan-{id}/json-output"),
        "run_app_url": "https://app.terraform.io/app/acme/net/runs/run-1",
        "run_created_at": "2026-11-26T00:00:00.000Z",
        "run_created_by": "someone",
        "run_id": "run-1",
        "run_message": "Triggered via API",
        "task_result_callback_url": format!("http://{hcp}/api/v2/task-results/{id}/callback"),
        "task_result_enforcement_level": "mandatory",
        "task_result_id": id,
        "workspace_app_url": "https://app.terraform.io/app/acme/net",
        "workspace_id": "ws-1",
        "workspace_name": workspace,
        "workspace_working_directory": ""
    })
}

/// Checks the callback body against the run-task result schema (JSON:API `task-results`
/// with optional `task-result-outcomes`).
fn assert_task_result_schema(body: &Value) {
    let data = &body["data"];
    assert_eq!(data["type"], "task-results", "{body:#}");
    let attrs = data["attributes"].as_object().expect("attributes");
    for k in attrs.keys() {
        assert!(
            ["status", "message", "url"].contains(&k.as_str()),
            "unknown attribute {k}"
        );
    }
    assert!(
        ["passed", "failed", "running"].contains(&attrs["status"].as_str().unwrap()),
        "{body:#}"
    );
    let message = attrs["message"].as_str().expect("message is a string");
    assert!(!message.is_empty() && !message.contains('\n'));
    if let Some(url) = attrs.get("url") {
        assert!(url.as_str().unwrap().starts_with("http"));
    }
    if let Some(rel) = data.get("relationships") {
        for o in rel["outcomes"]["data"].as_array().expect("outcomes array") {
            assert_eq!(o["type"], "task-result-outcomes");
            let a = o["attributes"].as_object().unwrap();
            for k in a.keys() {
                assert!(
                    ["outcome-id", "description", "body", "url", "tags"].contains(&k.as_str()),
                    "unknown outcome attribute {k}"
                );
            }
            assert!(a["outcome-id"].is_string() && a["description"].is_string());
            assert!(a["body"].is_string());
            for (_, labels) in a["tags"].as_object().unwrap() {
                for l in labels.as_array().unwrap() {
                    assert!(l["label"].is_string());
                    let level = l["level"].as_str().unwrap_or("none");
                    assert!(
                        ["none", "info", "warning", "error"].contains(&level),
                        "{level}"
                    );
                }
            }
        }
    }
}

fn post_task(server: &Server, body: &[u8], signature: Option<&str>) -> u16 {
    block_on(async {
        let mut req = reqwest::Client::new()
            .post(server.url("/runtask"))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(s) = signature {
            req = req.header("x-tfc-task-signature", s);
        }
        req.send().await.unwrap().status().as_u16()
    })
}

fn get_text(url: String) -> String {
    block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
}

#[test]
fn run_task_protocol() {
    let seen: Shared = Arc::default();
    let (hcp, _rt) = fake_hcp(seen.clone());
    let mut server = Server::start("", &[]);
    let outbound = || {
        let s = seen.lock().unwrap();
        s.gets.len() + s.patches.len()
    };

    // Verification: answered 200, nothing called back.
    let verify = task_request(hcp, "taskrslt-verify", "test-token", "net");
    let body = serde_json::to_vec(&verify).unwrap();
    assert_eq!(post_task(&server, &body, Some(&sign(&body))), 200);

    // Forged signatures: 401 every time, and no outbound call.
    let real = task_request(hcp, "taskrslt-1", "run-token-1", "net");
    let body = serde_json::to_vec(&real).unwrap();
    let good = sign(&body);
    let mut tampered = body.clone();
    let pos = tampered.len() / 2;
    tampered[pos] ^= 1;
    let mut forged: Vec<(Vec<u8>, Option<String>)> = vec![
        (body.clone(), None),
        (body.clone(), Some(String::new())),
        (body.clone(), Some("00".repeat(64))),
        (body.clone(), Some(good[..good.len() - 2].to_string())),
        (body.clone(), Some(format!("{good}00"))),
        (body.clone(), Some(good[2..].to_string())),
        (body.clone(), Some(format!("sha512={good}"))),
        (
            body.clone(),
            Some(good.replace(|c: char| c.is_ascii_digit(), "g")),
        ),
        (
            body.clone(),
            Some(hex(&<Sha512 as sha2::Digest>::digest(&body))),
        ),
        (tampered.clone(), Some(good.clone())),
        (tampered, Some(sign(b"something else"))),
        ([body.clone(), b" ".to_vec()].concat(), Some(good.clone())),
        (body[..body.len() - 1].to_vec(), Some(good.clone())),
        (Vec::new(), Some(good.clone())),
        (b"{}".to_vec(), Some(good.clone())),
    ];
    // Signed with other keys, including near misses of the real one.
    for key in [
        "",
        "run-task-key-for-tests-012345678",
        "RUN-TASK-KEY-FOR-TESTS-0123456789",
        "x",
    ] {
        let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(&body);
        forged.push((body.clone(), Some(hex(&mac.finalize().into_bytes()))));
    }
    // Single flipped nibbles at the start, middle and end.
    for i in [0, 63, 127] {
        let mut s: Vec<u8> = good.clone().into_bytes();
        s[i] = if s[i] == b'0' { b'1' } else { b'0' };
        forged.push((body.clone(), Some(String::from_utf8(s).unwrap())));
    }
    assert!(forged.len() >= 20, "{} variants", forged.len());
    for (i, (b, sig)) in forged.iter().enumerate() {
        assert_eq!(
            post_task(&server, b, sig.as_deref()),
            401,
            "forged variant {i}"
        );
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        outbound(),
        0,
        "no outbound call for verification or forged requests"
    );

    // The real request: callback refused twice with 500, then accepted.
    seen.lock()
        .unwrap()
        .script
        .insert("taskrslt-1".into(), vec![500, 500]);
    assert_eq!(post_task(&server, &body, Some(&good)), 200);
    // The plan is served 1.5 s after it is asked for: had the evaluation run before the answer,
    // a callback would already be recorded.
    assert!(
        seen.lock().unwrap().patches.is_empty(),
        "answered before the evaluation"
    );
    // Replayed while (or after) the first evaluates: answered, not evaluated again.
    assert_eq!(post_task(&server, &body, Some(&good)), 200);
    wait_until("three callback attempts", Duration::from_secs(60), || {
        seen.lock().unwrap().patches.len() >= 3
    });
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(post_task(&server, &body, Some(&good)), 200);
    std::thread::sleep(Duration::from_secs(1));
    let s = seen.lock().unwrap();
    assert_eq!(
        s.patches.len(),
        3,
        "retried twice, then stopped; replays not evaluated"
    );
    let plan_gets: Vec<_> = s
        .gets
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v2/plans"))
        .collect();
    assert_eq!(plan_gets.len(), 1, "one evaluation: {:?}", s.gets);
    assert_eq!(plan_gets[0].1.as_deref(), Some("Bearer run-token-1"));
    let archive: Vec<_> = s
        .gets
        .iter()
        .filter(|(p, _)| p.starts_with("/archive"))
        .collect();
    assert_eq!(archive.len(), 1);
    assert_eq!(
        archive[0].1, None,
        "the token must not follow the redirect to another host"
    );
    for (id, auth, ct, body) in &s.patches {
        assert_eq!(id, "taskrslt-1");
        assert_eq!(auth.as_deref(), Some("Bearer run-token-1"));
        assert_eq!(ct.as_deref(), Some("application/vnd.api+json"));
        assert_task_result_schema(body);
    }
    let body = &s.patches[2].3;
    let text = body.to_string();
    assert!(
        !text.contains("hunter2"),
        "a sensitive value leaked: {text}"
    );
    let attrs = &body["data"]["attributes"];
    assert_eq!(attrs["status"], "failed");
    assert_eq!(
        attrs["message"],
        "drift found: 2 changed, 1 missing, 0 unmanaged (unmanaged resources not checked: no workspace configured for it)"
    );
    let outcomes = body["data"]["relationships"]["outcomes"]["data"]
        .as_array()
        .unwrap();
    let sg = outcomes
        .iter()
        .find(|o| o["attributes"]["outcome-id"] == "aws_security_group.web")
        .expect("security group outcome");
    assert_eq!(sg["attributes"]["tags"]["Severity"][0]["label"], "High");
    assert!(
        sg["attributes"]["body"]
            .as_str()
            .unwrap()
            .contains("0.0.0.0/0")
    );
    assert!(
        outcomes
            .iter()
            .any(|o| o["attributes"]["outcome-id"] == "aws_subnet.gone")
    );
    drop(s);

    // Bodies over the limit are refused before anything reads them.
    let big = vec![b' '; 2 * 1024 * 1024];
    assert_eq!(post_task(&server, &big, Some(&sign(&big))), 413);

    // Metrics and audit.
    let metrics = get_text(server.url("/metrics"));
    let forged_n = forged.len();
    assert!(
        metrics.contains(&format!(
            "terraform_drift_run_tasks_total{{outcome=\"rejected\"}} {forged_n}"
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("terraform_drift_run_tasks_total{outcome=\"replay\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "terraform_drift_outbound_requests_total{purpose=\"callback\",status=\"500\"} 2"
        ),
        "{metrics}"
    );
    assert!(server.stop(Duration::from_secs(20)).success());
    let audit = std::fs::read_to_string(&server.audit).unwrap();
    let lines: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1 + forged_n + 3 + 1, "one audit line per POST");
    assert!(
        lines
            .iter()
            .all(|l| l["path"] == "/runtask" && l["actor"] == "hcp-run-task")
    );
    assert_eq!(
        lines.iter().filter(|l| l["status"] == 401).count(),
        forged_n
    );
    let log = server.log_lines(&[HMAC_KEY, "run-token-1"]);
    assert!(log.iter().any(
        |l| l["fields"]["message"] == "run task evaluated" && l["fields"]["status"] == "failed"
    ));
}

#[test]
fn scheduled_scans_of_a_snapshot_workspace() {
    // The quickstart (state + snapshot, no cloud), scanned every second.
    let dir = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for f in ["main.tf", "terraform.tfstate", "live.json"] {
        std::fs::copy(root.join("examples/quickstart").join(f), dir.path().join(f)).unwrap();
    }
    let mut server = Server::start(
        &format!(
            "[[workspaces]]\nname = \"qs\"\ndir = \"{}\"\nlive = \"live.json\"\nscan_every_seconds = 1\n",
            dir.path().display()
        ),
        &[],
    );
    let api = Api::new(&server);
    wait_until("three scheduled scans", Duration::from_secs(30), || {
        let scans = api.get("/api/v1/scans");
        scans["scans"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] == "succeeded")
            .count()
            >= 3
    });
    let drift = api.get("/api/v1/drift");
    assert_eq!(drift["summary"]["changed"], 3, "{drift}");
    assert_eq!(drift["summary"]["unmanaged"], 2, "{drift}");
    assert!(server.stop(Duration::from_secs(20)).success());
}

#[test]
fn refuses_to_start_without_an_hmac_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("serve.toml");
    std::fs::write(&config, "").unwrap();
    let out = Command::new(bin())
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("TF_DRIFT_RUN_TASK_HMAC_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TF_DRIFT_RUN_TASK_HMAC_KEY") && err.contains("--insecure-no-hmac"),
        "{err}"
    );
}

/// A scenario with managed drift (a tag added out of band) and an unmanaged volume.
fn drifted_scenario() -> (Scenario, String) {
    let s = Scenario::new("scenarios/instance_stopped_resized");
    s.apply();
    let id = s.id("aws_instance.web");
    let c = s.ec2();
    let volume = block_on(async {
        add_tags(&c, &id, &[("Owner", "someone-else")]).await;
        c.create_volume()
            .availability_zone("us-east-1a")
            .size(100)
            .volume_type(aws_sdk_ec2::types::VolumeType::Gp3)
            .send()
            .await
            .unwrap()
            .volume_id()
            .unwrap()
            .to_string()
    });
    (s, volume)
}

fn workspace_toml(dir: &Path) -> String {
    format!(
        "[[workspaces]]\nname = \"demo\"\ndir = \"{}\"\n",
        dir.display()
    )
}

struct Api<'a> {
    server: &'a Server,
    client: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl<'a> Api<'a> {
    fn new(server: &'a Server) -> Api<'a> {
        Api {
            server,
            client: reqwest::Client::new(),
            rt: tokio::runtime::Runtime::new().unwrap(),
        }
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method.parse().unwrap(), self.server.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let code = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            code,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn remediate(&self, token: &str, body: Value) -> (u16, Value) {
        self.call("POST", "/api/v1/remediate", Some(token), Some(body))
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.rt.block_on(self.request(method, path, token, body))
    }

    fn get(&self, path: &str) -> Value {
        let (code, v) = self.call("GET", path, Some(READ_TOKEN), None);
        assert_eq!(code, 200, "GET {path}: {v}");
        v
    }

    fn scan(&self) -> String {
        let (code, v) = self.call(
            "POST",
            "/api/v1/scans",
            Some(READ_TOKEN),
            Some(json!({"workspace": "demo"})),
        );
        assert_eq!(code, 202, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        wait_until("the scan", Duration::from_secs(120), || {
            self.get(&format!("/api/v1/scans/{id}"))["status"] != "running"
        });
        id
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn ws_connect(server: &Server, token: &str) -> Ws {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/api/v1/events", server.addr))
            .await
            .unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        json!({"token": token}).to_string().into(),
    ))
    .await
    .unwrap();
    ws
}

async fn ws_next(ws: &mut Ws) -> Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(120), ws.next())
            .await
            .expect("an event within the deadline")
            .expect("the stream is open")
            .unwrap();
        if let tokio_tungstenite::tungstenite::Message::Text(t) = m {
            return serde_json::from_str(&t).unwrap();
        }
    }
}

#[test]
fn api_websocket_and_roles_against_moto() {
    let (s, volume) = drifted_scenario();
    let mut server = Server::start(&workspace_toml(s.path()), &[]);
    let api = Api::new(&server);

    // Auth: no token, a wrong token.
    assert_eq!(api.call("GET", "/api/v1/drift", None, None).0, 401);
    assert_eq!(
        api.call("GET", "/api/v1/drift", Some("not-a-token-at-all-000"), None)
            .0,
        401
    );
    assert_eq!(
        api.call("POST", "/api/v1/scans", Some("x"), Some(json!({})))
            .0,
        401
    );
    // Before any scan.
    assert_eq!(
        api.call("GET", "/api/v1/drift", Some(READ_TOKEN), None).0,
        404
    );

    let (events, id) = api.rt.block_on(async {
        // A client with a bad token is told so and closed.
        let mut bad = ws_connect(&server, "wrong-token-0000000000").await;
        assert_eq!(ws_next(&mut bad).await["type"], "error");
        let mut reader = ws_connect(&server, READ_TOKEN).await;
        assert_eq!(ws_next(&mut reader).await["type"], "hello");
        // One client that goes away, one that never reads: neither may stall the other.
        let gone = ws_connect(&server, READ_TOKEN).await;
        drop(gone);
        let _idle = ws_connect(&server, READ_TOKEN).await;
        let (code, v) = api
            .request(
                "POST",
                "/api/v1/scans",
                Some(READ_TOKEN),
                Some(json!({"workspace": "demo"})),
            )
            .await;
        assert_eq!(code, 202, "{v}");
        let id = v["id"].as_str().unwrap().to_string();
        let mut events = Vec::new();
        loop {
            let e = ws_next(&mut reader).await;
            let done = e["type"] == "scan_finished";
            events.push(e);
            if done {
                break;
            }
        }
        (events, id)
    });
    assert_eq!(events[0]["type"], "scan_started");
    assert_eq!(events[0]["scan_id"], id.as_str());
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "scan_progress" && e["resource_type"] == "aws_instance")
    );
    let last = events.last().unwrap();
    assert_eq!(last["status"], "succeeded", "{last}");
    assert_eq!(last["summary"]["changed"], 1);

    let scan = api.get(&format!("/api/v1/scans/{id}"));
    assert_eq!(scan["status"], "succeeded");
    assert_eq!(
        api.call("GET", "/api/v1/scans/scan-999", Some(READ_TOKEN), None)
            .0,
        404
    );

    let drift = api.get("/api/v1/drift?workspace=demo");
    let found: Vec<(String, String)> = drift["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().into(),
                d["address"]
                    .as_str()
                    .unwrap_or(d["id"].as_str().unwrap())
                    .into(),
            )
        })
        .collect();
    assert!(
        found.contains(&("changed".into(), "aws_instance.web".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("unmanaged".into(), volume.clone())),
        "{found:?}"
    );
    let only_unmanaged = api.get("/api/v1/drift?kind=unmanaged");
    assert!(
        only_unmanaged["drift"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["kind"] == "unmanaged")
    );
    assert_eq!(
        api.call("GET", "/api/v1/drift?kind=weird", Some(READ_TOKEN), None)
            .0,
        400
    );

    let resources = api.get("/api/v1/resources");
    let status_of = |addr: &str| {
        resources["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == addr)
            .map(|r| r["status"].clone())
    };
    assert_eq!(status_of("aws_instance.web"), Some(json!("changed")));
    assert_eq!(status_of("aws_vpc.main"), Some(json!("in_sync")));

    let costs = api.get("/api/v1/costs");
    assert_eq!(costs["costs"]["estimate"], true);
    let line = costs["costs"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == volume.as_str())
        .expect("the unmanaged volume is priced");
    assert_eq!(line["monthly_usd"], 8.0);
    assert_eq!(line["what"], "100 GB gp3");

    let compliance = api.get("/api/v1/compliance");
    let v = &compliance["compliance"]["violations"];
    let of = |id: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .cloned()
    };
    assert_eq!(
        of(&volume).unwrap()["missing_tags"],
        json!(["Name", "Owner"])
    );
    // The instance carries Owner in the cloud (the drifted tag): only live tags count.
    let web = s.id("aws_instance.web");
    assert!(of(&web).is_none(), "{compliance}");
    let vpc = s.id("aws_vpc.main");
    assert_eq!(of(&vpc).unwrap()["missing_tags"], json!(["Owner"]));

    let security = api.get("/api/v1/security");
    assert!(
        security["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["type"] != "aws_ebs_volume")
    );

    // Remediation: previews for the read role, applying needs the remediate role.
    let (code, patch) = api.remediate(READ_TOKEN, json!({"workspace": "demo", "action": "patch"}));
    assert_eq!(code, 200, "{patch}");
    let diff = patch["edits"][0]["diff"].as_str().unwrap();
    assert!(diff.contains("+    Owner = \"someone-else\""), "{diff}");
    assert_eq!(patch["applied"], false);
    let (code, codify) = api.remediate(READ_TOKEN, json!({"action": "codify", "ids": [volume]}));
    assert_eq!(code, 200, "{codify}");
    let diff = codify["edits"][0]["diff"].as_str().unwrap();
    assert!(
        diff.contains("+import {") && diff.contains("aws_ebs_volume"),
        "{diff}"
    );
    let before = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    let (code, denied) = api.remediate(READ_TOKEN, json!({"action": "patch", "apply": true}));
    assert_eq!(code, 403, "{denied}");
    assert_eq!(
        std::fs::read_to_string(s.path().join("main.tf")).unwrap(),
        before
    );
    let (code, applied) = api.remediate(ADMIN_TOKEN, json!({"action": "patch", "apply": true}));
    assert_eq!(code, 200, "{applied}");
    assert_eq!(applied["applied"], true);
    let after = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    assert!(after.contains("Owner = \"someone-else\""), "{after}");
    assert!(s.path().join("main.tf.terraform-drift.bak").is_file());
    let rescan = applied["rescan_id"].as_str().unwrap().to_string();
    wait_until("the rescan", Duration::from_secs(120), || {
        api.get(&format!("/api/v1/scans/{rescan}"))["status"] != "running"
    });
    assert_eq!(api.remediate(READ_TOKEN, json!({"action": "nuke"})).0, 400);

    // A run task for the HCP workspace this workspace answers for: managed drift from the
    // plan Terraform made here, unmanaged resources from the cloud.
    s.terraform_ok(&[
        "plan",
        "-refresh-only",
        "-input=false",
        "-no-color",
        "-out=rt.tfplan",
    ]);
    let plan = s.terraform_ok(&["show", "-json", "rt.tfplan"]);
    let seen: Shared = Arc::default();
    seen.lock().unwrap().plan = Some(plan.into_bytes());
    let (hcp, _rt) = fake_hcp(seen.clone());
    let task =
        serde_json::to_vec(&task_request(hcp, "taskrslt-ws", "run-token-ws", "demo")).unwrap();
    assert_eq!(post_task(&server, &task, Some(&sign(&task))), 200);
    wait_until("the run-task callback", Duration::from_secs(120), || {
        !seen.lock().unwrap().patches.is_empty()
    });
    let body = seen.lock().unwrap().patches[0].3.clone();
    assert_task_result_schema(&body);
    assert_eq!(body["data"]["attributes"]["status"], "failed");
    assert_eq!(
        body["data"]["attributes"]["url"],
        "http://drift.example.test/"
    );
    let ids: Vec<&str> = body["data"]["relationships"]["outcomes"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["attributes"]["outcome-id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&format!("aws_ebs_volume.{volume}").as_str()),
        "{ids:?}"
    );

    let metrics = get_text(server.url("/metrics"));
    assert!(
        metrics.contains("terraform_drift_scans_total{workspace=\"demo\",outcome=\"succeeded\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("terraform_drift_run_tasks_total{outcome=\"failed\"} 1"),
        "{metrics}"
    );
    let calls: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("terraform_drift_cloud_api_calls_total{workspace=\"demo\"} "))
        .expect("cloud API calls are counted")
        .parse()
        .unwrap();
    // Two scans, one bulk Describe call per supported type each.
    assert!((24.0..200.0).contains(&calls), "{calls}");
    assert!(
        metrics.contains("terraform_drift_resources{workspace=\"demo\",kind=\"unmanaged\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("route=\"/api/v1/drift\",status=\"401\""),
        "{metrics}"
    );

    assert!(
        server.stop(Duration::from_secs(30)).success(),
        "graceful shutdown exits 0"
    );
    let audit: Vec<Value> = std::fs::read_to_string(&server.audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        audit.iter().all(|l| l["method"] == "POST"),
        "only mutating requests"
    );
    assert!(
        audit.iter().any(|l| l["actor"] == "admin"
            && l["path"] == "/api/v1/remediate"
            && l["status"] == 200)
    );
    assert!(
        audit
            .iter()
            .any(|l| l["actor"] == "reader" && l["status"] == 403)
    );
    assert!(
        audit
            .iter()
            .any(|l| l["actor"] == "anonymous" && l["status"] == 401)
    );
    let log = server.log_lines(&[READ_TOKEN, ADMIN_TOKEN, "run-token-ws"]);
    assert!(log.iter().any(|l| l["fields"]["message"] == "request"
        && l["fields"]["path"] == "/api/v1/remediate"
        && l["fields"]["status"] == 403));
}

/// Code wins through the API: `action: "plan"` previews Terraform's plan for the drifted
/// addresses (any token), applying it needs the remediate role, and the re-scan is clean. The
/// server's `--log-json` log stays one JSON object per line although Terraform ran: its lines
/// are fields of log events, not raw text.
#[test]
fn remediate_plan_preview_then_apply_over_http() {
    let (s, _volume) = drifted_scenario();
    let mut server = Server::start(&workspace_toml(s.path()), &[]);
    let api = Api::new(&server);
    let first = api.scan();
    assert_eq!(
        api.get(&format!("/api/v1/scans/{first}"))["status"],
        "succeeded"
    );
    let changed = |api: &Api| -> Vec<String> {
        api.get("/api/v1/drift?kind=changed")["drift"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["address"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(changed(&api), ["aws_instance.web"]);
    let main_tf = std::fs::read_to_string(s.path().join("main.tf")).unwrap();

    let (code, preview) = api.remediate(READ_TOKEN, json!({"action": "plan"}));
    assert_eq!(code, 200, "{preview}");
    assert_eq!(preview["applied"], false);
    assert_eq!(preview["plan"]["targets"], json!(["aws_instance.web"]));
    assert_eq!(preview["plan"]["has_changes"], true);
    assert_eq!(preview["plan"]["unrestored"], json!([]));
    let text = preview["plan"]["text"].as_str().unwrap();
    assert!(
        text.contains("aws_instance.web") && text.contains("Plan: 0 to add, 1 to change"),
        "{text}"
    );
    assert!(text.contains("\"someone-else\""), "{text}");
    // A preview changes nothing.
    let web = s.id("aws_instance.web");
    let owner = |s: &Scenario| {
        let c = s.ec2();
        block_on(async {
            let out = c
                .describe_instances()
                .instance_ids(&web)
                .send()
                .await
                .unwrap();
            out.reservations()[0].instances()[0]
                .tags()
                .iter()
                .find(|t| t.key() == Some("Owner"))
                .and_then(|t| t.value().map(str::to_string))
        })
    };
    assert_eq!(owner(&s).as_deref(), Some("someone-else"));

    let (code, denied) = api.remediate(READ_TOKEN, json!({"action": "plan", "apply": true}));
    assert_eq!(code, 403, "{denied}");
    assert_eq!(owner(&s).as_deref(), Some("someone-else"));

    let (code, applied) = api.remediate(ADMIN_TOKEN, json!({"action": "plan", "apply": true}));
    assert_eq!(code, 200, "{applied}");
    assert_eq!(applied["applied"], true, "{applied}");
    assert_eq!(owner(&s), None, "the out-of-band tag is still there");
    let rescan = applied["rescan_id"].as_str().unwrap().to_string();
    wait_until("the rescan", Duration::from_secs(120), || {
        api.get(&format!("/api/v1/scans/{rescan}"))["status"] != "running"
    });
    assert_eq!(
        api.get(&format!("/api/v1/scans/{rescan}"))["status"],
        "succeeded"
    );
    assert_eq!(changed(&api), Vec::<String>::new());
    // Code wins edits no file.
    assert_eq!(
        std::fs::read_to_string(s.path().join("main.tf")).unwrap(),
        main_tf
    );

    assert!(server.stop(Duration::from_secs(30)).success());
    let log = server.log_lines(&[READ_TOKEN, ADMIN_TOKEN]);
    assert!(
        log.iter().any(|l| l["fields"]["message"] == "terraform"
            && l["fields"]["line"]
                .as_str()
                .is_some_and(|t| t.contains("Apply complete!"))),
        "terraform's output is logged as fields"
    );
}

#[test]
fn dashboard_in_headless_chromium() {
    let (s, volume) = drifted_scenario();
    let server = Server::start(&workspace_toml(s.path()), &[]);
    let api = Api::new(&server);
    let first = api.scan();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let artifacts = root.join("target/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("dashboard.png");
    let _ = std::fs::remove_file(&shot);
    let out = Command::new("node")
        .arg(root.join("tests/dashboard/check.mjs"))
        .env("DASHBOARD_URL", server.url("/"))
        .env("DASHBOARD_TOKEN", READ_TOKEN)
        .env("EXPECT_ADDRESS", "aws_instance.web")
        .env("EXPECT_UNMANAGED", &volume)
        .env("FIRST_SCAN", &first)
        .env("SCREENSHOT", &shot)
        .env("NODE_PATH", root.join("tests/dashboard/node_modules"))
        .output()
        .expect("node runs (scripts/env.sh installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "dashboard check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(result["rows_with_address"], true);
    assert!(
        result["live_scan_id"].as_str().unwrap() != first,
        "{result}"
    );
    assert!(result["progress_seen"].as_bool().unwrap(), "{result}");
    assert!(result["progress_steps"].as_u64().unwrap() >= 1, "{result}");
    assert!(
        result["diff"].as_str().unwrap().contains("Owner"),
        "{result}"
    );
    let costs = result["tabs"]["costs"].as_str().unwrap();
    assert!(
        costs.contains("100 GB gp3") && costs.contains("$8.00"),
        "{costs}"
    );
    let compliance = result["tabs"]["compliance"].as_str().unwrap();
    assert!(compliance.contains(&volume), "{compliance}");
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 20_000, "a real page, not a blank one");
}
