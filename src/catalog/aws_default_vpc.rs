//! `aws_default_vpc`: a region's default VPC adopted into Terraform. The lister reads it as the
//! `aws_vpc` it is.

use super::derive::Derived;
use super::{CodifyRules, TypeRules, alias, no_opinion};
use crate::model::Severity;

/// Rules for `aws_default_vpc`: those of `aws_vpc`, and Terraform's own arguments.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_default_vpc",
    compared: super::aws_vpc::RULES.compared,
    ignored: &[
        "force_destroy",
        "existing_default_vpc",
        "ipv6_ipam_pool_id",
        "ipv6_netmask_length",
        "default_network_acl_id",
        "default_route_table_id",
        "default_security_group_id",
        "main_route_table_id",
    ],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

// The same object the lister read under its ordinary type.
static DERIVED: Derived = alias(&["aws_vpc"]);
