//! `discover` against the suite's shared moto (`MOTO_URL`, started by scripts/test.sh), in a
//! region no other test uses: bulk listing across pages and reservations, the snapshot format,
//! and `scan --live` reading it back.

mod common;

use std::process::Command;

use aws_sdk_ec2::types::InstanceType;
use common::{bin, block_on, ec2};
use serde_json::Value;

#[test]
fn discover_lists_everything_and_scan_reads_the_snapshot() {
    let url = std::env::var("MOTO_URL")
        .expect("MOTO_URL is not set: run the suite through scripts/test.sh");
    let region = "eu-north-1";
    let c = ec2(&url, region);
    let created = block_on(async {
        let vpc = c
            .create_vpc()
            .cidr_block("10.0.0.0/16")
            .send()
            .await
            .unwrap();
        let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
        let subnet = c
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block("10.0.0.0/20")
            .send()
            .await
            .unwrap();
        let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_string();
        let mut n = 0;
        // Several reservations: moto pages by reservation.
        for _ in 0..3 {
            let r = c
                .run_instances()
                .image_id("ami-1e749f67")
                .instance_type(InstanceType::T3Micro)
                .min_count(40)
                .max_count(40)
                .subnet_id(&subnet)
                .send()
                .await
                .unwrap();
            n += r.instances().len();
        }
        n
    });
    assert_eq!(created, 120);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("live.json");
    let out = Command::new(bin())
        .args(["discover", ".", "--region", region, "--out"])
        .arg(&snap)
        .current_dir(dir.path())
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&snap).unwrap()).unwrap();
    assert_eq!(v["format_version"], "1");
    // The EC2 types with a listing of their own (IAM, Logs, ECR, Lambda, ELBv2, SQS and KMS
    // are listed only for states that hold some of theirs; routes, rules and the like are read
    // from their parents).
    assert_eq!(v["types"].as_array().unwrap().len(), 29);
    let count = |t: &str| {
        v["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == t)
            .count()
    };
    assert_eq!(count("aws_instance"), 120);
    // The catalog's `compared` list is the contract: the lister emits nothing else, but for
    // `_` members, what a derived type reads from its parent (never compared on the parent).
    for r in v["resources"].as_array().unwrap() {
        let rules = terraform_drift::catalog::rules(r["type"].as_str().unwrap()).unwrap();
        for key in r["attributes"].as_object().unwrap().keys() {
            assert!(
                rules.compared.contains(&key.as_str()) || key.starts_with('_'),
                "{} emits {key}, missing from its catalog entry",
                rules.name
            );
        }
    }
    // Root volumes and primary interfaces are listed, as companions of their instances.
    assert_eq!(count("aws_ebs_volume"), 120);
    let companions = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["type"] == "aws_ebs_volume" && r["companion_of"]["owner_type"] == "aws_instance"
        })
        .count();
    assert_eq!(companions, 120);

    // An empty state scanned against the snapshot: the 120 instances, the VPC and the subnet
    // are unmanaged; the companions and AWS's defaults are not.
    std::fs::write(
        dir.path().join("terraform.tfstate"),
        r#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x", "outputs": {}, "resources": []}"#,
    )
    .unwrap();
    let out = Command::new(bin())
        .args(["scan", ".", "--live", "live.json", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["unmanaged"], 122, "{report:#}");
    assert_eq!(report["summary"]["coverage_percent"], 0.0);
}
