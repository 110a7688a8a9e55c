//! `aws_lb_listener` (and `aws_alb_listener`): listed with one DescribeListeners per load
//! balancer, tags with DescribeTags. Default actions are compared by type, target group and
//! order (what the listing returns of them).

use serde_json::Value;

use super::derive::Derived;
use super::{CodifyRules, TypeRules, alias};
use crate::model::{AttrPath, Severity};

/// Rules for listeners.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_lb_listener",
    compared: &[
        "load_balancer_arn",
        "port",
        "protocol",
        "ssl_policy",
        "certificate_arn",
        "default_action",
        "tags",
    ],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["port", "protocol"],
        skip: &[],
        blocks: &["default_action"],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// `aws_alb_listener`: the same resource under its older name.
pub(super) const ALB: TypeRules = TypeRules {
    name: "aws_alb_listener",
    derived: Some(&ALB_DERIVED),
    ..RULES
};

static ALB_DERIVED: Derived = alias(&["aws_lb_listener"]);

/// Encryption in transit and where traffic goes.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(
        path.root()?,
        "protocol" | "ssl_policy" | "certificate_arn" | "default_action"
    )
    .then_some(Severity::High)
}
