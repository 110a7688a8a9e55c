//! Cloud wins, round trips through the real terraform + AWS provider + moto: `codify` makes
//! unmanaged resources importable with a plan of imports only; `patch` rewrites literals so the
//! plan is clean, every other byte of the files unchanged.

mod common;

use std::process::Command;

use common::{Scenario, add_tags, block_on};
use serde_json::Value;

fn plan_json(s: &Scenario) -> Value {
    s.terraform_ok(&["plan", "-input=false", "-no-color", "-out=check.tfplan"]);
    serde_json::from_str(&s.terraform_ok(&["show", "-json", "check.tfplan"])).unwrap()
}

#[test]
fn codify_round_trip_imports_only_then_clean() {
    let s = Scenario::new("cloudwins/base");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    let hostile = "ops ${path.module} %{if true}x%{endif} \"quoted\" \\ back\nslash";
    let (instance, sg, volume, eip) = block_on(async {
        let sg = c
            .create_security_group()
            .group_name("hand-made")
            .description("made in the console")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap()
            .group_id()
            .unwrap()
            .to_string();
        add_tags(&c, &sg, &[("Owner", hostile)]).await;
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
        (instance, sg, volume, eip)
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
    let run = s.drift(&["codify", ".", "--write"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
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

    let plan = plan_json(&s);
    let changes = plan["resource_changes"].as_array().unwrap();
    let mut imported: Vec<String> = Vec::new();
    for rc in changes {
        let actions = &rc["change"]["actions"];
        assert_eq!(
            actions,
            &serde_json::json!(["no-op"]),
            "not only imports: {rc:#}\n{hcl}"
        );
        if let Some(id) = rc["change"]["importing"]["id"].as_str() {
            imported.push(id.to_string());
        }
    }
    imported.sort();
    let mut want = vec![instance.clone(), sg.clone(), volume.clone(), eip.clone()];
    want.sort();
    assert_eq!(imported, want, "{hcl}");
    s.terraform_ok(&["apply", "-input=false", "-no-color", "check.tfplan"]);
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(
        code, 0,
        "after codify + apply the scan must be clean: {report:#}"
    );
    let show = s.show_state();
    let tags: Vec<Value> = show["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["values"]["id"] == sg.as_str())
        .map(|r| r["values"]["tags"]["Owner"].clone())
        .collect();
    assert_eq!(tags, [Value::String(hostile.into())]);
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

    let run = s.drift(&["patch", ".", "--write"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let main_after = std::fs::read_to_string(s.path().join("main.tf")).unwrap();
    assert_eq!(
        std::fs::read_to_string(s.path().join("main.tf.terraform-drift.bak")).unwrap(),
        main_before
    );
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
}
