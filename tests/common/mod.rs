//! Test harness: real terraform + the real AWS provider + moto, one isolated moto per scenario.
//!
//! Needs the environment `scripts/test.sh` sets up (`MOTO_SERVER`, `TF_CLI_CONFIG_FILE`); a
//! missing piece fails loudly instead of skipping.
#![allow(dead_code, reason = "each test binary uses a part of the helpers")]

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
        let python = required_env("MOTO_PYTHON");
        let port = free_port();
        // moto's server with the calls it lacks that every scan of a service makes.
        let shim = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/moto_server.py");
        let child = Command::new(&python)
            .arg(&shim)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto ({python} {}): {e}", shim.display()));
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

/// A client of an AWS SDK crate (`aws_sdk_sqs`, …) for out-of-band changes, talking to the
/// moto at `url` in `region`.
macro_rules! moto_client {
    ($sdk:ident, $url:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new($region.to_string()))
                .endpoint_url($url)
                .credentials_provider(Credentials::new("test", "test", None, None, "test"))
                .build(),
        )
    };
}

/// An IAM client for out-of-band changes, talking to `url`.
pub fn iam(url: &str) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    aws_sdk_iam::Client::from_conf(conf)
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
    /// The last `terraform show -json` of the state, with the state file it was made from:
    /// each show starts the provider (~5 s of CPU), and most tests read several IDs at once.
    shown: std::cell::RefCell<Option<(Vec<u8>, Value)>>,
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
        Scenario {
            dir,
            moto,
            region,
            shown: Default::default(),
        }
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

    /// `terraform show -json` of the state (shown again only when the local state file
    /// changed since the last show).
    pub fn show_state(&self) -> Value {
        let file = std::fs::read(self.path().join("terraform.tfstate")).ok();
        if let (Some(now), Some((then, shown))) = (&file, &*self.shown.borrow())
            && now == then
        {
            return shown.clone();
        }
        let out = self.terraform(&["show", "-json", "-no-color"]);
        assert!(out.status.success());
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        if let Some(now) = file {
            *self.shown.borrow_mut() = Some((now, shown.clone()));
        }
        shown
    }

    /// An EC2 client on this scenario's moto.
    pub fn ec2(&self) -> Client {
        ec2(&self.moto.url, &self.region)
    }

    /// An IAM client on this scenario's moto.
    pub fn iam(&self) -> aws_sdk_iam::Client {
        iam(&self.moto.url)
    }

    /// An EC2 client on this scenario's moto in `region` (fixtures that set their own).
    pub fn ec2_in(&self, region: &str) -> Client {
        ec2(&self.moto.url, region)
    }

    /// A Lambda client on this scenario's moto in `region`.
    pub fn lambda_in(&self, region: &str) -> aws_sdk_lambda::Client {
        moto_client!(aws_sdk_lambda, &self.moto.url, region)
    }

    /// An ELBv2 client on this scenario's moto in `region`.
    pub fn elb_in(&self, region: &str) -> aws_sdk_elasticloadbalancingv2::Client {
        moto_client!(aws_sdk_elasticloadbalancingv2, &self.moto.url, region)
    }

    /// An SQS client on this scenario's moto in `region`.
    pub fn sqs_in(&self, region: &str) -> aws_sdk_sqs::Client {
        moto_client!(aws_sdk_sqs, &self.moto.url, region)
    }

    /// An SNS client on this scenario's moto in `region`.
    pub fn sns_in(&self, region: &str) -> aws_sdk_sns::Client {
        moto_client!(aws_sdk_sns, &self.moto.url, region)
    }

    /// A Route 53 client on this scenario's moto (the service is global).
    pub fn route53(&self) -> aws_sdk_route53::Client {
        moto_client!(aws_sdk_route53, &self.moto.url, "us-east-1")
    }

    /// An Auto Scaling client on this scenario's moto in `region`.
    pub fn autoscaling_in(&self, region: &str) -> aws_sdk_autoscaling::Client {
        moto_client!(aws_sdk_autoscaling, &self.moto.url, region)
    }

    /// A GuardDuty client on this scenario's moto in `region`.
    pub fn guardduty_in(&self, region: &str) -> aws_sdk_guardduty::Client {
        moto_client!(aws_sdk_guardduty, &self.moto.url, region)
    }

    /// An EKS client on this scenario's moto in `region`.
    pub fn eks_in(&self, region: &str) -> aws_sdk_eks::Client {
        moto_client!(aws_sdk_eks, &self.moto.url, region)
    }

    /// A KMS client on this scenario's moto in `region`.
    pub fn kms_in(&self, region: &str) -> aws_sdk_kms::Client {
        moto_client!(aws_sdk_kms, &self.moto.url, region)
    }

    /// An ECR client on this scenario's moto in `region`.
    pub fn ecr_in(&self, region: &str) -> aws_sdk_ecr::Client {
        moto_client!(aws_sdk_ecr, &self.moto.url, region)
    }

    /// A CloudWatch Logs client on this scenario's moto in `region`.
    pub fn logs_in(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        moto_client!(aws_sdk_cloudwatchlogs, &self.moto.url, region)
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
    ///
    /// The native lister alone (`--live aws`) does not read every type a fixture uses: those
    /// resources must be reported unchecked (never in sync), each of a type listed in
    /// [`NOT_LISTED_NATIVELY`], and are accepted with `--allow-unchecked`. The default (`auto`),
    /// provider and refresh paths read every type: nothing may be unchecked there.
    pub fn scan_json(&self, extra: &[&str]) -> (i32, Value, Run) {
        let native = extra.windows(2).any(|w| w == ["--live", "aws"]);
        let mut args = vec!["scan", ".", "--format", "json"];
        args.extend_from_slice(extra);
        if native {
            args.push("--allow-unchecked");
        }
        let run = self.drift(&args);
        assert!(
            run.code == 0 || run.code == 2,
            "scan failed with {}:\n{}\n{}",
            run.code,
            run.stdout,
            run.stderr
        );
        let report = run.json();
        for u in report["unchecked"].as_array().into_iter().flatten() {
            let rtype = u["type"].as_str().unwrap_or_default();
            assert!(
                native
                    && u["reason_code"] == "type_not_listed"
                    && NOT_LISTED_NATIVELY.contains(&rtype),
                "unexpected unchecked resource on {extra:?}: {u}"
            );
        }
        (run.code, report, run)
    }

    /// Terraform's own refresh-only plan: its `resource_drift` entries, and the file its
    /// `terraform show -json` was saved to (`refresh.tfplan.json` in the module).
    pub fn refresh_only_drift(&self) -> (Vec<Value>, PathBuf) {
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
        let saved = self.path().join("refresh.tfplan.json");
        std::fs::write(&saved, &show.stdout).unwrap();
        let plan: Value = serde_json::from_slice(&show.stdout).unwrap();
        let drift = plan["resource_drift"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (drift, saved)
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

// ---------------------------------------------------------------------------------------------
// The oracle. Terraform's own `plan -refresh-only` says what changed in the cloud; the few
// rules below, written here and never taken from the crate, say which of its differences are
// not drift. A wrong rule in the crate therefore fails a test instead of hiding itself.

/// The live paths every scenario and every no-drift fixture runs: the default (`auto`: the
/// native AWS lister for its types, the AWS provider for the others), the AWS provider itself
/// reading moto, and Terraform's own refresh. The no-drift fixtures also run the native lister
/// alone ([`NATIVE_ONLY`]); in scenarios its comparisons are the default path's, and the
/// refresh is read from the oracle's own plan (`--plan`).
pub const PATHS: &[(&str, &[&str])] = &[
    ("auto (default)", &[]),
    ("--live provider", &["--live", "provider"]),
    ("--refresh terraform", &["--refresh", "terraform"]),
];

/// The native lister alone.
pub const NATIVE_ONLY: (&str, &[&str]) = ("--live aws", &["--live", "aws"]);

/// Types the fixtures use that the native AWS lister does not list (yet): on the native path
/// their resources are reported unchecked, by name; the other paths read them.
pub const NOT_LISTED_NATIVELY: &[&str] = &[];

/// Members of a refresh-only entry that are bookkeeping, not attributes of the cloud object.
const BOOKKEEPING: &[&str] = &["id", "timeouts"];

/// Attributes Terraform's refresh reports that the native lister does not read, per type, with
/// the reason. `--refresh terraform` compares the same (catalog) attributes for these types:
/// the plan JSON carries no schema to tell configuration from computed values. A change
/// Terraform reports on an attribute not listed here must be in the report; one listed here is
/// printed.
const NOT_READ_NATIVELY: &[(&str, &str, &str)] = &[
    (
        "aws_vpc",
        "enable_dns_hostnames",
        "one DescribeVpcAttribute call per VPC and flag; read by --live provider",
    ),
    (
        "aws_instance",
        "public_ip",
        "follows an EIP association or a stop; the aws_eip's `instance` is the drift",
    ),
    ("aws_instance", "public_dns", "follows public_ip"),
    (
        "aws_instance",
        "disable_api_termination",
        "one DescribeInstanceAttribute call per instance; read by --live provider",
    ),
    (
        "aws_eip",
        "private_dns",
        "follows the association (`instance`, `private_ip`), which is the drift",
    ),
];

/// Attributes `--live provider` does not compare although the provider reads them, with the
/// reason. Besides these, attributes the provider schema marks computed-only (read from
/// `terraform providers schema -json`) are not required there: configuration cannot set them,
/// they change as a consequence of another change (which is the drift).
const NOT_COMPARED_BY_PROVIDER: &[(&str, &str, &str)] = &[];

/// Noise rule 3, volumes attached after launch: the provider lists in an instance's
/// `ebs_block_device` every volume attached to it, whoever attached it. The attachment is the
/// finding: a change that only adds volumes is accounted for when each added volume is
/// reported as an `aws_volume_attachment` (its import ID names the volume).
fn attachments_reported(c: &TfChange, drift: &[Value]) -> bool {
    if c.rtype != "aws_instance" || c.attr != "ebs_block_device" {
        return false;
    }
    let volumes = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["volume_id"].as_str().map(String::from))
            .collect()
    };
    let before = volumes(&c.before);
    let added: Vec<String> = volumes(&c.after)
        .into_iter()
        .filter(|v| !before.contains(v))
        .collect();
    let removed = before.iter().any(|v| !volumes(&c.after).contains(v));
    !added.is_empty()
        && !removed
        && added.iter().all(|v| {
            drift.iter().any(|d| {
                d["type"] == "aws_volume_attachment"
                    && d["id"].as_str().is_some_and(|id| id.contains(v.as_str()))
            })
        })
}

/// Noise rule 1, null vs empty: SDKv2 providers cannot tell null, `""`, `[]` and `{}` apart and
/// a refresh flips between them (`tags: null -> {}`). Numbers compare by value.
fn same(a: &Value, b: &Value) -> bool {
    if a == b || (empty(a) && empty(b)) {
        return true;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).all(|k| {
            same(
                x.get(k).unwrap_or(&Value::Null),
                y.get(k).unwrap_or(&Value::Null),
            )
        }),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => false,
    }
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// How a report names a tag: `tags.Owner`, or `tags["a.b"]` for a key that is not plain.
fn tag_path(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'));
    if plain {
        format!("tags.{key}")
    } else {
        format!("tags[{}]", Value::String(key.to_string()))
    }
}

/// Root attribute name of a change path (`tags.Owner` -> `tags`, `ingress[0].x` -> `ingress`).
fn root_key(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// One difference Terraform's refresh reports, after the noise rules.
#[derive(Debug, Clone)]
struct TfChange {
    address: String,
    rtype: String,
    /// The attribute as reports name it (`tags` for `tags_all`).
    attr: String,
    /// For tags, the one key that changed (`tags.KEY`); reports name tag changes key by key.
    tag: Option<String>,
    before: Value,
    after: Value,
}

impl TfChange {
    fn shown(&self) -> String {
        format!(
            "{}.{}: {} -> {}",
            self.address,
            self.tag.as_deref().unwrap_or(&self.attr),
            self.before,
            self.after
        )
    }

    /// True when a reported change path on the same address is this change.
    fn matches(&self, path: &str) -> bool {
        match &self.tag {
            Some(t) => path == t,
            None => root_key(path) == self.attr,
        }
    }
}

/// What Terraform's refresh says: deleted addresses and changed attributes.
struct Refresh {
    deleted: Vec<String>,
    changes: Vec<TfChange>,
}

fn read_refresh(entries: &[Value]) -> Refresh {
    let mut out = Refresh {
        deleted: Vec::new(),
        changes: Vec::new(),
    };
    for e in entries {
        let address = e["address"].as_str().unwrap().to_string();
        let rtype = e["type"].as_str().unwrap().to_string();
        if e["change"]["actions"] == serde_json::json!(["delete"]) {
            out.deleted.push(address);
            continue;
        }
        let before = e["change"]["before"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let after = e["change"]["after"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        let has_tags_all = before.contains_key("tags_all") || after.contains_key("tags_all");
        for key in keys {
            let b = before.get(key).unwrap_or(&Value::Null);
            let a = after.get(key).unwrap_or(&Value::Null);
            // Noise rule 2, the tags/tags_all pair: `tags_all` is every tag the object carries
            // (`tags` plus the provider's default_tags); its keys that differ are the tag
            // drift, and `tags` adds nothing next to it.
            if BOOKKEEPING.contains(&key.as_str()) || (key == "tags" && has_tags_all) || same(b, a)
            {
                continue;
            }
            if key == "tags_all" || key == "tags" {
                let none = serde_json::Map::new();
                let (bm, am) = (
                    b.as_object().unwrap_or(&none),
                    a.as_object().unwrap_or(&none),
                );
                let mut tags: Vec<&String> = bm.keys().chain(am.keys()).collect();
                tags.sort();
                tags.dedup();
                for t in tags {
                    let (bv, av) = (bm.get(t), am.get(t));
                    if bv != av {
                        out.changes.push(TfChange {
                            address: address.clone(),
                            rtype: rtype.clone(),
                            attr: "tags".into(),
                            tag: Some(tag_path(t)),
                            before: bv.cloned().unwrap_or(Value::Null),
                            after: av.cloned().unwrap_or(Value::Null),
                        });
                    }
                }
                continue;
            }
            out.changes.push(TfChange {
                address: address.clone(),
                rtype: rtype.clone(),
                attr: key.clone(),
                tag: None,
                before: b.clone(),
                after: a.clone(),
            });
        }
    }
    out
}

/// Changes an ignore rule of the scenario hides, as `(address, attribute)`: `tags.KEY` for
/// one tag, `*` for every attribute (`ignore_changes = all`). Written in the test from the
/// fixture's `lifecycle` blocks and `.driftignore`.
pub type Suppressed<'a> = &'a [(&'a str, &'a str)];

fn suppressed_by(c: &TfChange, suppressed: Suppressed) -> bool {
    suppressed.iter().any(|(addr, attr)| {
        *addr == c.address && (*attr == "*" || c.tag.as_deref() == Some(*attr) || *attr == c.attr)
    })
}

impl Scenario {
    /// Terraform is the oracle: every live path (native, `--live provider`, `--refresh
    /// terraform`) must report the same findings and exit code as `native` (the native report,
    /// already checked against the scenario's own expectations), every change the native path
    /// found, every change `terraform plan -refresh-only` reports (after the noise rules above,
    /// and except the attributes listed as not read on that path) and only changes it reports.
    pub fn assert_oracle(&self, native: &Value) {
        self.assert_oracle_with(native, &[], &[]);
    }

    /// [`Scenario::assert_oracle`] for a scenario whose ignore rules hide `suppressed`, with
    /// `extra` arguments on every scan.
    pub fn assert_oracle_with(&self, native: &Value, suppressed: Suppressed, extra: &[&str]) {
        let (entries, saved) = self.refresh_only_drift();
        let tf = read_refresh(&entries);
        let saved = saved.to_str().unwrap();
        let mut problems = Vec::new();
        let native_code = if native["drift"].as_array().unwrap().is_empty() {
            0
        } else {
            2
        };
        for &(label, args) in PATHS {
            // Terraform's refresh is judged on the plan the oracle just made (`--plan`, the
            // code path `--refresh terraform` ends in): running it again would cost a scenario
            // ~20 s of CPU. `--refresh terraform` itself runs in the no-drift fixtures and in
            // the code-wins and CLI tests.
            let plan_args = ["--plan", saved];
            let (label, args) = if args.contains(&"--refresh") {
                ("--plan (the oracle's refresh-only plan)", &plan_args[..])
            } else {
                (label, args)
            };
            let before = problems.len();
            let (report, stderr) = if args.is_empty() {
                self.judge_path(label, native, native, &tf, suppressed, &mut problems);
                (native.clone(), String::new())
            } else {
                let mut all: Vec<&str> = args.to_vec();
                // A plan holds the module's own state: `--state` is refused there.
                if !args.contains(&"--plan") {
                    all.extend_from_slice(extra);
                }
                let (code, report, run) = self.scan_json(&all);
                if code != native_code {
                    problems.push(format!("{label}: exit {code}, native {native_code}"));
                }
                self.judge_path(label, &report, native, &tf, suppressed, &mut problems);
                (report, run.stderr)
            };
            if problems.len() > before {
                problems.push(format!("{label} report: {report:#}\nstderr: {stderr}"));
            }
        }
        assert!(
            problems.is_empty(),
            "the oracle disagrees:\n{}",
            problems.join("\n")
        );
    }

    fn judge_path(
        &self,
        label: &str,
        report: &Value,
        native: &Value,
        tf: &Refresh,
        suppressed: Suppressed,
        problems: &mut Vec<String>,
    ) {
        let drift = report["drift"].as_array().unwrap();
        if findings(report) != findings(native) {
            problems.push(format!(
                "{label}: findings {:?}, native {:?}",
                findings(report),
                findings(native)
            ));
        }
        for d in native["drift"].as_array().unwrap() {
            let Some(address) = d["address"].as_str() else {
                continue;
            };
            let theirs = change_paths(report, address);
            for c in d["changes"].as_array().unwrap() {
                let p = c["path"].as_str().unwrap();
                let found = if root_key(p) == "tags" {
                    theirs.iter().any(|t| t == p)
                } else {
                    theirs.iter().any(|t| root_key(t) == root_key(p))
                };
                if !found {
                    problems.push(format!("{label}: misses {address}.{p} found natively"));
                }
            }
        }
        for address in &tf.deleted {
            if !drift
                .iter()
                .any(|d| d["address"] == address.as_str() && d["kind"] == "missing")
            {
                problems.push(format!(
                    "{label}: terraform says {address} is gone; not reported missing"
                ));
            }
        }
        for c in &tf.changes {
            // The default path reads the types the lister does not know through the provider.
            let provider = label.contains("provider")
                || (label.starts_with("auto") && NOT_LISTED_NATIVELY.contains(&c.rtype.as_str()));
            if suppressed_by(c, suppressed) || attachments_reported(c, drift) {
                continue;
            }
            let listed = if provider {
                NOT_COMPARED_BY_PROVIDER
            } else {
                NOT_READ_NATIVELY
            };
            if listed.iter().any(|(t, a, _)| *t == c.rtype && *a == c.attr) {
                #[expect(
                    clippy::print_stderr,
                    reason = "the comparisons the oracle skips are shown in the test log"
                )]
                {
                    eprintln!("oracle: {label} does not compare {} (listed)", c.shown());
                }
                continue;
            }
            if provider && computed_only(self.path()).contains(&(c.rtype.clone(), c.attr.clone())) {
                continue;
            }
            let reported = change_paths(report, &c.address);
            if !reported.iter().any(|p| c.matches(p)) {
                problems.push(format!(
                    "{label}: terraform reports {}; the scan does not ({reported:?})",
                    c.shown()
                ));
            }
        }
        for d in drift {
            let Some(address) = d["address"].as_str() else {
                continue;
            };
            for ch in d["changes"].as_array().unwrap() {
                let p = ch["path"].as_str().unwrap();
                let confirmed = tf
                    .changes
                    .iter()
                    .filter(|c| c.address == address && c.matches(p))
                    .any(|c| !suppressed_by(c, suppressed));
                if !confirmed {
                    problems.push(format!(
                        "{label}: reports {address}.{p} ({} -> {}), which terraform plan -refresh-only does not (or an ignore rule hides)",
                        ch["state"], ch["live"]
                    ));
                }
            }
        }
    }

    /// "No drift" on every path: zero findings, zero alerts, exit 0, by default (`auto`),
    /// natively alone, through the provider and from Terraform's refresh.
    pub fn assert_no_drift_anywhere(&self) {
        let mut problems = Vec::new();
        for (label, args) in PATHS.iter().chain([&NATIVE_ONLY]) {
            let (code, report, run) = self.scan_json(args);
            let n = report["drift"].as_array().unwrap().len();
            let alerts = report["alerts"].as_array().unwrap().len();
            if n != 0 || alerts != 0 || code != 0 {
                problems.push(format!(
                    "{label}: exit {code}, {n} findings, {alerts} alerts: {report:#}\nstderr: {}",
                    run.stderr
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "drift where there is none:\n{}",
            problems.join("\n")
        );
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
