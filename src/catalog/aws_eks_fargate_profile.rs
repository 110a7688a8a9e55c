//! `aws_eks_fargate_profile`: the Fargate profiles of every listed cluster
//! (ListFargateProfiles), one DescribeFargateProfile each; Terraform's ID is `CLUSTER:NAME`.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for EKS Fargate profiles.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_eks_fargate_profile",
    compared: &[
        "cluster_name",
        "fargate_profile_name",
        "pod_execution_role_arn",
        "subnet_ids",
        "selector",
        "tags",
    ],
    ignored: &[],
    sets: &["subnet_ids", "selector"],
    maps: &["tags"],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["fargate_profile_name"],
        skip: &[],
        blocks: &["selector"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
