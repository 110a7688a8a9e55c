//! `aws_security_group`.

use serde_json::Value;

use super::{CodifyRules, TypeRules, opens_to_world};
use crate::model::{AttrPath, Severity};

/// Rules for security groups.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_security_group",
    compared: &[
        "name",
        "description",
        "vpc_id",
        "owner_id",
        "ingress",
        "egress",
        "tags",
    ],
    ignored: &["revoke_rules_on_delete", "name_prefix"],
    sets: &["ingress", "egress"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    // Rules are part of what a group is: a configuration without them would let any rule come
    // and go unseen by `terraform plan`.
    codify: CodifyRules {
        keep: &["name", "vpc_id", "ingress", "egress"],
        skip: &["name_prefix", "revoke_rules_on_delete"],
        blocks: &["ingress", "egress"],
        only_when_true: &[],
    },
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

pub(super) fn severity(path: &AttrPath, state: &Value, live: &Value) -> Option<Severity> {
    match path.root()? {
        "ingress" if opens_to_world(state, live) => Some(Severity::High),
        "ingress" | "egress" => Some(Severity::Medium),
        _ => None,
    }
}
