//! `aws_eks_addon`: the add-ons of every listed cluster (ListAddons), one DescribeAddon each;
//! Terraform's ID is `CLUSTER:ADDON`. The add-ons EKS installs by itself (vpc-cni, kube-proxy,
//! CoreDNS on a new cluster) run as self-managed deployments, not add-ons, so the API never
//! names them: every add-on it names was installed by someone.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for EKS add-ons.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_eks_addon",
    compared: &[
        "cluster_name",
        "addon_name",
        "addon_version",
        "service_account_role_arn",
        "configuration_values",
        "tags",
    ],
    // Terraform's own arguments: how to resolve conflicts, whether to keep it on destroy.
    ignored: &[
        "resolve_conflicts",
        "resolve_conflicts_on_create",
        "resolve_conflicts_on_update",
        "preserve",
    ],
    sets: &[],
    maps: &["tags"],
    // AWS picks the version and fills the defaults where nothing was asked for.
    when_set: &["addon_version", "configuration_values"],
    // The role an add-on's pods assume decides what they may do in the account.
    severity: |p, _, _| (p.root()? == "service_account_role_arn").then_some(Severity::High),
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["addon_version"],
        skip: &["resolve_conflicts"],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
