//! `aws_ec2_transit_gateway`: a regional router between VPCs and VPNs.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for transit gateways.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ec2_transit_gateway",
    compared: &[
        "description",
        "amazon_side_asn",
        "auto_accept_shared_attachments",
        "default_route_table_association",
        "default_route_table_propagation",
        "dns_support",
        "vpn_ecmp_support",
        "multicast_support",
        "security_group_referencing_support",
        "transit_gateway_cidr_blocks",
        "owner_id",
        "tags",
    ],
    ignored: &[],
    sets: &["transit_gateway_cidr_blocks"],
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
