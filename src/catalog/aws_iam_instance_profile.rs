//! `aws_iam_instance_profile`, listed once per account with ListInstanceProfiles.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for instance profiles.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_iam_instance_profile",
    compared: &["name", "path", "role"],
    ignored: &["name_prefix"],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    // The role an instance runs as.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Medium,
    derived: None,
    codify: CodifyRules::NONE,
    security: true,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
