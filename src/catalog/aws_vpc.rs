//! `aws_vpc`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for VPCs.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc",
    compared: &[
        "cidr_block",
        "instance_tenancy",
        "dhcp_options_id",
        "owner_id",
        "tags",
    ],
    // The DNS flags need one call per VPC: the bulk lister leaves them out of `compared`, the
    // provider path (`--live provider`) reads and compares them. Never compared: IPAM inputs
    // used only at creation, and IDs of the objects AWS made with the VPC.
    ignored: &[
        "ipv4_ipam_pool_id",
        "ipv4_netmask_length",
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
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
