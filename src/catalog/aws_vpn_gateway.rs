//! `aws_vpn_gateway`: the AWS end of site-to-site VPNs, attached to a VPC.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for VPN gateways.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpn_gateway",
    compared: &["vpc_id", "amazon_side_asn", "availability_zone", "tags"],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    when_set: &["availability_zone"],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
