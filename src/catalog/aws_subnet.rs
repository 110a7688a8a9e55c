//! `aws_subnet`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for subnets.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_subnet",
    compared: &[
        "vpc_id",
        "cidr_block",
        "availability_zone",
        "map_public_ip_on_launch",
        "assign_ipv6_address_on_creation",
        "tags",
    ],
    ignored: &[
        "availability_zone_id",
        "ipv6_cidr_block_association_id",
        "ipv6_native",
    ],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["availability_zone"],
        skip: &[],
        blocks: &[],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

fn severity(path: &AttrPath, _: &Value, live: &Value) -> Option<Severity> {
    // A subnet that starts handing out public IPs exposes every instance launched in it.
    (path.root()? == "map_public_ip_on_launch" && *live == Value::Bool(true))
        .then_some(Severity::High)
}
