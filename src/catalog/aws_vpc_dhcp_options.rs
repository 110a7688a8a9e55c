//! `aws_vpc_dhcp_options`: a DHCP options set. The region's default set, which AWS makes
//! itself, is never unmanaged.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for DHCP options sets.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc_dhcp_options",
    compared: &[
        "domain_name",
        "domain_name_servers",
        "ntp_servers",
        "netbios_name_servers",
        "netbios_node_type",
        "owner_id",
        "tags",
    ],
    ignored: &["ipv6_address_preferred_lease_time"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    // Name servers decide where a VPC's lookups go.
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
