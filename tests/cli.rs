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
            &["scan", ".", "--live", "live.json", "--format", format],
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
