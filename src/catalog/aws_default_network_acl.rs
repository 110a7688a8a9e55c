//! `aws_default_network_acl`: a VPC's default network ACL adopted into Terraform. The lister
//! reads it as the `aws_network_acl` it is.

use serde_json::{Map, Value};

use super::derive::{Derived, text};
use super::{CodifyRules, TypeRules};
use crate::model::{Resource, Severity};

/// Rules for `aws_default_network_acl`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_default_network_acl",
    compared: &[
        "vpc_id",
        "owner_id",
        "subnet_ids",
        "ingress",
        "egress",
        "tags",
    ],
    ignored: &["default_network_acl_id"],
    sets: &["subnet_ids", "ingress", "egress"],
    maps: &["tags"],
    // Every subnet no other ACL claims falls back to the default one: unless the configuration
    // names its subnets, which ones it holds is AWS's bookkeeping, not drift.
    when_set: &["subnet_ids"],
    severity: super::aws_network_acl::severity,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

static DERIVED: Derived = Derived {
    parents: &["aws_network_acl"],
    parent_id: |r| text(r, "default_network_acl_id").or_else(|| Some(r.id.clone())),
    derive,
    children: None,
};

fn derive(_: &Resource, acl: &Resource) -> Option<Map<String, Value>> {
    Some(acl.attributes.map().into_owned())
}
