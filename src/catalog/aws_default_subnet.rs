//! `aws_default_subnet`: a default VPC's subnet in one zone, adopted into Terraform. The lister
//! reads it as the `aws_subnet` it is (AWS's own, never unmanaged).

use super::derive::Derived;
use super::{CodifyRules, TypeRules, alias, no_opinion};
use crate::model::Severity;

/// Rules for `aws_default_subnet`: those of `aws_subnet`, and Terraform's own arguments.
pub(super) const RULES: TypeRules = TypeRules {
    name: "aws_default_subnet",
    compared: super::aws_subnet::RULES.compared,
    ignored: &[
        "force_destroy",
        "existing_default_subnet",
        "availability_zone_id",
        "ipv6_native",
    ],
    sets: &[],
    maps: &["tags"],
    when_set: &[],
    severity: no_opinion,
    unmanaged: Severity::Medium,
    derived: Some(&DERIVED),
    codify: CodifyRules::NONE,
    security: false,
    secret: &[],
    match_id: None,
    state_id_unique: false,
};

// The same object the lister read under its ordinary type.
static DERIVED: Derived = alias(&["aws_subnet"]);
