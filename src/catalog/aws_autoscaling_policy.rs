//! `aws_autoscaling_policy`: listed with DescribePolicies. Terraform's ID is the policy's name,
//! which many groups may share (a `scale-up` policy each): the lister names each by its import
//! ID `GROUP/NAME`, and a state object is matched by the same.

use super::derive::text;
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for scaling policies.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_autoscaling_policy",
    compared: &[
        "name",
        "autoscaling_group_name",
        "policy_type",
        "adjustment_type",
        "scaling_adjustment",
        "cooldown",
        "min_adjustment_magnitude",
        "estimated_instance_warmup",
        "enabled",
        "target_tracking_configuration",
    ],
    ignored: &["metric_aggregation_type"],
    sets: &[],
    maps: &[],
    // Zero in the state is "not set", which AWS reads back as nothing.
    when_set: &[
        "adjustment_type",
        "scaling_adjustment",
        "cooldown",
        "min_adjustment_magnitude",
        "estimated_instance_warmup",
    ],
    severity: |_, _, _| None,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["policy_type"],
        skip: &[],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: Some(listed_id),
    state_id_unique: false,
};

/// The ID the lister gives the policy a state object stands for.
fn listed_id(state: &Resource) -> Option<String> {
    let (group, name) = (text(state, "autoscaling_group_name")?, text(state, "name")?);
    Some(format!("{group}/{name}"))
}
