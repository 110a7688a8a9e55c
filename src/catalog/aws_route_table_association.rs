//! `aws_route_table_association`: a subnet (or gateway) associated with a route table. Listed
//! from the tables' own associations (no call of its own beyond DescribeRouteTables).

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for `aws_route_table_association`.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_route_table_association",
    compared: &["route_table_id", "subnet_id", "gateway_id"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    // Which routes a subnet uses decides where its traffic can go.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
