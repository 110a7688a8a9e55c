//! `aws_eip`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for Elastic IPs.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_eip",
    compared: &[
        "domain",
        "public_ip",
        "instance",
        "network_interface",
        "private_ip",
        "association_id",
        "tags",
    ],
    // `vpc` is a deprecated alias of domain; the association_* values follow `instance`.
    ignored: &[
        "vpc",
        "associate_with_private_ip",
        "address",
        "customer_owned_ipv4_pool",
    ],
    sets: &[],
    maps: &["tags"],
    // A NAT gateway or instance association made after the EIP was read leaves these empty in
    // state until the next refresh; they are drift only when the state recorded a value.
    when_set: &["association_id", "network_interface", "private_ip"],
    severity,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules {
        keep: &["domain"],
        skip: &[
            "vpc",
            "instance",
            "network_interface",
            "associate_with_private_ip",
        ],
        blocks: &[],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    // A public address moved to another instance or interface exposes that target.
    matches!(path.root()?, "instance" | "network_interface").then_some(Severity::High)
}
