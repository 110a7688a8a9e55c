//! `aws_ec2_transit_gateway_vpc_attachment`: a VPC plugged into a transit gateway.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for transit gateway VPC attachments.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_ec2_transit_gateway_vpc_attachment",
    compared: &[
        "transit_gateway_id",
        "vpc_id",
        "subnet_ids",
        "dns_support",
        "ipv6_support",
        "appliance_mode_support",
        "security_group_referencing_support",
        "vpc_owner_id",
        "tags",
    ],
    // Read from the gateway's default route table with calls of their own.
    ignored: &[
        "transit_gateway_default_route_table_association",
        "transit_gateway_default_route_table_propagation",
    ],
    sets: &["subnet_ids"],
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
