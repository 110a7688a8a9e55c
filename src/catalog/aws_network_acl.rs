//! `aws_network_acl`: a subnet firewall. Listed with DescribeNetworkAcls; a VPC's default ACL is
//! listed too (AWS made it, so it is never unmanaged) and read by `aws_default_network_acl`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for network ACLs.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_network_acl",
    compared: &[
        "vpc_id",
        "owner_id",
        "subnet_ids",
        "ingress",
        "egress",
        "tags",
    ],
    ignored: &[],
    sets: &["subnet_ids", "ingress", "egress"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["subnet_ids", "ingress", "egress"],
        skip: &[],
        blocks: &["ingress", "egress"],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// A changed entry, or a subnet moved to another ACL, changes what reaches a subnet.
pub(super) fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    matches!(path.root()?, "ingress" | "egress" | "subnet_ids").then_some(Severity::High)
}

/// A network ACL entry's protocol as the API and the provider's state spell it: a number.
pub fn protocol_number(p: &str) -> &str {
    match p {
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        "icmpv6" => "58",
        "all" => "-1",
        other => other,
    }
}
