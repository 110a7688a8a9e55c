//! No-drift corpus: configs applied by terraform into moto and scanned with no out-of-band
//! change must report nothing — zero findings, zero alerts, exit 0 — on every path: natively,
//! through the provider (`--live provider`) and from Terraform's refresh (`--refresh
//! terraform`). The regression net for every normalization.

mod common;

use common::Scenario;

fn assert_clean(name: &str) {
    let s = Scenario::new(&format!("nodrift/{name}"));
    s.apply();
    s.assert_no_drift_anywhere();
}

#[test]
fn full_mix_with_default_tags() {
    assert_clean("full_mix");
}

#[test]
fn security_group_rule_shapes() {
    assert_clean("sg_complex");
}

#[test]
fn tags_edge_cases() {
    assert_clean("tags_edge");
}

#[test]
fn nested_modules_with_count_and_for_each() {
    assert_clean("modules");
}

// KNOWN: fails on `--live provider` and `--refresh terraform`: after `terraform apply`, the
// AWS provider's own read (and so `terraform plan -refresh-only`) returns
// `aws_instance.app.vpc_security_group_ids = []` while moto's DescribeInstances (the native
// path) still lists both groups. Terraform itself would plan to re-add them: a moto/provider
// disagreement on this instance (private_ip + a volume attachment), not yet narrowed down.
// "No drift" must mean zero findings on every path, so the assertion stays strict.
#[test]
fn instance_options_and_attachments() {
    assert_clean("instance_options");
}

#[test]
fn network_routes_nat_and_interfaces() {
    assert_clean("network_routes");
}

#[test]
fn empty_account_defaults_are_not_unmanaged() {
    assert_clean("empty");
}
