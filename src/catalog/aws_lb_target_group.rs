//! `aws_lb_target_group` (and `aws_alb_target_group`): listed with DescribeTargetGroups, tags
//! with DescribeTags, and the registered targets (for the attachments) with one
//! DescribeTargetHealth per group.

use super::derive::Derived;
use super::{CodifyRules, TypeRules, alias, no_opinion};
use crate::model::Severity;

/// Rules for target groups.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lb_target_group",
    compared: &[
        "name",
        "port",
        "protocol",
        "protocol_version",
        "vpc_id",
        "target_type",
        "ip_address_type",
        "health_check",
        "tags",
    ],
    ignored: &["name_prefix", "load_balancer_arns"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["name", "port", "protocol", "vpc_id", "target_type"],
        skip: &["name_prefix"],
        blocks: &["health_check"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// `aws_alb_target_group`: the same resource under its older name.
pub(super) const ALB: TypeRules = TypeRules {
    name: "aws_alb_target_group",
    derived: Some(&ALB_DERIVED),
    ..RULES
};

static ALB_DERIVED: Derived = alias(&["aws_lb_target_group"]);
