//! `aws_internet_gateway`.

use super::{CodifyRules, TypeRules, no_opinion};
use crate::model::Severity;

/// Rules for internet gateways.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_internet_gateway",
    compared: &["vpc_id", "owner_id", "tags"],
    ignored: &[],
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
