//! `aws_nat_gateway`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for NAT gateways.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_nat_gateway",
    compared: &[
        "subnet_id",
        "connectivity_type",
        "allocation_id",
        "private_ip",
        "public_ip",
        "network_interface_id",
        "tags",
    ],
    ignored: &["secondary_private_ip_address_count"],
    sets: &["secondary_allocation_ids", "secondary_private_ip_addresses"],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
