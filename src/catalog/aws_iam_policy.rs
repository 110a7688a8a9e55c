//! `aws_iam_policy`: customer managed policies, listed once per account with
//! GetAccountAuthorizationDetails (AWS managed policies are never unmanaged: not listed).

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for IAM policies.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_policy",
    // Tags are not in the bulk listing; `attachment_count` follows the attachments.
    compared: &["name", "path", "description", "policy"],
    ignored: &["name_prefix", "attachment_count"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

fn severity(path: &AttrPath, _: &Value, _: &Value) -> Option<Severity> {
    (path.root()? == "policy").then_some(Severity::High)
}
