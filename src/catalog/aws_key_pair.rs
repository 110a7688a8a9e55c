//! `aws_key_pair`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for key pairs.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_key_pair",
    compared: &["key_name", "key_pair_id", "fingerprint", "key_type", "tags"],
    // The public key is write-only in practice: EC2 returns it only on request, and the
    // provider keeps what was configured.
    ignored: &["public_key", "key_name_prefix"],
    sets: &[],
    maps: &["tags"],
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
