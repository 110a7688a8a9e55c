//! `aws_iam_group`. Listed once per account with GetAccountAuthorizationDetails.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for IAM groups.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_group",
    compared: &["name", "path"],
    ignored: &[],
    sets: &[],
    maps: &[],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
