//! `aws_vpc`.

use super::{TypeRules, no_opinion};
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
    // The DNS flags and the default_* IDs need one call per VPC; they are read by the provider
    // path (`--live provider`), not by the bulk lister.
    ignored: &[
        "enable_dns_support",
        "enable_dns_hostnames",
        "enable_network_address_usage_metrics",
        "assign_generated_ipv6_cidr_block",
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
};
