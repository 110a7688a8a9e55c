//! `aws_ec2_managed_prefix_list`: a named set of CIDRs that rules and routes refer to. Lists
//! AWS keeps (owner `AWS`) are never unmanaged.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for managed prefix lists.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ec2_managed_prefix_list",
    compared: &[
        "name",
        "address_family",
        "max_entries",
        "entry",
        "owner_id",
        "tags",
    ],
    // Bumped by every change, including the ones Terraform makes.
    ignored: &["version"],
    sets: &["entry"],
    maps: &["tags"],
    when_set: &[],
    // Every rule and route that names the list follows its entries.
    severity: |p, _, _| (p.root()? == "entry").then_some(Severity::High),
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &[],
        skip: &[],
        blocks: &["entry"],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
