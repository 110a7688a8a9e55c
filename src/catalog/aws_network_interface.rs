//! `aws_network_interface`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for network interfaces.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_network_interface",
    compared: &[
        "subnet_id",
        "description",
        "private_ip",
        "private_ips",
        "security_groups",
        "source_dest_check",
        "interface_type",
        "attachment",
        "tags",
    ],
    ignored: &[
        "private_ips_count",
        "private_ip_list_enabled",
        "ipv6_address_list_enabled",
    ],
    sets: &["security_groups", "private_ips", "ipv6_addresses"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    (path.root()? == "security_groups").then_some(Severity::High)
}
