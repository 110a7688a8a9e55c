//! `aws_vpc_endpoint`: gateway and interface endpoints. The routes a gateway endpoint adds to
//! its route tables and the interfaces an interface endpoint creates are the endpoint's own,
//! never unmanaged (`diff::managed`).

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for VPC endpoints.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc_endpoint",
    compared: &[
        "vpc_id",
        "service_name",
        "vpc_endpoint_type",
        "route_table_ids",
        "subnet_ids",
        "security_group_ids",
        "private_dns_enabled",
        "policy",
        "tags",
    ],
    // Computed from the endpoint (the interfaces, DNS names, the prefix list), or inputs used
    // only while creating it.
    ignored: &[
        "auto_accept",
        "cidr_blocks",
        "dns_entry",
        "dns_options",
        "ip_address_type",
        "network_interface_ids",
        "prefix_list_id",
        "requester_managed",
        "state",
        "subnet_configuration",
    ],
    sets: &["route_table_ids", "subnet_ids", "security_group_ids"],
    maps: &["tags"],
    // An endpoint created without a policy reads back the service's default policy.
    when_set: &["policy"],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
