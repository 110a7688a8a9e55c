//! Code wins: the Terraform runner (exit codes, failures, Ctrl-C), `remediate` and
//! `--delete-unmanaged` against terraform + the AWS provider + moto, and the CI integrations
//! in `examples/integrations`, each run for real.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Scenario, add_tags, block_on, findings};
use serde_json::Value;
use terraform_drift::terraform::{PlanResult, RunnerError, Terraform};

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/usr/bin/env bash\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[test]
fn runner_maps_exit_codes_and_keeps_stderr() {
    let d = tempfile::tempdir().unwrap();
    let fake = script(
        d.path(),
        "terraform",
        r#"case "$FAKE_PLAN" in
  changes) echo "Plan: 1 to change"; exit 2 ;;
  same) echo "No changes."; exit 0 ;;
  *) echo "Error: provider exploded" >&2; exit 1 ;;
esac"#,
    );
    // The mode reaches the fake through the runner's environment, never the test process's.
    let tf = |mode: &str| Terraform::new(&fake).with_env("FAKE_PLAN", mode);
    let plan = d.path().join("p");
    block_on(async {
        assert_eq!(
            tf("changes").plan(d.path(), &plan, &[]).await.unwrap(),
            PlanResult::Changes
        );
        assert_eq!(
            tf("same").plan(d.path(), &plan, &[]).await.unwrap(),
            PlanResult::NoChanges
        );
        let err = tf("fail").plan(d.path(), &plan, &[]).await.unwrap_err();
        assert!(matches!(err, RunnerError::Failed { code: 1, .. }), "{err}");
        assert!(err.to_string().contains("provider exploded"), "{err}");
        let missing = Terraform::new(d.path().join("nope"));
        let err = missing.plan(d.path(), &plan, &[]).await.unwrap_err();
        assert!(matches!(err, RunnerError::Spawn { .. }), "{err}");
    });
}

#[test]
fn terraform_missing_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.tf"), "").unwrap();
    let out = Command::new(common::bin())
        .args(["scan", ".", "--refresh", "terraform"])
        .current_dir(d.path())
        .env("PATH", d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("terraform not found"), "{err}");
}

fn alive(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z ")
}

/// Ctrl-C during a terraform run: terraform gets exactly one SIGINT, we exit 1 saying so, and
/// nothing terraform started is left running.
#[test]
fn interrupt_is_forwarded_once_and_nothing_is_orphaned() {
    let d = tempfile::tempdir().unwrap();
    let rec = d.path().join("signals");
    let child_pid = d.path().join("child.pid");
    let fake = script(
        d.path(),
        "terraform",
        &format!(
            r#"trap 'echo INT >> {rec}; exit 130' INT
sleep 300 &
echo $! > {child}
echo started >> {rec}.started
wait"#,
            rec = rec.display(),
            child = child_pid.display()
        ),
    );
    std::fs::write(d.path().join("main.tf"), "").unwrap();
    let mut run = Command::new(common::bin())
        .args(["scan", ".", "--refresh", "terraform", "--terraform"])
        .arg(&fake)
        .current_dir(d.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = d.path().join("signals.started");
    let t = Instant::now();
    while !started.exists() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the fake terraform never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(run.id() as i32, libc::SIGINT) };
    let t = Instant::now();
    let status = loop {
        if let Some(s) = run.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "terraform-drift did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(run.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&rec).unwrap(),
        "INT\n",
        "exactly one SIGINT"
    );
    let sleeper: i32 = std::fs::read_to_string(&child_pid)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    for _ in 0..100 {
        if !alive(sleeper) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("terraform's child {sleeper} was left running");
}

fn describe_subnet(s: &Scenario, id: &str) -> String {
    let c = s.ec2();
    block_on(async {
        let out = c.describe_subnets().subnet_ids(id).send().await.unwrap();
        format!("{:?}", out.subnets())
    })
}

/// `remediate --auto-approve` restores out-of-band changes through terraform, leaves what did
/// not drift alone, and a re-scan is clean.
#[test]
fn remediate_restores_the_code_and_touches_nothing_else() {
    let s = Scenario::new("codewins/remediate");
    s.apply();
    let instance = s.id("aws_instance.web");
    let vpc = s.id("aws_vpc.main");
    let subnet = s.id("aws_subnet.a");
    let subnet_before = describe_subnet(&s, &subnet);
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
        add_tags(&c, &vpc, &[("Owner", "mallory")]).await;
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        [
            ("changed".to_string(), "aws_instance.web".to_string()),
            ("changed".to_string(), "aws_vpc.main".to_string())
        ]
    );
    // Without a terminal and without --auto-approve nothing happens.
    let refused = s.drift(&["remediate", "."]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--auto-approve"),
        "{}",
        refused.stderr
    );
    // A wrapper records how terraform is run, then runs the real one.
    let calls = s.path().join("terraform-calls");
    let wrapper_dir = tempfile::tempdir().unwrap();
    let wrapper = script(
        wrapper_dir.path(),
        "terraform",
        &format!(
            "printf '%s\\n' \"$*\" >> {}\nexec {} \"$@\"",
            calls.display(),
            which_terraform().display()
        ),
    );
    let run = s.drift(&[
        "remediate",
        ".",
        "--auto-approve",
        "--terraform",
        wrapper.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let calls = std::fs::read_to_string(&calls).unwrap();
    let plans: Vec<Vec<&str>> = calls
        .lines()
        .filter(|l| l.starts_with("plan "))
        .map(|l| l.split(' ').filter(|a| a.starts_with("-target=")).collect())
        .collect();
    assert_eq!(
        plans,
        [["-target=aws_instance.web", "-target=aws_vpc.main"]],
        "one plan targeting exactly the drifted addresses:\n{calls}"
    );
    assert_eq!(
        calls.lines().filter(|l| l.starts_with("apply ")).count(),
        1,
        "{calls}"
    );
    assert!(
        run.stderr
            .contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{}",
        run.stderr
    );
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        describe_subnet(&s, &subnet),
        subnet_before,
        "the subnet did not drift and must be untouched"
    );
}

/// The real terraform on PATH (the test wrapper must not find itself).
fn which_terraform() -> PathBuf {
    let path = std::env::var_os("PATH").expect("PATH is set");
    std::env::split_paths(&path)
        .map(|d| d.join("terraform"))
        .find(|p| p.is_file())
        .expect("terraform on PATH")
}

/// True when the group allows tcp/3389 from anywhere.
fn rdp_open(s: &Scenario, group: &str) -> bool {
    let c = s.ec2();
    block_on(async {
        let out = c
            .describe_security_groups()
            .group_ids(group)
            .send()
            .await
            .unwrap();
        out.security_groups()[0].ip_permissions().iter().any(|p| {
            p.from_port() == Some(3389)
                && p.ip_ranges()
                    .iter()
                    .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
        })
    })
}

/// Opens tcp/3389 to the world on `group`, out of band.
async fn open_rdp(c: &aws_sdk_ec2::Client, group: &str) {
    c.authorize_security_group_ingress()
        .group_id(group)
        .ip_permissions(
            aws_sdk_ec2::types::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(3389)
                .to_port(3389)
                .ip_ranges(
                    aws_sdk_ec2::types::IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// A group adopted without its rules (the configuration does not set `ingress`) gets tcp/3389
/// opened out of band, next to a group whose rules are pinned and a tagged VPC. Terraform
/// restores the pinned group and the VPC but would keep the adopted group's open rule:
/// `remediate` says so before applying, leaves that group out of the apply (so the refresh
/// does not record the open rule into the state), never counts it as fixed, and exits 2.
#[test]
fn remediate_never_counts_unrestored_drift_as_fixed() {
    let s = Scenario::new("codewins/unpinned");
    s.apply();
    let vpc = s.id("aws_vpc.main");
    let adopted = s.id("aws_security_group.adopted");
    let pinned = s.id("aws_security_group.pinned");
    let c = s.ec2();
    block_on(async {
        open_rdp(&c, &adopted).await;
        open_rdp(&c, &pinned).await;
        add_tags(&c, &vpc, &[("Owner", "mallory")]).await;
    });
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        findings(&report),
        [
            (
                "changed".to_string(),
                "aws_security_group.adopted".to_string()
            ),
            (
                "changed".to_string(),
                "aws_security_group.pinned".to_string()
            ),
            ("changed".to_string(), "aws_vpc.main".to_string()),
        ]
    );
    assert_eq!(
        common::change_paths(&report, "aws_security_group.adopted"),
        ["ingress"]
    );
    let why = "aws_security_group.adopted.ingress: terraform keeps the live value because the configuration does not set `ingress`";

    let dry = s.drift(&["remediate", ".", "--dry-run"]);
    assert_eq!(dry.code, 2, "{}\n{}", dry.stdout, dry.stderr);
    assert!(dry.stderr.contains(why), "{}", dry.stderr);
    assert!(rdp_open(&s, &pinned), "the dry run changed the cloud");

    let run = s.drift(&["remediate", ".", "--auto-approve"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(why), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("aws_security_group.adopted")
            && !run.stdout.contains("aws_security_group.pinned")
            && !run.stdout.contains("aws_vpc.main"),
        "the report after the apply names what remains and only that:\n{}",
        run.stdout
    );
    // The cloud: restored where the configuration says so, still open where it does not.
    assert!(!rdp_open(&s, &pinned), "the pinned group was not restored");
    assert!(rdp_open(&s, &adopted), "moto lost the out-of-band rule");
    // The state did not absorb the open rule: the next scan still reports it.
    let (code, report, _) = s.scan_json(&[]);
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(
        findings(&report),
        [(
            "changed".to_string(),
            "aws_security_group.adopted".to_string()
        )]
    );
}

/// When a restorable target depends on a group Terraform will not restore (an instance in the
/// adopted group), the targeted plan refreshes the group too and the apply records its open
/// rule into the state. `remediate` warns before applying, and its re-scan compares the cloud
/// with the state as it was before the apply, so the open rule still counts: exit 2.
#[test]
fn remediate_rescan_is_against_the_state_before_the_apply() {
    let s = Scenario::new("codewins/unpinned");
    std::fs::write(
        s.path().join("instance.tf"),
        r#"
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.3.0.0/20"
  availability_zone = "us-east-1a"
}

resource "aws_instance" "web" {
  ami                    = "ami-1e749f67"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.adopted.id]
}
"#,
    )
    .unwrap();
    s.apply();
    let adopted = s.id("aws_security_group.adopted");
    let instance = s.id("aws_instance.web");
    let c = s.ec2();
    block_on(async {
        open_rdp(&c, &adopted).await;
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
    });
    let run = s.drift(&["remediate", ".", "--auto-approve"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for line in [
        "aws_security_group.adopted.ingress: terraform keeps the live value because the configuration does not set `ingress`",
        "warning: aws_security_group.adopted is refreshed as a dependency of the plan",
        "aws_security_group.adopted: the apply recorded the live values into the state; compared with the state before the apply it is still drifted",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
    assert!(
        run.stdout.contains("aws_security_group.adopted")
            && !run.stdout.contains("aws_instance.web"),
        "{}",
        run.stdout
    );
    assert!(rdp_open(&s, &adopted), "moto lost the out-of-band rule");
    let live_type = block_on(async {
        let out = c
            .describe_instances()
            .instance_ids(&instance)
            .send()
            .await
            .unwrap();
        out.reservations()[0].instances()[0]
            .instance_type()
            .map(|t| t.as_str().to_string())
    });
    assert_eq!(
        live_type.as_deref(),
        Some("t3.micro"),
        "the instance was not restored"
    );
}

/// `--delete-unmanaged` imports the selected unmanaged objects into a throw-away working
/// directory and destroys them there: the instance first, then the volume attached to it.
#[test]
fn delete_unmanaged_removes_exactly_the_selection_in_order() {
    let s = Scenario::new("codewins/remediate");
    s.apply();
    let subnet = s.id("aws_subnet.a");
    let c = s.ec2();
    let (instance, volume, keep) = block_on(async {
        let r = c
            .run_instances()
            .image_id("ami-1e749f67")
            .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
            .subnet_id(&subnet)
            .min_count(1)
            .max_count(1)
            .send()
            .await
            .unwrap();
        let instance = r.instances()[0].instance_id().unwrap().to_string();
        let mk = || async {
            c.create_volume()
                .availability_zone("us-east-1a")
                .size(4)
                .send()
                .await
                .unwrap()
                .volume_id()
                .unwrap()
                .to_string()
        };
        let volume = mk().await;
        let keep = mk().await;
        c.attach_volume()
            .instance_id(&instance)
            .volume_id(&volume)
            .device("/dev/sdh")
            .send()
            .await
            .unwrap();
        (instance, volume, keep)
    });
    let dry = s.drift(&[
        "remediate",
        ".",
        "--delete-unmanaged",
        "--id",
        &instance,
        "--id",
        &volume,
        "--dry-run",
    ]);
    // Nothing deleted: the selected resources are still drift (exit 2).
    assert_eq!(dry.code, 2, "{}\n{}", dry.stdout, dry.stderr);
    assert!(
        dry.stderr.contains("(dry run: nothing was deleted)"),
        "{}",
        dry.stderr
    );
    assert!(
        dry.stderr
            .contains("Plan: 0 to add, 0 to change, 2 to destroy."),
        "{}",
        dry.stderr
    );
    block_on(async {
        let vols = c
            .describe_volumes()
            .volume_ids(&volume)
            .send()
            .await
            .unwrap();
        assert_eq!(vols.volumes().len(), 1, "the dry run deleted the volume");
    });
    let run = s.drift(&[
        "remediate",
        ".",
        "--delete-unmanaged",
        "--id",
        &instance,
        "--id",
        &volume,
        "--auto-approve",
    ]);
    // Everything asked for is gone: exit 0 (the unselected volume does not count).
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let err = &run.stderr;
    let instance_done = err
        .find("aws_instance.doomed_")
        .and_then(|_| err.find("Destruction complete"));
    assert!(instance_done.is_some(), "{err}");
    // Terraform deletes the instance (which refers to the volume) before the volume.
    let inst_destroyed = err
        .lines()
        .position(|l| l.contains("aws_instance.") && l.contains("Destruction complete"))
        .unwrap();
    let vol_destroying = err
        .lines()
        .position(|l| l.contains("aws_ebs_volume.") && l.contains("Destroying"))
        .unwrap();
    assert!(inst_destroyed < vol_destroying, "wrong order:\n{err}");
    block_on(async {
        let st = c
            .describe_instances()
            .instance_ids(&instance)
            .send()
            .await
            .unwrap();
        let state = st.reservations()[0].instances()[0]
            .state()
            .unwrap()
            .name()
            .unwrap()
            .as_str()
            .to_string();
        assert!(state == "terminated" || state == "shutting-down", "{state}");
        let vols = c.describe_volumes().send().await.unwrap();
        let ids: Vec<&str> = vols
            .volumes()
            .iter()
            .filter_map(|v| v.volume_id())
            .collect();
        assert!(!ids.contains(&volume.as_str()), "volume not deleted");
        assert!(
            ids.contains(&keep.as_str()),
            "an unselected volume was deleted"
        );
    });
    // Managed resources are all still there.
    let (_, report, _) = s.scan_json(&[]);
    assert!(
        !report["drift"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "missing"),
        "{report:#}"
    );
}

/// The pre-apply hook passes in sync and fails on drift.
#[test]
fn integrations_pre_apply_hook_atlantis_and_github_actions() {
    let s = Scenario::new("codewins/remediate");
    s.apply();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/integrations");
    // terraform-drift on PATH, as the integrations expect.
    let bin_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(common::bin(), bin_dir.path().join("terraform-drift")).unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.path().display(),
        std::env::var("PATH").unwrap()
    );
    let sh = |cmd: &str, env: &[(&str, &str)]| {
        let out = Command::new("bash")
            .args(["-c", cmd])
            .current_dir(s.path())
            .env("PATH", &path)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env_remove("AWS_ENDPOINT_URL")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let hook = examples.join("pre-apply.sh");
    let (code, _, err) = sh(&format!("{} .", hook.display()), &[]);
    assert_eq!(code, 0, "{err}");
    let vpc = s.id("aws_vpc.main");
    block_on(add_tags(&s.ec2(), &vpc, &[("Owner", "oob")]));
    let (code, out, err) = sh(&format!("{} .", hook.display()), &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("drifted"), "{err}");

    // Atlantis: run the workflow's steps the way Atlantis does (built-ins, then `run` with
    // PLANFILE/SHOWFILE set); the output is the markdown comment.
    let atlantis = yaml(&examples.join("atlantis-repos.yaml"));
    let steps = atlantis["workflows"]["drift"]["plan"]["steps"]
        .as_array()
        .unwrap();
    let planfile = s.path().join("default.tfplan");
    let showfile = s.path().join("default.json");
    let env = [
        ("PLANFILE", planfile.to_str().unwrap()),
        ("SHOWFILE", showfile.to_str().unwrap()),
    ];
    let mut comment = String::new();
    for step in steps {
        let cmd = match step.as_str() {
            Some("init") => "terraform init -input=false -no-color".to_string(),
            Some("plan") => "terraform plan -input=false -no-color -out \"$PLANFILE\"".to_string(),
            Some("show") => "terraform show -json \"$PLANFILE\" > \"$SHOWFILE\"".to_string(),
            Some(other) => panic!("unknown built-in step {other}"),
            None => step["run"].as_str().unwrap().to_string(),
        };
        let (code, out, err) = sh(&cmd, &env);
        assert_eq!(code, 0, "atlantis step {cmd} failed:\n{out}\n{err}");
        comment = out;
    }
    assert!(
        comment.contains("aws_vpc.main") && comment.contains('|'),
        "{comment}"
    );

    // GitHub Actions: every `run` step of the job except the install (the binary is on PATH).
    let gh = yaml(&examples.join("github-drift.yml"));
    let summary = s.path().join("summary.md");
    let mut last = 0;
    for step in gh["jobs"]["drift"]["steps"].as_array().unwrap() {
        let (Some(run), name) = (step["run"].as_str(), step["name"].as_str().unwrap_or("")) else {
            continue;
        };
        if name.starts_with("Install") {
            continue;
        }
        let (code, out, err) = sh(run, &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())]);
        last = code;
        if name != "Scan for drift" {
            assert_eq!(code, 0, "{name}: {out}\n{err}");
        }
    }
    assert_eq!(last, 2, "the job fails on drift");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("aws_vpc.main"), "{md}");

    // Code scanning: the scan step writes SARIF and passes on drift (the upload is GitHub's).
    let gh = yaml(&examples.join("github-code-scanning.yml"));
    let mut scanned = false;
    for step in gh["jobs"]["drift"]["steps"].as_array().unwrap() {
        let (Some(run), name) = (step["run"].as_str(), step["name"].as_str().unwrap_or("")) else {
            continue;
        };
        if name.starts_with("Install") {
            continue;
        }
        let (code, out, err) = sh(run, &[]);
        assert_eq!(code, 0, "{name}: {out}\n{err}");
        scanned |= name == "Scan for drift";
    }
    assert!(scanned);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(s.path().join("drift.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"].as_array().unwrap().iter().any(
            |r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "aws_vpc.main"
        ),
        "{sarif:#}"
    );
}

fn yaml(path: &Path) -> Value {
    let py = std::env::var("MOTO_PYTHON").expect("MOTO_PYTHON is set by scripts/test.sh");
    let out = Command::new(py)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
