//! `aws_eks_cluster`: named by ListClusters, read with one DescribeCluster each. The network
//! (`vpc_config`) is compared field by field, only where the response carries the field;
//! `enabled_cluster_log_types` are the log types whose logging is on.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, PathStep, Severity};

/// Rules for EKS clusters.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_eks_cluster",
    compared: &[
        "name",
        "role_arn",
        "version",
        "vpc_config",
        "enabled_cluster_log_types",
        "tags",
    ],
    // Terraform's own arguments, and what follows from the version (the platform revision
    // AWS rolls out on its own).
    ignored: &[
        "bootstrap_self_managed_addons",
        "platform_version",
        "force_update_version",
    ],
    sets: &["enabled_cluster_log_types"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["name", "role_arn", "version"],
        skip: &["bootstrap_self_managed_addons"],
        blocks: &["vpc_config"],
        only_when_true: &[],
    },
    // Who can reach the Kubernetes API, from where, is a security question.
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// A public API endpoint opened, or its allowed networks widened, is high.
fn severity(path: &AttrPath, _: &Value, live: &Value) -> Option<Severity> {
    let leaf = path.0.iter().rev().find_map(|s| match s {
        PathStep::Key(k) => Some(k.as_str()),
        PathStep::Index(_) => None,
    })?;
    match leaf {
        "endpoint_public_access" => (live == &Value::Bool(true)).then_some(Severity::High),
        "public_access_cidrs" | "security_group_ids" => Some(Severity::High),
        _ => None,
    }
}
