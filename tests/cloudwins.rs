//! Cloud wins, round trips through the real terraform + AWS provider + moto: `codify` makes
//! unmanaged resources importable with a plan of imports only; `patch` rewrites literals so the
//! plan is clean, every other byte of the files unchanged.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use aws_sdk_ec2::types::{IpPermission, IpRange, UserIdGroupPair};
use common::{Scenario, add_tags, block_on};
use serde_json::Value;

fn plan_json(s: &Scenario) -> Value {
    s.terraform_ok(&["plan", "-input=false", "-no-color", "-out=check.tfplan"]);
    serde_json::from_str(&s.terraform_ok(&["show", "-json", "check.tfplan"])).unwrap()
}

/// The plan of the module after `codify --write` imports exactly `want` (import IDs) and
/// changes nothing; applied, the scan is clean.
fn imports_only_then_clean(s: &Scenario, hcl: &str, mut want: Vec<String>) {
    let plan = plan_json(s);
    let mut imported = Vec::new();
    for rc in plan["resource_changes"].as_array().unwrap() {
        assert_eq!(
            rc["change"]["actions"],
            serde_json::json!(["no-op"]),
            "not only imports: {rc:#}\n{hcl}"
        );
        if let Some(id) = rc["change"]["importing"]["id"].as_str() {
            imported.push(id.to_string());
        }
    }
    imported.sort();
    want.sort();
    assert_eq!(imported, want, "{hcl}");
    s.terraform_ok(&["apply", "-input=false", "-no-color", "check.tfplan"]);
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(
        code, 0,
        "after codify + apply the scan must be clean: {report:#}"
    );
}

/// Runs the binary like `Scenario::drift`, under a given umask (set by the shell that execs
/// it, as a user's shell would).
fn drift_umask(s: &Scenario, umask: &str, args: &[&str]) -> common::Run {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(common::bin())
        .args(args)
        .current_dir(s.path())
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Permission bits of a file.
fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// One security group rule: (protocol, from, to, cidrs, groups, description).
type Rule = (String, i64, i64, Vec<String>, Vec<String>, String);

/// The rules of a security group in a plan or state value, sorted.
fn rules(v: &Value) -> Vec<Rule> {
    let strings = |v: &Value| -> Vec<String> {
        let mut s: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
        s.sort();
        s
    };
    let mut out: Vec<_> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["protocol"].as_str().unwrap_or_default().to_string(),
                r["from_port"].as_i64().unwrap_or(-99),
                r["to_port"].as_i64().unwrap_or(-99),
                strings(&r["cidr_blocks"]),
                strings(&r["security_groups"]),
                r["description"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn codify_round_trip_imports_only_then_clean() {
    let s = Scenario::new("cloudwins/base");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    let hostile = "ops ${path.module} %{if true}x%{endif} \"quoted\" \\ back\nslash";
    let (instance, sg, peer, volume, eip) = block_on(async {
        let group = |name: &'static str| {
            c.create_security_group()
                .group_name(name)
                .description("made in the console")
                .vpc_id(&vpc)
                .send()
        };
        let sg = group("hand-made")
            .await
            .unwrap()
            .group_id()
            .unwrap()
            .to_string();
        let peer = group("peer").await.unwrap().group_id().unwrap().to_string();
        add_tags(&c, &sg, &[("Owner", hostile)]).await;
        // Rules as people make them in the console: SSH from anywhere, HTTPS from another
        // group with a description; the default allow-all egress stays.
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
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .user_id_group_pairs(
                        UserIdGroupPair::builder()
                            .group_id(&peer)
                            .description("from peer")
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let r = c
            .run_instances()
            .image_id("ami-1e749f67")
            .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
            .subnet_id(&subnet)
            .security_group_ids(&sg)
            .min_count(1)
            .max_count(1)
            .send()
            .await
            .unwrap();
        let instance = r.instances()[0].instance_id().unwrap().to_string();
        add_tags(&c, &instance, &[("Name", "debug box")]).await;
        let volume = c
            .create_volume()
            .availability_zone("us-east-1a")
            .size(5)
            .send()
            .await
            .unwrap()
            .volume_id()
            .unwrap()
            .to_string();
        let eip = c
            .allocate_address()
            .domain(aws_sdk_ec2::types::DomainType::Vpc)
            .send()
            .await
            .unwrap()
            .allocation_id()
            .unwrap()
            .to_string();
        (instance, sg, peer, volume, eip)
    });
    // Dry run: the diff of a new file, nothing written.
    let dry = s.drift(&["codify", "."]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout.contains("+++ b/drift_imports.tf"),
        "{}",
        dry.stdout
    );
    assert!(!s.path().join("drift_imports.tf").exists());
    let run = drift_umask(&s, "022", &["codify", ".", "--write"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // A new file like any editor's: the umask decides, not a private temporary file's 0600.
    assert_eq!(mode(&s.path().join("drift_imports.tf")), 0o644);
    let hcl = std::fs::read_to_string(s.path().join("drift_imports.tf")).unwrap();
    // References, not literal IDs, where the target is managed.
    assert!(
        hcl.contains("subnet_id") && hcl.contains("aws_subnet.a.id"),
        "{hcl}"
    );
    assert!(hcl.contains("aws_vpc.main.id"), "{hcl}");
    assert!(!hcl.contains(&format!("\"{subnet}\"")), "{hcl}");
    // A second run refuses to overwrite the file.
    let again = s.drift(&["codify", ".", "--write"]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    let want = vec![
        instance.clone(),
        sg.clone(),
        peer.clone(),
        volume.clone(),
        eip.clone(),
    ];
    imports_only_then_clean(&s, &hcl, want);
    let show = s.show_state();
    let tags: Vec<Value> = show["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["values"]["id"] == sg.as_str())
        .map(|r| r["values"]["tags"]["Owner"].clone())
        .collect();
    assert_eq!(tags, [Value::String(hostile.into())]);

    // The adopted code describes the rules, not just the group: once they are revoked out of
    // band, Terraform's plan puts back exactly the rules that were live (with the code before
    // this, the plan saw nothing to do and the group stayed open to anything).
    let address = |id: &str| {
        let r = show["values"]["root_module"]["resources"]
            .as_array()
            .unwrap();
        let r = r.iter().find(|r| r["values"]["id"] == id).unwrap();
        r["address"].as_str().unwrap().to_string()
    };
    let (sg_address, peer_address) = (address(&sg), address(&peer));
    let live_ingress = rules(&s.state_value(&sg_address, "ingress"));
    let live_egress = rules(&s.state_value(&sg_address, "egress"));
    let any = |proto: &str, from, to, cidr: &[&str], groups: &[&str], desc: &str| {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        (
            proto.to_string(),
            from,
            to,
            v(cidr),
            v(groups),
            desc.to_string(),
        )
    };
    assert_eq!(
        live_ingress,
        [
            any("tcp", 22, 22, &["0.0.0.0/0"], &[], ""),
            any("tcp", 443, 443, &[], &[&peer], "from peer"),
        ]
    );
    assert_eq!(live_egress, [any("-1", 0, 0, &["0.0.0.0/0"], &[], "")]);
    block_on(async {
        c.revoke_security_group_ingress()
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
        c.revoke_security_group_egress()
            .group_id(&sg)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("-1")
                    .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let plan = plan_json(&s);
    let mut acted = Vec::new();
    for rc in plan["resource_changes"].as_array().unwrap() {
        let actions = rc["change"]["actions"].clone();
        if actions != serde_json::json!(["no-op"]) {
            acted.push((rc["address"].clone(), actions));
        }
        if rc["address"] == sg_address.as_str() {
            assert_eq!(
                rules(&rc["change"]["after"]["ingress"]),
                live_ingress,
                "{rc:#}"
            );
            assert_eq!(
                rules(&rc["change"]["after"]["egress"]),
                live_egress,
                "{rc:#}"
            );
        }
    }
    assert_eq!(
        acted,
        [(
            Value::String(sg_address.clone()),
            serde_json::json!(["update"])
        )],
        "{hcl}"
    );
    // The rule naming the other adopted group refers to it.
    assert!(
        hcl.contains(&format!("security_groups = [{peer_address}.id]")),
        "{hcl}"
    );
}

#[test]
fn patch_round_trip_keeps_every_other_byte() {
    let s = Scenario::new("cloudwins/base");
    s.apply();
    // Under git, with everything committed (patch refuses dirty files by default).
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(s.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "main.tf", "variables.tf", "provider.tf"]);
    git(&["commit", "-qm", "base"]);
    let main_before = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    let vars_before = std::fs::read(s.path().join("variables.tf")).unwrap();
    let instance = s.id("aws_instance.web");
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    block_on(async {
        c.modify_instance_attribute()
            .instance_id(&instance)
            .instance_type(
                aws_sdk_ec2::types::AttributeValue::builder()
                    .value("t3.large")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        add_tags(&c, &vpc, &[("Owner", "alice")]).await;
        add_tags(&c, &subnet, &[("Team", "platform")]).await;
    });
    // The subnet's tag comes from a variable: reported with file:line, not edited (exit 2).
    let dry = s.drift(&["patch", "."]);
    assert_eq!(dry.code, 2, "{}\n{}", dry.stdout, dry.stderr);
    assert!(
        dry.stderr
            .contains("aws_subnet.a.tags.Team (main.tf:16): set by `var.team`"),
        "{}",
        dry.stderr
    );
    assert!(
        dry.stdout
            .contains("-  instance_type = \"t3.micro\" # small on purpose"),
        "{}",
        dry.stdout
    );
    assert_eq!(
        std::fs::read_to_string(s.path().join("main.tf")).unwrap(),
        main_before
    );

    // A dirty file is refused.
    std::fs::write(s.path().join("main.tf"), format!("{main_before}\n")).unwrap();
    let refused = s.drift(&["patch", ".", "--write"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("uncommitted changes"),
        "{}",
        refused.stderr
    );
    std::fs::write(s.path().join("main.tf"), &main_before).unwrap();
    // A file kept private stays private, and so does its backup.
    let private = std::fs::Permissions::from_mode(0o640);
    std::fs::set_permissions(s.path().join("main.tf"), private).unwrap();

    let run = drift_umask(&s, "022", &["patch", ".", "--write"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let main_after = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    let backup = s.path().join("main.tf.terraform-drift.bak");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), main_before);
    assert_eq!(mode(&s.path().join("main.tf")), 0o640);
    assert_eq!(mode(&backup), 0o640);
    // Only the instance type and the VPC's tags changed; comments, heredoc and alignment stay.
    let diff = similar::TextDiff::from_lines(&main_before, &main_after);
    let mut removed = Vec::new();
    let mut inserted = Vec::new();
    for c in diff.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().to_string()),
            similar::ChangeTag::Insert => inserted.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    assert_eq!(
        removed,
        ["  instance_type = \"t3.micro\" # small on purpose\n"],
        "{main_after}"
    );
    // The VPC (first in the file) gains its tag, the instance its new type.
    assert_eq!(inserted.len(), 2, "{main_after}");
    assert_eq!(inserted[0].trim(), "Owner = \"alice\"", "{main_after}");
    assert_eq!(
        inserted[1],
        "  instance_type = \"t3.large\" # small on purpose\n"
    );
    assert_eq!(
        std::fs::read(s.path().join("variables.tf")).unwrap(),
        vars_before,
        "CRLF file untouched"
    );
    // Terraform agrees: nothing left to change but the subnet's variable-driven tag.
    let plan = plan_json(&s);
    for rc in plan["resource_changes"].as_array().unwrap() {
        if rc["address"] == "aws_subnet.a" {
            continue;
        }
        assert_eq!(
            rc["change"]["actions"],
            serde_json::json!(["no-op"]),
            "{rc:#}"
        );
    }
    // The state learns the live values with a refresh-only apply; then all is in sync.
    s.terraform_ok(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 0, "{report:#}");
    // Reports written with --out follow the umask like any new file.
    for (umask, file, want) in [
        ("022", "report.json", 0o644),
        ("077", "private.json", 0o600),
    ] {
        let run = drift_umask(&s, umask, &["scan", ".", "--format", "json", "--out", file]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        assert_eq!(mode(&s.path().join(file)), want, "umask {umask}");
    }
}

#[test]
fn patch_of_count_instances_needs_every_instance_to_agree() {
    let s = Scenario::new("cloudwins/count");
    s.apply();
    let before = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    let (one, two) = (s.id("aws_instance.web[0]"), s.id("aws_instance.web[1]"));
    let c = s.ec2();
    let retype = |id: &str, to: &str| {
        block_on(
            c.modify_instance_attribute()
                .instance_id(id)
                .instance_type(
                    aws_sdk_ec2::types::AttributeValue::builder()
                        .value(to)
                        .build(),
                )
                .send(),
        )
        .unwrap();
    };
    // Two instances of one block drift apart: no value is right for both.
    retype(&one, "t3.large");
    retype(&two, "t3.small");
    let run = s.drift(&["patch", ".", "--write", "--allow-dirty"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for i in ["0", "1"] {
        let want = format!(
            "aws_instance.web[{i}].instance_type (main.tf:18): shared by 2 instances; edit by hand"
        );
        assert!(run.stderr.contains(&want), "{want}\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("wrote"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(s.path().join("main.tf")).unwrap(),
        before
    );

    // Both on the same type: the shared literal follows, and Terraform agrees.
    retype(&two, "t3.large");
    let run = s.drift(&["patch", ".", "--write", "--allow-dirty"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let after = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    assert_eq!(after, before.replace("\"t3.micro\"", "\"t3.large\""));
    let plan = plan_json(&s);
    for rc in plan["resource_changes"].as_array().unwrap() {
        assert_eq!(
            rc["change"]["actions"],
            serde_json::json!(["no-op"]),
            "{rc:#}"
        );
    }
}

/// Network objects made by hand next to a managed VPC, with the associations and entries that
/// tie them to it: a route table associated with the managed subnet, a network ACL with its
/// own entries that the subnet was moved to, a secondary range, an egress-only gateway and a
/// customer gateway. `codify` writes each (associations by their composite import IDs, the
/// ACL's entries as blocks, references to the managed VPC and subnet); the plan of that code
/// only imports, and after the apply the scan is clean.
#[test]
fn codify_round_trip_of_associations_and_acl_entries() {
    use aws_sdk_ec2::types::{Filter, GatewayType, PortRange, RuleAction};
    let s = Scenario::new("cloudwins/base");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    let want = block_on(async {
        let table = c.create_route_table().vpc_id(&vpc).send().await.unwrap();
        let table = table
            .route_table()
            .unwrap()
            .route_table_id()
            .unwrap()
            .to_string();
        c.associate_route_table()
            .route_table_id(&table)
            .subnet_id(&subnet)
            .send()
            .await
            .unwrap();
        let acl = c.create_network_acl().vpc_id(&vpc).send().await.unwrap();
        let acl = acl
            .network_acl()
            .unwrap()
            .network_acl_id()
            .unwrap()
            .to_string();
        for (egress, protocol, ports) in [(false, "6", Some((443, 443))), (true, "-1", None)] {
            let mut entry = c
                .create_network_acl_entry()
                .network_acl_id(&acl)
                .rule_number(100)
                .egress(egress)
                .protocol(protocol)
                .rule_action(RuleAction::Allow)
                .cidr_block("0.0.0.0/0");
            if let Some((from, to)) = ports {
                entry = entry.port_range(PortRange::builder().from(from).to(to).build());
            }
            entry.send().await.unwrap();
        }
        // The subnet leaves the default ACL for the new one.
        let current = c
            .describe_network_acls()
            .filters(
                Filter::builder()
                    .name("association.subnet-id")
                    .values(&subnet)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let association = current.network_acls()[0]
            .associations()
            .iter()
            .find(|a| a.subnet_id() == Some(subnet.as_str()))
            .and_then(|a| a.network_acl_association_id())
            .unwrap()
            .to_string();
        c.replace_network_acl_association()
            .association_id(association)
            .network_acl_id(&acl)
            .send()
            .await
            .unwrap();
        let range = c
            .associate_vpc_cidr_block()
            .vpc_id(&vpc)
            .cidr_block("10.4.0.0/16")
            .send()
            .await
            .unwrap();
        let range = range
            .cidr_block_association()
            .unwrap()
            .association_id()
            .unwrap()
            .to_string();
        let eigw = c
            .create_egress_only_internet_gateway()
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        let eigw = eigw
            .egress_only_internet_gateway()
            .unwrap()
            .egress_only_internet_gateway_id()
            .unwrap()
            .to_string();
        let cgw = c
            .create_customer_gateway()
            .bgp_asn(65010)
            .ip_address("198.51.100.9")
            .r#type(GatewayType::Ipsec1)
            .send()
            .await
            .unwrap();
        let cgw = cgw
            .customer_gateway()
            .unwrap()
            .customer_gateway_id()
            .unwrap()
            .to_string();
        vec![
            table.clone(),
            format!("{subnet}/{table}"),
            acl,
            range,
            eigw,
            cgw,
        ]
    });
    let run = s.drift(&["codify", ".", "--write"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let hcl = std::fs::read_to_string(s.path().join("drift_imports.tf")).unwrap();
    assert!(hcl.contains("subnet_ids = [aws_subnet.a.id]"), "{hcl}");
    assert!(hcl.contains("ingress {"), "{hcl}");
    imports_only_then_clean(&s, &hcl, want);
}

/// One object of every natively listed service made by hand next to a managed estate (a
/// detector in the second region the configuration uses among them): `codify` adopts them all
/// with a plan of imports only, each object imported under the ID the scan reported, and
/// once applied the scan is clean.
#[test]
fn codify_round_trip_of_one_object_per_service() {
    let s = Scenario::new("cloudwins/services");
    let zip = s.path().join("handler.zip");
    let made = Command::new(std::env::var("MOTO_PYTHON").unwrap())
        .arg("-c")
        .arg("import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').writestr('index.py', 'def handler(e, c):\\n    return e\\n')")
        .arg(&zip)
        .status()
        .unwrap();
    assert!(made.success());
    s.apply();
    let region = "eu-west-1";
    let zone = s.id("aws_route53_zone.public");
    let key = s.id("aws_kms_key.data");
    let vpc = s.id("aws_vpc.this");
    let pod_role = s.state_value("aws_iam_role.this[\"pod\"]", "arn");
    let subnets: Vec<String> = ["a", "b"]
        .iter()
        .map(|k| s.id(&format!("aws_subnet.private[\"{k}\"]")))
        .collect();
    let (iam, route53) = (s.iam(), s.route53());
    let (logs, ecr, lambda) = (s.logs_in(region), s.ecr_in(region), s.lambda_in(region));
    let (elb, sqs, kms) = (s.elb_in(region), s.sqs_in(region), s.kms_in(region));
    let (autoscaling, eks) = (s.autoscaling_in(region), s.eks_in(region));
    let sns = s.sns_in(region);
    let guardduty = s.guardduty_in("eu-central-1");
    let want: Vec<String> = block_on(async {
        use aws_sdk_route53::types::{
            Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
        };
        iam.create_group()
            .group_name("adopt-readers")
            .send()
            .await
            .unwrap();
        let record = ResourceRecordSet::builder()
            .name("hand.adopt.example.com")
            .r#type(RrType::A)
            .ttl(300)
            .resource_records(
                ResourceRecord::builder()
                    .value("192.0.2.7")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        route53
            .change_resource_record_sets()
            .hosted_zone_id(&zone)
            .change_batch(
                ChangeBatch::builder()
                    .changes(
                        Change::builder()
                            .action(ChangeAction::Create)
                            .resource_record_set(record)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        logs.create_log_group()
            .log_group_name("/adopt/hand")
            .send()
            .await
            .unwrap();
        ecr.create_repository()
            .repository_name("adopt/scratch")
            .send()
            .await
            .unwrap();
        lambda
            .create_alias()
            .function_name("adopt-api")
            .name("canary")
            .function_version("$LATEST")
            .send()
            .await
            .unwrap();
        let group = elb
            .create_target_group()
            .name("adopt-hand")
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(9090)
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        let group = group.target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string();
        // moto's default size is SQS's new 1 MiB, over what provider 5.100 accepts.
        let queue = sqs
            .create_queue()
            .queue_name("adopt-hand")
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::MaximumMessageSize,
                "262144",
            )
            .send()
            .await
            .unwrap()
            .queue_url()
            .unwrap()
            .to_string();
        let topic = sns
            .create_topic()
            .name("adopt-hand")
            .send()
            .await
            .unwrap()
            .topic_arn()
            .unwrap()
            .to_string();
        kms.create_alias()
            .alias_name("alias/adopt-hand")
            .target_key_id(&key)
            .send()
            .await
            .unwrap();
        autoscaling
            .put_scheduled_update_group_action()
            .auto_scaling_group_name("adopt-workers")
            .scheduled_action_name("nightly-off")
            .recurrence("0 22 * * *")
            .min_size(0)
            .max_size(0)
            .desired_capacity(0)
            .send()
            .await
            .unwrap();
        eks.create_fargate_profile()
            .cluster_name("adopt")
            .fargate_profile_name("hand")
            .pod_execution_role_arn(pod_role.as_str().unwrap())
            .set_subnets(Some(subnets.clone()))
            .selectors(
                aws_sdk_eks::types::FargateProfileSelector::builder()
                    .namespace("jobs")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let detector = guardduty
            .create_detector()
            .enable(true)
            .send()
            .await
            .unwrap()
            .detector_id()
            .unwrap()
            .to_string();
        vec![
            "adopt-readers".to_string(),
            format!("{zone}_hand.adopt.example.com_A"),
            "/adopt/hand".to_string(),
            "adopt/scratch".to_string(),
            "adopt-api/canary".to_string(),
            group,
            queue,
            topic,
            "alias/adopt-hand".to_string(),
            "adopt-workers/nightly-off".to_string(),
            "adopt:hand".to_string(),
            detector,
        ]
    });
    let run = s.drift(&["codify", ".", "--write"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let hcl = std::fs::read_to_string(s.path().join("drift_imports.tf")).unwrap();
    // The detector of the second region is imported and managed through that region's provider.
    assert_eq!(hcl.matches("provider = aws.dr").count(), 2, "{hcl}");
    imports_only_then_clean(&s, &hcl, want);
}
