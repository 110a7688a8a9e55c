//! `aws_iam_role`. Listed once per account (IAM is global) with GetAccountAuthorizationDetails
//! and ListRoles.

use serde_json::Value;

use super::{CodifyRules, TypeRules};
use crate::model::{AttrPath, Severity};

/// Rules for IAM roles.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_role",
    // `description` and `max_session_duration` are not in the authorization details; one
    // paginated ListRoles beside it reads them.
    compared: &[
        "name",
        "path",
        "description",
        "max_session_duration",
        "assume_role_policy",
        "permissions_boundary",
        "managed_policy_arns",
        "tags",
    ],
    ignored: &["force_detach_policies", "name_prefix", "inline_policy"],
    sets: &["managed_policy_arns"],
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
    // Who may assume the role, and what it may do.
    match path.root()? {
        "assume_role_policy" | "managed_policy_arns" | "permissions_boundary" => {
            Some(Severity::High)
        }
        _ => None,
    }
}
