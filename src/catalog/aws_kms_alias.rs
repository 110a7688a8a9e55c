//! `aws_kms_alias`: listed with ListAliases. AWS's own `alias/aws/*` are never listed.

use super::{CodifyRules, TypeRules};
use crate::model::Severity;

/// Rules for key aliases.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_kms_alias",
    compared: &["name", "target_key_id"],
    ignored: &["name_prefix", "target_key_arn"],
    sets: &[],
    maps: &[],
    when_set: &[],
    // An alias pointed at another key sends whatever uses it to that key.
    severity: |_, _, _| Some(Severity::High),
    unmanaged: Severity::Low,
    derived: None,
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};
