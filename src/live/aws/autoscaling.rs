//! Auto Scaling, per region: DescribeAutoScalingGroups lists every group with its tags,
//! DescribePolicies every scaling policy, DescribeScheduledActions every scheduled action and
//! DescribeLaunchConfigurations every launch configuration, all in bulk (no per-object call).

use aws_sdk_autoscaling::types::{
    AutoScalingGroup, LaunchConfiguration, ScalingPolicy, ScheduledUpdateGroupAction,
};

use super::*;

/// The Auto Scaling types listed here.
pub const TYPES: &[&str] = &[
    "aws_autoscaling_group",
    "aws_autoscaling_policy",
    "aws_autoscaling_schedule",
    "aws_launch_configuration",
];

/// True when the state manages something of this service: it is listed then (or when
/// `--type` asks), so an estate without groups needs no `autoscaling:Describe*` permission.
pub fn used_by(rtype: &str) -> bool {
    rtype.starts_with("aws_autoscaling_") || rtype == "aws_launch_configuration"
}

/// An Auto Scaling client on the same configuration as the EC2 ones.
pub(super) async fn client(
    opts: &AwsOptions,
    region: &str,
    calls: &CallCounter,
) -> aws_sdk_autoscaling::Client {
    service_client!(
        aws_sdk_autoscaling,
        opts,
        region,
        calls,
        "AWS_ENDPOINT_URL_AUTO_SCALING",
        "autoscaling"
    )
}

/// Lists one Auto Scaling type in one region.
pub(super) async fn list(
    client: &aws_sdk_autoscaling::Client,
    rtype: &str,
    region: &str,
) -> Result<Vec<Resource>, ListError> {
    Ok(match rtype {
        "aws_autoscaling_group" => paginate!(
            client.describe_auto_scaling_groups().max_records(100),
            auto_scaling_groups
        )
        .iter()
        .filter_map(|g| group(g, region))
        .collect(),
        "aws_autoscaling_policy" => paginate!(
            client.describe_policies().max_records(100),
            scaling_policies
        )
        .iter()
        .filter_map(|p| policy(p, region))
        .collect(),
        "aws_autoscaling_schedule" => paginate!(
            client.describe_scheduled_actions().max_records(100),
            scheduled_update_group_actions
        )
        .iter()
        .filter_map(|a| schedule(a, region))
        .collect(),
        "aws_launch_configuration" => paginate!(
            client.describe_launch_configurations().max_records(100),
            launch_configurations
        )
        .iter()
        .filter_map(|c| launch_configuration(c, region))
        .collect(),
        other => return Err(unsupported(other)),
    })
}

/// Strings as a set is written: sorted.
fn sorted<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    strs(items.into_iter().map(Some))
}

fn group(g: &AutoScalingGroup, region: &str) -> Option<Resource> {
    let name = g.auto_scaling_group_name()?;
    let mut r = Resource::live("aws_autoscaling_group", name, region);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "arn", g.auto_scaling_group_arn());
    put(a, "min_size", g.min_size());
    put(a, "max_size", g.max_size());
    put(a, "desired_capacity", g.desired_capacity());
    put(a, "default_cooldown", g.default_cooldown());
    put(a, "health_check_type", g.health_check_type());
    put(
        a,
        "health_check_grace_period",
        g.health_check_grace_period(),
    );
    // What AWS leaves out the provider records as "", 0 and false.
    a.insert(
        "launch_configuration".into(),
        json!(g.launch_configuration_name().unwrap_or("")),
    );
    a.insert(
        "placement_group".into(),
        json!(g.placement_group().unwrap_or("")),
    );
    a.insert(
        "max_instance_lifetime".into(),
        json!(g.max_instance_lifetime().unwrap_or(0)),
    );
    a.insert(
        "default_instance_warmup".into(),
        json!(g.default_instance_warmup().unwrap_or(0)),
    );
    a.insert(
        "protect_from_scale_in".into(),
        json!(g.new_instances_protected_from_scale_in().unwrap_or(false)),
    );
    a.insert(
        "capacity_rebalance".into(),
        json!(g.capacity_rebalance().unwrap_or(false)),
    );
    put(a, "service_linked_role_arn", g.service_linked_role_arn());
    let template: Vec<Value> = g
        .launch_template()
        .map(|t| {
            json!({
                "id": t.launch_template_id(),
                "name": t.launch_template_name(),
                "version": t.version(),
            })
        })
        .into_iter()
        .collect();
    a.insert("launch_template".into(), json!(template));
    // AWS keeps the subnets as one comma-separated string.
    a.insert(
        "vpc_zone_identifier".into(),
        sorted(
            g.vpc_zone_identifier()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ),
    );
    a.insert(
        "load_balancers".into(),
        sorted(g.load_balancer_names().iter().map(String::as_str)),
    );
    a.insert(
        "target_group_arns".into(),
        sorted(g.target_group_arns().iter().map(String::as_str)),
    );
    a.insert(
        "termination_policies".into(),
        json!(g.termination_policies()),
    );
    a.insert(
        "suspended_processes".into(),
        sorted(
            g.suspended_processes()
                .iter()
                .filter_map(|p| p.process_name()),
        ),
    );
    a.insert(
        "enabled_metrics".into(),
        sorted(g.enabled_metrics().iter().filter_map(|m| m.metric())),
    );
    let tags: Vec<Value> = g
        .tags()
        .iter()
        .filter(|t| !t.key().unwrap_or("aws:").starts_with("aws:"))
        .map(|t| {
            json!({
                "key": t.key(),
                "value": t.value().unwrap_or(""),
                "propagate_at_launch": t.propagate_at_launch().unwrap_or(false),
            })
        })
        .collect();
    a.insert("tag".into(), json!(tags));
    r.companion_of = node_group_of(g);
    Some(r)
}

/// The EKS managed node group a group was made for (EKS tags its groups with the cluster's and
/// the node group's names): the group is the node group's, never unmanaged while the state
/// manages the node group.
fn node_group_of(g: &AutoScalingGroup) -> Option<Companion> {
    let tag = |k: &str| {
        g.tags()
            .iter()
            .find(|t| t.key() == Some(k))
            .and_then(|t| t.value())
            .filter(|v| !v.is_empty())
    };
    Some(Companion {
        owner_type: "aws_eks_node_group".into(),
        owner_id: format!(
            "{}:{}",
            tag("eks:cluster-name")?,
            tag("eks:nodegroup-name")?
        ),
        dies_with_owner: true,
        owner_attr: None,
    })
}

fn policy(p: &ScalingPolicy, region: &str) -> Option<Resource> {
    let (name, group) = (p.policy_name()?, p.auto_scaling_group_name()?);
    // Named by the import ID: Terraform's, the name, is not unique (`catalog` matches it).
    let mut r = Resource::live("aws_autoscaling_policy", format!("{group}/{name}"), region);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "arn", p.policy_arn());
    put(a, "autoscaling_group_name", Some(group));
    put(a, "policy_type", p.policy_type());
    // What AWS leaves out was not set: the state's zero is not compared against it.
    put(a, "adjustment_type", p.adjustment_type());
    put(a, "scaling_adjustment", p.scaling_adjustment());
    put(a, "cooldown", p.cooldown());
    put(a, "min_adjustment_magnitude", p.min_adjustment_magnitude());
    put(
        a,
        "estimated_instance_warmup",
        p.estimated_instance_warmup(),
    );
    put(a, "enabled", p.enabled());
    let tracking: Vec<Value> = p
        .target_tracking_configuration()
        .map(|t| {
            let mut c = json!({
                "target_value": t.target_value(),
                "disable_scale_in": t.disable_scale_in().unwrap_or(false),
            });
            // A customized metric is left out: only what is read here is compared.
            if let Some(m) = t.predefined_metric_specification() {
                c["predefined_metric_specification"] = json!([{
                    "predefined_metric_type": m.predefined_metric_type().map(|t| t.as_str()),
                    "resource_label": m.resource_label().unwrap_or(""),
                }]);
            }
            c
        })
        .into_iter()
        .collect();
    a.insert("target_tracking_configuration".into(), json!(tracking));
    Some(r)
}

fn schedule(s: &ScheduledUpdateGroupAction, region: &str) -> Option<Resource> {
    let (name, group) = (s.scheduled_action_name()?, s.auto_scaling_group_name()?);
    // Named by the import ID: Terraform's, the name, is not unique (`catalog` matches it).
    let mut r = Resource::live(
        "aws_autoscaling_schedule",
        format!("{group}/{name}"),
        region,
    );
    let a = r.attributes.make_mut();
    put(a, "scheduled_action_name", Some(name));
    put(a, "arn", s.scheduled_action_arn());
    put(a, "autoscaling_group_name", Some(group));
    // A size the action leaves alone is -1 to the provider.
    a.insert("min_size".into(), json!(s.min_size().unwrap_or(-1)));
    a.insert("max_size".into(), json!(s.max_size().unwrap_or(-1)));
    a.insert(
        "desired_capacity".into(),
        json!(s.desired_capacity().unwrap_or(-1)),
    );
    a.insert("recurrence".into(), json!(s.recurrence().unwrap_or("")));
    a.insert("time_zone".into(), json!(s.time_zone().unwrap_or("")));
    Some(r)
}

fn launch_configuration(c: &LaunchConfiguration, region: &str) -> Option<Resource> {
    let name = c.launch_configuration_name()?;
    let mut r = Resource::live("aws_launch_configuration", name, region);
    let a = r.attributes.make_mut();
    put(a, "name", Some(name));
    put(a, "arn", c.launch_configuration_arn());
    put(a, "image_id", c.image_id());
    put(a, "instance_type", c.instance_type());
    a.insert("key_name".into(), json!(c.key_name().unwrap_or("")));
    a.insert(
        "security_groups".into(),
        sorted(c.security_groups().iter().map(String::as_str)),
    );
    a.insert(
        "iam_instance_profile".into(),
        json!(c.iam_instance_profile().unwrap_or("")),
    );
    put(a, "ebs_optimized", c.ebs_optimized());
    a.insert(
        "enable_monitoring".into(),
        json!(
            c.instance_monitoring()
                .and_then(|m| m.enabled())
                .unwrap_or(true)
        ),
    );
    a.insert(
        "placement_tenancy".into(),
        json!(c.placement_tenancy().unwrap_or("")),
    );
    a.insert("spot_price".into(), json!(c.spot_price().unwrap_or("")));
    Some(r)
}

#[cfg(test)]
mod tests {
    use aws_sdk_autoscaling::types::{
        LaunchTemplateSpecification, MetricType, PredefinedMetricSpecification, TagDescription,
        TargetTrackingConfiguration,
    };

    use super::*;

    #[test]
    fn a_group_reads_as_the_provider_writes_it() {
        let g = AutoScalingGroup::builder()
            .auto_scaling_group_name("workers")
            .min_size(1)
            .max_size(3)
            .desired_capacity(2)
            .vpc_zone_identifier("subnet-b,subnet-a")
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_id("lt-1")
                    .launch_template_name("workers")
                    .version("$Latest")
                    .build(),
            )
            .tags(
                TagDescription::builder()
                    .key("Team")
                    .value("a")
                    .propagate_at_launch(true)
                    .build(),
            )
            .tags(
                TagDescription::builder()
                    .key("aws:cloudformation:stack-name")
                    .value("s")
                    .build(),
            )
            .build();
        let r = group(&g, "eu-west-1").unwrap();
        let a = r.attributes.map();
        assert_eq!(a["vpc_zone_identifier"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(
            a["launch_template"],
            json!([{"id": "lt-1", "name": "workers", "version": "$Latest"}])
        );
        assert_eq!(
            a["tag"],
            json!([{"key": "Team", "value": "a", "propagate_at_launch": true}])
        );
        assert_eq!(a["launch_configuration"], "");
        assert_eq!(a["max_instance_lifetime"], 0);
        assert!(r.companion_of.is_none(), "nobody's but its own");
    }

    #[test]
    fn a_group_eks_made_is_its_node_groups() {
        let tag = |k: &str, v: &str| TagDescription::builder().key(k).value(v).build();
        let g = AutoScalingGroup::builder()
            .auto_scaling_group_name("eks-workers-1234")
            .tags(tag("eks:cluster-name", "main"))
            .tags(tag("eks:nodegroup-name", "workers"))
            .build();
        let owner = group(&g, "eu-west-1").unwrap().companion_of.unwrap();
        assert_eq!(
            (owner.owner_type.as_str(), owner.owner_id.as_str()),
            ("aws_eks_node_group", "main:workers")
        );
    }

    #[test]
    fn policies_and_actions_are_named_by_their_import_ids() {
        let p = ScalingPolicy::builder()
            .auto_scaling_group_name("workers")
            .policy_name("cpu")
            .policy_type("TargetTrackingScaling")
            .target_tracking_configuration(
                TargetTrackingConfiguration::builder()
                    .target_value(50.0)
                    .predefined_metric_specification(
                        PredefinedMetricSpecification::builder()
                            .predefined_metric_type(MetricType::AsgAverageCpuUtilization)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let r = policy(&p, "eu-west-1").unwrap();
        assert_eq!(r.id, "workers/cpu");
        let a = r.attributes.map();
        assert!(!a.contains_key("cooldown"), "{a:?}");
        assert_eq!(
            a["target_tracking_configuration"][0]["predefined_metric_specification"][0]["predefined_metric_type"],
            "ASGAverageCPUUtilization"
        );
        let s = ScheduledUpdateGroupAction::builder()
            .auto_scaling_group_name("workers")
            .scheduled_action_name("night")
            .recurrence("0 22 * * *")
            .desired_capacity(0)
            .build();
        let r = schedule(&s, "eu-west-1").unwrap();
        assert_eq!(r.id, "workers/night");
        let a = r.attributes.map();
        assert_eq!(
            (&a["min_size"], &a["desired_capacity"]),
            (&json!(-1), &json!(0))
        );
    }
}
