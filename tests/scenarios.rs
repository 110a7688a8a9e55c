//! Scenario suite: terraform applies a config into moto, the SDK changes things out of band,
//! the binary must report exactly the injected drift, and everything `terraform plan
//! -refresh-only` reports for attributes the lister reads.

mod common;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, AttributeValue, DomainType, InstanceType, IpPermission, IpRange,
    NewDhcpConfiguration,
};
use common::{Scenario, add_tags, block_on, change_paths, findings, remove_tag};
use serde_json::Value;

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn drift_of<'a>(report: &'a Value, address: &str) -> &'a Value {
    report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["address"] == address)
        .unwrap_or_else(|| panic!("no finding for {address}: {report:#}"))
}

fn drift_of_id<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no finding with ID {id}: {report:#}"))
}

#[test]
fn instance_stopped_and_resized() {
    let s = Scenario::new("scenarios/instance_stopped_resized");
    s.apply();
    let id = s.id("aws_instance.web");
    let c = s.ec2();
    block_on(async {
        c.stop_instances().instance_ids(&id).send().await.unwrap();
        c.modify_instance_attribute()
            .instance_id(&id)
            .instance_type(AttributeValue::builder().value("t3.large").build())
            .send()
            .await
            .unwrap();
        // Read by the provider (one DescribeInstanceAttribute per instance), not natively.
        c.modify_instance_attribute()
            .instance_id(&id)
            .disable_api_termination(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(findings(&report), pairs(&[("changed", "aws_instance.web")]));
    assert_eq!(
        sorted(change_paths(&report, "aws_instance.web")),
        ["instance_state", "instance_type"]
    );
    let d = drift_of(&report, "aws_instance.web");
    assert_eq!(d["file"], "main.tf");
    assert_eq!(d["line"], 29);
    assert_eq!(d["region"], "us-east-1");
    let types: Vec<&Value> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["path"] == "instance_type")
        .collect();
    assert_eq!(types[0]["state"], "t3.micro");
    assert_eq!(types[0]["live"], "t3.large");
    s.assert_oracle(&report);
}

#[test]
fn tags_added_and_removed() {
    let s = Scenario::new("scenarios/tags_added_removed");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    block_on(async {
        add_tags(&c, &vpc, &[("Owner", "alice")]).await;
        remove_tag(&c, &subnet, "Team").await;
        // Read by the provider (one DescribeVpcAttribute per VPC), not natively.
        c.modify_vpc_attribute()
            .vpc_id(&vpc)
            .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[("changed", "aws_subnet.a"), ("changed", "aws_vpc.main")])
    );
    assert_eq!(change_paths(&report, "aws_vpc.main"), ["tags.Owner"]);
    assert_eq!(change_paths(&report, "aws_subnet.a"), ["tags.Team"]);
    let vpc_drift = drift_of(&report, "aws_vpc.main");
    assert_eq!(vpc_drift["changes"][0]["state"], Value::Null);
    assert_eq!(vpc_drift["changes"][0]["live"], "alice");
    assert_eq!(vpc_drift["severity"], "low");
    s.assert_oracle(&report);
}

#[test]
fn security_group_rule_opened_to_the_world() {
    let s = Scenario::new("scenarios/sg_rule_added");
    s.apply();
    let sg = s.id("aws_security_group.api");
    let c = s.ec2();
    block_on(async {
        c.authorize_security_group_ingress()
            .group_id(&sg)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[("changed", "aws_security_group.api")])
    );
    assert_eq!(change_paths(&report, "aws_security_group.api"), ["ingress"]);
    let d = drift_of(&report, "aws_security_group.api");
    assert_eq!(d["severity"], "high");
    assert!(d["changes"][0]["live"].to_string().contains("0.0.0.0/0"));
    s.assert_oracle(&report);
}

#[test]
fn deleted_resources_are_missing() {
    let s = Scenario::new("scenarios/resource_deleted");
    s.apply();
    let subnet = s.id("aws_subnet.b");
    let vol = s.id("aws_ebs_volume.data");
    let c = s.ec2();
    block_on(async {
        c.delete_subnet().subnet_id(&subnet).send().await.unwrap();
        c.delete_volume().volume_id(&vol).send().await.unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[
            ("missing", "aws_ebs_volume.data"),
            ("missing", "aws_subnet.b")
        ])
    );
    assert_eq!(drift_of(&report, "aws_subnet.b")["severity"], "high");
    assert_eq!(report["summary"]["missing"], 2);
    assert_eq!(report["summary"]["managed"], 2);
    s.assert_oracle(&report);
}

#[test]
fn unmanaged_resources_without_their_companions() {
    let s = Scenario::new("scenarios/unmanaged_created");
    s.apply();
    let subnet = s.id("aws_subnet.a");
    let vpc = s.id("aws_vpc.main");
    let c = s.ec2();
    let ids = block_on(async {
        let run = c
            .run_instances()
            .image_id("ami-1e749f67")
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnet)
            .send()
            .await
            .unwrap();
        let instance = run.instances()[0].instance_id().unwrap().to_string();
        let sg = c
            .create_security_group()
            .group_name("rogue")
            .description("made by hand")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        let vol = c
            .create_volume()
            .availability_zone("us-east-1a")
            .size(5)
            .send()
            .await
            .unwrap();
        let eip = c
            .allocate_address()
            .domain(DomainType::Vpc)
            .send()
            .await
            .unwrap();
        c.create_key_pair().key_name("rogue").send().await.unwrap();
        // A group made by hand in an estate whose state has no Auto Scaling types: its two
        // instances are the group's, reported once as the group.
        let asg = s.autoscaling_in("us-east-1");
        asg.create_launch_configuration()
            .launch_configuration_name("hand-made")
            .image_id("ami-1e749f67")
            .instance_type("t3.micro")
            .send()
            .await
            .unwrap();
        asg.create_auto_scaling_group()
            .auto_scaling_group_name("hand-made-workers")
            .launch_configuration_name("hand-made")
            .min_size(2)
            .max_size(2)
            .desired_capacity(2)
            .vpc_zone_identifier(&subnet)
            .send()
            .await
            .unwrap();
        [
            "hand-made-workers".to_string(),
            instance,
            sg.group_id().unwrap().to_string(),
            vol.volume_id().unwrap().to_string(),
            eip.allocation_id().unwrap().to_string(),
            "rogue".to_string(),
        ]
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[
            ("unmanaged", "aws_autoscaling_group"),
            ("unmanaged", "aws_ebs_volume"),
            ("unmanaged", "aws_eip"),
            ("unmanaged", "aws_instance"),
            ("unmanaged", "aws_key_pair"),
            ("unmanaged", "aws_security_group"),
        ])
    );
    let mut got: Vec<String> = report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut want = ids.to_vec();
    want.sort();
    assert_eq!(got, want);
    for d in report["drift"].as_array().unwrap() {
        assert_eq!(d["address"], Value::Null);
        assert_eq!(d["region"], "us-east-1");
    }
    // The default VPC, subnets and security groups moto created are AWS's own.
    let (_, with_defaults, _) = s.scan_json(&["--include-defaults"]);
    let defaults = with_defaults["summary"]["unmanaged"].as_u64().unwrap();
    assert!(defaults > 5, "defaults were not listed: {with_defaults:#}");
    s.assert_oracle(&report);
}

#[test]
fn modules_count_and_for_each_addresses() {
    let s = Scenario::new("scenarios/modules_count_foreach");
    s.apply();
    let subnet1 = s.id("module.net.aws_subnet.this[1]");
    let db = s.id("aws_security_group.this[\"db\"]");
    let c = s.ec2();
    block_on(async {
        add_tags(&c, &subnet1, &[("Name", "renamed")]).await;
        c.modify_subnet_attribute()
            .subnet_id(&subnet1)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .unwrap();
        add_tags(&c, &db, &[("Cost", "42")]).await;
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[
            ("changed", "aws_security_group.this[\"db\"]"),
            ("changed", "module.net.aws_subnet.this[1]"),
        ])
    );
    assert_eq!(
        sorted(change_paths(&report, "module.net.aws_subnet.this[1]")),
        ["map_public_ip_on_launch", "tags.Name"]
    );
    let sub = drift_of(&report, "module.net.aws_subnet.this[1]");
    assert_eq!(sub["file"], "modules/net/main.tf");
    assert_eq!(sub["line"], 6);
    assert_eq!(sub["severity"], "high");
    assert_eq!(
        change_paths(&report, "aws_security_group.this[\"db\"]"),
        ["tags.Cost"]
    );
    s.assert_oracle(&report);
}

#[test]
fn ignore_changes_is_honoured() {
    let s = Scenario::new("scenarios/ignore_changes");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    block_on(async {
        add_tags(&c, &vpc, &[("Name", "changed")]).await;
        add_tags(&c, &subnet, &[("Owner", "team-b"), ("Team", "new")]).await;
        c.modify_subnet_attribute()
            .subnet_id(&subnet)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(findings(&report), pairs(&[("changed", "aws_subnet.a")]));
    assert_eq!(change_paths(&report, "aws_subnet.a"), ["tags.Team"]);
    // What the fixture's lifecycle blocks hide, on every path.
    s.assert_oracle_with(
        &report,
        &[
            ("aws_vpc.main", "*"),
            ("aws_subnet.a", "tags.Owner"),
            ("aws_subnet.a", "map_public_ip_on_launch"),
        ],
        &[],
    );
}

#[test]
fn driftignore_is_honoured() {
    let s = Scenario::new("scenarios/driftignore");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let c = s.ec2();
    block_on(async {
        c.create_security_group()
            .group_name("other-team")
            .description("x")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        add_tags(&c, &vpc, &[("Owner", "bob"), ("Cost", "7")]).await;
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(findings(&report), pairs(&[("changed", "aws_vpc.main")]));
    assert_eq!(change_paths(&report, "aws_vpc.main"), ["tags.Cost"]);
    // What the fixture's .driftignore hides, on every path (the unmanaged group is checked by
    // the findings, which every path must share).
    s.assert_oracle_with(&report, &[("aws_vpc.main", "tags.Owner")], &[]);
}

#[test]
fn default_tags_are_compared_through_tags_all() {
    let s = Scenario::new("scenarios/default_tags");
    s.apply();
    // No change yet: tags vs tags_all must not look like drift, on any path.
    s.assert_no_drift_anywhere();
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    block_on(async {
        add_tags(&c, &vpc, &[("Env", "dev")]).await;
        remove_tag(&c, &subnet, "Team").await;
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(change_paths(&report, "aws_vpc.main"), ["tags.Env"]);
    assert_eq!(change_paths(&report, "aws_subnet.a"), ["tags.Team"]);
    s.assert_oracle(&report);
}

#[test]
fn volume_resized_and_another_detached() {
    let s = Scenario::new("scenarios/volume_resized");
    s.apply();
    let vol = s.id("aws_ebs_volume.data");
    let logs = s.id("aws_ebs_volume.logs");
    let app = s.id("aws_instance.app");
    let c = s.ec2();
    block_on(async {
        c.modify_volume()
            .volume_id(&vol)
            .size(20)
            .send()
            .await
            .unwrap();
        // moto needs the instance and device a real DetachVolume may leave out.
        c.detach_volume()
            .volume_id(&logs)
            .instance_id(&app)
            .device("/dev/sdg")
            .send()
            .await
            .unwrap();
        // The managed data volume attached by hand.
        c.attach_volume()
            .volume_id(&vol)
            .instance_id(&app)
            .device("/dev/sdh")
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[
            ("changed", "aws_ebs_volume.data"),
            ("missing", "aws_volume_attachment.logs"),
            ("unmanaged", "aws_volume_attachment"),
        ])
    );
    let made = drift_of_id(&report, &format!("/dev/sdh:{vol}:{app}"));
    assert_eq!(made["kind"], "unmanaged", "under its import ID: {made}");
    assert_eq!(change_paths(&report, "aws_ebs_volume.data"), ["size"]);
    let d = drift_of(&report, "aws_ebs_volume.data");
    assert_eq!(d["changes"][0]["state"], 10);
    assert_eq!(d["changes"][0]["live"], 20);
    s.assert_oracle(&report);
}

#[test]
fn elastic_ip_moved_to_another_instance() {
    let s = Scenario::new("scenarios/eip_moved");
    s.apply();
    let alloc = s.id("aws_eip.ip");
    let b = s.id("aws_instance.b");
    let c = s.ec2();
    block_on(async {
        c.associate_address()
            .allocation_id(&alloc)
            .instance_id(&b)
            .allow_reassociation(true)
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    let d = drift_of(&report, "aws_eip.ip");
    assert!(
        change_paths(&report, "aws_eip.ip").contains(&"instance".to_string()),
        "{report:#}"
    );
    assert_eq!(d["severity"], "high");
    s.assert_oracle(&report);
}

#[test]
fn route_added_to_a_route_table() {
    let s = Scenario::new("scenarios/route_added");
    s.apply();
    let rt = s.id("aws_route_table.public");
    let igw = s.id("aws_internet_gateway.gw");
    let c = s.ec2();
    block_on(async {
        c.create_route()
            .route_table_id(&rt)
            .destination_cidr_block("192.168.0.0/16")
            .gateway_id(&igw)
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[("changed", "aws_route_table.public")])
    );
    assert_eq!(change_paths(&report, "aws_route_table.public"), ["route"]);
    assert_eq!(
        drift_of(&report, "aws_route_table.public")["severity"],
        "high"
    );
    s.assert_oracle(&report);
}

#[test]
fn every_region_the_config_uses_is_scanned() {
    let s = Scenario::new("scenarios/multi_region");
    s.apply();
    let west = s.id("aws_vpc.west");
    let c = common::ec2(&s.moto.url, "us-west-2");
    block_on(async {
        add_tags(&c, &west, &[("Name", "moved")]).await;
        // An unmanaged VPC in the second region.
        c.create_vpc()
            .cidr_block("10.9.0.0/16")
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        pairs(&[("changed", "aws_vpc.west"), ("unmanaged", "aws_vpc")])
    );
    assert_eq!(drift_of(&report, "aws_vpc.west")["region"], "us-west-2");
    s.assert_oracle(&report);
}

#[test]
fn show_json_state_and_explicit_state_flag() {
    let s = Scenario::new("scenarios/volume_resized");
    s.apply();
    let show = s.path().join("show.json");
    std::fs::write(&show, serde_json::to_vec(&s.show_state()).unwrap()).unwrap();
    let (code, report, _) = s.scan_json(&["--state", show.to_str().unwrap()]);
    assert_eq!(code, 0, "{report:#}");
    // The volume, the instance, the second volume and its attachment.
    assert_eq!(report["summary"]["managed"], 4);
    // The same through a glob.
    let (code, report, _) = s.scan_json(&["--state", "*.tfstate"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["managed"], 4);
    // Drift read against the show-JSON state, on every path.
    let vol = s.id("aws_ebs_volume.data");
    block_on(async {
        s.ec2()
            .modify_volume()
            .volume_id(&vol)
            .size(30)
            .send()
            .await
            .unwrap();
    });
    let (code, report, _) = s.scan_json(&["--state", show.to_str().unwrap()]);
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(change_paths(&report, "aws_ebs_volume.data"), ["size"]);
    // The oracle's noise here: this state was shown before any refresh, and Terraform's refresh
    // then lists the volume `aws_volume_attachment.logs` attached in the instance's
    // `ebs_block_device`. The attachment is a resource of its own, judged there; no path of the
    // scan reports it on the instance.
    s.assert_oracle_with(
        &report,
        &[("aws_instance.app", "ebs_block_device")],
        &["--state", show.to_str().unwrap()],
    );
}

#[test]
fn initialised_backend_is_read_with_state_pull() {
    let s = Scenario::new("scenarios/backend_local");
    s.apply();
    assert!(!s.path().join("terraform.tfstate").exists());
    assert!(s.path().join("states/main.tfstate").exists());
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["managed"], 1);
    let vpc = s.id("aws_vpc.main");
    block_on(async {
        s.ec2().delete_vpc().vpc_id(&vpc).send().await.unwrap();
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(findings(&report), pairs(&[("missing", "aws_vpc.main")]));
    s.assert_oracle(&report);
}

/// The public-module style fixture, in the style of the public VPC, security-group and EC2
/// modules: routes as `aws_route`, rules as separate resources of both kinds, gateway and
/// interface endpoints (one given its subnets and group by associations), a DHCP options
/// association, the VPC's default group and table taken
/// over, an ENI attachment, an instance profile, a spot request; `region = local.region` in a
/// region other than the environment's. Applied once (the parents' own state copies of the
/// parts other resources manage are stale, as for everyone who applies such a configuration
/// once): no drift on any path. Then changed by hand: each change is reported once, on the
/// resource that manages the part, on every path.
#[test]
fn module_style_parts_are_judged_on_the_resources_that_manage_them() {
    let s = Scenario::new("nodrift/public_modules");
    s.apply();
    s.assert_no_drift_anywhere();
    let c = s.ec2_in("eu-west-1");
    let web = s.id("aws_security_group.web");
    let public = s.id("aws_route_table.public");
    let private = s.id("aws_route_table.private");
    let igw = s.id("aws_internet_gateway.this");
    let role = s.id("aws_iam_role.instance");
    let policy = s.id("aws_iam_policy.instance");
    let s3 = s.id("aws_vpc_endpoint.s3");
    let logs = s.id("aws_vpc_endpoint.logs");
    let private_b = s.id("aws_subnet.private[\"b\"]");
    let spot = s.id("aws_spot_instance_request.worker");
    block_on(async {
        // An interface endpoint taken out of a subnet an association put it in.
        c.modify_vpc_endpoint()
            .vpc_endpoint_id(&logs)
            .remove_subnet_ids(&private_b)
            .send()
            .await
            .unwrap();
        // A gateway endpoint taken off one of its route tables.
        c.modify_vpc_endpoint()
            .vpc_endpoint_id(&s3)
            .remove_route_table_ids(&private)
            .send()
            .await
            .unwrap();
        // A spot request cancelled (its instance keeps running, still the request's own).
        c.cancel_spot_instance_requests()
            .spot_instance_request_ids(&spot)
            .send()
            .await
            .unwrap();
        // A DHCP options set made by hand.
        c.create_dhcp_options()
            .dhcp_configurations(
                NewDhcpConfiguration::builder()
                    .key("domain-name-servers")
                    .values("10.0.0.2")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        // A policy attachment, detached.
        s.iam()
            .detach_role_policy()
            .role_name(&role)
            .policy_arn(&policy)
            .send()
            .await
            .unwrap();
        // A rule an aws_security_group_rule manages, revoked.
        c.revoke_security_group_ingress()
            .group_id(&web)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(80)
                    .to_port(80)
                    .ip_ranges(IpRange::builder().cidr_ip("10.42.0.0/16").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        // A rule added by hand to a group whose rules are separate resources.
        c.authorize_security_group_ingress()
            .group_id(&web)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
        // A route an aws_route manages, deleted; another added by hand.
        c.delete_route()
            .route_table_id(&private)
            .destination_cidr_block("0.0.0.0/0")
            .send()
            .await
            .unwrap();
        c.create_route()
            .route_table_id(&public)
            .destination_cidr_block("10.99.0.0/16")
            .gateway_id(&igw)
            .send()
            .await
            .unwrap();
    });
    let expected = pairs(&[
        ("changed", "aws_route_table.public"),
        ("changed", "aws_security_group.web"),
        ("changed", "aws_vpc_endpoint.s3"),
        ("missing", "aws_iam_role_policy_attachment.instance"),
        ("missing", "aws_route.private_nat_gateway"),
        ("missing", "aws_spot_instance_request.worker"),
        ("missing", "aws_vpc_endpoint_subnet_association.logs[\"b\"]"),
        ("unmanaged", "aws_vpc_dhcp_options"),
        (
            "missing",
            "aws_security_group_rule.web_ingress_http_internal",
        ),
    ]);
    found_once_on_every_path(
        &s,
        &expected,
        &[
            ("aws_security_group.web", "ingress"),
            ("aws_vpc_endpoint.s3", "route_table_ids"),
            ("aws_route_table.public", "route"),
        ],
        &["aws_security_group.web"],
    );
}

/// The rest of the EC2 family, in the style of the public VPC, peering and transit gateway
/// modules: a secondary range, an egress-only gateway, the default network ACL taken over, an
/// ACL with separate rules, a subnet put in an ACL and a gateway attached to a VPC by their
/// own resources, a flow log, VPN and customer gateways, a prefix list, peering, a
/// transit gateway with a VPC attachment and a main route table, a golden image from a
/// snapshot; and IAM for people and machines in the style of the IAM modules: users in a group
/// with an attached policy, memberships, user and group attachments, inline policies on a role,
/// a user and a group, an OIDC provider, a service-linked role. One apply serves both: no drift
/// on any path. Then changed by hand: each change is found once, on every path.
#[test]
fn edges_of_ec2_and_iam_are_listed_natively_and_each_change_found_once() {
    let s = Scenario::new("nodrift/edges");
    s.apply();
    s.assert_no_drift_anywhere();
    let c = s.ec2_in("us-east-1");
    let public_acl = s.id("aws_network_acl.public");
    let default_acl = s.id("aws_default_network_acl.this");
    let vpc = s.id("aws_vpc.this");
    block_on(async {
        // A rule an aws_network_acl_rule manages, deleted; another entry added by hand.
        c.delete_network_acl_entry()
            .network_acl_id(&public_acl)
            .rule_number(110)
            .egress(false)
            .send()
            .await
            .unwrap();
        c.create_network_acl_entry()
            .network_acl_id(&public_acl)
            .rule_number(200)
            .egress(false)
            .protocol("6")
            .rule_action(aws_sdk_ec2::types::RuleAction::Allow)
            .cidr_block("0.0.0.0/0")
            .port_range(
                aws_sdk_ec2::types::PortRange::builder()
                    .from(22)
                    .to(22)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        // The private subnet moved back to the default ACL; the shared gateway detached.
        c.replace_network_acl_association()
            .association_id(s.id("aws_network_acl_association.private"))
            .network_acl_id(&default_acl)
            .send()
            .await
            .unwrap();
        c.detach_vpn_gateway()
            .vpn_gateway_id(s.id("aws_vpn_gateway.shared"))
            .vpc_id(s.id("aws_vpc.shared"))
            .send()
            .await
            .unwrap();
        // The default ACL's allow-all inbound entry, deleted.
        c.delete_network_acl_entry()
            .network_acl_id(&default_acl)
            .rule_number(100)
            .egress(false)
            .send()
            .await
            .unwrap();
        c.delete_egress_only_internet_gateway()
            .egress_only_internet_gateway_id(s.id("aws_egress_only_internet_gateway.this"))
            .send()
            .await
            .unwrap();
        c.delete_flow_logs()
            .flow_log_ids(s.id("aws_flow_log.this"))
            .send()
            .await
            .unwrap();
        c.delete_customer_gateway()
            .customer_gateway_id(s.id("aws_customer_gateway.this[\"office\"]"))
            .send()
            .await
            .unwrap();
        c.create_customer_gateway()
            .bgp_asn(65200)
            .ip_address("198.51.100.77")
            .r#type(aws_sdk_ec2::types::GatewayType::Ipsec1)
            .send()
            .await
            .unwrap();
        c.detach_vpn_gateway()
            .vpn_gateway_id(s.id("aws_vpn_gateway.this"))
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        c.delete_vpc_peering_connection()
            .vpc_peering_connection_id(s.id("aws_vpc_peering_connection.shared"))
            .send()
            .await
            .unwrap();
        c.modify_managed_prefix_list()
            .prefix_list_id(s.id("aws_ec2_managed_prefix_list.offices"))
            .current_version(1)
            // moto forgets the name of a list modified without one.
            .prefix_list_name("edges-offices")
            .remove_entries(
                aws_sdk_ec2::types::RemovePrefixListEntry::builder()
                    .cidr("192.0.2.0/24")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        c.delete_transit_gateway_vpc_attachment()
            .transit_gateway_attachment_id(s.id("aws_ec2_transit_gateway_vpc_attachment.shared"))
            .send()
            .await
            .unwrap();
        // A range added to the VPC and a snapshot taken, both by hand.
        c.associate_vpc_cidr_block()
            .vpc_id(&vpc)
            .cidr_block("10.62.0.0/16")
            .send()
            .await
            .unwrap();
        c.create_snapshot()
            .volume_id(s.id("aws_ebs_volume.golden"))
            .description("before the upgrade")
            .send()
            .await
            .unwrap();
    });
    let iam = s.iam();
    let policy = s.id("aws_iam_policy.read_only");
    let provider = s.id("aws_iam_openid_connect_provider.ci");
    block_on(async {
        iam.detach_group_policy()
            .group_name("engineers")
            .policy_arn(&policy)
            .send()
            .await
            .unwrap();
        iam.delete_user_policy()
            .user_name("bob")
            .policy_name("buckets")
            .send()
            .await
            .unwrap();
        // The role's sessions made longer by hand (a field only ListRoles returns).
        // (moto clears a description UpdateRole does not repeat; AWS keeps it.)
        iam.update_role()
            .role_name("ci-deploy")
            .description("deploys from CI")
            .max_session_duration(43200)
            .send()
            .await
            .unwrap();
        // The role's inline policy widened by hand.
        iam.put_role_policy()
            .role_name("ci-deploy")
            .policy_name("deploy")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
        iam.remove_user_from_group()
            .group_name("engineers")
            .user_name("alice")
            .send()
            .await
            .unwrap();
        iam.tag_user()
            .user_name("bob")
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("Team")
                    .value("finance")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        iam.update_open_id_connect_provider_thumbprint()
            .open_id_connect_provider_arn(&provider)
            .thumbprint_list("0000000000000000000000000000000000000000")
            .send()
            .await
            .unwrap();
        // The audit policy's exclusive attachment, detached from one of its users.
        iam.detach_user_policy()
            .user_name("bob")
            .policy_arn(s.id("aws_iam_policy.audit"))
            .send()
            .await
            .unwrap();
        // A user made in the console.
        iam.create_user().user_name("mallory").send().await.unwrap();
        // A policy attached by hand to a managed user, and a policy made by hand attached to a
        // managed group: attachments no resource in the state makes.
        iam.attach_user_policy()
            .user_name("bob")
            .policy_arn(&policy)
            .send()
            .await
            .unwrap();
        let made = iam
            .create_policy()
            .policy_name("break-glass")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
        iam.attach_group_policy()
            .group_name("engineers")
            .policy_arn(made.policy().and_then(|p| p.arn()).unwrap())
            .send()
            .await
            .unwrap();
        // An inline policy put by hand on a managed user.
        iam.put_user_policy()
            .user_name("alice")
            .policy_name("scratch")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
    });
    let expected = pairs(&[
        ("changed", "aws_default_network_acl.this"),
        ("changed", "aws_iam_openid_connect_provider.ci"),
        ("changed", "aws_iam_policy_attachment.audit"),
        ("changed", "aws_iam_role.ci"),
        ("changed", "aws_iam_role_policy.ci_deploy"),
        ("changed", "aws_iam_user.this[\"bob\"]"),
        ("changed", "aws_iam_user_group_membership.this[\"alice\"]"),
        (
            "missing",
            "aws_iam_group_policy_attachment.engineers_read_only",
        ),
        ("missing", "aws_iam_user_policy.bob_buckets"),
        ("unmanaged", "aws_iam_user"),
        ("unmanaged", "aws_iam_user_policy_attachment"),
        ("unmanaged", "aws_iam_group_policy_attachment"),
        ("unmanaged", "aws_iam_policy"),
        ("unmanaged", "aws_iam_user_policy"),
        ("changed", "aws_ec2_managed_prefix_list.offices"),
        ("changed", "aws_network_acl.public"),
        ("changed", "aws_vpn_gateway.this"),
        ("missing", "aws_customer_gateway.this[\"office\"]"),
        ("missing", "aws_ec2_transit_gateway_vpc_attachment.shared"),
        ("missing", "aws_egress_only_internet_gateway.this"),
        ("missing", "aws_flow_log.this"),
        ("missing", "aws_network_acl_rule.public_inbound[1]"),
        ("missing", "aws_network_acl_association.private"),
        ("missing", "aws_vpn_gateway_attachment.shared"),
        ("missing", "aws_vpc_peering_connection.shared"),
        ("unmanaged", "aws_customer_gateway"),
        ("unmanaged", "aws_ebs_snapshot"),
        ("unmanaged", "aws_vpc_ipv4_cidr_block_association"),
    ]);
    found_once_on_every_path(
        &s,
        &expected,
        &[
            ("aws_network_acl.public", "ingress"),
            ("aws_default_network_acl.this", "ingress"),
            ("aws_ec2_managed_prefix_list.offices", "entry"),
            ("aws_vpn_gateway.this", "vpc_id"),
            ("aws_iam_openid_connect_provider.ci", "thumbprint_list"),
            ("aws_iam_policy_attachment.audit", "users"),
            ("aws_iam_role_policy.ci_deploy", "policy"),
            ("aws_iam_role.ci", "max_session_duration"),
            ("aws_iam_user.this[\"bob\"]", "tags.Team"),
            ("aws_iam_user_group_membership.this[\"alice\"]", "groups"),
        ],
        &["aws_network_acl.public", "aws_iam_role_policy.ci_deploy"],
    );
}

/// On every path (the three of `common::PATHS` and the native one alone): exit 2 and exactly
/// the `expected` findings; each `(address, path)` changed at that one path; each of `high`
/// reported high.
fn found_once_on_every_path(
    s: &Scenario,
    expected: &[(String, String)],
    changed: &[(&str, &str)],
    high: &[&str],
) -> Vec<(&'static str, Value, common::Run)> {
    let mut problems = Vec::new();
    let mut runs = Vec::new();
    for (label, args) in common::PATHS.iter().chain([&common::NATIVE_ONLY]) {
        let (code, report, run) = s.scan_json(args);
        runs.push((*label, report.clone(), run));
        if code != 2 || findings(&report) != expected {
            problems.push(format!("{label}: exit {code}, {:?}", findings(&report)));
            continue;
        }
        for (address, path) in changed {
            if change_paths(&report, address) != [*path] {
                let d = drift_of(&report, address);
                problems.push(format!("{label}: {address} should change {path}: {d}"));
            }
        }
        for address in high {
            let d = drift_of(&report, address);
            if d["severity"] != "high" {
                problems.push(format!("{label}: {address} should be high: {d}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    runs
}

/// CloudWatch Logs, ECR, Lambda, SQS and KMS, listed natively in a region only the
/// configuration's locals name.
/// Logs: a retention and a tag changed by hand, a group and a metric filter deleted, a group
/// and a filter made by hand, and the groups Lambda makes for a managed function (silent) and
/// for one nobody manages (unmanaged). ECR: tag mutability and a pull policy changed, a
/// lifecycle policy deleted, a repository and a policy made by hand. Lambda: an environment
/// value changed (reported, never shown), a mapping switched off, an alias's description
/// changed, a permission revoked, a function, an alias, a permission and a layer made by hand.
/// SQS: a timeout changed, the policy its own resource sets deleted, the receive count of a
/// redrive policy written as its own resource changed, a queue made by hand.
/// KMS: rotation switched off, the alias pointed at a key made by hand.
/// SNS: a display name changed, the policy its own resource sets replaced, a subscription's raw
/// delivery switched off, a subscription deleted, a topic and a subscription made by hand.
#[test]
fn regional_services_are_listed_natively_and_each_change_found_once() {
    let s = Scenario::new("nodrift/services");
    let zip = s.path().join("resize.zip");
    let made = std::process::Command::new(std::env::var("MOTO_PYTHON").unwrap())
        .arg("-c")
        .arg("import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').writestr('index.py', 'def handler(e, c):\\n    return e\\n')")
        .arg(&zip)
        .status()
        .unwrap();
    assert!(made.success());
    s.apply();
    s.assert_no_drift_anywhere();
    let logs = s.logs_in("eu-west-1");
    let ecr = s.ecr_in("eu-west-1");
    let lambda = s.lambda_in("eu-west-1");
    let (sqs, kms) = (s.sqs_in("eu-west-1"), s.kms_in("eu-west-1"));
    let sns = s.sns_in("eu-west-1");
    let events_topic = s.id("aws_sns_topic.platform[\"events\"]");
    let alerts_topic = s.id("aws_sns_topic.platform[\"alerts\"]");
    let events_sub = s.id("aws_sns_topic_subscription.events");
    let alerts_sub = s.id("aws_sns_topic_subscription.alerts");
    let queue = s.id("aws_sqs_queue.uploads");
    let orders = s.id("aws_sqs_queue.orders");
    let orders_dlq = s.state_value("aws_sqs_queue.orders_dlq", "arn");
    let key = s.id("aws_kms_key.logs");
    let mapping = s.id("aws_lambda_event_source_mapping.uploads");
    let role = s.state_value("aws_iam_role.resize", "arn");
    let code = std::fs::read(s.path().join("resize.zip")).unwrap();
    let audit = s.id("aws_cloudwatch_log_group.audit");
    block_on(async {
        logs.put_retention_policy()
            .log_group_name("/platform/worker")
            .retention_in_days(90)
            .send()
            .await
            .unwrap();
        let api = logs
            .describe_log_groups()
            .log_group_name_prefix("/platform/api")
            .send()
            .await
            .unwrap();
        let arn = api.log_groups()[0].arn().unwrap();
        logs.tag_resource()
            .resource_arn(arn.strip_suffix(":*").unwrap_or(arn))
            .tags("Owner", "someone")
            .send()
            .await
            .unwrap();
        logs.delete_log_group()
            .log_group_name(&audit)
            .send()
            .await
            .unwrap();
        logs.delete_metric_filter()
            .log_group_name("/platform/worker")
            .filter_name("errors")
            .send()
            .await
            .unwrap();
        logs.put_metric_filter()
            .log_group_name("/platform/api")
            .filter_name("api-timeouts")
            .filter_pattern("timeout")
            .metric_transformations(
                aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                    .metric_name("Timeouts")
                    .metric_namespace("Platform/api")
                    .metric_value("1")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        // The group Lambda makes on the managed function's first run is the function's.
        for name in [
            "/platform/scratch",
            "/aws/lambda/hand-made",
            "/aws/lambda/resize-images",
        ] {
            logs.create_log_group()
                .log_group_name(name)
                .send()
                .await
                .unwrap();
        }
        ecr.put_image_tag_mutability()
            .repository_name("platform/api")
            .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Mutable)
            .send()
            .await
            .unwrap();
        ecr.set_repository_policy()
            .repository_name("platform/api")
            .policy_text(PUBLIC_PULL)
            .send()
            .await
            .unwrap();
        ecr.delete_lifecycle_policy()
            .repository_name("platform/worker")
            .send()
            .await
            .unwrap();
        ecr.set_repository_policy()
            .repository_name("platform/worker")
            .policy_text(PUBLIC_PULL)
            .send()
            .await
            .unwrap();
        ecr.create_repository()
            .repository_name("scratch")
            .send()
            .await
            .unwrap();
        lambda
            .update_function_configuration()
            .function_name("resize-images")
            .environment(
                aws_sdk_lambda::types::Environment::builder()
                    .variables("BUCKET", "bucket-leaked-if-you-can-read-this")
                    .variables("API_TOKEN", "not-a-real-token-0042")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        lambda
            .update_alias()
            .function_name("resize-images")
            .name("live")
            .description("pointed elsewhere")
            .send()
            .await
            .unwrap();
        lambda
            .create_alias()
            .function_name("resize-images")
            .name("canary")
            .function_version("$LATEST")
            .send()
            .await
            .unwrap();
        lambda
            .publish_layer_version()
            .layer_name("scratch-libs")
            .content(
                aws_sdk_lambda::types::LayerVersionContentInput::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(code.clone()))
                    .build(),
            )
            .send()
            .await
            .unwrap();
        lambda
            .remove_permission()
            .function_name("resize-images")
            .statement_id("AllowNightlyRule")
            .send()
            .await
            .unwrap();
        lambda
            .add_permission()
            .function_name("resize-images")
            .statement_id("hand-made")
            .action("lambda:InvokeFunction")
            .principal("sns.amazonaws.com")
            .send()
            .await
            .unwrap();
        lambda
            .update_event_source_mapping()
            .uuid(&mapping)
            .enabled(false)
            .send()
            .await
            .unwrap();
        lambda
            .create_function()
            .function_name("hand-made")
            .role(role.as_str().unwrap())
            .handler("index.handler")
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .environment(
                aws_sdk_lambda::types::Environment::builder()
                    .variables("DATABASE_URL", "postgres://app:hunter2-in-the-clear@db")
                    .build(),
            )
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(code))
                    .build(),
            )
            .send()
            .await
            .unwrap();
        use aws_sdk_sqs::types::QueueAttributeName as Q;
        sqs.set_queue_attributes()
            .queue_url(&queue)
            .attributes(Q::VisibilityTimeout, "30")
            .attributes(Q::Policy, "")
            .send()
            .await
            .unwrap();
        sqs.create_queue()
            .queue_name("scratch")
            .send()
            .await
            .unwrap();
        let redrive = serde_json::json!({"deadLetterTargetArn": orders_dlq, "maxReceiveCount": 9});
        sqs.set_queue_attributes()
            .queue_url(&orders)
            .attributes(Q::RedrivePolicy, redrive.to_string())
            .send()
            .await
            .unwrap();
        kms.disable_key_rotation()
            .key_id(&key)
            .send()
            .await
            .unwrap();
        let other = kms
            .create_key()
            .description("hand-made")
            .send()
            .await
            .unwrap();
        kms.update_alias()
            .alias_name("alias/platform-logs")
            .target_key_id(other.key_metadata().unwrap().key_id())
            .send()
            .await
            .unwrap();
        sns.set_topic_attributes()
            .topic_arn(&alerts_topic)
            .attribute_name("DisplayName")
            .attribute_value("Renamed by hand")
            .send()
            .await
            .unwrap();
        let anyone = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "AnyonePublish", "Effect": "Allow", "Principal": "*",
            "Action": "sns:Publish", "Resource": events_topic}]});
        sns.set_topic_attributes()
            .topic_arn(&events_topic)
            .attribute_name("Policy")
            .attribute_value(anyone.to_string())
            .send()
            .await
            .unwrap();
        sns.set_subscription_attributes()
            .subscription_arn(&events_sub)
            .attribute_name("RawMessageDelivery")
            .attribute_value("false")
            .send()
            .await
            .unwrap();
        sns.unsubscribe()
            .subscription_arn(&alerts_sub)
            .send()
            .await
            .unwrap();
        sns.create_topic()
            .name("scratch-topic")
            .send()
            .await
            .unwrap();
        // To the queue made by hand above (SNS answers a second subscription of the same
        // endpoint with the first one).
        sns.subscribe()
            .topic_arn(&events_topic)
            .protocol("sqs")
            .endpoint("arn:aws:sqs:eu-west-1:123456789012:scratch")
            .send()
            .await
            .unwrap();
    });
    let expected = pairs(&[
        ("changed", "aws_cloudwatch_log_group.service[\"api\"]"),
        ("changed", "aws_cloudwatch_log_group.service[\"worker\"]"),
        ("missing", "aws_cloudwatch_log_group.audit"),
        (
            "missing",
            "aws_cloudwatch_log_metric_filter.errors[\"worker\"]",
        ),
        ("unmanaged", "aws_cloudwatch_log_group"),
        ("unmanaged", "aws_cloudwatch_log_group"),
        ("unmanaged", "aws_cloudwatch_log_metric_filter"),
        ("changed", "aws_ecr_repository.this[\"api\"]"),
        ("changed", "aws_ecr_repository_policy.pull"),
        ("missing", "aws_ecr_lifecycle_policy.this[\"worker\"]"),
        ("unmanaged", "aws_ecr_repository"),
        ("unmanaged", "aws_ecr_repository_policy"),
        ("changed", "aws_lambda_function.resize"),
        ("changed", "aws_lambda_event_source_mapping.uploads"),
        ("unmanaged", "aws_lambda_function"),
        ("changed", "aws_lambda_alias.live"),
        ("unmanaged", "aws_lambda_alias"),
        ("missing", "aws_lambda_permission.nightly"),
        ("unmanaged", "aws_lambda_permission"),
        ("unmanaged", "aws_lambda_layer_version"),
        ("changed", "aws_sqs_queue.uploads"),
        ("missing", "aws_sqs_queue_policy.uploads"),
        ("changed", "aws_sqs_queue_redrive_policy.orders"),
        ("unmanaged", "aws_sqs_queue"),
        ("changed", "aws_kms_key.logs"),
        ("changed", "aws_kms_alias.logs"),
        ("unmanaged", "aws_kms_key"),
        ("changed", "aws_sns_topic.platform[\"alerts\"]"),
        ("changed", "aws_sns_topic_policy.events"),
        ("changed", "aws_sns_topic_subscription.events"),
        ("missing", "aws_sns_topic_subscription.alerts"),
        ("unmanaged", "aws_sns_topic"),
        ("unmanaged", "aws_sns_topic_subscription"),
    ]);
    let runs = found_once_on_every_path(
        &s,
        &expected,
        &[
            ("aws_cloudwatch_log_group.service[\"api\"]", "tags.Owner"),
            (
                "aws_cloudwatch_log_group.service[\"worker\"]",
                "retention_in_days",
            ),
            ("aws_ecr_repository.this[\"api\"]", "image_tag_mutability"),
            ("aws_ecr_repository_policy.pull", "policy"),
            (
                "aws_lambda_function.resize",
                "environment[0].variables.BUCKET",
            ),
            ("aws_lambda_event_source_mapping.uploads", "enabled"),
            ("aws_lambda_alias.live", "description"),
            ("aws_sqs_queue.uploads", "visibility_timeout_seconds"),
            ("aws_sqs_queue_redrive_policy.orders", "redrive_policy"),
            ("aws_kms_key.logs", "enable_key_rotation"),
            ("aws_kms_alias.logs", "target_key_id"),
            ("aws_sns_topic.platform[\"alerts\"]", "display_name"),
            ("aws_sns_topic_policy.events", "policy"),
            ("aws_sns_topic_subscription.events", "raw_message_delivery"),
        ],
        &[
            "aws_ecr_repository.this[\"api\"]",
            "aws_ecr_repository_policy.pull",
            "aws_kms_key.logs",
            "aws_kms_alias.logs",
            "aws_sns_topic_policy.events",
        ],
    );
    // Unmanaged ones are named by Terraform's import ID: the filter by group and name.
    let (_, report, _) = s.scan_json(&["--live", "aws"]);
    let ids = sorted(
        report["drift"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "unmanaged")
            .map(|d| d["id"].as_str().unwrap().to_string())
            // A queue is named by its URL (moto's port varies), a key by its ID (random).
            .map(|id| match id.rsplit_once("/123456789012/") {
                Some((_, name)) => format!("http://127.0.0.1/123456789012/{name}"),
                None if id.len() == 36 && id.matches('-').count() == 4 => "5f0341e2".into(),
                // A subscription by its topic (the last part is random).
                None if id.starts_with("arn:aws:sns:") && id.matches(':').count() == 6 => {
                    format!("{}:SUB", id.rsplit_once(':').unwrap().0)
                }
                None => id,
            })
            .collect(),
    );
    assert_eq!(
        ids,
        [
            "/aws/lambda/hand-made",
            "/platform/api:api-timeouts",
            "/platform/scratch",
            "5f0341e2",
            "arn:aws:lambda:eu-west-1:123456789012:layer:scratch-libs:1",
            "arn:aws:sns:eu-west-1:123456789012:platform-events:SUB",
            "arn:aws:sns:eu-west-1:123456789012:scratch-topic",
            "hand-made",
            "http://127.0.0.1/123456789012/scratch",
            "platform/worker",
            "resize-images/canary",
            "resize-images/hand-made",
            "scratch"
        ],
        "{report:#}"
    );
    // The environment's values are compared, never shown: not the old, not the new, not those
    // of a hand-made function, whatever the variables' names.
    let secrets = [
        "not-a-real-token-0042",
        "images-staging",
        "bucket-leaked-if-you-can-read-this",
        "hunter2-in-the-clear",
    ];
    for (label, report, run) in &runs {
        for secret in secrets {
            assert!(
                !report.to_string().contains(secret) && !run.stderr.contains(secret),
                "{label} shows an environment value"
            );
        }
    }
    // Adopting the hand-made function leaves its environment to the person, in the preview and
    // in the file.
    let codify = s.drift(&["codify", ".", "--id", "hand-made", "--write"]);
    assert_eq!(codify.code, 0, "{}\n{}", codify.stdout, codify.stderr);
    let hcl = std::fs::read_to_string(s.path().join("drift_imports.tf")).unwrap();
    assert!(
        hcl.contains("resource \"aws_lambda_function\"")
            && hcl.contains("# TODO: set environment (sensitive)"),
        "{hcl}"
    );
    for secret in secrets {
        for text in [&hcl, &codify.stdout, &codify.stderr] {
            assert!(!text.contains(secret), "codify shows {secret}:\n{text}");
        }
    }
}

/// Route 53, listed once per account: a zone's tag, a record's TTL and a weight changed by hand,
/// a record deleted, a record and a zone made by hand (the new zone's own SOA and NS records
/// are the zone's, silent).
#[test]
fn dns_zones_and_records_are_listed_natively_and_each_change_found_once() {
    let s = Scenario::new("nodrift/dns");
    s.apply();
    s.assert_no_drift_anywhere();
    let (public, internal) = (
        s.id("aws_route53_zone.public"),
        s.id("aws_route53_zone.internal"),
    );
    common::block_on(async {
        use aws_sdk_route53::types::{
            Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType, Tag,
            TagResourceType,
        };
        let r53 = s.route53();
        let set = |name: &str, rtype: RrType, ttl: i64, value: &str| {
            ResourceRecordSet::builder()
                .name(name)
                .r#type(rtype)
                .ttl(ttl)
                .resource_records(ResourceRecord::builder().value(value).build().unwrap())
        };
        let change = |zone: &str, action: ChangeAction, set: ResourceRecordSet| {
            let change = Change::builder()
                .action(action)
                .resource_record_set(set)
                .build()
                .unwrap();
            r53.change_resource_record_sets()
                .hosted_zone_id(zone)
                .change_batch(ChangeBatch::builder().changes(change).build().unwrap())
                .send()
        };
        let db = set("db.internal.example", RrType::A, 120, "10.20.1.5");
        change(&internal, ChangeAction::Upsert, db.build().unwrap())
            .await
            .unwrap();
        let api = set("api.shop.example.com", RrType::A, 300, "203.0.113.20");
        change(&public, ChangeAction::Delete, api.build().unwrap())
            .await
            .unwrap();
        let promo = set("promo.shop.example.com", RrType::A, 300, "198.51.100.7");
        change(&public, ChangeAction::Create, promo.build().unwrap())
            .await
            .unwrap();
        let green = set(
            "app.shop.example.com",
            RrType::Cname,
            60,
            "green.shop.example.com",
        )
        .set_identifier("green")
        .weight(50);
        change(&public, ChangeAction::Upsert, green.build().unwrap())
            .await
            .unwrap();
        r53.change_tags_for_resource()
            .resource_type(TagResourceType::Hostedzone)
            .resource_id(&public)
            .add_tags(Tag::builder().key("Owner").value("someone").build())
            .send()
            .await
            .unwrap();
        r53.create_hosted_zone()
            .name("scratch.example")
            .caller_reference("hand-made")
            .send()
            .await
            .unwrap();
    });
    let expected = pairs(&[
        ("changed", "aws_route53_record.canary[\"green\"]"),
        ("changed", "aws_route53_record.db"),
        ("changed", "aws_route53_zone.public"),
        ("missing", "aws_route53_record.host[\"api\"]"),
        ("unmanaged", "aws_route53_record"),
        ("unmanaged", "aws_route53_zone"),
    ]);
    found_once_on_every_path(
        &s,
        &expected,
        &[
            ("aws_route53_record.db", "ttl"),
            (
                "aws_route53_record.canary[\"green\"]",
                "weighted_routing_policy[0].weight",
            ),
            ("aws_route53_zone.public", "tags.Owner"),
        ],
        &[],
    );
    // The hand-made record is named by the ID `terraform import` takes.
    let (_, report, _) = s.scan_json(&["--live", "aws"]);
    let record = drift_of_id(&report, &format!("{public}_promo.shop.example.com_A"));
    assert_eq!(record["kind"], "unmanaged", "{report:#}");
}

/// EKS in a region only the configuration's locals name: a cluster, two managed node groups
/// over a map and a Fargate profile. A node group scaled by hand, a tag put on the cluster, the
/// Fargate profile deleted and a cluster made by hand: each found once, on every path.
#[test]
fn eks_clusters_node_groups_and_profiles_are_listed_natively_and_each_change_found_once() {
    let s = Scenario::new("nodrift/eks");
    s.apply();
    s.assert_no_drift_anywhere();
    let eks = s.eks_in("eu-west-1");
    let subnet = s.id("aws_subnet.private[\"a\"]");
    let role = s.state_value("aws_iam_role.this[\"cluster\"]", "arn");
    let cluster = s.state_value("aws_eks_cluster.this", "arn");
    block_on(async {
        use aws_sdk_eks::types::{NodegroupScalingConfig, VpcConfigRequest};
        eks.update_nodegroup_config()
            .cluster_name("platform")
            .nodegroup_name("general")
            .scaling_config(
                NodegroupScalingConfig::builder()
                    .min_size(1)
                    .max_size(4)
                    .desired_size(3)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        eks.tag_resource()
            .resource_arn(cluster.as_str().unwrap())
            .tags("Owner", "someone")
            .send()
            .await
            .unwrap();
        eks.delete_fargate_profile()
            .cluster_name("platform")
            .fargate_profile_name("system")
            .send()
            .await
            .unwrap();
        eks.create_cluster()
            .name("scratch")
            .role_arn(role.as_str().unwrap())
            .resources_vpc_config(VpcConfigRequest::builder().subnet_ids(&subnet).build())
            .send()
            .await
            .unwrap();
    });
    let expected = pairs(&[
        ("changed", "aws_eks_cluster.this"),
        ("changed", "aws_eks_node_group.this[\"general\"]"),
        ("missing", "aws_eks_fargate_profile.system"),
        ("unmanaged", "aws_eks_cluster"),
    ]);
    found_once_on_every_path(
        &s,
        &expected,
        &[
            ("aws_eks_cluster.this", "tags.Owner"),
            (
                "aws_eks_node_group.this[\"general\"]",
                "scaling_config[0].desired_size",
            ),
        ],
        &[],
    );
    let (_, report, _) = s.scan_json(&["--live", "aws"]);
    assert_eq!(drift_of_id(&report, "scratch")["kind"], "unmanaged");
}

/// GuardDuty in two regions only the configuration's locals name, with the organization's
/// delegated administrator: a detector's publishing frequency changed by hand, the other
/// region's detector deleted and one made by hand in its place, a second administrator named
/// by hand; each found once, on every path.
#[test]
fn guardduty_detectors_are_listed_natively_and_each_change_found_once() {
    let s = Scenario::new("nodrift/guardduty");
    s.apply();
    s.assert_no_drift_anywhere();
    let (primary, replica) = (
        s.id("aws_guardduty_detector.primary"),
        s.id("aws_guardduty_detector.replica"),
    );
    let made = block_on(async {
        use aws_sdk_guardduty::types::FindingPublishingFrequency as F;
        s.guardduty_in("eu-central-1")
            .update_detector()
            .detector_id(&primary)
            .finding_publishing_frequency(F::FifteenMinutes)
            .send()
            .await
            .unwrap();
        // A second delegated administrator, named by hand in the management account.
        s.guardduty_in("eu-central-1")
            .enable_organization_admin_account()
            .admin_account_id("333344445555")
            .send()
            .await
            .unwrap();
        let west = s.guardduty_in("eu-west-1");
        west.delete_detector()
            .detector_id(&replica)
            .send()
            .await
            .unwrap();
        west.create_detector()
            .enable(true)
            .send()
            .await
            .unwrap()
            .detector_id()
            .unwrap()
            .to_string()
    });
    let expected = pairs(&[
        ("changed", "aws_guardduty_detector.primary"),
        ("missing", "aws_guardduty_detector.replica"),
        ("unmanaged", "aws_guardduty_detector"),
        ("unmanaged", "aws_guardduty_organization_admin_account"),
    ]);
    found_once_on_every_path(
        &s,
        &expected,
        &[(
            "aws_guardduty_detector.primary",
            "finding_publishing_frequency",
        )],
        &[],
    );
    let (_, report, _) = s.scan_json(&["--live", "aws"]);
    assert_eq!(drift_of_id(&report, &made)["kind"], "unmanaged");
}

/// Load balancers, target groups, listeners, listener rules and attachments, under both names
/// Terraform gives them: a health check, tags, security groups and a rule's priority changed
/// by hand, a listener and a rule deleted, a target deregistered, a target group, a listener
/// and a rule made by hand.
#[test]
fn load_balancers_are_listed_natively_and_each_change_found_once() {
    let s = Scenario::new("nodrift/load_balancer");
    s.apply();
    s.assert_no_drift_anywhere();
    let elb = s.elb_in("us-east-1");
    let (lb, internal) = (s.id("aws_lb.this"), s.id("aws_alb.internal"));
    let (api, web) = (
        s.id("aws_lb_target_group.this[\"api\"]"),
        s.id("aws_lb_target_group.this[\"web\"]"),
    );
    let listener = s.id("aws_alb_listener.admin");
    let http = s.id("aws_lb_listener.http");
    let (api_rule, maintenance) = (
        s.id("aws_lb_listener_rule.api"),
        s.id("aws_lb_listener_rule.maintenance"),
    );
    let instance = s.id("aws_instance.web[1]");
    let default_group = s.state_value("aws_vpc.this", "default_security_group_id");
    let vpc = s.id("aws_vpc.this");
    block_on(async {
        use aws_sdk_elasticloadbalancingv2::types::{
            Action, ActionTypeEnum, PathPatternConditionConfig, ProtocolEnum, RuleCondition,
            RulePriorityPair, Tag, TargetDescription,
        };
        elb.set_rule_priorities()
            .rule_priorities(
                RulePriorityPair::builder()
                    .rule_arn(&api_rule)
                    .priority(15)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        elb.delete_rule()
            .rule_arn(&maintenance)
            .send()
            .await
            .unwrap();
        elb.create_rule()
            .listener_arn(&http)
            .priority(99)
            .conditions(
                RuleCondition::builder()
                    .field("path-pattern")
                    .path_pattern_config(
                        PathPatternConditionConfig::builder()
                            .values("/debug/*")
                            .build(),
                    )
                    .build(),
            )
            .actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(&web)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        elb.modify_target_group()
            .target_group_arn(&api)
            .health_check_path("/changed")
            .send()
            .await
            .unwrap();
        elb.deregister_targets()
            .target_group_arn(&web)
            .targets(TargetDescription::builder().id(instance).port(80).build())
            .send()
            .await
            .unwrap();
        elb.add_tags()
            .resource_arns(&lb)
            .tags(Tag::builder().key("Owner").value("someone").build())
            .send()
            .await
            .unwrap();
        elb.set_security_groups()
            .load_balancer_arn(&internal)
            .security_groups(default_group.as_str().unwrap())
            .send()
            .await
            .unwrap();
        elb.delete_listener()
            .listener_arn(&listener)
            .send()
            .await
            .unwrap();
        let scratch = elb
            .create_target_group()
            .name("scratch")
            .protocol(ProtocolEnum::Http)
            .port(8081)
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        let scratch = scratch.target_groups()[0].target_group_arn().unwrap();
        elb.create_listener()
            .load_balancer_arn(&lb)
            .protocol(ProtocolEnum::Http)
            .port(8081)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(scratch)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let expected = pairs(&[
        ("changed", "aws_alb.internal"),
        ("missing", "aws_alb_listener.admin"),
        ("changed", "aws_lb.this"),
        ("unmanaged", "aws_lb_listener"),
        ("changed", "aws_lb_target_group.this[\"api\"]"),
        ("unmanaged", "aws_lb_target_group"),
        ("missing", "aws_lb_target_group_attachment.web[1]"),
        ("changed", "aws_lb_listener_rule.api"),
        ("missing", "aws_lb_listener_rule.maintenance"),
        ("unmanaged", "aws_lb_listener_rule"),
    ]);
    found_once_on_every_path(
        &s,
        &expected,
        &[
            ("aws_alb.internal", "security_groups"),
            ("aws_lb.this", "tags.Owner"),
            ("aws_lb_target_group.this[\"api\"]", "health_check[0].path"),
            ("aws_lb_listener_rule.api", "priority"),
        ],
        &["aws_alb.internal"],
    );
}

/// A repository policy anyone may pull with.
const PUBLIC_PULL: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AnyonePulls","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;
