//! `aws_lb` (and its older name `aws_alb`): listed with DescribeLoadBalancers, tags with
//! DescribeTags. The attributes behind DescribeLoadBalancerAttributes (deletion protection,
//! idle timeout, access logs) need a call per load balancer: the `auto` and provider paths read
//! them.

use serde_json::Value;

use super::derive::Derived;
use super::{CodifyRules, TypeRules, alias};
use crate::model::{AttrPath, Severity};

/// Rules for load balancers.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lb",
    compared: &[
        "name",
        "internal",
        "load_balancer_type",
        "ip_address_type",
        "dns_name",
        "zone_id",
        "vpc_id",
        "security_groups",
        "subnets",
        "tags",
    ],
    ignored: &["name_prefix"],
    sets: &["security_groups", "subnets"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &[
            "name",
            "internal",
            "load_balancer_type",
            "subnets",
            "security_groups",
        ],
        skip: &["name_prefix", "subnet_mapping"],
        blocks: &[],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// `aws_alb`: the same resource under its older name, checked against the `aws_lb` listed.
pub(super) const ALB: TypeRules = TypeRules {
    name: "aws_alb",
    derived: Some(&ALB_DERIVED),
    ..RULES
};

static ALB_DERIVED: Derived = alias(&["aws_lb"]);

/// A load balancer turned internet-facing, or given other security groups, changes who can
/// reach what is behind it.
fn severity(path: &AttrPath, _: &Value, live: &Value) -> Option<Severity> {
    match path.root()? {
        "internal" if live == &Value::Bool(false) => Some(Severity::High),
        "security_groups" => Some(Severity::High),
        _ => None,
    }
}
