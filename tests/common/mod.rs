//! Test harness: real terraform + the real AWS provider + moto, one isolated moto per scenario.
//!
//! Needs the environment `scripts/test.sh` sets up (`MOTO_SERVER`, `TF_CLI_CONFIG_FILE`); a
//! missing piece fails loudly instead of skipping.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_ec2::Client;
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use serde_json::Value;

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-drift"))
}

/// Path to a file or directory under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the suite through scripts/test.sh (it installs moto and writes the terraform CLI config)")
    })
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A moto server of its own, killed on drop.
pub struct Moto {
    child: Child,
    /// Base URL.
    pub url: String,
}

impl Moto {
    /// Starts moto on a free port and waits until it answers.
    pub fn start() -> Moto {
        let server = required_env("MOTO_SERVER");
        let port = free_port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto ({server}): {e}"));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not start on {url}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, url }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An EC2 client for out-of-band changes, talking to `url`.
pub fn ec2(url: &str, region: &str) -> Client {
    let conf = aws_sdk_ec2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    Client::from_conf(conf)
}

/// Adds or overwrites tags on a resource, out of band.
pub async fn add_tags(c: &Client, id: &str, tags: &[(&str, &str)]) {
    let mut req = c.create_tags().resources(id);
    for (k, v) in tags {
        req = req.tags(aws_sdk_ec2::types::Tag::builder().key(*k).value(*v).build());
    }
    req.send().await.unwrap();
}

/// Removes one tag from a resource, out of band.
pub async fn remove_tag(c: &Client, id: &str, key: &str) {
    c.delete_tags()
        .resources(id)
        .tags(aws_sdk_ec2::types::Tag::builder().key(key).build())
        .send()
        .await
        .unwrap();
}

/// Runs an async block to completion (tests are sync; the SDK is async).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// One scenario: a copy of a fixture directory applied into its own moto.
pub struct Scenario {
    /// The working directory (a temp dir).
    pub dir: tempfile::TempDir,
    /// Its moto.
    pub moto: Moto,
    /// Primary region.
    pub region: String,
}

/// The result of running the binary.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
}

impl Run {
    /// Stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

fn run_output(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const PROVIDER: &str = r#"
provider "aws" {
  region                      = "{{REGION}}"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2 = "{{ENDPOINT}}"
    sts = "{{ENDPOINT}}"
  }
{{EXTRA}}}
"#;

/// The provider block pointing at `url`; `extra` is pasted inside it (default_tags, alias, …).
pub fn provider_block(url: &str, region: &str, extra: &str) -> String {
    PROVIDER
        .replace("{{REGION}}", region)
        .replace("{{ENDPOINT}}", url)
        .replace("{{EXTRA}}", extra)
}

impl Scenario {
    /// Copies `tests/fixtures/<name>` into a temp dir, starts moto and writes `provider.tf`
    /// (from the fixture's `provider.tf.tmpl` when present).
    pub fn new(name: &str) -> Scenario {
        required_env("TF_CLI_CONFIG_FILE");
        let src = fixture(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        let dir = tempfile::Builder::new()
            .prefix(&format!("tfdrift-{}-", name.replace('/', "-")))
            .tempdir()
            .unwrap();
        copy_dir(&src, dir.path());
        let moto = Moto::start();
        let region = "us-east-1".to_string();
        let tmpl = dir.path().join("provider.tf.tmpl");
        let provider = if tmpl.exists() {
            let t = std::fs::read_to_string(&tmpl).unwrap();
            std::fs::remove_file(&tmpl).unwrap();
            t.replace("{{ENDPOINT}}", &moto.url)
        } else {
            provider_block(&moto.url, &region, "")
        };
        std::fs::write(dir.path().join("provider.tf"), provider).unwrap();
        Scenario { dir, moto, region }
    }

    /// The working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn terraform(&self, args: &[&str]) -> Output {
        let child = Command::new("terraform")
            .args(args)
            .current_dir(self.path())
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("terraform runs");
        wait_with_deadline(child, TERRAFORM_DEADLINE, &format!("terraform {args:?}"))
    }

    /// Runs terraform, failing the test on error; returns stdout.
    pub fn terraform_ok(&self, args: &[&str]) -> String {
        let out = self.terraform(args);
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What `terraform import` writes for each `(type, id, state values)` object: imported into
    /// a scratch configuration with this scenario's provider block, then `show -json`.
    pub fn terraform_import_values(&self, objects: &[(String, String, Value)]) -> Vec<Value> {
        let scratch = tempfile::tempdir().unwrap();
        std::fs::copy(
            self.path().join("provider.tf"),
            scratch.path().join("provider.tf"),
        )
        .unwrap();
        let mut tf = String::new();
        for (i, (rtype, _, values)) in objects.iter().enumerate() {
            // Only the arguments `terraform import` needs to accept the block.
            let body = match rtype.as_str() {
                "aws_subnet" => format!("  vpc_id = {}\n", values["vpc_id"]),
                _ => String::new(),
            };
            tf.push_str(&format!("resource \"{rtype}\" \"r{i}\" {{\n{body}}}\n"));
        }
        std::fs::write(scratch.path().join("main.tf"), tf).unwrap();
        let run = |args: &[&str]| {
            let child = Command::new("terraform")
                .args(args)
                .current_dir(scratch.path())
                .env("TF_IN_AUTOMATION", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let out = wait_with_deadline(child, TERRAFORM_DEADLINE, &format!("terraform {args:?}"));
            assert!(
                out.status.success(),
                "terraform {args:?} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        run(&["init", "-input=false", "-no-color"]);
        for (i, (rtype, id, _)) in objects.iter().enumerate() {
            run(&[
                "import",
                "-input=false",
                "-no-color",
                &format!("{rtype}.r{i}"),
                id,
            ]);
        }
        let show: Value = serde_json::from_slice(&run(&["show", "-json", "-no-color"])).unwrap();
        (0..objects.len())
            .map(|i| {
                let addr = format!("{}.r{i}", objects[i].0);
                find_resource(&show["values"]["root_module"], &addr).unwrap()["values"].clone()
            })
            .collect()
    }

    /// `terraform init` + `apply`, failing the test on error.
    pub fn apply(&self) {
        for args in [
            &["init", "-input=false", "-no-color"][..],
            &["apply", "-auto-approve", "-input=false", "-no-color"][..],
        ] {
            let out = self.terraform(args);
            assert!(
                out.status.success(),
                "terraform {args:?} failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// A state attribute of a resource address, via `terraform show -json`.
    pub fn state_value(&self, address: &str, attr: &str) -> Value {
        let show = self.show_state();
        find_resource(&show["values"]["root_module"], address)
            .map(|r| r["values"][attr].clone())
            .unwrap_or_else(|| panic!("{address} not in state"))
    }

    /// The ID of a resource address.
    pub fn id(&self, address: &str) -> String {
        self.state_value(address, "id")
            .as_str()
            .unwrap_or_else(|| panic!("{address} has no id"))
            .to_string()
    }

    /// `terraform show -json` of the state.
    pub fn show_state(&self) -> Value {
        let out = self.terraform(&["show", "-json", "-no-color"]);
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// An EC2 client on this scenario's moto.
    pub fn ec2(&self) -> Client {
        ec2(&self.moto.url, &self.region)
    }

    /// Runs the binary with this scenario's credentials.
    pub fn drift(&self, args: &[&str]) -> Run {
        self.drift_with_env(args, &[])
    }

    /// Runs the binary with extra environment variables.
    pub fn drift_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.env_remove("AWS_ENDPOINT_URL");
        let out = cmd
            .args(args)
            .envs(env.iter().copied())
            .current_dir(self.path())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION")
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        run_output(out)
    }

    /// `scan . --format json` parsed, with the exit code.
    pub fn scan_json(&self, extra: &[&str]) -> (i32, Value, Run) {
        let mut args = vec!["scan", ".", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.drift(&args);
        assert!(
            run.code == 0 || run.code == 2,
            "scan failed with {}:\n{}\n{}",
            run.code,
            run.stdout,
            run.stderr
        );
        (run.code, run.json(), run)
    }

    /// Terraform's own refresh-only plan: `resource_drift` entries.
    pub fn refresh_only_drift(&self) -> Vec<Value> {
        let out = self.terraform(&[
            "plan",
            "-refresh-only",
            "-input=false",
            "-no-color",
            "-out=refresh.tfplan",
        ]);
        assert!(
            out.status.success(),
            "refresh-only plan failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let show = self.terraform(&["show", "-json", "refresh.tfplan"]);
        assert!(show.status.success());
        let plan: Value = serde_json::from_slice(&show.stdout).unwrap();
        plan["resource_drift"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// A terraform command that takes longer is stuck (e.g. a provider retrying an API moto lacks).
const TERRAFORM_DEADLINE: Duration = Duration::from_secs(300);

/// Waits for `child`, killing it and failing the test after `deadline`.
pub fn wait_with_deadline(mut child: Child, deadline: Duration, what: &str) -> Output {
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut b).ok();
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut b).ok();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish in {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

/// Finds a resource by address in a `show -json` module tree.
pub fn find_resource<'a>(module: &'a Value, address: &str) -> Option<&'a Value> {
    if let Some(rs) = module["resources"].as_array()
        && let Some(r) = rs.iter().find(|r| r["address"] == address)
    {
        return Some(r);
    }
    module["child_modules"]
        .as_array()?
        .iter()
        .find_map(|m| find_resource(m, address))
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// Findings of a scan as `(kind, address-or-type, id)` for exact assertions.
pub fn findings(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let who = d["address"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| d["type"].as_str().unwrap().to_string());
            (d["kind"].as_str().unwrap().to_string(), who)
        })
        .collect();
    v.sort();
    v
}

/// The change paths reported for one address.
pub fn change_paths(report: &Value, address: &str) -> Vec<String> {
    report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["address"] == address)
        .flat_map(|d| d["changes"].as_array().unwrap().iter())
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect()
}

impl Scenario {
    /// Terraform is the oracle for managed attributes: every attribute that
    /// `terraform plan -refresh-only` reports as changed (after the null/empty noise the tool
    /// deliberately filters) and that the lister reads must be in `report`, on the same address.
    /// Deleted resources must be reported missing. Returns the attributes terraform reported
    /// that the native lister does not read (printed, for the record).
    pub fn assert_oracle(&self, report: &Value) -> Vec<String> {
        use terraform_drift::catalog::{self, ALWAYS_IGNORED};
        use terraform_drift::diff::normalize::{equivalent, is_empty};

        let refresh = self.refresh_only_drift();
        self.assert_provider_path(report, &refresh);
        let snap_path = self.path().join("oracle-live.json");
        let d = self.drift(&["discover", ".", "--out", snap_path.to_str().unwrap()]);
        assert_eq!(d.code, 0, "discover failed: {}", d.stderr);
        let snap: Value = serde_json::from_slice(&std::fs::read(&snap_path).unwrap()).unwrap();
        let mut unread = Vec::new();
        for entry in refresh {
            let address = entry["address"].as_str().unwrap();
            let rtype = entry["type"].as_str().unwrap();
            let actions = &entry["change"]["actions"];
            let ours: Vec<&Value> = report["drift"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["address"] == address)
                .collect();
            if actions == &serde_json::json!(["delete"]) {
                assert!(
                    ours.iter().any(|d| d["kind"] == "missing"),
                    "terraform says {address} is gone; the scan did not report it missing"
                );
                continue;
            }
            let Some(rules) = catalog::rules(rtype) else {
                continue;
            };
            let before = &entry["change"]["before"];
            let after = &entry["change"]["after"];
            let id = before["id"].as_str().unwrap_or_default();
            let live_keys: Vec<String> = snap["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["type"] == rtype && r["id"] == id)
                .and_then(|r| r["attributes"].as_object())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for (key, b) in before.as_object().unwrap() {
                let a = &after[key];
                let as_set = rules.sets.contains(&key.as_str());
                if equivalent(b, a, as_set)
                    || rules.ignored.contains(&key.as_str())
                    || (rules.when_set.contains(&key.as_str()) && is_empty(b))
                {
                    continue;
                }
                let ours_key = if key == "tags_all" {
                    "tags"
                } else {
                    key.as_str()
                };
                if ALWAYS_IGNORED.contains(&ours_key) {
                    continue;
                }
                if !live_keys.iter().any(|k| k == ours_key) {
                    unread.push(format!("{address}.{key}"));
                    continue;
                }
                let found = ours.iter().any(|d| {
                    d["changes"].as_array().unwrap().iter().any(|c| {
                        let p = c["path"].as_str().unwrap();
                        p == ours_key
                            || p.starts_with(&format!("{ours_key}."))
                            || p.starts_with(&format!("{ours_key}["))
                    })
                });
                assert!(
                    found,
                    "terraform reports {address}.{key}: {b} -> {a}; the scan did not.\nscan: {report:#}"
                );
            }
        }
        if !unread.is_empty() {
            eprintln!(
                "oracle: attributes terraform refreshed that the native lister does not read: {unread:?}"
            );
        }
        unread
    }
}

/// Root attribute name of a change path (`tags.Owner` -> `tags`, `ingress[0].x` -> `ingress`).
fn root_key(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

impl Scenario {
    /// `scan --live provider` (the AWS provider itself reading moto) must report the same
    /// findings as the native path, every change the native path found, and only changes that
    /// `terraform plan -refresh-only` also reports (after the null/empty noise).
    pub fn assert_provider_path(&self, native: &Value, refresh: &[Value]) {
        self.assert_agrees(native, refresh, &["--live", "provider"], true);
        // Terraform's refresh as the source (`--refresh terraform`) must agree the same way; it
        // compares the catalog's attributes only, so completeness is the native path's.
        self.assert_agrees(native, refresh, &["--refresh", "terraform"], false);
    }

    /// The report of `scan ARGS` must contain every native finding and change, only changes
    /// terraform's refresh confirms, and (when `complete`) every change terraform reports on a
    /// compared attribute.
    pub fn assert_agrees(&self, native: &Value, refresh: &[Value], args: &[&str], complete: bool) {
        use terraform_drift::diff::normalize::equivalent;

        let (_, ours, run) = self.scan_json(args);
        // The provider reads every attribute (the native lister a curated subset), so it may
        // find more; what it finds beyond the native path is checked against terraform below.
        let theirs = findings(&ours);
        for f in findings(native) {
            assert!(
                theirs.contains(&f),
                "{args:?} misses {f:?} found natively.\nreport: {ours:#}\nstderr: {}",
                run.stderr
            );
        }
        let filtered = self.path().join(".driftignore").exists()
            || std::fs::read_dir(self.path()).unwrap().any(|e| {
                let p = e.unwrap().path();
                p.extension().is_some_and(|x| x == "tf")
                    && std::fs::read_to_string(&p)
                        .unwrap()
                        .contains("ignore_changes")
            });
        if complete && !filtered {
            for e in refresh {
                let address = e["address"].as_str().unwrap();
                let before = &e["change"]["before"];
                let after = &e["change"]["after"];
                if e["change"]["actions"] == serde_json::json!(["delete"]) {
                    continue;
                }
                let reported = change_paths(&ours, address);
                for (key, b) in before.as_object().unwrap() {
                    // `tags_all` stands for `tags` (as in our reports); bookkeeping is skipped.
                    if matches!(key.as_str(), "timeouts" | "id" | "region")
                        || (key == "tags" && before.get("tags_all").is_some())
                    {
                        continue;
                    }
                    let a = &after[key];
                    if equivalent(b, a, true) || !self.compared_through_provider(e, key, b) {
                        continue;
                    }
                    let key = if key == "tags_all" {
                        "tags"
                    } else {
                        key.as_str()
                    };
                    assert!(
                        reported.iter().any(|p| root_key(p) == key),
                        "terraform reports {address}.{key}: {b} -> {a}; {args:?} does not ({reported:?})"
                    );
                }
            }
        }
        for d in native["drift"].as_array().unwrap() {
            let Some(address) = d["address"].as_str() else {
                continue;
            };
            let theirs = change_paths(&ours, address);
            for c in d["changes"].as_array().unwrap() {
                let root = root_key(c["path"].as_str().unwrap());
                assert!(
                    theirs.iter().any(|p| root_key(p) == root),
                    "{address}.{root}: found natively, not by {args:?} ({theirs:?})"
                );
            }
        }
        for d in ours["drift"].as_array().unwrap() {
            let Some(address) = d["address"].as_str() else {
                continue;
            };
            let entry = refresh.iter().find(|e| e["address"] == address);
            for c in d["changes"].as_array().unwrap() {
                let path = c["path"].as_str().unwrap();
                let root = root_key(path);
                let key = if root == "tags" { "tags_all" } else { root };
                let confirmed = entry.is_some_and(|e| {
                    let b = &e["change"]["before"][key];
                    let a = &e["change"]["after"][key];
                    !equivalent(b, a, true)
                });
                assert!(
                    confirmed,
                    "{args:?} reports {address}.{path}, terraform plan -refresh-only does not: {d:#}"
                );
            }
        }
    }
}

/// `(type, attribute)` pairs of the AWS provider schema that are computed-only.
fn computed_only(dir: &Path) -> &'static std::collections::HashSet<(String, String)> {
    static SET: std::sync::OnceLock<std::collections::HashSet<(String, String)>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let out = Command::new("terraform")
            .args(["providers", "schema", "-json"])
            .current_dir(dir)
            .output()
            .expect("terraform runs");
        assert!(out.status.success(), "terraform providers schema failed");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut set = std::collections::HashSet::new();
        for p in v["provider_schemas"].as_object().unwrap().values() {
            for (rtype, rs) in p["resource_schemas"].as_object().unwrap() {
                for (name, a) in rs["block"]["attributes"].as_object().unwrap() {
                    let yes = |k: &str| a[k].as_bool().unwrap_or(false);
                    if yes("computed") && !yes("optional") && !yes("required") {
                        set.insert((rtype.clone(), name.clone()));
                    }
                }
            }
        }
        set
    })
}

impl Scenario {
    /// Whether `--live provider` compares `key` (state value `before`) of a refresh-only
    /// `entry`: not computed-only (unless the catalog compares it), not ignored by the catalog,
    /// not a `when_set` attribute the state left empty.
    fn compared_through_provider(&self, entry: &Value, key: &str, before: &Value) -> bool {
        use terraform_drift::catalog::{self, IDENTITY};
        use terraform_drift::diff::normalize::is_empty;
        let rtype = entry["type"].as_str().unwrap();
        let rules = catalog::rules(rtype);
        if rules.is_some_and(|r| {
            r.ignored.contains(&key) || (r.when_set.contains(&key) && is_empty(before))
        }) {
            return false;
        }
        !computed_only(self.path()).contains(&(rtype.to_string(), key.to_string()))
            || IDENTITY.contains(&key)
            || rules.is_some_and(|r| r.compared.contains(&key))
    }
}
