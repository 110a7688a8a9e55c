//! `aws_vpc_ipv4_cidr_block_association`: a secondary IPv4 range of a VPC. Listed from the VPCs'
//! own CIDR associations (DescribeVpcs, no call of its own); the primary range is the VPC's.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for secondary VPC ranges.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_vpc_ipv4_cidr_block_association",
    compared: &["vpc_id", "cidr_block"],
    // Inputs of an IPAM allocation, used only while creating it.
    ignored: &["ipv4_ipam_pool_id", "ipv4_netmask_length"],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: |_, _, _| None,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
