//! `aws_lb_listener_rule` (and `aws_alb_listener_rule`): listed with one DescribeRules per
//! listener (a listener's default rule is its default action, not one of these), tags with
//! DescribeTags. Actions are compared by type, target group and order; conditions as the set
//! of blocks the provider writes.

use serde_json::Value;

use super::derive::Derived;
use super::{CodifyRules, TypeRules, alias};
use crate::model::{AttrPath, Severity};

/// Rules for listener rules.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lb_listener_rule",
    compared: &["listener_arn", "priority", "action", "condition", "tags"],
    ignored: &[],
    sets: &["condition"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["priority"],
        skip: &[],
        blocks: &["action", "condition"],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// `aws_alb_listener_rule`: the same resource under its older name.
pub(super) const ALB: TypeRules = TypeRules {
    name: "aws_alb_listener_rule",
    derived: Some(&ALB_DERIVED),
    ..RULES
};

static ALB_DERIVED: Derived = alias(&["aws_lb_listener_rule"]);

/// Which requests go where.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(path.root()?, "action" | "condition").then_some(Severity::High)
}
