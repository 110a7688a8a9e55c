//! `aws_route53_zone`: listed once per account with ListHostedZones; tags with one
//! ListTagsForResources per ten zones, a private zone's VPCs with one GetHostedZone each. VPCs
//! associated by `aws_route53_zone_association` resources are judged on those
//! (`diff::managed`).

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for hosted zones.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_route53_zone",
    compared: &["name", "comment", "vpc", "tags"],
    ignored: &[
        "force_destroy",
        "name_servers",
        "primary_name_server",
        "delegation_set_id",
        "zone_id",
    ],
    sets: &["vpc"],
    maps: &["tags"],
    when_set: &["vpc"],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules {
        keep: &["name"],
        skip: &["force_destroy", "delegation_set_id"],
        blocks: &["vpc"],
        only_when_true: &[],
    },
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

/// Which networks resolve a private zone.
fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    (path.root()? == "vpc").then_some(Severity::High)
}
