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

// No `private_ip` in this fixture: moto 5.2.5 forgets the security groups of the primary
// interface of an instance launched with a fixed private IP, so the AWS provider's read (and
// Terraform's own `plan -refresh-only`) returns `vpc_security_group_ids = []` after the apply
// while DescribeInstances still lists both groups. That is moto's disagreement with itself,
// not drift; with the argument left out all three paths must be silent.
//
/// Then Auto Scaling changes by hand, each found once on every path: a group's size and a
/// propagated tag, a policy deleted, a schedule and a group made by hand; and two EC2 parts
/// managed by their own resources: the tag an `aws_ec2_tag` put on AWS's main route table
/// renamed, the address an `aws_eip_association` put on the app taken off. The instances a
/// group launches are silent while the state manages the group; without it, the group is
/// unmanaged (and its instances still its own).
#[test]
fn instance_options_and_attachments() {
    let s = Scenario::new("nodrift/instance_options");
    s.apply();
    s.assert_no_drift_anywhere();
    let workers = s.id("aws_autoscaling_group.workers");
    let subnet = s.id("aws_subnet.a");
    let config = s.id("aws_launch_configuration.legacy");
    let table = s.state_value("aws_ec2_tag.main_route_table_name", "resource_id");
    let association = s.id("aws_eip_association.app");
    let ec2 = s.ec2();
    common::block_on(async {
        use aws_sdk_autoscaling::types::Tag;
        // The tag another resource put on AWS's table renamed; the address taken off the app.
        common::add_tags(&ec2, table.as_str().unwrap(), &[("Name", "renamed")]).await;
        ec2.disassociate_address()
            .association_id(&association)
            .send()
            .await
            .unwrap();
        let c = s.autoscaling_in("us-east-1");
        c.update_auto_scaling_group()
            .auto_scaling_group_name("legacy")
            .max_size(2)
            .send()
            .await
            .unwrap();
        c.create_or_update_tags()
            .tags(
                Tag::builder()
                    .resource_id(&workers)
                    .resource_type("auto-scaling-group")
                    .key("Team")
                    .value("someone-else")
                    .propagate_at_launch(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        c.delete_policy()
            .auto_scaling_group_name(&workers)
            .policy_name("step-up")
            .send()
            .await
            .unwrap();
        c.put_scheduled_update_group_action()
            .auto_scaling_group_name(&workers)
            .scheduled_action_name("weekend")
            .recurrence("0 8 * * 6")
            .desired_capacity(1)
            .send()
            .await
            .unwrap();
        c.create_auto_scaling_group()
            .auto_scaling_group_name("click-ops")
            .launch_configuration_name(&config)
            .min_size(0)
            .max_size(1)
            .vpc_zone_identifier(&subnet)
            .send()
            .await
            .unwrap();
    });
    let expected = [
        ("changed", "aws_autoscaling_group.legacy"),
        ("changed", "aws_autoscaling_group.workers"),
        ("changed", "aws_ec2_tag.main_route_table_name"),
        ("missing", "aws_autoscaling_policy.step_up"),
        ("missing", "aws_eip_association.app"),
        ("unmanaged", "aws_autoscaling_group"),
        ("unmanaged", "aws_autoscaling_schedule"),
    ];
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(k, a)| (k.to_string(), a.to_string()))
        .collect();
    for (label, args) in common::PATHS.iter().chain([&common::NATIVE_ONLY]) {
        let (code, report, _) = s.scan_json(args);
        assert_eq!(
            (code, &common::findings(&report)),
            (2, &want),
            "{label}: {report:#}"
        );
        for (address, path) in [
            ("aws_autoscaling_group.legacy", "max_size"),
            ("aws_autoscaling_group.workers", "tag"),
        ] {
            assert_eq!(
                common::change_paths(&report, address),
                [path],
                "{label}: {report:#}"
            );
        }
    }
    // Made by hand, they are named by the IDs `terraform import` takes.
    let (_, report, _) = s.scan_json(&["--live", "aws"]);
    let mut ids: Vec<&str> = report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "unmanaged")
        .filter_map(|d| d["id"].as_str())
        .collect();
    ids.sort_unstable();
    let weekend = format!("{workers}/weekend");
    assert_eq!(ids, ["click-ops", weekend.as_str()], "{report:#}");

    // The group's instances were silent because the state manages the group: without it, the
    // group is unmanaged, and what it launched is still its own.
    s.terraform_ok(&["state", "rm", "aws_autoscaling_group.workers"]);
    let (code, report, _) = s.scan_json(&["--live", "aws"]);
    assert_eq!(code, 2, "{report:#}");
    let unmanaged: Vec<(String, String)> = common::findings(&report)
        .into_iter()
        .filter(|(kind, _)| kind == "unmanaged")
        .collect();
    assert_eq!(
        unmanaged,
        [
            ("unmanaged".to_string(), "aws_autoscaling_group".to_string()),
            ("unmanaged".to_string(), "aws_autoscaling_group".to_string()),
            (
                "unmanaged".to_string(),
                "aws_autoscaling_schedule".to_string()
            ),
        ],
        "{report:#}"
    );
}

/// Then the gateway endpoint loses a table an association manages and gains one by hand:
/// the association is missing, and the hand-added table is the endpoint's change. The transit
/// gateway's table loses a static route, gains one by hand and a tag; the adopted default
/// subnet gains a tag: each found once.
#[test]
fn network_routes_nat_and_interfaces() {
    let s = Scenario::new("nodrift/network_routes");
    s.apply();
    s.assert_no_drift_anywhere();
    let (endpoint, private, empty) = (
        s.id("aws_vpc_endpoint.dynamodb"),
        s.id("aws_route_table.private"),
        s.id("aws_route_table.empty"),
    );
    let table = s.id("aws_ec2_transit_gateway_route_table.spokes");
    let default_subnet = s.id("aws_default_subnet.a");
    common::block_on(async {
        s.ec2()
            .modify_vpc_endpoint()
            .vpc_endpoint_id(endpoint)
            .remove_route_table_ids(private)
            .add_route_table_ids(empty)
            .send()
            .await
            .unwrap();
        let c = s.ec2();
        c.delete_transit_gateway_route()
            .transit_gateway_route_table_id(&table)
            .destination_cidr_block("10.99.0.0/16")
            .send()
            .await
            .unwrap();
        c.create_transit_gateway_route()
            .transit_gateway_route_table_id(&table)
            .destination_cidr_block("10.55.0.0/16")
            .blackhole(true)
            .send()
            .await
            .unwrap();
        common::add_tags(&c, &table, &[("Owner", "someone")]).await;
        common::add_tags(&c, &default_subnet, &[("Owner", "someone")]).await;
    });
    let expected = [
        ("changed", "aws_default_subnet.a"),
        ("changed", "aws_ec2_transit_gateway_route_table.spokes"),
        ("changed", "aws_vpc_endpoint.dynamodb"),
        ("missing", "aws_ec2_transit_gateway_route.to_main"),
        (
            "missing",
            "aws_vpc_endpoint_route_table_association.dynamodb[\"private\"]",
        ),
        ("unmanaged", "aws_ec2_transit_gateway_route"),
    ];
    for (label, args) in common::PATHS.iter().chain([&common::NATIVE_ONLY]) {
        let (code, report, _) = s.scan_json(args);
        let found = common::findings(&report);
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(k, a)| (k.to_string(), a.to_string()))
            .collect();
        assert_eq!((code, &found), (2, &want), "{label}: {report:#}");
        assert_eq!(
            common::change_paths(&report, "aws_vpc_endpoint.dynamodb"),
            ["route_table_ids"],
            "{label}"
        );
    }
}

#[test]
fn empty_account_defaults_are_not_unmanaged() {
    assert_clean("empty");
}

// The public-module style fixture (`nodrift/public_modules`) is checked clean on every path by
// `module_style_parts_are_judged_on_the_resources_that_manage_them` in tests/scenarios.rs, which
// then changes it: one apply serves both.
