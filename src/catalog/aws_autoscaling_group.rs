//! `aws_autoscaling_group`: listed with DescribeAutoScalingGroups, tags included. The instances
//! a group launches are its own (`live::aws::map`), never unmanaged while the state manages the
//! group. Its target groups and classic load balancers are judged on
//! `aws_autoscaling_attachment` resources when the state has those (`diff::managed`).

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for Auto Scaling groups.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_autoscaling_group",
    compared: &[
        "name",
        "min_size",
        "max_size",
        "desired_capacity",
        "default_cooldown",
        "health_check_type",
        "health_check_grace_period",
        "launch_configuration",
        "launch_template",
        "vpc_zone_identifier",
        "load_balancers",
        "target_group_arns",
        "termination_policies",
        "suspended_processes",
        "enabled_metrics",
        "protect_from_scale_in",
        "capacity_rebalance",
        "max_instance_lifetime",
        "service_linked_role_arn",
        "placement_group",
        "default_instance_warmup",
        "tag",
    ],
    // Terraform's own arguments (waits, forced deletes), and the zones, which follow from the
    // subnets (a subnet change would be reported twice).
    ignored: &[
        "name_prefix",
        "availability_zones",
        "force_delete",
        "force_delete_warm_pool",
        "wait_for_capacity_timeout",
        "wait_for_elb_capacity",
        "min_elb_capacity",
        "ignore_failed_scaling_activities",
        "metrics_granularity",
        "predicted_capacity",
        "warm_pool_size",
        "context",
    ],
    sets: &[
        "vpc_zone_identifier",
        "load_balancers",
        "target_group_arns",
        "suspended_processes",
        "enabled_metrics",
        "tag",
    ],
    maps: &[],
    // AWS applies its own defaults where nothing was asked for (`["Default"]` termination).
    when_set: &["termination_policies", "default_instance_warmup"],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &[
            "name",
            "desired_capacity",
            "health_check_type",
            "vpc_zone_identifier",
        ],
        skip: &["name_prefix", "availability_zones"],
        blocks: &["tag"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// What the group launches and as whom.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    match path.root()? {
        "launch_template" | "launch_configuration" | "service_linked_role_arn" => {
            Some(Severity::High)
        }
        "tag" => Some(Severity::Low),
        _ => None,
    }
}
