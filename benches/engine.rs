//! Microbenchmarks of the pure hot paths: state parsing and the diff.
//! `cargo bench --bench engine`; the end-to-end comparison with Terraform is bench/run.sh.

use serde_json::{Value, json};
use terraform_drift::config::Config;
use terraform_drift::diff::{self, DriftIgnore, Options};
use terraform_drift::model::{Coverage, LiveInventory, Resource};
use terraform_drift::{catalog, state};

fn main() {
    divan::main();
}

fn instance(i: usize) -> Value {
    json!({
        "id": format!("i-{i:017x}"), "ami": "ami-1", "instance_type": "t3.micro",
        "instance_state": "running", "availability_zone": "us-east-1a", "subnet_id": "subnet-1",
        "private_ip": "10.0.0.1", "key_name": "k", "ebs_optimized": false, "monitoring": false,
        "source_dest_check": true, "tenancy": "default", "vpc_security_group_ids": ["sg-2", "sg-1"],
        "tags": {"Name": format!("web-{i}")}, "tags_all": {"Name": format!("web-{i}"), "Env": "prod"},
        "root_block_device": [{"volume_size": 8, "volume_type": "gp3", "encrypted": true, "iops": 3000}],
        "user_data": null, "timeouts": null, "cpu_options": [{"core_count": 1}], "arn": "arn:aws:ec2:us-east-1:1:instance/i"
    })
}

fn state_text(n: usize) -> String {
    let instances: Vec<Value> = (0..n)
        .map(|i| json!({"index_key": i, "schema_version": 1, "attributes": instance(i), "sensitive_attributes": []}))
        .collect();
    json!({"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "b", "outputs": {},
           "resources": [{"mode": "managed", "type": "aws_instance", "name": "web",
                          "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "instances": instances}]})
    .to_string()
}

#[divan::bench(args = [1_000, 10_000])]
fn parse_state(bencher: divan::Bencher, n: usize) {
    let text = state_text(n);
    bencher.bench(|| state::parse_with(text.as_bytes(), "bench.tfstate", &catalog::kept).unwrap());
}

#[divan::bench(args = [1_000, 10_000])]
fn diff_inventory(bencher: divan::Bencher, n: usize) {
    let st = state::parse_with(state_text(n).as_bytes(), "bench.tfstate", &catalog::kept)
        .unwrap()
        .resources;
    let mut coverage = Coverage::default();
    coverage.add("aws_instance", None);
    let live = LiveInventory {
        resources: st
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut r = Resource::live("aws_instance", s.id.clone(), "us-east-1");
                let state_attrs = s.attributes.map();
                let a = r.attributes.make_mut();
                for k in [
                    "ami",
                    "instance_type",
                    "instance_state",
                    "subnet_id",
                    "vpc_security_group_ids",
                    "root_block_device",
                ] {
                    a.insert(k.into(), state_attrs[k].clone());
                }
                a.insert("tags".into(), state_attrs["tags_all"].clone());
                if i % 100 == 0 {
                    a.insert("instance_type".into(), json!("t3.large"));
                }
                r
            })
            .collect(),
        coverage,
        alerts: vec![],
        unreadable: Default::default(),
        api_calls: 0,
    };
    let config = Config::default();
    let ignore = DriftIgnore::default();
    let options = Options::default();
    bencher.bench(|| {
        diff::diff(&diff::Input {
            state: &st,
            live: &live,
            config: &config,
            ignore: &ignore,
            options: &options,
        })
    });
}
