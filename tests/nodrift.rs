//! No-drift corpus: configs applied by terraform into moto and scanned with no out-of-band
//! change must report nothing, natively and through the provider (`--live provider`). The
//! regression net for every normalization.

mod common;

use common::Scenario;

fn assert_clean(name: &str) {
    let s = Scenario::new(&format!("nodrift/{name}"));
    s.apply();
    let (code, report, run) = s.scan_json(&[]);
    assert_eq!(
        report["drift"].as_array().unwrap().len(),
        0,
        "false drift in {name}: {report:#}"
    );
    assert_eq!(report["alerts"].as_array().unwrap().len(), 0, "{report:#}");
    assert_eq!(code, 0, "{}", run.stderr);
    // The provider path (the AWS provider's own reads, every attribute) must be as quiet,
    // except where Terraform's own refresh disagrees with the apply (moto quirks).
    s.assert_provider_path(&report, &s.refresh_only_drift());
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
