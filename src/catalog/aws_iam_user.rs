//! `aws_iam_user`. Listed once per account with GetAccountAuthorizationDetails; a user made by
//! hand is a long-lived credential nobody reviews.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for IAM users.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_user",
    compared: &["name", "path", "permissions_boundary", "tags"],
    ignored: &["force_destroy"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: |p, _, _| (p.root()? == "permissions_boundary").then_some(Severity::High),
    unmanaged: Severity::High,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
