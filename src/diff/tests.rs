use serde_json::json;

use super::*;
use crate::model::config::{ConfigResource, IgnoreChanges};
use crate::model::{Address, Companion, Coverage, SourceLoc};

fn state(rtype: &str, name: &str, id: &str, attrs: serde_json::Value) -> Resource {
    let address = Address {
        module: vec![],
        rtype: rtype.into(),
        name: name.into(),
        key: None,
    };
    let mut r = Resource::live(rtype, id, "us-east-1");
    r.address = Some(address);
    r.attributes = attrs.as_object().unwrap().clone().into();
    r
}

fn live(rtype: &str, id: &str, attrs: serde_json::Value) -> Resource {
    let mut r = Resource::live(rtype, id, "us-east-1");
    r.attributes = attrs.as_object().unwrap().clone().into();
    r
}

fn inventory(resources: Vec<Resource>) -> LiveInventory {
    let mut coverage = Coverage::default();
    for t in catalog::supported_types() {
        coverage.add(t, Some("us-east-1"));
    }
    LiveInventory {
        resources,
        coverage,
        alerts: vec![],
        unreadable: Default::default(),
        api_calls: 0,
    }
}

fn run(st: &[Resource], inv: &LiveInventory, config: &Config, ignore: &str) -> Report {
    diff(&Input {
        state: st,
        live: inv,
        config,
        ignore: &DriftIgnore::parse(ignore).unwrap(),
        options: &Options::default(),
    })
}

#[test]
fn in_sync_with_normalizations_reports_nothing() {
    let st = vec![
        state(
            "aws_instance",
            "web",
            "i-1",
            json!({"instance_type": "t3.micro", "tags": null, "tags_all": {},
                   "vpc_security_group_ids": ["sg-2", "sg-1"], "key_name": "", "timeouts": null,
                   "user_data_replace_on_change": false}),
        ),
        state(
            "aws_subnet",
            "a",
            "subnet-1",
            json!({"tags": {"Name": "a"}, "tags_all": {"Name": "a", "Env": "prod"}}),
        ),
    ];
    let inv = inventory(vec![
        live(
            "aws_instance",
            "i-1",
            json!({"instance_type": "t3.micro", "tags": {}, "vpc_security_group_ids": ["sg-1", "sg-2"]}),
        ),
        live(
            "aws_subnet",
            "subnet-1",
            json!({"tags": {"Env": "prod", "Name": "a"}}),
        ),
    ]);
    let r = run(&st, &inv, &Config::default(), "");
    assert!(r.drift.is_empty(), "{:#?}", r.drift);
    assert_eq!(r.summary.managed, 2);
    assert_eq!(r.summary.coverage_percent, Some(100.0));
}

#[test]
fn changed_missing_unmanaged_and_unchecked() {
    let st = vec![
        state(
            "aws_instance",
            "web",
            "i-1",
            json!({"instance_type": "t3.micro", "tags": {"Name": "w"}, "tags_all": {"Name": "w"}}),
        ),
        state("aws_vpc", "gone", "vpc-9", json!({})),
        state("aws_s3_bucket", "b", "bucket", json!({})),
    ];
    let inv = inventory(vec![
        live(
            "aws_instance",
            "i-1",
            json!({"instance_type": "t3.large", "tags": {"Name": "w", "Owner": "bob"}}),
        ),
        live("aws_security_group", "sg-new", json!({"name": "x"})),
    ]);
    let mut config = Config::default();
    config.resources.insert(
        "aws_instance.web".into(),
        ConfigResource {
            loc: SourceLoc {
                file: "main.tf".into(),
                line: 7,
            },
            ignore_changes: IgnoreChanges::None,
            provider: None,
        },
    );
    let r = run(&st, &inv, &config, "");
    let kinds: Vec<(Kind, &str)> = r.drift.iter().map(|d| (d.kind, d.id.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (Kind::Changed, "i-1"),
            (Kind::Missing, "vpc-9"),
            (Kind::Unmanaged, "sg-new")
        ]
    );
    let changed = &r.drift[0];
    assert_eq!(changed.file.as_deref(), Some("main.tf"));
    assert_eq!(changed.line, Some(7));
    let paths: Vec<String> = changed.changes.iter().map(|c| c.path.to_string()).collect();
    assert_eq!(paths, ["instance_type", "tags.Owner"]);
    assert_eq!(changed.changes[1].state, json!(null));
    assert_eq!(changed.changes[1].live, json!("bob"));
    assert_eq!(changed.severity, Severity::Medium);
    assert_eq!(r.summary.unchecked, 1);
    assert_eq!(r.unchecked[0].address.as_deref(), Some("aws_s3_bucket.b"));
    assert_eq!(r.unchecked[0].code, UncheckedReason::TypeNotListed);
    assert!(!r.is_complete());
    assert_eq!(r.summary.managed, 1);
    assert_eq!(r.summary.coverage_percent, Some(50.0));
}

#[test]
fn uncovered_types_are_unchecked_not_missing() {
    let st = vec![state("aws_vpc", "v", "vpc-1", json!({}))];
    let inv = LiveInventory::default();
    let r = run(&st, &inv, &Config::default(), "");
    assert!(r.drift.is_empty());
    assert_eq!(r.summary.unchecked, 1);
    assert_eq!(r.unchecked[0].id, "vpc-1");
    // Nothing was checked: no coverage figure (not 100%), and not complete.
    assert_eq!(r.summary.coverage_percent, None);
    assert!(!r.is_complete());
}

#[test]
fn defaults_and_companions_are_not_unmanaged() {
    let st = vec![state("aws_instance", "web", "i-1", json!({}))];
    let mut default_vpc = live("aws_vpc", "vpc-default", json!({}));
    default_vpc.aws_default = true;
    let mut root = live("aws_ebs_volume", "vol-root", json!({}));
    root.companion_of = Some(Companion {
        owner_type: "aws_instance".into(),
        owner_id: "i-1".into(),
        dies_with_owner: false,
        owner_attr: None,
    });
    let mut other_root = live("aws_ebs_volume", "vol-other", json!({}));
    other_root.companion_of = Some(Companion {
        owner_type: "aws_instance".into(),
        owner_id: "i-unmanaged".into(),
        dies_with_owner: true,
        owner_attr: None,
    });
    let inv = inventory(vec![
        live("aws_instance", "i-1", json!({})),
        live("aws_instance", "i-unmanaged", json!({})),
        default_vpc,
        root,
        other_root,
    ]);
    let r = run(&st, &inv, &Config::default(), "");
    let ids: Vec<&str> = r.drift.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["i-unmanaged"]);
    let with_defaults = diff(&Input {
        state: &st,
        live: &inv,
        config: &Config::default(),
        ignore: &DriftIgnore::default(),
        options: &Options {
            include_defaults: true,
            ..Options::default()
        },
    });
    assert_eq!(with_defaults.drift.len(), 2);
}

#[test]
fn instances_of_a_group_whose_type_was_not_listed_are_that_group_once() {
    // An estate whose state has no Auto Scaling types: groups are not listed, but their
    // instances are, and say which group launched them.
    let st = vec![state("aws_instance", "web", "i-1", json!({}))];
    let launched = |id: &str, group: &str| {
        let mut i = live("aws_instance", id, json!({}));
        i.companion_of = Some(Companion {
            owner_type: "aws_autoscaling_group".into(),
            owner_id: group.into(),
            dies_with_owner: true,
            owner_attr: None,
        });
        i
    };
    let mut inv = inventory(vec![
        live("aws_instance", "i-1", json!({})),
        launched("i-a", "workers"),
        launched("i-b", "workers"),
        launched("i-c", "batch"),
        live("aws_instance", "i-hand-made", json!({})),
    ]);
    inv.coverage = Coverage::default();
    inv.coverage.add("aws_instance", Some("us-east-1"));
    let r = run(&st, &inv, &Config::default(), "");
    let found: Vec<(&str, &str)> = r
        .drift
        .iter()
        .map(|d| (d.rtype.as_str(), d.id.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("aws_autoscaling_group", "batch"),
            ("aws_autoscaling_group", "workers"),
            ("aws_instance", "i-hand-made"),
        ]
    );
    assert!(r.drift.iter().all(|d| d.kind == Kind::Unmanaged));
    // A group ignored in .driftignore takes its instances with it.
    let r = run(
        &st,
        &inv,
        &Config::default(),
        "aws_autoscaling_group.workers\n",
    );
    assert_eq!(r.drift.len(), 2, "{:?}", r.drift);
}

#[test]
fn companions_named_by_an_owner_attribute_follow_that_attribute() {
    // Terraform's ID of an RDS instance is its resource ID; the log group AWS made for it
    // names its identifier.
    let st = vec![state(
        "aws_db_instance",
        "orders",
        "db-ABC",
        json!({"identifier": "orders"}),
    )];
    let group = |name: &str, owner: &str| {
        let mut g = live("aws_cloudwatch_log_group", name, json!({"name": name}));
        g.companion_of = Some(Companion {
            owner_type: "aws_db_instance".into(),
            owner_id: owner.into(),
            dies_with_owner: false,
            owner_attr: Some("identifier".into()),
        });
        g
    };
    let inv = inventory(vec![
        group("/aws/rds/instance/orders/postgresql", "orders"),
        group("/aws/rds/instance/db-ABC/postgresql", "db-ABC"),
    ]);
    let r = run(&st, &inv, &Config::default(), "");
    let ids: Vec<&str> = r.drift.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["/aws/rds/instance/db-ABC/postgresql"]);
}

#[test]
fn ignore_changes_and_driftignore() {
    let st = vec![state(
        "aws_instance",
        "web",
        "i-1",
        json!({"instance_type": "a", "ami": "x", "tags": {"Owner": "a", "Name": "n"}}),
    )];
    let inv = inventory(vec![
        live(
            "aws_instance",
            "i-1",
            json!({"instance_type": "b", "ami": "y", "tags": {"Owner": "b", "Name": "m"}}),
        ),
        live("aws_vpc", "vpc-x", json!({})),
    ]);
    let mut config = Config::default();
    config.resources.insert(
        "aws_instance.web".into(),
        ConfigResource {
            loc: SourceLoc {
                file: "main.tf".into(),
                line: 1,
            },
            ignore_changes: IgnoreChanges::Paths(vec![
                AttrPath::parse("tags.Owner"),
                AttrPath::attr("ami"),
            ]),
            provider: None,
        },
    );
    let r = run(
        &st,
        &inv,
        &config,
        "aws_instance.i-1.tags.Name\naws_vpc.*\n",
    );
    assert_eq!(r.drift.len(), 1);
    let paths: Vec<String> = r.drift[0]
        .changes
        .iter()
        .map(|c| c.path.to_string())
        .collect();
    assert_eq!(paths, ["instance_type"]);
    let r = run(&st, &inv, &config, "aws_instance.*\n");
    assert!(r.drift.iter().all(|d| d.rtype != "aws_instance"));
}

#[test]
fn security_group_opened_to_world_is_high() {
    let rule = |cidr: &str| {
        json!({"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [cidr],
               "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": ""})
    };
    let st = vec![state(
        "aws_security_group",
        "sg",
        "sg-1",
        json!({"ingress": [rule("10.0.0.0/8")]}),
    )];
    let inv = inventory(vec![live(
        "aws_security_group",
        "sg-1",
        json!({"ingress": [rule("10.0.0.0/8"), rule("0.0.0.0/0")]}),
    )]);
    let r = run(&st, &inv, &Config::default(), "");
    assert_eq!(r.drift[0].changes[0].path.to_string(), "ingress");
    assert_eq!(r.drift[0].severity, Severity::High);
}

#[test]
fn sensitive_values_are_redacted() {
    let mut s = state(
        "aws_instance",
        "web",
        "i-1",
        json!({"instance_type": "SECRET-MARKER-1", "tags": {"db_password": "SECRET-MARKER-2"}}),
    );
    s.sensitive = vec![AttrPath::attr("instance_type")];
    let inv = inventory(vec![live(
        "aws_instance",
        "i-1",
        json!({"instance_type": "other", "tags": {"db_password": "SECRET-MARKER-3"}}),
    )]);
    let r = run(&[s], &inv, &Config::default(), "");
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("SECRET-MARKER"), "{text}");
    assert_eq!(r.drift[0].changes.len(), 2);
}

#[test]
fn nested_blocks_compare_only_live_keys() {
    let st = vec![state(
        "aws_instance",
        "web",
        "i-1",
        json!({"root_block_device": [{"volume_size": 8, "iops": 0, "volume_type": "gp2", "tags": {}}]}),
    )];
    let inv = inventory(vec![live(
        "aws_instance",
        "i-1",
        json!({"root_block_device": [{"volume_size": 20, "volume_type": "gp2"}]}),
    )]);
    let r = run(&st, &inv, &Config::default(), "");
    assert_eq!(
        r.drift[0].changes[0].path.to_string(),
        "root_block_device[0].volume_size"
    );
    assert_eq!(r.drift[0].changes.len(), 1);
}

#[test]
fn partial_alerts_make_the_report_partial() {
    let mut inv = inventory(vec![]);
    inv.alerts.push(Alert {
        kind: crate::model::AlertKind::AccessDenied,
        message: "x".into(),
        partial: true,
    });
    let r = run(&[], &inv, &Config::default(), "");
    assert!(r.partial);
}

#[test]
fn attributes_the_catalog_holds_secret_are_redacted_unmarked() {
    // A Lambda environment read through a provider carries no mark and no secret-looking name.
    let env =
        |v: &str| json!({"function_name": "f", "environment": [{"variables": {"DB_URL": v}}]});
    let s = state("aws_lambda_function", "f", "f", env("SECRET-MARKER-1"));
    let inv = inventory(vec![
        live("aws_lambda_function", "f", env("SECRET-MARKER-2")),
        live("aws_lambda_function", "g", env("SECRET-MARKER-3")),
    ]);
    let r = run(&[s], &inv, &Config::default(), "");
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("SECRET-MARKER"), "{text}");
    let changed = r.drift.iter().find(|d| d.kind == Kind::Changed).unwrap();
    assert!(changed.changes[0].sensitive, "{text}");
    assert!(
        r.drift
            .iter()
            .any(|d| d.kind == Kind::Unmanaged && d.id == "g")
    );
}

#[test]
fn unmanaged_attributes_are_redacted_at_any_depth() {
    let inv = inventory(vec![live(
        "aws_instance",
        "i-9",
        json!({"tags": {"db_password": "SECRET-MARKER-X", "Name": "n"}, "instance_type": "t3.micro"}),
    )]);
    let r = run(&[], &inv, &Config::default(), "");
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("SECRET-MARKER"), "{text}");
    assert!(text.contains("t3.micro"));
}

#[test]
fn text_held_attributes_compare_like_parsed_ones() {
    let rules = catalog::rules("aws_instance").unwrap();
    let cases = [
        // Same values: the identical-text shortcut and the parsed path agree on silence.
        (
            json!({"instance_type": "t3.micro", "tags": {"a": "1"}, "tags_all": {"a": "1"}}),
            json!({"instance_type": "t3.micro", "tags": {"a": "1"}}),
        ),
        // Equal after normalization only (set order, null vs empty).
        (
            json!({"vpc_security_group_ids": ["sg-2", "sg-1"], "key_name": null, "tags": null}),
            json!({"vpc_security_group_ids": ["sg-1", "sg-2"], "key_name": "", "tags": {}}),
        ),
        // Real changes, tags compared through tags_all on both sides.
        (
            json!({"instance_type": "t3.micro", "tags": {"a": "1"},
                   "tags_all": {"a": "1", "Env": "prod"}, "ebs_optimized": false}),
            json!({"instance_type": "t3.large", "tags": {"a": "2"},
                   "tags_all": {"a": "2", "Env": "prod"}, "ebs_optimized": false}),
        ),
        // The live side has no tags_all: its tags (every tag in the cloud) are compared with the
        // state's tags_all, so a default tag gone from the cloud shows.
        (
            json!({"tags": {"a": "1"}, "tags_all": {"a": "1", "Env": "prod"}}),
            json!({"tags": {"a": "1"}}),
        ),
    ];
    let as_text = |mut r: Resource, v: &serde_json::Value, pretty: bool| {
        let text = match pretty {
            true => serde_json::to_string_pretty(v).unwrap(),
            false => v.to_string(),
        };
        r.attributes = crate::model::Attributes::from_json_object_text(text);
        r
    };
    let mut changed = Vec::new();
    for (s, l) in &cases {
        let expected = compare(
            rules,
            &state("aws_instance", "web", "i-1", s.clone()),
            &live("aws_instance", "i-1", l.clone()),
            false,
        );
        for (state_pretty, live_pretty) in [(false, false), (true, false), (false, true)] {
            let st = as_text(
                state("aws_instance", "web", "i-1", json!({})),
                s,
                state_pretty,
            );
            let lv = as_text(live("aws_instance", "i-1", json!({})), l, live_pretty);
            assert_eq!(compare(rules, &st, &lv, false), expected, "{s} vs {l}");
        }
        changed.extend(expected.into_iter().map(|(p, _)| p.to_string()));
    }
    assert_eq!(changed, ["instance_type", "tags.a", "tags.Env"]);
}

/// Attributes the bulk lister cannot afford (one extra call per object) are left out of the
/// catalog comparison, but a provider read carries them and compares them: they are drift.
#[test]
fn provider_reads_compare_attributes_the_lister_leaves_out() {
    let cases = [
        (
            "aws_vpc",
            json!({"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": false}),
            json!({"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true}),
            "enable_dns_hostnames",
        ),
        (
            "aws_instance",
            json!({"instance_type": "t3.micro", "disable_api_termination": false}),
            json!({"instance_type": "t3.micro", "disable_api_termination": true}),
            "disable_api_termination",
        ),
        (
            "aws_instance",
            json!({"instance_type": "t3.micro", "instance_initiated_shutdown_behavior": "stop"}),
            json!({"instance_type": "t3.micro", "instance_initiated_shutdown_behavior": "terminate"}),
            "instance_initiated_shutdown_behavior",
        ),
    ];
    for (rtype, s, l, path) in cases {
        let rules = catalog::rules(rtype).unwrap();
        let s = state(rtype, "x", "id-1", s);
        let l = live(rtype, "id-1", l);
        let everything: Vec<String> = compare(rules, &s, &l, true)
            .into_iter()
            .map(|(_, c)| c.path.to_string())
            .collect();
        assert_eq!(everything, [path], "{rtype} through the provider");
        assert!(
            compare(rules, &s, &l, false).is_empty(),
            "{rtype}: the catalog comparison reads only what the lister lists"
        );
    }
}

#[test]
fn secret_keys_are_found_in_text_without_parsing() {
    assert!(has_secret_key(r#"{"tags": {"db_password": "x"}}"#));
    assert!(has_secret_key(r#"{"a": [{"api_token" : 1}]}"#));
    assert!(!has_secret_key(
        r#"{"metadata_options": [{"http_tokens": "required"}]}"#
    ));
    // A secret word as a value, not a key, is no secret key.
    assert!(!has_secret_key(
        r#"{"Name": "password", "note": "a \"token\": here"}"#
    ));
}

#[test]
fn an_all_digit_tag_key_stays_a_key_in_the_change_path() {
    let st = vec![state(
        "aws_vpc",
        "main",
        "vpc-1",
        json!({"cidr_block": "10.0.0.0/16", "tags": {"2024": "audit"}}),
    )];
    let inv = inventory(vec![live(
        "aws_vpc",
        "vpc-1",
        json!({"cidr_block": "10.0.0.0/16", "tags": {"2024": "renewed"}}),
    )]);
    let r = run(&st, &inv, &Config::default(), "");
    let c = &r.drift[0].changes[0];
    // Shown as before; kept as a key (parsing the text back made it index 2024).
    assert_eq!(c.path.to_string(), "tags.2024");
    assert_eq!(
        c.path.0,
        [PathStep::Key("tags".into()), PathStep::Key("2024".into())]
    );
}

#[test]
fn objects_that_share_terraform_s_id_are_told_apart() {
    // An `errors` filter in each of two groups: Terraform's ID of both is `errors`.
    let filter = |group: &str, pattern: &str| json!({"name": "errors", "log_group_name": group, "pattern": pattern});
    let rtype = "aws_cloudwatch_log_metric_filter";
    let st = vec![
        state(rtype, "a", "errors", filter("/svc/a", "ERROR")),
        state(rtype, "b", "errors", filter("/svc/b", "FATAL")),
    ];
    let config = Config::default();
    // Listed: each under its import ID, matched by the one the state object implies.
    let listed = inventory(vec![
        live(rtype, "/svc/b:errors", filter("/svc/b", "FATAL")),
        live(rtype, "/svc/a:errors", filter("/svc/a", "ERROR")),
    ]);
    let r = run(&st, &listed, &config, "");
    assert!(r.drift.is_empty(), "{:#?}", r.drift);
    // Read through the provider (or refreshed by terraform): each read names its state object.
    let read = |s: &Resource, pattern: &str| {
        let group = s.attributes.get("log_group_name").unwrap();
        let mut l = live(rtype, "errors", filter(group.as_str().unwrap(), pattern));
        l.region = None;
        l.address = s.address.clone();
        l
    };
    let reads = inventory(vec![read(&st[1], "FATAL"), read(&st[0], "WARN")]);
    let r = run(&st, &reads, &config, "");
    let changed: Vec<_> = r
        .drift
        .iter()
        .map(|d| (d.kind, d.address.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        changed,
        [(Kind::Changed, format!("{rtype}.a"))],
        "{:#?}",
        r.drift
    );
    // Scaling policies and scheduled actions are named per group likewise (moto keeps one of
    // a name per region, so only this test can hold two).
    for (rtype, name_key, want) in [
        ("aws_autoscaling_policy", "name", "workers/step-up"),
        (
            "aws_autoscaling_schedule",
            "scheduled_action_name",
            "workers/step-up",
        ),
    ] {
        let s = state(
            rtype,
            "x",
            "step-up",
            json!({name_key: "step-up", "autoscaling_group_name": "workers"}),
        );
        assert_eq!(catalog::listed_id(&s).as_deref(), Some(want), "{rtype}");
    }
    // A policy literally named `workers/cpu` in group `x`, deleted: group `workers`' policy
    // `cpu`, listed as `workers/cpu`, does not stand for it.
    let policy = "aws_autoscaling_policy";
    let st = vec![state(
        policy,
        "odd",
        "workers/cpu",
        json!({"name": "workers/cpu", "autoscaling_group_name": "x"}),
    )];
    let other = live(
        policy,
        "workers/cpu",
        json!({"name": "cpu", "autoscaling_group_name": "workers"}),
    );
    let r = run(&st, &inventory(vec![other]), &config, "");
    let kinds: Vec<_> = r.drift.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [Kind::Missing, Kind::Unmanaged], "{:#?}", r.drift);
}

/// An SNS subscription waiting for its confirmation is listed without its ARN, by topic,
/// protocol and endpoint: a state object Terraform recorded as pending is found under that
/// name; one confirmed since (the state still says pending) under its ARN; one gone is missing.
#[test]
fn a_pending_subscription_is_found_by_its_endpoint() {
    let rtype = "aws_sns_topic_subscription";
    let config = Config::default();
    let topic = "arn:aws:sns:us-east-1:1:alerts";
    let arn = format!("{topic}:0f1e2d3c");
    let attrs = json!({"topic_arn": topic, "protocol": "email", "endpoint": "ops@example.com",
        "pending_confirmation": true});
    let st = vec![state(rtype, "ops", &arn, attrs.clone())];
    let pending_id = catalog::sns_pending_subscription_id(topic, "email", "ops@example.com");
    let waiting = live(rtype, &pending_id, attrs.clone());
    let r = run(&st, &inventory(vec![waiting]), &config, "");
    assert!(r.drift.is_empty(), "{:#?}", r.drift);
    assert_eq!(r.summary.managed, 1);
    let mut confirmed_attrs = attrs.clone();
    confirmed_attrs["pending_confirmation"] = json!(false);
    let confirmed = live(rtype, &arn, confirmed_attrs);
    let r = run(&st, &inventory(vec![confirmed]), &config, "");
    assert!(r.drift.is_empty(), "{:#?}", r.drift);
    let r = run(&st, &inventory(vec![]), &config, "");
    let kinds: Vec<_> = r.drift.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [Kind::Missing]);
    // Another endpoint's pending subscription does not stand for it.
    let other_id = catalog::sns_pending_subscription_id(topic, "email", "x@example.com");
    let mut other_attrs = attrs;
    other_attrs["endpoint"] = json!("x@example.com");
    let other = live(rtype, &other_id, other_attrs);
    let r = run(&st, &inventory(vec![other]), &config, "");
    let kinds: Vec<_> = r.drift.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [Kind::Missing, Kind::Unmanaged]);
}
