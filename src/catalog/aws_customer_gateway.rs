//! `aws_customer_gateway`: the far end of a site-to-site VPN.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for customer gateways.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_customer_gateway",
    compared: &[
        "bgp_asn",
        "bgp_asn_extended",
        "ip_address",
        "type",
        "device_name",
        "certificate_arn",
        "tags",
    ],
    ignored: &[],
    sets: &[],
    maps: &["tags"],
    when_set: &["bgp_asn_extended", "device_name", "certificate_arn"],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
