//! `aws_cloudwatch_log_group`. Listed with DescribeLogGroups; tags with one
//! ListTagsForResource per group. The groups Lambda, EKS and CodeBuild create on first use
//! belong to the function, cluster or project they were made for (`live::aws::logs`).

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for log groups.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_cloudwatch_log_group",
    compared: &[
        "name",
        "retention_in_days",
        "kms_key_id",
        "log_group_class",
        "tags",
    ],
    // `skip_destroy` and `name_prefix` are Terraform's own arguments.
    ignored: &["skip_destroy", "name_prefix"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    // Losing the key leaves the logs readable to anyone who can read the group.
    severity: |p, _, _| (p.root()? == "kms_key_id").then_some(Severity::High),
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["name", "retention_in_days"],
        skip: &["name_prefix", "skip_destroy"],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
