//! `aws_eks_node_group`: the node groups of every listed cluster (ListNodegroups), one
//! DescribeNodegroup each; Terraform's ID is `CLUSTER:NAME`. The Auto Scaling group and the
//! instances EKS runs for a node group are its own (`live::aws::autoscaling`), never unmanaged.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for EKS managed node groups.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_eks_node_group",
    compared: &[
        "cluster_name",
        "node_group_name",
        "node_role_arn",
        "subnet_ids",
        "scaling_config",
        "instance_types",
        "capacity_type",
        "ami_type",
        "disk_size",
        "version",
        "labels",
        "tags",
    ],
    // Terraform's own arguments, and the AMI release AWS rolls forward on its own.
    ignored: &[
        "node_group_name_prefix",
        "force_update_version",
        "release_version",
    ],
    sets: &["subnet_ids"],
    maps: &["labels", "tags"],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &[
            "node_group_name",
            "instance_types",
            "capacity_type",
            "ami_type",
        ],
        skip: &["node_group_name_prefix", "release_version"],
        blocks: &["scaling_config"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
