//! `aws_vpc_peering_connection`: a route between two VPCs. A deleted, rejected, failed or
//! expired one is gone, as the provider drops it.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for VPC peering connections.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc_peering_connection",
    compared: &[
        "vpc_id",
        "peer_vpc_id",
        "peer_owner_id",
        "peer_region",
        "accept_status",
        "tags",
    ],
    // `auto_accept` is an input used while creating it; the DNS options are read with a call
    // of their own per connection.
    ignored: &["auto_accept", "accepter", "requester"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: |p, _, _| (p.root()? != "tags").then_some(Severity::High),
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
