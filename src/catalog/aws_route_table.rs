//! `aws_route_table`.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for route tables.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_route_table",
    compared: &["vpc_id", "owner_id", "route", "propagating_vgws", "tags"],
    ignored: &[],
    sets: &["route", "propagating_vgws"],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

pub(super) fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    // A changed route can send traffic around a firewall or out to the internet.
    (path.root()? == "route").then_some(Severity::High)
}
