//! The binary end to end, offline: the quickstart snapshot, output formats, and bad input.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Run, bin, findings};
use serde_json::{Value, json};

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    checked(out)
}

/// A finished run, refused if the binary panicked.
fn checked(out: std::process::Output) -> Run {
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "panic: {}", r.stderr);
    r
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn quickstart_reports_the_planted_drift() {
    let r = run(repo(), &["scan", "examples/quickstart", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    let got = findings(&report);
    let want: Vec<(String, String)> = [
        ("changed", "aws_instance.web"),
        ("changed", "aws_security_group.web"),
        ("changed", "aws_vpc.main"),
        ("missing", "aws_ebs_volume.data"),
        ("unmanaged", "aws_instance"),
        ("unmanaged", "aws_security_group"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(report["format_version"], "1");
    assert_eq!(report["summary"]["managed"], 5);
    assert_eq!(report["summary"]["coverage_percent"], 71.4);
}

#[test]
fn quickstart_table_and_markdown_snapshots() {
    let table = run(repo(), &["scan", "examples/quickstart"]);
    assert_eq!(table.code, 2);
    assert!(!table.stdout.contains('\x1b'), "no colour when not a TTY");
    insta::assert_snapshot!("quickstart_table", table.stdout);
    let md = run(
        repo(),
        &["scan", "examples/quickstart", "--format", "markdown"],
    );
    insta::assert_snapshot!("quickstart_markdown", md.stdout);
}

#[test]
fn out_file_gets_the_report_and_stdout_stays_empty() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("report.json");
    let r = run(
        repo(),
        &[
            "scan",
            "examples/quickstart",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("coverage 71.4%"), "{}", r.stderr);
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["summary"]["changed"], 3);
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    d
}

const EMPTY_SNAPSHOT: &[u8] = br#"{"format_version": "1", "resources": []}"#;

#[test]
fn bad_state_files_exit_1_with_one_clear_line() {
    let cases: [(&[u8], &str); 7] = [
        (b"", "is empty"),
        (
            b"{\"version\": 4, \"resources\": [{\"mode\": \"managed\"",
            "truncated",
        ),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"not json at all", "not valid JSON"),
        (b"{\"version\": 1, \"serial\": 1}", "format version 1"),
        (b"{\"version\": 3, \"serial\": 1}", "format version 3"),
        (b"{\"version\": 7}", "newer than"),
    ];
    for (body, want) in cases {
        let d = project(&[
            ("main.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
            ("terraform.tfstate", body),
            ("live.json", EMPTY_SNAPSHOT),
        ]);
        let out = d.path().join("report.json");
        let r = run(
            d.path(),
            &[
                "scan",
                ".",
                "--live",
                "live.json",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 1, "{want}: {}", r.stderr);
        let line = r.stderr.trim();
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(line.contains(want), "{line} should say {want}");
        assert!(line.contains("terraform.tfstate"), "{line} names the file");
        assert!(!out.exists(), "nothing is written on error");
    }
}

#[test]
fn invalid_hcl_names_file_line_and_column() {
    let d = project(&[
        ("ok.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
        (
            "broken.tf",
            b"resource \"aws_vpc\" \"x\" {\n  cidr_block = \n}\n",
        ),
        ("terraform.tfstate", b"{\"version\": 4, \"resources\": []}"),
        ("live.json", EMPTY_SNAPSHOT),
    ]);
    let r = run(d.path(), &["scan", ".", "--live", "live.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("broken.tf:2:"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
}

#[test]
fn missing_state_and_bad_snapshot_are_errors() {
    let d = project(&[("main.tf", b"")]);
    let r = run(d.path(), &["scan", ".", "--live", "nope.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no state found"), "{}", r.stderr);
    let d = project(&[
        ("terraform.tfstate", b"{\"version\": 4, \"resources\": []}"),
        ("live.json", b"{\"format_version\": \"1\""),
    ]);
    let r = run(d.path(), &["scan", ".", "--live", "live.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("live.json"), "{}", r.stderr);
}

fn state_with(resources: Value) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"version": 4, "terraform_version": "1.11.4", "serial": 1,
        "lineage": "l", "outputs": {}, "resources": resources}),
    )
    .unwrap()
}

#[test]
fn uncovered_types_are_unchecked_and_sensitive_values_never_shown() {
    let state = state_with(json!([
        {"mode": "managed", "type": "aws_instance", "name": "db",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"schema_version": 1, "attributes": {"id": "i-1", "instance_type": "SECRET-MARKER-A",
            "availability_zone": "us-east-1a", "tags": {"api_token": "SECRET-MARKER-B"}},
            "sensitive_attributes": [[{"type": "get_attr", "value": "instance_type"}]]}]},
        {"mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes": {"id": "bucket"}}]},
        {"mode": "managed", "type": "aws_vpc", "name": "v",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"attributes": {"id": "vpc-1", "arn": "arn:aws:ec2:us-east-1:1:vpc/vpc-1"}}]}
    ]));
    let snapshot = serde_json::to_vec(&json!({"format_version": "1", "types": ["aws_instance"],
        "resources": [{"type": "aws_instance", "id": "i-1", "region": "us-east-1",
          "attributes": {"instance_type": "SECRET-MARKER-C", "tags": {"api_token": "SECRET-MARKER-D"}}}]}))
    .unwrap();
    let d = project(&[
        ("main.tf", b"resource \"aws_instance\" \"db\" {}\n"),
        ("terraform.tfstate", &state),
        ("live.json", &snapshot),
    ]);
    for format in ["json", "table", "markdown"] {
        let r = run(
            d.path(),
            &[
                "scan",
                ".",
                "--live",
                "live.json",
                "--format",
                format,
                "--allow-unchecked",
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            !r.stdout.contains("SECRET-MARKER") && !r.stderr.contains("SECRET-MARKER"),
            "{format} leaked: {}",
            r.stdout
        );
        assert!(r.stdout.contains("(sensitive value)"), "{}", r.stdout);
    }
    let r = run(
        d.path(),
        &["scan", ".", "--live", "live.json", "--format", "json"],
    );
    let report = r.json();
    // The bucket (type not listed) and the VPC (type not in the snapshot) are unchecked.
    assert_eq!(report["summary"]["unchecked"], 2);
    assert_eq!(report["summary"]["missing"], 0);
}

#[test]
fn settings_file_supplies_defaults_and_flags_win() {
    let state = state_with(json!([]));
    let d = project(&[
        ("terraform.tfstate", &state),
        ("snap/live.json", EMPTY_SNAPSHOT),
        (
            ".terraform-drift.toml",
            b"live = \"snap/live.json\"\nformat = \"json\"\n",
        ),
    ]);
    let r = run(d.path(), &["scan", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["summary"]["managed"], 0);
    let r = run(d.path(), &["scan", ".", "--format", "markdown"]);
    assert!(r.stdout.contains("no drift"), "{}", r.stdout);
    std::fs::write(d.path().join(".terraform-drift.toml"), "bogus = 1\n").unwrap();
    let r = run(d.path(), &["scan", "."]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(".terraform-drift.toml"), "{}", r.stderr);
}

#[test]
fn discover_reports_config_errors_instead_of_ignoring_them() {
    let d = project(&[("broken.tf", b"resource \"aws_vpc\" \"x\" {\n")]);
    let r = run(
        d.path(),
        &[
            "discover",
            ".",
            "--region",
            "us-east-1",
            "--out",
            "live.json",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("broken.tf:"), "{}", r.stderr);
    assert!(!d.path().join("live.json").exists());
}

/// Runs the binary with no AWS credentials anywhere, the metadata service disabled, and every
/// AWS endpoint pointed at a closed port on this machine: nothing can leave 127.0.0.1.
fn run_offline(dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", common::free_port());
    let mut cmd = Command::new(bin());
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    for k in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_ENDPOINT_URL_EC2",
    ] {
        cmd.env_remove(k);
    }
    cmd.env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", &closed);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    checked(cmd.output().expect("the binary runs"))
}

#[test]
fn usage_errors_exit_1_never_the_drift_code() {
    for args in [
        &["scan", "examples/quickstart", "--fromat", "json"][..],
        &["scan", "examples/quickstart", "--format", "yaml"],
        &[],
        &["frobnicate"],
    ] {
        let r = run(repo(), args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty(), "{args:?} says why");
    }
    let r = run(repo(), &["scan", "--help"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("--allow-unchecked"), "{}", r.stdout);
    let r = run(repo(), &["--version"]);
    assert_eq!(r.code, 0);
    // Each subcommand's help lists its own options only, and each refuses the others'.
    for (command, has, lacks) in [
        (
            "scan",
            &["--provider", "--live"][..],
            &["--address", "--file"][..],
        ),
        ("codify", &["--file", "--provider"], &["--address"]),
        ("patch", &["--address", "--provider"], &["--file"]),
        ("remediate", &["--provider"], &["--address", "--file"]),
        ("discover", &["--out", "--type"], &["--provider", "--live"]),
    ] {
        let r = run(repo(), &[command, "--help"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        // An option is listed on a line of its own: `  --address <ADDR>  Only these …`.
        let lists = |flag: &str| {
            r.stdout.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(&format!("{flag} ")) || l == flag
            })
        };
        for flag in has {
            assert!(lists(flag), "{command} --help lacks {flag}:\n{}", r.stdout);
        }
        for flag in lacks {
            assert!(!lists(flag), "{command} --help shows {flag}:\n{}", r.stdout);
        }
    }
    let r = run(
        repo(),
        &["codify", "examples/quickstart", "--address", "aws_vpc.x"],
    );
    assert_eq!(r.code, 1, "patch's option is a usage error on codify");
    assert!(r.stderr.contains("--address"), "{}", r.stderr);
}

#[test]
fn a_rule_newly_open_to_the_world_is_high_even_when_another_already_was() {
    let rule = |port: u16| {
        json!({"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": port,
               "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
               "security_groups": [], "self": false, "to_port": port})
    };
    let state = state_with(json!([
        {"mode": "managed", "type": "aws_security_group", "name": "web",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"schema_version": 1, "attributes": {"id": "sg-1", "name": "web",
            "arn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1",
            "ingress": [rule(443)], "egress": [], "tags": {}, "tags_all": {}}}]}
    ]));
    let snapshot = serde_json::to_vec(&json!({"format_version": "1",
        "types": ["aws_security_group"], "regions": ["us-east-1"],
        "resources": [{"type": "aws_security_group", "id": "sg-1", "region": "us-east-1",
          "attributes": {"name": "web", "ingress": [rule(443), rule(3389)], "egress": [],
                         "tags": {}}}]}))
    .unwrap();
    let d = project(&[
        ("main.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
        ("terraform.tfstate", &state),
        ("live.json", &snapshot),
    ]);
    let r = run(
        d.path(),
        &["scan", ".", "--live", "live.json", "--format", "json"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    let finding = &report["drift"][0];
    assert_eq!(finding["address"], "aws_security_group.web");
    assert_eq!(finding["severity"], "high", "{report:#}");
    assert!(
        finding["changes"].to_string().contains("3389"),
        "{report:#}"
    );
}

fn table_and_vpc_state() -> Vec<u8> {
    state_with(json!([
        {"mode": "managed", "type": "aws_dynamodb_table", "name": "jobs",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"schema_version": 1, "attributes": {
            "id": "jobs", "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/jobs",
            "billing_mode": "PAY_PER_REQUEST"}}]},
        {"mode": "managed", "type": "aws_vpc", "name": "main",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"schema_version": 1, "attributes": {"id": "vpc-1",
            "arn": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "cidr_block": "10.0.0.0/16",
            "tags": {}, "tags_all": {}}}]}
    ]))
}

#[test]
fn unchecked_resources_are_named_and_never_pass_as_in_sync() {
    let snapshot = serde_json::to_vec(&json!({"format_version": "1",
        "types": ["aws_vpc"], "regions": ["us-east-1"],
        "resources": [{"type": "aws_vpc", "id": "vpc-1", "region": "us-east-1",
          "attributes": {"cidr_block": "10.0.0.0/16", "tags": {}}}]}))
    .unwrap();
    let d = project(&[
        ("main.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
        ("terraform.tfstate", &table_and_vpc_state()),
        ("live.json", &snapshot),
    ]);
    let r = run(d.path(), &["scan", ".", "--live", "live.json"]);
    assert_eq!(r.code, 1, "unchecked is not in sync: {}", r.stderr);
    let first = r
        .stdout
        .lines()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(!first.contains("no drift"), "{}", r.stdout);
    assert!(r.stdout.contains("aws_dynamodb_table.jobs"), "{}", r.stdout);
    assert!(
        r.stdout.contains("--live provider"),
        "the reason says what to do: {}",
        r.stdout
    );
    assert!(r.stderr.contains("--allow-unchecked"), "{}", r.stderr);
    let md = run(
        d.path(),
        &["scan", ".", "--live", "live.json", "--format", "markdown"],
    );
    assert!(
        !md.stdout.lines().next().unwrap().contains("no drift"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("aws_dynamodb_table.jobs"),
        "{}",
        md.stdout
    );
    let r = run(
        d.path(),
        &["scan", ".", "--live", "live.json", "--format", "json"],
    );
    let report = r.json();
    assert_eq!(report["summary"]["unchecked"], 1);
    assert_eq!(report["unchecked"][0]["type"], "aws_dynamodb_table");
    assert_eq!(report["unchecked"][0]["address"], "aws_dynamodb_table.jobs");
    assert!(report["unchecked"][0]["reason"].as_str().unwrap().len() > 10);
    // Opting in, by flag or settings file, accepts the gap (the report still names it).
    let r = run(
        d.path(),
        &["scan", ".", "--live", "live.json", "--allow-unchecked"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("aws_dynamodb_table.jobs"), "{}", r.stdout);
    std::fs::write(
        d.path().join(".terraform-drift.toml"),
        "live = \"live.json\"\nallow_unchecked = true\n",
    )
    .unwrap();
    assert_eq!(run(d.path(), &["scan", "."]).code, 0);
}

#[test]
fn no_credentials_one_line_per_cause_and_never_in_sync() {
    let d = project(&[
        ("main.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
        ("terraform.tfstate", &table_and_vpc_state()),
    ]);
    let r = run_offline(d.path(), &["scan", "."], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let first = r
        .stdout
        .lines()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(!first.contains("no drift"), "{}", r.stdout);
    assert!(!r.stdout.contains("100.0%"), "{}", r.stdout);
    assert!(r.stdout.contains("coverage n/a"), "{}", r.stdout);
    let warnings: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "one line per cause:\n{}", r.stdout);
    assert!(
        warnings[0].contains("no AWS credentials found"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].len() < 400, "{}", warnings[0]);
    assert!(!r.stdout.contains("DispatchFailure"), "{}", r.stdout);

    // Credentials but nothing listening: the endpoint is named as the cause, once.
    let r = run_offline(
        d.path(),
        &["scan", ".", "--format", "json"],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "example"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let alerts = report["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{report:#}");
    assert_eq!(alerts[0]["type"], "endpoint_unreachable", "{report:#}");
    assert_eq!(report["summary"]["coverage_percent"], Value::Null);

    // discover writes no snapshot that would pass for a complete one.
    let r = run_offline(d.path(), &["discover", ".", "--out", "live.json"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!d.path().join("live.json").exists(), "{}", r.stderr);
    assert!(r.stderr.contains("was not written"), "{}", r.stderr);
}

#[test]
fn codify_and_patch_read_the_live_source_like_scan() {
    // The quickstart's settings file says `live = "live.json"`: codify works offline from the
    // snapshot, with the provider (from the CLI configuration's mirror) giving only schemas.
    let r = run_offline(repo(), &["codify", "examples/quickstart"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("import {"), "{}", r.stdout);
    assert!(
        r.stdout.contains("resource \"aws_instance\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("resource \"aws_security_group\""),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("dry run"), "{}", r.stderr);
    // The flag works too, and wins over the settings file.
    let snap = repo().join("examples/quickstart/live.json");
    let r = run_offline(
        repo(),
        &[
            "patch",
            "examples/quickstart",
            "--live",
            snap.to_str().unwrap(),
        ],
        &[],
    );
    // The security group's rules cannot be patched in place: listed for a hand edit (exit 2).
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("t3.large"),
        "the patch follows the snapshot: {}",
        r.stdout
    );
    let r = run_offline(
        repo(),
        &[
            "codify",
            "examples/quickstart",
            "--live",
            "/nonexistent/live.json",
        ],
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("/nonexistent/live.json"), "{}", r.stderr);
}

#[test]
fn a_state_with_an_invalid_provider_address_is_refused() {
    let state = state_with(json!([
        {"mode": "managed", "type": "aws_vpc", "name": "bar",
         "provider": "this is an invalid value for this field",
         "instances": [{"attributes": {"id": "vpc-1"}}]}
    ]));
    let d = project(&[("terraform.tfstate", &state), ("live.json", EMPTY_SNAPSHOT)]);
    let r = run(d.path(), &["scan", ".", "--live", "live.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("aws_vpc.bar"), "{}", r.stderr);
    assert!(
        r.stderr.contains("invalid provider address"),
        "{}",
        r.stderr
    );
}

#[test]
fn imdsv2_changes_are_shown_and_control_characters_escaped() {
    let state = state_with(json!([
        {"mode": "managed", "type": "aws_instance", "name": "web",
         "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
         "instances": [{"schema_version": 1, "attributes": {"id": "i-1",
            "availability_zone": "us-east-1a", "instance_type": "t3.micro",
            "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required"}],
            "tags": {"db_password": "SECRET-MARKER-E"}, "tags_all": {"db_password": "SECRET-MARKER-E"}}}]}
    ]));
    let snapshot = serde_json::to_vec(&json!({"format_version": "1",
    "types": ["aws_instance"], "regions": ["us-east-1"],
    "resources": [
      {"type": "aws_instance", "id": "i-1", "region": "us-east-1",
       "attributes": {"instance_type": "t3.micro",
         "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "optional"}],
         "tags": {"db_password": "SECRET-MARKER-F"}}},
      {"type": "aws_instance", "id": "i-2\u{1b}[2J\u{7}\rforged", "region": "us-east-1",
       "attributes": {"instance_type": "t3.micro", "tags": {"Name": "x\u{1b}]0;title\u{7}"}}}
    ]}))
    .unwrap();
    let d = project(&[
        ("main.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
        ("terraform.tfstate", &state),
        ("live.json", &snapshot),
    ]);
    for format in ["table", "markdown"] {
        let r = run(
            d.path(),
            &["scan", ".", "--live", "live.json", "--format", format],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        // Requiring IMDSv2 is a security setting, not a secret: its change is shown.
        assert!(r.stdout.contains("http_tokens"), "{}", r.stdout);
        assert!(r.stdout.contains("optional"), "{format}: {}", r.stdout);
        // A secret-named tag is still redacted.
        assert!(!r.stdout.contains("SECRET-MARKER"), "{}", r.stdout);
        for c in ['\u{1b}', '\u{7}', '\r'] {
            assert!(
                !r.stdout.contains(c),
                "{format}: raw {c:?} in the output: {:?}",
                r.stdout
            );
        }
        assert!(r.stdout.contains("forged"), "{}", r.stdout);
    }
}

#[test]
fn hostile_nesting_in_a_state_is_one_clear_error() {
    let key = vec!["a"; 6000].join(".");
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    for attrs in [
        json!({"attributes_flat": {"id": "vpc-1", key.as_str(): "x"}}),
        json!({"attributes": {"id": "vpc-1",
            "tags": serde_json::from_str::<Value>(&deep).unwrap_or(Value::Null)}}),
    ] {
        let mut body = state_with(json!([
            {"mode": "managed", "type": "aws_vpc", "name": "deep",
             "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
             "instances": [attrs]}
        ]));
        if body.len() < 1000 {
            // serde_json refuses to build the 300-deep value; write the text by hand.
            body = format!(
                r#"{{"version": 4, "serial": 1, "lineage": "l", "resources": [
                {{"mode": "managed", "type": "aws_vpc", "name": "deep",
                  "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                  "instances": [{{"attributes": {{"id": "vpc-1", "tags": {deep}}}}}]}}]}}"#
            )
            .into_bytes();
        }
        let d = project(&[("terraform.tfstate", &body), ("live.json", EMPTY_SNAPSHOT)]);
        let r = run(d.path(), &["scan", ".", "--live", "live.json"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.contains("deeper than"), "{}", r.stderr);
        assert!(
            r.stderr.len() < 1000,
            "the message is capped: {}",
            r.stderr.len()
        );
    }
}

#[test]
fn a_module_that_calls_itself_is_an_error_not_a_hang() {
    let d = project(&[
        (
            "main.tf",
            b"module \"m0\" { source = \"./\" }\nmodule \"m1\" { source = \"./\" }\nmodule \"m2\" { source = \"./\" }\n",
        ),
        ("terraform.tfstate", &state_with(json!([]))),
        ("live.json", EMPTY_SNAPSHOT),
    ]);
    // `timeout` guards the suite: before the fix this scan ran until memory ran out.
    let out = Command::new("timeout")
        .arg("60")
        .arg(bin())
        .args(["scan", ".", "--live", "live.json"])
        .current_dir(d.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("module.m0") && stderr.contains("calls itself"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn device_files_and_fifos_are_refused_not_read_forever() {
    let d = project(&[
        ("terraform.tfstate", &state_with(json!([]))),
        ("live.json", EMPTY_SNAPSHOT),
    ]);
    for settings in [
        "state = [\"/dev/zero\"]\nlive = \"live.json\"\n",
        "live = \"/dev/zero\"\n",
    ] {
        std::fs::write(d.path().join(".terraform-drift.toml"), settings).unwrap();
        let out = Command::new("timeout")
            .arg("60")
            .arg(bin())
            .args(["scan", "."])
            .current_dir(d.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{settings}: {stderr}");
        assert!(stderr.contains("/dev/zero"), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

/// A plan JSON whose `resource_drift` changes `before` into what `prior_state` holds.
fn drift_plan(
    rtype: &str,
    before: Value,
    after: Value,
    prior_marks: Value,
    before_marks: Value,
) -> Vec<u8> {
    let addr = format!("{rtype}.x");
    serde_json::to_vec(&json!({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "prior_state": {"format_version": "1.0", "terraform_version": "1.11.4",
          "values": {"root_module": {"resources": [
            {"address": addr, "mode": "managed", "type": rtype, "name": "x",
             "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
             "values": after.clone(), "sensitive_values": prior_marks}]}}},
        "resource_drift": [
            {"address": addr, "mode": "managed", "type": rtype, "name": "x",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["update"], "before": before, "after": after,
                        "before_sensitive": before_marks, "after_sensitive": {}}}]
    }))
    .unwrap()
}

#[test]
fn sensitive_marks_below_or_beside_the_reported_path_are_honoured() {
    let param =
        |name: &str, v: &str| json!({"name": name, "value": v, "apply_method": "immediate"});
    let cases = [
        // A mark on one member of a set whose size changed: the whole change is redacted.
        drift_plan(
            "aws_db_parameter_group",
            json!({"id": "pg", "parameter": [param("a", "SECRET-MARKER-G")]}),
            json!({"id": "pg", "parameter": [param("a", "SECRET-MARKER-H"), param("b", "SECRET-MARKER-I")]}),
            json!({"parameter": [{"value": true}, {"value": true}]}),
            json!({}),
        ),
        // Marked only in the plan's before_sensitive.
        drift_plan(
            "aws_ssm_parameter",
            json!({"id": "p", "value": "SECRET-MARKER-J"}),
            json!({"id": "p", "value": "SECRET-MARKER-K"}),
            json!({}),
            json!({"value": true}),
        ),
        // Marked only under tags_all, reported as tags.
        drift_plan(
            "aws_sqs_queue",
            json!({"id": "q", "tags": {"owner": "SECRET-MARKER-L"}, "tags_all": {"owner": "SECRET-MARKER-L"}}),
            json!({"id": "q", "tags": {"owner": "SECRET-MARKER-M"}, "tags_all": {"owner": "SECRET-MARKER-M"}}),
            json!({"tags_all": {"owner": true}}),
            json!({}),
        ),
    ];
    for plan in cases {
        let d = project(&[("plan.json", &plan)]);
        for format in ["table", "json", "markdown"] {
            let out = d.path().join("out.txt");
            let r = run(
                d.path(),
                &["scan", ".", "--plan", "plan.json", "--format", format],
            );
            assert_eq!(r.code, 2, "{}", r.stderr);
            assert!(r.stdout.contains("(sensitive value)"), "{}", r.stdout);
            assert!(
                !r.stdout.contains("SECRET-MARKER") && !r.stderr.contains("SECRET-MARKER"),
                "{format} leaked: {}",
                r.stdout
            );
            let r = run(
                d.path(),
                &[
                    "scan",
                    ".",
                    "--plan",
                    "plan.json",
                    "--format",
                    format,
                    "--out",
                    out.to_str().unwrap(),
                ],
            );
            assert_eq!(r.code, 2, "{}", r.stderr);
            assert!(
                !std::fs::read_to_string(&out)
                    .unwrap()
                    .contains("SECRET-MARKER")
            );
        }
    }
}

#[test]
fn codify_writes_only_tf_files_inside_the_module() {
    for file in [
        "/etc/passwd",
        "../outside.tf",
        ".driftignore",
        ".terraform-drift.toml",
    ] {
        let r = run_offline(
            repo(),
            &["codify", "examples/quickstart", "--file", file],
            &[],
        );
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert!(r.stderr.contains("not a .tf file name"), "{}", r.stderr);
        // Whether the path exists is nobody's business.
        assert!(!r.stderr.contains("already exists"), "{}", r.stderr);
    }
}

#[test]
fn codify_preview_redacts_secret_named_values_but_the_file_keeps_them() {
    let snapshot = serde_json::to_vec(&json!({"format_version": "1",
        "types": ["aws_security_group"], "regions": ["us-east-1"],
        "resources": [{"type": "aws_security_group", "id": "sg-9", "region": "us-east-1",
          "attributes": {"name": "console", "description": "made by hand", "vpc_id": "vpc-1",
            "ingress": [], "egress": [],
            "tags": {"Name": "console", "db_password": "SECRET-MARKER-P"}}}]}))
    .unwrap();
    let d = project(&[
        ("main.tf", b"provider \"aws\" { region = \"us-east-1\" }\n"),
        ("terraform.tfstate", &state_with(json!([]))),
        ("live.json", &snapshot),
    ]);
    let r = run_offline(d.path(), &["codify", ".", "--live", "live.json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("db_password"), "{}", r.stdout);
    assert!(!r.stdout.contains("SECRET-MARKER"), "{}", r.stdout);
    assert!(!r.stderr.contains("SECRET-MARKER"), "{}", r.stderr);
    let r = run_offline(
        d.path(),
        &["codify", ".", "--live", "live.json", "--write"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("SECRET-MARKER"), "{}", r.stdout);
    // The import must be a no-op: the file holds the live value.
    let written = std::fs::read_to_string(d.path().join("drift_imports.tf")).unwrap();
    assert!(written.contains("SECRET-MARKER-P"), "{written}");
    // ... flagged like a schema-sensitive value, and only that one.
    let lines: Vec<&str> = written.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("SECRET-MARKER-P"))
        .unwrap();
    assert!(
        lines[at - 1]
            .trim_start()
            .starts_with("# TODO: a secret-looking name"),
        "{written}"
    );
    assert_eq!(written.matches("secret-looking").count(), 1, "{written}");
}

#[test]
fn hostile_sizes_give_short_errors() {
    // A .driftignore line of megabytes: refused, with a short message.
    let d = project(&[
        ("terraform.tfstate", &state_with(json!([]))),
        ("live.json", EMPTY_SNAPSHOT),
    ]);
    std::fs::write(
        d.path().join(".driftignore"),
        format!("aws_vpc.{}\n", "a.".repeat(2_000_000)),
    )
    .unwrap();
    let r = run(d.path(), &["scan", ".", "--live", "live.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(".driftignore") && r.stderr.contains("line 1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.len() < 2_100, "{}", r.stderr.len());
    // A path of 100 KB: the error names it, cut short.
    let long = format!("/{}", "x".repeat(100_000));
    let r = run(
        d.path(),
        &["scan", ".", "--live", "live.json", "--state", &long],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.len() < 2_100, "{}", r.stderr.len());
}

#[test]
fn patch_never_writes_its_backup_through_a_symlink() {
    let d = quickstart_copy();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, d.path().join("main.tf.terraform-drift.bak")).unwrap();
    let before = std::fs::read_to_string(d.path().join("main.tf")).unwrap();
    let r = run_offline(d.path(), &["patch", ".", "--write"], &[]);
    // Some changes (the security group's rules) are left for a hand edit: exit 2.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let bak = d.path().join("main.tf.terraform-drift.bak");
    assert!(!bak.is_symlink(), "the link was replaced by the backup");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), before);
    assert!(
        std::fs::read_to_string(d.path().join("main.tf"))
            .unwrap()
            .contains("t3.large")
    );
}

#[test]
fn a_state_flag_is_refused_with_terraforms_refresh_not_ignored() {
    let d = project(&[
        ("terraform.tfstate", &state_with(json!([]))),
        ("other.tfstate", &state_with(json!([]))),
    ]);
    for args in [
        &[
            "scan",
            ".",
            "--refresh",
            "terraform",
            "--state",
            "other.tfstate",
        ][..],
        &[
            "scan",
            ".",
            "--plan",
            "plan.json",
            "--state",
            "other.tfstate",
        ],
    ] {
        let r = run(d.path(), args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("cannot be combined"), "{}", r.stderr);
    }
}

/// A copy of the quickstart module, to patch without touching the repository.
fn quickstart_copy() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for f in [
        ".terraform-drift.toml",
        "live.json",
        "main.tf",
        "terraform.tfstate",
    ] {
        std::fs::copy(repo().join("examples/quickstart").join(f), d.path().join(f)).unwrap();
    }
    d
}

#[test]
fn a_full_disk_leaves_the_file_and_no_empty_backup_and_read_only_files_are_kept() {
    use std::os::unix::fs::PermissionsExt as _;
    let d = quickstart_copy();
    let tf = d.path().join("main.tf");
    // 40 KB of comments: more than the 16 KB the write limit below lets any file grow to.
    let mut text = std::fs::read_to_string(&tf).unwrap();
    for i in 0..800 {
        text.push_str(&format!(
            "# padding line {i:04} to make the file larger than the limit\n"
        ));
    }
    std::fs::write(&tf, &text).unwrap();
    // RLIMIT_FSIZE stands in for a full disk: a write past 16 KB fails (EFBIG) instead of
    // killing the process, since the shell ignores SIGXFSZ before exec.
    let out = Command::new("sh")
        .args(["-c", "ulimit -f 32; trap '' XFSZ; exec \"$0\" \"$@\""])
        .arg(bin())
        .args(["patch", ".", "--write"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let r = checked(out);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("main.tf"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&tf).unwrap(),
        text,
        "main.tf untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("main.tf") && n != "main.tf")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no backup or temporary file: {leftovers:?}"
    );

    // A read-only main.tf is not replaced unless it is made writable.
    let d = quickstart_copy();
    let tf = d.path().join("main.tf");
    let before = std::fs::read_to_string(&tf).unwrap();
    std::fs::set_permissions(&tf, std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = run_offline(d.path(), &["patch", ".", "--write"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&tf).unwrap(), before);
    assert!(!d.path().join("main.tf.terraform-drift.bak").exists());
}

#[test]
fn completions_and_manual_pages_come_from_the_parser() {
    for shell in ["bash", "zsh", "fish"] {
        let r = run(repo(), &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for word in ["scan", "codify", "discover", "live", "allow-unchecked"] {
            assert!(r.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    // The bash script is valid bash.
    let bash = run(repo(), &["completions", "bash"]).stdout;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("terraform-drift.bash");
    std::fs::write(&script, &bash).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(syntax.success(), "bash -n rejects the completion script");
    let r = run(repo(), &["completions", "tcsh-ish"]);
    assert_eq!(r.code, 1, "an unknown shell is a usage error");

    // Pages in roff, as man reads them.
    let page = run(repo(), &["man"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(
        page.stdout.contains(".TH terraform-drift "),
        "{}",
        page.stdout
    );
    let scan = run(repo(), &["man", "scan"]);
    assert_eq!(scan.code, 0, "{}", scan.stderr);
    assert!(
        scan.stdout.contains(".TH terraform-drift-scan"),
        "{}",
        scan.stdout
    );
    let file = dir.path().join("terraform-drift-scan.1");
    std::fs::write(&file, &scan.stdout).unwrap();
    // man-db is on this machine kind (and on CI's): the page must render.
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .expect("man is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "man -l fails: {text}");
    assert!(
        text.contains("SYNOPSIS") && text.contains("--allow-unchecked"),
        "{text}"
    );
    let r = run(repo(), &["man", "frobnicate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no subcommand \"frobnicate\""),
        "{}",
        r.stderr
    );
}

/// A module in a temporary directory: an AWS provider block, `s.tfstate` holding one managed
/// `aws_instance` per `(name, attributes)` of `state`, and the snapshot `live.json` of `live`
/// (snapshot resources) for `types`.
fn module_with(state: &[(String, Value)], types: &[&str], live: Vec<Value>) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n",
    )
    .unwrap();
    let resources: Vec<Value> = state
        .iter()
        .map(|(name, attrs)| {
            json!({"mode": "managed", "type": "aws_instance", "name": name,
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [{"schema_version": 1, "attributes": attrs}]})
        })
        .collect();
    let state = json!({"version": 4, "terraform_version": "1.11.4", "serial": 1,
        "lineage": "t", "outputs": {}, "resources": resources});
    let snapshot = json!({"format_version": "1", "types": types, "resources": live});
    std::fs::write(d.path().join("s.tfstate"), state.to_string()).unwrap();
    std::fs::write(d.path().join("live.json"), snapshot.to_string()).unwrap();
    d
}

/// `scan . --state s.tfstate --live live.json --format FORMAT` in a [`module_with`] directory.
fn scan_module(dir: &Path, format: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "scan",
        ".",
        "--state",
        "s.tfstate",
        "--live",
        "live.json",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// A 20 MB state against a 20 MB snapshot through the binary: the scan finds the one change
/// among 8,000 instances.
#[test]
fn large_state_and_snapshot_are_read_whole() {
    // ~2.5 KB per instance in the state: 8,000 of them make a 20 MB file.
    let n = 8_000;
    let pad = "x".repeat(2_000);
    let mut state = Vec::new();
    let mut live = Vec::new();
    for i in 0..n {
        let id = format!("i-{i:017}");
        state.push((
            format!("web{i}"),
            json!({"id": id, "instance_type": "t3.micro", "ami": "ami-1",
                "user_data": pad, "tags": {"Name": format!("web-{i}")}}),
        ));
        // The last instance was resized by hand.
        let ty = if i == n - 1 { "t3.large" } else { "t3.micro" };
        live.push(
            json!({"type": "aws_instance", "id": id, "region": "us-east-1",
            "attributes": {"instance_type": ty, "ami": "ami-1", "user_data": pad,
                "tags": {"Name": format!("web-{i}")}}}),
        );
    }
    let d = module_with(&state, &["aws_instance"], live);
    for f in ["s.tfstate", "live.json"] {
        let len = std::fs::metadata(d.path().join(f)).unwrap().len();
        assert!(len > 16 << 20, "{f} is {len} bytes");
    }
    let r = scan_module(d.path(), "json", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["summary"]["managed"], n);
    assert_eq!(
        findings(&report),
        vec![("changed".to_string(), format!("aws_instance.web{}", n - 1))]
    );
}

/// `--fail-on LEVEL` (or `fail_on` in the settings): exit 2 only for findings of at least that
/// severity; below it the report still lists them and stderr says why the exit is 0.
#[test]
fn fail_on_sets_the_severity_that_fails() {
    // A tag renamed by hand: a low-severity change.
    let d = module_with(
        &[(
            "web".into(),
            json!({"id": "i-1", "ami": "ami-1", "instance_type": "t3.micro", "tags": {"Name": "web"}}),
        )],
        &["aws_instance"],
        vec![
            json!({"type": "aws_instance", "id": "i-1", "region": "us-east-1", "attributes":
            {"ami": "ami-1", "instance_type": "t3.micro", "tags": {"Name": "renamed"}}}),
        ],
    );
    let scan = |extra: &[&str]| scan_module(d.path(), "json", extra);
    let r = scan(&[]);
    assert_eq!(r.code, 2, "any finding fails by default: {}", r.stderr);
    assert_eq!(r.json()["drift"][0]["severity"], "low");
    let r = scan(&["--fail-on", "low"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = scan(&["--fail-on", "medium"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        findings(&r.json()),
        vec![("changed".to_string(), "aws_instance.web".to_string())],
        "still reported"
    );
    assert!(
        r.stderr
            .contains("1 finding below --fail-on medium: exit 0"),
        "{}",
        r.stderr
    );
    // The settings file sets it (in any case); the flag wins over it.
    let settings = |text: &str| {
        std::fs::write(d.path().join(".terraform-drift.toml"), text).unwrap();
    };
    settings("fail_on = \"HIGH\"\n");
    assert_eq!(scan(&[]).code, 0);
    assert_eq!(scan(&["--fail-on", "low"]).code, 2);
    let r = scan(&["--fail-on", "critical"]);
    assert_eq!(r.code, 1, "a usage error, never drift: {}", r.stderr);
    assert!(
        r.stderr.contains("possible values: low, medium, high"),
        "{}",
        r.stderr
    );
    settings("fail_on = \"urgent\"\n");
    let r = scan(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(".terraform-drift.toml"), "{}", r.stderr);
}

/// `--format sarif`: a SARIF 2.1.0 log that the schema accepts (checked with Python's
/// jsonschema against the schema Microsoft's SARIF multitool ships, which scripts/env.sh
/// fetches), one result per finding at its resource block, levels from severity, and
/// fingerprints that are the same on the next run and differ between findings.
#[test]
fn sarif_output_is_valid_and_stable() {
    let schema = std::env::var("TF_DRIFT_SARIF_SCHEMA").expect(
        "TF_DRIFT_SARIF_SCHEMA is set by scripts/env.sh: run the tests with scripts/test.sh",
    );
    let python = std::env::var("MOTO_PYTHON").expect("set by scripts/env.sh");
    let d = tempfile::tempdir().unwrap();
    let validate = |doc: &Value| {
        let f = d.path().join("log.sarif");
        std::fs::write(&f, doc.to_string()).unwrap();
        let out = Command::new(&python)
            .arg("-c")
            .arg(
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))\n\
                 cls = jsonschema.validators.validator_for(schema); cls.check_schema(schema)\n\
                 errors = list(cls(schema).iter_errors(doc))\n\
                 [print(e.message, list(e.absolute_path)) for e in errors[:20]]\n\
                 sys.exit(1 if errors else 0)",
            )
            .arg(&schema)
            .arg(&f)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let r = run(
        repo(),
        &["scan", "examples/quickstart", "--format", "sarif"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let log = r.json();
    let (ok, errors) = validate(&log);
    assert!(ok, "not valid SARIF 2.1.0:\n{errors}");
    // The validator can fail: the same log claiming another version is refused.
    let mut wrong = log.clone();
    wrong["version"] = json!("2.0.0");
    assert!(
        !validate(&wrong).0,
        "the schema check accepted a wrong version"
    );

    let run0 = &log["runs"][0];
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "changed/aws_instance",
            "changed/aws_security_group",
            "changed/aws_vpc",
            "missing/aws_ebs_volume",
            "unmanaged/aws_instance",
            "unmanaged/aws_security_group"
        ]
    );
    let by_name = |name: &str| {
        results
            .iter()
            .find(|r| {
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap()
                    .starts_with(name)
            })
            .unwrap_or_else(|| panic!("no result for {name}"))
    };
    let sg = by_name("aws_security_group.web");
    assert_eq!(sg["level"], "error", "high severity");
    assert_eq!(
        rules[sg["ruleIndex"].as_u64().unwrap() as usize],
        sg["ruleId"]
    );
    let place = &sg["locations"][0]["physicalLocation"];
    assert_eq!(
        place["artifactLocation"]["uri"],
        "examples/quickstart/main.tf"
    );
    assert_eq!(place["region"]["startLine"], 26);
    assert_eq!(by_name("aws_vpc.main")["level"], "note", "low severity");
    let vpc_text = by_name("aws_vpc.main")["message"]["text"].as_str().unwrap();
    assert!(
        vpc_text.contains("changed outside Terraform: tags."),
        "{vpc_text}"
    );
    // No block declares an unmanaged resource: it is shown where codify would adopt it.
    let unmanaged = by_name("aws_instance/");
    assert_eq!(
        unmanaged["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "examples/quickstart/drift_imports.tf"
    );
    let prints = |log: &Value| -> Vec<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["terraformDriftFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let first = prints(&log);
    let mut distinct = first.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), first.len(), "one fingerprint per finding");
    let again = run(
        repo(),
        &["scan", "examples/quickstart", "--format", "sarif"],
    );
    assert_eq!(prints(&again.json()), first, "the same on the next run");
}

/// `--format junit`: read back by a JUnit XML parser (Python's junitparser, installed by
/// scripts/env.sh): a `managed` suite with a passing case per resource in sync and a failing
/// one per changed or missing resource, an `unmanaged` suite with a failing case each, and
/// resources that could not be checked as skipped, never passing.
#[test]
fn junit_output_reads_back_as_test_results() {
    let python = std::env::var("MOTO_PYTHON").expect("set by scripts/env.sh");
    let d = tempfile::tempdir().unwrap();
    let read_back = |xml: &str| -> Value {
        let f = d.path().join("junit.xml");
        std::fs::write(&f, xml).unwrap();
        let out = Command::new(&python)
            .arg("-c")
            .arg(
                "import json, sys\n\
                 from junitparser import JUnitXml, Failure, Skipped\n\
                 xml = JUnitXml.fromfile(sys.argv[1])\n\
                 out = {'tests': xml.tests, 'failures': xml.failures, 'skipped': xml.skipped, 'suites': {}}\n\
                 for suite in xml:\n\
                 \x20   cases = []\n\
                 \x20   for case in suite:\n\
                 \x20       r = case.result\n\
                 \x20       kind = 'pass' if not r else ('failure:' + r[0].type if isinstance(r[0], Failure) else 'skipped' if isinstance(r[0], Skipped) else 'other')\n\
                 \x20       cases.append([case.classname, case.name, kind, r[0].message if r else None])\n\
                 \x20   out['suites'][suite.name] = {'tests': suite.tests, 'failures': suite.failures, 'cases': cases}\n\
                 print(json.dumps(out))",
            )
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "junitparser refused it: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let r = run(
        repo(),
        &["scan", "examples/quickstart", "--format", "junit"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let got = read_back(&r.stdout);
    assert_eq!(
        (&got["tests"], &got["failures"], &got["skipped"]),
        (&json!(8), &json!(6), &json!(0))
    );
    let kinds = |suite: &str| -> Vec<(String, String)> {
        got["suites"][suite]["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c[1].as_str().unwrap().to_string(),
                    c[2].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        kinds("managed"),
        [
            ("aws_ebs_volume.data", "failure:missing"),
            ("aws_instance.web", "failure:changed"),
            ("aws_security_group.web", "failure:changed"),
            ("aws_subnet.app[0]", "pass"),
            ("aws_subnet.app[1]", "pass"),
            ("aws_vpc.main", "failure:changed"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let unmanaged = kinds("unmanaged");
    assert_eq!(unmanaged.len(), 2);
    assert!(
        unmanaged.iter().all(|(_, k)| k == "failure:unmanaged"),
        "{unmanaged:?}"
    );
    let vpc = &got["suites"]["managed"]["cases"][5];
    assert!(vpc[3].as_str().unwrap().contains("tags.Owner"), "{vpc}");

    // A resource of a type the snapshot did not list is skipped, not passed.
    let m = module_with(
        &[(
            "web".into(),
            json!({"id": "i-1", "instance_type": "t3.micro"}),
        )],
        &["aws_vpc"],
        vec![],
    );
    let r = scan_module(m.path(), "junit", &[]);
    assert_eq!(
        r.code, 1,
        "unchecked is an error without --allow-unchecked: {}",
        r.stderr
    );
    let got = read_back(&r.stdout);
    assert_eq!(got["skipped"], 1);
    assert_eq!(got["suites"]["managed"]["cases"][0][2], "skipped");
}
